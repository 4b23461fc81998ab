package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
)

// ScheduleDetail is what the weekly schedule sends (EventBridge Scheduler
// target input, or a rule's constant input, as the detail of the event).
type ScheduleDetail struct {
	Contest string `json:"contest"`
	Action  string `json:"action"` // "tally" (default) or "remind"
	Slot    string `json:"slot"`   // the reminder schedule's name
	// Audience of a reminder: platform.RemindEveryone (default) or RemindUnitAdmins.
	Audience string `json:"audience,omitempty"`
}

// Scheduled sources we accept.
const (
	sourceEvents    = "aws.events"
	sourceScheduler = "aws.scheduler"
	detailScheduled = "Scheduled Event"
)

// RoundOutcome says what the scheduled run did with one round.
type RoundOutcome struct {
	Round   string `json:"round"`
	Outcome string `json:"outcome"` // published, open, upcoming, already-published
	Papers  int    `json:"papers,omitempty"`
}

// ScheduleResult is the invocation's result.
type ScheduleResult struct {
	Contest   string          `json:"contest"`
	Rounds    []RoundOutcome  `json:"rounds"`
	Reminders []RemindOutcome `json:"reminders,omitempty"`
}

// HandleEvent takes the weekly schedule's event: it tallies and publishes
// every round of the contest that has closed and is not yet published, and
// leaves open rounds alone. Anything else is rejected with the reason logged.
func (h *Handler) HandleEvent(ctx context.Context, raw json.RawMessage) (any, error) {
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		h.log.Warn("event rejected", "reason", "not an EventBridge event", "err", err)
		return nil, fmt.Errorf("reject event: not an EventBridge event: %w", err)
	}
	if ev.DetailType != detailScheduled || (ev.Source != sourceEvents && ev.Source != sourceScheduler) {
		h.log.Warn("event rejected", "reason", "not a scheduled event", "source", ev.Source, "detailType", ev.DetailType)
		return nil, fmt.Errorf("reject event: source %q detail-type %q is not a schedule", ev.Source, ev.DetailType)
	}
	var d ScheduleDetail
	if err := json.Unmarshal(ev.Detail, &d); err != nil || !contest.ValidID(d.Contest) ||
		(d.Action != "" && d.Action != "tally" && d.Action != "remind") || (d.Action == "remind" && !contest.ValidID(d.Slot)) ||
		(d.Audience != "" && (d.Action != "remind" || (d.Audience != platform.RemindEveryone && d.Audience != platform.RemindUnitAdmins))) {
		h.log.Warn("event rejected", "reason", "bad detail", "detail", string(ev.Detail))
		return nil, fmt.Errorf("reject event: detail %s must name a contest and action \"tally\" or \"remind\" with a slot (and an audience %q or %q)",
			ev.Detail, platform.RemindEveryone, platform.RemindUnitAdmins)
	}
	c, err := h.store.GetContest(ctx, d.Contest)
	if err != nil {
		h.log.Warn("event rejected", "reason", "unknown contest", "contest", d.Contest)
		return nil, fmt.Errorf("reject event: %w", err)
	}
	if d.Action == "remind" {
		outcomes, err := h.remind(ctx, c, d.Slot, d.Audience == platform.RemindUnitAdmins)
		if err != nil {
			// failing the invocation makes Lambda retry it; the claims keep
			// the retry to what is left
			h.log.Error("reminder run incomplete", "contest", c.ID, "slot", d.Slot, "outcomes", outcomes, "err", err)
			return nil, err
		}
		return ScheduleResult{Contest: c.ID, Rounds: []RoundOutcome{}, Reminders: outcomes}, nil
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
			t, err := h.svc.Run(ctx, c, r, true)
			if err != nil {
				return nil, fmt.Errorf("tally %s: %w", r.ID, err)
			}
			res.Rounds = append(res.Rounds, RoundOutcome{Round: r.ID, Outcome: "published", Papers: t.Result.Papers})
		}
	}
	return res, nil
}
