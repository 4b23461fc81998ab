package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/tick"
)

// ScheduleDetail is what the weekly schedule sends (EventBridge Scheduler
// target input, or a rule's constant input, as the detail of the event).
type ScheduleDetail struct {
	Contest string `json:"contest"`
	Action  string `json:"action"` // "tally" (the default) or "tick"; the schedule's other fields are not the tally's
}

// ActionTick is the frequent schedule's action: every contest of the
// registry is looked at, and the tallies due by its schedule are run.
const ActionTick = "tick"

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
	if err := json.Unmarshal(detail, &d); err == nil && d.Action == ActionTick && d.Contest == "" {
		return h.tick(ctx)
	}
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
			papers, err := h.publish(ctx, c, r)
			if err != nil {
				return nil, err // the schedule retries; the tally is idempotent
			}
			res.Rounds = append(res.Rounds, RoundOutcome{Round: r.ID, Outcome: "published", Papers: papers})
		}
	}
	return res, nil
}

// publish tallies and publishes a closed round, recorded in the audit log
// with the schedule as its actor.
func (h *Handler) publish(ctx context.Context, c contest.Contest, r contest.Round) (int, error) {
	t, err := h.svc.PublishAudited(ctx, h.store, c, r, audit.ScheduleActor)
	if err != nil {
		return 0, fmt.Errorf("tally %s: %w", r.ID, err)
	}
	return t.Result.Papers, nil
}

// TickRun is what a tick did with one due run.
type TickRun struct {
	Contest string `json:"contest"`
	Round   string `json:"round"`
	Slot    string `json:"slot,omitempty"`
	// Outcome: published, started, already-started (claimed by an earlier
	// or concurrent tick), failed (released for the next tick).
	Outcome string `json:"outcome"`
	Papers  int    `json:"papers,omitempty"`
}

// TickResult is a tick's result: the runs that were due.
type TickResult struct {
	Contests int       `json:"contests"`
	Runs     []TickRun `json:"runs"`
}

// tickLease is how long a started tally is left to its start before the
// next tick may start it again (the function's timeout, and room).
const tickLease = 10 * time.Minute

// tick runs every tally due by the contests' own schedules (shared/tick:
// each claimed first, so none runs twice; one that fails is released for
// the next tick, and reported after the others).
func (h *Handler) tick(ctx context.Context) (any, error) {
	contests, runs, err := tick.Runner[int]{Store: h.store, Action: contest.ActionTally, Lease: tickLease, Done: "published",
		Ready: func(context.Context, contest.Contest, []contest.Round) (tick.Do[int], error) {
			return h.publishDue, nil
		},
		Failure: "scheduled tally failed; the next tick tries again", Log: h.log}.Tick(ctx, h.svc.Now())
	if runs == nil {
		return nil, err // the registry unread
	}
	res := TickResult{Contests: contests, Runs: make([]TickRun, len(runs))}
	for i, r := range runs {
		res.Runs[i] = TickRun{Contest: r.Contest, Round: r.Round, Slot: r.Slot, Outcome: r.Outcome, Papers: r.Result}
	}
	h.log.Info("tick", "contests", res.Contests, "runs", res.Runs)
	return res, err
}

func (h *Handler) publishDue(ctx context.Context, run contest.DueRun, r contest.Round) (int, error) {
	c, err := h.store.GetContest(ctx, run.Contest)
	if err != nil {
		return 0, err
	}
	return h.publish(ctx, c, r)
}
