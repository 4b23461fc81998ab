package clipcheck

import (
	"context"
	"errors"
	"fmt"
)

// ObjectRecord is one record of the bucket's ObjectCreated notification as
// the function decoded it (untrusted): its source, event name, bucket and
// URL-decoded key.
type ObjectRecord struct {
	Source, Event, Bucket, Key string
}

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

// Failed is the outcome of a record whose check failed (retried).
const Failed = "error"

// EventResult is the result of an S3 notification.
type EventResult struct {
	Records []RecordOutcome `json:"records"`
}

// Records takes a notification's records in turn (Record), each logged: a
// record that fails is reported Failed with its error as the note, and the
// failures are returned joined, so Lambda retries the invocation (every
// step is idempotent).
func (k *Checker) Records(ctx context.Context, recs []ObjectRecord) (EventResult, error) {
	res := EventResult{Records: []RecordOutcome{}}
	var failed []error
	for _, rec := range recs {
		n, err := k.Record(ctx, rec.Source, rec.Event, rec.Bucket, rec.Key)
		out := RecordOutcome{Bucket: rec.Bucket, Key: rec.Key, Outcome: n.Outcome, ClipID: n.ClipID, Status: n.Status, Reason: n.Reason, Note: n.Note}
		if err != nil {
			out.Outcome, out.Note = Failed, err.Error()
			failed = append(failed, fmt.Errorf("%s: %w", out.Key, err))
		}
		k.Log.Info("s3 record", "bucket", out.Bucket, "key", out.Key, "outcome", out.Outcome, "clip", out.ClipID, "status", out.Status, "reason", out.Reason, "note", out.Note)
		res.Records = append(res.Records, out)
	}
	if len(failed) > 0 {
		return res, errors.Join(failed...)
	}
	return res, nil
}
