package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the grade function's sample events (events/grade/*.json).
const eventsDir = "../../events/grade"

// eventWant is what running one sample event must give.
type eventWant struct {
	status int
	code   string // the error code; "" for a success
	// check looks at the body (success or error) and the state it left.
	check func(t *testing.T, g *gradeAPI, p *contest.Paper, body map[string]any)
}

// gradeEvents is the expected outcome of every file in events/grade: a file
// without an entry fails the tests. Every event gets a paper in progress of
// demo.Roster()[0] ({{token}}, {{paperId}}, {{questionId}}: its first
// question) and the token of demo.Roster()[1] ({{otherToken}}).
var gradeEvents = map[string]eventWant{
	"save-answers.json": {
		status: http.StatusOK,
		check: func(t *testing.T, g *gradeAPI, p *contest.Paper, body map[string]any) {
			q := p.Items[0].QuestionID
			if got, _ := body["answers"].(map[string]any); len(got) != 1 || got[q] != "B" {
				t.Errorf("answers = %v, want {%s: B}", body["answers"], q)
			}
			if s := g.stored(t, p.ID()); s.Answers[q] != "B" || s.Status != contest.PaperInProgress {
				t.Errorf("stored answers %v, status %s: want %s=B saved, in progress", s.Answers, s.Status, q)
			}
		},
	},
	"submit.json": {
		status: http.StatusOK,
		check: func(t *testing.T, g *gradeAPI, p *contest.Paper, body map[string]any) {
			want := 0
			if p.Key[0] == 'B' {
				want = 1
			}
			r, _ := body["result"].(map[string]any)
			if r["correct"] != float64(want) || r["total"] != float64(len(p.Items)) || r["prediction"] != float64(12500) {
				t.Errorf("result = %v, want %d of %d correct with prediction 12500", r, want, len(p.Items))
			}
			s := g.stored(t, p.ID())
			if s.Status != contest.PaperSubmitted || s.Result == nil || s.Result.Correct != want {
				t.Errorf("stored paper %s, result %+v: want submitted with %d correct", s.Status, s.Result, want)
			}
			// where the submission came from is the function URL's request
			// context, kept with the paper and not sent back
			if s.SubmittedFrom.Address != eventSourceIP || !strings.HasPrefix(s.SubmittedFrom.UserAgent, "Mozilla/5.0") {
				t.Errorf("submitted from %+v, want the event's %s and browser", s.SubmittedFrom, eventSourceIP)
			}
			if data, _ := json.Marshal(body); strings.Contains(string(data), eventSourceIP) || strings.Contains(string(data), "Mozilla") {
				t.Errorf("the answer holds the requester: %s", data)
			}
		},
	},
	"submit-not-your-paper.json": {
		status: http.StatusForbidden, code: "not_your_paper",
		check: func(t *testing.T, g *gradeAPI, p *contest.Paper, _ map[string]any) {
			if s := g.stored(t, p.ID()); s.Status != contest.PaperInProgress || len(s.Answers) != 0 {
				t.Errorf("someone else's submission changed the paper: %s %v", s.Status, s.Answers)
			}
		},
	},
}

// eventSourceIP is the requestContext.http.sourceIp of the events' requests.
const eventSourceIP = "203.0.113.24"

func TestEveryGradeEventHasAnExpectedOutcome(t *testing.T) {
	testenv.CheckURLEvents(t, eventsDir, gradeEvents, nil)
}

func TestGradeEventsRunThroughTheHandler(t *testing.T) {
	testenv.RunEvents(t, eventsDir, gradeEvents, "lambdaurl", func(t *testing.T, f string, want eventWant) {
		g := newGradeAPI(t, testenv.SeededContest(t).Demo)
		roster := demo.Roster()
		p, tok := g.newPaper(t, roster[0].Email, g.clock.Now().Add(-2*time.Minute))
		values := map[string]string{
			"token": tok, "otherToken": g.env.TokenFor(t, roster[1].Email),
			"paperId": p.ID(), "questionId": p.Items[0].QuestionID,
		}
		req := testenv.LoadEvent(t, f, values)
		status, headers, body := testenv.InvokeEvent(t, g.routes, req)
		obj := testenv.CheckURLAnswer(t, req, status, headers, body, want.status, want.code)
		if want.check != nil {
			want.check(t, g, p, obj)
		}
	})
}
