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
		},
	},
	"get-paper.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, q *quizAPI) map[string]string {
			tok := q.env.TokenFor(t, eventParticipant())
			res := q.start(t, tok, q.env.OpenRound().ID)
			res.expect(t, http.StatusCreated, "")
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
			q.start(t, tok, q.env.OpenRound().ID).expect(t, http.StatusCreated, "")
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
	files := eventFiles(t)
	for _, f := range files {
		t.Run(filepath.Base(f)+" is a real Function URL event with an expected outcome", func(t *testing.T) {
			if _, ok := quizEvents[filepath.Base(f)]; !ok {
				t.Errorf("events/quiz/%s has no expected outcome in quizEvents: add one", filepath.Base(f))
			}
			checkEventShape(t, f)
		})
	}
	for name := range quizEvents {
		if !slices.Contains(files, filepath.Join(eventsDir, name)) {
			t.Errorf("quizEvents expects events/quiz/%s, which does not exist", name)
		}
	}
}

func TestQuizEventsRunThroughTheHandler(t *testing.T) {
	for _, f := range eventFiles(t) {
		name := filepath.Base(f)
		t.Run(name+" gives its expected answer through lambdaurl", func(t *testing.T) {
			want, ok := quizEvents[name]
			if !ok {
				t.Fatalf("events/quiz/%s has no expected outcome in quizEvents: add one", name)
			}
			q := newQuizAPI(t, testenv.SeededContest(t))
			var values map[string]string
			if want.setup != nil {
				values = want.setup(t, q)
			}
			req := loadEvent(t, f, values)
			status, headers, body := invokeEvent(t, q.routes, req)
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
				want.check(t, q, values, obj)
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
