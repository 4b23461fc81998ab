package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the units function's sample events (events/units/*.json).
const eventsDir = "../../events/units"

// eventUnit is the unit whose admin fills {{token}} in participation.json.
const eventUnit = "so-tu-phap"

// eventWant is what running one sample event must give.
type eventWant struct {
	status int
	code   string // the error code; "" for a success
	// setup prepares the state the event needs and returns its placeholder values.
	setup func(t *testing.T, a *unitsAPI) map[string]string
	// check looks at a success body.
	check func(t *testing.T, a *unitsAPI, values map[string]string, body []byte)
}

// unitsEvents is the expected outcome of every file in events/units: a file
// without an entry fails the tests.
var unitsEvents = map[string]eventWant{
	"unit-this-week.json": {
		status: http.StatusOK,
		check: func(t *testing.T, a *unitsAPI, _ map[string]string, body []byte) {
			var got thisWeekResponse
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Unit.ID != "phuong-kim-long" || got.Round.ID != demo.Rounds(a.env.Now)[2].ID || got.Headcount != 8 {
				t.Errorf("this week = %+v", got)
			}
		},
	},
	"participation.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *unitsAPI) map[string]string {
			return map[string]string{"token": a.env.TokenFor(t, unitAdmin(eventUnit).Email), "roundId": a.closedRound().ID, "unitId": eventUnit}
		},
		check: func(t *testing.T, a *unitsAPI, v map[string]string, body []byte) {
			var got participationAnswer
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Unit.ID != eventUnit || got.Round != v["roundId"] {
				t.Errorf("unit %s round %s, want %s %s", got.Unit.ID, got.Round, eventUnit, v["roundId"])
			}
			if n := len(got.TakenPart) + len(got.InProgress) + len(got.NotTakenPart); n != len(rosterOf(eventUnit)) {
				t.Errorf("%d people listed, want the roster's %d", n, len(rosterOf(eventUnit)))
			}
		},
	},
}

func TestEveryUnitsEventIsAFunctionURLRequestWithAnExpectedOutcome(t *testing.T) {
	files := testenv.EventFiles(t, eventsDir)
	testenv.CheckOutcomes(t, eventsDir, files, unitsEvents)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name+" is a function URL request, signed in but for the banner's public figure", func(t *testing.T) {
			if !testenv.IsURLEvent(t, f) {
				t.Fatalf("events/units/%s is not a function URL event: the units function takes no other", name)
			}
			if req := testenv.CheckEventShape(t, f); name != "unit-this-week.json" && !strings.HasPrefix(req.Headers["authorization"], "Bearer {{token}}") {
				t.Errorf("authorization %q, want the {{token}} placeholder", req.Headers["authorization"])
			}
		})
	}
}

func TestUnitsEventsRunThroughDispatch(t *testing.T) {
	testenv.RunEvents(t, eventsDir, unitsEvents, "funcurl.Dispatch", func(t *testing.T, f string, want eventWant) {
		a := newUnitsAPI(t)
		var values map[string]string
		if want.setup != nil {
			values = want.setup(t, a)
		}
		raw := testenv.FillEvent(t, f, values)
		out := testenv.Dispatch(t, funcurl.Dispatch(a.routes, nil), raw)
		body := testenv.CheckStreamedAnswer(t, out, raw, want.status, want.code)
		if want.code == "" && want.check != nil {
			want.check(t, a, values, body)
		}
	})
}
