package main

import (
	"context"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tick"
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

// tick starts every reminder run due by the contests' own schedules
// (shared/tick): per contest, round, slot and day, claimed first, so a
// repeated or late tick never starts one twice; one that fails to start is
// released for the next tick, and the tick reports the failure after the
// other runs.
func (h *Handler) tick(ctx context.Context) (any, error) {
	now := h.now()
	contests, runs, err := tick.Runner[*RunStarted]{Store: h.store, Action: contest.ActionRemind, Lease: tickLease, Done: "started",
		Ready: func(ctx context.Context, entry contest.Contest, _ []contest.Round) (tick.Do[*RunStarted], error) {
			return h.startDue(ctx, entry.ID, now)
		},
		Failure: "scheduled reminder run not started; the next tick tries again", Log: h.log}.Tick(ctx, now)
	if runs == nil {
		return nil, err // the registry unread
	}
	res := TickResult{Contests: contests, Runs: make([]TickRun, len(runs))}
	for i, r := range runs {
		res.Runs[i] = TickRun{Contest: r.Contest, Round: r.Round, Slot: r.Slot, Outcome: r.Outcome, Run: r.Result}
	}
	h.log.Info("tick", "contests", res.Contests, "runs", res.Runs)
	return res, err
}

// startDue reads what a contest's due runs share (the contest, its units)
// and answers what starts each.
func (h *Handler) startDue(ctx context.Context, contestID string, now time.Time) (tick.Do[*RunStarted], error) {
	c, err := h.store.GetContest(ctx, contestID)
	if err != nil {
		return nil, err
	}
	units, err := h.store.ListUnits(ctx, contestID)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, run contest.DueRun, r contest.Round) (*RunStarted, error) {
		started, err := h.startRound(ctx, c, r, units, run.Slot, run.Audience == contest.RemindUnitAdmins, now)
		return &started, err
	}, nil
}
