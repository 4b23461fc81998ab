// Package tick runs what the frequent schedule finds due: it reads the
// contests' registry (one Query), asks contest.DueRuns which runs of an
// action are due by each contest's own schedule, and claims each run before
// doing it (a conditional put), so a repeated or late tick never does one
// twice; a run that fails is released for the next tick, and the tick
// reports the failure (Lambda tries the event again) after the other runs.
// functions/tally (tallies) and functions/remind (reminder runs) tick with
// it. It is AWS-free: its store is an interface, the work a function.
package tick

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// Store is what a tick reads and claims.
type Store interface {
	// ListRegistry lists every contest's schedule.
	ListRegistry(ctx context.Context) ([]contest.Contest, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	// ClaimRun claims a due run (false: started already); FinishRun and
	// ReleaseRun end the claim, done or for the next tick.
	ClaimRun(ctx context.Context, r contest.DueRun, now time.Time, lease time.Duration) (bool, error)
	FinishRun(ctx context.Context, r contest.DueRun, now time.Time) error
	ReleaseRun(ctx context.Context, r contest.DueRun) error
}

// A run's outcomes other than done (Runner.Done).
const (
	// AlreadyStarted: claimed by an earlier or concurrent tick.
	AlreadyStarted = "already-started"
	// Failed: released for the next tick.
	Failed = "failed"
)

// Run is what a tick did with one due run: its Outcome (the runner's Done,
// AlreadyStarted or Failed) and, once done, what the work answered.
type Run[R any] struct {
	contest.DueRun
	Outcome string
	Result  R
}

// Do does one claimed run of round r.
type Do[R any] func(ctx context.Context, run contest.DueRun, r contest.Round) (R, error)

// Ready readies a contest's due runs, once per contest with runs due and
// before any is claimed (it reads what they share), from the contest's
// registry entry and rounds; it answers what does each run. A contest it
// fails for has none of its runs claimed.
type Ready[R any] func(ctx context.Context, entry contest.Contest, rounds []contest.Round) (Do[R], error)

// Runner ticks for one action.
type Runner[R any] struct {
	Store  Store
	Action string // contest.ActionTally or contest.ActionRemind
	// Lease is how long a claimed run is left to its start before the next
	// tick may start it again (the function's timeout bounds a start).
	Lease time.Duration
	Done  string // the outcome of a run done: "published", "started"
	Ready Ready[R]
	// Failure is the message a run's failure is logged with, once.
	Failure string
	Log     *slog.Logger
}

// Tick does every run due at now. It answers how many contests the registry
// lists and what it did with each due run, in the registry's and the due
// runs' order; its error joins every failure.
func (t Runner[R]) Tick(ctx context.Context, now time.Time) (contests int, runs []Run[R], err error) {
	reg, err := t.Store.ListRegistry(ctx)
	if err != nil {
		return 0, nil, err
	}
	runs = []Run[R]{}
	var failed []error
	for _, entry := range reg {
		rounds, err := t.Store.ListRounds(ctx, entry.ID)
		if err != nil {
			failed = append(failed, fmt.Errorf("contest %s: %w", entry.ID, err))
			continue
		}
		due := contest.DueRuns(entry, rounds, now, t.Action)
		if len(due) == 0 {
			continue
		}
		do, err := t.Ready(ctx, entry, rounds)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		for _, run := range due {
			claimed, err := t.Store.ClaimRun(ctx, run, now, t.Lease)
			switch {
			case err != nil:
				failed = append(failed, err)
				continue
			case !claimed:
				runs = append(runs, Run[R]{DueRun: run, Outcome: AlreadyStarted})
				continue
			}
			r := rounds[slices.IndexFunc(rounds, func(r contest.Round) bool { return r.ID == run.Round })]
			out, err := do(ctx, run, r)
			if err != nil {
				t.logFailure(run, err)
				failed = append(failed, err)
				if err := t.Store.ReleaseRun(ctx, run); err != nil {
					failed = append(failed, err) // its lease runs out instead
				}
				runs = append(runs, Run[R]{DueRun: run, Outcome: Failed})
				continue
			}
			if err := t.Store.FinishRun(ctx, run, now); err != nil {
				failed = append(failed, err)
			}
			runs = append(runs, Run[R]{DueRun: run, Outcome: t.Done, Result: out})
		}
	}
	if len(failed) > 0 {
		return len(reg), runs, fmt.Errorf("tick: %w", errors.Join(failed...))
	}
	return len(reg), runs, nil
}

func (t Runner[R]) logFailure(run contest.DueRun, err error) {
	attrs := []any{"contest", run.Contest, "round", run.Round}
	if run.Slot != "" {
		attrs = append(attrs, "slot", run.Slot)
	}
	t.Log.Error(t.Failure, append(attrs, "err", err)...)
}
