package funcurl_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/hoithi/hoithi/shared/funcurl"
)

func TestScheduledDetail(t *testing.T) {
	event := func(source, detailType string) string {
		return `{"version":"0","id":"e1","detail-type":"` + detailType + `","source":"` + source +
			`","account":"123456789012","time":"2026-01-11T17:30:00Z","region":"ap-southeast-1","resources":[],"detail":{"contest":"demo"}}`
	}
	tests := []struct {
		name    string
		raw     string
		wantErr error
	}{
		{name: "EventBridge Scheduler's event gives its detail", raw: event("aws.scheduler", "Scheduled Event")},
		{name: "an EventBridge rule's schedule gives its detail", raw: event("aws.events", "Scheduled Event")},
		{name: "text that is not JSON is refused", raw: `run the tally`, wantErr: funcurl.ErrNotEventBridge},
		{name: "a JSON array is refused", raw: `[1]`, wantErr: funcurl.ErrNotEventBridge},
		{name: "an empty object is refused", raw: `{}`, wantErr: funcurl.ErrNotScheduled},
		{name: "an S3 notification's source is refused", raw: event("aws.s3", "Scheduled Event"), wantErr: funcurl.ErrNotScheduled},
		{name: "a custom source is refused", raw: event("hoithi.admin", "Scheduled Event"), wantErr: funcurl.ErrNotScheduled},
		{name: "another detail-type is refused", raw: event("aws.scheduler", "Object Created"), wantErr: funcurl.ErrNotScheduled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			detail, err := funcurl.ScheduledDetail(json.RawMessage(tt.raw))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || funcurl.Reason(err) != tt.wantErr.Error() {
					t.Fatalf("error %v (reason %q), want %v", err, funcurl.Reason(err), tt.wantErr)
				}
				return
			}
			if err != nil || string(detail) != `{"contest":"demo"}` {
				t.Fatalf("detail %s, error %v; want the event's detail", detail, err)
			}
		})
	}
}
