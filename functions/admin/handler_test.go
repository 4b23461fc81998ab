package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/testenv"
)

// adminAPI is the admin handler on a demo contest seeded on the local servers.
type adminAPI struct {
	env       *testenv.Contest
	routes    http.Handler
	organiser string
	token     string
}

func newAdminAPI(t *testing.T) *adminAPI {
	t.Helper()
	env := testenv.SeededContest(t)
	a := &adminAPI{env: env, organiser: env.Accounts.Organiser[0]}
	a.routes = NewHandler(env.Store, env.S3, s3.NewPresignClient(env.S3), env.Bucket, env.Signer, func() time.Time { return env.Now }, testenv.Logger()).Routes()
	a.token = env.TokenFor(t, a.organiser)
	return a
}

// upload posts a file as the body, with its content type.
func (a *adminAPI) upload(t *testing.T, token, path string, body []byte, contentType string) testenv.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	a.routes.ServeHTTP(rec, req)
	r := testenv.Response{Method: req.Method, Path: path, Status: rec.Code, Body: rec.Body.Bytes(), Header: rec.Header()}
	_ = json.Unmarshal(r.Body, &r.JSON)
	return r
}

const csvType = "text/csv; charset=utf-8"

// rosterCSV is a roster keeping the organiser and the given people of unit.
func (a *adminAPI) rosterCSV(t *testing.T, unit string, people ...string) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString("Email,Họ và tên,Mã đơn vị,Vai trò\n")
	fmt.Fprintf(&b, "%s,Ban Tổ chức,,Ban Tổ chức\n", a.organiser)
	for _, p := range people {
		fmt.Fprintf(&b, "%s,Người %s,%s,Thí sinh\n", p, p, unit)
	}
	return []byte(b.String())
}

func (a *adminAPI) firstUnit(t *testing.T) contest.Unit {
	t.Helper()
	units, err := a.env.Store.ListUnits(context.Background(), demo.ContestID)
	if err != nil || len(units) == 0 {
		t.Fatalf("units %v, %v", units, err)
	}
	return units[0]
}

func TestOnlyOrganisersUseTheConsole(t *testing.T) {
	a := newAdminAPI(t)
	acc := a.env.Accounts
	for _, who := range []struct{ role, email string }{
		{"a participant", acc.Participant[0]}, {"a unit admin", acc.UnitAdmin[0]}, {"a juror", acc.Jury[0]}, {"a citizen", acc.Citizen[0]},
	} {
		tok := a.env.TokenFor(t, who.email)
		for _, call := range []struct{ method, path string }{
			{http.MethodPost, "/imports/roster?dryRun=1"}, {http.MethodPost, "/imports/units"}, {http.MethodGet, "/templates/roster.xlsx"}, {http.MethodGet, "/audit"},
		} {
			t.Run(who.role+" is refused "+call.method+" "+call.path, func(t *testing.T) {
				var r testenv.Response
				if call.method == http.MethodPost {
					r = a.upload(t, tok, call.path, a.rosterCSV(t, "x"), csvType)
				} else {
					r = testenv.Serve(a.routes, call.method, call.path, tok, nil)
				}
				r.Expect(t, http.StatusForbidden, "organiser_only")
			})
		}
	}
	t.Run("nobody signed in is told to sign in", func(t *testing.T) {
		testenv.Serve(a.routes, http.MethodGet, "/audit", "", nil).Expect(t, http.StatusUnauthorized, "token_missing")
	})
}

func TestImportRoster(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	unit := a.firstUnit(t)
	before, err := a.env.Store.ListMembers(ctx, demo.ContestID)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a file with mistakes is answered 422 with each row and column, and nothing is written", func(t *testing.T) {
		file := []byte("Email,Họ và tên,Mã đơn vị,Vai trò\n" + a.organiser + ",BTC,,Ban Tổ chức\nan@demo.hue.gov.vn,An," + unit.ID + ",\n\nAN@demo.hue.gov.vn,An 2," + unit.ID + ",\nbinh@demo.hue.gov.vn,,khong-co,\n")
		r := a.upload(t, a.token, "/imports/roster", file, csvType)
		if r.Status != http.StatusUnprocessableEntity || r.JSON["ok"] != false {
			t.Fatalf("status %d, body %s", r.Status, r.Body)
		}
		problems, _ := r.JSON["problems"].([]any)
		first, _ := problems[0].(map[string]any)
		if first["row"] != float64(5) || first["column"] != "Email" || first["message"] != "Dòng 5, cột Email: email trùng với dòng 3 (không phân biệt chữ hoa, chữ thường)" {
			t.Errorf("first problem %v", first)
		}
		if len(problems) != 3 {
			t.Errorf("problems %v", problems)
		}
		after, _ := a.env.Store.ListMembers(ctx, demo.ContestID)
		if len(after) != len(before) {
			t.Errorf("%d members after a refused import, %d before", len(after), len(before))
		}
	})

	t.Run("a dry run says what would change and writes nothing", func(t *testing.T) {
		r := a.upload(t, a.token, "/imports/roster?dryRun=1", a.rosterCSV(t, unit.ID, "moi1@demo.hue.gov.vn", "moi2@demo.hue.gov.vn"), csvType)
		r.Check(t)
		var body struct {
			OK, Written bool
			Changes     importer.Changes
		}
		r.Decode(t, &body)
		// the demo roster was seeded person by person: its first replacement
		// lists its people by unit (organisers without a unit count as added)
		c := body.Changes
		if !body.OK || body.Written || !slices.Contains(c.AddedList, "moi1@demo.hue.gov.vn") || !slices.Contains(c.AddedList, "moi2@demo.hue.gov.vn") ||
			c.Removed == 0 || !strings.HasPrefix(c.Text, fmt.Sprintf("+%d người, −%d người", c.Added, c.Removed)) {
			t.Errorf("body %s", r.Body)
		}
		if _, found, _ := a.env.Store.GetMember(ctx, demo.ContestID, "moi1@demo.hue.gov.vn"); found {
			t.Error("a dry run wrote")
		}
	})

	t.Run("an import replaces the roster and is recorded in the audit log", func(t *testing.T) {
		r := a.upload(t, a.token, "/imports/roster", a.rosterCSV(t, unit.ID, "moi1@demo.hue.gov.vn", "moi2@demo.hue.gov.vn"), csvType)
		r.Check(t)
		if r.JSON["written"] != true {
			t.Fatalf("body %s", r.Body)
		}
		if m, found, _ := a.env.Store.GetMember(ctx, demo.ContestID, "moi2@demo.hue.gov.vn"); !found || m.UnitID != unit.ID {
			t.Errorf("the newcomer: %+v, %v", m, found)
		}
		if _, found, _ := a.env.Store.GetMember(ctx, demo.ContestID, a.env.Accounts.Participant[0]); found {
			t.Error("a participant left out of the file can still sign in")
		}
		log := testenv.Call(t, a.routes, http.MethodGet, "/audit?kind=import", a.token, nil)
		entries, _ := log.JSON["entries"].([]any)
		if len(entries) != 1 {
			t.Fatalf("entries %s", log.Body)
		}
		e := entries[0].(map[string]any)
		if e["actor"] != a.organiser || e["action"] != audit.ImportRoster || !strings.Contains(e["summary"].(string), "3 người") || e["after"] != "3 người" || e["at"] == "" {
			t.Errorf("entry %v", e)
		}
	})

	t.Run("the past imports list the roster's, with who, when and the summary", func(t *testing.T) {
		var page console.AuditPage
		testenv.Call(t, a.routes, http.MethodGet, "/imports?kind=roster", a.token, nil).Decode(t, &page)
		if len(page.Entries) != 1 || page.Entries[0].Action != audit.ImportRoster || page.Entries[0].Actor != a.organiser || page.Next != "" {
			t.Errorf("imports %+v", page)
		}
		var units console.AuditPage
		testenv.Call(t, a.routes, http.MethodGet, "/imports?kind=units", a.token, nil).Decode(t, &units)
		if len(units.Entries) != 0 {
			t.Errorf("units imports %+v", units)
		}
	})
	t.Run("the audit log cannot be changed through the API", func(t *testing.T) {
		for _, method := range []string{http.MethodPut, http.MethodDelete, http.MethodPost, http.MethodPatch} {
			r := testenv.Serve(a.routes, method, "/audit", a.token, map[string]string{"summary": "sửa"})
			if r.Status < 400 {
				t.Errorf("%s /audit: %d", method, r.Status)
			}
		}
		log := testenv.Call(t, a.routes, http.MethodGet, "/audit", a.token, nil)
		if entries, _ := log.JSON["entries"].([]any); len(entries) != 1 {
			t.Errorf("entries %s", log.Body)
		}
	})
}

func TestImportBankThenRounds(t *testing.T) {
	a := newAdminAPI(t)
	var b strings.Builder
	b.WriteString("Câu hỏi,Phương án A,Phương án B,Phương án C,Đáp án đúng,Giải thích,Căn cứ pháp lý,Lĩnh vực\n")
	for i := range 20 {
		fmt.Fprintf(&b, "Câu hỏi số %d về cải cách hành chính %d?,Đúng %d,Sai %d,Không biết %d,A,Vì %d,Điều %d Nghị định 61/2018/NĐ-CP,Cải cách thủ tục hành chính\n", i, i*7919, i, i, i, i, i+1)
	}
	r := a.upload(t, a.token, "/imports/bank?bankId=bo-moi&title=B%E1%BB%99%20m%E1%BB%9Bi", []byte(b.String()), csvType)
	r.Check(t)
	bank, err := a.env.Banks.Load(context.Background(), demo.ContestID, "bo-moi")
	if err != nil || len(bank.Questions) != 20 || bank.Questions[3].LegalBasis != "Điều 4 Nghị định 61/2018/NĐ-CP" || bank.Title != "Bộ mới" {
		t.Fatalf("bank %+v, %v", bank, err)
	}

	t.Run("rounds are checked against the banks in the bucket", func(t *testing.T) {
		far := a.env.Now.AddDate(1, 0, 0)
		open, close := far.Format("02/01/2006 15:04"), far.AddDate(0, 0, 7).Format("02/01/2006 15:04")
		file := "Mã tuần thi,Tên tuần thi,Bắt đầu,Kết thúc,Số câu hỏi,Thời gian làm bài (phút),Mã bộ câu hỏi\n" +
			"tuan-xa-1,Tuần xa,\"" + open + "\",\"" + close + "\",15,10,bo-moi\n" +
			"tuan-xa-2,Tuần xa 2,\"" + close + "\",\"" + far.AddDate(0, 0, 14).Format("02/01/2006 15:04") + "\",25,10,bo-moi\n"
		r := a.upload(t, a.token, "/imports/rounds?dryRun=1", []byte(file), csvType)
		problems, _ := r.JSON["problems"].([]any)
		if r.Status != http.StatusUnprocessableEntity || len(problems) != 1 || !strings.Contains(problems[0].(map[string]any)["message"].(string), "chỉ có 20 câu") {
			t.Errorf("status %d body %s", r.Status, r.Body)
		}
		file = strings.Replace(file, ",25,", ",20,", 1)
		a.upload(t, a.token, "/imports/rounds", []byte(file), csvType).Check(t)
		got, err := a.env.Store.GetRound(context.Background(), demo.ContestID, "tuan-xa-2")
		if err != nil || got.QuestionCount != 20 || got.BankID != "bo-moi" {
			t.Errorf("round %+v, %v", got, err)
		}
	})
}

func TestTemplates(t *testing.T) {
	a := newAdminAPI(t)
	for _, k := range importer.Kinds {
		t.Run("the "+string(k)+" template is an .xlsx workbook", func(t *testing.T) {
			r := testenv.Serve(a.routes, http.MethodGet, "/templates/"+string(k)+".xlsx", a.token, nil)
			if r.Status != http.StatusOK || !bytes.HasPrefix(r.Body, []byte("PK\x03\x04")) || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
				t.Errorf("status %d, type %q", r.Status, r.Header.Get("Content-Type"))
			}
		})
	}
	t.Run("an unknown template is not found", func(t *testing.T) {
		testenv.Serve(a.routes, http.MethodGet, "/templates/papers.xlsx", a.token, nil).Expect(t, http.StatusNotFound, "template_not_found")
	})
}

func TestContestSettings(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	// GIVEN a published week
	closed := demo.Rounds(a.env.Now)[0]
	if err := a.env.Store.MarkPublished(ctx, demo.ContestID, closed.ID, a.env.Now, 3); err != nil {
		t.Fatal(err)
	}
	got := testenv.Call(t, a.routes, http.MethodGet, "/contest", a.token, nil)
	var body console.Settings
	got.Decode(t, &body)
	t.Run("the settings come with the rules' limits and the published weeks", func(t *testing.T) {
		if body.Contest.ID != demo.ContestID || body.Limits.PrizeCount.Max != 1000 || len(body.Limits.TieBreakKeys) != 4 || !slices.Contains(body.PublishedRounds, closed.ID) {
			t.Errorf("body %s", got.Body)
		}
	})
	t.Run("the settings say when the schedule next tallies each unpublished round and reminds", func(t *testing.T) {
		want := contest.NextRuns(body.Contest, mustRounds(t, a), a.env.Now)
		if len(body.NextRuns.Tallies) == 0 || len(body.NextRuns.Tallies) != len(want.Tallies) || body.NextRuns.Reminder == nil || body.NextRuns.TimeZone != "Asia/Ho_Chi_Minh" {
			t.Errorf("next runs %+v, want %+v", body.NextRuns, want)
		}
		for _, r := range body.NextRuns.Tallies {
			if r.Round == closed.ID {
				t.Errorf("the published week has a next tally: %+v", r)
			}
		}
	})

	t.Run("a setting out of bounds is answered 422 with its field, and nothing is written", func(t *testing.T) {
		c := body.Contest
		c.ReportThreshold = 80
		r := testenv.Serve(a.routes, http.MethodPut, "/contest", a.token, c)
		problems, _ := r.JSON["problems"].([]any)
		if r.Status != http.StatusUnprocessableEntity || len(problems) != 1 || problems[0].(map[string]any)["column"] != "reportThreshold" {
			t.Errorf("status %d body %s", r.Status, r.Body)
		}
	})

	t.Run("a practice setting the contest does not know is answered 422 with its field", func(t *testing.T) {
		c := body.Contest
		c.Practice = "thinh-thoang"
		r := testenv.Serve(a.routes, http.MethodPut, "/contest", a.token, c)
		problems, _ := r.JSON["problems"].([]any)
		if r.Status != http.StatusUnprocessableEntity || len(problems) != 1 || problems[0].(map[string]any)["column"] != "practice" {
			t.Errorf("status %d body %s", r.Status, r.Body)
		}
		if !slices.Equal(body.Limits.Practice, []string{"off", "signed-in", "everyone"}) {
			t.Errorf("limits' practice %v", body.Limits.Practice)
		}
	})

	t.Run("the limits give each practice setting with its label, and the rule on keys in a sentence", func(t *testing.T) {
		var values []string
		for _, ch := range body.Limits.PracticeChoices {
			values = append(values, ch.Value)
			if ch.Label == "" {
				t.Errorf("practice %q has no label", ch.Value)
			}
		}
		if !slices.Equal(values, body.Limits.Practice) {
			t.Errorf("practice choices %v, want %v", values, body.Limits.Practice)
		}
		if body.Limits.PublicKeysRule != contest.KeysRule || !strings.Contains(body.Limits.PublicKeysRule, "đáp án") {
			t.Errorf("public keys rule %q", body.Limits.PublicKeysRule)
		}
	})

	t.Run("a new tie-break order is written, warned about and audited", func(t *testing.T) {
		c := body.Contest
		c.TieBreak = []string{"correct", "time", "prediction", "submitted"}
		r := testenv.Call(t, a.routes, http.MethodPut, "/contest", a.token, c)
		var res console.SettingsOutcome
		r.Decode(t, &res)
		if !res.Written || !strings.Contains(res.Change.Warning, closed.ID) {
			t.Errorf("body %s", r.Body)
		}
		stored, _ := a.env.Store.GetContest(ctx, demo.ContestID)
		if !slices.Equal(stored.TieBreak, c.TieBreak) {
			t.Errorf("stored tie-break %v", stored.TieBreak)
		}
		log := testenv.Call(t, a.routes, http.MethodGet, "/audit?kind=settings", a.token, nil)
		if entries, _ := log.JSON["entries"].([]any); len(entries) != 1 {
			t.Errorf("entries %s", log.Body)
		}
	})
	t.Run("the contest's sender and mail share are checked against the deployment's limits, then written", func(t *testing.T) {
		// GIVEN a deployment sending at 14 a second from its verified domain
		routes := NewHandler(a.env.Store, a.env.S3, s3.NewPresignClient(a.env.S3), a.env.Bucket, a.env.Signer, func() time.Time { return a.env.Now }, testenv.Logger()).
			WithDeployment(importer.Deployment{MailRate: 14, MailDomains: []string{demo.Domain}}).Routes()
		var got console.Settings
		testenv.Call(t, routes, http.MethodGet, "/contest", a.token, nil).Decode(t, &got)
		if got.Limits.MailPerSecond.Max != 14 || !slices.Equal(got.Limits.MailDomains, []string{demo.Domain}) || got.Limits.MailFromRule == "" {
			t.Errorf("limits %+v: want the deployment's rate and domains", got.Limits)
		}
		for _, bad := range []struct {
			from string
			rate float64
			col  string
		}{
			{"hoithi@gmail.com", 0, "mailFrom"},                     // not an official domain of the contest
			{"Hội thi <hoithi@" + demo.Domain + ">", 0, "mailFrom"}, // not a bare address
			{"hoithi@" + demo.Domain, 20, "mailPerSecond"},          // above the deployment's rate
		} {
			c := got.Contest
			c.MailFrom, c.MailPerSecond = bad.from, bad.rate
			r := testenv.Serve(routes, http.MethodPut, "/contest", a.token, c)
			problems, _ := r.JSON["problems"].([]any)
			if r.Status != http.StatusUnprocessableEntity || len(problems) != 1 || problems[0].(map[string]any)["column"] != bad.col {
				t.Errorf("%q at %v: status %d body %s, want 422 on %s", bad.from, bad.rate, r.Status, r.Body, bad.col)
			}
		}
		c := got.Contest
		c.MailFrom, c.MailPerSecond = "hoithi@"+demo.Domain, 6
		var res console.SettingsOutcome
		testenv.Call(t, routes, http.MethodPut, "/contest", a.token, c).Decode(t, &res)
		stored, _ := a.env.Store.GetContest(ctx, demo.ContestID)
		if !res.Written || stored.MailFrom != c.MailFrom || stored.MailPerSecond != 6 {
			t.Errorf("written %v, stored %q at %v", res.Written, stored.MailFrom, stored.MailPerSecond)
		}
		// AND a deployment that has not verified the domain refuses it
		other := NewHandler(a.env.Store, a.env.S3, s3.NewPresignClient(a.env.S3), a.env.Bucket, a.env.Signer, func() time.Time { return a.env.Now }, testenv.Logger()).
			WithDeployment(importer.Deployment{MailRate: 14, MailDomains: []string{"hoithi.example.gov.vn"}}).Routes()
		r := testenv.Serve(other, http.MethodPut, "/contest?dryRun=1", a.token, stored)
		if problems, _ := r.JSON["problems"].([]any); r.Status != http.StatusUnprocessableEntity || len(problems) != 1 {
			t.Errorf("unverified domain: status %d body %s", r.Status, r.Body)
		}
		// (the deployment's sender again, for the tests that follow)
		stored.MailFrom, stored.MailPerSecond = "", 0
		testenv.Call(t, routes, http.MethodPut, "/contest", a.token, stored)
	})
	t.Run("a unit admin may not read the settings here", func(t *testing.T) {
		testenv.Serve(a.routes, http.MethodGet, "/contest", a.env.TokenFor(t, a.env.Accounts.UnitAdmin[0]), nil).Expect(t, http.StatusForbidden, "organiser_only")
	})

	t.Run("practice for signed-in people and public keys after close are written and kept", func(t *testing.T) {
		c, err := a.env.Store.GetContest(ctx, demo.ContestID)
		if err != nil {
			t.Fatal(err)
		}
		c.Practice, c.PublicKeysAfterClose = contest.PracticeSignedIn, true
		r := testenv.Call(t, a.routes, http.MethodPut, "/contest", a.token, c)
		var res console.SettingsOutcome
		r.Decode(t, &res)
		if !res.Written || !slices.Equal(res.Change.Fields, []string{"publicKeysAfterClose", "practice"}) {
			t.Errorf("body %s", r.Body)
		}
		stored, _ := a.env.Store.GetContest(ctx, demo.ContestID)
		if stored.Practice != contest.PracticeSignedIn || !stored.PublicKeysAfterClose {
			t.Errorf("stored practice %q, public keys %v", stored.Practice, stored.PublicKeysAfterClose)
		}
	})
}

func TestAuditLogPages(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	at := a.env.Now.Add(-48 * time.Hour)
	for i, actor := range []string{"lan@demo.hue.gov.vn", "hoa@demo.hue.gov.vn", "lan@demo.hue.gov.vn", audit.ScheduleActor, "lan@demo.hue.gov.vn"} {
		action, after := audit.SettingsUpdate, ""
		if actor == audit.ScheduleActor {
			action, after = audit.Publication, "results/"+demo.ContestID+"/2026-w48/"
		}
		e, err := audit.New(at.Add(time.Duration(i)*time.Hour), actor, action, fmt.Sprintf("việc %d", i), "", after)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.env.Store.AppendAudit(ctx, demo.ContestID, e); err != nil {
			t.Fatal(err)
		}
	}
	page := func(t *testing.T, query string) console.AuditPage {
		t.Helper()
		var p console.AuditPage
		testenv.Call(t, a.routes, http.MethodGet, "/audit?"+query, a.token, nil).Decode(t, &p)
		return p
	}
	t.Run("pages of two follow each other by their cursor, newest first, to the last", func(t *testing.T) {
		var summaries []string
		next := ""
		for range 5 {
			p := page(t, "limit=2&cursor="+next)
			for _, e := range p.Entries {
				summaries = append(summaries, e.Summary)
			}
			if next = p.Next; next == "" {
				break
			}
		}
		if want := []string{"việc 4", "việc 3", "việc 2", "việc 1", "việc 0"}; !slices.Equal(summaries, want) {
			t.Errorf("summaries %v, want %v", summaries, want)
		}
	})
	t.Run("a filter by who pages within its entries", func(t *testing.T) {
		first := page(t, "limit=2&actor=LAN")
		rest := page(t, "limit=2&actor=LAN&cursor="+first.Next)
		if len(first.Entries) != 2 || len(rest.Entries) != 1 || rest.Entries[0].Summary != "việc 0" || rest.Next != "" {
			t.Errorf("first %+v, then %+v", first, rest)
		}
	})
	t.Run("a publication's entry names the round whose results name it", func(t *testing.T) {
		p := page(t, "kind=publication")
		if len(p.Entries) != 1 || p.Entries[0].Round != "2026-w48" || p.Entries[0].ID == "" {
			t.Errorf("entries %+v", p.Entries)
		}
	})
	for _, tt := range []struct{ name, query, code string }{
		{"a cursor that is not one is refused", "cursor=x", "audit_cursor"},
		{"a page too large is refused", "limit=1000", "audit_limit"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			testenv.Serve(a.routes, http.MethodGet, "/audit?"+tt.query, a.token, nil).Expect(t, http.StatusBadRequest, tt.code)
		})
	}
}

func TestRoles(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	participant := a.env.Accounts.Participant[0]
	m, _, _ := a.env.Store.GetMember(ctx, demo.ContestID, participant)

	t.Run("a dry run says who gains which role and writes nothing", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodPut, "/roles/"+participant+"?dryRun=1", a.token, map[string]any{"roles": []string{"participant", "unitAdmin"}, "unitId": m.UnitID})
		var body console.RolesOutcome
		r.Decode(t, &body)
		if !body.OK || !body.DryRun || body.Written || !body.Change.Changed || !slices.Equal(body.Change.Gained, []contest.Role{contest.RoleUnitAdmin}) ||
			len(body.Change.Lost) != 0 || !strings.Contains(body.Change.Text, "nhận Quản trị đơn vị") {
			t.Errorf("body %s", r.Body)
		}
		if got, _, _ := a.env.Store.GetMember(ctx, demo.ContestID, participant); got.Has(contest.RoleUnitAdmin) {
			t.Error("a dry run wrote")
		}
		if entries, _ := testenv.Call(t, a.routes, http.MethodGet, "/audit?kind=roles", a.token, nil).JSON["entries"].([]any); len(entries) != 0 {
			t.Errorf("a dry run was audited: %v", entries)
		}
	})
	t.Run("an organiser makes a participant the unit's admin, audited with what changed", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodPut, "/roles/"+participant, a.token, map[string]any{"roles": []string{"participant", "unitAdmin"}, "unitId": m.UnitID})
		got, _, _ := a.env.Store.GetMember(ctx, demo.ContestID, participant)
		if !got.Has(contest.RoleUnitAdmin) || r.JSON["ok"] != true || r.JSON["written"] != true {
			t.Errorf("member %+v, body %s", got, r.Body)
		}
		log := testenv.Call(t, a.routes, http.MethodGet, "/audit?kind=roles", a.token, nil)
		entries, _ := log.JSON["entries"].([]any)
		if len(entries) != 1 || !strings.Contains(entries[0].(map[string]any)["summary"].(string), "nhận Quản trị đơn vị") {
			t.Errorf("entries %s", log.Body)
		}
	})
	t.Run("saving the same roles again writes and records nothing", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodPut, "/roles/"+participant, a.token, map[string]any{"roles": []string{"participant", "unitAdmin"}, "unitId": m.UnitID})
		if r.JSON["written"] != false || r.JSON["change"].(map[string]any)["changed"] != false {
			t.Errorf("body %s", r.Body)
		}
		if entries, _ := testenv.Call(t, a.routes, http.MethodGet, "/audit?kind=roles", a.token, nil).JSON["entries"].([]any); len(entries) != 1 {
			t.Errorf("entries %v", entries)
		}
	})
	t.Run("an organiser's support staff may take papers but not compete", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodPut, "/roles/"+participant, a.token, map[string]any{"roles": []string{"organiser", "participant"}, "unitId": m.UnitID})
		if p, _ := r.JSON["person"].(map[string]any); p["mayCompete"] != false {
			t.Errorf("body %s", r.Body)
		}
		list := testenv.Call(t, a.routes, http.MethodGet, "/roles", a.token, nil)
		if !strings.Contains(string(list.Body), participant) {
			t.Errorf("roles %s", list.Body)
		}
	})
	t.Run("a unit admin without a unit is refused with the field", func(t *testing.T) {
		r := testenv.Serve(a.routes, http.MethodPut, "/roles/"+participant, a.token, map[string]any{"roles": []string{"unitAdmin"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"column":"unitId"`) {
			t.Errorf("status %d body %s", r.Status, r.Body)
		}
	})
	t.Run("a unit admin may not assign roles", func(t *testing.T) {
		testenv.Serve(a.routes, http.MethodPut, "/roles/"+participant, a.env.TokenFor(t, a.env.Accounts.UnitAdmin[0]), map[string]any{"roles": []string{"jury"}}).
			Expect(t, http.StatusForbidden, "organiser_only")
	})
}

// BenchmarkImportRoster30000 imports a 30,000-person roster (CSV) through
// the handler on the local servers: a dry run, the first import, a
// re-import that changes 1% of the people (100 move, 100 leave, 100 join:
// only they are written), and a re-import of 30,000 others (a whole
// version). `make bench-import` prints the times.
func BenchmarkImportRoster30000(b *testing.B) {
	env := testenv.SeededContest(b)
	organiser := env.Accounts.Organiser[0]
	routes := NewHandler(env.Store, env.S3, s3.NewPresignClient(env.S3), env.Bucket, env.Signer, func() time.Time { return env.Now }, testenv.Logger()).Routes()
	tok := env.TokenFor(b, organiser)
	units, _ := env.Store.ListUnits(context.Background(), demo.ContestID)
	roster := func(prefix string, change func(i int) (unit int, keep bool)) string {
		var csv strings.Builder
		csv.WriteString("Email,Họ và tên,Mã đơn vị,Vai trò\n" + organiser + ",Ban Tổ chức,,Ban Tổ chức\n")
		for i := range 30000 {
			u, keep := change(i)
			if keep {
				fmt.Fprintf(&csv, "%s.%05d@demo.hue.gov.vn,Cán bộ %05d,%s,\n", prefix, i, i, units[u%len(units)].ID)
			}
		}
		return csv.String()
	}
	first := roster("can.bo", func(i int) (int, bool) { return i, true })
	changed := roster("can.bo", func(i int) (int, bool) {
		switch {
		case i < 100:
			return i + 1, true // moves to the next unit
		case i < 200:
			return i, false // leaves
		}
		return i, true
	})
	changed += func() string {
		var b strings.Builder
		for i := range 100 {
			fmt.Fprintf(&b, "moi.%03d@demo.hue.gov.vn,Người mới %03d,%s,\n", i, i, units[i%len(units)].ID)
		}
		return b.String()
	}()
	others := roster("vien.chuc", func(i int) (int, bool) { return i, true })
	post := func(path, csv string) time.Duration {
		start := time.Now()
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(csv))
		req.Header.Set("Content-Type", csvType)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		routes.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String()[:min(500, rec.Body.Len())])
		}
		return time.Since(start)
	}
	for b.Loop() {
		dry := post("/imports/roster?dryRun=1", first)
		write := post("/imports/roster", first)
		patch := post("/imports/roster", changed)
		whole := post("/imports/roster", others)
		b.Logf("30,000-person roster (%d KB of CSV): dry run %.1f s, first import %.1f s, re-import changing 1%% (300 people) %.1f s, re-import of 30,000 others %.1f s",
			len(first)>>10, dry.Seconds(), write.Seconds(), patch.Seconds(), whole.Seconds())
	}
}

func mustRounds(t *testing.T, a *adminAPI) []contest.Round {
	t.Helper()
	rounds, err := a.env.Store.ListRounds(context.Background(), demo.ContestID)
	if err != nil {
		t.Fatal(err)
	}
	return rounds
}

func TestSettingsSetTheBucketCORS(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	const site, deployed, own = "https://hoithi.example.gov.vn", "https://upload.example.gov.vn", "https://thi.hue.gov.vn"
	routes := NewHandler(a.env.Store, a.env.S3, s3.NewPresignClient(a.env.S3), a.env.Bucket, a.env.Signer, func() time.Time { return a.env.Now }, testenv.Logger()).
		WithBucketCORS(a.env.S3, site, []string{deployed}).Routes()
	var got console.Settings
	testenv.Call(t, routes, http.MethodGet, "/contest", a.token, nil).Decode(t, &got)

	t.Run("a write adding the contest's own origin lets the bucket accept it, beside the site's and the deploy's", func(t *testing.T) {
		c := got.Contest
		c.Origins = []string{own}
		var res console.SettingsOutcome
		testenv.Call(t, routes, http.MethodPut, "/contest", a.token, c).Decode(t, &res)
		if !res.Written || res.Warning != "" {
			t.Fatalf("written %v, warning %q", res.Written, res.Warning)
		}
		origins, err := blob.BucketCORSOrigins(ctx, a.env.S3, a.env.Bucket)
		if want := []string{site, own, deployed}; err != nil || !slices.Equal(origins, want) {
			t.Errorf("bucket origins %v (%v), want %v", origins, err, want)
		}
	})
	t.Run("a write that fails to set the bucket's CORS stays written, with a warning", func(t *testing.T) {
		// GIVEN a bucket client that cannot set CORS
		broken := NewHandler(a.env.Store, a.env.S3, s3.NewPresignClient(a.env.S3), a.env.Bucket, a.env.Signer, func() time.Time { return a.env.Now }, testenv.Logger()).
			WithBucketCORS(failingCORS{}, site, nil).Routes()
		c, _ := a.env.Store.GetContest(ctx, demo.ContestID)
		c.Origins = nil
		var res console.SettingsOutcome
		testenv.Call(t, broken, http.MethodPut, "/contest", a.token, c).Decode(t, &res)
		stored, _ := a.env.Store.GetContest(ctx, demo.ContestID)
		if !res.Written || len(stored.Origins) != 0 || !strings.Contains(res.Warning, "Đã lưu cài đặt") {
			t.Errorf("written %v, stored origins %v, warning %q", res.Written, stored.Origins, res.Warning)
		}
	})
}

// failingCORS is a bucket that refuses every CORS change.
type failingCORS struct{}

func (failingCORS) PutBucketCors(context.Context, *s3.PutBucketCorsInput, ...func(*s3.Options)) (*s3.PutBucketCorsOutput, error) {
	return nil, errors.New("access denied")
}
