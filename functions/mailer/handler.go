package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/signin"
)

type store interface {
	ClaimMail(ctx context.Context, r mailq.Request, now time.Time) (bool, error)
	ReleaseMail(ctx context.Context, r mailq.Request) error
	FinishMail(ctx context.Context, r mailq.Request, st mailq.Status, now time.Time) error
	TakeMailToken(ctx context.Context, contestID string, b signin.Bucket, now time.Time) error
	// CountReminderSent adds one e-mail sent to a reminder run's progress.
	CountReminderSent(ctx context.Context, contestID string, r mailq.RunRef) error
}

// Handler sends the requests of a batch of stream records, one at a time,
// at the SES rate (mailq.Pacing), at most once each (mailq's claim).
type Handler struct {
	store store
	mail  mail.Sender
	rate  float64
	now   func() time.Time
	log   *slog.Logger
}

// NewHandler builds the handler; rate is e-mails a second for every mailer together.
func NewHandler(s store, m mail.Sender, rate float64, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{store: s, mail: m, rate: rate, now: now, log: log}
}

// deadlineMargin is the time left at which the mailer stops taking records:
// those left are reported failed, to be delivered again.
const deadlineMargin = 5 * time.Second

// streamRecord is what the mailer reads of a stream record; the image is
// decoded attribute by attribute (attributeValue), so one malformed record
// cannot make the whole batch unreadable.
type streamRecord struct {
	EventName   string `json:"eventName"`
	EventSource string `json:"eventSource"`
	Change      struct {
		Keys           map[string]json.RawMessage `json:"Keys"`
		NewImage       map[string]json.RawMessage `json:"NewImage"`
		SequenceNumber string                     `json:"SequenceNumber"`
	} `json:"dynamodb"`
}

// HandleEvent takes a batch of the table's stream (events.DynamoDBEvent)
// and answers which records must come again (events.DynamoDBEventResponse):
// the first one that met a passing trouble (SES refusing for now, DynamoDB,
// time running out), from which the stream delivers again. Records that are
// not outbox inserts, or not valid requests, are skipped: untrusted input is
// never retried.
func (h *Handler) HandleEvent(ctx context.Context, raw json.RawMessage) (any, error) {
	var ev struct {
		Records []json.RawMessage `json:"Records"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		h.log.Warn("not a stream batch: ignored", "err", err)
		return events.DynamoDBEventResponse{}, nil
	}
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	sent, skipped := 0, 0
	for i, rawRec := range ev.Records {
		var rec streamRecord
		if err := json.Unmarshal(rawRec, &rec); err != nil {
			skipped++
			h.log.Warn("stream record: unreadable, skipped", "index", i, "err", err)
			continue
		}
		r, ok := h.request(rec)
		if !ok {
			skipped++
			continue
		}
		if err := h.deliver(ctx, r); err != nil {
			h.log.Warn("mail: to be delivered again", "id", r.ID, "sequence", rec.Change.SequenceNumber, "err", err)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
			break // the stream delivers again from here, in order
		}
		sent++
	}
	h.log.Info("batch done", "records", len(ev.Records), "handled", sent, "skipped", skipped, "retry", len(resp.BatchItemFailures))
	return resp, nil
}

// request reads an outbox insert's request, or reports false (logged) for
// any other record.
func (h *Handler) request(rec streamRecord) (mailq.Request, bool) {
	pk := ""
	if v, ok := rec.Change.Keys[platform.AttrPK]; ok {
		if av, err := attributeValue(v); err == nil {
			if s, ok := av.(*types.AttributeValueMemberS); ok {
				pk = s.Value
			}
		}
	}
	if rec.EventSource != "aws:dynamodb" || rec.EventName != "INSERT" || !strings.HasPrefix(pk, platform.OutboxPrefix) {
		return mailq.Request{}, false // not an outbox insert: another item, or a later change of one
	}
	image := make(map[string]types.AttributeValue, len(rec.Change.NewImage))
	for name, v := range rec.Change.NewImage {
		av, err := attributeValue(v)
		if err != nil {
			h.log.Warn("outbox record: unreadable image, skipped", "sequence", rec.Change.SequenceNumber, "attribute", name, "err", err)
			return mailq.Request{}, false
		}
		image[name] = av
	}
	r, err := dynamo.OutboxRequest(image)
	if err == nil {
		err = r.Validate()
	}
	if err != nil {
		h.log.Warn("outbox record: invalid request, skipped", "sequence", rec.Change.SequenceNumber, "err", err)
		return mailq.Request{}, false
	}
	return r, true
}

// deliver sends r unless an earlier delivery claimed it. An error means r
// is queued again (or was never claimed) and must come again.
func (h *Handler) deliver(ctx context.Context, r mailq.Request) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < deadlineMargin {
		return errors.New("out of time")
	}
	claimed, err := h.store.ClaimMail(ctx, r, h.now())
	if err != nil {
		return err
	}
	if !claimed {
		h.log.Info("mail: delivered before, not sent again", "id", r.ID)
		return nil
	}
	if r.Stale(h.now()) {
		h.log.Info("mail: code expired in the queue, not sent", "id", r.ID, "contest", r.Contest)
		return h.finish(ctx, r, mailq.StatusExpired)
	}
	if err := h.pace(ctx, r); err != nil {
		return h.release(ctx, r, err)
	}
	msg := mail.Message{From: r.From, To: r.To, Subject: r.Subject, Text: r.Text, Code: r.Code, SentAt: h.now()}
	if err := h.mail.Send(ctx, msg); err != nil {
		if errors.Is(err, mail.ErrRefused) {
			return h.release(ctx, r, err)
		}
		// The outcome is unknown: sending again could send twice. The claim
		// stays (at most once); for a code, the person asks again.
		h.log.Error("mail: outcome unknown, not sent again", "id", r.ID, "contest", r.Contest, "err", err)
		return nil
	}
	return h.finish(ctx, r, mailq.StatusSent)
}

// pace waits for a token of each of r's buckets (mailq.Buckets): its
// contest's share, then the SES rate.
func (h *Handler) pace(ctx context.Context, r mailq.Request) error {
	for _, b := range mailq.Buckets(r.Contest, r.Rate, h.rate, r.Kind) {
		if err := h.take(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// take waits for a token of bucket b.
func (h *Handler) take(ctx context.Context, b mailq.Paced) error {
	for {
		err := h.store.TakeMailToken(ctx, b.Contest, b.Bucket, h.now())
		fe, limited := fault.As(err)
		if !limited || fe.Kind != fault.KindRateLimited {
			return err
		}
		wait := max(fe.RetryAfter, time.Millisecond)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl)-wait < deadlineMargin {
			return errors.New("out of time waiting for the SES rate")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// release hands r back to the queue after cause, and returns cause.
func (h *Handler) release(ctx context.Context, r mailq.Request, cause error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	if err := h.store.ReleaseMail(rctx, r); err != nil {
		h.log.Error("mail: could not release the claim", "id", r.ID, "err", err)
	}
	return cause
}

func (h *Handler) finish(ctx context.Context, r mailq.Request, st mailq.Status) error {
	if err := h.store.FinishMail(ctx, r, st, h.now()); err != nil {
		// sent (or given up) all the same: the claim keeps it from going twice
		h.log.Error("mail: could not record the outcome", "id", r.ID, "status", st, "err", err)
	}
	if st == mailq.StatusSent && !r.Run.IsZero() {
		if err := h.store.CountReminderSent(ctx, r.Contest, r.Run); err != nil {
			// sent all the same: only the organiser's progress count is short
			h.log.Error("mail: could not count the reminder run's e-mail sent", "id", r.ID, "run", r.Run.ID, "err", err)
		}
	}
	if st == mailq.StatusSent {
		h.log.Info("mail sent", "id", r.ID, "contest", r.Contest, "kind", r.Kind, "queuedFor", h.now().Sub(r.EnqueuedAt).Round(time.Millisecond).String())
	}
	return nil
}

// attributeValue reads one attribute of a stream image (DynamoDB JSON):
// the scalar types an outbox item uses, nothing else.
func attributeValue(raw json.RawMessage) (types.AttributeValue, error) {
	var v map[string]json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil || len(v) != 1 {
		return nil, fmt.Errorf("not one typed value")
	}
	for t, val := range v {
		switch t {
		case "S":
			var s string
			err := json.Unmarshal(val, &s)
			return &types.AttributeValueMemberS{Value: s}, err
		case "N":
			var s string
			err := json.Unmarshal(val, &s)
			return &types.AttributeValueMemberN{Value: s}, err
		case "BOOL":
			var b bool
			err := json.Unmarshal(val, &b)
			return &types.AttributeValueMemberBOOL{Value: b}, err
		case "NULL":
			return &types.AttributeValueMemberNULL{Value: true}, nil
		default:
			return nil, fmt.Errorf("type %q not used by the outbox", t)
		}
	}
	return nil, fmt.Errorf("no value")
}
