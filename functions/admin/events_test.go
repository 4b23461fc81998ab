package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the admin function's sample events (events/admin/*.json).
const eventsDir = "../../events/admin"

// eventWant is what running one sample event must give.
type eventWant struct {
	status int
	code   string // the error code; "" for a success
	// token is whose session fills {{token}}.
	token func(t *testing.T, a *adminAPI) string
	check func(t *testing.T, body []byte)
}

// adminEvents is the expected outcome of every file in events/admin: a file
// without an entry fails the tests.
var adminEvents = map[string]eventWant{
	"audit.json": {status: http.StatusOK,
		token: func(t *testing.T, a *adminAPI) string { return a.token },
		check: func(t *testing.T, body []byte) {
			var got struct {
				Entries []console.AuditEntry `json:"entries"`
			}
			if err := json.Unmarshal(body, &got); err != nil || got.Entries == nil {
				t.Errorf("body %s: %v", body, err)
			}
		}},
	"rounds.json": {status: http.StatusOK,
		token: func(t *testing.T, a *adminAPI) string { return a.token },
		check: func(t *testing.T, body []byte) {
			var got struct {
				Rounds []console.Round `json:"rounds"`
				Banks  []console.Bank  `json:"banks"`
			}
			if err := json.Unmarshal(body, &got); err != nil || len(got.Rounds) == 0 || len(got.Banks) == 0 {
				t.Errorf("body %s: %v", body, err)
			}
		}},
	"template-unit-admin.json": {status: http.StatusForbidden, code: "organiser_only",
		token: func(t *testing.T, a *adminAPI) string { return a.env.TokenFor(t, a.env.Accounts.UnitAdmin[0]) }},
}

func TestEveryAdminEventHasAnExpectedOutcome(t *testing.T) {
	testenv.CheckURLEvents(t, eventsDir, adminEvents, func(t *testing.T, req *events.LambdaFunctionURLRequest) {
		if !strings.HasPrefix(req.Headers["authorization"], "Bearer {{token}}") {
			t.Errorf("authorization %q, want the {{token}} placeholder, for a session", req.Headers["authorization"])
		}
	})
}

func TestAdminEventsRunThroughDispatch(t *testing.T) {
	testenv.RunEvents(t, eventsDir, adminEvents, "funcurl.Dispatch", func(t *testing.T, f string, want eventWant) {
		a := newAdminAPI(t)
		raw := testenv.FillEvent(t, f, map[string]string{"token": want.token(t, a)})
		out := testenv.Dispatch(t, funcurl.Dispatch(a.routes, nil), raw)
		body := testenv.CheckStreamedAnswer(t, out, raw, want.status, want.code)
		if want.code == "" && want.check != nil {
			want.check(t, body)
		}
	})
}
