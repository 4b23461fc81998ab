package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestSiteSendsTheFramingHeadersOfCloudFront(t *testing.T) {
	// GIVEN a site folder with pages and the embeddable banner
	root := t.TempDir()
	for name, body := range map[string]string{
		"web/index.html":        "<!doctype html><title>HoiThi</title>",
		"web/app.js":            "// app",
		"web/embed/banner.html": "<!doctype html><title>Banner</title>",
		"web/embed/banner.css":  "body{}",
	} {
		f := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := &Platform{Root: root, Contest: "demo", FunctionURLs: map[string]string{"auth": "http://127.0.0.1:1"}}
	site := p.siteHandler()
	cases := []struct {
		path                     string
		status                   int
		frameOptions, csp, cache string
	}{
		{"/", 200, "SAMEORIGIN", "", "no-cache"},
		{"/index.html", 301, "SAMEORIGIN", "", "no-cache"}, // the file server redirects to /
		{"/app.js", 200, "SAMEORIGIN", "", "no-cache"},
		{"/config.js", 200, "SAMEORIGIN", "", "no-store"},
		{"/missing.html", 404, "SAMEORIGIN", "", ""},
		{"/embed/banner.html", 200, "", "frame-ancestors *", "no-cache"},
		{"/embed/banner.css", 200, "", "frame-ancestors *", "no-cache"},
		{"/embed/../index.html", 301, "SAMEORIGIN", "", "no-cache"}, // not the banner once cleaned
		// /results/* gets no framing header on AWS either (CORS_ALLOW_ALL_ORIGINS)
		{"/results/../index.html", 404, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			// WHEN the page is requested
			req := httptest.NewRequest(http.MethodGet, "http://site.test/", nil)
			req.URL.Path = c.path
			w := httptest.NewRecorder()
			site.ServeHTTP(w, req)
			h := w.Result().Header
			// THEN only the banner may be framed by other sites, and nothing is sniffed
			if w.Code != c.status {
				t.Errorf("status %d, want %d", w.Code, c.status)
			}
			if got := h.Get("X-Frame-Options"); got != c.frameOptions {
				t.Errorf("X-Frame-Options %q, want %q", got, c.frameOptions)
			}
			if got := h.Get("Content-Security-Policy"); got != c.csp {
				t.Errorf("Content-Security-Policy %q, want %q", got, c.csp)
			}
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" { // http.Error sets it on /results/ 404s
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			// AND the caching stays as it was
			if got := h.Get("Cache-Control"); got != c.cache {
				t.Errorf("Cache-Control %q, want %q", got, c.cache)
			}
		})
	}
}
