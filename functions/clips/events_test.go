package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mp4/mp4test"
	"github.com/hoithi/hoithi/shared/testenv"
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
	a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).Expect(t, http.StatusOK, "")
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
			if u.Clip.Status != clip.Uploading || u.Upload.Method != "post" || u.Upload.Fields["key"] != clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID) {
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
			var got clip.One
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Clip.ID != v["clipId"] || got.Clip.Status != clip.Accepted || got.Clip.DurationSeconds != 299 {
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
			var got clip.List
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
			var got clip.List
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
			var got clip.Sheet
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
	"jury-progress.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			id := acceptedClip(t, a)
			a.call(t, "PUT", "/clips/"+id+"/scores", a.juror(t, 1), map[string]any{"scores": map[string]int{"noi-dung": 8}}).Expect(t, http.StatusOK, "")
			return map[string]string{"token": a.organiser(t)}
		},
		check: func(t *testing.T, a *clipsAPI, _ map[string]string, body []byte) {
			var got clip.JuryProgress
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Clips != 1 || len(got.Jurors) != 2 {
				t.Fatalf("progress %+v, want 1 clip and the 2 demo jurors", got)
			}
			incomplete := 0
			for _, j := range got.Jurors {
				incomplete += len(j.Incomplete)
			}
			if incomplete != 1 {
				t.Errorf("progress %+v, want the one juror's incomplete sheet", got.Jurors)
			}
		},
	},
	"ranking.json": {
		status: http.StatusOK,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			id := acceptedClip(t, a)
			a.call(t, "PUT", "/clips/"+id+"/scores", a.juror(t, 1), map[string]any{"scores": map[string]int{"noi-dung": 8}}).Expect(t, http.StatusOK, "")
			return map[string]string{"token": a.organiser(t)}
		},
		check: func(t *testing.T, a *clipsAPI, _ map[string]string, body []byte) {
			var got clip.Ranking
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Blocks) != 1 || len(got.Blocks[0].Clips) != 1 || got.Blocks[0].Clips[0].Total != 8 {
				t.Errorf("ranking %+v", got)
			}
		},
	},
	"s3-object-created.json": {
		s3: true, outcome: "checked", clipStatus: clip.Accepted,
		setup: func(t *testing.T, a *clipsAPI) map[string]string {
			data := mp4test.Fixtures()[0].Data
			u := a.requestUpload(t, a.admin(t, unitA), int64(len(data)), false)
			mustPost(t, u, data)
			return map[string]string{"bucket": a.env.Bucket, "key": clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID)}
		},
	},
	"s3-unknown-key.json": {
		s3: true, outcome: "deleted", reason: clip.ReasonUnknownKey,
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
	files := testenv.EventFiles(t, eventsDir)
	testenv.CheckOutcomes(t, eventsDir, files, clipsEvents)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name+" is a real event with an expected outcome", func(t *testing.T) {
			want, ok := clipsEvents[name]
			if !ok {
				t.Fatalf("events/clips/%s has no expected outcome in clipsEvents: add one", name)
			}
			if testenv.IsURLEvent(t, f) {
				if want.s3 || want.status == 0 {
					t.Errorf("events/clips/%s is a function URL event: clipsEvents must give its status", name)
				}
				// every request but the public gallery's carries a session
				req := testenv.CheckEventShape(t, f)
				public := req.RequestContext.HTTP.Method == http.MethodGet && req.RawPath == "/gallery"
				if auth := req.Headers["authorization"]; (public && auth != "") || (!public && auth != "Bearer {{token}}") {
					t.Errorf("authorization %q: want the {{token}} placeholder, and none for the public gallery", auth)
				}
			} else {
				if !want.s3 || want.outcome == "" {
					t.Errorf("events/clips/%s is not a function URL event: clipsEvents must mark it s3 with an outcome", name)
				}
				checkS3EventShape(t, f)
			}
		})
	}
}

func TestClipsEventsRunThroughDispatch(t *testing.T) {
	testenv.RunEvents(t, eventsDir, clipsEvents, "funcurl.Dispatch", func(t *testing.T, f string, want eventWant) {
		a := newClipsAPI(t, nil)
		var values map[string]string
		if want.setup != nil {
			values = want.setup(t, a)
		}
		raw := testenv.FillEvent(t, f, values)
		out := testenv.Dispatch(t, funcurl.Dispatch(a.routes, a.h.HandleEvent), raw)
		if want.s3 {
			res, ok := out.(clipcheck.EventResult)
			if !ok || len(res.Records) != 1 {
				t.Fatalf("result %#v, want an clipcheck.EventResult of one record", out)
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
		body := testenv.CheckStreamedAnswer(t, out, raw, want.status, want.code)
		if want.code == "" && want.check != nil {
			want.check(t, a, values, body)
		}
	})
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
