package cors

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/testenv"
)

const site = "https://hoithi.example.gov.vn"

func TestCORSAnswers(t *testing.T) {
	reg := func(context.Context) ([]contest.Contest, error) {
		return []contest.Contest{{ID: "hue", Origins: []string{"https://thi.hue.gov.vn"}}, {ID: "qt"}}, nil
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := New(site, platform.FunctionURLCORS, reg, time.Minute, nil, testenv.Logger()).Wrap(ok)
	tests := []struct {
		name, method, origin, preflight string
		wantStatus                      int
		wantOrigin, wantMethods         string
	}{
		{"the site's request gets its origin back", "GET", site, "", http.StatusTeapot, site, ""},
		{"a contest's own origin is allowed", "POST", "https://thi.hue.gov.vn", "", http.StatusTeapot, "https://thi.hue.gov.vn", ""},
		{"an unknown origin gets no CORS header, and the handler still answers", "GET", "https://evil.example", "", http.StatusTeapot, "", ""},
		{"a request without an origin gets no CORS header", "GET", "", "", http.StatusTeapot, "", ""},
		{"a preflight from a contest's origin is answered by the layer", "OPTIONS", "https://thi.hue.gov.vn", "PUT", http.StatusNoContent, "https://thi.hue.gov.vn", "GET,POST,PUT,DELETE"},
		{"a preflight from an unknown origin gets no CORS header", "OPTIONS", "https://evil.example", "POST", http.StatusNoContent, "", ""},
		{"a preflight for a method not allowed gets no CORS header", "OPTIONS", site, "PATCH", http.StatusNoContent, "", ""},
		{"an origin differing only by scheme is another origin", "GET", "http://thi.hue.gov.vn", "", http.StatusTeapot, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/rounds", nil)
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if tt.preflight != "" {
				r.Header.Set("Access-Control-Request-Method", tt.preflight)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.wantStatus || w.Header().Get("Access-Control-Allow-Origin") != tt.wantOrigin || w.Header().Get("Access-Control-Allow-Methods") != tt.wantMethods {
				t.Errorf("%d, allow origin %q, methods %q", w.Code, w.Header().Get("Access-Control-Allow-Origin"), w.Header().Get("Access-Control-Allow-Methods"))
			}
			if w.Header().Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials are never allowed")
			}
			if (tt.origin != "") != (w.Header().Get("Vary") == "Origin") {
				t.Errorf("Vary %q", w.Header().Get("Vary"))
			}
		})
	}
}

func TestOriginsAreReadOnceAWhile(t *testing.T) {
	reads := 0
	origins := []string{"https://a.example.vn"}
	var fail bool
	reg := func(context.Context) ([]contest.Contest, error) {
		reads++
		if fail {
			return nil, errors.New("throttled")
		}
		return []contest.Contest{{ID: "a", Origins: origins}}, nil
	}
	clock := testenv.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, contest.ICT))
	l := New(site, platform.FunctionURLCORS, reg, time.Minute, clock.Now, testenv.Logger())
	ctx := context.Background()
	t.Run("the site needs no read of the registry", func(t *testing.T) {
		if !l.Allowed(ctx, site) || reads != 0 {
			t.Errorf("allowed %v after %d reads", l.Allowed(ctx, site), reads)
		}
	})
	t.Run("a warm container reads the origins once per TTL", func(t *testing.T) {
		l.Allowed(ctx, "https://a.example.vn")
		l.Allowed(ctx, "https://b.example.vn")
		if reads != 1 {
			t.Errorf("%d reads, want 1", reads)
		}
	})
	t.Run("a new origin is allowed once the TTL has passed", func(t *testing.T) {
		origins = append(origins, "https://b.example.vn")
		if l.Allowed(ctx, "https://b.example.vn") {
			t.Error("allowed before the TTL")
		}
		clock.Advance(time.Minute)
		if !l.Allowed(ctx, "https://b.example.vn") {
			t.Error("not allowed after the TTL")
		}
	})
	t.Run("when the registry cannot be read, the site still works and others wait", func(t *testing.T) {
		fail = true
		clock.Advance(time.Minute)
		if l.Allowed(ctx, "https://a.example.vn") || !l.Allowed(ctx, site) {
			t.Error("want the site only")
		}
	})
}
