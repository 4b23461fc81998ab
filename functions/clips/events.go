package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// RecordOutcome says what the function did with one S3 record.
type RecordOutcome struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// Outcome: "checked" (the clip's verdict below), "pending" (no object
	// yet), "deleted" (an object no issued upload names), "ignored" (not a
	// clip upload of this deployment: see Note), "error" (retried).
	Outcome string `json:"outcome"`
	ClipID  string `json:"clipId,omitempty"`
	Status  string `json:"status,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Note    string `json:"note,omitempty"`
}

// EventResult is the result of an S3 notification.
type EventResult struct {
	Records []RecordOutcome `json:"records"`
}

// HandleEvent takes the bucket's ObjectCreated notifications: each record
// names an object that may be a clip upload, and the clip is checked as the
// confirm endpoint would. Records are untrusted: the bucket must be the
// configured one and the key an issued upload's; objects under clips/ that
// no issued upload names are removed. Failures to reach S3 or DynamoDB fail
// the invocation (Lambda retries it; every step is idempotent).
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
	res := EventResult{Records: []RecordOutcome{}}
	var failed []error
	for _, rec := range ev.Records {
		out, err := h.handleRecord(ctx, rec)
		if err != nil {
			out.Outcome, out.Note = "error", err.Error()
			failed = append(failed, fmt.Errorf("%s: %w", out.Key, err))
		}
		h.log.Info("s3 record", "bucket", out.Bucket, "key", out.Key, "outcome", out.Outcome, "clip", out.ClipID, "status", out.Status, "reason", out.Reason, "note", out.Note)
		res.Records = append(res.Records, out)
	}
	if len(failed) > 0 {
		return res, errors.Join(failed...)
	}
	return res, nil
}

func (h *Handler) handleRecord(ctx context.Context, rec events.S3EventRecord) (RecordOutcome, error) {
	key := rec.S3.Object.URLDecodedKey
	n, err := h.clips.Record(ctx, rec.EventSource, rec.EventName, rec.S3.Bucket.Name, key)
	return RecordOutcome{Bucket: rec.S3.Bucket.Name, Key: key, Outcome: n.Outcome, ClipID: n.ClipID, Status: n.Status, Reason: n.Reason, Note: n.Note}, err
}
