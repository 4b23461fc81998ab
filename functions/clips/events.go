package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hoithi/hoithi/shared/clipcheck"
)

// HandleEvent takes the bucket's ObjectCreated notifications: each record
// names an object that may be a clip upload, and the clip is checked as the
// confirm endpoint would. Records are untrusted: the bucket must be the
// configured one and the key an issued upload's; objects under clips/ that
// no issued upload names are removed. Failures to reach S3 or DynamoDB fail
// the invocation (Lambda retries it; every step is idempotent:
// clipcheck.Checker.Records).
func (h *Handler) HandleEvent(ctx context.Context, raw json.RawMessage) (any, error) {
	var ev events.S3Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		h.log.Warn("event rejected", "reason", "not an S3 notification", "err", err)
		return nil, fmt.Errorf("reject event: not an S3 notification: %w", err)
	}
	if len(ev.Records) == 0 {
		h.log.Warn("event rejected", "reason", "no records")
		return nil, errors.New("reject event: no S3 records")
	}
	recs := make([]clipcheck.ObjectRecord, len(ev.Records))
	for i, rec := range ev.Records {
		recs[i] = clipcheck.ObjectRecord{Source: rec.EventSource, Event: rec.EventName, Bucket: rec.S3.Bucket.Name, Key: rec.S3.Object.URLDecodedKey}
	}
	return h.clips.Records(ctx, recs)
}
