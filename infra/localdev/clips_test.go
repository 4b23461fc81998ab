package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/mp4/mp4test"
	"github.com/hoithi/hoithi/shared/token"
)

// clipPlatform is a platform of its own for the clip tests: its S3 server
// (versitygw) sends its bucket notifications to localdev's webhook, which
// hands them to the clips function's binary, as S3 notifies Lambda on AWS.
// The shared S3 server of `make test` has no functions behind its webhook.
func clipPlatform(t *testing.T) *Platform {
	t.Helper()
	e := need(t)
	ctx := context.Background()
	suffix := randomHex(4)
	p := &Platform{
		Root: e.p.Root, StateDir: t.TempDir(), Table: "hoithi-clips-" + suffix, Bucket: "hoithi-clips-" + suffix,
		Contest: demo.ContestID, TokenKey: randomHex(32), DynamoURL: e.p.DynamoURL, ExtraEnv: e.clock.Env(),
	}
	t.Cleanup(p.Stop)
	if err := p.StartServers(ctx, Ports{}); err != nil {
		t.Fatal(err)
	}
	if err := p.CreateResources(ctx); err != nil {
		t.Fatal(err)
	}
	db, obj := p.Clients()
	if _, err := demo.Seed(ctx, dynamo.New(db, p.Table, nil), blob.NewBankBucket(obj, p.Bucket), e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	// The binaries TestMain built.
	if err := os.Symlink(e.p.path("bin"), p.path("bin")); err != nil {
		t.Fatal(err)
	}
	if err := p.StartFunctions(ctx, Ports{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // before Stop: a server or function that died under the test
		if err := p.Failure(); err != nil {
			t.Error(err)
		}
	})
	return p
}

// clipAdmin signs a token for the unit admin of a demo ward.
func clipAdmin(t *testing.T, p *Platform, unit string) string {
	t.Helper()
	for _, m := range demo.Roster() {
		if m.UnitID == unit && m.Has(contest.RoleUnitAdmin) {
			s, err := token.NewSigner([]byte(p.TokenKey), time.Hour, env.clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			tok, _, err := s.Issue(token.ClaimsFor(demo.ContestID, m))
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
	}
	t.Fatalf("no admin for %s", unit)
	return ""
}

type clipJSON struct {
	ID              string  `json:"id"`
	Status          string  `json:"status"`
	Reason          string  `json:"reason"`
	DurationSeconds float64 `json:"durationSeconds"`
}

// callClips calls the clips function URL as the site does (from its origin).
func callClips(t *testing.T, p *Platform, method, path, tok string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, p.FunctionURLs["clips"]+path, rd)
	req.Header.Set("Origin", p.SiteURL)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Access-Control-Allow-Origin") != p.SiteURL {
		t.Errorf("%s %s: no CORS for the site", method, path)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

func TestClipUploadsAreCheckedThroughTheBucketNotifications(t *testing.T) {
	p := clipPlatform(t)
	ctx := context.Background()
	_, obj := p.Clients()
	tok := clipAdmin(t, p, "phuong-phu-hoi")
	fixtures := map[string]mp4test.Fixture{}
	for _, f := range mp4test.Fixtures() {
		fixtures[f.Name] = f
	}

	for _, tt := range []struct {
		fixture, status, reason string
	}{
		{"moov-last-4m59.mp4", clip.Accepted, ""},
		{"moov-first-5m01.mp4", clip.Rejected, "too_long"},
		{"truncated-in-mdat.mp4", clip.Rejected, "truncated"},
	} {
		t.Run(tt.fixture+" uploaded from the site is checked without a confirm", func(t *testing.T) {
			data := fixtures[tt.fixture].Data
			var up struct {
				Clip   clipJSON `json:"clip"`
				Upload struct {
					URL    string            `json:"url"`
					Fields map[string]string `json:"fields"`
				} `json:"upload"`
			}
			if status := callClips(t, p, "POST", "/uploads", tok, map[string]any{"title": "Clip " + tt.fixture, "genre": "phong-su", "size": len(data), "contentType": "video/mp4"}, &up); status != http.StatusCreated {
				t.Fatalf("request upload: %d", status)
			}

			// The browser's preflight and form POST, from the site's origin.
			pre, _ := http.NewRequest("OPTIONS", up.Upload.URL, nil)
			pre.Header.Set("Origin", p.SiteURL)
			pre.Header.Set("Access-Control-Request-Method", "POST")
			resp, err := http.DefaultClient.Do(pre)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != p.SiteURL {
				t.Errorf("preflight from the site: Access-Control-Allow-Origin %q, want %q", got, p.SiteURL)
			}
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			for k, v := range up.Upload.Fields {
				_ = mw.WriteField(k, v)
			}
			fw, _ := mw.CreateFormFile("file", tt.fixture)
			_, _ = fw.Write(data)
			_ = mw.Close()
			req, _ := http.NewRequest("POST", up.Upload.URL, &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Origin", p.SiteURL)
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 != 2 || resp.Header.Get("Access-Control-Allow-Origin") != p.SiteURL {
				t.Fatalf("POST to S3: %d %s, CORS origin %q", resp.StatusCode, raw, resp.Header.Get("Access-Control-Allow-Origin"))
			}

			// The notification (its key empty: a POST) reaches the function.
			var got clipJSON
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) {
				var list struct {
					Clips []clipJSON `json:"clips"`
				}
				callClips(t, p, "GET", "/clips", tok, nil, &list)
				for _, c := range list.Clips {
					if c.ID == up.Clip.ID {
						got = c
					}
				}
				if got.Status != "" && got.Status != clip.Uploading {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if got.Status != tt.status || got.Reason != tt.reason {
				t.Fatalf("clip %+v, want %s %s (see %s)", got, tt.status, tt.reason, p.path("logs", "s3-events.log"))
			}
			// the verdict is stored before a rejected object is removed: wait for it
			want := tt.status == clip.Accepted
			exists := !want
			for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
				_, err = obj.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(p.Bucket), Key: aws.String(up.Upload.Fields["key"])})
				if exists = err == nil; exists == want {
					break
				}
			}
			if exists != want {
				t.Errorf("object exists %v after %s", exists, tt.status)
			}
		})
	}

	t.Run("an object written under clips/ without an issued upload is removed", func(t *testing.T) {
		key := "clips/demo/phuong-phu-hoi/phuong-phu-hoi.00000000000000ff.mp4"
		if _, err := obj.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(p.Bucket), Key: aws.String(key), Body: bytes.NewReader([]byte("not a clip"))}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := obj.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(p.Bucket), Key: aws.String(key)}); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("%s still there (see %s)", key, p.path("logs", "s3-events.log"))
	})

	t.Run("the bucket's CORS allows the site's origin only", func(t *testing.T) {
		pre, _ := http.NewRequest("OPTIONS", p.S3URL+"/"+p.Bucket, nil)
		pre.Header.Set("Origin", "https://evil.example")
		pre.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(pre)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("preflight from another origin: Access-Control-Allow-Origin %q, want none", got)
		}
	})
}
