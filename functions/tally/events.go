package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/results"
)

// ScheduleDetail is what the weekly schedule sends (EventBridge Scheduler
// target input, or a rule's constant input, as the detail of the event).
type ScheduleDetail struct {
	Contest string `json:"contest"`
	Action  string `json:"action"` // "tally" (the default); the schedule's other fields are not the tally's
}

// RoundOutcome says what the scheduled run did with one round.
type RoundOutcome struct {
	Round   string `json:"round"`
	Outcome string `json:"outcome"` // published, open, upcoming, already-published
	Papers  int    `json:"papers,omitempty"`
}

// ScheduleResult is the invocation's result.
type ScheduleResult struct {
	Contest string         `json:"contest"`
	Rounds  []RoundOutcome `json:"rounds"`
}

// HandleEvent takes the weekly schedule's event: it tallies and publishes
// every round of the contest that has closed and is not yet published, and
// leaves open rounds alone; each publication is recorded in the audit log
// with the schedule as its actor. Anything else is rejected with the reason logged.
func (h *Handler) HandleEvent(ctx context.Context, raw json.RawMessage) (any, error) {
	detail, err := funcurl.ScheduledDetail(raw)
	if err != nil {
		h.log.Warn("event rejected", "reason", funcurl.Reason(err), "err", err)
		return nil, fmt.Errorf("reject event: %w", err)
	}
	var d ScheduleDetail
	if err := json.Unmarshal(detail, &d); err != nil || !contest.ValidID(d.Contest) || (d.Action != "" && d.Action != "tally") {
		h.log.Warn("event rejected", "reason", "bad detail", "detail", string(detail))
		return nil, fmt.Errorf("reject event: detail %s must name a contest and action \"tally\"", detail)
	}
	c, err := h.store.GetContest(ctx, d.Contest)
	if err != nil {
		h.log.Warn("event rejected", "reason", "unknown contest", "contest", d.Contest)
		return nil, fmt.Errorf("reject event: %w", err)
	}
	rounds, err := h.store.ListRounds(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	res := ScheduleResult{Contest: c.ID, Rounds: []RoundOutcome{}}
	now := h.svc.Now()
	for _, r := range rounds {
		switch {
		case r.Status(now) == contest.StatusOpen:
			h.log.Info("round still open; left alone", "contest", c.ID, "round", r.ID)
			res.Rounds = append(res.Rounds, RoundOutcome{Round: r.ID, Outcome: "open"})
		case r.Status(now) == contest.StatusUpcoming:
			res.Rounds = append(res.Rounds, RoundOutcome{Round: r.ID, Outcome: "upcoming"})
		case !r.PublishedAt.IsZero():
			res.Rounds = append(res.Rounds, RoundOutcome{Round: r.ID, Outcome: "already-published"})
		default:
			entry, pub, err := results.PublicationEntry(now, audit.ScheduleActor, blob.ResultsPrefix(c.ID, r.ID))
			if err != nil {
				return nil, err
			}
			t, err := h.svc.Publish(ctx, c, r, pub)
			if err != nil {
				return nil, fmt.Errorf("tally %s: %w", r.ID, err)
			}
			entry.Summary = fmt.Sprintf("Lịch tự động công bố kết quả %s: %d bài, %d người, %d tệp", r.Title, t.Result.Papers, t.Result.Participants, len(t.Artefacts))
			if err := h.store.AppendAudit(ctx, c.ID, entry); err != nil {
				return nil, fmt.Errorf("audit publication: %w", err) // the schedule retries; the tally is idempotent
			}
			res.Rounds = append(res.Rounds, RoundOutcome{Round: r.ID, Outcome: "published", Papers: t.Result.Papers})
		}
	}
	return res, nil
}
