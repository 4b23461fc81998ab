package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

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
	entry, pub, err := results.PublicationEntry(h.svc.Now(), audit.ScheduleActor, blob.ResultsPrefix(c.ID, r.ID))
	if err != nil {
		return 0, err
	}
	t, err := h.svc.Publish(ctx, c, r, pub)
	if err != nil {
		return 0, fmt.Errorf("tally %s: %w", r.ID, err)
	}
	entry.Summary = fmt.Sprintf("Lịch tự động công bố kết quả %s: %d bài, %d người, %d tệp", r.Title, t.Result.Papers, t.Result.Participants, len(t.Artefacts))
	if err := h.store.AppendAudit(ctx, c.ID, entry); err != nil {
		return 0, fmt.Errorf("audit publication: %w", err)
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

// tick reads the contests' registry (one Query) and runs every tally due by
// the contests' own schedules (contest.DueRuns). Each run is claimed first
// (a conditional put), so a repeated or late tick never runs it twice; a run
// that fails is released for the next tick, and the tick reports the
// failure (Lambda tries the event again) after the other contests' runs.
func (h *Handler) tick(ctx context.Context) (any, error) {
	reg, err := h.store.ListRegistry(ctx)
	if err != nil {
		return nil, err
	}
	now := h.svc.Now()
	res := TickResult{Contests: len(reg), Runs: []TickRun{}}
	var failed []error
	for _, entry := range reg {
		rounds, err := h.store.ListRounds(ctx, entry.ID)
		if err != nil {
			failed = append(failed, fmt.Errorf("contest %s: %w", entry.ID, err))
			continue
		}
		for _, run := range contest.DueRuns(entry, rounds, now, contest.ActionTally) {
			out := TickRun{Contest: run.Contest, Round: run.Round}
			claimed, err := h.store.ClaimRun(ctx, run, now, tickLease)
			switch {
			case err != nil:
				failed = append(failed, err)
				continue
			case !claimed:
				out.Outcome = "already-started"
				res.Runs = append(res.Runs, out)
				continue
			}
			if out.Papers, err = h.publishDue(ctx, run, rounds); err != nil {
				h.log.Error("scheduled tally failed; the next tick tries again", "contest", run.Contest, "round", run.Round, "err", err)
				failed = append(failed, err)
				out.Outcome = "failed"
				if err := h.store.ReleaseRun(ctx, run); err != nil {
					failed = append(failed, err) // its lease runs out instead
				}
			} else if err := h.store.FinishRun(ctx, run, now); err != nil {
				failed = append(failed, err)
				out.Outcome = "published"
			} else {
				out.Outcome = "published"
			}
			res.Runs = append(res.Runs, out)
		}
	}
	h.log.Info("tick", "contests", res.Contests, "runs", res.Runs)
	if len(failed) > 0 {
		return res, fmt.Errorf("tick: %w", errors.Join(failed...))
	}
	return res, nil
}

func (h *Handler) publishDue(ctx context.Context, run contest.DueRun, rounds []contest.Round) (int, error) {
	c, err := h.store.GetContest(ctx, run.Contest)
	if err != nil {
		return 0, err
	}
	i := slices.IndexFunc(rounds, func(r contest.Round) bool { return r.ID == run.Round })
	return h.publish(ctx, c, rounds[i])
}
