package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the quiz function's sample events (events/quiz/*.json).
const eventsDir = "../../events/quiz"

// eventWant is what running one sample event must give.
type eventWant struct {
	status int
	code   string // the error code; "" for a success
	// setup prepares the state the event needs and returns its placeholder values.
	setup func(t *testing.T, q *quizAPI) map[string]string
	// check looks at a success body (and the state it left).
	check func(t *testing.T, q *quizAPI, values map[string]string, body map[string]any)
}

// eventParticipant is the roster member whose token fills {{token}}.
func eventParticipant() string { return demo.Roster()[0].Email }

// quizEvents is the expected outcome of every file in events/quiz: a file
// without an entry fails the tests.
var quizEvents = map[string]eventWant{
	"list-rounds.json": {
		status: http.StatusOK,
		check: func(t *testing.T, q *quizAPI, _ map[string]string, body map[string]any) {
			if body["contest"] != demo.ContestID {
				t.Errorf("contest = %v, want %s", body["contest"], demo.ContestID)
			}
			checkRoundStatuses(t, body, demo.Rounds(q.env.Now), q.clock.Now())
		},
	},
	"practice.json": {
		status: http.StatusOK,
		check: func(t *testing.T, q *quizAPI, _ map[string]string, body map[string]any) {
			// the demo's weeks share one bank: nothing is open for practice until the last closes
			if qs, ok := body["questions"].([]any); !ok || len(qs) != 0 || body["mode"] != "everyone" {
				t.Errorf("practice = %v", body)
			}
		},
	},
	"practice-counts.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, q *quizAPI) map[string]string {
			return map[string]string{"token": q.env.TokenFor(t, q.env.Accounts.Organiser[0])}
		},
		check: func(t *testing.T, q *quizAPI, _ map[string]string, body map[string]any) {
			// nobody has practised in the demo: the last week's counts are empty
			today := q.clock.Now().In(contest.ICT).Format("2006-01-02")
			if qs, ok := body["questions"].([]any); !ok || len(qs) != 0 || body["to"] != today {
				t.Errorf("counts = %v, want none up to %s", body, today)
			}
		},
	},
	"start-paper.json": {
		status: http.StatusCreated,
		setup: func(t *testing.T, q *quizAPI) map[string]string {
			return map[string]string{"token": q.env.TokenFor(t, eventParticipant()), "roundId": q.env.OpenRound().ID}
		},
		check: func(t *testing.T, q *quizAPI, v map[string]string, body map[string]any) {
			view := checkPaperView(t, q, body, q.env.OpenRound())
			ref := contest.PaperRef{RoundID: v["roundId"], ParticipantID: contest.ParticipantID(demo.ContestID, eventParticipant()), Attempt: 1}
			if view.ID != ref.ID() {
				t.Errorf("paper id = %s, want %s", view.ID, ref.ID())
			}
			// where the start came from is the function URL's request
			// context, kept with the paper and not sent back
			if from := q.stored(t, ref.ID()).StartedFrom; from.Address != "203.0.113.24" || !strings.HasPrefix(from.UserAgent, "Mozilla/5.0") {
				t.Errorf("started from %+v, want the event's 203.0.113.24 and browser", from)
			}
			if data, _ := json.Marshal(body); strings.Contains(string(data), "203.0.113.24") || strings.Contains(string(data), "Mozilla") {
				t.Errorf("the answer holds the requester: %s", data)
			}
		},
	},
	"get-paper.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, q *quizAPI) map[string]string {
			tok := q.env.TokenFor(t, eventParticipant())
			res := q.start(t, tok, q.env.OpenRound().ID)
			res.Expect(t, http.StatusCreated, "")
			return map[string]string{"token": tok, "paperId": paperIDOf(t, res)}
		},
		check: func(t *testing.T, q *quizAPI, v map[string]string, body map[string]any) {
			if view := checkPaperView(t, q, body, q.env.OpenRound()); view.ID != v["paperId"] {
				t.Errorf("paper id = %s, want %s", view.ID, v["paperId"])
			}
		},
	},
	"list-my-papers.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, q *quizAPI) map[string]string {
			tok := q.env.TokenFor(t, eventParticipant())
			q.start(t, tok, q.env.OpenRound().ID).Expect(t, http.StatusCreated, "")
			return map[string]string{"token": tok, "roundId": q.env.OpenRound().ID}
		},
		check: func(t *testing.T, q *quizAPI, v map[string]string, body map[string]any) {
			papers, _ := body["papers"].([]any)
			ref := contest.PaperRef{RoundID: v["roundId"], ParticipantID: contest.ParticipantID(demo.ContestID, eventParticipant()), Attempt: 1}
			if body["round"] != v["roundId"] || len(papers) != 1 || papers[0].(map[string]any)["id"] != ref.ID() {
				t.Errorf("papers = %v, want the one paper %s", body, ref.ID())
			}
			checkNoKeyLeak(t, body, q.stored(t, ref.ID()).Key)
		},
	},
	"start-paper-no-token.json": {
		status: http.StatusUnauthorized, code: "token_missing",
		setup: func(t *testing.T, q *quizAPI) map[string]string {
			return map[string]string{"roundId": q.env.OpenRound().ID}
		},
	},
}

func TestEveryQuizEventHasAnExpectedOutcome(t *testing.T) {
	testenv.CheckURLEvents(t, eventsDir, quizEvents, nil)
}

func TestQuizEventsRunThroughTheHandler(t *testing.T) {
	testenv.RunEvents(t, eventsDir, quizEvents, "lambdaurl", func(t *testing.T, f string, want eventWant) {
		q := newQuizAPI(t, testenv.SeededContest(t).Demo)
		var values map[string]string
		if want.setup != nil {
			values = want.setup(t, q)
		}
		req := testenv.LoadEvent(t, f, values)
		status, headers, body := testenv.InvokeEvent(t, q.routes, req)
		obj := testenv.CheckURLAnswer(t, req, status, headers, body, want.status, want.code)
		if want.code == "" && want.check != nil {
			want.check(t, q, values, obj)
		}
	})
}
