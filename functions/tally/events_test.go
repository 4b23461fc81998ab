package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the tally function's sample events (events/tally/*.json).
const eventsDir = "../../events/tally"

// eventWant is what running one sample event must give. A function URL event
// names its status (and error code); a scheduled event sets scheduled.
type eventWant struct {
	status    int
	code      string // the error code; "" for a success
	scheduled bool
	// setup prepares the state the event needs and returns its placeholder values.
	setup func(t *testing.T, a *tallyAPI) map[string]string
	// checkURL looks at a function URL success body (and the state it left).
	checkURL func(t *testing.T, a *tallyAPI, values map[string]string, body []byte)
	// checkScheduled looks at a scheduled event's result (and the state it left).
	checkScheduled func(t *testing.T, a *tallyAPI, res ScheduleResult)
}

// tallyEvents is the expected outcome of every file in events/tally: a file
// without an entry fails the tests.
var tallyEvents = map[string]eventWant{
	"scheduled.json": {
		scheduled: true,
		checkScheduled: func(t *testing.T, a *tallyAPI, res ScheduleResult) {
			got := outcomes(res)
			for i, r := range demo.Rounds(a.env.Now) {
				if want := []string{"published", "published", "open", "open", "upcoming", "upcoming"}[i]; got[r.ID] != want {
					t.Errorf("round %s: outcome %q, want %q", r.ID, got[r.ID], want)
				}
			}
			if files := names(a.published(t, a.closedRound().ID)); !slices.Equal(files, artefactNames) {
				t.Errorf("closed round's objects %v, want %v", files, artefactNames)
			}
			if objs := a.objects(t, blob.ResultsPrefix(demo.ContestID, a.openRound().ID)); len(objs) != 0 {
				t.Errorf("open round's objects %v, want none", objs)
			}
		},
	},
	"tally-on-demand.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			return map[string]string{"token": a.organiser(t), "roundId": a.closedRound().ID}
		},
		checkURL: func(t *testing.T, a *tallyAPI, v map[string]string, body []byte) {
			var res tallyResponse
			if err := json.Unmarshal(body, &res); err != nil {
				t.Fatal(err)
			}
			if !res.Published || res.Result.Round.ID != v["roundId"] || !res.Result.Final {
				t.Errorf("published %v final %v round %s, want true true %s", res.Published, res.Result.Final, res.Result.Round.ID, v["roundId"])
			}
			if files := names(a.published(t, v["roundId"])); !slices.Equal(files, artefactNames) {
				t.Errorf("objects %v, want %v", files, artefactNames)
			}
		},
	},
	"bank-history.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			a.schedule(t)
			return map[string]string{"token": a.organiser(t)}
		},
		checkURL: func(t *testing.T, a *tallyAPI, _ map[string]string, body []byte) {
			var got historyResponse
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			staff := a.closedRound().BankID
			i := slices.IndexFunc(got.Banks, func(b bankHistory) bool {
				return b.BankID == staff
			})
			if i < 0 || len(got.Banks[i].Rounds) != 1 || len(got.Banks[i].Questions) == 0 {
				t.Errorf("%d banks, want %s with the published round and its questions", len(got.Banks), staff)
			}
		},
	},
}

func TestEveryTallyEventHasAnExpectedOutcome(t *testing.T) {
	files := testenv.EventFiles(t, eventsDir)
	testenv.CheckOutcomes(t, eventsDir, files, tallyEvents)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name+" is a real event with an expected outcome", func(t *testing.T) {
			want, ok := tallyEvents[name]
			if !ok {
				t.Fatalf("events/tally/%s has no expected outcome in tallyEvents: add one", name)
			}
			if testenv.IsURLEvent(t, f) {
				if want.scheduled || want.status == 0 {
					t.Errorf("events/tally/%s is a function URL event: tallyEvents must give its status", name)
				}
				// every tally request needs a session, but the banner's public figure
				if req := testenv.CheckEventShape(t, f); !strings.HasPrefix(req.Headers["authorization"], "Bearer {{token}}") {
					t.Errorf("authorization %q, want the {{token}} placeholder", req.Headers["authorization"])
				}
			} else {
				if !want.scheduled || want.checkScheduled == nil {
					t.Errorf("events/tally/%s is not a function URL event: tallyEvents must mark it scheduled with a check", name)
				}
				e := testenv.CheckScheduledEventShape(t, f)
				var d ScheduleDetail
				if err := json.Unmarshal(e.Detail, &d); err != nil || d.Contest != demo.ContestID || d.Action != "tally" {
					t.Errorf("detail %s, want contest %s and action tally", e.Detail, demo.ContestID)
				}
			}
		})
	}
}

func TestTallyEventsRunThroughDispatch(t *testing.T) {
	for _, f := range testenv.EventFiles(t, eventsDir) {
		name := filepath.Base(f)
		t.Run(name+" gives its expected answer through funcurl.Dispatch", func(t *testing.T) {
			want, ok := tallyEvents[name]
			if !ok {
				t.Fatalf("events/tally/%s has no expected outcome in tallyEvents: add one", name)
			}
			a := newTallyAPI(t, nil)
			var values map[string]string
			if want.setup != nil {
				values = want.setup(t, a)
			}
			raw := testenv.FillEvent(t, f, values)
			out := testenv.Dispatch(t, funcurl.Dispatch(a.routes, a.h.HandleEvent), raw)
			if want.scheduled {
				res, ok := out.(ScheduleResult)
				if !ok {
					t.Fatalf("result is %T, want ScheduleResult", out)
				}
				want.checkScheduled(t, a, res)
				return
			}
			if want.status == 0 {
				t.Fatalf("events/tally/%s has no expected status in tallyEvents", name)
			}
			body := testenv.CheckStreamedAnswer(t, out, raw, want.status, want.code)
			if want.code == "" && want.checkURL != nil {
				want.checkURL(t, a, values, body)
			}
		})
	}
}
