package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/token"
)

// insightSeed stores what the organisers' insight pages need beyond the demo
// (web/tests/insight.test.mjs), and returns its variables:
//
//	HOITHI_INSIGHT_ROUND   last week's staff round (closed)
//	HOITHI_INSIGHT_PAPER   a paper of it submitted 10 s after it started, every answer right
//	                       (impossible speed), by someone of the roster who had none there
//	HOITHI_INSIGHT_CLIPS   two accepted clips of the last ward, space-separated
//	HOITHI_INSIGHT_JUROR   the juror who scored the first clip on one criterion only
//	HOITHI_INSIGHT_SESSIONS  {"organiser","juror"}: sessions as the site stores them after
//	                       signing in (signed with the functions' key), so that this file does not
//	                       ask for the codes the other files ask for (one a minute per address)
func (e *e2eEnv) insightSeed(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	r := demo.Rounds(e.now)[0]

	// Someone at the end of the roster (the accounts the other tests use come first) without a paper there.
	roster := demo.Roster()
	var who contest.Member
	for i := len(roster) - 1; i >= 0 && who.Email == ""; i-- {
		m := roster[i]
		if m.Audience != contest.AudienceStaff || !contest.MayCompete(m.Roles) || slices.Contains(e.accounts.Participant, m.Email) {
			continue
		}
		papers, err := e.store.ListPapers(ctx, demo.ContestID, r.ID, contest.ParticipantID(demo.ContestID, m.Email))
		if err != nil {
			t.Fatal(err)
		}
		if len(papers) == 0 {
			who = m
		}
	}
	if who.Email == "" {
		t.Fatalf("everyone has a paper in %s", r.ID)
	}
	_, obj := e.p.Clients()
	bank, err := blob.NewBanks(obj, e.p.Bucket).Load(ctx, demo.ContestID, r.BankID)
	if err != nil {
		t.Fatal(err)
	}
	items, key, err := contest.Draw(bank, r.QuestionCount, rand.New(rand.NewPCG(14, 14)))
	if err != nil {
		t.Fatal(err)
	}
	start := r.OpensAt.Add(26 * time.Hour)
	p := &contest.Paper{
		ContestID: demo.ContestID, RoundID: r.ID, ParticipantID: contest.ParticipantID(demo.ContestID, who.Email), Attempt: 1,
		Email: who.Email, Name: who.Name, UnitID: who.UnitID, Audience: who.Audience, BankID: r.BankID,
		Items: items, Key: key, StartedAt: start, Deadline: r.Deadline(start), Answers: map[string]string{}, Status: contest.PaperInProgress,
	}
	if _, created, err := e.store.CreatePaper(ctx, p); err != nil || !created {
		t.Fatalf("CreatePaper: created %v, err %v", created, err)
	}
	answers := map[string]string{}
	for i, it := range items {
		answers[it.QuestionID] = string(key[i])
	}
	if _, ok, err := e.store.SubmitPaper(ctx, p, answers, contest.Grade(p, answers, 10, start.Add(10*time.Second))); err != nil || !ok {
		t.Fatalf("SubmitPaper: %v %v", ok, err)
	}

	// Two accepted clips of the last ward, the first scored by a juror on one criterion of three.
	var ward contest.Unit
	for _, u := range demo.Units() {
		if u.Block == contest.BlockCommune {
			ward = u
		}
	}
	now := e.clock.Now()
	var ids []string
	for i, title := range []string{"Một cửa điện tử ở phường (kiểm thử trang Ban tổ chức)", "Dịch vụ công trực tuyến toàn trình (kiểm thử trang Ban tổ chức)"} {
		id := clip.NewID(ward.ID)
		c := clip.Clip{
			ContestID: demo.ContestID, ID: id, UnitID: ward.ID, UnitName: ward.Name, Block: string(ward.Block), Title: title, Genre: "phong-su",
			ContentType: "video/mp4", DeclaredSize: 1000, UploaderEmail: "insight@" + demo.Domain, UploaderName: "Kiểm thử",
			Key: clip.ObjectKey(demo.ContestID, ward.ID, id), Method: clip.MethodPost, Status: clip.Uploading,
			CreatedAt: now.Add(-time.Duration(2-i) * time.Hour), UploadDeadline: now.Add(time.Hour),
		}
		if err := e.store.CreateClip(ctx, c, 100); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.store.DecideClip(ctx, demo.ContestID, id, clip.Verdict{Status: clip.Accepted, Size: 1000, ETag: `"insight"`, DurationMs: 90_000, CheckedAt: now}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	juror := e.accounts.Jury[len(e.accounts.Jury)-1]
	m, ok, err := e.store.GetMember(ctx, demo.ContestID, juror)
	if err != nil || !ok {
		t.Fatalf("juror %s: %v %v", juror, ok, err)
	}
	if _, err := e.store.PutClipScores(ctx, demo.ContestID, ids[0], contest.ParticipantID(demo.ContestID, juror), m.Name,
		map[string]int{clip.DefaultCriteria[0].ID: 7}, now); err != nil {
		t.Fatal(err)
	}
	sessions := map[string]any{}
	for role, email := range map[string]string{"organiser": e.accounts.Organiser[0], "juror": juror} {
		sessions[role] = e.session(t, email)
	}
	data, err := json.Marshal(sessions)
	if err != nil {
		t.Fatal(err)
	}
	return []string{
		"HOITHI_INSIGHT_SESSIONS=" + string(data),
		"HOITHI_INSIGHT_ROUND=" + r.ID,
		"HOITHI_INSIGHT_PAPER=" + p.ID(),
		"HOITHI_INSIGHT_PARTICIPANT=" + who.Name,
		"HOITHI_INSIGHT_CLIPS=" + strings.Join(ids, " "),
		"HOITHI_INSIGHT_JUROR=" + juror,
	}
}

// session is what the site keeps after signing in as email (auth's POST /sessions).
func (e *e2eEnv) session(t *testing.T, email string) map[string]any {
	t.Helper()
	m, ok, err := e.store.GetMember(context.Background(), demo.ContestID, email)
	if err != nil || !ok {
		t.Fatalf("member %s: %v %v", email, ok, err)
	}
	tok, exp, err := e.signer.Issue(token.ClaimsFor(demo.ContestID, m))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{
		"token": tok, "expiresAt": exp.In(contest.ICT), "contest": demo.ContestID,
		"participant": map[string]any{
			"email": m.Email, "name": m.Name, "unitId": m.UnitID, "audience": m.Audience, "roles": m.Roles,
			"mayCompete": contest.MayCompete(m.Roles), "contest": demo.ContestID,
		},
	}
}
