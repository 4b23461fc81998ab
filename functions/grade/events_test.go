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
			if s := g.stored(t, p.ID()); s.Status != contest.PaperSubmitted || s.Result == nil || s.Result.Correct != want {
				t.Errorf("stored paper %s, result %+v: want submitted with %d correct", s.Status, s.Result, want)
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

func TestEveryGradeEventHasAnExpectedOutcome(t *testing.T) {
	files := eventFiles(t)
	for _, f := range files {
		t.Run(filepath.Base(f)+" is a real Function URL event with an expected outcome", func(t *testing.T) {
			if _, ok := gradeEvents[filepath.Base(f)]; !ok {
				t.Errorf("events/grade/%s has no expected outcome in gradeEvents: add one", filepath.Base(f))
			}
			checkEventShape(t, f)
		})
	}
	for name := range gradeEvents {
		if !slices.Contains(files, filepath.Join(eventsDir, name)) {
			t.Errorf("gradeEvents expects events/grade/%s, which does not exist", name)
		}
	}
}

func TestGradeEventsRunThroughTheHandler(t *testing.T) {
	for _, f := range eventFiles(t) {
		name := filepath.Base(f)
		t.Run(name+" gives its expected answer through lambdaurl", func(t *testing.T) {
			want, ok := gradeEvents[name]
			if !ok {
				t.Fatalf("events/grade/%s has no expected outcome in gradeEvents: add one", name)
			}
			g := newGradeAPI(t, testenv.SeededContest(t))
			roster := demo.Roster()
			p, tok := g.newPaper(t, roster[0].Email, g.clock.Now().Add(-2*time.Minute))
			values := map[string]string{
				"token": tok, "otherToken": g.env.TokenFor(t, roster[1].Email),
				"paperId": p.ID(), "questionId": p.Items[0].QuestionID,
			}
			req := loadEvent(t, f, values)
			status, headers, body := invokeEvent(t, g.routes, req)
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
			if want.check != nil {
				want.check(t, g, p, obj)
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
