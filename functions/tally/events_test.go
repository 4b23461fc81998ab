package main

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/results"
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
	// checkTick looks at a tick's result (and the state it left).
	checkTick func(t *testing.T, a *tallyAPI, res TickResult)
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
	"tick.json": {
		scheduled: true,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			a.pastTallyDelay()
			return nil
		},
		checkTick: func(t *testing.T, a *tallyAPI, res TickResult) {
			got := map[string]string{}
			for _, r := range res.Runs {
				got[r.Round] = r.Outcome
			}
			want := map[string]string{a.closedRound().ID: "published", a.closedCitizenRound().ID: "published"}
			if res.Contests != 1 || !maps.Equal(got, want) {
				t.Errorf("tick: %d contests, runs %v; want the demo's two closed rounds published", res.Contests, got)
			}
		},
	},
	"tally-on-demand.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			return map[string]string{"token": a.organiser(t), "roundId": a.closedRound().ID}
		},
		checkURL: func(t *testing.T, a *tallyAPI, v map[string]string, body []byte) {
			var res results.Answer
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
	"statistics.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			return map[string]string{"token": a.organiser(t), "roundId": a.closedRound().ID}
		},
		checkURL: func(t *testing.T, a *tallyAPI, v map[string]string, body []byte) {
			var st statisticsResponse
			if err := json.Unmarshal(body, &st); err != nil {
				t.Fatal(err)
			}
			if st.Round != v["roundId"] || st.Papers == 0 || len(st.Questions) == 0 {
				t.Errorf("round %s, %d papers, %d questions; want %s with papers and questions", st.Round, st.Papers, len(st.Questions), v["roundId"])
			}
		},
	},
	"integrity.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			return map[string]string{"token": a.organiser(t), "roundId": a.closedRound().ID}
		},
		checkURL: func(t *testing.T, a *tallyAPI, _ map[string]string, body []byte) {
			var rep map[string]json.RawMessage
			if err := json.Unmarshal(body, &rep); err != nil {
				t.Fatal(err)
			}
			if _, ok := rep["flags"]; !ok {
				t.Errorf("report %s has no flags", body)
			}
		},
	},
	"exclude-paper.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			return map[string]string{"token": a.organiser(t), "paperId": a.submittedPaper(t)}
		},
		checkURL: func(t *testing.T, a *tallyAPI, v map[string]string, body []byte) {
			var got console.PaperExclusion
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.PaperID != v["paperId"] || got.Excluded == nil || got.Excluded.By != "btc@"+demo.Domain || got.Excluded.Reason == "" {
				t.Errorf("answer %s, want %s excluded by the organiser with the reason", body, v["paperId"])
			}
		},
	},
	"include-paper.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			paper := a.submittedPaper(t)
			testenv.Call(t, a.routes, http.MethodPost, "/papers/"+paper+"/exclusion", a.organiser(t), map[string]string{"reason": "Làm bài quá nhanh"}).Expect(t, http.StatusOK, "")
			return map[string]string{"token": a.organiser(t), "paperId": paper}
		},
		checkURL: func(t *testing.T, a *tallyAPI, v map[string]string, body []byte) {
			var got console.PaperExclusion
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.PaperID != v["paperId"] || got.Excluded != nil {
				t.Errorf("answer %s, want %s ranked again", body, v["paperId"])
			}
		},
	},
}

// submittedPaper is the ID of a submitted paper of last week's staff round.
func (a *tallyAPI) submittedPaper(t *testing.T) string {
	t.Helper()
	listed, err := a.env.Store.ListSubmitted(context.Background(), demo.ContestID, a.closedRound().ID)
	if err != nil || len(listed) == 0 {
		t.Fatalf("submitted papers of %s: %d, %v", a.closedRound().ID, len(listed), err)
	}
	return listed[0].PaperID
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
				if !want.scheduled || (want.checkScheduled == nil && want.checkTick == nil) {
					t.Errorf("events/tally/%s is not a function URL event: tallyEvents must mark it scheduled with a check", name)
				}
				e := testenv.CheckScheduledEventShape(t, f)
				var d ScheduleDetail
				if err := json.Unmarshal(e.Detail, &d); err != nil || (d.Contest != demo.ContestID || d.Action != "tally") && (d.Contest != "" || d.Action != ActionTick) {
					t.Errorf("detail %s, want contest %s and action tally", e.Detail, demo.ContestID)
				}
			}
		})
	}
}

func TestTallyEventsRunThroughDispatch(t *testing.T) {
	testenv.RunEvents(t, eventsDir, tallyEvents, "funcurl.Dispatch", func(t *testing.T, f string, want eventWant) {
		a := newTallyAPI(t, nil)
		var values map[string]string
		if want.setup != nil {
			values = want.setup(t, a)
		}
		raw := testenv.FillEvent(t, f, values)
		out := testenv.Dispatch(t, funcurl.Dispatch(a.routes, a.h.HandleEvent), raw)
		if want.checkTick != nil {
			res, ok := out.(TickResult)
			if !ok {
				t.Fatalf("result is %T, want TickResult", out)
			}
			want.checkTick(t, a, res)
			return
		}
		if want.scheduled {
			res, ok := out.(ScheduleResult)
			if !ok {
				t.Fatalf("result is %T, want ScheduleResult", out)
			}
			want.checkScheduled(t, a, res)
			return
		}
		if want.status == 0 {
			t.Fatalf("events/tally/%s has no expected status in tallyEvents", filepath.Base(f))
		}
		body := testenv.CheckStreamedAnswer(t, out, raw, want.status, want.code)
		if want.code == "" && want.checkURL != nil {
			want.checkURL(t, a, values, body)
		}
	})
}
