package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the auth function's sample events (events/auth/*.json).
const eventsDir = "../../events/auth"

// eventEnv is a fresh seeded contest with an auth handler for one event file.
type eventEnv struct {
	contest *authEnv
	outbox  queue
	clock   *testClock
	routes  http.Handler
}

// eventWant is what running one sample event must give.
type eventWant struct {
	status int
	code   string // the error code; "" for a success
	// setup prepares the state the event needs (after placeholders are filled).
	setup func(t *testing.T, env *eventEnv, req *events.LambdaFunctionURLRequest)
	// check looks at a success body (and the state it left).
	check func(t *testing.T, env *eventEnv, req *events.LambdaFunctionURLRequest, body map[string]any)
}

// authEvents is the expected outcome of every file in events/auth: a file
// without an entry fails the tests.
var authEvents = map[string]eventWant{
	"request-code.json": {
		status: http.StatusAccepted,
		check: func(t *testing.T, env *eventEnv, req *events.LambdaFunctionURLRequest, body map[string]any) {
			email := eventField(t, req, "email")
			if got, want := body["sentTo"], email[:2]+"***"+email[strings.IndexByte(email, '@'):]; got != want {
				t.Errorf("sentTo = %v, want %v", got, want)
			}
			if got := body["resendAfterSeconds"]; got != float64(60) {
				t.Errorf("resendAfterSeconds = %v, want 60", got)
			}
			exp, err := time.Parse(time.RFC3339, stringOf(body["expiresAt"]))
			if err != nil || exp.Sub(env.clock.Now()) < signin.CodeTTL-time.Minute || exp.Sub(env.clock.Now()) > signin.CodeTTL {
				t.Errorf("expiresAt = %v (%v), want about CodeTTL after %v", body["expiresAt"], err, env.clock.Now())
			}
			msgs := readOutbox(t, env.outbox)
			if len(msgs) != 1 || msgs[0].To != email || len(msgs[0].Code) != 6 {
				t.Fatalf("outbox = %+v, want one code sent to %s", msgs, email)
			}
		},
	},
	"request-code-not-eligible.json": {
		status: http.StatusForbidden, code: "not_eligible",
	},
	"create-session-wrong-code.json": {
		status: http.StatusUnauthorized, code: "code_wrong",
		// A code must exist for the e-mail, and differ from the one in the event.
		setup: func(t *testing.T, env *eventEnv, req *events.LambdaFunctionURLRequest) {
			email, sent := eventField(t, req, "email"), eventField(t, req, "code")
			for range 3 {
				res := testenv.Call(t, env.routes, http.MethodPost, "/codes", "", map[string]string{"contest": demo.ContestID, "email": email})
				if res.Status != http.StatusAccepted {
					t.Fatalf("request a code first: %d %s", res.Status, res.Body)
				}
				if msgs := readOutbox(t, env.outbox); msgs[len(msgs)-1].Code != sent {
					return
				}
				env.clock.Advance(61 * time.Second) // the real code happens to be the event's: ask again
			}
			t.Fatal("could not get a code different from the event's")
		},
	},
	"request-code-malformed.json": {
		status: http.StatusBadRequest, code: "invalid_json",
	},
	"signup-form.json": {
		status: http.StatusOK,
		check: func(t *testing.T, env *eventEnv, req *events.LambdaFunctionURLRequest, body map[string]any) {
			if wards, ok := body["wards"].([]any); !ok || len(wards) == 0 {
				t.Errorf("wards = %v, want the demo's wards", body["wards"])
			}
		},
	},
}

func TestEveryAuthEventHasAnExpectedOutcome(t *testing.T) {
	testenv.CheckURLEvents(t, eventsDir, authEvents, nil)
}

func TestAuthEventsRunThroughTheHandler(t *testing.T) {
	testenv.RunEvents(t, eventsDir, authEvents, "lambdaurl", func(t *testing.T, f string, want eventWant) {
		c := seeded(t)
		env := &eventEnv{contest: c, outbox: newQueue(), clock: testenv.NewClock(c.Now)}
		env.routes = NewHandler(queueing{c.Store, env.outbox}, c.Signer, c.Key, demo.ContestID, env.clock.Now, testenv.Logger()).Routes()

		req := testenv.LoadEvent(t, f, nil)
		if want.setup != nil {
			want.setup(t, env, req)
		}
		status, headers, body := testenv.InvokeEvent(t, env.routes, req)
		obj := testenv.CheckURLAnswer(t, req, status, headers, body, want.status, want.code)
		if want.code == "" && want.check != nil {
			want.check(t, env, req, obj)
		}
		if want.code != "" && want.status != http.StatusUnauthorized {
			if msgs := readOutbox(t, env.outbox); len(msgs) != 0 {
				t.Errorf("a refused request sent %d e-mails", len(msgs))
			}
		}
	})
}

func eventField(t *testing.T, req *events.LambdaFunctionURLRequest, field string) string {
	t.Helper()
	var body map[string]string
	if err := json.Unmarshal([]byte(req.Body), &body); err != nil || body[field] == "" {
		t.Fatalf("event body %q has no %q: %v", req.Body, field, err)
	}
	return body[field]
}

func stringOf(v any) string { s, _ := v.(string); return s }
