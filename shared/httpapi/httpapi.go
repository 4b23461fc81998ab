// Package httpapi is the HTTP layer every function shares: JSON responses, the
// one place where error kinds become HTTP status codes, bounded JSON decoding,
// request ids, panic recovery and access logs.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/hoithi/hoithi/shared/fault"
)

// DefaultBodyLimit bounds request bodies unless a handler asks for less.
const DefaultBodyLimit = 16 << 10

type requestIDKey struct{}

// RequestID returns the id of the request being served (the Lambda request id
// on AWS), or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Wrap adds what every function needs around its routes: a request id (echoed
// in X-Request-Id), panic recovery into a 500, and one access-log line.
func Wrap(h http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ""
		if lc, ok := lambdacontext.FromContext(r.Context()); ok {
			id = lc.AwsRequestID
		}
		if id == "" {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic", "requestId", id, "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p))
				if !rec.wrote {
					writeInternal(rec, id)
				}
			}
			log.Info("request", "requestId", id, "method", r.Method, "path", r.URL.Path,
				"status", rec.status, "ms", time.Since(start).Milliseconds())
		}()
		h.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(p)
}

// WriteJSON writes v as a JSON response with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries a stable code, a Vietnamese message and, for internal
// errors, the request id to quote to support.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId,omitempty"`
}

// Status maps an error kind to its HTTP status.
func Status(k fault.Kind) int {
	switch k {
	case fault.KindInvalid:
		return http.StatusBadRequest
	case fault.KindUnauthorized:
		return http.StatusUnauthorized
	case fault.KindForbidden:
		return http.StatusForbidden
	case fault.KindNotFound:
		return http.StatusNotFound
	case fault.KindConflict, fault.KindClosed:
		return http.StatusConflict
	case fault.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case fault.KindRateLimited:
		return http.StatusTooManyRequests
	case fault.KindUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// WriteError answers with err: a client error's code and message, or for any
// other error only "internal" and the request id (the cause is logged here, once).
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if fe, ok := fault.As(err); ok && fe.Kind != fault.KindInternal {
		WriteJSON(w, Status(fe.Kind), ErrorBody{Error: ErrorDetail{Code: fe.Code, Message: fe.Message}})
		return
	}
	id := RequestID(r.Context())
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		log.Warn("request aborted", "requestId", id, "path", r.URL.Path, "err", err)
	} else {
		log.Error("internal error", "requestId", id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeInternal(w, id)
}

func writeInternal(w http.ResponseWriter, id string) {
	WriteJSON(w, http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{
		Code:      "internal",
		Message:   "Hệ thống đang gặp sự cố. Vui lòng thử lại sau giây lát; nếu vẫn lỗi, báo mã yêu cầu này cho Ban tổ chức.",
		RequestID: id,
	}})
}

// DecodeJSON reads a JSON object of at most limit bytes into dst. Empty,
// malformed, oversized bodies and trailing data are client errors.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any, limit int64) error {
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	if err := dec.Decode(dst); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return &fault.Error{Kind: fault.KindTooLarge, Code: "body_too_large",
				Message: fmt.Sprintf("Dữ liệu gửi lên quá lớn (tối đa %d KB).", limit>>10), Err: err}
		case errors.Is(err, io.EOF):
			return &fault.Error{Kind: fault.KindInvalid, Code: "invalid_json", Message: "Thiếu dữ liệu JSON trong yêu cầu.", Err: err}
		default:
			return &fault.Error{Kind: fault.KindInvalid, Code: "invalid_json", Message: "Dữ liệu JSON không hợp lệ.", Err: err}
		}
	}
	// Only whitespace may follow the object: a second value, a stray "}" or
	// garbage is a malformed body.
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err == nil:
		return fault.Invalid("invalid_json", "Dữ liệu JSON không hợp lệ (thừa dữ liệu sau đối tượng JSON).")
	default:
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &fault.Error{Kind: fault.KindTooLarge, Code: "body_too_large",
				Message: fmt.Sprintf("Dữ liệu gửi lên quá lớn (tối đa %d KB).", limit>>10), Err: err}
		}
		return &fault.Error{Kind: fault.KindInvalid, Code: "invalid_json", Message: "Dữ liệu JSON không hợp lệ (thừa dữ liệu sau đối tượng JSON).", Err: err}
	}
	return nil
}

// NotFound answers requests that match no route with the standard error shape.
func NotFound(log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, log, fault.NotFound("route_not_found", "Không có chức năng này."))
	}
}
