package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Response is one answer of a handler's HTTP API, served in process.
type Response struct {
	Method, Path string // the request, for messages
	Status       int
	Header       http.Header
	Body         []byte
	JSON         map[string]any // the body as a JSON object; nil if it is not one
}

// ErrorCode is the code of the body's {"error": {"code", "message"}}, or "".
func (r Response) ErrorCode() string { return r.errorField("code") }

// ErrorMessage is the participant's message of the body's error, or "".
func (r Response) ErrorMessage() string { return r.errorField("message") }

func (r Response) errorField(name string) string {
	e, _ := r.JSON["error"].(map[string]any)
	s, _ := e[name].(string)
	return s
}

// newRequest builds a request with a bearer token unless token is "". A nil
// body sends none, a string or []byte is sent as is, anything else as JSON.
// UserAgent is the browser every test request says it comes from, and
// RemoteAddress the address it comes from (httptest's): tests look for them
// where they must never appear (responses, published files).
const (
	UserAgent     = "HoiThi-test-browser/1.0 (kiểm thử)"
	RemoteAddress = "192.0.2.1"
)

func newRequest(method, path, token string, body any) (*http.Request, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("encode the body of %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("User-Agent", UserAgent)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

func serve(h http.Handler, req *http.Request) Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := Response{Method: req.Method, Path: req.URL.RequestURI(), Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	_ = json.Unmarshal(r.Body, &r.JSON)
	return r
}

// Serve runs one request through h (body as for Call) without checking the
// answer, so it is safe from any goroutine; Check the answer afterwards. A
// body that cannot be encoded is a bug in the test, and panics.
func Serve(h http.Handler, method, path, token string, body any) Response {
	req, err := newRequest(method, path, token, body)
	if err != nil {
		panic(err)
	}
	return serve(h, req)
}

// Call runs one request through h and Checks the answer. It sends
// "Authorization: Bearer <token>" unless token is "", and the body: none if
// nil, a string or []byte as is, anything else encoded as JSON.
func Call(t testing.TB, h http.Handler, method, path, token string, body any) Response {
	t.Helper()
	req, err := newRequest(method, path, token, body)
	if err != nil {
		t.Fatal(err)
	}
	r := serve(h, req)
	r.Check(t)
	return r
}

// Check checks the envelope every answer of the API has: a JSON object with
// a JSON content type; an error object (with a code and a message for the
// participant) exactly when the status is 400 or more.
func (r Response) Check(t testing.TB) {
	t.Helper()
	if err := json.Unmarshal(r.Body, new(map[string]any)); err != nil || r.JSON == nil {
		t.Fatalf("%s %s: body is not a JSON object: %v: %q", r.Method, r.Path, err, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type = %q, want application/json", r.Method, r.Path, ct)
	}
	if _, isErr := r.JSON["error"]; isErr && r.Status < 400 {
		t.Errorf("%s %s: status %d with an error body %s", r.Method, r.Path, r.Status, r.Body)
	}
	if r.Status >= 400 && (r.ErrorCode() == "" || r.ErrorMessage() == "") {
		t.Errorf("%s %s: status %d without an error code and message: %s", r.Method, r.Path, r.Status, r.Body)
	}
}

// Expect fails the test unless the answer has the status and the error code
// (none when code is "").
func (r Response) Expect(t testing.TB, status int, code string) {
	t.Helper()
	if r.Status != status || r.ErrorCode() != code {
		t.Fatalf("got %d %q, want %d %q; body %s", r.Status, r.ErrorCode(), status, code, r.Body)
	}
}

// Decode decodes the body into v.
func (r Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}
