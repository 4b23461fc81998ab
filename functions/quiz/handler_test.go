package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/testenv"
	"github.com/hoithi/hoithi/shared/token"
)

// testGrace is the submit grace the quiz handler is built with.
const testGrace = 60 * time.Second

// testClock is the handler's clock, moved by the tests.
type testClock = testenv.Clock

// quizAPI is the quiz handler on a seeded contest, with its own clock.
type quizAPI struct {
	env    *testenv.Demo
	clock  *testClock
	routes http.Handler
}

func newQuizAPI(t *testing.T, env *testenv.Demo) *quizAPI {
	q := &quizAPI{env: env, clock: testenv.NewClock(env.Now)}
	q.routes = NewHandler(env.Store, env.Banks, env.Signer, demo.ContestID, testGrace, q.clock.Now, testenv.Logger()).Routes()
	return q
}

func (q *quizAPI) start(t *testing.T, tok, roundID string) testenv.Response {
	t.Helper()
	return testenv.Call(t, q.routes, http.MethodPost, "/rounds/"+roundID+"/papers", tok, nil)
}

func (q *quizAPI) get(t *testing.T, tok, paperID string) testenv.Response {
	t.Helper()
	return testenv.Call(t, q.routes, http.MethodGet, "/papers/"+paperID, tok, nil)
}

// stored loads a paper straight from the store.
func (q *quizAPI) stored(t *testing.T, paperID string) *contest.Paper {
	t.Helper()
	ref, err := contest.ParsePaperID(paperID)
	if err != nil {
		t.Fatalf("paper id %q: %v", paperID, err)
	}
	p, err := q.env.Store.GetPaper(context.Background(), demo.ContestID, ref, true)
	if err != nil {
		t.Fatalf("load paper %s: %v", paperID, err)
	}
	return p
}

// submit submits a stored paper straight through the store (the grade
// function's job), answering the first `right` questions correctly.
func (q *quizAPI) submit(t *testing.T, paperID string, right int) *contest.Paper {
	t.Helper()
	p := q.stored(t, paperID)
	answers := map[string]string{}
	for i, it := range p.Items {
		a := p.Key[i]
		if i >= right {
			a = "ABCD"[(strings.IndexByte("ABCD", a)+1)%4]
		}
		answers[it.QuestionID] = string(a)
	}
	res := contest.Grade(p, answers, 42, q.clock.Now().Truncate(time.Millisecond))
	done, ok, err := q.env.Store.SubmitPaper(context.Background(), p, answers, res)
	if err != nil || !ok {
		t.Fatalf("submit %s: ok=%v err=%v", paperID, ok, err)
	}
	return done
}

func paperIDOf(t *testing.T, res testenv.Response) string {
	t.Helper()
	p, _ := res.JSON["paper"].(map[string]any)
	id, _ := p["id"].(string)
	if id == "" {
		t.Fatalf("response has no paper id: %s", res.Body)
	}
	return id
}

// mint signs a token for a seeded member with the given key and clock.
func mint(t *testing.T, q *quizAPI, key []byte, email string, now time.Time) string {
	t.Helper()
	m, ok, err := q.env.Store.GetMember(context.Background(), demo.ContestID, email)
	if err != nil || !ok {
		t.Fatalf("member %s: %v %v", email, ok, err)
	}
	s, err := token.NewSigner(key, time.Hour, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	m.Email = email
	tok, _, err := s.Issue(token.ClaimsFor(demo.ContestID, m))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// checkPaperView checks a paper response against the stored paper and its
// bank: the questions in the paper's order, options shuffled as stored (so
// the stored key names the bank's correct option), the server's times, and
// no answer key anywhere.
func checkPaperView(t *testing.T, q *quizAPI, body map[string]any, round contest.Round) contest.PaperView {
	t.Helper()
	data, err := json.Marshal(body["paper"])
	if err != nil {
		t.Fatal(err)
	}
	var v contest.PaperView
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("paper %s: %v", data, err)
	}
	p := q.stored(t, v.ID)
	checkNoKeyLeak(t, body, p.Key)
	bank, err := q.env.Banks.Load(context.Background(), demo.ContestID, round.BankID)
	if err != nil {
		t.Fatal(err)
	}
	if v.RoundID != round.ID || len(v.Questions) != round.QuestionCount || len(p.Items) != round.QuestionCount {
		t.Fatalf("paper of round %s with %d questions (stored %d), want round %s with %d",
			v.RoundID, len(v.Questions), len(p.Items), round.ID, round.QuestionCount)
	}
	for i, qv := range v.Questions {
		it := p.Items[i]
		bq, ok := bank.Question(it.QuestionID)
		if qv.ID != it.QuestionID || !ok || qv.Text != bq.Text {
			t.Fatalf("question %d = %s %q, want stored %s from the bank", i, qv.ID, qv.Text, it.QuestionID)
		}
		if len(qv.Options) != len(bq.Options) {
			t.Fatalf("question %s has %d options, want %d", qv.ID, len(qv.Options), len(bq.Options))
		}
		for k, o := range qv.Options {
			if o.ID != string("ABCDEF"[k]) || o.Text != bq.Options[it.Order[k]] {
				t.Errorf("question %s option %d = %s %q, want %c %q", qv.ID, k, o.ID, o.Text, "ABCDEF"[k], bq.Options[it.Order[k]])
			}
			if (o.ID == p.Key[i:i+1]) != (o.Text == bq.Options[bq.Correct]) {
				t.Errorf("question %s: the stored key %c does not name the bank's correct option", qv.ID, p.Key[i])
			}
		}
	}
	if !v.StartedAt.Equal(p.StartedAt) || !v.Deadline.Equal(p.Deadline) || !v.Deadline.Equal(round.Deadline(p.StartedAt)) {
		t.Errorf("startedAt %v, deadline %v; want stored %v, %v (round deadline %v)", v.StartedAt, v.Deadline, p.StartedAt, p.Deadline, round.Deadline(p.StartedAt))
	}
	if _, offset := v.Deadline.Zone(); offset != 7*3600 {
		t.Errorf("deadline %v is not in ICT", v.Deadline)
	}
	return v
}

// checkNoKeyLeak fails if a response carries the paper's key, a field named
// like a key, a field about correctness outside the graded "result", or the
// requester's address or user agent.
func checkNoKeyLeak(t *testing.T, body map[string]any, key string) {
	t.Helper()
	data, _ := json.Marshal(body)
	if key != "" && bytes.Contains(data, []byte(key)) {
		t.Errorf("response contains the paper's key %s: %s", key, data)
	}
	// nor where the start came from (kept with the paper, never sent back)
	for _, s := range []string{testenv.RemoteAddress, testenv.UserAgent} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("response contains the requester's %q: %s", s, data)
		}
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				lk := strings.ToLower(k)
				if lk == "key" || lk == "answerkey" || (strings.Contains(lk, "correct") && !strings.HasSuffix(path, ".result")) {
					t.Errorf("response has field %s.%s", path, k)
				}
				walk(path+"."+k, c)
			}
		case []any:
			for i, c := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), c)
			}
		}
	}
	walk("", body)
}

// checkRoundStatuses checks a round list against the demo rounds at now.
func checkRoundStatuses(t *testing.T, body map[string]any, want []contest.Round, now time.Time) {
	t.Helper()
	list, _ := body["rounds"].([]any)
	if len(list) != len(want) {
		t.Fatalf("%d rounds, want %d: %v", len(list), len(want), body)
	}
	byID := map[string]contest.Round{}
	for _, r := range want {
		byID[r.ID] = r
	}
	var last time.Time
	for i, x := range list {
		r, _ := x.(map[string]any)
		w, ok := byID[fmt.Sprint(r["id"])]
		if !ok {
			t.Errorf("round %d = %v, not a demo round", i, r)
			continue
		}
		opens, _ := time.Parse(time.RFC3339, fmt.Sprint(r["opensAt"]))
		closes, _ := time.Parse(time.RFC3339, fmt.Sprint(r["closesAt"]))
		if r["status"] != string(w.Status(now)) || r["audience"] != string(w.Audience) || !opens.Equal(w.OpensAt) || !closes.Equal(w.ClosesAt) ||
			r["questionCount"] != float64(w.QuestionCount) || r["timeLimitSeconds"] != w.TimeLimit.Seconds() || r["attempts"] != float64(w.Attempts) {
			t.Errorf("round %v, want status %s of %+v", r, w.Status(now), w)
		}
		if opens.Before(last) {
			t.Errorf("round %v opens before the one listed before it", r["id"])
		}
		last = opens
	}
}

func TestRoundsAreListedWithTheirStatus(t *testing.T) {
	env := testenv.SeededDemo(t)
	rounds := demo.Rounds(env.Now)
	if got := []contest.Status{rounds[0].Status(env.Now), rounds[2].Status(env.Now), rounds[4].Status(env.Now)}; fmt.Sprint(got) != "[closed open upcoming]" {
		t.Fatalf("demo rounds at seeding are %v, want closed, open, upcoming", got)
	}
	tests := []struct {
		name  string
		path  string
		clock time.Time
	}{
		{"the default contest lists last week closed, this week open and next week upcoming", "/rounds", env.Now},
		{"asking for the demo contest by id lists the same", "/rounds?contest=demo", env.Now},
		{"statuses follow the server clock: a week later this week is closed and next week open", "/rounds", env.Now.AddDate(0, 0, 7)},
		{"a second before a round opens it is still upcoming", "/rounds", rounds[4].OpensAt.Add(-time.Second)},
		{"the second a round closes it is closed and the next one open", "/rounds", rounds[2].ClosesAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQuizAPI(t, env)
			q.clock.Set(tt.clock)
			res := testenv.Call(t, q.routes, http.MethodGet, tt.path, "", nil)
			res.Expect(t, http.StatusOK, "")
			if res.JSON["contest"] != demo.ContestID {
				t.Errorf("contest = %v, want demo", res.JSON["contest"])
			}
			if st, err := time.Parse(time.RFC3339Nano, fmt.Sprint(res.JSON["serverTime"])); err != nil || !st.Equal(tt.clock) {
				t.Errorf("serverTime = %v, want the server clock %v", res.JSON["serverTime"], tt.clock)
			}
			checkRoundStatuses(t, res.JSON, rounds, tt.clock)
		})
	}
	t.Run("a contest that is not an id is not found", func(t *testing.T) {
		testenv.Call(t, newQuizAPI(t, env).routes, http.MethodGet, "/rounds?contest=Demo!", "", nil).Expect(t, http.StatusNotFound, "contest_not_found")
	})
	cache := []struct {
		name, path, token string
		status            int
		want              string
	}{
		{"the list may be kept a few seconds by browsers and the edge", "/rounds?contest=demo", "", http.StatusOK,
			fmt.Sprintf("public, max-age=%d", int(platform.RoundsMaxAge.Seconds()))},
		{"the list asked for with a session is the same public list", "/rounds?contest=demo", env.TokenFor(t, demo.Roster()[0].Email), http.StatusOK,
			fmt.Sprintf("public, max-age=%d", int(platform.RoundsMaxAge.Seconds()))},
		{"an error about the list is never kept", "/rounds?contest=Demo!", "", http.StatusNotFound, "no-store"},
		{"a participant's own papers are never kept", "/rounds/" + rounds[2].ID + "/papers", env.TokenFor(t, demo.Roster()[0].Email), http.StatusOK, "no-store"},
	}
	for _, tt := range cache {
		t.Run(tt.name, func(t *testing.T) {
			res := testenv.Call(t, newQuizAPI(t, env).routes, http.MethodGet, tt.path, tt.token, nil)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
			}
			if got := res.Header.Get("Cache-Control"); got != tt.want {
				t.Errorf("Cache-Control %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWhoMayStartAPaperInWhichRound(t *testing.T) {
	env := testenv.SeededDemo(t)
	q := newQuizAPI(t, env)
	rounds := demo.Rounds(env.Now)
	closedStaff, openStaff, openCitizen, upcomingStaff := rounds[0], rounds[2], rounds[3], rounds[4]
	roster := demo.Roster()
	citizen := "nguoidan.demo@example.com"
	tests := []struct {
		name   string
		email  string
		tok    func(t *testing.T) string // instead of a token for email
		round  string
		status int
		code   string
	}{
		{name: "a roster participant starts this week's staff paper", email: roster[1].Email, round: openStaff.ID, status: http.StatusCreated},
		{name: "a citizen starts this week's citizen paper", email: citizen, round: openCitizen.ID, status: http.StatusCreated},
		{name: "the organising board may not compete", email: "btc@" + demo.Domain, round: openStaff.ID, status: http.StatusForbidden, code: "not_allowed_to_compete"},
		{name: "organiser support staff with a participant role may not compete", email: "to.giup.viec@" + demo.Domain, round: openStaff.ID, status: http.StatusForbidden, code: "not_allowed_to_compete"},
		{name: "a jury member may not compete", email: "giamkhao1@" + demo.Domain, round: openStaff.ID, status: http.StatusForbidden, code: "not_allowed_to_compete"},
		{name: "a citizen may not take the staff round", email: citizen, round: openStaff.ID, status: http.StatusForbidden, code: "wrong_audience"},
		{name: "a civil servant may not take the citizen round", email: roster[2].Email, round: openCitizen.ID, status: http.StatusForbidden, code: "wrong_audience"},
		{name: "last week's round is closed", email: roster[3].Email, round: closedStaff.ID, status: http.StatusConflict, code: "round_closed"},
		{name: "next week's round is not open yet", email: roster[3].Email, round: upcomingStaff.ID, status: http.StatusConflict, code: "round_not_open"},
		{name: "an unknown round is not found", email: roster[3].Email, round: "2099-w01", status: http.StatusNotFound, code: "round_not_found"},
		{name: "a round id that is not an id is not found", email: roster[3].Email, round: "TUAN_1", status: http.StatusNotFound, code: "round_not_found"},
		{name: "without a token the caller must sign in", email: roster[3].Email, tok: func(*testing.T) string { return "" }, round: openStaff.ID, status: http.StatusUnauthorized, code: "token_missing"},
		{name: "a token signed with another key is invalid", email: roster[3].Email, round: openStaff.ID, status: http.StatusUnauthorized, code: "token_invalid",
			tok: func(t *testing.T) string {
				return mint(t, q, []byte("another-key-0123456789abcdef0123456789"), roster[3].Email, testenv.Now())
			}},
		{name: "an expired token is refused", email: roster[3].Email, round: openStaff.ID, status: http.StatusUnauthorized, code: "token_expired",
			tok: func(t *testing.T) string {
				return mint(t, q, env.Key, roster[3].Email, testenv.Now().Add(-2*time.Hour))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := ""
			if tt.tok != nil {
				tok = tt.tok(t)
			} else {
				tok = env.TokenFor(t, tt.email)
			}
			res := q.start(t, tok, tt.round)
			res.Expect(t, tt.status, tt.code)
			papers, err := env.Store.ListPapers(context.Background(), demo.ContestID, tt.round, contest.ParticipantID(demo.ContestID, tt.email))
			if err != nil {
				t.Fatal(err)
			}
			if tt.code != "" && tt.round != closedStaff.ID && len(papers) != 0 {
				t.Errorf("a refused start stored %d papers", len(papers))
			}
			if tt.code == "" {
				if len(papers) != 1 || papers[0].ID() != paperIDOf(t, res) {
					t.Errorf("stored papers %d, want the one started", len(papers))
				}
				for _, r := range rounds {
					if r.ID == tt.round {
						checkPaperView(t, q, res.JSON, r)
					}
				}
			}
		})
	}
}

func TestStartingAgainGivesTheSamePaper(t *testing.T) {
	env := testenv.SeededDemoWithRoom(t, 2*time.Hour) // a paper's time, the grace and an hour after
	q := newQuizAPI(t, env)
	round := env.OpenRound()
	tok := env.TokenFor(t, demo.Roster()[4].Email)
	var first testenv.Response
	t.Run("the first start creates a paper of 15 questions with 4 options each", func(t *testing.T) {
		first = q.start(t, tok, round.ID)
		first.Expect(t, http.StatusCreated, "")
		v := checkPaperView(t, q, first.JSON, round)
		if v.Status != contest.PaperInProgress || len(v.Answers) != 0 || v.Result != nil {
			t.Errorf("new paper status %s, answers %v, result %v: want in progress, empty", v.Status, v.Answers, v.Result)
		}
		if !strings.HasSuffix(v.ID, ".1") {
			t.Errorf("paper id %s, want attempt 1", v.ID)
		}
		if got, want := v.Deadline.Sub(v.StartedAt), min(round.TimeLimit, round.ClosesAt.Sub(v.StartedAt)); got != want {
			t.Errorf("deadline is %v after the start, want the time limit %v", got, want)
		}
	})
	t.Run("starting again a minute later returns the same paper with 200", func(t *testing.T) {
		q.clock.Set(env.Now.Add(time.Minute))
		again := q.start(t, tok, round.ID)
		again.Expect(t, http.StatusOK, "")
		a, b := first.JSON["paper"].(map[string]any), again.JSON["paper"].(map[string]any)
		if fmt.Sprint(a["id"], a["questions"], a["deadline"]) != fmt.Sprint(b["id"], b["questions"], b["deadline"]) {
			t.Errorf("second start gave another paper:\n%v\nwant\n%v", b, a)
		}
	})
	t.Run("concurrent first starts agree on one paper", func(t *testing.T) {
		tok := env.TokenFor(t, demo.Roster()[5].Email)
		const n = 8
		outs := make(chan testenv.Response, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs <- testenv.Serve(q.routes, http.MethodPost, "/rounds/"+round.ID+"/papers", tok, nil)
			}()
		}
		wg.Wait()
		close(outs)
		created, ids := 0, map[string]bool{}
		for o := range outs {
			o.Check(t)
			var body struct{ Paper contest.PaperView }
			if err := json.Unmarshal(o.Body, &body); err != nil || (o.Status != http.StatusCreated && o.Status != http.StatusOK) {
				t.Fatalf("start: %d %s", o.Status, o.Body)
			}
			if o.Status == http.StatusCreated {
				created++
			}
			ids[body.Paper.ID+fmt.Sprint(body.Paper.Questions)] = true
		}
		if created != 1 || len(ids) != 1 {
			t.Errorf("%d starts created a paper and %d different papers were returned, want 1 and 1", created, len(ids))
		}
	})
}

func TestAttemptsPerRound(t *testing.T) {
	env := testenv.SeededDemoWithRoom(t, 2*time.Hour) // a paper's time, the grace and an hour after
	q := newQuizAPI(t, env)
	ctx := context.Background()
	twice := contest.Round{
		ContestID: demo.ContestID, ID: "thu-nghiem-hai-luot", Title: "Tuần thử nghiệm (hai lượt)", Audience: contest.AudienceStaff,
		OpensAt: env.Now.Add(-time.Hour).Truncate(time.Second), ClosesAt: env.Now.Add(48 * time.Hour).Truncate(time.Second),
		QuestionCount: 15, TimeLimit: 10 * time.Minute, Attempts: 2, BankID: "demo-staff",
	}
	if err := twice.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.PutRound(ctx, twice); err != nil {
		t.Fatal(err)
	}
	tok := env.TokenFor(t, demo.Roster()[6].Email)
	pid := contest.ParticipantID(demo.ContestID, demo.Roster()[6].Email)
	ref := func(attempt int) string {
		return contest.PaperRef{RoundID: twice.ID, ParticipantID: pid, Attempt: attempt}.ID()
	}
	steps := []struct {
		name   string
		submit string // paper submitted (through the store) before starting
		right  int    // its right answers
		status int
		code   string
		want   string // paper id returned
	}{
		{name: "the first start creates attempt 1", status: http.StatusCreated, want: ref(1)},
		{name: "starting again returns attempt 1 in progress", status: http.StatusOK, want: ref(1)},
		{name: "after attempt 1 is submitted a start creates attempt 2", submit: ref(1), right: 10, status: http.StatusCreated, want: ref(2)},
		{name: "starting again returns attempt 2 in progress", status: http.StatusOK, want: ref(2)},
		{name: "after attempt 2 is submitted a third start is refused", submit: ref(2), right: 15, status: http.StatusConflict, code: "attempts_used"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.submit != "" {
				q.submit(t, st.submit, st.right)
			}
			res := q.start(t, tok, twice.ID)
			res.Expect(t, st.status, st.code)
			if st.want != "" {
				if got := paperIDOf(t, res); got != st.want {
					t.Errorf("paper %s, want %s", got, st.want)
				}
				checkPaperView(t, q, res.JSON, twice)
			}
		})
	}
	t.Run("both submitted attempts are kept with their results", func(t *testing.T) {
		papers, err := env.Store.ListPapers(ctx, demo.ContestID, twice.ID, pid)
		if err != nil || len(papers) != 2 || papers[0].Result == nil || papers[1].Result == nil {
			t.Fatalf("papers %v (%v), want 2 submitted", papers, err)
		}
	})
	t.Run("the list of one's papers marks the better attempt as the one that counts", func(t *testing.T) {
		res := testenv.Call(t, q.routes, http.MethodGet, "/rounds/"+twice.ID+"/papers", tok, nil)
		res.Expect(t, http.StatusOK, "")
		var body struct {
			Papers []struct {
				ID     string
				Counts bool
			}
		}
		if err := json.Unmarshal(res.Body, &body); err != nil {
			t.Fatal(err)
		}
		if len(body.Papers) != 2 || body.Papers[0].Counts || !body.Papers[1].Counts || body.Papers[1].ID != ref(2) {
			t.Errorf("papers %+v, want attempt 2 (15 right, against 10) alone to count", body.Papers)
		}
	})

	once := env.OpenRound()
	tok = env.TokenFor(t, demo.Roster()[7].Email)
	var started testenv.Response
	t.Run("an abandoned paper is still returned until its deadline plus grace", func(t *testing.T) {
		started = q.start(t, tok, once.ID)
		started.Expect(t, http.StatusCreated, "")
		p := q.stored(t, paperIDOf(t, started))
		q.clock.Set(p.Deadline.Add(testGrace))
		res := q.start(t, tok, once.ID)
		res.Expect(t, http.StatusOK, "")
		if paperIDOf(t, res) != p.ID() {
			t.Errorf("got paper %s, want %s", paperIDOf(t, res), p.ID())
		}
	})
	t.Run("after its deadline plus grace an abandoned paper used the week's one attempt", func(t *testing.T) {
		p := q.stored(t, paperIDOf(t, started))
		q.clock.Set(p.Deadline.Add(testGrace + time.Second))
		q.start(t, tok, once.ID).Expect(t, http.StatusConflict, "attempts_used")
	})
}

func TestReadingAPaper(t *testing.T) {
	env := testenv.SeededDemo(t)
	q := newQuizAPI(t, env)
	round := env.OpenRound()
	owner, other := demo.Roster()[8].Email, demo.Roster()[9].Email
	ownerTok, otherTok := env.TokenFor(t, owner), env.TokenFor(t, other)
	started := q.start(t, ownerTok, round.ID)
	started.Expect(t, http.StatusCreated, "")
	id := paperIDOf(t, started)
	pid := contest.ParticipantID(demo.ContestID, owner)
	tests := []struct {
		name, tok, id string
		status        int
		code          string
	}{
		{"the owner reads their paper", ownerTok, id, http.StatusOK, ""},
		{"someone else's paper is not theirs to read", otherTok, id, http.StatusForbidden, "not_your_paper"},
		{"without a token the caller must sign in", "", id, http.StatusUnauthorized, "token_missing"},
		{"an attempt that does not exist is not found", ownerTok, round.ID + "." + pid + ".2", http.StatusNotFound, "paper_not_found"},
		{"an id without an attempt is not found", ownerTok, round.ID + "." + pid, http.StatusNotFound, "paper_not_found"},
		{"attempt 0 is not found", ownerTok, round.ID + "." + pid + ".0", http.StatusNotFound, "paper_not_found"},
		{"attempt 01 is not found", ownerTok, round.ID + "." + pid + ".01", http.StatusNotFound, "paper_not_found"},
		{"attempt 11 is not found", ownerTok, round.ID + "." + pid + ".11", http.StatusNotFound, "paper_not_found"},
		{"a participant id that is not hex is not found", ownerTok, round.ID + "." + strings.Repeat("z", 20) + ".1", http.StatusNotFound, "paper_not_found"},
		{"a short participant id is not found", ownerTok, round.ID + "." + pid[:10] + ".1", http.StatusNotFound, "paper_not_found"},
		{"a round part that is not an id is not found", ownerTok, "TUAN." + pid + ".1", http.StatusNotFound, "paper_not_found"},
		{"a word is not found", ownerTok, "abc", http.StatusNotFound, "paper_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := q.get(t, tt.tok, tt.id)
			res.Expect(t, tt.status, tt.code)
			if tt.code == "" {
				checkPaperView(t, q, res.JSON, round)
				a, b := started.JSON["paper"].(map[string]any), res.JSON["paper"].(map[string]any)
				if fmt.Sprint(a["questions"]) != fmt.Sprint(b["questions"]) {
					t.Error("the paper read differs from the paper started")
				}
			}
			if res.Status != http.StatusOK && bytes.Contains(res.Body, []byte(`"questions"`)) {
				t.Errorf("a refused read returned questions: %s", res.Body)
			}
		})
	}
}

func TestPaperResponsesNeverCarryTheKey(t *testing.T) {
	env := testenv.SeededDemo(t)
	q := newQuizAPI(t, env)
	round := env.OpenRound()
	tok := env.TokenFor(t, demo.Roster()[10].Email)
	started := q.start(t, tok, round.ID)
	started.Expect(t, http.StatusCreated, "")
	id := paperIDOf(t, started)
	tests := []struct {
		name string
		res  func(t *testing.T) testenv.Response
	}{
		{"the start response has no key", func(t *testing.T) testenv.Response { return started }},
		{"the restart response has no key", func(t *testing.T) testenv.Response { return q.start(t, tok, round.ID) }},
		{"reading a paper in progress shows no key", func(t *testing.T) testenv.Response { return q.get(t, tok, id) }},
		{"reading a submitted paper shows the result but no key", func(t *testing.T) testenv.Response {
			q.submit(t, id, 15)
			res := q.get(t, tok, id)
			r, _ := res.JSON["paper"].(map[string]any)["result"].(map[string]any)
			if r["correct"] != float64(15) || r["total"] != float64(15) {
				t.Errorf("result = %v, want 15 of 15", r)
			}
			return res
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res(t)
			if res.Status != http.StatusOK && res.Status != http.StatusCreated {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			checkNoKeyLeak(t, res.JSON, q.stored(t, id).Key)
			checkPaperView(t, q, res.JSON, round)
		})
	}
}

func TestListingMyPapersInARound(t *testing.T) {
	env := testenv.SeededDemo(t)
	q := newQuizAPI(t, env)
	ctx := context.Background()
	rounds := demo.Rounds(env.Now)
	open, closed := rounds[2], rounds[0]
	roster := demo.Roster()
	owner, other := roster[11].Email, roster[12].Email
	ownerTok := env.TokenFor(t, owner)
	started := q.start(t, ownerTok, open.ID)
	started.Expect(t, http.StatusCreated, "")
	id := paperIDOf(t, started)

	// someone who took last week's seeded round
	var veteran string
	var veteranPaper *contest.Paper
	for _, m := range roster {
		papers, err := env.Store.ListPapers(ctx, demo.ContestID, closed.ID, contest.ParticipantID(demo.ContestID, m.Email))
		if err != nil {
			t.Fatal(err)
		}
		if len(papers) == 1 && papers[0].Result != nil {
			veteran, veteranPaper = m.Email, papers[0]
			break
		}
	}
	if veteran == "" {
		t.Fatal("the demo seeded no papers last week")
	}

	type summary struct {
		ID, Status string
		Attempt    int
		Result     *contest.Result
		Counts     bool
	}
	tests := []struct {
		name, tok, round string
		status           int
		code             string
		want             []summary
		key              string // a key that must not appear
	}{
		{name: "the owner sees their paper in progress without a result", tok: ownerTok, round: open.ID, status: http.StatusOK,
			want: []summary{{ID: id, Status: "in_progress", Attempt: 1}}, key: q.stored(t, id).Key},
		{name: "someone else in the same round sees only their own papers", tok: env.TokenFor(t, other), round: open.ID, status: http.StatusOK,
			want: []summary{}},
		{name: "last week's participant finds their result", tok: env.TokenFor(t, veteran), round: closed.ID, status: http.StatusOK,
			want: []summary{{ID: veteranPaper.ID(), Status: "submitted", Attempt: 1, Result: veteranPaper.Result, Counts: true}}, key: veteranPaper.Key},
		{name: "a round with no papers lists none", tok: ownerTok, round: rounds[4].ID, status: http.StatusOK, want: []summary{}},
		{name: "without a token the caller must sign in", round: open.ID, status: http.StatusUnauthorized, code: "token_missing"},
		{name: "a round id that is not an id is not found", tok: ownerTok, round: "TUAN_1", status: http.StatusNotFound, code: "round_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := testenv.Call(t, q.routes, http.MethodGet, "/rounds/"+tt.round+"/papers", tt.tok, nil)
			res.Expect(t, tt.status, tt.code)
			if tt.code != "" {
				return
			}
			var body struct {
				Round  string
				Papers []summary
			}
			if err := json.Unmarshal(res.Body, &body); err != nil {
				t.Fatal(err)
			}
			if body.Round != tt.round || len(body.Papers) != len(tt.want) {
				t.Fatalf("round %s papers %+v, want round %s papers %+v", body.Round, body.Papers, tt.round, tt.want)
			}
			for i, w := range tt.want {
				got := body.Papers[i]
				if got.ID != w.ID || got.Status != w.Status || got.Attempt != w.Attempt || got.Counts != w.Counts || (got.Result == nil) != (w.Result == nil) ||
					(w.Result != nil && (got.Result.Correct != w.Result.Correct || got.Result.TimeTakenMs != w.Result.TimeTakenMs || !got.Result.SubmittedAt.Equal(w.Result.SubmittedAt))) {
					t.Errorf("paper %d = %+v (result %+v), want %+v (result %+v)", i, got, got.Result, w, w.Result)
				}
			}
			checkNoKeyLeak(t, res.JSON, tt.key)
			if bytes.Contains(res.Body, []byte(`"questions"`)) {
				t.Errorf("the list carries questions: %s", res.Body)
			}
		})
	}
}

// abandon starts a paper for email in round and saves answers to its first
// `answered` questions, the first `right` of them right, and the prediction
// (nil: none), as autosave would; then its owner closes the tab.
func (q *quizAPI) abandon(t *testing.T, email string, round contest.Round, answered, right int, prediction *int) *contest.Paper {
	t.Helper()
	res := q.start(t, q.env.TokenFor(t, email), round.ID)
	res.Expect(t, http.StatusCreated, "")
	p := q.stored(t, paperIDOf(t, res))
	if err := q.env.Store.SaveAnswers(context.Background(), p, testenv.AnswersFor(p, answered, right), prediction); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnOverduePaperIsClosedWhenItsOwnerComesBack(t *testing.T) {
	env := testenv.SeededDemoWithRoom(t, 2*time.Hour) // a paper's time, the grace and an hour after
	q := newQuizAPI(t, env)
	round := env.OpenRound()
	roster := demo.Roster()
	prediction := 77
	// GIVEN three people who started this week's paper, saved some answers and left
	reader, lister, starter := roster[13].Email, roster[14].Email, roster[15].Email
	read := q.abandon(t, reader, round, 5, 3, &prediction)
	listed := q.abandon(t, lister, round, 2, 2, nil)
	restarted := q.abandon(t, starter, round, 1, 0, nil)
	limit := round.TimeLimit.Milliseconds()

	resultOf := func(t *testing.T, res testenv.Response) contest.Result {
		t.Helper()
		p, _ := res.JSON["paper"].(map[string]any)
		data, _ := json.Marshal(p["result"])
		var r contest.Result
		if p["status"] != "submitted" || json.Unmarshal(data, &r) != nil {
			t.Fatalf("paper status %v result %s; want submitted with a result", p["status"], data)
		}
		return r
	}
	checkClosed := func(t *testing.T, r contest.Result, p *contest.Paper, correct, prediction int) {
		t.Helper()
		if r.Correct != correct || r.Total != round.QuestionCount || r.Prediction != prediction || !r.Automatic ||
			r.TimeTakenMs != limit || !r.SubmittedAt.Equal(p.Deadline) {
			t.Errorf("result %+v; want %d/%d, prediction %d, automatic, the whole %d ms, submitted at the deadline %v",
				r, correct, round.QuestionCount, prediction, limit, p.Deadline)
		}
		stored := q.stored(t, p.ID())
		if stored.Status != contest.PaperSubmitted || stored.Result == nil || *stored.Result != (contest.Result{
			Correct: r.Correct, Total: r.Total, TimeTakenMs: r.TimeTakenMs, SubmittedAt: stored.Result.SubmittedAt, Prediction: r.Prediction, Automatic: true}) {
			t.Errorf("stored paper %s: status %s result %+v; want the result returned", p.ID(), stored.Status, stored.Result)
		}
	}

	t.Run("within the grace the paper is still in progress (it can still be submitted)", func(t *testing.T) {
		q.clock.Set(read.Deadline.Add(testGrace))
		res := q.get(t, env.TokenFor(t, reader), read.ID())
		res.Expect(t, http.StatusOK, "")
		if p, _ := res.JSON["paper"].(map[string]any); p["status"] != "in_progress" || p["result"] != nil {
			t.Errorf("paper %v; want in progress without a result", p)
		}
	})

	q.clock.Set(read.Deadline.Add(testGrace + time.Second))
	t.Run("reading it after the grace closes it on the saved answers and prediction", func(t *testing.T) {
		// concurrent reads (two tabs, a retry) agree on one result
		results := make([]testenv.Response, 8)
		tok := env.TokenFor(t, reader)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() {
				results[i] = testenv.Serve(q.routes, http.MethodGet, "/papers/"+read.ID(), tok, nil)
			})
		}
		wg.Wait()
		for _, res := range results {
			res.Check(t)
			res.Expect(t, http.StatusOK, "")
			checkClosed(t, resultOf(t, res), read, 3, prediction)
			checkNoKeyLeak(t, res.JSON, read.Key)
		}
	})
	t.Run("listing one's papers closes an overdue one, with a prediction of 0 when none was saved", func(t *testing.T) {
		res := testenv.Call(t, q.routes, http.MethodGet, "/rounds/"+round.ID+"/papers", env.TokenFor(t, lister), nil)
		res.Expect(t, http.StatusOK, "")
		var body struct{ Papers []contest.PaperSummary }
		if err := json.Unmarshal(res.Body, &body); err != nil {
			t.Fatal(err)
		}
		if len(body.Papers) != 1 || body.Papers[0].Status != contest.PaperSubmitted || body.Papers[0].Result == nil {
			t.Fatalf("papers %+v; want the one paper, submitted", body.Papers)
		}
		checkClosed(t, *body.Papers[0].Result, listed, 2, 0)
	})
	t.Run("starting again after the grace closes the paper and says the attempt is used", func(t *testing.T) {
		q.start(t, env.TokenFor(t, starter), round.ID).Expect(t, http.StatusConflict, "attempts_used")
		stored := q.stored(t, restarted.ID())
		if stored.Status != contest.PaperSubmitted || stored.Result == nil || !stored.Result.Automatic || stored.Result.Correct != 0 {
			t.Errorf("paper status %s result %+v; want closed automatically with 0 correct", stored.Status, stored.Result)
		}
	})
	t.Run("reading a closed paper again changes nothing", func(t *testing.T) {
		before := q.stored(t, read.ID())
		q.clock.Set(read.Deadline.Add(time.Hour))
		res := q.get(t, env.TokenFor(t, reader), read.ID())
		res.Expect(t, http.StatusOK, "")
		checkClosed(t, resultOf(t, res), read, 3, prediction)
		if after := q.stored(t, read.ID()); *after.Result != *before.Result {
			t.Errorf("result changed from %+v to %+v", before.Result, after.Result)
		}
	})
}
