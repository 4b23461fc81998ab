package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// ActionTick is the frequent schedule's action: every contest of the
// registry is looked at, and the reminder runs due by its schedule start.
const ActionTick = "tick"

// TickRun is what a tick did with one due reminder run.
type TickRun struct {
	Contest string `json:"contest"`
	Round   string `json:"round"`
	Slot    string `json:"slot"`
	// Outcome: started, already-started (claimed by an earlier or
	// concurrent tick), failed (released for the next tick).
	Outcome string      `json:"outcome"`
	Run     *RunStarted `json:"run,omitempty"`
}

// TickResult is a tick's result: the runs that were due.
type TickResult struct {
	Contests int       `json:"contests"`
	Runs     []TickRun `json:"runs"`
}

// tickLease is how long a started run's start is left to it before the next
// tick may start it again (a start writes the run and its jobs: seconds;
// the function's timeout bounds it).
const tickLease = 15 * time.Minute

// tick reads the contests' registry (one Query) and starts every reminder
// run due by the contests' own schedules (contest.DueRuns): per contest,
// round, slot and day, claimed first (a conditional put), so a repeated or
// late tick never starts one twice; one that fails to start is released for
// the next tick, and the tick reports the failure after the other runs.
func (h *Handler) tick(ctx context.Context) (any, error) {
	reg, err := h.store.ListRegistry(ctx)
	if err != nil {
		return nil, err
	}
	now := h.now()
	res := TickResult{Contests: len(reg), Runs: []TickRun{}}
	var failed []error
	for _, entry := range reg {
		rounds, err := h.store.ListRounds(ctx, entry.ID)
		if err != nil {
			failed = append(failed, fmt.Errorf("contest %s: %w", entry.ID, err))
			continue
		}
		due := contest.DueRuns(entry, rounds, now, contest.ActionRemind)
		if len(due) == 0 {
			continue
		}
		c, err := h.store.GetContest(ctx, entry.ID)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		units, err := h.store.ListUnits(ctx, entry.ID)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		for _, run := range due {
			out := TickRun{Contest: run.Contest, Round: run.Round, Slot: run.Slot}
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
			r := rounds[slices.IndexFunc(rounds, func(r contest.Round) bool { return r.ID == run.Round })]
			started, err := h.startRound(ctx, c, r, units, run.Slot, run.Audience == contest.RemindUnitAdmins, now)
			if err != nil {
				h.log.Error("scheduled reminder run not started; the next tick tries again", "contest", run.Contest, "round", run.Round, "slot", run.Slot, "err", err)
				failed = append(failed, err)
				out.Outcome = "failed"
				if err := h.store.ReleaseRun(ctx, run); err != nil {
					failed = append(failed, err) // its lease runs out instead
				}
				res.Runs = append(res.Runs, out)
				continue
			}
			if err := h.store.FinishRun(ctx, run, now); err != nil {
				failed = append(failed, err)
			}
			out.Outcome, out.Run = "started", &started
			res.Runs = append(res.Runs, out)
		}
	}
	h.log.Info("tick", "contests", res.Contests, "runs", res.Runs)
	if len(failed) > 0 {
		return res, fmt.Errorf("tick: %w", errors.Join(failed...))
	}
	return res, nil
}
