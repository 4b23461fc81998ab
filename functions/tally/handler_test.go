package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/tally"
	"github.com/hoithi/hoithi/shared/testenv"
)

// testClock is the handler's clock, moved by the tests.
type testClock = testenv.Clock

// testGrace is the submit grace the tests' handler is given.
const testGrace = time.Minute

// tallyAPI is the tally function on a freshly seeded demo contest.
type tallyAPI struct {
	env    *testenv.Contest
	clock  *testClock
	h      *Handler
	routes http.Handler
}

func newTallyAPI(t *testing.T, log *slog.Logger) *tallyAPI {
	t.Helper()
	env := testenv.SeededContestWithRoom(t, 3*time.Hour) // the tests move the clock on by up to an hour and a paper's time
	if log == nil {
		log = testenv.Logger()
	}
	a := &tallyAPI{env: env, clock: testenv.NewClock(env.Now)}
	a.h = NewHandler(env.Store, env.S3, env.Bucket, env.Signer, testGrace, a.clock.Now, log)
	a.routes = a.h.Routes()
	return a
}

// The demo's rounds: last week's are closed (the staff one has papers), this
// week's are open, next week's upcoming.
func (a *tallyAPI) closedRound() contest.Round        { return demo.Rounds(a.env.Now)[0] }
func (a *tallyAPI) closedCitizenRound() contest.Round { return demo.Rounds(a.env.Now)[1] }
func (a *tallyAPI) openRound() contest.Round          { return demo.Rounds(a.env.Now)[2] }
func (a *tallyAPI) upcomingRound() contest.Round      { return demo.Rounds(a.env.Now)[4] }

// pastTallyDelay moves the clock on to when the closed rounds' tallies are
// due by the demo's schedule, if it is not there yet (at Monday 00:00:30 ICT
// they closed 30 seconds ago).
func (a *tallyAPI) pastTallyDelay() {
	after := time.Duration(demo.Contest().EffectiveSchedule().TallyAfterMinutes) * time.Minute
	if due := a.closedRound().ClosesAt.Add(after); a.clock.Now().Before(due) {
		a.clock.Set(due)
	}
}

// organiser is the board's account (organiser role only).
func (a *tallyAPI) organiser(t *testing.T) string { return a.env.TokenFor(t, "btc@"+demo.Domain) }

// rosterOf is a unit's roster in the demo.
func rosterOf(unitID string) []contest.Member {
	var out []contest.Member
	for _, m := range demo.Roster() {
		if m.UnitID == unitID {
			out = append(out, m)
		}
	}
	return out
}

// unitAdmin is the admin (first roster member) of a unit.
func unitAdmin(unitID string) contest.Member { return rosterOf(unitID)[0] }

// call serves one request through the tally routes and checks the answer.
func (a *tallyAPI) call(t *testing.T, method, path, tok string) testenv.Response {
	t.Helper()
	return testenv.Call(t, a.routes, method, path, tok, nil)
}

// stored is an object as listed in the bucket.
type stored struct {
	ETag         string
	LastModified time.Time
	Size         int64
}

// objects lists the bucket under prefix, by key.
func (a *tallyAPI) objects(t *testing.T, prefix string) map[string]stored {
	t.Helper()
	out := map[string]stored{}
	p := s3.NewListObjectsV2Paginator(a.env.S3, &s3.ListObjectsV2Input{Bucket: aws.String(a.env.Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("list %s: %v", prefix, err)
		}
		for _, o := range page.Contents {
			out[aws.ToString(o.Key)] = stored{ETag: aws.ToString(o.ETag), LastModified: aws.ToTime(o.LastModified), Size: aws.ToInt64(o.Size)}
		}
	}
	return out
}

// object reads one object's bytes.
func (a *tallyAPI) object(t *testing.T, key string) []byte {
	t.Helper()
	out, err := a.env.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(a.env.Bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// published reads a round's artefacts from the bucket, by file name.
func (a *tallyAPI) published(t *testing.T, roundID string) map[string][]byte {
	t.Helper()
	prefix := blob.ResultsPrefix(demo.ContestID, roundID)
	out := map[string][]byte{}
	for key := range a.objects(t, prefix) {
		out[strings.TrimPrefix(key, prefix)] = a.object(t, key)
	}
	return out
}

// publishedRanking is the ranking of a round's published results.json (the
// tally call answers a summary, never the ranking).
func (a *tallyAPI) publishedRanking(t *testing.T, roundID string) []tally.PublicEntry {
	t.Helper()
	var res tally.Result
	if err := json.Unmarshal(a.object(t, blob.ResultsPrefix(demo.ContestID, roundID)+"results.json"), &res); err != nil {
		t.Fatal(err)
	}
	return res.Ranking
}

func (a *tallyAPI) round(t *testing.T, id string) contest.Round {
	t.Helper()
	r, err := a.env.Store.GetRound(context.Background(), demo.ContestID, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// artefactNames are the files the demo's last staff round has once
// published, sorted: one ranking page, and the lines of each unit (every demo
// unit took part).
// namesPublication are the published files that name their publication.
var namesPublication = map[string]bool{"results.json": true, "units.json": true, "manifest.json": true}

var publicationField = regexp.MustCompile(`(?s)\n  "publication": \{.*?\n  \},`)

// withoutPublication is a published file without the publication it names
// (and a manifest without its files' sizes and hashes).
func withoutPublication(data []byte) []byte {
	data = publicationField.ReplaceAll(data, nil)
	return regexp.MustCompile(`"bytes": [0-9]+,\s+"sha256": "[0-9a-f]+"`).ReplaceAll(data, nil)
}

func publicationOf(t *testing.T, results []byte) tally.Publication {
	t.Helper()
	var res tally.Result
	if err := json.Unmarshal(results, &res); err != nil || res.Publication == nil {
		t.Fatalf("results.json names no publication (%v)", err)
	}
	return *res.Publication
}

func auditEntry(t *testing.T, a *tallyAPI, id string) audit.Entry {
	t.Helper()
	pubs, err := a.env.Store.ListAudit(context.Background(), demo.ContestID, audit.Query{Kind: "publication"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range pubs {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no publication %s in the audit log: %+v", id, pubs)
	return audit.Entry{}
}

var artefactNames = func() []string {
	names := []string{"manifest.json", "ranking.csv", "ranking/0001.json", "report.xlsx", "results.json", "units.csv", "units.json"}
	for _, u := range demo.Units() {
		names = append(names, tally.UnitRankingName(u.ID))
	}
	slices.Sort(names)
	return names
}()

func names(files map[string][]byte) []string {
	var out []string
	for n := range files {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// scheduledEvent is the weekly schedule's event for a contest, as EventBridge
// Scheduler sends it.
func scheduledEvent(contestID string) json.RawMessage {
	return json.RawMessage(`{
		"version": "0", "id": "5f1d3c9e-2a7b-4c8d-9e0f-1a2b3c4d5e6f",
		"detail-type": "Scheduled Event", "source": "aws.scheduler",
		"account": "123456789012", "time": "2026-01-11T17:30:00Z", "region": "ap-southeast-1",
		"resources": ["arn:aws:scheduler:ap-southeast-1:123456789012:schedule/default/hoithi-weekly-tally"],
		"detail": {"contest": "` + contestID + `", "action": "tally"}
	}`)
}

func (a *tallyAPI) schedule(t *testing.T) ScheduleResult {
	t.Helper()
	out, err := a.h.HandleEvent(context.Background(), scheduledEvent(demo.ContestID))
	if err != nil {
		t.Fatalf("HandleEvent(scheduled): %v", err)
	}
	res, ok := out.(ScheduleResult)
	if !ok {
		t.Fatalf("HandleEvent returned %T, want ScheduleResult", out)
	}
	return res
}

func outcomes(res ScheduleResult) map[string]string {
	out := map[string]string{}
	for _, r := range res.Rounds {
		out[r.Round] = r.Outcome
	}
	return out
}

// manifestHashes reads a manifest's artefact hashes by name.
func manifestHashes(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var m struct {
		Artefacts []tally.Artefact `json:"artefacts"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	out := map[string]string{}
	for _, a := range m.Artefacts {
		out[a.Name] = a.SHA256
	}
	return out
}

func TestScheduledTally(t *testing.T) {
	a := newTallyAPI(t, nil)
	ctx := context.Background()
	closed, closedCitizen, open := a.closedRound(), a.closedCitizenRound(), a.openRound()
	papers, err := a.env.Store.ListSubmitted(ctx, demo.ContestID, closed.ID)
	if err != nil || len(papers) == 0 {
		t.Fatalf("the demo's closed round has %d papers (err %v), want some", len(papers), err)
	}

	a.clock.Advance(time.Minute)
	firstRunAt := a.clock.Now()
	first := a.schedule(t)
	t.Run("the first run publishes the closed rounds and leaves the others alone", func(t *testing.T) {
		got := outcomes(first)
		want := map[string]string{}
		for i, r := range demo.Rounds(a.env.Now) {
			want[r.ID] = []string{"published", "published", "open", "open", "upcoming", "upcoming"}[i]
		}
		if len(got) != len(want) {
			t.Errorf("outcomes %v, want %v", got, want)
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("round %s: outcome %q, want %q", id, got[id], w)
			}
		}
		if first.Contest != demo.ContestID {
			t.Errorf("contest %q, want %q", first.Contest, demo.ContestID)
		}
	})
	t.Run("each publication is in the audit log, by the schedule", func(t *testing.T) {
		pubs, err := a.env.Store.ListAudit(ctx, demo.ContestID, audit.Query{Kind: "publication"}, 100)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, e := range pubs {
			if e.Actor == audit.ScheduleActor && e.Action == audit.Publication {
				got[e.After] = true
			}
		}
		for _, r := range []contest.Round{closed, closedCitizen} {
			if !got[blob.ResultsPrefix(demo.ContestID, r.ID)] {
				t.Errorf("no scheduled publication of %s in the audit log: %+v", r.ID, pubs)
			}
		}
		if len(pubs) != 2 {
			t.Errorf("%d publications recorded, want the 2 closed rounds'", len(pubs))
		}
	})
	t.Run("the published results name their publication, the schedule's audit entry", func(t *testing.T) {
		for _, r := range []contest.Round{closed, closedCitizen} {
			pub := publicationOf(t, a.published(t, r.ID)["results.json"])
			e := auditEntry(t, a, pub.ID)
			if !pub.Scheduled || pub.By != audit.ScheduleActor || e.Actor != audit.ScheduleActor || !e.At.Equal(pub.At) || e.After != blob.ResultsPrefix(demo.ContestID, r.ID) {
				t.Errorf("round %s: publication %+v, audit entry %+v", r.ID, pub, e)
			}
		}
	})
	t.Run("the outcome counts the closed round's papers", func(t *testing.T) {
		for _, r := range first.Rounds {
			if r.Round == closed.ID && r.Papers != len(papers) {
				t.Errorf("papers %d, want %d", r.Papers, len(papers))
			}
		}
	})
	firstFiles := a.published(t, closed.ID)
	for _, r := range []contest.Round{closed, closedCitizen} {
		t.Run("every artefact of closed round "+r.ID+" is in the bucket", func(t *testing.T) {
			want := artefactNames
			if r.ID == closedCitizen.ID { // no papers: no ranking page, no unit's lines
				want = slices.DeleteFunc(slices.Clone(want), func(n string) bool { return strings.HasPrefix(n, "ranking/") })
			}
			if got := names(a.published(t, r.ID)); !slices.Equal(got, want) {
				t.Errorf("objects under %s: %v, want %v", blob.ResultsPrefix(demo.ContestID, r.ID), got, want)
			}
		})
		t.Run("closed round "+r.ID+" is marked published at the run's time", func(t *testing.T) {
			if got := a.round(t, r.ID).PublishedAt; !got.Equal(firstRunAt.Truncate(time.Millisecond)) {
				t.Errorf("PublishedAt = %v, want %v", got, firstRunAt)
			}
		})
	}
	for _, r := range demo.Rounds(a.env.Now)[2:] {
		t.Run("round "+r.ID+", not closed, has nothing published and is not marked", func(t *testing.T) {
			if got := a.objects(t, blob.ResultsPrefix(demo.ContestID, r.ID)); len(got) != 0 {
				t.Errorf("objects %v, want none", got)
			}
			if got := a.round(t, r.ID).PublishedAt; !got.IsZero() {
				t.Errorf("PublishedAt = %v, want zero", got)
			}
		})
	}
	t.Run("the published results are final and count every paper", func(t *testing.T) {
		var res tally.Result
		if err := json.Unmarshal(firstFiles["results.json"], &res); err != nil {
			t.Fatal(err)
		}
		if !res.Final || res.Papers != len(papers) || res.Round.ID != closed.ID || res.Contest != demo.ContestID {
			t.Errorf("results: final %v papers %d round %s contest %s; want true %d %s %s",
				res.Final, res.Papers, res.Round.ID, res.Contest, len(papers), closed.ID, demo.ContestID)
		}
		if want := tally.CountAllCorrect(papers); res.AllCorrect != want {
			t.Errorf("allCorrect %d, want %d", res.AllCorrect, want)
		}
		if got := a.round(t, closed.ID).KnownAllCorrect(); got != res.AllCorrect {
			t.Errorf("the round is marked with an all-correct count of %d, want the published %d", got, res.AllCorrect)
		}
	})
	t.Run("the manifest's hashes are the sha256 of the stored files", func(t *testing.T) {
		for name, sum := range manifestHashes(t, firstFiles["manifest.json"]) {
			h := sha256.Sum256(firstFiles[name])
			if got := hex.EncodeToString(h[:]); got != sum {
				t.Errorf("%s: stored sha256 %s, manifest says %s", name, got, sum)
			}
		}
	})
	t.Run("no stored public file holds an e-mail address", func(t *testing.T) {
		for _, name := range []string{"results.json", "units.json", "ranking.csv", "units.csv", "manifest.json"} {
			if bytes.Contains(firstFiles[name], []byte("@")) {
				t.Errorf("%s contains an @", name)
			}
		}
	})

	before := a.objects(t, "")
	a.clock.Advance(time.Minute)
	second := a.schedule(t)
	t.Run("running the schedule again reports the closed rounds already published", func(t *testing.T) {
		got := outcomes(second)
		for _, r := range []contest.Round{closed, closedCitizen} {
			if got[r.ID] != "already-published" {
				t.Errorf("round %s: outcome %q, want already-published", r.ID, got[r.ID])
			}
		}
		if got[open.ID] != "open" {
			t.Errorf("round %s: outcome %q, want open", open.ID, got[open.ID])
		}
	})
	t.Run("running the schedule again changes no object", func(t *testing.T) {
		after := a.objects(t, "")
		if len(after) != len(before) {
			t.Errorf("%d objects after, %d before", len(after), len(before))
		}
		for k, o := range before {
			if after[k] != o {
				t.Errorf("%s: %+v, then %+v", k, o, after[k])
			}
		}
	})
	t.Run("running the schedule again keeps the publication time", func(t *testing.T) {
		if got := a.round(t, closed.ID).PublishedAt; !got.Equal(firstRunAt.Truncate(time.Millisecond)) {
			t.Errorf("PublishedAt = %v, want %v", got, firstRunAt)
		}
	})

	a.clock.Advance(time.Hour)
	rerun := a.call(t, http.MethodPost, "/rounds/"+closed.ID+"/tally", a.organiser(t))
	rerun.Expect(t, http.StatusOK, "")
	var body results.Answer
	rerun.Decode(t, &body)
	again := a.published(t, closed.ID)
	t.Run("an organiser's rerun publishes the closed round again", func(t *testing.T) {
		if !body.Published || body.Prefix != blob.ResultsPrefix(demo.ContestID, closed.ID) {
			t.Errorf("published %v prefix %q, want true %q", body.Published, body.Prefix, blob.ResultsPrefix(demo.ContestID, closed.ID))
		}
	})
	t.Run("the rerun answers a summary with the prizes and the leaders, never the ranking", func(t *testing.T) {
		res, _ := rerun.JSON["result"].(map[string]any)
		if _, has := res["ranking"]; has || res == nil {
			t.Errorf("result holds a ranking (or is missing): keys of %v", res)
		}
		if len(body.Result.Prizes) == 0 || len(body.Result.Leaders) == 0 || body.Result.Participants == 0 {
			t.Errorf("%d prizes, %d leaders, %d participants; want some of each", len(body.Result.Prizes), len(body.Result.Leaders), body.Result.Participants)
		}
	})
	t.Run("the rerun's files name the organiser's publication, its audit entry", func(t *testing.T) {
		pub := publicationOf(t, again["results.json"])
		e := auditEntry(t, a, pub.ID)
		if pub.Scheduled || pub.By != tally.PublishedByOrganisers || e.Actor == audit.ScheduleActor || !e.At.Equal(pub.At) || pub.ID == publicationOf(t, firstFiles["results.json"]).ID {
			t.Errorf("publication %+v, audit entry %+v", pub, e)
		}
	})
	for _, name := range artefactNames {
		t.Run("the rerun's "+name+" is byte-identical to the scheduled run's, but for the publication it names", func(t *testing.T) {
			if !bytes.Equal(withoutPublication(again[name]), withoutPublication(firstFiles[name])) {
				t.Errorf("%s: %d bytes now, %d before, contents differ", name, len(again[name]), len(firstFiles[name]))
			}
		})
	}
	t.Run("the rerun's manifest hashes are identical, in the bucket and in the response", func(t *testing.T) {
		was, now := manifestHashes(t, firstFiles["manifest.json"]), manifestHashes(t, again["manifest.json"])
		if want := len(artefactNames) - 1; len(was) != want || len(now) != len(was) {
			t.Fatalf("manifest lists %d then %d artefacts, want %d", len(was), len(now), want)
		}
		for name, sum := range was {
			if now[name] != sum && !namesPublication[name] {
				t.Errorf("%s: sha256 %s, then %s", name, sum, now[name])
			}
		}
		for _, art := range body.Artefacts {
			if art.Name == "manifest.json" {
				continue
			}
			if now[art.Name] != art.SHA256 {
				t.Errorf("response %s: sha256 %s, manifest %s", art.Name, art.SHA256, was[art.Name])
			}
		}
	})
}

// capture is a log handler that keeps records for the test to read.
type capture struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }
func (c *capture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	c.recs = append(c.recs, r.Clone())
	c.mu.Unlock()
	return nil
}
func (c *capture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *capture) WithGroup(string) slog.Handler      { return c }

// rejections returns the reasons of "event rejected" records.
func (c *capture) rejections() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.recs {
		if r.Message != "event rejected" {
			continue
		}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "reason" {
				out = append(out, a.Value.String())
			}
			return true
		})
	}
	return out
}

func TestMalformedEventsAreRejected(t *testing.T) {
	event := func(source, detailType, detail string) string {
		return `{"version":"0","id":"e1","detail-type":"` + detailType + `","source":"` + source +
			`","account":"123456789012","time":"2026-01-11T17:30:00Z","region":"ap-southeast-1","resources":[],"detail":` + detail + `}`
	}
	tests := []struct {
		name   string
		raw    string
		reason string
	}{
		{name: "text that is not JSON is rejected", raw: `tally demo please`, reason: "not an EventBridge event"},
		{name: "a JSON array is rejected", raw: `[1, 2, 3]`, reason: "not an EventBridge event"},
		{name: "an empty object is rejected", raw: `{}`, reason: "not a scheduled event"},
		{name: "an S3 notification's source is rejected", raw: event("aws.s3", "Scheduled Event", `{"contest":"demo","action":"tally"}`), reason: "not a scheduled event"},
		{name: "a custom source is rejected", raw: event("hoithi.admin", "Scheduled Event", `{"contest":"demo","action":"tally"}`), reason: "not a scheduled event"},
		{name: "another detail-type is rejected", raw: event("aws.scheduler", "Object Created", `{"contest":"demo","action":"tally"}`), reason: "not a scheduled event"},
		{name: "a detail without a contest is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"action":"tally"}`), reason: "bad detail"},
		{name: "a detail that is not an object is rejected", raw: event("aws.scheduler", "Scheduled Event", `"demo"`), reason: "bad detail"},
		{name: "a contest id with forbidden characters is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"Demo/../x","action":"tally"}`), reason: "bad detail"},
		{name: "an action other than tally is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"demo","action":"delete"}`), reason: "bad detail"},
		{name: "a reminder is not the tally's to send", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"demo","action":"remind","slot":"reminder-last-day"}`), reason: "bad detail"},
		{name: "an unknown contest is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"khong-ton-tai","action":"tally"}`), reason: "unknown contest"},
	}
	logs := &capture{}
	a := newTallyAPI(t, slog.New(logs))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(logs.rejections())
			out, err := a.h.HandleEvent(context.Background(), json.RawMessage(tt.raw))
			if err == nil {
				t.Fatalf("HandleEvent(%s) = %+v, nil; want an error", tt.raw, out)
			}
			if out != nil {
				t.Errorf("HandleEvent result %+v alongside the error, want nil", out)
			}
			reasons := logs.rejections()
			if len(reasons) != before+1 {
				t.Fatalf("logged %d rejections, want one more than %d", len(reasons), before)
			}
			if got := reasons[len(reasons)-1]; got != tt.reason {
				t.Errorf("logged reason %q, want %q", got, tt.reason)
			}
		})
	}
	t.Run("rejected events publish nothing and mark no round", func(t *testing.T) {
		if got := a.objects(t, "results/"); len(got) != 0 {
			t.Errorf("objects under results/: %v, want none", got)
		}
		for _, r := range demo.Rounds(a.env.Now) {
			if !a.round(t, r.ID).PublishedAt.IsZero() {
				t.Errorf("round %s marked published", r.ID)
			}
		}
	})
}

func TestOnDemandTally(t *testing.T) {
	a := newTallyAPI(t, nil)
	participant := a.env.Accounts.Participant[0]
	admin := unitAdmin("so-noi-vu").Email
	tests := []struct {
		name   string
		token  func(t *testing.T) string
		round  string
		status int
		code   string
	}{
		{name: "a participant may not run a tally", token: func(t *testing.T) string { return a.env.TokenFor(t, participant) },
			round: a.closedRound().ID, status: http.StatusForbidden, code: "organiser_only"},
		{name: "a unit admin may not run a tally", token: func(t *testing.T) string { return a.env.TokenFor(t, admin) },
			round: a.closedRound().ID, status: http.StatusForbidden, code: "organiser_only"},
		{name: "a jury member may not run a tally", token: func(t *testing.T) string { return a.env.TokenFor(t, "giamkhao1@"+demo.Domain) },
			round: a.closedRound().ID, status: http.StatusForbidden, code: "organiser_only"},
		{name: "nobody signed in may not run a tally", token: func(*testing.T) string { return "" },
			round: a.closedRound().ID, status: http.StatusUnauthorized, code: "token_missing"},
		{name: "a forged token may not run a tally", token: func(*testing.T) string { return "eyJhbGciOiJIUzI1NiJ9.e30.x" },
			round: a.closedRound().ID, status: http.StatusUnauthorized, code: "token_invalid"},
		{name: "an organiser cannot tally a round that has not started", token: a.organiser,
			round: a.upcomingRound().ID, status: http.StatusConflict, code: "round_not_open"},
		{name: "an organiser cannot tally an unknown round", token: a.organiser,
			round: "2020-w01", status: http.StatusNotFound, code: "round_not_found"},
		{name: "an organiser cannot tally a round with a malformed id", token: a.organiser,
			round: "Tuan-1", status: http.StatusNotFound, code: "round_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.call(t, http.MethodPost, "/rounds/"+tt.round+"/tally", tt.token(t)).Expect(t, tt.status, tt.code)
		})
	}
	t.Run("the refusals published nothing and marked no round", func(t *testing.T) {
		if got := a.objects(t, "results/"); len(got) != 0 {
			t.Errorf("objects under results/: %v, want none", got)
		}
		if !a.round(t, a.closedRound().ID).PublishedAt.IsZero() {
			t.Errorf("closed round marked published")
		}
	})

	open := a.openRound()
	// someone takes part this week so the preview has a paper
	submitPaper(t, a, open, demo.Roster()[0], 15, 12, 3*time.Minute)
	res := a.call(t, http.MethodPost, "/rounds/"+open.ID+"/tally", a.organiser(t))
	res.Expect(t, http.StatusOK, "")
	var body results.Answer
	res.Decode(t, &body)
	t.Run("an organiser's tally of the open round is a preview, not published", func(t *testing.T) {
		if body.Published || body.Prefix != "" || len(body.Artefacts) != 0 {
			t.Errorf("published %v prefix %q artefacts %d; want false, none, none", body.Published, body.Prefix, len(body.Artefacts))
		}
	})
	t.Run("the preview is not final and counts this week's papers so far", func(t *testing.T) {
		if body.Result.Final || body.Result.Papers != 1 || body.Result.Round.ID != open.ID {
			t.Errorf("final %v papers %d round %s; want false 1 %s", body.Result.Final, body.Result.Papers, body.Result.Round.ID, open.ID)
		}
	})
	t.Run("the preview writes nothing and leaves the round unmarked", func(t *testing.T) {
		if got := a.objects(t, "results/"); len(got) != 0 {
			t.Errorf("objects under results/: %v, want none", got)
		}
		if !a.round(t, open.ID).PublishedAt.IsZero() {
			t.Errorf("open round marked published")
		}
	})
}

// submitPaper stores a submitted paper for m in round r with correct right
// answers out of the round's questions, taking took; it returns the result.
func submitPaper(t *testing.T, a *tallyAPI, r contest.Round, m contest.Member, correct, prediction int, took time.Duration) contest.Result {
	t.Helper()
	p := a.env.StartPaper(t, r, m, r.OpensAt.Add(2*time.Hour))
	answers := testenv.AnswersFor(p, len(p.Items), correct)
	res := contest.Grade(p, answers, prediction, p.StartedAt.Add(took))
	if res.Correct != correct {
		t.Fatalf("graded %d correct, want %d", res.Correct, correct)
	}
	if _, ok, err := a.env.Store.SubmitPaper(context.Background(), p, answers, res); err != nil || !ok {
		t.Fatalf("SubmitPaper: ok %v, err %v", ok, err)
	}
	return res
}

// abandonPaper stores a paper m started in round r at start and left in
// progress, with the first `right` questions answered right and the rest of
// the first `answered` wrong, and the prediction saved (nil: none).
func abandonPaper(t *testing.T, a *tallyAPI, r contest.Round, m contest.Member, start time.Time, answered, right int, prediction *int) *contest.Paper {
	t.Helper()
	p := a.env.StartPaper(t, r, m, start)
	answers := testenv.AnswersFor(p, answered, right)
	if err := a.env.Store.SaveAnswers(context.Background(), p, answers, prediction); err != nil {
		t.Fatal(err)
	}
	p.Answers, p.SavedPrediction = answers, prediction
	return p
}

// absentees are roster members with no paper in the round, in roster order.
func absentees(t *testing.T, a *tallyAPI, r contest.Round, n int) []contest.Member {
	t.Helper()
	var out []contest.Member
	for _, m := range demo.Roster() {
		if !m.Has(contest.RoleParticipant) || m.Audience != r.Audience {
			continue
		}
		papers, err := a.env.Store.ListPapers(context.Background(), demo.ContestID, r.ID, contest.ParticipantID(demo.ContestID, m.Email))
		if err != nil {
			t.Fatal(err)
		}
		if len(papers) == 0 {
			out = append(out, m)
		}
		if len(out) == n {
			return out
		}
	}
	t.Fatalf("fewer than %d roster members without a paper in %s", n, r.ID)
	return nil
}

func TestTallyClosesOverduePapers(t *testing.T) {
	a := newTallyAPI(t, nil)
	ctx := context.Background()
	closed, open := a.closedRound(), a.openRound()
	prediction := 1234
	// GIVEN last week two people started and closed the tab: one saved a
	// prediction and 7 answers (5 right), the other 3 right answers only;
	// this week one person abandoned a paper (if the week is old enough) and
	// one is taking the quiz now
	gone := absentees(t, a, closed, 2)
	withPrediction := abandonPaper(t, a, closed, gone[0], closed.OpensAt.Add(26*time.Hour), 7, 5, &prediction)
	noPrediction := abandonPaper(t, a, closed, gone[1], closed.OpensAt.Add(50*time.Hour), 3, 3, nil)
	now := a.clock.Now()
	this := absentees(t, a, open, 2)
	var abandonedThisWeek, taking *contest.Paper
	if open.OpensAt.Add(2 * time.Hour).Add(open.TimeLimit).Add(testGrace).Before(now) {
		abandonedThisWeek = abandonPaper(t, a, open, this[0], open.OpensAt.Add(time.Hour), 2, 1, nil)
	}
	taking = abandonPaper(t, a, open, this[1], now.Add(-time.Second), 1, 1, nil)
	before, err := a.env.Store.ListSubmitted(ctx, demo.ContestID, closed.ID)
	if err != nil {
		t.Fatal(err)
	}

	// WHEN the organiser tallies last week's round
	res := a.call(t, http.MethodPost, "/rounds/"+closed.ID+"/tally", a.organiser(t))
	res.Expect(t, http.StatusOK, "")
	var body results.Answer
	res.Decode(t, &body)

	// The published ranking names people, and names repeat (the demo has two
	// Hoàng Văn Yến): a paper's line is found by its id in the tally's own
	// ranking of the stored papers, at the same place in the published one.
	after, err := a.env.Store.ListSubmitted(ctx, demo.ContestID, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	ranked := tally.Ranking(after, tally.CountAllCorrect(after), tally.Rules{})
	published := a.publishedRanking(t, closed.ID)
	entry := func(p *contest.Paper) (tally.PublicEntry, bool) {
		i := slices.IndexFunc(ranked, func(e tally.Entry) bool { return e.PaperID == p.ID() })
		if i < 0 || i >= len(published) {
			return tally.PublicEntry{}, false
		}
		if got := published[i]; got.Name != p.Name || got.UnitID != p.UnitID || got.Rank != ranked[i].Rank {
			t.Fatalf("published line %d is %+v, want %s of %s ranked %d", i, got, p.Name, p.UnitID, ranked[i].Rank)
		}
		return published[i], true
	}
	limit := closed.TimeLimit.Milliseconds()
	tests := []struct {
		name           string
		paper          *contest.Paper
		wantCorrect    int
		wantPrediction int
	}{
		{name: "a paper with a saved prediction is graded on its saved answers and prediction", paper: withPrediction, wantCorrect: 5, wantPrediction: prediction},
		{name: "a paper without a saved prediction is graded with a prediction of 0", paper: noPrediction, wantCorrect: 3, wantPrediction: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name+": it is in the ranking", func(t *testing.T) {
			e, ok := entry(tt.paper)
			if !ok {
				t.Fatalf("paper %s is not in the ranking", tt.paper.ID())
			}
			if e.Correct != tt.wantCorrect || e.Total != closed.QuestionCount || e.Prediction != tt.wantPrediction || e.TimeTakenMs != limit {
				t.Errorf("entry %+v; want %d/%d correct, prediction %d, the whole %d ms", e, tt.wantCorrect, closed.QuestionCount, tt.wantPrediction, limit)
			}
			if !e.SubmittedAt.Equal(tt.paper.Deadline) {
				t.Errorf("submitted at %v, want the deadline %v", e.SubmittedAt, tt.paper.Deadline)
			}
		})
		t.Run(tt.name+": the stored paper is submitted, marked automatic", func(t *testing.T) {
			p, err := a.env.Store.GetPaper(ctx, demo.ContestID, tt.paper.Ref(), true)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != contest.PaperSubmitted || p.Result == nil || !p.Result.Automatic || p.Result.Correct != tt.wantCorrect {
				t.Errorf("stored paper status %s result %+v; want submitted, automatic, %d correct", p.Status, p.Result, tt.wantCorrect)
			}
		})
	}
	t.Run("the tally counts the closed papers with the submitted ones", func(t *testing.T) {
		if got, want := body.Result.Papers, len(before)+2; got != want {
			t.Errorf("papers %d, want %d (%d submitted + 2 closed)", got, want, len(before))
		}
	})
	t.Run("the closed papers count in their units' participation", func(t *testing.T) {
		for _, m := range gone {
			// as the unit's page (functions/units) counts
			got, err := participation.Of(ctx, a.env.Store, demo.ContestID, closed, m.UnitID, a.clock.Now(), testGrace)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(got.TakenPart, func(p participation.Person) bool { return p.Email == m.Email }) {
				t.Errorf("%s is not on %s's taken-part list", m.Email, m.UnitID)
			}
		}
	})
	// stillInProgress checks this week's papers were not closed.
	stillInProgress := func(t *testing.T) {
		for _, p := range []*contest.Paper{abandonedThisWeek, taking} {
			if p == nil {
				continue
			}
			got, err := a.env.Store.GetPaper(ctx, demo.ContestID, p.Ref(), true)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != contest.PaperInProgress {
				t.Errorf("paper %s of %s is %s, want in progress", p.ID(), open.ID, got.Status)
			}
		}
	}
	t.Run("another round's papers are left alone", stillInProgress)
	t.Run("a second run closes nothing more and ranks the same", func(t *testing.T) {
		again := a.call(t, http.MethodPost, "/rounds/"+closed.ID+"/tally", a.organiser(t))
		again.Expect(t, http.StatusOK, "")
		var body2 results.Answer
		again.Decode(t, &body2)
		first, _ := json.Marshal(published)
		second, _ := json.Marshal(a.publishedRanking(t, closed.ID))
		if body2.Result.Papers != body.Result.Papers || !bytes.Equal(first, second) {
			t.Errorf("second run: %d papers, same ranking %v; want %d and the same", body2.Result.Papers, bytes.Equal(first, second), body.Result.Papers)
		}
	})

	// WHEN the organiser previews this week's round
	a.call(t, http.MethodPost, "/rounds/"+open.ID+"/tally", a.organiser(t)).Expect(t, http.StatusOK, "")
	t.Run("a preview of the open round closes nothing (the final tally will)", stillInProgress)
}

func TestOrganisersPaperIsRankedButGetsNoPrize(t *testing.T) {
	a := newTallyAPI(t, nil)
	ctx := context.Background()
	closed := a.closedRound()
	i := slices.IndexFunc(demo.Staff(), func(m contest.Member) bool { return m.Email == "to.giup.viec@"+demo.Domain })
	staff := demo.Staff()[i]
	if !staff.Has(contest.RoleOrganiser) || !staff.Has(contest.RoleParticipant) {
		t.Fatalf("%s has roles %v, want organiser and participant", staff.Email, staff.Roles)
	}
	papers, err := a.env.Store.ListSubmitted(ctx, demo.ContestID, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	// every answer right, the exact all-correct count (their own paper
	// included), one second: nobody can rank above them
	submitPaper(t, a, closed, staff, closed.QuestionCount, tally.CountAllCorrect(papers)+1, time.Second)

	res := a.call(t, http.MethodPost, "/rounds/"+closed.ID+"/tally", a.organiser(t))
	res.Expect(t, http.StatusOK, "")
	var body results.Answer
	res.Decode(t, &body)
	ranking := a.publishedRanking(t, closed.ID)
	t.Run("the answer's leaders are the top of the published ranking", func(t *testing.T) {
		if len(body.Result.Leaders) != min(len(ranking), tally.LeadersShown) {
			t.Fatalf("%d leaders, want %d", len(body.Result.Leaders), min(len(ranking), tally.LeadersShown))
		}
		for i, e := range body.Result.Leaders {
			if e != ranking[i] {
				t.Errorf("leader %d is %+v, want %+v", i, e, ranking[i])
			}
		}
	})
	if len(ranking) < 2 {
		t.Fatalf("ranking has %d entries, want the seeded participants and the organiser's", len(ranking))
	}
	t.Run("the organiser's paper is ranked first, marked excluded, without a prize", func(t *testing.T) {
		e := ranking[0]
		if e.Name != staff.Name || e.Rank != 1 || !e.Excluded || e.Prize != "" || e.Distance != 0 {
			t.Errorf("first entry %+v; want %s at rank 1, excluded, distance 0, no prize", e, staff.Name)
		}
	})
	t.Run("the first prize goes to the next person in the ranking", func(t *testing.T) {
		if e := ranking[1]; e.Excluded || e.Prize != "Giải Nhất" {
			t.Errorf("second entry %+v; want Giải Nhất", e)
		}
	})
	t.Run("the prize list leaves the organiser out and holds six prizes", func(t *testing.T) {
		for _, e := range body.Result.Prizes {
			if e.Excluded || e.Name == staff.Name {
				t.Errorf("prize list holds %+v", e)
			}
		}
		if got := len(body.Result.Prizes); got < 6 {
			t.Errorf("%d prizes, want at least 6", got)
		}
	})
	t.Run("the published ranking.csv says the organiser is not eligible", func(t *testing.T) {
		csv := string(a.published(t, closed.ID)["ranking.csv"])
		line := ""
		for _, l := range strings.Split(csv, "\n") {
			if strings.Contains(l, staff.Name) {
				line = l
			}
		}
		if !strings.HasPrefix(line, "1,") || !strings.Contains(line, "Không xét giải (Ban tổ chức)") {
			t.Errorf("organiser's line %q, want rank 1 and the not-eligible note", line)
		}
	})
}
