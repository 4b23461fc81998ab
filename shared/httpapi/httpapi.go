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
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

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
	writeJSON(w, status, v, "no-store")
}

// WritePublicJSON is WriteJSON for an answer that is the same for everyone
// who asks (no session, nothing personal): browsers and the edge may keep it
// for maxAge (GET /rounds, platform.RoundsMaxAge).
func WritePublicJSON(w http.ResponseWriter, status int, v any, maxAge time.Duration) {
	writeJSON(w, status, v, fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds())))
}

func writeJSON(w http.ResponseWriter, status int, v any, cacheControl string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", cacheControl)
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
	// RetryAfterSeconds repeats the Retry-After header for the site, which
	// cannot read that header across origins.
	RetryAfterSeconds int `json:"retryAfterSeconds,omitempty"`
	// Field is the request field at fault, if the error names one.
	Field string `json:"field,omitempty"`
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
	case fault.KindUnprocessable:
		return http.StatusUnprocessableEntity
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

// UnavailableRetryAfter is what a 503 asks clients to wait when the error
// names no wait of its own.
const UnavailableRetryAfter = 5 * time.Second

// storeUnavailable is the 503 for a DynamoDB or S3 outage: nothing was done,
// the same request may be sent again.
var storeUnavailable = fault.Unavailable("unavailable",
	"Hệ thống đang quá tải hoặc tạm mất kết nối tới dữ liệu; yêu cầu chưa được thực hiện. Vui lòng thử lại sau ít giây.")

// WriteError answers with err: a client error's code and message (with
// Retry-After when it names a wait; a 503 always does); a store outage
// (Unavailable) as a 503 "unavailable"; any other error only as "internal"
// and the request id. The cause of a 503 or a 500 is logged here, once.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	fe, ok := fault.As(err)
	if (!ok || fe.Kind == fault.KindInternal) && Unavailable(err) {
		log.Warn("store unavailable", "requestId", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		fe, ok = storeUnavailable, true
	}
	if ok && fe.Kind != fault.KindInternal {
		wait := fe.RetryAfter
		if wait <= 0 && fe.Kind == fault.KindUnavailable {
			wait = UnavailableRetryAfter
		}
		secs := int((wait + time.Second - 1) / time.Second)
		if secs > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
		WriteJSON(w, Status(fe.Kind), ErrorBody{Error: ErrorDetail{Code: fe.Code, Message: fe.Message, RetryAfterSeconds: secs, Field: fe.Field}})
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

// Unavailable reports whether err is a store (DynamoDB, S3) that could not be
// reached or refused for now: a connection that failed, throttling, or a 5xx
// answer. It is the one place that knows these errors; WriteError maps them
// to 503 "unavailable" with Retry-After. A client's own mistakes (4xx other
// than throttling) and cancelled requests are not outages.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
			"TooManyRequestsException", "SlowDown", "ServiceUnavailable", "InternalServerError", "InternalError",
			"InternalFailure", "RequestTimeout", "RequestTimeoutException":
			return true
		}
		if api.ErrorFault() == smithy.FaultServer {
			return true
		}
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) {
		if code := resp.HTTPStatusCode(); code >= 500 || code == http.StatusTooManyRequests {
			return true
		}
	}
	var send *smithyhttp.RequestSendError
	var netErr net.Error
	var opErr *net.OpError
	return errors.As(err, &send) || errors.As(err, &opErr) || errors.As(err, &netErr) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF)
}
