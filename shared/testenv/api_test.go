package testenv

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// echo answers with what it was sent, or with the status and body of the
// request's ?status= and ?body= when they are given.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if ct := r.URL.Query().Get("ct"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	status, body := http.StatusOK, r.URL.Query().Get("body")
	if s := r.URL.Query().Get("status"); s != "" {
		_, _ = fmt.Sscan(s, &status)
	}
	if body == "" {
		body = fmt.Sprintf(`{"auth":%q,"type":%q,"body":%q}`, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), data)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
})

// fakeT records failures; Fatal ends the goroutine it runs on, as in testing.
type fakeT struct {
	testing.TB
	errors []string
	fatal  bool
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeT) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }
func (f *fakeT) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.fatal = true
	runtime.Goexit()
}

// failures runs check on a fake T and returns what it reported.
func failures(check func(t testing.TB)) *fakeT {
	f := &fakeT{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(f)
	}()
	<-done
	return f
}

func TestCallSendsTheTokenAndTheBody(t *testing.T) {
	tests := []struct {
		name      string
		token     string
		body      any
		auth, typ string
		sent      string
	}{
		{"no token, no body", "", nil, "", "", ""},
		{"a token and a JSON body", "tok", map[string]int{"a": 1}, "Bearer tok", "application/json", `{"a":1}`},
		{"a string as is", "", `{"raw":`, "", "application/json", `{"raw":`},
		{"bytes as is", "", []byte("x"), "", "application/json", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct{ Auth, Type, Body string }
			r := Call(t, echo, http.MethodPost, "/x", tt.token, tt.body)
			r.Expect(t, http.StatusOK, "")
			r.Decode(t, &got)
			if got.Auth != tt.auth || got.Type != tt.typ || got.Body != tt.sent {
				t.Errorf("sent %+v, want auth %q type %q body %q", got, tt.auth, tt.typ, tt.sent)
			}
			if r.Method != http.MethodPost || r.Path != "/x" || r.JSON["body"] != tt.sent {
				t.Errorf("response %+v does not carry the request and the parsed body", r)
			}
		})
	}
}

func TestCheckAndExpectFailWrongAnswers(t *testing.T) {
	const apiError = `{"error":{"code":"nope","message":"Không được."}}`
	tests := []struct {
		name   string
		query  string
		status int
		code   string
		fails  string // in the failure message; "" when none
	}{
		{"a success", "", 200, "", ""},
		{"an expected error", "status=403&body=" + apiError, 403, "nope", ""},
		{"another status", "status=404&body=" + apiError, 403, "nope", "got 404"},
		{"another code", "status=403&body=" + apiError, 403, "other", `"nope"`},
		{"an error where a success is wanted", "status=403&body=" + apiError, 200, "", "got 403"},
		{"not JSON", "body=oops", 200, "", "not a JSON object"},
		{"JSON null", "body=null", 200, "", "not a JSON object"},
		{"not a JSON content type", "ct=text/plain", 200, "", "Content-Type"},
		{"an error body on a success", "body=" + apiError, 200, "nope", "with an error body"},
		{"an error without a message", `status=400&body={"error":{"code":"bad"}}`, 400, "bad", "without an error code and message"},
		{"an error without a code", `status=400&body={"error":{"message":"Sai."}}`, 400, "", "without an error code and message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := failures(func(ft testing.TB) {
				Call(ft, echo, http.MethodGet, "/x?"+strings.ReplaceAll(tt.query, " ", "%20"), "", nil).Expect(ft, tt.status, tt.code)
			})
			msgs := strings.Join(f.errors, "\n")
			switch {
			case tt.fails == "" && len(f.errors) > 0:
				t.Errorf("failed: %s", msgs)
			case tt.fails != "" && !strings.Contains(msgs, tt.fails):
				t.Errorf("failures %q, want one saying %q", msgs, tt.fails)
			}
		})
	}
}

func TestServeChecksNothingAndDecodeFailsOnBadJSON(t *testing.T) {
	r := Serve(echo, http.MethodGet, "/x?body=oops", "", nil)
	if r.Status != http.StatusOK || string(r.Body) != "oops" || r.JSON != nil {
		t.Errorf("Serve = %+v, want the raw answer", r)
	}
	f := failures(func(ft testing.TB) { r.Decode(ft, &struct{}{}) })
	if !f.fatal {
		t.Errorf("Decode of %q did not fail", r.Body)
	}
	if f := failures(r.Check); !f.fatal {
		t.Errorf("Check of %q did not fail", r.Body)
	}
}
