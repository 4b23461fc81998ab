package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-lambda-go/lambdaurl"

	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the auth function's sample events (events/auth/*.json).
const eventsDir = "../../events/auth"

// eventEnv is a fresh seeded contest with an auth handler for one event file.
type eventEnv struct {
	contest *testenv.Contest
	outbox  mail.Outbox
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
			if err != nil || exp.Sub(env.clock.Now()) < 9*time.Minute || exp.Sub(env.clock.Now()) > 10*time.Minute {
				t.Errorf("expiresAt = %v (%v), want about 10 minutes after %v", body["expiresAt"], err, env.clock.Now())
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
				res := callAPI(t, env.routes, http.MethodPost, "/codes", "", map[string]string{"contest": demo.ContestID, "email": email})
				if res.status != http.StatusAccepted {
					t.Fatalf("request a code first: %d %s", res.status, res.raw)
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
}

func TestEveryAuthEventHasAnExpectedOutcome(t *testing.T) {
	files := eventFiles(t)
	for _, f := range files {
		t.Run(filepath.Base(f)+" is a real Function URL event with an expected outcome", func(t *testing.T) {
			if _, ok := authEvents[filepath.Base(f)]; !ok {
				t.Errorf("events/auth/%s has no expected outcome in authEvents: add one", filepath.Base(f))
			}
			checkEventShape(t, f)
		})
	}
	for name := range authEvents {
		if !slices.Contains(files, filepath.Join(eventsDir, name)) {
			t.Errorf("authEvents expects events/auth/%s, which does not exist", name)
		}
	}
}

func TestAuthEventsRunThroughTheHandler(t *testing.T) {
	for _, f := range eventFiles(t) {
		name := filepath.Base(f)
		t.Run(name+" gives its expected answer through lambdaurl", func(t *testing.T) {
			want, ok := authEvents[name]
			if !ok {
				t.Fatalf("events/auth/%s has no expected outcome in authEvents: add one", name)
			}
			c := testenv.SeededContest(t)
			env := &eventEnv{contest: c, outbox: mail.Outbox{Dir: t.TempDir()}, clock: newTestClock(c.Now)}
			env.routes = NewHandler(c.Store, env.outbox, c.Signer, c.Key, demo.ContestID, env.clock.Now, testenv.Logger()).Routes()

			req := loadEvent(t, f, nil)
			if want.setup != nil {
				want.setup(t, env, req)
			}
			status, headers, body := invokeEvent(t, env.routes, req)
			if status != want.status {
				t.Fatalf("status = %d, want %d; body %s", status, want.status, body)
			}
			if got := headers["Content-Type"]; !strings.HasPrefix(got, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			if got := headers["X-Request-Id"]; got != req.RequestContext.RequestID {
				t.Errorf("X-Request-Id = %q, want the Lambda request id %q", got, req.RequestContext.RequestID)
			}
			var obj map[string]any
			if err := json.Unmarshal(body, &obj); err != nil {
				t.Fatalf("body is not a JSON object: %v: %s", err, body)
			}
			checkErrorShape(t, obj, want.code)
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
}

func eventFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no sample events in %s", eventsDir)
	}
	return files
}

var placeholder = regexp.MustCompile(`\{\{[A-Za-z]+\}\}`)

// loadEvent reads an event file, fills its {{placeholders}} and decodes it.
func loadEvent(t *testing.T, path string, values map[string]string) *events.LambdaFunctionURLRequest {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		raw = bytes.ReplaceAll(raw, []byte("{{"+k+"}}"), []byte(v))
	}
	if left := placeholder.FindAll(raw, -1); len(left) > 0 {
		t.Fatalf("%s: placeholders left unfilled: %s", path, bytes.Join(left, []byte(", ")))
	}
	var req events.LambdaFunctionURLRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &req
}

// invokeEvent runs the event as Lambda would (lambdaurl, with the request id
// in the Lambda context) and reads the streamed response.
func invokeEvent(t *testing.T, h http.Handler, req *events.LambdaFunctionURLRequest) (int, map[string]string, []byte) {
	t.Helper()
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: req.RequestContext.RequestID})
	resp, err := lambdaurl.Wrap(h)(ctx, req)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read streamed body: %v", err)
	}
	return resp.StatusCode, resp.Headers, body
}

// checkEventShape checks that a file is shaped like a real Lambda Function URL
// request event: only known fields, and consistent path, host and ids.
func checkEventShape(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The library's type lacks routeKey and stage, which real events carry.
	var e struct {
		events.LambdaFunctionURLRequest
		RequestContext struct {
			events.LambdaFunctionURLRequestContext
			RouteKey string `json:"routeKey"`
			Stage    string `json:"stage"`
		} `json:"requestContext"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("not a LambdaFunctionURLRequest: %v", err)
	}
	rc := e.RequestContext
	domainRe := regexp.MustCompile(`^([a-z0-9]{32})\.lambda-url\.ap-southeast-1\.on\.aws$`)
	m := domainRe.FindStringSubmatch(rc.DomainName)
	switch {
	case e.Version != "2.0":
		t.Errorf("version = %q, want 2.0", e.Version)
	case e.RawPath == "" || e.RawPath != rc.HTTP.Path:
		t.Errorf("rawPath %q and requestContext.http.path %q differ", e.RawPath, rc.HTTP.Path)
	case rc.AccountID != "anonymous":
		t.Errorf("accountId = %q, want anonymous (function URL with auth NONE)", rc.AccountID)
	case m == nil || m[1] != rc.APIID || rc.DomainPrefix != rc.APIID:
		t.Errorf("domainName %q, domainPrefix %q and apiId %q do not agree", rc.DomainName, rc.DomainPrefix, rc.APIID)
	case e.Headers["host"] != rc.DomainName:
		t.Errorf("host header %q, want %q", e.Headers["host"], rc.DomainName)
	case rc.RouteKey != "$default" || rc.Stage != "$default":
		t.Errorf("routeKey %q, stage %q, want $default", rc.RouteKey, rc.Stage)
	case rc.HTTP.Protocol != "HTTP/1.1" || rc.HTTP.SourceIP == "" || rc.HTTP.UserAgent != e.Headers["user-agent"]:
		t.Errorf("requestContext.http = %+v does not match the headers", rc.HTTP)
	case rc.RequestID == "" || rc.TimeEpoch == 0:
		t.Errorf("requestId %q, timeEpoch %d: want both set", rc.RequestID, rc.TimeEpoch)
	case e.IsBase64Encoded:
		t.Errorf("isBase64Encoded = true, want plain-text bodies")
	}
	if ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", rc.Time); err != nil || ts.UnixMilli()/1000 != rc.TimeEpoch/1000 {
		t.Errorf("time %q does not match timeEpoch %d (%v)", rc.Time, rc.TimeEpoch, err)
	}
	for k := range e.Headers {
		if k != strings.ToLower(k) {
			t.Errorf("header %q: Function URL events carry lower-case header names", k)
		}
	}
	if (e.Body != "") != (rc.HTTP.Method != http.MethodGet) {
		t.Errorf("%s with body %q: want a body exactly when the method sends one", rc.HTTP.Method, e.Body)
	}
	if q := e.RawQueryString; q != "" {
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if e.QueryStringParameters[k] != v {
				t.Errorf("queryStringParameters[%q] = %q, want %q from rawQueryString", k, e.QueryStringParameters[k], v)
			}
		}
	}
}

// checkErrorShape checks a body against the standard error shape when code is
// set, or that it is not an error otherwise.
func checkErrorShape(t *testing.T, body map[string]any, code string) {
	t.Helper()
	e, isErr := body["error"].(map[string]any)
	if code == "" {
		if isErr {
			t.Fatalf("got error %v, want a success", e)
		}
		return
	}
	if !isErr {
		t.Fatalf("body %v has no error object, want code %q", body, code)
	}
	if got := e["code"]; got != code {
		t.Errorf("error code = %v, want %q", got, code)
	}
	if msg, _ := e["message"].(string); msg == "" {
		t.Errorf("error %v has no message for the participant", e)
	}
	if len(body) != 1 {
		t.Errorf("error body %v has fields besides \"error\"", body)
	}
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
