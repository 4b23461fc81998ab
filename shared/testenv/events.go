package testenv

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

	"github.com/hoithi/hoithi/shared/funcurl"
)

// Sample events (events/<function>/*.json) are test fixtures: these helpers
// list them, fill their {{placeholders}}, check their shape against real
// Function URL events, and run them through a handler's Lambda adapter.

// EventFiles lists the sample events in dir; none is an error.
func EventFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no sample events in %s", dir)
	}
	return files
}

// CheckOutcomes checks a test's table of expected outcomes against the sample
// events: every file of files (from dir) has an entry, and every entry a file.
func CheckOutcomes[V any](t *testing.T, dir string, files []string, outcomes map[string]V) {
	t.Helper()
	for _, f := range files {
		if _, ok := outcomes[filepath.Base(f)]; !ok {
			t.Errorf("%s has no expected outcome in the test's table: add one", f)
		}
	}
	for name := range outcomes {
		if !slices.Contains(files, filepath.Join(dir, name)) {
			t.Errorf("the test's table expects %s, which does not exist", filepath.Join(dir, name))
		}
	}
}

var placeholder = regexp.MustCompile(`\{\{[A-Za-z]+\}\}`)

// FillEvent reads an event file and fills its {{placeholders}}; one left
// unfilled fails the test.
func FillEvent(t *testing.T, path string, values map[string]string) json.RawMessage {
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

// LoadEvent reads an event file, fills its {{placeholders}} and decodes it.
func LoadEvent(t *testing.T, path string, values map[string]string) *events.LambdaFunctionURLRequest {
	t.Helper()
	raw := FillEvent(t, path, values)
	var req events.LambdaFunctionURLRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &req
}

// InvokeEvent runs the event as Lambda would (lambdaurl, with the request id
// in the Lambda context) and reads the streamed response.
func InvokeEvent(t *testing.T, h http.Handler, req *events.LambdaFunctionURLRequest) (int, map[string]string, []byte) {
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

// IsURLEvent reports whether a file is a function URL request (it has an HTTP
// method in its request context), as funcurl.Dispatch decides.
func IsURLEvent(t *testing.T, path string) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(raw) {
		t.Fatalf("%s is not JSON", path)
	}
	return funcurl.IsURLEvent(raw)
}

// Dispatch invokes raw through a function's Lambda entry point (for example
// funcurl.Dispatch) with its request id, if it has one, in the Lambda context.
func Dispatch(t *testing.T, invoke func(context.Context, json.RawMessage) (any, error), raw json.RawMessage) any {
	t.Helper()
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: funcurl.RequestID(raw)})
	out, err := invoke(ctx, raw)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	return out
}

// CheckStreamedAnswer checks a dispatched function URL answer: a streamed
// JSON object with the status, the request id of raw, and the error code
// (or none when code is ""). It returns the body.
func CheckStreamedAnswer(t *testing.T, out any, raw json.RawMessage, status int, code string) []byte {
	t.Helper()
	resp, ok := out.(*events.LambdaFunctionURLStreamingResponse)
	if !ok {
		t.Fatalf("result is %T, want *events.LambdaFunctionURLStreamingResponse", out)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read streamed body: %v", err)
	}
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, status, body)
	}
	if got := resp.Headers["Content-Type"]; !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got, want := resp.Headers["X-Request-Id"], funcurl.RequestID(raw); got != want {
		t.Errorf("X-Request-Id = %q, want the Lambda request id %q", got, want)
	}
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, body)
	}
	CheckErrorShape(t, obj, code)
	return body
}

// CheckScheduledEventShape checks that a file is an event EventBridge
// Scheduler sends (only known fields, the schedule's ARN in the event's
// region and account) and returns it for the caller to check its detail.
func CheckScheduledEventShape(t *testing.T, path string) events.EventBridgeEvent {
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
	switch {
	case e.Version != "0" || e.ID == "" || e.AccountID == "" || e.Region == "":
		t.Errorf("version %q id %q account %q region %q: want an EventBridge envelope", e.Version, e.ID, e.AccountID, e.Region)
	case e.Source != "aws.scheduler" || e.DetailType != "Scheduled Event":
		t.Errorf("source %q detail-type %q, want aws.scheduler and Scheduled Event", e.Source, e.DetailType)
	case len(e.Resources) != 1 || !strings.HasPrefix(e.Resources[0], "arn:aws:scheduler:"+e.Region+":"+e.AccountID+":schedule/"):
		t.Errorf("resources %v, want the schedule's ARN in the event's region and account", e.Resources)
	case e.Time.IsZero():
		t.Errorf("time is missing")
	}
	return e
}

// CheckEventShape checks that a file is shaped like a real Lambda Function URL
// request event: only known fields, and consistent path, host and ids. It
// returns the event for checks of the caller's own (its token, say).
func CheckEventShape(t *testing.T, path string) *events.LambdaFunctionURLRequest {
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
	case rc.HTTP.SourceIP != e.Headers["x-forwarded-for"]:
		t.Errorf("sourceIp %q, x-forwarded-for %q: want the same client", rc.HTTP.SourceIP, e.Headers["x-forwarded-for"])
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
	if rc.HTTP.Method == http.MethodGet && e.Body != "" {
		t.Errorf("GET with body %q, want none", e.Body)
	}
	if q := e.RawQueryString; q != "" {
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if e.QueryStringParameters[k] != v {
				t.Errorf("queryStringParameters[%q] = %q, want %q from rawQueryString", k, e.QueryStringParameters[k], v)
			}
		}
	}
	req := e.LambdaFunctionURLRequest
	req.RequestContext = rc.LambdaFunctionURLRequestContext
	return &req
}

// CheckErrorShape checks a body against the standard error shape when code is
// set, or that it is not an error otherwise.
func CheckErrorShape(t *testing.T, body map[string]any, code string) {
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

// CheckURLEvents lists a function's sample events in dir, checks them
// against the test's table of outcomes (CheckOutcomes), and checks each is a
// real function URL event (CheckEventShape), then more, if given. It returns
// the files.
func CheckURLEvents[V any](t *testing.T, dir string, outcomes map[string]V, more func(t *testing.T, req *events.LambdaFunctionURLRequest)) []string {
	t.Helper()
	files := EventFiles(t, dir)
	CheckOutcomes(t, dir, files, outcomes)
	for _, f := range files {
		t.Run(filepath.Base(f)+" is a real function URL event", func(t *testing.T) {
			req := CheckEventShape(t, f)
			if more != nil {
				more(t, req)
			}
		})
	}
	return files
}

// CheckURLAnswer checks what InvokeEvent gave for req: the status, a JSON
// object with the Lambda request id echoed, and the error code (none when
// code is ""). It returns the decoded body.
func CheckURLAnswer(t *testing.T, req *events.LambdaFunctionURLRequest, status int, headers map[string]string, body []byte, wantStatus int, code string) map[string]any {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status = %d, want %d; body %s", status, wantStatus, body)
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
	CheckErrorShape(t, obj, code)
	return obj
}

// RunEvents runs each sample event of dir, with its expected outcome from
// the test's table, as the subtest "<file> gives its expected answer through
// <through>"; a file with no expected outcome fails its subtest.
func RunEvents[V any](t *testing.T, dir string, outcomes map[string]V, through string, run func(t *testing.T, path string, want V)) {
	t.Helper()
	for _, f := range EventFiles(t, dir) {
		name := filepath.Base(f)
		t.Run(name+" gives its expected answer through "+through, func(t *testing.T) {
			want, ok := outcomes[name]
			if !ok {
				t.Fatalf("%s has no expected outcome in the test's table: add one", f)
			}
			run(t, f, want)
		})
	}
}
