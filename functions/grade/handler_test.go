package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/testenv"
	"github.com/hoithi/hoithi/shared/token"
)

// testGrace is the submit grace the grade handler is built with.
const testGrace = 60 * time.Second

// testClock is the handler's clock, moved by the tests.
type testClock = testenv.Clock

// resultOf is the "result" object of a submission response.
func resultOf(t *testing.T, r testenv.Response) contest.Result {
	t.Helper()
	data, _ := json.Marshal(r.JSON["result"])
	var res contest.Result
	if err := json.Unmarshal(data, &res); err != nil || r.JSON["result"] == nil {
		t.Fatalf("no result in %s: %v", r.Body, err)
	}
	return res
}

// gradeAPI is the grade handler on a seeded contest, with its own clock.
type gradeAPI struct {
	env    *testenv.Demo
	clock  *testClock
	round  contest.Round
	routes http.Handler
}

func newGradeAPI(t *testing.T, env *testenv.Demo) *gradeAPI {
	g := &gradeAPI{env: env, clock: testenv.NewClock(env.Now), round: env.OpenRound()}
	g.routes = NewHandler(env.Store, env.Signer, testGrace, g.clock.Now, testenv.Logger()).Routes()
	return g
}

// newPaper stores a paper in progress for a seeded member in this week's
// staff round, as the quiz function would, and returns it with a token.
func (g *gradeAPI) newPaper(t *testing.T, email string, startedAt time.Time) (*contest.Paper, string) {
	t.Helper()
	ctx := context.Background()
	m, ok, err := g.env.Store.GetMember(ctx, demo.ContestID, email)
	if err != nil || !ok {
		t.Fatalf("member %s: %v %v", email, ok, err)
	}
	bank, err := g.env.Banks.Load(ctx, demo.ContestID, g.round.BankID)
	if err != nil {
		t.Fatal(err)
	}
	items, key, err := contest.Draw(bank, g.round.QuestionCount, rand.New(rand.NewPCG(uint64(startedAt.UnixNano()), uint64(len(email)))))
	if err != nil {
		t.Fatal(err)
	}
	startedAt = startedAt.Truncate(time.Millisecond)
	p := &contest.Paper{
		ContestID: demo.ContestID, RoundID: g.round.ID, ParticipantID: contest.ParticipantID(demo.ContestID, email), Attempt: 1,
		Email: email, Name: m.Name, UnitID: m.UnitID, Audience: m.Audience, BankID: g.round.BankID,
		Items: items, Key: key, StartedAt: startedAt, Deadline: g.round.Deadline(startedAt),
		Answers: map[string]string{}, Status: contest.PaperInProgress,
	}
	if _, created, err := g.env.Store.CreatePaper(ctx, p); err != nil || !created {
		t.Fatalf("create paper for %s: created=%v err=%v", email, created, err)
	}
	return g.stored(t, p.ID()), g.env.TokenFor(t, email)
}

func (g *gradeAPI) stored(t *testing.T, paperID string) *contest.Paper {
	t.Helper()
	ref, err := contest.ParsePaperID(paperID)
	if err != nil {
		t.Fatalf("paper id %q: %v", paperID, err)
	}
	p, err := g.env.Store.GetPaper(context.Background(), demo.ContestID, ref, true)
	if err != nil {
		t.Fatalf("load paper %s: %v", paperID, err)
	}
	return p
}

func (g *gradeAPI) save(t *testing.T, tok, paperID string, body any) testenv.Response {
	t.Helper()
	return testenv.Call(t, g.routes, http.MethodPut, "/papers/"+paperID+"/answers", tok, body)
}

func (g *gradeAPI) submit(t *testing.T, tok, paperID string, body any) testenv.Response {
	t.Helper()
	return testenv.Call(t, g.routes, http.MethodPost, "/papers/"+paperID+"/submission", tok, body)
}

// answerKey answers the first `right` questions with the stored key and the
// others with another option.
func answerKey(p *contest.Paper, right int) map[string]string {
	out := map[string]string{}
	for i, it := range p.Items {
		a := p.Key[i]
		if i >= right {
			labels := "ABCDEF"[:len(it.Order)]
			a = labels[(strings.IndexByte(labels, a)+1)%len(labels)]
		}
		out[it.QuestionID] = string(a)
	}
	return out
}

func sameAnswers(a, b map[string]string) bool { return len(a) == len(b) && maps.Equal(a, b) }

func answersOf(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, x := range m {
		out[k] = fmt.Sprint(x)
	}
	return out
}

func TestAutosaveMergesAndValidates(t *testing.T) {
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	p, tok := g.newPaper(t, demo.Roster()[2].Email, env.Now.Add(-time.Minute))
	q0, q1 := p.Items[0].QuestionID, p.Items[1].QuestionID
	bank, err := env.Banks.Load(context.Background(), demo.ContestID, g.round.BankID)
	if err != nil {
		t.Fatal(err)
	}
	notOnPaper := ""
	for _, bq := range bank.Questions {
		if !p.HasQuestion(bq.ID) {
			notOnPaper = bq.ID
			break
		}
	}
	tooMany := map[string]string{}
	for i := range len(p.Items) + 1 {
		tooMany[fmt.Sprintf("x%02d", i)] = "A"
	}
	steps := []struct {
		name   string
		body   any
		status int
		code   string
		want   map[string]string // stored answers afterwards
	}{
		{"saving one answer stores it", map[string]any{"answers": map[string]string{q0: "A"}}, http.StatusOK, "", map[string]string{q0: "A"}},
		{"saving another answer keeps the first", map[string]any{"answers": map[string]string{q1: "B"}}, http.StatusOK, "", map[string]string{q0: "A", q1: "B"}},
		{"saving a changed answer replaces it", map[string]any{"answers": map[string]string{q0: "C"}}, http.StatusOK, "", map[string]string{q0: "C", q1: "B"}},
		{"an empty string clears an answer", map[string]any{"answers": map[string]string{q0: ""}}, http.StatusOK, "", map[string]string{q1: "B"}},
		{"clearing an unanswered question is harmless", map[string]any{"answers": map[string]string{q0: ""}}, http.StatusOK, "", map[string]string{q1: "B"}},
		{"an empty answers object changes nothing", map[string]any{"answers": map[string]string{}}, http.StatusOK, "", map[string]string{q1: "B"}},
		{"a question that is not on the paper is refused", map[string]any{"answers": map[string]string{"khong-co": "A"}}, http.StatusBadRequest, "unknown_question", map[string]string{q1: "B"}},
		{"a bank question drawn for others but not this paper is refused", map[string]any{"answers": map[string]string{notOnPaper: "A"}}, http.StatusBadRequest, "unknown_question", map[string]string{q1: "B"}},
		{"clearing a question that is not on the paper is refused", map[string]any{"answers": map[string]string{"khong-co": ""}}, http.StatusBadRequest, "unknown_question", map[string]string{q1: "B"}},
		{"a valid answer sent with an unknown question is not saved either", map[string]any{"answers": map[string]string{q0: "D", "khong-co": "A"}}, http.StatusBadRequest, "unknown_question", map[string]string{q1: "B"}},
		{"an option the question does not have is refused", map[string]any{"answers": map[string]string{q0: "E"}}, http.StatusBadRequest, "unknown_option", map[string]string{q1: "B"}},
		{"a lower-case option is refused", map[string]any{"answers": map[string]string{q0: "a"}}, http.StatusBadRequest, "unknown_option", map[string]string{q1: "B"}},
		{"two options at once are refused", map[string]any{"answers": map[string]string{q0: "AB"}}, http.StatusBadRequest, "unknown_option", map[string]string{q1: "B"}},
		{"more answers than questions are refused", map[string]any{"answers": tooMany}, http.StatusBadRequest, "too_many_answers", map[string]string{q1: "B"}},
		{"an answer that is not a string is refused", `{"answers":{"` + q0 + `":1}}`, http.StatusBadRequest, "invalid_json", map[string]string{q1: "B"}},
		{"a body that is not JSON is refused", "answers[" + q0 + "]=A", http.StatusBadRequest, "invalid_json", map[string]string{q1: "B"}},
		{"a body over 8 KB is too large", `{"answers":{"` + q0 + `":"A"},"pad":"` + strings.Repeat("x", 9000) + `"}`, http.StatusRequestEntityTooLarge, "body_too_large", map[string]string{q1: "B"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			res := g.save(t, tok, p.ID(), st.body)
			res.Expect(t, st.status, st.code)
			if st.code == "" {
				if got := answersOf(res.JSON["answers"]); !sameAnswers(got, st.want) {
					t.Errorf("response answers = %v, want %v", got, st.want)
				}
				if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(res.JSON["savedAt"])); err != nil || !at.Equal(g.clock.Now()) {
					t.Errorf("savedAt = %v, want the server clock %v", res.JSON["savedAt"], g.clock.Now())
				}
			}
			if got := g.stored(t, p.ID()).Answers; !sameAnswers(got, st.want) {
				t.Errorf("stored answers = %v, want %v", got, st.want)
			}
		})
	}
}

func TestSubmitGradesAgainstTheStoredKeyOnTheServerClock(t *testing.T) {
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	const took = 3*time.Minute + 17*time.Second + 123*time.Millisecond
	tests := []struct {
		name    string
		saved   func(p *contest.Paper) map[string]string // autosaved before submitting
		sent    func(p *contest.Paper) map[string]string
		correct int
		final   func(p *contest.Paper) map[string]string // stored answers afterwards, when not sent
	}{
		{name: "every answer from the stored key scores full marks",
			sent: func(p *contest.Paper) map[string]string { return answerKey(p, 15) }, correct: 15},
		{name: "every answer wrong scores zero",
			sent: func(p *contest.Paper) map[string]string { return answerKey(p, 0) }, correct: 0},
		{name: "seven right answers score seven",
			sent: func(p *contest.Paper) map[string]string { return answerKey(p, 7) }, correct: 7},
		{name: "no answers score zero of fifteen",
			sent: func(p *contest.Paper) map[string]string { return map[string]string{} }, correct: 0},
		{name: "answers saved earlier count when the submission leaves them out",
			saved: func(p *contest.Paper) map[string]string { return answerKey(p, 15) },
			sent:  func(p *contest.Paper) map[string]string { return nil }, correct: 15,
			final: func(p *contest.Paper) map[string]string { return answerKey(p, 15) }},
		{name: "an answer in the submission overrides the saved one",
			saved: func(p *contest.Paper) map[string]string { return answerKey(p, 15) },
			sent: func(p *contest.Paper) map[string]string {
				return map[string]string{p.Items[0].QuestionID: answerKey(p, 0)[p.Items[0].QuestionID]}
			},
			final: func(p *contest.Paper) map[string]string {
				a := answerKey(p, 15)
				a[p.Items[0].QuestionID] = answerKey(p, 0)[p.Items[0].QuestionID]
				return a
			},
			correct: 14},
		{name: "an empty answer in the submission clears a saved one",
			saved: func(p *contest.Paper) map[string]string { return answerKey(p, 15) },
			sent:  func(p *contest.Paper) map[string]string { return map[string]string{p.Items[0].QuestionID: ""} },
			final: func(p *contest.Paper) map[string]string {
				a := answerKey(p, 15)
				delete(a, p.Items[0].QuestionID)
				return a
			},
			correct: 14},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g.clock.Set(env.Now)
			p, tok := g.newPaper(t, demo.Roster()[20+i].Email, env.Now.Add(-took))
			if tt.saved != nil {
				g.save(t, tok, p.ID(), map[string]any{"answers": tt.saved(p)}).Expect(t, http.StatusOK, "")
			}
			res := g.submit(t, tok, p.ID(), map[string]any{"answers": tt.sent(p), "prediction": 70 + i})
			res.Expect(t, http.StatusOK, "")
			got := resultOf(t, res)
			want := contest.Result{Correct: tt.correct, Total: 15, TimeTakenMs: took.Milliseconds(),
				SubmittedAt: env.Now.Truncate(time.Millisecond), Prediction: 70 + i}
			if got.Correct != want.Correct || got.Total != want.Total || got.TimeTakenMs != want.TimeTakenMs ||
				!got.SubmittedAt.Equal(want.SubmittedAt) || got.Prediction != want.Prediction {
				t.Errorf("result = %+v, want %+v", got, want)
			}
			if _, offset := got.SubmittedAt.Zone(); offset != 7*3600 {
				t.Errorf("submittedAt %v is not in ICT", got.SubmittedAt)
			}
			s := g.stored(t, p.ID())
			if s.Status != contest.PaperSubmitted || s.Result == nil || s.Result.Correct != tt.correct ||
				s.Result.TimeTakenMs != want.TimeTakenMs || !s.Result.SubmittedAt.Equal(want.SubmittedAt) || s.Result.Prediction != want.Prediction {
				t.Errorf("stored paper %s with result %+v, want submitted with %+v", s.Status, s.Result, want)
			}
			final := tt.sent(p)
			if tt.final != nil {
				final = tt.final(p)
			}
			if !sameAnswers(s.Answers, final) {
				t.Errorf("stored answers = %v, want %v", s.Answers, final)
			}
		})
	}
}

func TestSubmitNeedsAValidPrediction(t *testing.T) {
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	p, tok := g.newPaper(t, demo.Roster()[3].Email, env.Now.Add(-time.Minute))
	right := answerKey(p, 15)
	answersJSON, _ := json.Marshal(right)
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"a submission without a prediction, none saved, is refused", map[string]any{"answers": right}, http.StatusBadRequest, "prediction_required"},
		{"a null prediction, none saved, is refused", map[string]any{"answers": right, "prediction": nil}, http.StatusBadRequest, "prediction_required"},
		{"a negative prediction is refused", map[string]any{"answers": right, "prediction": -1}, http.StatusBadRequest, "invalid_prediction"},
		{"a prediction above 100,000,000 is refused", map[string]any{"answers": right, "prediction": 100_000_001}, http.StatusBadRequest, "invalid_prediction"},
		{"a fractional prediction is refused", `{"answers":` + string(answersJSON) + `,"prediction":1.5}`, http.StatusBadRequest, "invalid_json"},
		{"a prediction written as text is refused", `{"answers":` + string(answersJSON) + `,"prediction":"12"}`, http.StatusBadRequest, "invalid_json"},
		{"an empty body is refused", "", http.StatusBadRequest, "invalid_json"},
		{"a prediction of 0 is taken", map[string]any{"answers": right, "prediction": 0}, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := g.submit(t, tok, p.ID(), tt.body)
			res.Expect(t, tt.status, tt.code)
			s := g.stored(t, p.ID())
			switch {
			case tt.code != "" && (s.Status != contest.PaperInProgress || s.Result != nil):
				t.Errorf("a refused submission left the paper %s with result %+v", s.Status, s.Result)
			case tt.code == "" && (s.Status != contest.PaperSubmitted || s.Result == nil || s.Result.Prediction != 0 || s.Result.Correct != 15):
				t.Errorf("stored paper %s with result %+v, want submitted, 15 correct, prediction 0", s.Status, s.Result)
			}
		})
	}
}

func TestSubmittingTwiceKeepsTheFirstResult(t *testing.T) {
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	p, tok := g.newPaper(t, demo.Roster()[4].Email, env.Now.Add(-2*time.Minute))
	first := g.submit(t, tok, p.ID(), map[string]any{"answers": answerKey(p, 15), "prediction": 100})
	first.Expect(t, http.StatusOK, "")
	firstResult, _ := json.Marshal(first.JSON["result"])
	tests := []struct {
		name  string
		clock time.Time
		body  any
	}{
		{"a retry with other answers and prediction returns the identical stored result",
			env.Now.Add(30 * time.Second), map[string]any{"answers": answerKey(p, 0), "prediction": 5}},
		{"a retry without a prediction returns the stored result",
			env.Now.Add(40 * time.Second), map[string]any{"answers": map[string]string{}}},
		{"a retry after the deadline still returns the stored result",
			p.Deadline.Add(testGrace + time.Hour), map[string]any{"answers": answerKey(p, 0), "prediction": 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g.clock.Set(tt.clock)
			res := g.submit(t, tok, p.ID(), tt.body)
			res.Expect(t, http.StatusOK, "")
			if got, _ := json.Marshal(res.JSON["result"]); !bytes.Equal(got, firstResult) {
				t.Errorf("result = %s, want the first %s", got, firstResult)
			}
			s := g.stored(t, p.ID())
			if !sameAnswers(s.Answers, answerKey(p, 15)) || s.Result == nil || s.Result.Correct != 15 || s.Result.Prediction != 100 {
				t.Errorf("the retry changed the stored paper: answers %v, result %+v", s.Answers, s.Result)
			}
		})
	}
	t.Run("autosave after submitting is refused as already submitted", func(t *testing.T) {
		g.clock.Set(env.Now.Add(time.Minute))
		g.save(t, tok, p.ID(), map[string]any{"answers": map[string]string{p.Items[0].QuestionID: "A"}}).
			Expect(t, http.StatusConflict, "paper_submitted")
		if s := g.stored(t, p.ID()); !sameAnswers(s.Answers, answerKey(p, 15)) {
			t.Errorf("stored answers changed after submission: %v", s.Answers)
		}
	})
}

func TestTheDeadlineIsKeptByTheServer(t *testing.T) {
	env := testenv.SeededDemo(t)
	tests := []struct {
		name   string
		late   time.Duration // after deadline + grace
		submit bool          // or autosave
		status int
		code   string
	}{
		{"autosave at the deadline plus grace is taken", 0, false, http.StatusOK, ""},
		{"submission at the deadline plus grace is taken", 0, true, http.StatusOK, ""},
		{"autosave a second after the deadline plus grace is refused", time.Second, false, http.StatusConflict, "deadline_passed"},
		{"submission a second after the deadline plus grace is refused", time.Second, true, http.StatusConflict, "deadline_passed"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGradeAPI(t, env)
			p, tok := g.newPaper(t, demo.Roster()[30+i].Email, env.Now.Add(-time.Minute))
			now := p.Deadline.Add(testGrace + tt.late)
			routes := NewHandler(env.Store, env.Signer, testGrace, func() time.Time { return now }, testenv.Logger()).Routes()
			answers := answerKey(p, 15)
			var res testenv.Response
			if tt.submit {
				res = testenv.Call(t, routes, http.MethodPost, "/papers/"+p.ID()+"/submission", tok, map[string]any{"answers": answers, "prediction": 1})
			} else {
				res = testenv.Call(t, routes, http.MethodPut, "/papers/"+p.ID()+"/answers", tok, map[string]any{"answers": answers})
			}
			res.Expect(t, tt.status, tt.code)
			s := g.stored(t, p.ID())
			switch {
			case tt.code != "" && (s.Status != contest.PaperInProgress || len(s.Answers) != 0):
				t.Errorf("a late request changed the paper: %s %v", s.Status, s.Answers)
			case tt.code == "" && tt.submit:
				if r := resultOf(t, res); r.Correct != 15 || r.TimeTakenMs != now.Sub(p.StartedAt).Milliseconds() {
					t.Errorf("result %+v, want 15 correct in %d ms", r, now.Sub(p.StartedAt).Milliseconds())
				}
			case tt.code == "" && !sameAnswers(s.Answers, answers):
				t.Errorf("stored answers %v, want %v", s.Answers, answers)
			}
		})
	}
}

func TestClientTimesAndScoresInTheBodyAreIgnored(t *testing.T) {
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	const took = 4*time.Minute + 250*time.Millisecond
	p, tok := g.newPaper(t, demo.Roster()[5].Email, env.Now.Add(-took))
	body := map[string]any{
		"answers":     answerKey(p, 3),
		"prediction":  9,
		"submittedAt": "2020-01-01T00:00:00Z",
		"timeTakenMs": 1,
		"startedAt":   env.Now.Format(time.RFC3339),
		"correct":     15,
		"total":       3,
		"result":      map[string]any{"correct": 15, "total": 15, "timeTakenMs": 1, "submittedAt": "2020-01-01T00:00:00Z"},
	}
	res := g.submit(t, tok, p.ID(), body)
	res.Expect(t, http.StatusOK, "")
	got := resultOf(t, res)
	if got.Correct != 3 || got.Total != 15 || got.TimeTakenMs != took.Milliseconds() || !got.SubmittedAt.Equal(env.Now.Truncate(time.Millisecond)) {
		t.Errorf("result = %+v, want 3 of 15 in %d ms submitted at %v", got, took.Milliseconds(), env.Now)
	}
	if s := g.stored(t, p.ID()).Result; s == nil || s.Correct != 3 || s.TimeTakenMs != took.Milliseconds() || !s.SubmittedAt.Equal(env.Now.Truncate(time.Millisecond)) {
		t.Errorf("stored result %+v, want the server's figures", s)
	}
}

func TestOnlyTheOwnerMayAnswerAPaper(t *testing.T) {
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	p, ownerTok := g.newPaper(t, demo.Roster()[6].Email, env.Now.Add(-time.Minute))
	otherTok := env.TokenFor(t, demo.Roster()[7].Email)
	forged := func() string {
		s, err := token.NewSigner([]byte("another-key-0123456789abcdef0123456789"), time.Hour, testenv.Now)
		if err != nil {
			t.Fatal(err)
		}
		c := token.Claims{Contest: demo.ContestID, Email: p.Email, Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}
		c.Subject = p.ParticipantID
		tok, _, err := s.Issue(c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}()
	tests := []struct {
		name, tok, path string
		status          int
		code            string
	}{
		{"someone else's paper is not theirs to answer", otherTok, "/papers/" + p.ID(), http.StatusForbidden, "not_your_paper"},
		{"without a token the caller must sign in", "", "/papers/" + p.ID(), http.StatusUnauthorized, "token_missing"},
		{"a token signed with another key is invalid", forged, "/papers/" + p.ID(), http.StatusUnauthorized, "token_invalid"},
		{"a malformed paper id is not found", ownerTok, "/papers/" + p.RoundID + "." + p.ParticipantID, http.StatusNotFound, "paper_not_found"},
		{"an attempt that does not exist is not found", ownerTok, "/papers/" + p.RoundID + "." + p.ParticipantID + ".2", http.StatusNotFound, "paper_not_found"},
	}
	for _, tt := range tests {
		for _, op := range []struct{ method, suffix string }{{http.MethodPut, "/answers"}, {http.MethodPost, "/submission"}} {
			t.Run(op.method+" "+op.suffix+": "+tt.name, func(t *testing.T) {
				testenv.Call(t, g.routes, op.method, tt.path+op.suffix, tt.tok, map[string]any{"answers": answerKey(p, 15), "prediction": 1}).
					Expect(t, tt.status, tt.code)
				if s := g.stored(t, p.ID()); s.Status != contest.PaperInProgress || len(s.Answers) != 0 {
					t.Errorf("a refused request changed the paper: %s %v", s.Status, s.Answers)
				}
			})
		}
	}
	t.Run("an unknown route is not found", func(t *testing.T) {
		testenv.Call(t, g.routes, http.MethodGet, "/papers/"+p.ID()+"/answers", ownerTok, nil).Expect(t, http.StatusNotFound, "route_not_found")
	})
}

func TestAutosaveKeepsThePredictionForTheSubmission(t *testing.T) {
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	p, tok := g.newPaper(t, demo.Roster()[40].Email, env.Now.Add(-time.Minute))
	q0, q1 := p.Items[0].QuestionID, p.Items[1].QuestionID
	pred := func(n int) *int { return &n }
	steps := []struct {
		name     string
		body     map[string]any
		status   int
		code     string
		answers  map[string]string // stored afterwards
		savedPre *int              // stored afterwards
	}{
		{"an autosave without a prediction saves none", map[string]any{"answers": map[string]string{q0: "A"}},
			http.StatusOK, "", map[string]string{q0: "A"}, nil},
		{"an autosave with a prediction keeps it", map[string]any{"answers": map[string]string{q1: "B"}, "prediction": 1234},
			http.StatusOK, "", map[string]string{q0: "A", q1: "B"}, pred(1234)},
		{"a later autosave without a prediction keeps the saved one", map[string]any{"answers": map[string]string{q0: "C"}},
			http.StatusOK, "", map[string]string{q0: "C", q1: "B"}, pred(1234)},
		{"a negative prediction in an autosave is refused and nothing is saved", map[string]any{"answers": map[string]string{q0: "D"}, "prediction": -5},
			http.StatusBadRequest, "invalid_prediction", map[string]string{q0: "C", q1: "B"}, pred(1234)},
		{"a prediction of 0 replaces the saved one", map[string]any{"answers": map[string]string{}, "prediction": 0},
			http.StatusOK, "", map[string]string{q0: "C", q1: "B"}, pred(0)},
		{"a newer prediction replaces the saved one", map[string]any{"answers": map[string]string{}, "prediction": 99},
			http.StatusOK, "", map[string]string{q0: "C", q1: "B"}, pred(99)},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			res := g.save(t, tok, p.ID(), st.body)
			res.Expect(t, st.status, st.code)
			if st.code == "" {
				got, has := res.JSON["prediction"]
				if (st.savedPre == nil) == has || (has && got != float64(*st.savedPre)) {
					t.Errorf("response prediction = %v (present %v), want %v", got, has, st.savedPre)
				}
			}
			s := g.stored(t, p.ID())
			if !sameAnswers(s.Answers, st.answers) {
				t.Errorf("stored answers = %v, want %v", s.Answers, st.answers)
			}
			if (s.SavedPrediction == nil) != (st.savedPre == nil) || (s.SavedPrediction != nil && *s.SavedPrediction != *st.savedPre) {
				t.Errorf("stored prediction = %v, want %v", s.SavedPrediction, st.savedPre)
			}
		})
	}
	t.Run("a submission without a prediction uses the saved one", func(t *testing.T) {
		res := g.submit(t, tok, p.ID(), map[string]any{"answers": map[string]string{}})
		res.Expect(t, http.StatusOK, "")
		if got := resultOf(t, res); got.Prediction != 99 {
			t.Errorf("prediction = %d, want the saved 99", got.Prediction)
		}
		if s := g.stored(t, p.ID()); s.Result == nil || s.Result.Prediction != 99 {
			t.Errorf("stored result %+v, want prediction 99", s.Result)
		}
	})
	t.Run("a submission's own prediction wins over the saved one", func(t *testing.T) {
		p, tok := g.newPaper(t, demo.Roster()[41].Email, env.Now.Add(-time.Minute))
		g.save(t, tok, p.ID(), map[string]any{"answers": map[string]string{}, "prediction": 500}).Expect(t, http.StatusOK, "")
		res := g.submit(t, tok, p.ID(), map[string]any{"answers": answerKey(p, 15), "prediction": 7})
		res.Expect(t, http.StatusOK, "")
		if got := resultOf(t, res); got.Prediction != 7 || got.Correct != 15 {
			t.Errorf("result = %+v, want prediction 7 and 15 correct", got)
		}
	})
}

func TestAutosavesThroughTwoContainersLoseNothing(t *testing.T) {
	// GIVEN a paper autosaved through one container, which keeps its copy,
	// and a second container of the function
	env := testenv.SeededDemo(t)
	g := newGradeAPI(t, env)
	p, tok := g.newPaper(t, demo.Roster()[5].Email, env.Now.Add(-time.Minute))
	q0, q1, q2 := p.Items[0].QuestionID, p.Items[1].QuestionID, p.Items[2].QuestionID
	other := &gradeAPI{env: env, clock: g.clock, round: g.round,
		routes: NewHandler(env.Store, env.Signer, testGrace, g.clock.Now, testenv.Logger()).Routes()}
	g.save(t, tok, p.ID(), map[string]any{"answers": map[string]string{q0: "A"}}).Expect(t, http.StatusOK, "")

	t.Run("an answer saved elsewhere meanwhile is kept by the next autosave here", func(t *testing.T) {
		other.save(t, tok, p.ID(), map[string]any{"answers": map[string]string{q1: "B"}}).Expect(t, http.StatusOK, "")
		res := g.save(t, tok, p.ID(), map[string]any{"answers": map[string]string{q2: "C"}})
		res.Expect(t, http.StatusOK, "")
		want := map[string]string{q0: "A", q1: "B", q2: "C"}
		if got := answersOf(res.JSON["answers"]); !sameAnswers(got, want) {
			t.Errorf("response answers = %v, want %v", got, want)
		}
		if got := g.stored(t, p.ID()).Answers; !sameAnswers(got, want) {
			t.Errorf("stored answers = %v, want %v", got, want)
		}
	})
	t.Run("a paper submitted elsewhere is paper_submitted here, even past its deadline", func(t *testing.T) {
		other.submit(t, tok, p.ID(), map[string]any{"answers": map[string]string{}, "prediction": 3}).Expect(t, http.StatusOK, "")
		g.save(t, tok, p.ID(), map[string]any{"answers": map[string]string{q0: "B"}}).Expect(t, http.StatusConflict, "paper_submitted")
		g.clock.Set(p.Deadline.Add(testGrace + time.Minute))
		g.save(t, tok, p.ID(), map[string]any{"answers": map[string]string{q0: "B"}}).Expect(t, http.StatusConflict, "paper_submitted")
	})
}
