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
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mp4/mp4test"
)

// eventsDir holds the clips function's sample events (events/clips/*.json).
const eventsDir = "../../events/clips"

// eventWant is what running one sample event must give: a function URL
// request its status (and error code), an S3 notification its outcome.
type eventWant struct {
	status int
	code   string
	// s3 marks an S3 notification; outcome, clipStatus and reason are its record's.
	s3                          bool
	outcome, clipStatus, reason string
	// setup prepares the state the event needs and returns its placeholder values.
	setup func(t *testing.T, a *clipsAPI) map[string]string
	// check looks at a function URL success body (and the state it left).
	check func(t *testing.T, a *clipsAPI, values map[string]string, body []byte)
}

// acceptedClip uploads a fixture for unit A through a presigned POST and
// confirms it; it returns the clip id.
func acceptedClip(t *testing.T, a *clipsAPI) string {
	t.Helper()
	tok := a.admin(t, unitA)
	data := mp4test.Fixtures()[0].Data
	u := a.requestUpload(t, tok, int64(len(data)), false)
	mustPost(t, u, data)
	a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).expect(t, http.StatusOK, "")
	return u.Clip.ID
}

// clipsEvents is the expected outcome of every file in events/clips: a file
// without an entry fails the tests.
var clipsEvents = map[string]eventWant{
	"request-upload.json": {
		status: http.StatusCreated,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			return map[string]string{"token": a.admin(t, unitA)}
		},
		check: func(t *testing.T, a *clipsAPI, _ map[string]string, body []byte) {
			var u upload
			if err := json.Unmarshal(body, &u); err != nil {
				t.Fatal(err)
			}
			if u.Clip.Status != dynamo.ClipUploading || u.Upload.Method != "post" || u.Upload.Fields["key"] != ObjectKey(demo.ContestID, unitA, u.Clip.ID) {
				t.Errorf("upload %+v", u)
			}
		},
	},
	"request-upload-multipart.json": {
		status: http.StatusCreated,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			return map[string]string{"token": a.admin(t, unitA)}
		},
		check: func(t *testing.T, a *clipsAPI, _ map[string]string, body []byte) {
			var u upload
			if err := json.Unmarshal(body, &u); err != nil {
				t.Fatal(err)
			}
			if u.Upload.Method != "multipart" || u.Upload.PartCount != 44 || len(u.Upload.Parts) != 44 {
				t.Errorf("multipart upload of 350 MiB: method %s, %d parts", u.Upload.Method, u.Upload.PartCount)
			}
		},
	},
	"request-upload-participant.json": {
		status: http.StatusForbidden, code: "unit_admin_only",
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			return map[string]string{"token": a.participant(t, unitA)}
		},
	},
	"confirm.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			tok := a.admin(t, unitA)
			data := mp4test.Fixtures()[1].Data
			u := a.requestUpload(t, tok, int64(len(data)), false)
			mustPost(t, u, data)
			return map[string]string{"token": tok, "clipId": u.Clip.ID}
		},
		check: func(t *testing.T, a *clipsAPI, v map[string]string, body []byte) {
			var got clipResponse
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Clip.ID != v["clipId"] || got.Clip.Status != dynamo.ClipAccepted || got.Clip.DurationSeconds != 299 {
				t.Errorf("confirmed clip %+v, want accepted, 299 s", got.Clip)
			}
		},
	},
	"list-clips.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			acceptedClip(t, a)
			a.requestUpload(t, a.admin(t, unitB), 1000, false)
			return map[string]string{"token": a.admin(t, unitA)}
		},
		check: func(t *testing.T, a *clipsAPI, _ map[string]string, body []byte) {
			var got listResponse
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Clips) != 1 || got.Clips[0].UnitID != unitA {
				t.Errorf("unit A's list %+v, want its one clip", got.Clips)
			}
		},
	},
	"gallery.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			acceptedClip(t, a)
			a.requestUpload(t, a.admin(t, unitB), 1000, false)
			return nil
		},
		check: func(t *testing.T, a *clipsAPI, _ map[string]string, body []byte) {
			var got listResponse
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Clips) != 1 || got.Clips[0].VideoURL == "" || got.Clips[0].UploadedBy != nil {
				t.Errorf("gallery %+v, want the one accepted clip with a link and no uploader", got.Clips)
			}
		},
	},
	"put-scores.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			return map[string]string{"token": a.juror(t, 1), "clipId": acceptedClip(t, a)}
		},
		check: func(t *testing.T, a *clipsAPI, v map[string]string, body []byte) {
			var got scoresResponse
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.ClipID != v["clipId"] || got.Scores["noi-dung"] != 9 || len(got.Scores) != 3 {
				t.Errorf("scores %+v", got)
			}
		},
	},
	"put-scores-participant.json": {
		status: http.StatusForbidden, code: "jury_only",
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			return map[string]string{"token": a.participant(t, unitA), "clipId": acceptedClip(t, a)}
		},
	},
	"ranking.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			id := acceptedClip(t, a)
			a.call(t, "PUT", "/clips/"+id+"/scores", a.juror(t, 1), map[string]any{"scores": map[string]int{"noi-dung": 8}}).expect(t, http.StatusOK, "")
			return map[string]string{"token": a.organiser(t)}
		},
		check: func(t *testing.T, a *clipsAPI, _ map[string]string, body []byte) {
			var got Ranking
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Blocks) != 1 || len(got.Blocks[0].Clips) != 1 || got.Blocks[0].Clips[0].Total != 8 {
				t.Errorf("ranking %+v", got)
			}
		},
	},
	"s3-object-created.json": {
		s3: true, outcome: "checked", clipStatus: dynamo.ClipAccepted,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			data := mp4test.Fixtures()[0].Data
			u := a.requestUpload(t, a.admin(t, unitA), int64(len(data)), false)
			mustPost(t, u, data)
			return map[string]string{"bucket": a.env.Bucket, "key": ObjectKey(demo.ContestID, unitA, u.Clip.ID)}
		},
	},
	"s3-unknown-key.json": {
		s3: true, outcome: "deleted", reason: ReasonUnknownKey,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			key := "clips/demo/phuong-phu-hoi/phuong-phu-hoi.0123456789abcdef.mp4"
			data := mp4test.Fixtures()[0].Data
			if _, err := a.env.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &a.env.Bucket, Key: &key, Body: bytes.NewReader(data)}); err != nil {
				t.Fatal(err)
			}
			return map[string]string{"bucket": a.env.Bucket}
		},
	},
}

func TestEveryClipsEventHasAnExpectedOutcome(t *testing.T) {
	files := eventFiles(t)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name+" is a real event with an expected outcome", func(t *testing.T) {
			want, ok := clipsEvents[name]
			if !ok {
				t.Fatalf("events/clips/%s has no expected outcome in clipsEvents: add one", name)
			}
			if isURLEvent(t, f) {
				if want.s3 || want.status == 0 {
					t.Errorf("events/clips/%s is a function URL event: clipsEvents must give its status", name)
				}
				checkURLEventShape(t, f)
			} else {
				if !want.s3 || want.outcome == "" {
					t.Errorf("events/clips/%s is not a function URL event: clipsEvents must mark it s3 with an outcome", name)
				}
				checkS3EventShape(t, f)
			}
		})
	}
	for name := range clipsEvents {
		if !slices.Contains(files, filepath.Join(eventsDir, name)) {
			t.Errorf("clipsEvents expects events/clips/%s, which does not exist", name)
		}
	}
}

func TestClipsEventsRunThroughDispatch(t *testing.T) {
	for _, f := range eventFiles(t) {
		name := filepath.Base(f)
		t.Run(name+" gives its expected answer through funcurl.Dispatch", func(t *testing.T) {
			want, ok := clipsEvents[name]
			if !ok {
				t.Fatalf("events/clips/%s has no expected outcome in clipsEvents: add one", name)
			}
			a := newClipsAPI(t, nil)
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
			if want.s3 {
				res, ok := out.(EventResult)
				if !ok || len(res.Records) != 1 {
					t.Fatalf("result %#v, want an EventResult of one record", out)
				}
				rec := res.Records[0]
				if rec.Outcome != want.outcome || rec.Status != want.clipStatus || rec.Reason != want.reason {
					t.Errorf("record %+v, want outcome %q status %q reason %q", rec, want.outcome, want.clipStatus, want.reason)
				}
				if rec.Outcome == "deleted" && a.objectExists(t, rec.Key) {
					t.Errorf("%s still exists", rec.Key)
				}
				return
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
			if want.code == "" && want.check != nil {
				want.check(t, a, values, body)
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

// isURLEvent reports whether a file is a function URL request, as
// funcurl.Dispatch decides.
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
	public := rc.HTTP.Method == http.MethodGet && e.RawPath == "/gallery"
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
	case rc.HTTP.Protocol != "HTTP/1.1" || rc.HTTP.SourceIP != e.Headers["x-forwarded-for"] || rc.HTTP.UserAgent != e.Headers["user-agent"]:
		t.Errorf("requestContext.http = %+v does not match the headers", rc.HTTP)
	case rc.RequestID == "" || rc.TimeEpoch == 0:
		t.Errorf("requestId %q, timeEpoch %d: want both set", rc.RequestID, rc.TimeEpoch)
	case e.IsBase64Encoded:
		t.Errorf("isBase64Encoded = true, want plain-text bodies")
	case rc.HTTP.Method == http.MethodGet && e.Body != "":
		t.Errorf("GET with body %q, want none", e.Body)
	case !public && e.Headers["authorization"] != "Bearer {{token}}":
		t.Errorf("authorization %q, want the {{token}} placeholder", e.Headers["authorization"])
	case public && e.Headers["authorization"] != "":
		t.Errorf("the public gallery request carries a token")
	}
	if ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", rc.Time); err != nil || ts.Unix() != rc.TimeEpoch/1000 {
		t.Errorf("time %q does not match timeEpoch %d (%v)", rc.Time, rc.TimeEpoch, err)
	}
	if e.RawQueryString != "" {
		for k, v := range e.QueryStringParameters {
			if !strings.Contains(e.RawQueryString, k+"="+v) {
				t.Errorf("queryStringParameters %v do not match rawQueryString %q", e.QueryStringParameters, e.RawQueryString)
			}
		}
	}
	for k := range e.Headers {
		if k != strings.ToLower(k) {
			t.Errorf("header %q: function URL events carry lower-case header names", k)
		}
	}
}

// checkS3EventShape checks that a file is an S3 ObjectCreated notification
// as AWS sends it to Lambda.
func checkS3EventShape(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e events.S3Event
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("not an S3Event: %v", err)
	}
	if len(e.Records) != 1 {
		t.Fatalf("%d records, want 1", len(e.Records))
	}
	r := e.Records[0]
	switch {
	case r.EventVersion != "2.1" || r.EventSource != "aws:s3" || r.AWSRegion != "ap-southeast-1":
		t.Errorf("version %q source %q region %q, want 2.1 aws:s3 ap-southeast-1", r.EventVersion, r.EventSource, r.AWSRegion)
	case !strings.HasPrefix(r.EventName, "ObjectCreated:"):
		t.Errorf("eventName %q, want ObjectCreated:*", r.EventName)
	case r.EventTime.IsZero() || r.PrincipalID.PrincipalID == "" || r.RequestParameters.SourceIPAddress == "":
		t.Errorf("time, principal or source IP missing: %+v", r)
	case r.S3.SchemaVersion != "1.0" || r.S3.ConfigurationID == "" || r.S3.Bucket.Arn != "arn:aws:s3:::"+r.S3.Bucket.Name:
		t.Errorf("s3 %+v: want schema 1.0, a configuration id and the bucket's ARN", r.S3)
	case r.S3.Object.Key == "" || r.S3.Object.Size <= 0 || r.S3.Object.ETag == "" || r.S3.Object.Sequencer == "":
		t.Errorf("object %+v: want key, size, eTag and sequencer", r.S3.Object)
	}
}
