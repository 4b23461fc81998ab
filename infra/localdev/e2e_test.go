package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/testenv"
	"github.com/hoithi/hoithi/shared/token"
)

// The end-to-end tests run the real function binaries behind their local
// function URLs, against the local DynamoDB and S3 servers of `make test`.

type e2eEnv struct {
	p        *Platform
	store    *dynamo.Store
	accounts demo.Accounts
	signer   *token.Signer
	now      time.Time
	// clock is the run's clock, also the functions': the tests' clock, moved
	// back when this week closes within the hour the run may take.
	clock testenv.RunClock
}

var env *e2eEnv

const e2eGraceSeconds = 1

func TestMain(m *testing.M) {
	if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" || os.Getenv("AWS_ENDPOINT_URL_S3") == "" {
		if os.Getenv("HOITHI_REQUIRE_SERVERS") == "1" {
			fmt.Fprintln(os.Stderr, "e2e: local servers required but not configured")
			os.Exit(1)
		}
		os.Exit(m.Run())
	}
	code, err := runE2E(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func runE2E(m *testing.M) (int, error) {
	root, err := findRoot()
	if err != nil {
		return 0, err
	}
	state, err := os.MkdirTemp("", "hoithi-e2e-")
	if err != nil {
		return 0, err
	}
	if os.Getenv("HOITHI_KEEP_STATE") == "" {
		defer os.RemoveAll(state)
	} else {
		fmt.Fprintln(os.Stderr, "e2e: state kept in", state)
	}
	suffix := randomHex(4)
	clock := testenv.ClockWithRoom(time.Hour)
	p := &Platform{
		Root: root, StateDir: state, Table: "hoithi-e2e-" + suffix, Bucket: "hoithi-e2e-" + suffix,
		Contest: demo.ContestID, TokenKey: randomHex(32),
		DynamoURL: os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"), S3URL: os.Getenv("AWS_ENDPOINT_URL_S3"),
		ExtraEnv: append(clock.Env(), fmt.Sprintf("SUBMIT_GRACE_SECONDS=%d", e2eGraceSeconds)),
	}
	defer p.Stop()
	ctx := context.Background()
	if err := p.CreateResources(ctx); err != nil {
		return 0, err
	}
	db, obj := p.Clients()
	e := &e2eEnv{p: p, store: dynamo.New(db, p.Table, nil), now: clock.Now(), clock: clock}
	if e.accounts, err = demo.Seed(ctx, e.store, blob.NewBankBucket(obj, p.Bucket), e.now); err != nil {
		return 0, err
	}
	if e.signer, err = token.NewSigner([]byte(p.TokenKey), time.Hour, clock.Now); err != nil {
		return 0, err
	}
	if err := p.BuildFunctions(ctx); err != nil {
		return 0, err
	}
	if err := p.StartFunctions(ctx, Ports{}); err != nil {
		return 0, err
	}
	env = e
	code := m.Run()
	if err := p.Failure(); err != nil { // a function died under the tests
		fmt.Fprintln(os.Stderr, "e2e:", err)
		code = 1
	}
	return code, nil
}

func need(t *testing.T) *e2eEnv {
	t.Helper()
	if env == nil {
		t.Skip("local servers not configured: run through `make test`")
	}
	return env
}

type response struct {
	status int
	header http.Header
	raw    []byte
	json   map[string]any
}

func (r response) errorCode() string {
	if e, ok := r.json["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// recorder keeps every response body of a test for the leak scan.
type recorder struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (e *e2eEnv) call(t *testing.T, rec *recorder, method, fn, path, tok string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.p.FunctionURLs[fn]+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", e.p.SiteURL)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := e2eClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s %s: %v", method, fn, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.json); err != nil {
			t.Fatalf("%s %s %s: body is not a JSON object: %q", method, fn, path, raw)
		}
	}
	if rec != nil {
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, raw)
		rec.mu.Unlock()
	}
	return r
}

func (e *e2eEnv) mint(t *testing.T, email string, now time.Time) string {
	t.Helper()
	m, ok, err := e.store.GetMember(context.Background(), demo.ContestID, email)
	if err != nil || !ok {
		t.Fatalf("member %s: %v %v", email, ok, err)
	}
	s, err := token.NewSigner([]byte(e.p.TokenKey), time.Hour, func() time.Time { return now })
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

// rosterMember returns a distinct roster participant for each test.
func rosterMember(t *testing.T, i int) string {
	t.Helper()
	r := demo.Roster()
	return r[(len(r)-1-i)%len(r)].Email
}

func (e *e2eEnv) openRound() string { return demo.Rounds(e.now)[2].ID }

// readCode waits for the newest code e-mailed to email: the mailer sends it
// from the outbox shortly after POST /codes answered.
func (e *e2eEnv) readCode(t *testing.T, email string) string {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		msgs := testenv.Outbox(t, e.p.Outbox())
		for i := len(msgs) - 1; i >= 0; i-- {
			if msg := msgs[i]; msg.To == email && msg.Code != "" {
				if !strings.Contains(msg.Text, msg.Code) || !strings.Contains(msg.Subject, msg.Code) {
					t.Fatalf("outbox message to %s lacks its code: %+v", email, msg)
				}
				return msg.Code
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail to %s in %s within %s", email, e.p.Outbox(), mailWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mailWait bounds how long a test waits for the mailer (a failure bound,
// not a timing assertion).
const mailWait = 2 * time.Minute

func TestFullFlowFromCodeToResult(t *testing.T) {
	e := need(t)
	rec := &recorder{}
	email := e.accounts.Participant[0]

	r := e.call(t, rec, "POST", "auth", "/codes", "", map[string]string{"email": email})
	if r.status != http.StatusAccepted {
		t.Fatalf("request code: %d %s", r.status, r.raw)
	}
	code := e.readCode(t, email)
	r = e.call(t, rec, "POST", "auth", "/sessions", "", map[string]string{"email": email, "code": code})
	if r.status != http.StatusCreated {
		t.Fatalf("open session: %d %s", r.status, r.raw)
	}
	tok, _ := r.json["token"].(string)
	if part, _ := r.json["participant"].(map[string]any); part["email"] != email || part["mayCompete"] != true {
		t.Fatalf("participant = %v", r.json["participant"])
	}

	r = e.call(t, rec, "GET", "quiz", "/rounds", "", nil)
	var open []string
	for _, x := range r.json["rounds"].([]any) {
		rd := x.(map[string]any)
		if rd["status"] == "open" && rd["audience"] == "staff" {
			open = append(open, rd["id"].(string))
		}
	}
	if len(open) != 1 || open[0] != e.openRound() {
		t.Fatalf("open staff rounds = %v, want [%s]", open, e.openRound())
	}

	r = e.call(t, rec, "POST", "quiz", "/rounds/"+open[0]+"/papers", tok, nil)
	if r.status != http.StatusCreated {
		t.Fatalf("start: %d %s", r.status, r.raw)
	}
	paper := r.json["paper"].(map[string]any)
	id := paper["id"].(string)
	questions := paper["questions"].([]any)
	if len(questions) != 15 {
		t.Fatalf("got %d questions, want 15", len(questions))
	}
	firstQ := questions[0].(map[string]any)["id"].(string)
	secondQ := questions[1].(map[string]any)["id"].(string)

	r = e.call(t, rec, "PUT", "grade", "/papers/"+id+"/answers", tok, map[string]any{"answers": map[string]string{firstQ: "B", secondQ: "C"}})
	if r.status != http.StatusOK {
		t.Fatalf("autosave: %d %s", r.status, r.raw)
	}

	r = e.call(t, rec, "GET", "quiz", "/papers/"+id, tok, nil)
	resumed := r.json["paper"].(map[string]any)
	if r.status != http.StatusOK || !jsonEqual(resumed["questions"], questions) {
		t.Fatalf("resume: %d, same questions in same order = %v", r.status, jsonEqual(resumed["questions"], questions))
	}
	if ans := resumed["answers"].(map[string]any); ans[firstQ] != "B" || ans[secondQ] != "C" {
		t.Fatalf("resumed answers = %v", ans)
	}

	// Answer everything right using the server's key, read from the store
	// (the browser never has it), except the second question.
	stored, err := e.store.GetPaper(context.Background(), demo.ContestID, mustRef(t, id), true)
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{}
	for i, it := range stored.Items {
		answers[it.QuestionID] = stored.Key[i : i+1]
	}
	answers[secondQ] = wrongLabel(stored.Key[1])
	r = e.call(t, rec, "POST", "grade", "/papers/"+id+"/submission", tok, map[string]any{"answers": answers, "prediction": 1234})
	if r.status != http.StatusOK {
		t.Fatalf("submit: %d %s", r.status, r.raw)
	}
	res := r.json["result"].(map[string]any)
	if res["correct"] != float64(14) || res["total"] != float64(15) || res["prediction"] != float64(1234) {
		t.Fatalf("result = %v, want 14/15 with prediction 1234", res)
	}
	again := e.call(t, rec, "POST", "grade", "/papers/"+id+"/submission", tok, map[string]any{"answers": map[string]string{}, "prediction": 1})
	if again.status != http.StatusOK || !bytes.Equal(again.raw, r.raw) {
		t.Fatalf("retried submit: %d %s, want the stored %s", again.status, again.raw, r.raw)
	}
	r = e.call(t, rec, "POST", "quiz", "/rounds/"+open[0]+"/papers", tok, nil)
	if r.status != http.StatusConflict || r.errorCode() != "attempts_used" {
		t.Fatalf("second paper in a one-attempt round: %d %s", r.status, r.raw)
	}
	r = e.call(t, rec, "GET", "quiz", "/papers/"+id, tok, nil)
	if r.json["paper"].(map[string]any)["result"] == nil {
		t.Fatalf("a submitted paper shows its result on resume: %s", r.raw)
	}

	t.Run("no response body contains a correct answer", func(t *testing.T) {
		for _, body := range rec.bodies {
			if bytes.Contains(body, []byte(stored.Key)) {
				t.Errorf("a response contains the answer key %q: %s", stored.Key, body)
			}
			var v any
			_ = json.Unmarshal(body, &v)
			if path := findAnswerField(v, ""); path != "" {
				t.Errorf("a response has an answer field at %s: %s", path, body)
			}
		}
	})
}

// findAnswerField returns the path of a field that could carry a correct
// answer: "key", "correctOption", or "correct" anywhere but in a result.
func findAnswerField(v any, path string) string {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			p := path + "." + k
			switch {
			case k == "key" || strings.HasPrefix(strings.ToLower(k), "correctoption") || k == "isCorrect" || k == "answerKey":
				return p
			case k == "correct" && !strings.HasSuffix(path, ".result"):
				return p
			}
			if found := findAnswerField(val, p); found != "" {
				return found
			}
		}
	case []any:
		for i, val := range x {
			if found := findAnswerField(val, fmt.Sprintf("%s[%d]", path, i)); found != "" {
				return found
			}
		}
	}
	return ""
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func mustRef(t *testing.T, id string) contest.PaperRef {
	t.Helper()
	ref, err := contest.ParsePaperID(id)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func wrongLabel(right byte) string {
	return string("ABCD"[(strings.IndexByte("ABCD", right)+1)%4])
}

func TestHundredConcurrentStartsMakeOnePaper(t *testing.T) {
	e := need(t)
	email := rosterMember(t, 1)
	tok := e.mint(t, email, e.clock.Now())
	const n = 100
	var wg sync.WaitGroup
	results := make([]response, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.call(t, nil, "POST", "quiz", "/rounds/"+e.openRound()+"/papers", tok, nil)
		}()
	}
	wg.Wait()
	created, ids := 0, map[string]bool{}
	for _, r := range results {
		switch r.status {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Fatalf("a start answered %d %s", r.status, r.raw)
		}
		ids[r.json["paper"].(map[string]any)["id"].(string)] = true
	}
	if created != 1 || len(ids) != 1 {
		t.Fatalf("%d created, %d distinct papers; want 1 and 1", created, len(ids))
	}
	papers, err := e.store.ListPapers(context.Background(), demo.ContestID, e.openRound(), contest.ParticipantID(demo.ContestID, email))
	if err != nil || len(papers) != 1 {
		t.Fatalf("stored papers = %d (%v), want 1", len(papers), err)
	}
}

func TestHundredConcurrentSubmitsGradeOnce(t *testing.T) {
	e := need(t)
	email := rosterMember(t, 2)
	tok := e.mint(t, email, e.clock.Now())
	r := e.call(t, nil, "POST", "quiz", "/rounds/"+e.openRound()+"/papers", tok, nil)
	if r.status != http.StatusCreated {
		t.Fatalf("start: %d %s", r.status, r.raw)
	}
	id := r.json["paper"].(map[string]any)["id"].(string)
	const n = 100
	var wg sync.WaitGroup
	results := make([]response, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// different bodies: whichever wins, every caller gets the one stored result
			results[i] = e.call(t, nil, "POST", "grade", "/papers/"+id+"/submission", tok, map[string]any{"answers": map[string]string{}, "prediction": i})
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.status != http.StatusOK || !bytes.Equal(r.raw, results[0].raw) {
			t.Fatalf("submit %d: %d %s, want 200 %s", i, r.status, r.raw, results[0].raw)
		}
	}
	stored, err := e.store.GetPaper(context.Background(), demo.ContestID, mustRef(t, id), true)
	if err != nil || stored.Status != contest.PaperSubmitted || stored.Result == nil {
		t.Fatalf("stored paper: %+v %v", stored, err)
	}
	var got struct{ Result contest.Result }
	_ = json.Unmarshal(results[0].raw, &got)
	if got.Result.Prediction != stored.Result.Prediction || got.Result.SubmittedAt.UnixMilli() != stored.Result.SubmittedAt.UnixMilli() {
		t.Fatalf("responses say %+v, store says %+v", got.Result, stored.Result)
	}
}

// shortRound is an open round with a one-second time limit.
func (e *e2eEnv) shortRound(t *testing.T) string {
	t.Helper()
	rd := demo.Rounds(e.now)[2]
	rd.ID, rd.TimeLimit, rd.Title = "e2e-short", time.Second, "Vòng thử thời gian ngắn"
	if err := e.store.PutRound(context.Background(), rd); err != nil {
		t.Fatal(err)
	}
	return rd.ID
}

func TestLateSubmitIsRefusedAndClientTimesAreIgnored(t *testing.T) {
	e := need(t)
	round := e.shortRound(t)

	late := e.mint(t, rosterMember(t, 3), e.clock.Now())
	r := e.call(t, nil, "POST", "quiz", "/rounds/"+round+"/papers", late, nil)
	lateID := r.json["paper"].(map[string]any)["id"].(string)

	onTime := e.mint(t, rosterMember(t, 4), e.clock.Now())
	r = e.call(t, nil, "POST", "quiz", "/rounds/"+round+"/papers", onTime, nil)
	onTimeID := r.json["paper"].(map[string]any)["id"].(string)
	time.Sleep(300 * time.Millisecond)
	before := e.clock.Now()
	r = e.call(t, nil, "POST", "grade", "/papers/"+onTimeID+"/submission", onTime, map[string]any{
		"answers": map[string]string{}, "prediction": 3,
		"submittedAt": "2001-01-01T00:00:00Z", "timeTakenMs": 1, "startedAt": "2001-01-01T00:00:00Z",
	})
	if r.status != http.StatusOK {
		t.Fatalf("on-time submit: %d %s", r.status, r.raw)
	}
	var res struct{ Result contest.Result }
	_ = json.Unmarshal(r.raw, &res)
	if res.Result.TimeTakenMs < 300 || res.Result.SubmittedAt.Before(before.Add(-time.Second)) {
		t.Fatalf("result %+v used the client's times", res.Result)
	}

	time.Sleep(time.Second + e2eGraceSeconds*time.Second + 300*time.Millisecond)
	r = e.call(t, nil, "POST", "grade", "/papers/"+lateID+"/submission", late, map[string]any{"answers": map[string]string{}, "prediction": 3})
	if r.status != http.StatusConflict || r.errorCode() != "deadline_passed" {
		t.Fatalf("late submit: %d %s, want 409 deadline_passed", r.status, r.raw)
	}
	r = e.call(t, nil, "PUT", "grade", "/papers/"+lateID+"/answers", late, map[string]any{"answers": map[string]string{}})
	if r.status != http.StatusConflict || r.errorCode() != "deadline_passed" {
		t.Fatalf("late autosave: %d %s, want 409 deadline_passed", r.status, r.raw)
	}
	stored, err := e.store.GetPaper(context.Background(), demo.ContestID, mustRef(t, lateID), true)
	if err != nil || stored.Status != contest.PaperInProgress || stored.Result != nil {
		t.Fatalf("late paper must stay ungraded: %+v %v", stored, err)
	}
}

func TestBadInputGetsAClearError(t *testing.T) {
	e := need(t)
	owner := rosterMember(t, 5)
	tok := e.mint(t, owner, e.clock.Now())
	other := e.mint(t, rosterMember(t, 6), e.clock.Now())
	expired := e.mint(t, owner, e.clock.Now().Add(-2*time.Hour))
	forged := tok[:len(tok)-4] + "AAAA"
	organiser := e.mint(t, e.accounts.Organiser[0], e.clock.Now())
	r := e.call(t, nil, "POST", "quiz", "/rounds/"+e.openRound()+"/papers", tok, nil)
	if r.status != http.StatusCreated {
		t.Fatalf("start: %d %s", r.status, r.raw)
	}
	id := r.json["paper"].(map[string]any)["id"].(string)
	firstQ := r.json["paper"].(map[string]any)["questions"].([]any)[0].(map[string]any)["id"].(string)
	rounds := demo.Rounds(e.now)

	cases := []struct {
		name             string
		method, fn, path string
		tok              string
		body             any
		wantStatus       int
		wantCode         string
	}{
		{"malformed JSON is a 400", "POST", "auth", "/codes", "", `{"email":`, 400, "invalid_json"},
		{"an empty body is a 400", "POST", "grade", "/papers/" + id + "/submission", tok, "", 400, "invalid_json"},
		{"an oversized body is a 413", "PUT", "grade", "/papers/" + id + "/answers", tok, `{"answers":{"x":"` + strings.Repeat("A", 20000) + `"}}`, 413, "body_too_large"},
		{"an unknown round is a 404", "POST", "quiz", "/rounds/khong-co/papers", tok, nil, 404, "round_not_found"},
		{"an unknown paper of one's own is a 404", "GET", "quiz", "/papers/" + e.openRound() + "." + contest.ParticipantID(demo.ContestID, owner) + ".2", tok, nil, 404, "paper_not_found"},
		{"a paper id of someone else is a 403", "GET", "quiz", "/papers/" + e.openRound() + ".00000000000000000000.1", tok, nil, 403, "not_your_paper"},
		{"a malformed paper id is a 404", "GET", "quiz", "/papers/abc", tok, nil, 404, "paper_not_found"},
		{"a question not on the paper is a 400", "PUT", "grade", "/papers/" + id + "/answers", tok, map[string]any{"answers": map[string]string{"zzz": "A"}}, 400, "unknown_question"},
		{"an unknown option is a 400", "PUT", "grade", "/papers/" + id + "/answers", tok, map[string]any{"answers": map[string]string{firstQ: "E"}}, 400, "unknown_option"},
		{"a missing token is a 401", "POST", "quiz", "/rounds/" + e.openRound() + "/papers", "", nil, 401, "token_missing"},
		{"a forged token is a 401", "POST", "quiz", "/rounds/" + e.openRound() + "/papers", forged, nil, 401, "token_invalid"},
		{"an expired token is a 401", "POST", "quiz", "/rounds/" + e.openRound() + "/papers", expired, nil, 401, "token_expired"},
		{"someone else's paper is a 403 on resume", "GET", "quiz", "/papers/" + id, other, nil, 403, "not_your_paper"},
		{"someone else's paper is a 403 on submit", "POST", "grade", "/papers/" + id + "/submission", other, map[string]any{"answers": map[string]string{}, "prediction": 1}, 403, "not_your_paper"},
		{"a closed round is a 409", "POST", "quiz", "/rounds/" + rounds[0].ID + "/papers", tok, nil, 409, "round_closed"},
		{"a round not yet open is a 409", "POST", "quiz", "/rounds/" + rounds[4].ID + "/papers", tok, nil, 409, "round_not_open"},
		{"organisers may not compete", "POST", "quiz", "/rounds/" + e.openRound() + "/papers", organiser, nil, 403, "not_allowed_to_compete"},
		{"a missing prediction is a 400", "POST", "grade", "/papers/" + id + "/submission", tok, map[string]any{"answers": map[string]string{}}, 400, "prediction_required"},
		{"an unknown route is a 404", "GET", "grade", "/khong-co", "", nil, 404, "route_not_found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.call(t, nil, c.method, c.fn, c.path, c.tok, c.body)
			if r.status != c.wantStatus || r.errorCode() != c.wantCode {
				t.Fatalf("got %d %s, want %d %s", r.status, r.raw, c.wantStatus, c.wantCode)
			}
			msg, _ := r.json["error"].(map[string]any)["message"].(string)
			if msg == "" || !hasVietnamese(msg) {
				t.Fatalf("message %q is not a Vietnamese sentence", msg)
			}
		})
	}
	stored, err := e.store.GetPaper(context.Background(), demo.ContestID, mustRef(t, id), true)
	if err != nil || stored.Status != contest.PaperInProgress || len(stored.Answers) != 0 {
		t.Fatalf("bad requests must change nothing: %+v %v", stored, err)
	}
}

func hasVietnamese(s string) bool {
	return strings.ContainsAny(s, "àáảãạăâđèéêìíòóôơùúưỳýạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỵỷỹ")
}

func TestFunctionsAllowTheSiteAndTheContestsOwnOriginsOnly(t *testing.T) {
	e := need(t)
	// GIVEN the demo contest's settings list its own site (the registry's
	// entry is written with them; no function has read other origins yet)
	ctx := context.Background()
	c, err := e.store.GetContest(ctx, demo.ContestID)
	if err != nil {
		t.Fatal(err)
	}
	own := "https://thi.example.vn"
	withOrigin := c
	withOrigin.Origins = []string{own}
	if err := e.store.PutContest(ctx, withOrigin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.store.PutContest(ctx, c) })
	for _, fn := range []string{"auth", "quiz", "grade", "admin", "units"} {
		for _, origin := range []string{e.p.SiteURL, own, "http://evil.example"} {
			// WHEN a browser of that origin asks before a POST
			req, _ := http.NewRequest("OPTIONS", e.p.FunctionURLs[fn]+"/anything", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			// THEN the function answers the site and the contest's origin, and nobody else
			got := resp.Header.Get("Access-Control-Allow-Origin")
			want := ""
			if origin != "http://evil.example" {
				want = origin
			}
			if got != want || resp.StatusCode != http.StatusNoContent {
				t.Errorf("%s preflight from %s: %d, Access-Control-Allow-Origin %q, want 204 and %q", fn, origin, resp.StatusCode, got, want)
			}
		}
	}
}

func TestSiteGetsTheFunctionURLs(t *testing.T) {
	e := need(t)
	resp, err := http.Get(e.p.SiteURL + "/config.js")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, fn := range []string{"auth", "quiz", "grade", "admin", "units"} {
		if !strings.Contains(string(body), e.p.FunctionURLs[fn]) {
			t.Errorf("config.js lacks the %s URL: %s", fn, body)
		}
	}
}

func TestSiteServesPublishedResultsOnly(t *testing.T) {
	e := need(t)
	fn, _ := platform.FunctionNamed("tally")
	out, err := e.p.RunEvent(context.Background(), "tally", ScheduledEvent(fn.Schedules[0], demo.ContestID, e.clock.Now()))
	if err != nil {
		t.Fatalf("scheduled tally: %v", err)
	}
	if !strings.Contains(string(out), `"outcome":"published"`) {
		t.Fatalf("the schedule published nothing: %s", out)
	}
	closed := demo.Rounds(e.now)[0].ID
	cases := []struct {
		path string
		want int
	}{
		{"/results/demo/" + closed + "/results.json", 200},
		{"/results/demo/" + closed + "/manifest.json", 200},
		{"/results/demo/" + closed + "/report.xlsx", 200},
		{"/results/demo/to-date/results.json", 200},
		{"/results/demo/to-date/units.csv", 200},
		{"/results/demo/" + e.openRound() + "/results.json", 404},
		{"/results/../banks/demo/demo-staff.json", 404},
		{"/banks/demo/demo-staff.json", 404},
	}
	for _, c := range cases {
		resp, err := http.Get(e.p.SiteURL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s: %d, want %d", c.path, resp.StatusCode, c.want)
		}
		if bytes.Contains(body, []byte("@"+demo.Domain)) || bytes.Contains(body, []byte(`"correct": 2,`+"\n"+`      "options"`)) {
			t.Errorf("GET %s leaks e-mails or the bank", c.path)
		}
	}
}

func TestRemindersGoOncePerSlotToThoseWhoHaveNotTakenPart(t *testing.T) {
	e := need(t)
	fn, _ := platform.FunctionNamed("remind")
	var admins, everyone platform.Schedule
	for _, s := range fn.Schedules {
		switch {
		case s.Action == "remind" && s.Audience == platform.RemindUnitAdmins:
			admins = s
		case s.Action == "remind" && (s.Audience == platform.RemindEveryone || s.Audience == ""):
			everyone = s
		}
	}
	if admins.Name == "" || everyone.Name == "" {
		t.Fatalf("remind needs a unit-admin and an everyone reminder schedule: %+v", fn.Schedules)
	}
	// in the last unit, one roster member takes part, a colleague does not
	roster := demo.Roster()
	units := demo.Units()
	last := units[len(units)-1]
	admin := roster[len(roster)-last.Headcount]
	took, missed := roster[len(roster)-8], roster[len(roster)-9]
	if !slices.Contains(admin.Roles, contest.RoleUnitAdmin) || missed.UnitID != last.ID {
		t.Fatalf("demo roster changed: %+v %+v", admin, missed)
	}
	tok := e.mint(t, took.Email, e.clock.Now())
	r := e.call(t, nil, "POST", "quiz", "/rounds/"+e.openRound()+"/papers", tok, nil)
	id := r.json["paper"].(map[string]any)["id"].(string)
	if r := e.call(t, nil, "POST", "grade", "/papers/"+id+"/submission", tok, map[string]any{"answers": map[string]string{}, "prediction": 1}); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.raw)
	}
	count := func(to, subject string) int {
		n := 0
		for _, m := range testenv.Outbox(t, e.p.Outbox()) {
			if m.To == to && strings.Contains(m.Subject, subject) {
				n++
			}
		}
		return n
	}
	title := demo.Rounds(e.now)[2].Title
	reminder, summary := "Nhắc nhở: bạn chưa tham gia "+title, title+" — "
	// GIVEN one who took part and one who did not
	// WHEN the unit-admin schedule runs (twice: a retry sends nothing more)
	// THEN only the unit admin hears, with the list of who has not taken part
	for run := 1; run <= 2; run++ {
		out, err := e.p.RunEvent(context.Background(), "remind", ScheduledEvent(admins, demo.ContestID, e.clock.Now()))
		if err != nil {
			t.Fatalf("%s run %d: %v", admins.Name, run, err)
		}
		waitRuns(t, e, demo.ContestID, out, 0)
		if got := count(missed.Email, reminder); got != 0 {
			t.Errorf("after %s run %d, %s has %d reminders, want 0 (%s)", admins.Name, run, missed.Email, got, out)
		}
		if got := count(admin.Email, summary); got != 1 {
			t.Errorf("after %s run %d, unit admin %s has %d summaries, want 1 (%s)", admins.Name, run, admin.Email, got, out)
		}
	}
	if text := lastTo(t, e, admin.Email, summary); !strings.Contains(text, missed.Email) || strings.Contains(text, took.Email) {
		t.Errorf("the summary does not list exactly who has not taken part:\n%s", text)
	}
	// WHEN the everyone schedule runs (twice) THEN the one missing hears once,
	// the one who took part never, and the admin gets this slot's summary
	for run := 1; run <= 2; run++ {
		out, err := e.p.RunEvent(context.Background(), "remind", ScheduledEvent(everyone, demo.ContestID, e.clock.Now()))
		if err != nil {
			t.Fatalf("%s run %d: %v", everyone.Name, run, err)
		}
		waitRuns(t, e, demo.ContestID, out, 0)
		if got := count(missed.Email, reminder); got != 1 {
			t.Errorf("after %s run %d, %s has %d reminders, want 1 (%s)", everyone.Name, run, missed.Email, got, out)
		}
		if got := count(took.Email, reminder); got != 0 {
			t.Errorf("after %s run %d, %s who took part has %d reminders, want 0", everyone.Name, run, took.Email, got)
		}
		if got := count(admin.Email, summary); got != 2 {
			t.Errorf("after %s run %d, unit admin %s has %d summaries, want 2 (one per slot)", everyone.Name, run, admin.Email, got)
		}
	}
}

// lastTo returns the text of the newest outbox message to an address whose
// subject contains subject.
func lastTo(t *testing.T, e *e2eEnv, to, subject string) string {
	t.Helper()
	msgs := testenv.Outbox(t, e.p.Outbox())
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := msgs[i]; m.To == to && strings.Contains(m.Subject, subject) {
			return m.Text
		}
	}
	return ""
}

// e2eClient bounds every call of the end-to-end tests: a function that never
// answers fails its test with the call named, not the whole package at its
// deadline (a failure bound, not a timing assertion).
var e2eClient = &http.Client{Timeout: 2 * time.Minute}
