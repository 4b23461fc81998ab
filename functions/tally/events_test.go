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

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/funcurl"
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

// eventUnit is the unit whose admin fills {{token}} in participation.json.
const eventUnit = "so-tu-phap"

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
	"participation.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *tallyAPI) map[string]string {
			return map[string]string{"token": a.env.TokenFor(t, unitAdmin(eventUnit).Email), "roundId": a.closedRound().ID, "unitId": eventUnit}
		},
		checkURL: func(t *testing.T, a *tallyAPI, v map[string]string, body []byte) {
			var got participation
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Unit.ID != eventUnit || got.Round != v["roundId"] {
				t.Errorf("unit %s round %s, want %s %s", got.Unit.ID, got.Round, eventUnit, v["roundId"])
			}
			if n := len(got.TakenPart) + len(got.NotTakenPart); n != len(rosterOf(eventUnit)) {
				t.Errorf("%d people listed, want the roster's %d", n, len(rosterOf(eventUnit)))
			}
		},
	},
}

func TestEveryTallyEventHasAnExpectedOutcome(t *testing.T) {
	files := eventFiles(t)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name+" is a real event with an expected outcome", func(t *testing.T) {
			want, ok := tallyEvents[name]
			if !ok {
				t.Fatalf("events/tally/%s has no expected outcome in tallyEvents: add one", name)
			}
			if isURLEvent(t, f) {
				if want.scheduled || want.status == 0 {
					t.Errorf("events/tally/%s is a function URL event: tallyEvents must give its status", name)
				}
				checkURLEventShape(t, f)
			} else {
				if !want.scheduled || want.checkScheduled == nil {
					t.Errorf("events/tally/%s is not a function URL event: tallyEvents must mark it scheduled with a check", name)
				}
				checkScheduledEventShape(t, f)
			}
		})
	}
	for name := range tallyEvents {
		if !slices.Contains(files, filepath.Join(eventsDir, name)) {
			t.Errorf("tallyEvents expects events/tally/%s, which does not exist", name)
		}
	}
}

func TestTallyEventsRunThroughDispatch(t *testing.T) {
	for _, f := range eventFiles(t) {
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
			raw := fillEvent(t, f, values)
			var probe struct {
				RequestContext struct {
					RequestID string `json:"requestId"`
				} `json:"requestContext"`
			}
			_ = json.Unmarshal(raw, &probe)
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: probe.RequestContext.RequestID})
			out, err := funcurl.Dispatch(a.routes, a.h.HandleEvent)(ctx, raw)
			if err != nil {
				t.Fatalf("invoke: %v", err)
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
				t.Fatalf("events/tally/%s has no expected status in tallyEvents", name)
			}
			resp, ok := out.(*events.LambdaFunctionURLStreamingResponse)
			if !ok {
				t.Fatalf("result is %T, want *events.LambdaFunctionURLStreamingResponse", out)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("read streamed body: %v", err)
			}
			if resp.StatusCode != want.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, want.status, body)
			}
			if got := resp.Headers["Content-Type"]; !strings.HasPrefix(got, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			if got := resp.Headers["X-Request-Id"]; got != probe.RequestContext.RequestID {
				t.Errorf("X-Request-Id = %q, want the Lambda request id %q", got, probe.RequestContext.RequestID)
			}
			var obj map[string]any
			if err := json.Unmarshal(body, &obj); err != nil {
				t.Fatalf("body is not a JSON object: %v: %s", err, body)
			}
			e, isErr := obj["error"].(map[string]any)
			switch {
			case want.code == "" && isErr:
				t.Fatalf("got error %v, want a success", e)
			case want.code != "" && (!isErr || e["code"] != want.code):
				t.Fatalf("body %s, want error code %q", body, want.code)
			}
			if want.code == "" && want.checkURL != nil {
				want.checkURL(t, a, values, body)
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

// fillEvent reads an event file and fills its {{placeholders}}.
func fillEvent(t *testing.T, path string, values map[string]string) json.RawMessage {
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
	return raw
}

// isURLEvent reports whether a file is a function URL request (it has an
// HTTP method in its request context), as funcurl.Dispatch decides.
func isURLEvent(t *testing.T, path string) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var probe struct {
		RequestContext struct {
			HTTP struct {
				Method string `json:"method"`
			} `json:"http"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		t.Fatalf("%s is not JSON: %v", path, err)
	}
	return probe.RequestContext.HTTP.Method != ""
}

// checkURLEventShape checks that a file is shaped like a real Lambda function
// URL request event: only known fields, consistent path, host and ids.
func checkURLEventShape(t *testing.T, path string) {
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
	m := regexp.MustCompile(`^([a-z0-9]{32})\.lambda-url\.ap-southeast-1\.on\.aws$`).FindStringSubmatch(rc.DomainName)
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
	case rc.HTTP.SourceIP != e.Headers["x-forwarded-for"]:
		t.Errorf("sourceIp %q, x-forwarded-for %q: want the same client", rc.HTTP.SourceIP, e.Headers["x-forwarded-for"])
	case rc.RequestID == "" || rc.TimeEpoch == 0:
		t.Errorf("requestId %q, timeEpoch %d: want both set", rc.RequestID, rc.TimeEpoch)
	case e.IsBase64Encoded:
		t.Errorf("isBase64Encoded = true, want plain-text bodies")
	case rc.HTTP.Method == http.MethodGet && e.Body != "":
		t.Errorf("GET with body %q, want none", e.Body)
	case !strings.HasPrefix(e.Headers["authorization"], "Bearer {{token}}"):
		t.Errorf("authorization %q, want the {{token}} placeholder", e.Headers["authorization"])
	}
	if ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", rc.Time); err != nil || ts.Unix() != rc.TimeEpoch/1000 {
		t.Errorf("time %q does not match timeEpoch %d (%v)", rc.Time, rc.TimeEpoch, err)
	}
	for k := range e.Headers {
		if k != strings.ToLower(k) {
			t.Errorf("header %q: function URL events carry lower-case header names", k)
		}
	}
}

// checkScheduledEventShape checks that a file is an EventBridge Scheduler
// event for the weekly tally.
func checkScheduledEventShape(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e events.EventBridgeEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("not an EventBridgeEvent: %v", err)
	}
	var d ScheduleDetail
	if err := json.Unmarshal(e.Detail, &d); err != nil {
		t.Fatalf("detail %s: %v", e.Detail, err)
	}
	switch {
	case e.Version != "0" || e.ID == "" || e.AccountID == "" || e.Region == "":
		t.Errorf("version %q id %q account %q region %q: want an EventBridge envelope", e.Version, e.ID, e.AccountID, e.Region)
	case e.Source != "aws.scheduler" || e.DetailType != "Scheduled Event":
		t.Errorf("source %q detail-type %q, want aws.scheduler and Scheduled Event", e.Source, e.DetailType)
	case len(e.Resources) != 1 || !strings.HasPrefix(e.Resources[0], "arn:aws:scheduler:"+e.Region+":"+e.AccountID+":schedule/"):
		t.Errorf("resources %v, want the schedule's ARN in the event's region and account", e.Resources)
	case e.Time.IsZero():
		t.Errorf("time is missing")
	case d.Contest != demo.ContestID || d.Action != "tally":
		t.Errorf("detail %+v, want contest %s and action tally", d, demo.ContestID)
	}
}
