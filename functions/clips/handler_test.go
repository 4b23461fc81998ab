package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
	"github.com/hoithi/hoithi/shared/clipcheck/cliptest"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/mp4/mp4test"
	"github.com/hoithi/hoithi/shared/testenv"
)

// testClock is the handler's clock, moved by the tests. Presigned URLs and
// S3 itself keep real time.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return testenv.Now().Add(c.offset)
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// clipsAPI is the clips function on a freshly seeded demo contest: on the
// real local S3 and DynamoDB servers (newClipsAPI), or on the demo's store
// (in memory under plain go test) with an in-memory bucket
// (newMemoryClipsAPI) for the tests that need S3 only to hand out uploads.
type clipsAPI struct {
	demo     *testenv.Demo
	st       store
	env      *testenv.Contest // nil in memory
	bucket   *cliptest.Bucket // nil on the servers
	clock    *testClock
	h        *Handler
	routes   http.Handler
	settings clip.Settings
}

func newClipsAPI(t *testing.T, adjust func(*clip.Settings)) *clipsAPI {
	t.Helper()
	env := testenv.SeededContest(t)
	a := &clipsAPI{demo: env.Demo, st: env.Store, env: env}
	return a.serve(blob.NewClipObjects(env.S3, s3.NewPresignClient(env.S3), env.Bucket), env.Bucket, adjust)
}

func newMemoryClipsAPI(t *testing.T, adjust func(*clip.Settings)) *clipsAPI {
	t.Helper()
	d := testenv.SeededDemo(t)
	st, ok := d.Store.(store)
	if !ok {
		t.Fatalf("%T has no clip methods", d.Store)
	}
	a := &clipsAPI{demo: d, st: st, bucket: cliptest.New()}
	return a.serve(a.bucket, "data", adjust)
}

func (a *clipsAPI) serve(objects bucket, name string, adjust func(*clip.Settings)) *clipsAPI {
	a.clock, a.settings = &testClock{}, clip.Defaults(name)
	if adjust != nil {
		adjust(&a.settings)
	}
	a.h = NewHandler(a.st, objects, a.demo.Signer, a.settings, demo.ContestID, a.clock.Now, testenv.Logger())
	a.routes = a.h.Routes()
	return a
}

// send uploads data as the browser would: a POST to S3, or straight into
// the in-memory bucket.
func (a *clipsAPI) send(t *testing.T, u upload, data []byte) {
	t.Helper()
	if a.bucket != nil {
		a.bucket.Put(u.Upload.Fields["key"], data)
		return
	}
	mustPost(t, u, data)
}

// Demo accounts.
func rosterOf(unitID string) []contest.Member {
	var out []contest.Member
	for _, m := range demo.Roster() {
		if m.UnitID == unitID {
			out = append(out, m)
		}
	}
	return out
}

const (
	unitA = "phuong-phu-hoi"
	unitB = "phuong-kim-long"
)

func (a *clipsAPI) admin(t *testing.T, unit string) string {
	return a.demo.TokenFor(t, rosterOf(unit)[0].Email)
}
func (a *clipsAPI) participant(t *testing.T, unit string) string {
	return a.demo.TokenFor(t, rosterOf(unit)[1].Email)
}
func (a *clipsAPI) organiser(t *testing.T) string { return a.demo.TokenFor(t, "btc@"+demo.Domain) }
func (a *clipsAPI) juror(t *testing.T, n int) string {
	return a.demo.TokenFor(t, fmt.Sprintf("giamkhao%d@%s", n, demo.Domain))
}

// call serves one request through the clips routes and checks the answer.
func (a *clipsAPI) call(t *testing.T, method, path, tok string, body any) testenv.Response {
	t.Helper()
	return testenv.Call(t, a.routes, method, path, tok, body)
}

// upload is what POST /uploads answers.
type upload struct {
	Clip   clip.View `json:"clip"`
	Upload struct {
		Method         string              `json:"method"`
		URL            string              `json:"url"`
		Fields         map[string]string   `json:"fields"`
		ExpiresAt      time.Time           `json:"expiresAt"`
		PartSize       int64               `json:"partSize"`
		PartCount      int                 `json:"partCount"`
		Parts          []clipcheck.PartURL `json:"parts"`
		UploadDeadline time.Time           `json:"uploadDeadline"`
	} `json:"upload"`
}

func (a *clipsAPI) requestUpload(t *testing.T, tok string, size int64, multipart bool) upload {
	t.Helper()
	r := a.call(t, "POST", "/uploads", tok, map[string]any{
		"title": "Hướng dẫn nộp hồ sơ trực tuyến", "genre": "huong-dan-dvc", "size": size, "contentType": "video/mp4", "multipart": multipart,
	})
	r.Expect(t, http.StatusCreated, "")
	var u upload
	r.Decode(t, &u)
	return u
}

// postFile sends a browser's form upload to S3: the presigned fields, then
// the file. fields overrides or adds form fields.
func postFile(t *testing.T, u upload, data []byte, fields map[string]string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	all := map[string]string{}
	for k, v := range u.Upload.Fields {
		all[k] = v
	}
	for k, v := range fields {
		all[k] = v
	}
	for k, v := range all {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", u.Upload.URL, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

type s3Answer struct {
	status int
	body   string
}

func postFileResult(t *testing.T, u upload, data []byte, fields map[string]string) s3Answer {
	t.Helper()
	status, body := postFile(t, u, data, fields)
	return s3Answer{status, body}
}

// refused checks that S3 turned a request down for the reason expected (its
// error document names the failed condition).
func refused(t *testing.T, what, reason string, got s3Answer) {
	t.Helper()
	if got.status/100 == 2 {
		t.Fatalf("S3 took %s: %d", what, got.status)
	}
	if !strings.Contains(strings.ReplaceAll(got.body, "&#34;", `"`), reason) {
		t.Errorf("S3 refused %s with %d %s, want the reason %q", what, got.status, got.body, reason)
	}
}

func mustPost(t *testing.T, u upload, data []byte) {
	t.Helper()
	if status, body := postFile(t, u, data, nil); status/100 != 2 {
		t.Fatalf("POST upload: %d %s", status, body)
	}
}

// objectCreated is an S3 ObjectCreated notification as AWS sends it.
func objectCreated(bucket, key string, size int64, name string) []byte {
	ev := map[string]any{"Records": []any{map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "ap-southeast-1",
		"eventTime": time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), "eventName": name,
		"userIdentity":      map[string]string{"principalId": "AWS:AROAEXAMPLE:clips"},
		"requestParameters": map[string]string{"sourceIPAddress": "203.0.113.7"},
		"responseElements":  map[string]string{"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
		"s3": map[string]any{
			"s3SchemaVersion": "1.0", "configurationId": "clip-uploads",
			"bucket": map[string]any{"name": bucket, "ownerIdentity": map[string]string{"principalId": "A3NL1KOZZKExample"}, "arn": "arn:aws:s3:::" + bucket},
			"object": map[string]any{"key": key, "size": size, "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0055AED6DCD90281E5"},
		},
	}}}
	data, _ := json.Marshal(ev)
	return data
}

func (a *clipsAPI) event(t *testing.T, raw []byte) clipcheck.EventResult {
	t.Helper()
	out, err := a.h.HandleEvent(context.Background(), raw)
	if err != nil {
		t.Fatalf("event: %v", err)
	}
	res, ok := out.(clipcheck.EventResult)
	if !ok || len(res.Records) != 1 {
		t.Fatalf("event result %#v, want one record", out)
	}
	return res
}

func (a *clipsAPI) objectExists(t *testing.T, key string) bool {
	t.Helper()
	_, found, err := blob.NewClipObjects(a.env.S3, nil, a.env.Bucket).Head(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func (a *clipsAPI) stored(t *testing.T, id string) clip.Clip {
	t.Helper()
	c, err := a.st.GetClip(context.Background(), demo.ContestID, id, true)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// verdictOf is what each committed fixture must get.
var verdictOf = map[string]struct{ status, reason string }{
	"moov-first-4m59.mp4":   {clip.Accepted, ""},
	"moov-last-4m59.mp4":    {clip.Accepted, ""},
	"moov-first-5m01.mp4":   {clip.Rejected, clip.ReasonTooLong},
	"moov-last-5m01.mp4":    {clip.Rejected, clip.ReasonTooLong},
	"not-mp4.webm":          {clip.Rejected, clip.ReasonNotMP4},
	"truncated-in-mdat.mp4": {clip.Rejected, clip.ReasonTruncated},
	"truncated-in-moov.mp4": {clip.Rejected, clip.ReasonTruncated},
	// mvhd says 10 s, the track 5:30: refused, not accepted as 10 s
	"patched-mvhd-5m30.mp4": {clip.Rejected, clip.ReasonInconsistentDuration},
}

func TestEveryFixtureGetsItsVerdictThroughEventAndConfirm(t *testing.T) {
	a := newClipsAPI(t, func(s *clip.Settings) { s.Quota = 50 })
	tok := a.admin(t, unitA)
	for _, f := range mp4test.Fixtures() {
		want, ok := verdictOf[f.Name]
		if !ok {
			t.Fatalf("fixture %s has no expected verdict", f.Name)
		}
		for _, path := range []string{"event", "confirm"} {
			t.Run(fmt.Sprintf("%s through the %s path is %s %s", f.Name, path, want.status, want.reason), func(t *testing.T) {
				u := a.requestUpload(t, tok, int64(len(f.Data)), false)
				if u.Upload.Method != "post" || u.Clip.Status != clip.Uploading {
					t.Fatalf("upload %+v", u)
				}
				mustPost(t, u, f.Data)
				key := clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID)
				var first clip.View
				switch path {
				case "event":
					rec := a.event(t, objectCreated(a.env.Bucket, key, int64(len(f.Data)), "ObjectCreated:Post")).Records[0]
					if rec.Outcome != "checked" || rec.ClipID != u.Clip.ID || rec.Status != want.status || rec.Reason != want.reason {
						t.Fatalf("event outcome %+v, want checked %s %s", rec, want.status, want.reason)
					}
					r := a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil)
					r.Expect(t, http.StatusOK, "")
					var got clip.One
					r.Decode(t, &got)
					first = got.Clip
				case "confirm":
					r := a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil)
					r.Expect(t, http.StatusOK, "")
					var got clip.One
					r.Decode(t, &got)
					first = got.Clip
					// The notification that follows finds the same verdict.
					rec := a.event(t, objectCreated(a.env.Bucket, key, int64(len(f.Data)), "ObjectCreated:Post")).Records[0]
					if rec.Status != first.Status || rec.Reason != first.Reason {
						t.Fatalf("event after confirm: %+v, want %s %s", rec, first.Status, first.Reason)
					}
				}
				if first.Status != want.status || first.Reason != want.reason {
					t.Fatalf("verdict %s %q, want %s %q", first.Status, first.Reason, want.status, want.reason)
				}
				if f.Class == "ok" && first.DurationSeconds != float64(f.Millis)/1000 {
					t.Errorf("durationSeconds %v, want %v", first.DurationSeconds, float64(f.Millis)/1000)
				}
				if f.Class == "inconsistent" && (first.DurationSeconds != float64(f.Millis)/1000 || !strings.Contains(first.Message, clip.Clock(f.Millis)) || !strings.Contains(first.Message, "không khớp")) {
					t.Errorf("an inconsistent file is told as %v s, %q; want its longest figure, %v s, in a message that says the durations disagree", first.DurationSeconds, first.Message, float64(f.Millis)/1000)
				}
				if first.Status == clip.Rejected && first.Message == "" {
					t.Errorf("a rejection without a message: %+v", first)
				}
				// A second confirm gives the same verdict.
				var again clip.One
				a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).Decode(t, &again)
				if again.Clip.Status != first.Status || again.Clip.Reason != first.Reason {
					t.Errorf("confirm again: %s %s, want %s %s", again.Clip.Status, again.Clip.Reason, first.Status, first.Reason)
				}
				if exists := a.objectExists(t, key); exists != (want.status == clip.Accepted) {
					t.Errorf("object exists %v after verdict %s: rejected objects are removed, accepted ones kept", exists, want.status)
				}
			})
		}
	}
}

func TestObjectsNoUploadNamesAreRemovedAndOthersIgnored(t *testing.T) {
	a := newClipsAPI(t, nil)
	ctx := context.Background()
	data := mp4test.Fixtures()[0].Data
	put := func(key string) {
		t.Helper()
		if _, err := a.env.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: &a.env.Bucket, Key: &key, Body: bytes.NewReader(data)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{
		"clips/demo/phuong-phu-hoi/phuong-phu-hoi.0123456789abcdef.mp4",  // well-formed, never issued
		"clips/demo/phuong-phu-hoi/phuong-kim-long.0123456789abcdef.mp4", // unit and id disagree
		"clips/demo/notes.txt",
		"clips/other-contest/x/y.mp4",
	} {
		t.Run(key+" is removed as an unknown key", func(t *testing.T) {
			put(key)
			rec := a.event(t, objectCreated(a.env.Bucket, key, int64(len(data)), "ObjectCreated:Put")).Records[0]
			if rec.Outcome != "deleted" || rec.Reason != clip.ReasonUnknownKey {
				t.Fatalf("outcome %+v, want deleted unknown_key", rec)
			}
			if a.objectExists(t, key) {
				t.Error("object still there")
			}
		})
	}
	t.Run("objects outside clips/, other buckets and other events are left alone", func(t *testing.T) {
		put("banks/demo/extra.json")
		for _, ev := range [][]byte{
			objectCreated(a.env.Bucket, "banks/demo/extra.json", 10, "ObjectCreated:Put"),
			objectCreated("someone-elses-bucket", "clips/demo/phuong-phu-hoi/phuong-phu-hoi.0123456789abcdef.mp4", 10, "ObjectCreated:Put"),
			objectCreated(a.env.Bucket, "clips/demo/phuong-phu-hoi/phuong-phu-hoi.0123456789abcdef.mp4", 10, "ObjectRemoved:Delete"),
		} {
			if rec := a.event(t, ev).Records[0]; rec.Outcome != "ignored" || rec.Note == "" {
				t.Errorf("outcome %+v, want ignored with a note", rec)
			}
		}
		if !a.objectExists(t, "banks/demo/extra.json") {
			t.Error("an object outside clips/ was removed")
		}
	})
	t.Run("a malformed event is refused", func(t *testing.T) {
		for _, raw := range []string{`{"Records":[]}`, `[1,2]`, `{"Service":"S3","Event":"s3:TestEvent"}`} {
			if _, err := a.h.HandleEvent(ctx, json.RawMessage(raw)); err == nil {
				t.Errorf("event %s accepted", raw)
			}
		}
	})
}

func TestAnObjectLargerThanDeclaredIsRejected(t *testing.T) {
	a := newClipsAPI(t, nil)
	tok := a.admin(t, unitA)
	big := mp4test.Build(mp4test.Spec{Timescale: 1000, Duration: 60_000, MediaBytes: 2000})
	for _, path := range []string{"event", "confirm"} {
		t.Run("through the "+path+" path", func(t *testing.T) {
			u := a.requestUpload(t, tok, 1000, false)
			key := clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID)
			// Written with the bucket owner's credentials: no presigned
			// upload can do it, but the check must not rely on that.
			if _, err := a.env.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &a.env.Bucket, Key: &key, Body: bytes.NewReader(big)}); err != nil {
				t.Fatal(err)
			}
			var status, reason string
			if path == "event" {
				rec := a.event(t, objectCreated(a.env.Bucket, key, int64(len(big)), "ObjectCreated:Put")).Records[0]
				status, reason = rec.Status, rec.Reason
			} else {
				var got clip.One
				a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).Decode(t, &got)
				status, reason = got.Clip.Status, got.Clip.Reason
			}
			if status != clip.Rejected || reason != clip.ReasonLargerThanDeclared {
				t.Fatalf("verdict %s %s, want rejected larger_than_declared", status, reason)
			}
			if a.objectExists(t, key) {
				t.Error("rejected object kept")
			}
		})
	}
}

func TestS3RefusesUploadsOutsideThePresignedPolicy(t *testing.T) {
	a := newClipsAPI(t, func(s *clip.Settings) { s.Quota = 10 })
	tok := a.admin(t, unitA)
	data := mp4test.Fixtures()[0].Data
	t.Run("a file larger than declared", func(t *testing.T) {
		u := a.requestUpload(t, tok, int64(len(data))-1, false)
		refused(t, "an oversized upload", "EntityTooLarge", postFileResult(t, u, data, nil))
		if a.objectExists(t, clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID)) {
			t.Error("object stored")
		}
		a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).Expect(t, http.StatusConflict, "clip_not_uploaded")
	})
	t.Run("an upload to another key", func(t *testing.T) {
		u := a.requestUpload(t, tok, int64(len(data)), false)
		other := clip.ObjectKey(demo.ContestID, unitB, unitB+".00000000000000aa")
		refused(t, "an upload to another key", "$key", postFileResult(t, u, data, map[string]string{"key": other}))
		if a.objectExists(t, other) {
			t.Error("object stored under the other key")
		}
	})
	t.Run("another content type", func(t *testing.T) {
		u := a.requestUpload(t, tok, int64(len(data)), false)
		refused(t, "an upload of another content type", "$content-type", postFileResult(t, u, data, map[string]string{"Content-Type": "text/html"}))
	})
	t.Run("an expired presigned POST", func(t *testing.T) {
		short := newClipsAPI(t, func(s *clip.Settings) { s.UploadExpiry = time.Second })
		u := short.requestUpload(t, short.admin(t, unitA), int64(len(data)), false)
		time.Sleep(2500 * time.Millisecond)
		refused(t, "an upload after the policy expired", "Policy expired", postFileResult(t, u, data, nil))
		if short.objectExists(t, clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID)) {
			t.Error("object stored")
		}
	})
	t.Run("the same upload within its policy is fine", func(t *testing.T) {
		u := a.requestUpload(t, tok, int64(len(data)), false)
		mustPost(t, u, data)
	})
}

func TestTheUploadPolicyIsBoundToTheIssuedKey(t *testing.T) {
	a := newClipsAPI(t, nil)
	u := a.requestUpload(t, a.admin(t, unitA), 5000, false)
	wantKey := clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID)
	if u.Upload.Fields["key"] != wantKey || u.Clip.UnitID != unitA {
		t.Fatalf("key %q unit %q, want %q under the unit's prefix", u.Upload.Fields["key"], u.Clip.UnitID, wantKey)
	}
	if d := u.Upload.ExpiresAt.Sub(a.clock.Now()); d > 15*time.Minute+time.Second || d < 14*time.Minute {
		t.Errorf("expires in %v, want 15 minutes", d)
	}
	var policy struct {
		Conditions []any `json:"conditions"`
	}
	raw, err := base64.StdEncoding.DecodeString(u.Upload.Fields["policy"])
	if err != nil || json.Unmarshal(raw, &policy) != nil {
		t.Fatalf("policy %q: %v", u.Upload.Fields["policy"], err)
	}
	text := string(raw)
	for _, want := range []string{`["content-length-range",1,5000]`, `{"Content-Type":"video/mp4"}`, `{"key":"` + wantKey + `"}`, `{"bucket":"` + a.env.Bucket + `"}`} {
		if !strings.Contains(text, want) {
			t.Errorf("policy %s lacks %s", text, want)
		}
	}
}

func TestPermissions(t *testing.T) {
	a := newClipsAPI(t, nil)
	adminA, adminB := a.admin(t, unitA), a.admin(t, unitB)
	u := a.requestUpload(t, adminA, int64(len(mp4test.Fixtures()[0].Data)), false)
	mustPost(t, u, mp4test.Fixtures()[0].Data)

	t.Run("the unit comes from the token, never from the request", func(t *testing.T) {
		r := a.call(t, "POST", "/uploads", adminA, map[string]any{"title": "x", "genre": "khac", "size": 10, "contentType": "video/mp4", "unitId": unitB, "unit": unitB})
		r.Expect(t, http.StatusCreated, "")
		var got upload
		r.Decode(t, &got)
		if got.Clip.UnitID != unitA || !strings.HasPrefix(got.Upload.Fields["key"], "clips/demo/"+unitA+"/") {
			t.Fatalf("clip of unit %s at %s, want %s's", got.Clip.UnitID, got.Upload.Fields["key"], unitA)
		}
	})
	t.Run("another unit's admin cannot confirm, complete or abort the clip", func(t *testing.T) {
		a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", adminB, nil).Expect(t, http.StatusForbidden, "not_your_unit")
		a.call(t, "POST", "/clips/"+u.Clip.ID+"/complete", adminB, map[string]any{"parts": []any{}}).Expect(t, http.StatusForbidden, "not_your_unit")
		a.call(t, "DELETE", "/clips/"+u.Clip.ID+"/upload", adminB, nil).Expect(t, http.StatusForbidden, "not_your_unit")
		if got := a.stored(t, u.Clip.ID); got.Status != clip.Uploading {
			t.Errorf("clip %s after another unit's attempts, want still uploading", got.Status)
		}
	})
	t.Run("another unit's admin does not see the clip", func(t *testing.T) {
		var list clip.List
		a.call(t, "GET", "/clips", adminB, nil).Decode(t, &list)
		if len(list.Clips) != 0 {
			t.Errorf("unit B sees %d clips, want none", len(list.Clips))
		}
		a.call(t, "GET", "/clips?unit="+unitA, adminB, nil).Expect(t, http.StatusForbidden, "not_your_unit")
		a.call(t, "GET", "/clips", adminA, nil).Decode(t, &list)
		if len(list.Clips) != 2 || list.Clips[0].UnitID != unitA {
			t.Errorf("unit A sees %+v, want its 2 clips", list.Clips)
		}
	})
	t.Run("only unit admins request uploads", func(t *testing.T) {
		for name, tok := range map[string]string{"participant": a.participant(t, unitA), "organiser": a.organiser(t), "juror": a.juror(t, 1)} {
			r := a.call(t, "POST", "/uploads", tok, map[string]any{"title": "x", "genre": "khac", "size": 10, "contentType": "video/mp4"})
			if r.Status != http.StatusForbidden || r.ErrorCode() != "unit_admin_only" {
				t.Errorf("%s: %d %s, want 403 unit_admin_only", name, r.Status, r.ErrorCode())
			}
		}
		a.call(t, "POST", "/uploads", "", map[string]any{}).Expect(t, http.StatusUnauthorized, "token_missing")
	})
	t.Run("a participant lists nothing and scores nothing", func(t *testing.T) {
		p := a.participant(t, unitA)
		a.call(t, "GET", "/clips", p, nil).Expect(t, http.StatusForbidden, "not_allowed")
		a.call(t, "PUT", "/clips/"+u.Clip.ID+"/scores", p, map[string]any{"scores": map[string]int{"noi-dung": 9}}).Expect(t, http.StatusForbidden, "jury_only")
		a.call(t, "PUT", "/clips/"+u.Clip.ID+"/scores", adminA, map[string]any{"scores": map[string]int{"noi-dung": 9}}).Expect(t, http.StatusForbidden, "jury_only")
		a.call(t, "GET", "/ranking", p, nil).Expect(t, http.StatusForbidden, "not_allowed")
	})
	t.Run("an organiser lists and confirms every unit's clips", func(t *testing.T) {
		org := a.organiser(t)
		var got clip.One
		a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", org, nil).Decode(t, &got)
		if got.Clip.Status != clip.Accepted {
			t.Fatalf("organiser's confirm: %+v", got.Clip)
		}
		var list clip.List
		a.call(t, "GET", "/clips", org, nil).Decode(t, &list)
		if len(list.Clips) != 2 || len(list.Criteria) != 3 {
			t.Errorf("organiser sees %d clips and %d criteria, want 2 and 3", len(list.Clips), len(list.Criteria))
		}
	})
}

func TestBadUploadRequests(t *testing.T) {
	a := newMemoryClipsAPI(t, func(s *clip.Settings) { s.MaxBytes = 10 << 20 })
	tok := a.admin(t, unitA)
	ok := map[string]any{"title": "Phóng sự một cửa", "genre": "phong-su", "size": 1000, "contentType": "video/mp4"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range ok {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"no title", with("title", "  "), 400, "invalid_title"},
		{"an unknown genre", with("genre", "ca-nhac"), 400, "invalid_genre"},
		{"a QuickTime file", with("contentType", "video/quicktime"), 400, "unsupported_content_type"},
		{"size 0", with("size", 0), 400, "invalid_size"},
		{"over the maximum", with("size", 10<<20+1), 413, "clip_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.call(t, "POST", "/uploads", tok, tt.body).Expect(t, tt.status, tt.code)
		})
	}
}

func TestTheQuotaCountsLiveClipsOnly(t *testing.T) {
	a := newMemoryClipsAPI(t, nil) // 3 per unit
	tok := a.admin(t, unitA)
	var ids []string
	for range 3 {
		ids = append(ids, a.requestUpload(t, tok, 1000, false).Clip.ID)
	}
	body := map[string]any{"title": "x", "genre": "khac", "size": 1000, "contentType": "video/mp4"}
	a.call(t, "POST", "/uploads", tok, body).Expect(t, http.StatusConflict, "clip_quota_reached")
	// Another unit has its own quota.
	a.requestUpload(t, a.admin(t, unitB), 1000, false)

	// Giving up an upload frees its slot.
	r := a.call(t, "DELETE", "/clips/"+ids[0]+"/upload", tok, nil)
	r.Expect(t, http.StatusOK, "")
	if got := a.stored(t, ids[0]); got.Status != clip.Rejected || got.Reason != clip.ReasonAborted {
		t.Fatalf("aborted clip %s %s", got.Status, got.Reason)
	}
	a.call(t, "DELETE", "/clips/"+ids[0]+"/upload", tok, nil).Expect(t, http.StatusConflict, "clip_already_checked")
	ids = append(ids, a.requestUpload(t, tok, 1000, false).Clip.ID)
	a.call(t, "POST", "/uploads", tok, body).Expect(t, http.StatusConflict, "clip_quota_reached")

	// Uploads whose time ran out with nothing uploaded free their slots.
	a.clock.Advance(clip.MaxUploadExpiry + clip.LateUploadGrace + time.Minute)
	a.requestUpload(t, tok, 1000, false)
	for _, id := range ids[1:] {
		if got := a.stored(t, id); got.Status != clip.Rejected || got.Reason != clip.ReasonNotUploaded {
			t.Errorf("stale clip %s: %s %s, want rejected not_uploaded", id, got.Status, got.Reason)
		}
	}
}

func TestAnAcceptedClipReplacedAfterItsCheckIsRevoked(t *testing.T) {
	a := newClipsAPI(t, nil)
	tok := a.admin(t, unitA)
	good, long := mp4test.Fixtures()[0].Data, mp4test.Fixtures()[2].Data
	u := a.requestUpload(t, tok, int64(len(good)), false)
	mustPost(t, u, good)
	var got clip.One
	a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).Decode(t, &got)
	if got.Clip.Status != clip.Accepted {
		t.Fatalf("first upload: %+v", got.Clip)
	}
	// The presigned POST is still valid: the same key gets a 5:01 file.
	mustPost(t, u, long)
	key := clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID)
	rec := a.event(t, objectCreated(a.env.Bucket, key, int64(len(long)), "ObjectCreated:Post")).Records[0]
	if rec.Status != clip.Rejected || rec.Reason != clip.ReasonReplaced {
		t.Fatalf("event on the replaced object: %+v, want rejected replaced", rec)
	}
	if a.objectExists(t, key) {
		t.Error("replacement kept")
	}
	// And a duplicate notification of the first upload changes nothing.
	rec = a.event(t, objectCreated(a.env.Bucket, key, int64(len(good)), "ObjectCreated:Post")).Records[0]
	if rec.Status != clip.Rejected || rec.Reason != clip.ReasonReplaced {
		t.Fatalf("duplicate event: %+v", rec)
	}
}

func TestMultipartUploadOfAMultiPartFile(t *testing.T) {
	a := newClipsAPI(t, nil)
	tok := a.admin(t, unitA)
	// 12 MiB and a bit, moov at the end: parts of 8 MiB and the rest.
	data := mp4test.Build(mp4test.Spec{Timescale: 30_000, Duration: 30_000 * 240, MoovAtEnd: true, MediaBytes: 12<<20 + 12345})
	u := a.requestUpload(t, tok, int64(len(data)), true)
	if u.Upload.Method != "multipart" || u.Upload.PartCount != 2 || len(u.Upload.Parts) != 2 || u.Upload.PartSize != clip.DefaultPartSize {
		t.Fatalf("multipart upload %+v", u.Upload)
	}
	put := func(p clipcheck.PartURL, body []byte) (int, string, string) {
		t.Helper()
		req, err := http.NewRequest("PUT", p.URL, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = int64(len(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("ETag"), string(raw)
	}
	chunk := func(n int32) []byte {
		start := int64(n-1) * u.Upload.PartSize
		return data[start:min(start+u.Upload.PartSize, int64(len(data)))]
	}
	var parts []clip.CompletedPart
	status, tag, _ := put(u.Upload.Parts[0], chunk(1))
	if status != http.StatusOK || tag == "" {
		t.Fatalf("part 1: %d %q", status, tag)
	}
	parts = append(parts, clip.CompletedPart{PartNumber: 1, ETag: tag})

	t.Run("a part of another size than signed is refused", func(t *testing.T) {
		status, _, body := put(u.Upload.Parts[1], chunk(2)[:1000])
		refused(t, "a part of 1000 bytes signed for another length", "SignatureDoesNotMatch", s3Answer{status, body})
	})
	t.Run("completing before every part is up is refused", func(t *testing.T) {
		a.call(t, "POST", "/clips/"+u.Clip.ID+"/complete", tok, map[string]any{"parts": []clip.CompletedPart{parts[0], {PartNumber: 2, ETag: `"nope"`}}}).
			Expect(t, http.StatusConflict, "part_mismatch")
	})
	// An interrupted upload resumes with a fresh URL for the missing part.
	r := a.call(t, "POST", "/clips/"+u.Clip.ID+"/parts", tok, map[string]any{"partNumbers": []int{2}})
	r.Expect(t, http.StatusOK, "")
	var fresh clipcheck.PartURLs
	r.Decode(t, &fresh)
	status, tag, _ = put(fresh.Parts[0], chunk(2))
	if status != http.StatusOK {
		t.Fatalf("part 2: %d", status)
	}
	parts = append(parts, clip.CompletedPart{PartNumber: 2, ETag: tag})
	a.call(t, "POST", "/clips/"+u.Clip.ID+"/parts", tok, map[string]any{"partNumbers": []int{3}}).Expect(t, http.StatusBadRequest, "invalid_part_number")

	var logs bytes.Buffer
	a.h.log = slog.New(slog.NewTextHandler(&logs, nil))
	a.h.clips.Log = a.h.log
	r = a.call(t, "POST", "/clips/"+u.Clip.ID+"/complete", tok, map[string]any{"parts": parts})
	r.Expect(t, http.StatusOK, "")
	var done clip.One
	r.Decode(t, &done)
	// Only the file's head and its moov at the end were read.
	if !strings.Contains(logs.String(), "reads=2 ") {
		t.Errorf("the check of a %d-byte file read more than twice: %s", len(data), logs.String())
	}
	a.h.log = testenv.Logger()
	a.h.clips.Log = a.h.log
	if done.Clip.Status != clip.Accepted || done.Clip.DurationSeconds != 240 || done.Clip.Size != int64(len(data)) {
		t.Fatalf("completed clip %+v, want accepted, 240 s, %d bytes", done.Clip, len(data))
	}
	// Completing again, and the notification, give the same verdict.
	var again clip.One
	a.call(t, "POST", "/clips/"+u.Clip.ID+"/complete", tok, map[string]any{"parts": parts}).Decode(t, &again)
	rec := a.event(t, objectCreated(a.env.Bucket, clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID), int64(len(data)), "ObjectCreated:CompleteMultipartUpload")).Records[0]
	if again.Clip.Status != clip.Accepted || rec.Status != clip.Accepted {
		t.Errorf("again: %s, event: %+v", again.Clip.Status, rec)
	}
	a.call(t, "POST", "/clips/"+u.Clip.ID+"/parts", tok, map[string]any{"partNumbers": []int{1}}).Expect(t, http.StatusConflict, "clip_already_checked")
}

func TestAbortingAMultipartUpload(t *testing.T) {
	a := newClipsAPI(t, nil)
	tok := a.admin(t, unitA)
	u := a.requestUpload(t, tok, 20<<20, true)
	if u.Upload.PartCount != 3 {
		t.Fatalf("%d parts for 20 MiB, want 3", u.Upload.PartCount)
	}
	a.call(t, "DELETE", "/clips/"+u.Clip.ID+"/upload", tok, nil).Expect(t, http.StatusOK, "")
	c := a.stored(t, u.Clip.ID)
	_, err := blob.NewClipObjects(a.env.S3, nil, a.env.Bucket).Parts(context.Background(), c)
	if !errors.Is(err, clip.ErrUploadGone) {
		t.Errorf("multipart upload after abort: %v, want NoSuchUpload", err)
	}
	a.call(t, "POST", "/clips/"+u.Clip.ID+"/parts", tok, map[string]any{"partNumbers": []int{1}}).Expect(t, http.StatusConflict, "clip_already_checked")
}

func TestJuryScoresAndTheRanking(t *testing.T) {
	a := newClipsAPI(t, nil)
	good := mp4test.Fixtures()[0].Data
	accepted := map[string]string{}
	for _, unit := range []string{unitA, unitB, "so-noi-vu"} {
		tok := a.admin(t, unit)
		u := a.requestUpload(t, tok, int64(len(good)), false)
		mustPost(t, u, good)
		a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).Expect(t, http.StatusOK, "")
		accepted[unit] = u.Clip.ID
	}
	pending := a.requestUpload(t, a.admin(t, unitA), 1000, false)
	j1, j2 := a.juror(t, 1), a.juror(t, 2)
	score := func(tok, id string, s map[string]any) testenv.Response {
		return a.call(t, "PUT", "/clips/"+id+"/scores", tok, map[string]any{"scores": s})
	}
	t.Run("a juror scoring a criterion again updates it", func(t *testing.T) {
		score(j1, accepted[unitA], map[string]any{"noi-dung": 6, "sang-tao": 7, "ky-thuat": 8}).Expect(t, http.StatusOK, "")
		r := score(j1, accepted[unitA], map[string]any{"noi-dung": 9})
		r.Expect(t, http.StatusOK, "")
		var got clip.Sheet
		r.Decode(t, &got)
		if fmt.Sprint(got.Scores) != fmt.Sprint(map[string]int{"ky-thuat": 8, "noi-dung": 9, "sang-tao": 7}) {
			t.Errorf("scores %v", got.Scores)
		}
		all, err := a.env.Store.ListClipScores(context.Background(), demo.ContestID)
		if err != nil || len(all) != 1 {
			t.Fatalf("%d score items (%v), want 1", len(all), err)
		}
	})
	t.Run("bad scores are refused", func(t *testing.T) {
		score(j1, accepted[unitA], map[string]any{"noi-dung": 11}).Expect(t, http.StatusBadRequest, "score_out_of_range")
		score(j1, accepted[unitA], map[string]any{"noi-dung": 7.5}).Expect(t, http.StatusBadRequest, "score_out_of_range")
		score(j1, accepted[unitA], map[string]any{"am-nhac": 5}).Expect(t, http.StatusBadRequest, "unknown_criterion")
		score(j1, accepted[unitA], map[string]any{}).Expect(t, http.StatusBadRequest, "scores_required")
		score(j1, pending.Clip.ID, map[string]any{"noi-dung": 5}).Expect(t, http.StatusConflict, "clip_not_accepted")
		score(j1, "phuong-phu-hoi.ffffffffffffffff", map[string]any{"noi-dung": 5}).Expect(t, http.StatusNotFound, "clip_not_found")
	})
	score(j2, accepted[unitA], map[string]any{"noi-dung": 8, "sang-tao": 8, "ky-thuat": 8}).Expect(t, http.StatusOK, "")
	score(j1, accepted[unitB], map[string]any{"noi-dung": 10, "sang-tao": 10, "ky-thuat": 5}).Expect(t, http.StatusOK, "")
	score(j1, accepted["so-noi-vu"], map[string]any{"noi-dung": 3}).Expect(t, http.StatusOK, "")

	t.Run("the jury lists accepted clips with its own scores", func(t *testing.T) {
		var list clip.List
		a.call(t, "GET", "/clips", j1, nil).Decode(t, &list)
		if len(list.Clips) != 3 {
			t.Fatalf("jury sees %d clips, want the 3 accepted", len(list.Clips))
		}
		for _, c := range list.Clips {
			if c.UploadedBy != nil || c.VideoURL == "" {
				t.Errorf("jury view %+v: want no uploader and a link", c)
			}
			if c.ID == accepted[unitA] && c.MyScores["noi-dung"] != 9 {
				t.Errorf("my scores %v", c.MyScores)
			}
		}
	})
	t.Run("the ranking averages per criterion and ranks per block", func(t *testing.T) {
		r := a.call(t, "GET", "/ranking", a.organiser(t), nil)
		r.Expect(t, http.StatusOK, "")
		var got clip.Ranking
		r.Decode(t, &got)
		if len(got.Blocks) != 2 || got.Blocks[0].Block != string(contest.BlockAgency) || got.Blocks[1].Block != string(contest.BlockCommune) {
			t.Fatalf("blocks %+v", got.Blocks)
		}
		communes := got.Blocks[1].Clips
		// A: (9+8)/2 + (7+8)/2 + (8+8)/2 = 24; B: 10+10+5 = 25.
		if len(communes) != 2 || communes[0].ClipID != accepted[unitB] || communes[0].Total != 25 || communes[1].Total != 24 ||
			communes[1].Averages["noi-dung"] != 8.5 || communes[1].Jurors != 2 || communes[0].Rank != 1 || communes[1].Rank != 2 {
			t.Errorf("communes ranked %+v", communes)
		}
	})
	t.Run("the published ranking goes with the results", func(t *testing.T) {
		a.call(t, "POST", "/ranking/publish", j1, nil).Expect(t, http.StatusForbidden, "organiser_only")
		a.call(t, "POST", "/ranking/publish", a.organiser(t), nil).Expect(t, http.StatusOK, "")
		for _, name := range []string{"ranking.json", "ranking.csv"} {
			if !a.objectExists(t, clip.RankingPrefix(demo.ContestID)+name) {
				t.Errorf("%s not published", name)
			}
		}
	})
	t.Run("the public gallery lists accepted clips that play", func(t *testing.T) {
		r := a.call(t, "GET", "/gallery", "", nil)
		r.Expect(t, http.StatusOK, "")
		var list clip.List
		r.Decode(t, &list)
		if len(list.Clips) != 3 {
			t.Fatalf("gallery has %d clips, want 3", len(list.Clips))
		}
		if strings.Contains(string(r.Body), "@") {
			t.Errorf("gallery shows an e-mail address: %s", r.Body)
		}
		resp, err := http.Get(list.Clips[0].VideoURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, good) {
			t.Errorf("video link: %d, %d bytes", resp.StatusCode, len(body))
		}
		a.call(t, "GET", "/gallery?contest=Bad!", "", nil).Expect(t, http.StatusNotFound, "contest_not_found")
	})
}

func TestConcurrentEventAndConfirmGiveOneVerdict(t *testing.T) {
	a := newClipsAPI(t, nil)
	tok := a.admin(t, unitA)
	for _, f := range mp4test.Fixtures()[:3] {
		u := a.requestUpload(t, tok, int64(len(f.Data)), false)
		mustPost(t, u, f.Data)
		key := clip.ObjectKey(demo.ContestID, unitA, u.Clip.ID)
		var wg sync.WaitGroup
		verdicts := make(chan string, 8)
		for i := range 8 {
			wg.Go(func() {
				if i%2 == 0 {
					out, err := a.h.HandleEvent(context.Background(), objectCreated(a.env.Bucket, key, int64(len(f.Data)), "ObjectCreated:Post"))
					if err != nil {
						t.Error(err)
						return
					}
					rec := out.(clipcheck.EventResult).Records[0]
					verdicts <- rec.Status + " " + rec.Reason
					return
				}
				r := testenv.Serve(a.routes, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil)
				var got clip.One
				if err := json.Unmarshal(r.Body, &got); err != nil || r.Status != 200 {
					t.Errorf("confirm: %d %s", r.Status, r.Body)
					return
				}
				verdicts <- got.Clip.Status + " " + got.Clip.Reason
			})
		}
		wg.Wait()
		close(verdicts)
		seen := map[string]int{}
		for v := range verdicts {
			seen[v]++
		}
		if len(seen) != 1 {
			t.Errorf("%s: verdicts %v, want one", f.Name, seen)
		}
	}
}

func TestTheDurationLimitHasASmallTolerance(t *testing.T) {
	a := newMemoryClipsAPI(t, func(s *clip.Settings) { s.Quota = 10 })
	tok := a.admin(t, unitA)
	for _, tt := range []struct {
		millis uint64
		status string
	}{
		{300_000, clip.Accepted},
		{300_500, clip.Accepted}, // 5:00 plus the 0.5 s tolerance
		{300_501, clip.Rejected},
	} {
		t.Run(fmt.Sprintf("%d ms is %s", tt.millis, tt.status), func(t *testing.T) {
			data := mp4test.Build(mp4test.Spec{Timescale: 1000, Duration: tt.millis, MediaBytes: 100})
			u := a.requestUpload(t, tok, int64(len(data)), false)
			a.send(t, u, data)
			var got clip.One
			a.call(t, "POST", "/clips/"+u.Clip.ID+"/confirm", tok, nil).Decode(t, &got)
			if got.Clip.Status != tt.status {
				t.Fatalf("%+v, want %s", got.Clip, tt.status)
			}
			if tt.status == clip.Rejected && !strings.Contains(got.Clip.Message, "5:00") {
				t.Errorf("message %q does not name the limit", got.Clip.Message)
			}
		})
	}
}

func TestOnlyTheUnitsOfTheNamedBlocksSendClips(t *testing.T) {
	a := newMemoryClipsAPI(t, func(s *clip.Settings) { s.Blocks = []contest.Block{contest.BlockCommune} })
	ward, agency := a.admin(t, unitA), a.admin(t, "so-noi-vu")
	mayUpload := func(t *testing.T, tok string) *bool {
		t.Helper()
		var list clip.List
		a.call(t, "GET", "/clips", tok, nil).Decode(t, &list)
		return list.MayUpload
	}
	t.Run("a ward's admin is told the unit may upload, and may", func(t *testing.T) {
		if got := mayUpload(t, ward); got == nil || !*got {
			t.Errorf("mayUpload = %v, want true", got)
		}
		a.requestUpload(t, ward, 1000, false)
	})
	t.Run("an agency's admin is told the unit may not, and is refused", func(t *testing.T) {
		if got := mayUpload(t, agency); got == nil || *got {
			t.Errorf("mayUpload = %v, want false", got)
		}
		a.call(t, "POST", "/uploads", agency, map[string]any{"title": "x", "genre": "khac", "size": 1000, "contentType": "video/mp4"}).
			Expect(t, http.StatusForbidden, "clip_not_for_unit")
	})
	t.Run("with no block named every unit's admin may upload", func(t *testing.T) {
		all := newMemoryClipsAPI(t, nil)
		var list clip.List
		all.call(t, "GET", "/clips", all.admin(t, "so-noi-vu"), nil).Decode(t, &list)
		if list.MayUpload == nil || !*list.MayUpload {
			t.Errorf("mayUpload = %v, want true", list.MayUpload)
		}
	})
}
