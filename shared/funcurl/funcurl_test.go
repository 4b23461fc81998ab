package funcurl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hoithi/hoithi/shared/funcurl"
)

func TestIsURLEventAndRequestID(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		url       bool
		requestID string
	}{
		{name: "a function URL request", raw: `{"version":"2.0","rawPath":"/rounds","requestContext":{"requestId":"r-1","http":{"method":"GET"}}}`, url: true, requestID: "r-1"},
		{name: "an S3 notification", raw: `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Post"}]}`},
		{name: "a schedule", raw: `{"version":"0","source":"aws.scheduler","detail-type":"Scheduled Event","detail":{}}`},
		{name: "a request context without an http method", raw: `{"requestContext":{"requestId":"r-2"}}`, requestID: "r-2"},
		{name: "not JSON", raw: `{"requestContext":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := funcurl.IsURLEvent([]byte(tt.raw)); got != tt.url {
				t.Errorf("IsURLEvent = %v, want %v", got, tt.url)
			}
			if got := funcurl.RequestID([]byte(tt.raw)); got != tt.requestID {
				t.Errorf("RequestID = %q, want %q", got, tt.requestID)
			}
		})
	}
}

func TestDispatchWithoutEventsRejectsOtherEvents(t *testing.T) {
	var served atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	dispatch := funcurl.Dispatch(h, funcurl.Reject(log))
	for _, tt := range []struct{ name, raw string }{
		{"an S3 notification", `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"object":{"key":"x"}}}]}`},
		{"a schedule", `{"version":"0","source":"aws.scheduler","detail-type":"Scheduled Event","detail":{}}`},
		{"an empty object", `{}`},
	} {
		t.Run(tt.name+" is rejected with an error, never served as a request", func(t *testing.T) {
			out, err := dispatch(context.Background(), json.RawMessage(tt.raw))
			if !errors.Is(err, funcurl.ErrNotAURLRequest) || out != nil {
				t.Fatalf("dispatch = %v, %v; want no result and ErrNotAURLRequest", out, err)
			}
			if served.Load() != 0 {
				t.Fatal("the HTTP handler served a non-URL event (lambdaurl would answer a redirect to /)")
			}
			if !strings.Contains(logs.String(), "event rejected") {
				t.Errorf("the rejection is not logged: %s", logs.String())
			}
		})
	}
	t.Run("a nil event handler rejects too", func(t *testing.T) {
		if _, err := funcurl.Dispatch(h, nil)(context.Background(), json.RawMessage(`{"Records":[]}`)); !errors.Is(err, funcurl.ErrNotAURLRequest) {
			t.Fatalf("err = %v, want ErrNotAURLRequest", err)
		}
	})
	t.Run("a function URL request is still served", func(t *testing.T) {
		out, err := dispatch(context.Background(), json.RawMessage(`{"version":"2.0","rawPath":"/rounds","requestContext":{"requestId":"r-1","http":{"method":"GET","sourceIp":"203.0.113.9"}}}`))
		if err != nil {
			t.Fatal(err)
		}
		res, ok := out.(*events.LambdaFunctionURLStreamingResponse)
		if !ok || res.StatusCode != http.StatusOK {
			t.Fatalf("result = %#v, want a 200 streaming response", out)
		}
		body, _ := io.ReadAll(res.Body)
		if string(body) != `{"ok":true}` || served.Load() != 1 {
			t.Errorf("body %s, served %d times", body, served.Load())
		}
	})
}

func TestSourceIP(t *testing.T) {
	var got string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = funcurl.SourceIP(r) })
	t.Run("on Lambda it is the function URL's sourceIp, not X-Forwarded-For", func(t *testing.T) {
		raw := `{"version":"2.0","rawPath":"/codes","headers":{"x-forwarded-for":"198.51.100.1"},
			"requestContext":{"requestId":"r-1","http":{"method":"POST","sourceIp":"203.0.113.24"}}}`
		out, err := funcurl.Dispatch(h, nil)(context.Background(), json.RawMessage(raw))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(out.(*events.LambdaFunctionURLStreamingResponse).Body)
		if got != "203.0.113.24" {
			t.Errorf("SourceIP = %q, want 203.0.113.24", got)
		}
	})
	t.Run("locally it is the connection's peer without its port", func(t *testing.T) {
		r := httptest.NewRequest("POST", "/codes", nil)
		r.RemoteAddr = "[2001:db8::7]:51234"
		r.Header.Set("X-Forwarded-For", "198.51.100.1")
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != "2001:db8::7" {
			t.Errorf("SourceIP = %q, want 2001:db8::7", got)
		}
	})
}
