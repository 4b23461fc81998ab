// Package funcurl runs an http.Handler as a Lambda function URL (response
// streaming, through aws-lambda-go's lambdaurl) or, outside Lambda, as a plain
// HTTP server on LISTEN_ADDR: one code path for both.
//
// The local HTTP server is left out of the Lambda build (the lambda.norpc
// tag of make build, serve_lambda.go): Lambda never runs it, and net/http's
// server side with its HTTP/2 server is about 320 KB of every bootstrap. The
// local platform builds the functions without the tag (serve_local.go).
package funcurl

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdaurl"
)

// Start serves h until the process ends. It returns an error only when it
// cannot serve at all.
func Start(h http.Handler, log *slog.Logger) error {
	return StartWithEvents(h, nil, log)
}

// EventHandler handles a non-HTTP invocation (a scheduled event, an S3
// notification); its result is the invocation's JSON result.
type EventHandler func(ctx context.Context, event json.RawMessage) (any, error)

// StartWithEvents is Start for a function that also takes other events: on
// Lambda, function URL requests go to h and everything else to events;
// locally, LOCAL_EVENT_FILE names one event to handle before exiting (how the
// local platform plays schedules and notifications).
func StartWithEvents(h http.Handler, events EventHandler, log *slog.Logger) error {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		if events == nil {
			events = Reject(log)
		}
		lambda.Start(Dispatch(h, events))
		return nil
	}
	if file := os.Getenv(EnvLocalEvent); file != "" && events != nil {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		out, err := events(context.Background(), data)
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(out)
	}
	return serveLocal(h, log)
}

// StartEvents runs a function that only takes events (no function URL): on
// Lambda every invocation goes to events; locally, LOCAL_EVENT_FILE names the
// one event to handle before exiting.
func StartEvents(events EventHandler, log *slog.Logger) error {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.Start(func(ctx context.Context, raw json.RawMessage) (any, error) { return events(ctx, raw) })
		return nil
	}
	if os.Getenv(EnvLocalEvent) == "" {
		return errors.New("a function without a URL runs on Lambda or with " + EnvLocalEvent + " set")
	}
	return StartWithEvents(nil, events, log)
}

// EnvLocalEvent names a file holding one event for a local run.
const EnvLocalEvent = "LOCAL_EVENT_FILE"

// EnvPprofAddr is a loopback address where a function served locally (on
// LISTEN_ADDR) also serves net/http/pprof, for profiling it under load. The
// Lambda build has no such server (serve_lambda.go).
const EnvPprofAddr = "PPROF_ADDR"

// urlProbe is what tells a function URL request from other events.
type urlProbe struct {
	RequestContext struct {
		RequestID string `json:"requestId"`
		HTTP      struct {
			Method string `json:"method"`
		} `json:"http"`
	} `json:"requestContext"`
}

// IsURLEvent reports whether an invocation is a function URL request (it has
// a requestContext with an http method), not a schedule or a notification:
// what Dispatch routes on.
func IsURLEvent(raw []byte) bool {
	var p urlProbe
	return json.Unmarshal(raw, &p) == nil && p.RequestContext.HTTP.Method != ""
}

// RequestID is a function URL request's requestContext.requestId ("" for
// other events).
func RequestID(raw []byte) string {
	var p urlProbe
	_ = json.Unmarshal(raw, &p)
	return p.RequestContext.RequestID
}

// Dispatch routes an invocation: a function URL request (IsURLEvent) to the
// HTTP handler, anything else to the event handler (nil: Reject with the
// default logger). A function with no events of its own must not hand an S3
// notification or a schedule to its HTTP routes, which would answer it with
// a redirect to "/" (lambdaurl turns any JSON into a request with no path).
func Dispatch(h http.Handler, handle EventHandler) func(ctx context.Context, raw json.RawMessage) (any, error) {
	if handle == nil {
		handle = Reject(slog.Default())
	}
	url := lambdaurl.Wrap(h)
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		if IsURLEvent(raw) {
			var req events.LambdaFunctionURLRequest
			if err := json.Unmarshal(raw, &req); err != nil {
				return nil, err
			}
			return url(ctx, &req)
		}
		return handle(ctx, raw)
	}
}

// ErrNotAURLRequest is the error of an invocation a function without events
// of its own rejects: the invocation fails with a JSON error
// ({"errorType","errorMessage"}), which Lambda logs and counts.
var ErrNotAURLRequest = errors.New("this function takes function URL requests only: the event was rejected")

// Reject is the event handler of a function that only serves its URL: it logs
// the stray event's shape (never its content) and fails the invocation.
func Reject(log *slog.Logger) EventHandler {
	return func(_ context.Context, raw json.RawMessage) (any, error) {
		var shape struct {
			Records []struct {
				EventSource string `json:"eventSource"`
			} `json:"Records"`
			Source     string `json:"source"`
			DetailType string `json:"detail-type"`
		}
		_ = json.Unmarshal(raw, &shape)
		source := shape.Source
		if len(shape.Records) > 0 {
			source = shape.Records[0].EventSource
		}
		log.Warn("event rejected", "reason", "not a function URL request", "source", source, "detailType", shape.DetailType, "bytes", len(raw))
		return nil, ErrNotAURLRequest
	}
}

// SourceIP is the address a request came from, as the platform saw it: the
// function URL's requestContext.http.sourceIp on Lambda, the connection's
// peer locally. Client headers (X-Forwarded-For) are never read: anyone can
// write them.
func SourceIP(r *http.Request) string {
	if req, ok := lambdaurl.RequestFromContext(r.Context()); ok && req.RequestContext.HTTP.SourceIP != "" {
		return req.RequestContext.HTTP.SourceIP
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// UserAgent is the requesting browser's user agent, as the platform saw it:
// the function URL's requestContext.http.userAgent on Lambda, the header
// locally.
func UserAgent(r *http.Request) string {
	if req, ok := lambdaurl.RequestFromContext(r.Context()); ok && req.RequestContext.HTTP.UserAgent != "" {
		return req.RequestContext.HTTP.UserAgent
	}
	return r.UserAgent()
}
