package funcurl

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// Why a scheduled invocation was refused: short and stable, for logs.
var (
	ErrNotEventBridge = errors.New("not an EventBridge event")
	ErrNotScheduled   = errors.New("not a scheduled event")
)

// ScheduledDetail returns the detail of a scheduled event (EventBridge
// Scheduler, or an EventBridge rule's schedule). Anything else is refused
// with an error wrapping ErrNotEventBridge or ErrNotScheduled: a function's
// invocations are untrusted input like its requests.
func ScheduledDetail(raw json.RawMessage) (json.RawMessage, error) {
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotEventBridge, err)
	}
	if ev.DetailType != "Scheduled Event" || (ev.Source != "aws.events" && ev.Source != "aws.scheduler") {
		return nil, fmt.Errorf("%w: source %q detail-type %q", ErrNotScheduled, ev.Source, ev.DetailType)
	}
	return ev.Detail, nil
}

// Reason is the short reason of a ScheduledDetail error.
func Reason(err error) string {
	for _, r := range []error{ErrNotEventBridge, ErrNotScheduled} {
		if errors.Is(err, r) {
			return r.Error()
		}
	}
	return err.Error()
}
