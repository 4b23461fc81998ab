package funcurl_test

import (
	"testing"

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
