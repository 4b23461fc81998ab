package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/reminder"
)

// deadlineMargin is the time left at which a job stops queueing: the batch
// of jobs is reported failed from there, to come again (claims keep what
// was queued from going twice).
const deadlineMargin = 10 * time.Second

// JobOutcome is what one job did.
type JobOutcome struct {
	Unit    string `json:"unit"`
	Queued  int    `json:"queued"`
	Skipped int    `json:"skipped"` // queued before in the slot
	Closed  int    `json:"closed"`  // overdue papers closed before counting who took part
}

// handleJobs runs a stream batch's jobs in order and reports the first that
// failed (and those after it) to come again. Records that are not job
// inserts, or not valid jobs, are skipped: untrusted input is never retried.
func (h *Handler) handleJobs(ctx context.Context, ev events.DynamoDBEvent) events.DynamoDBEventResponse {
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	for _, rec := range ev.Records {
		j, ok := h.jobOf(rec)
		if !ok {
			continue
		}
		out, err := h.RunJob(ctx, j)
		if err != nil {
			h.log.Warn("reminder job: to be run again", "run", j.Run.ID, "unit", j.Unit.ID, "sequence", rec.Change.SequenceNumber, "err", err)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
			break // the stream delivers again from here, in order
		}
		h.log.Info("reminder job done", "run", j.Run.ID, "round", j.Run.Round, "slot", j.Run.Slot, "outcome", out)
	}
	return resp
}

// jobOf reads a job insert's job, or reports false (logged) for any other record.
func (h *Handler) jobOf(rec events.DynamoDBEventRecord) (reminder.Job, bool) {
	if rec.EventSource != "aws:dynamodb" || rec.EventName != "INSERT" {
		return reminder.Job{}, false
	}
	image := make(map[string]types.AttributeValue, len(rec.Change.NewImage))
	for name, v := range rec.Change.NewImage {
		av, err := attributeValue(v)
		if err != nil {
			h.log.Warn("reminder job: unreadable image, skipped", "sequence", rec.Change.SequenceNumber, "attribute", name, "err", err)
			return reminder.Job{}, false
		}
		image[name] = av
	}
	j, err := dynamo.ReminderJob(image)
	if err != nil {
		h.log.Warn("reminder job: invalid, skipped", "sequence", rec.Change.SequenceNumber, "err", err)
		return reminder.Job{}, false
	}
	return j, true
}

// attributeValue reads one attribute of a stream image: the scalar types a
// job item uses, nothing else.
func attributeValue(v events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}, nil
	case events.DataTypeNumber:
		if _, err := strconv.ParseFloat(v.Number(), 64); err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberN{Value: v.Number()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	return nil, fmt.Errorf("type %d not used by a job", v.DataType())
}

// RunJob counts a unit's participation in the run's round and queues the
// e-mails it calls for (reminder.For) in batches, each paced (Pacing) and
// written with its claims, then counts the job in the run's progress. A job
// whose round is no longer open queues nothing. Running a job again queues
// nothing twice.
func (h *Handler) RunJob(ctx context.Context, j reminder.Job) (JobOutcome, error) {
	out := JobOutcome{Unit: j.Unit.ID}
	c, err := h.store.GetContest(ctx, j.Run.Contest)
	if err != nil {
		return out, err
	}
	r, err := h.store.GetRound(ctx, j.Run.Contest, j.Run.Round)
	if err != nil {
		return out, err
	}
	now := h.now()
	if r.Status(now) == contest.StatusOpen {
		// Someone who started and left (a closed tab) has taken part: their
		// paper is closed on what they saved, as the final tally would.
		// Someone taking the quiz right now is not reminded.
		p, err := participation.Of(ctx, h.store, c.ID, r, j.Unit.ID, now, h.grace)
		if err != nil {
			return out, err
		}
		out.Closed = p.Closed
		lastQueued := 1
		var mine []reminder.Email // this job's chunk of the unit's e-mails
		for _, e := range reminder.For(c, r, j.Unit, p, j.Run.AdminsOnly, h.site) {
			if j.Takes(e) {
				mine = append(mine, e)
			}
		}
		for _, batch := range reminder.Batches(mine) {
			// a batch waits its turn after one that queued something: a
			// retried job walks past what it queued before without waiting
			if lastQueued > 0 {
				if err := h.pace(ctx, c); err != nil {
					return out, err
				}
			}
			queued := make([]reminder.Queued, len(batch))
			for i, e := range batch {
				id, err := mailq.NewID()
				if err != nil {
					return out, err
				}
				queued[i] = reminder.Queued{Claim: e.Claim, Mail: mailq.Request{ID: id, Contest: c.ID, Kind: mailq.KindReminder, To: e.To,
					Subject: e.Subject, Text: e.Text, EnqueuedAt: h.now(), ExpiresAt: r.ClosesAt, Run: j.Run.Ref()}.For(c)}
			}
			q, s, err := h.store.QueueReminders(ctx, r, j.Run.Slot, queued)
			out.Queued, out.Skipped, lastQueued = out.Queued+q, out.Skipped+s, q
			if err != nil {
				return out, err
			}
		}
	}
	if _, err := h.store.FinishReminderJob(ctx, j, out.Queued, out.Skipped); err != nil {
		return out, err
	}
	return out, nil
}

// pace waits for a token of contest c's reminders' bucket: at most about
// one batch's time at the reminders' share of c's rate (its share of the
// SES rate, mailq.ContestRate).
func (h *Handler) pace(ctx context.Context, c contest.Contest) error {
	b := reminder.Pacing(mailq.ContestRate(c.MailPerSecond, h.rate))
	for {
		err := h.store.TakeReminderToken(ctx, c.ID, b, h.now())
		fe, limited := fault.As(err)
		if !limited || fe.Kind != fault.KindRateLimited {
			return err
		}
		wait := max(fe.RetryAfter, time.Millisecond)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl)-wait < deadlineMargin {
			return errors.New("out of time waiting for the reminders' rate")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}
