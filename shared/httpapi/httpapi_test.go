package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// decodeError reads an error response body.
func decodeError(t *testing.T, body []byte) httpapi.ErrorDetail {
	t.Helper()
	var b httpapi.ErrorBody
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	return b.Error
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name string
		kind fault.Kind
		want int
	}{
		{name: "an internal error is 500", kind: fault.KindInternal, want: http.StatusInternalServerError},
		{name: "an invalid request is 400", kind: fault.KindInvalid, want: http.StatusBadRequest},
		{name: "an unauthorized caller is 401", kind: fault.KindUnauthorized, want: http.StatusUnauthorized},
		{name: "a forbidden action is 403", kind: fault.KindForbidden, want: http.StatusForbidden},
		{name: "an unknown resource is 404", kind: fault.KindNotFound, want: http.StatusNotFound},
		{name: "a conflict is 409", kind: fault.KindConflict, want: http.StatusConflict},
		{name: "an action outside its window is 409", kind: fault.KindClosed, want: http.StatusConflict},
		{name: "a field naming something the contest does not have is 422", kind: fault.KindUnprocessable, want: http.StatusUnprocessableEntity},
		{name: "a body too large is 413", kind: fault.KindTooLarge, want: http.StatusRequestEntityTooLarge},
		{name: "too many requests is 429", kind: fault.KindRateLimited, want: http.StatusTooManyRequests},
		{name: "an unknown kind is 500", kind: fault.Kind(99), want: http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := httpapi.Status(tt.kind); got != tt.want {
				t.Errorf("Status(%d) = %d, want %d", tt.kind, got, tt.want)
			}
		})
	}
}

func TestWriteErrorForClientErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{name: "an invalid fault answers 400 with its code and message",
			err: fault.Invalid("invalid_email", "Địa chỉ email không hợp lệ."), wantStatus: 400, wantCode: "invalid_email", wantMsg: "Địa chỉ email không hợp lệ."},
		{name: "a rate-limit fault answers 429 with its code and message",
			err: fault.RateLimited("code_rate_limited", "Vui lòng đợi 42 giây."), wantStatus: 429, wantCode: "code_rate_limited", wantMsg: "Vui lòng đợi 42 giây."},
		{name: "a closed fault answers 409 with its code and message",
			err: fault.Closed("round_closed", "Tuần thi đã kết thúc."), wantStatus: 409, wantCode: "round_closed", wantMsg: "Tuần thi đã kết thúc."},
		{name: "a wrapped fault keeps its status, code and message",
			err: fmt.Errorf("submit paper x: %w", fault.Conflict("paper_submitted", "Bài thi đã được nộp.")), wantStatus: 409, wantCode: "paper_submitted", wantMsg: "Bài thi đã được nộp."},
		{name: "a fault with a cause shows its message, not the cause",
			err:        &fault.Error{Kind: fault.KindUnauthorized, Code: "token_invalid", Message: "Phiên đăng nhập không hợp lệ.", Err: errors.New("signature mismatch secret-detail")},
			wantStatus: 401, wantCode: "token_invalid", wantMsg: "Phiên đăng nhập không hợp lệ."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/papers", nil)
			httpapi.WriteError(w, r, discard(), tt.err)
			if got := w.Code; got != tt.wantStatus {
				t.Errorf("status = %d, want %d", got, tt.wantStatus)
			}
			if got, want := w.Header().Get("Content-Type"), "application/json; charset=utf-8"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			d := decodeError(t, w.Body.Bytes())
			if d.Code != tt.wantCode || d.Message != tt.wantMsg {
				t.Errorf("error = {%q, %q}, want {%q, %q}", d.Code, d.Message, tt.wantCode, tt.wantMsg)
			}
			if d.RequestID != "" {
				t.Errorf("requestId = %q, want none on a client error", d.RequestID)
			}
			if strings.Contains(w.Body.String(), "secret-detail") {
				t.Errorf("body %s shows the wrapped cause", w.Body)
			}
		})
	}
}

func TestWriteErrorForInternalErrors(t *testing.T) {
	const cause = "dial tcp 10.0.0.7:443: connection refused on table hoithi-prod"
	tests := []struct {
		name string
		err  error
	}{
		{name: "a plain error answers 500 internal without its cause", err: errors.New(cause)},
		{name: "a wrapped plain error answers 500 internal without its cause", err: fmt.Errorf("get paper: %w", errors.New(cause))},
		{name: "an internal-kind fault answers 500 internal without its code", err: &fault.Error{Kind: fault.KindInternal, Code: "store_broken", Message: cause, Err: errors.New(cause)}},
		{name: "a deadline exceeded answers 500 internal", err: fmt.Errorf("%s: %w", cause, context.DeadlineExceeded)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&logs, nil))
			h := httpapi.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				httpapi.WriteError(w, r, log, tt.err)
			}), log)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/rounds", nil))

			if got, want := w.Code, http.StatusInternalServerError; got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
			d := decodeError(t, w.Body.Bytes())
			if got, want := d.Code, "internal"; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
			id := w.Header().Get("X-Request-Id")
			if id == "" {
				t.Fatal("X-Request-Id header is empty, want the request id")
			}
			if got, want := d.RequestID, id; got != want {
				t.Errorf("requestId = %q, want %q (the X-Request-Id header)", got, want)
			}
			for _, secret := range []string{"10.0.0.7", "hoithi-prod", "store_broken", "connection refused"} {
				if strings.Contains(w.Body.String(), secret) {
					t.Errorf("body %s reveals %q of the cause", w.Body, secret)
				}
			}
			if !strings.Contains(logs.String(), "connection refused") || !strings.Contains(logs.String(), id) {
				t.Errorf("logs %s do not carry the cause with request id %q", logs.String(), id)
			}
		})
	}
}

func TestWrapRequestID(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"id": httpapi.RequestID(r.Context())})
	})
	tests := []struct {
		name   string
		ctx    context.Context
		wantID string // "" means any non-empty generated id
	}{
		{name: "a local request gets a generated id", ctx: context.Background()},
		{name: "a Lambda request uses the Lambda request id", ctx: lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "c6af9ac6-7b61-11e6-9a41-93e812345678"}),
			wantID: "c6af9ac6-7b61-11e6-9a41-93e812345678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			httpapi.Wrap(echo, discard()).ServeHTTP(w, httptest.NewRequestWithContext(tt.ctx, "GET", "/", nil))
			header := w.Header().Get("X-Request-Id")
			var body struct{ ID string }
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if header == "" {
				t.Fatal("X-Request-Id is empty")
			}
			if body.ID != header {
				t.Errorf("RequestID(ctx) = %q, want the header %q", body.ID, header)
			}
			if tt.wantID != "" && header != tt.wantID {
				t.Errorf("X-Request-Id = %q, want %q", header, tt.wantID)
			}
		})
	}
	t.Run("two requests get different ids", func(t *testing.T) {
		h := httpapi.Wrap(echo, discard())
		a, b := httptest.NewRecorder(), httptest.NewRecorder()
		h.ServeHTTP(a, httptest.NewRequest("GET", "/", nil))
		h.ServeHTTP(b, httptest.NewRequest("GET", "/", nil))
		if a.Header().Get("X-Request-Id") == b.Header().Get("X-Request-Id") {
			t.Errorf("both requests got id %q", a.Header().Get("X-Request-Id"))
		}
	})
}

func TestWrapRecoversPanics(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
		wantCode   string
	}{
		{name: "a panic before writing becomes a 500 internal with the request id",
			handler:    func(http.ResponseWriter, *http.Request) { panic("nil map in grade at secret-place") },
			wantStatus: 500, wantCode: "internal"},
		{name: "a panic with an error value becomes a 500 internal",
			handler:    func(http.ResponseWriter, *http.Request) { panic(errors.New("secret-place exploded")) },
			wantStatus: 500, wantCode: "internal"},
		{name: "a panic after the response started keeps the response",
			handler: func(w http.ResponseWriter, r *http.Request) {
				httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"ok": "yes"})
				panic("late secret-place")
			},
			wantStatus: 202},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("panic escaped Wrap: %v", p)
					}
				}()
				httpapi.Wrap(tt.handler, discard()).ServeHTTP(w, httptest.NewRequest("POST", "/papers", nil))
			}()
			if got := w.Code; got != tt.wantStatus {
				t.Errorf("status = %d, want %d", got, tt.wantStatus)
			}
			if strings.Contains(w.Body.String(), "secret-place") {
				t.Errorf("body %s reveals the panic value", w.Body)
			}
			if tt.wantCode == "" {
				if strings.Contains(w.Body.String(), "internal") {
					t.Errorf("body %s has an internal error appended to a started response", w.Body)
				}
				return
			}
			d := decodeError(t, w.Body.Bytes())
			if d.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", d.Code, tt.wantCode)
			}
			if id := w.Header().Get("X-Request-Id"); id == "" || d.RequestID != id {
				t.Errorf("requestId = %q, want the X-Request-Id header %q", d.RequestID, id)
			}
		})
	}
}

type answersBody struct {
	PaperID string            `json:"paperId"`
	Answers map[string]string `json:"answers"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		limit    int64
		want     answersBody
		wantKind fault.Kind // checked only when wantCode is set
		wantCode string
	}{
		{name: "a valid object is decoded", body: `{"paperId":"p1","answers":{"s001":"A"}}`,
			want: answersBody{PaperID: "p1", Answers: map[string]string{"s001": "A"}}},
		{name: "surrounding white space is fine", body: " \n{\"paperId\":\"p1\"}\n\t ", want: answersBody{PaperID: "p1"}},
		{name: "unknown fields are ignored", body: `{"paperId":"p1","extra":{"x":[1,2,3]},"more":true}`, want: answersBody{PaperID: "p1"}},
		{name: "Vietnamese text is kept", body: `{"paperId":"Tuần 1 – đề"}`, want: answersBody{PaperID: "Tuần 1 – đề"}},
		{name: "an empty body is invalid", body: ``, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "a body of white space is invalid", body: "  \n ", wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "malformed JSON is invalid", body: `{"paperId":`, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "a wrong type is invalid", body: `{"paperId":42}`, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "an array instead of an object is invalid", body: `[{"paperId":"p1"}]`, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "a second object after the first is trailing data", body: `{"paperId":"p1"}{"paperId":"p2"}`, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "a word after the object is trailing data", body: `{"paperId":"p1"} x`, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "a closing brace after the object is trailing data", body: `{"paperId":"p1"}}`, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "a closing bracket after the object is trailing data", body: `{"paperId":"p1"}]`, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "anything after a stray closing bracket is trailing data", body: `{"paperId":"p1"}] {"paperId":"p2"} garbage`, wantKind: fault.KindInvalid, wantCode: "invalid_json"},
		{name: "an object of exactly the limit is accepted", body: `{"paperId":"` + strings.Repeat("a", 64-14) + `"}`, limit: 64,
			want: answersBody{PaperID: strings.Repeat("a", 64-14)}},
		{name: "an object one byte over the limit is too large", body: `{"paperId":"` + strings.Repeat("a", 64-13) + `"}`, limit: 64,
			wantKind: fault.KindTooLarge, wantCode: "body_too_large"},
		{name: "a small object followed by white space past the limit is too large", body: `{"paperId":"p1"}` + strings.Repeat(" ", 100), limit: 64,
			wantKind: fault.KindTooLarge, wantCode: "body_too_large"},
		{name: "a body over the default limit is too large when no limit is given", body: `{"paperId":"` + strings.Repeat("a", httpapi.DefaultBodyLimit) + `"}`,
			wantKind: fault.KindTooLarge, wantCode: "body_too_large"},
		{name: "a body under the default limit is accepted when no limit is given", body: `{"paperId":"` + strings.Repeat("a", httpapi.DefaultBodyLimit-100) + `"}`,
			want: answersBody{PaperID: strings.Repeat("a", httpapi.DefaultBodyLimit-100)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got answersBody
			w := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/papers", strings.NewReader(tt.body))
			err := httpapi.DecodeJSON(w, r, &got, tt.limit)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("DecodeJSON error = %v, want nil", err)
				}
				if got.PaperID != tt.want.PaperID || fmt.Sprint(got.Answers) != fmt.Sprint(tt.want.Answers) {
					t.Errorf("DecodeJSON = %+v, want %+v", got, tt.want)
				}
				return
			}
			fe, ok := fault.As(err)
			if !ok {
				t.Fatalf("DecodeJSON error = %v (decoded %+v), want a fault with code %q", err, got, tt.wantCode)
			}
			if fe.Code != tt.wantCode || fe.Kind != tt.wantKind {
				t.Errorf("DecodeJSON fault = {kind %d, code %q}, want {kind %d, code %q}", fe.Kind, fe.Code, tt.wantKind, tt.wantCode)
			}
			if fe.Message == "" {
				t.Error("fault message is empty")
			}
		})
	}
}

// TestDecodeJSONThroughWriteError checks the answer a client sees for a body
// over the limit: 413 with code body_too_large.
func TestDecodeJSONThroughWriteError(t *testing.T) {
	h := httpapi.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v answersBody
		if err := httpapi.DecodeJSON(w, r, &v, 32); err != nil {
			httpapi.WriteError(w, r, discard(), err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}), discard())
	tests := []struct {
		name       string
		body       io.Reader
		wantStatus int
		wantCode   string
	}{
		{name: "a small body is served", body: strings.NewReader(`{"paperId":"p"}`), wantStatus: 204},
		{name: "a large body answers 413 body_too_large", body: strings.NewReader(`{"paperId":"` + strings.Repeat("x", 1000) + `"}`), wantStatus: 413, wantCode: "body_too_large"},
		{name: "an empty body answers 400 invalid_json", body: strings.NewReader(""), wantStatus: 400, wantCode: "invalid_json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("POST", "/papers", tt.body))
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", w.Code, tt.wantStatus, w.Body)
			}
			if tt.wantCode != "" {
				if got := decodeError(t, w.Body.Bytes()).Code; got != tt.wantCode {
					t.Errorf("code = %q, want %q", got, tt.wantCode)
				}
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rounds", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.Handle("/", httpapi.NotFound(discard()))
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
	}{
		{name: "a known route is served", method: "GET", path: "/rounds", wantStatus: 200},
		{name: "an unknown path answers 404 route_not_found", method: "GET", path: "/nope", wantStatus: 404},
		{name: "a deep unknown path answers 404 route_not_found", method: "POST", path: "/a/b/c", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			httpapi.Wrap(mux, discard()).ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if tt.wantStatus != 404 {
				return
			}
			d := decodeError(t, w.Body.Bytes())
			if got, want := d.Code, "route_not_found"; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
			if d.Message == "" {
				t.Error("message is empty")
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	w := httptest.NewRecorder()
	httpapi.WriteJSON(w, http.StatusCreated, map[string]string{"title": "Tuần 1 <b>&</b>"})
	tests := []struct {
		name      string
		got, want string
	}{
		{name: "the status is the one given", got: fmt.Sprint(w.Code), want: "201"},
		{name: "the content type is JSON in UTF-8", got: w.Header().Get("Content-Type"), want: "application/json; charset=utf-8"},
		{name: "responses are not cached", got: w.Header().Get("Cache-Control"), want: "no-store"},
		{name: "HTML characters are not escaped", got: strings.TrimSpace(w.Body.String()), want: `{"title":"Tuần 1 <b>&</b>"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestStoreOutagesAre503WithRetryAfter(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	awsError := func(code string, f smithy.ErrorFault) error {
		return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "GetItem", Err: &smithy.GenericAPIError{Code: code, Message: "x", Fault: f}}
	}
	response := func(status int) error {
		return &smithy.OperationError{ServiceID: "S3", OperationName: "GetObject", Err: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: errors.New("answer")}}
	}
	tests := []struct {
		name        string
		err         error
		unavailable bool
	}{
		{"DynamoDB unreachable (connection refused) is unavailable",
			fmt.Errorf("get contest demo: %w", &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "GetItem", Err: &smithyhttp.RequestSendError{Err: refused}}), true},
		{"DynamoDB throttling is unavailable", awsError("ThrottlingException", smithy.FaultClient), true},
		{"DynamoDB's provisioned throughput exceeded is unavailable", awsError("ProvisionedThroughputExceededException", smithy.FaultClient), true},
		{"a DynamoDB server error is unavailable", awsError("InternalServerError", smithy.FaultServer), true},
		{"S3 asking to slow down is unavailable", awsError("SlowDown", smithy.FaultServer), true},
		{"an S3 answer 503 is unavailable", response(503), true},
		{"an S3 answer 500 is unavailable", response(500), true},
		{"a failed condition is not an outage", awsError("ConditionalCheckFailedException", smithy.FaultClient), false},
		{"access denied is not an outage (a bug to fix)", awsError("AccessDeniedException", smithy.FaultClient), false},
		{"an S3 answer 403 is not an outage", response(403), false},
		{"a plain error is not an outage", errors.New("unmarshal item: bad"), false},
		{"a cancelled request is not an outage", fmt.Errorf("get: %w", context.Canceled), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := httpapi.Unavailable(tt.err); got != tt.unavailable {
				t.Fatalf("Unavailable = %v, want %v", got, tt.unavailable)
			}
			w := httptest.NewRecorder()
			httpapi.WriteError(w, httptest.NewRequest("GET", "/rounds", nil), discard(), tt.err)
			if !tt.unavailable {
				if w.Code == http.StatusServiceUnavailable {
					t.Errorf("status 503 for an error that is no outage")
				}
				return
			}
			d := decodeError(t, w.Body.Bytes())
			if w.Code != http.StatusServiceUnavailable || d.Code != "unavailable" {
				t.Errorf("answer %d %q, want 503 unavailable", w.Code, d.Code)
			}
			if got := w.Header().Get("Retry-After"); got != "5" || d.RetryAfterSeconds != 5 {
				t.Errorf("Retry-After %q, retryAfterSeconds %d, want 5 and 5", got, d.RetryAfterSeconds)
			}
			if !strings.Contains(d.Message, "thử lại") || strings.Contains(w.Body.String(), "refused") {
				t.Errorf("message %q should say to try again and hide the cause", d.Message)
			}
		})
	}
}

func TestRetryAfterOfAFault(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a limit that names its wait sends it, rounded up to whole seconds", fault.RateLimited("limited", "Đợi.").After(41500 * time.Millisecond), "42"},
		{"a limit without a wait sends none", fault.RateLimited("limited", "Đợi."), ""},
		{"an unavailable fault without a wait asks for 5 seconds", fault.Unavailable("mail_unavailable", "Thử lại."), "5"},
		{"an unavailable fault with a wait sends it", fault.Unavailable("mail_unavailable", "Thử lại.").After(30 * time.Second), "30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			httpapi.WriteError(w, httptest.NewRequest("POST", "/codes", nil), discard(), tt.err)
			if got := w.Header().Get("Retry-After"); got != tt.want {
				t.Errorf("Retry-After = %q, want %q", got, tt.want)
			}
		})
	}
}
