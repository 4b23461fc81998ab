package tick_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/tick"
)

// now is the ticks' clock: a fixed time, whatever the day the tests run.
var now = time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC)

// world is two contests, each with a round closed an hour before now (its
// tally due) and one still open (nothing due).
func world(t *testing.T) *memstore.Store {
	t.Helper()
	ctx := context.Background()
	s := memstore.New()
	for _, id := range []string{"tinh-a", "tinh-b"} {
		if err := s.PutContest(ctx, contest.Contest{ID: id, Title: id, Schedule: &contest.Schedule{TallyAfterMinutes: 30, Reminders: []contest.ReminderSlot{}}}); err != nil {
			t.Fatal(err)
		}
		for _, r := range []contest.Round{
			{ContestID: id, ID: "tuan-1", Audience: contest.AudienceStaff, OpensAt: now.Add(-7 * 24 * time.Hour), ClosesAt: now.Add(-time.Hour)},
			{ContestID: id, ID: "tuan-2", Audience: contest.AudienceStaff, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(6 * 24 * time.Hour)},
		} {
			if err := s.PutRound(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// brokenRounds fails to list one contest's rounds.
type brokenRounds struct {
	*memstore.Store
	contest string
}

func (s brokenRounds) ListRounds(ctx context.Context, contestID string) ([]contest.Round, error) {
	if contestID == s.contest {
		return nil, errors.New("rounds unread")
	}
	return s.Store.ListRounds(ctx, contestID)
}

// brokenRegistry fails to list the registry.
type brokenRegistry struct{ *memstore.Store }

func (brokenRegistry) ListRegistry(context.Context) ([]contest.Contest, error) {
	return nil, errors.New("registry unread")
}

// runner counts the work it does per contest and round, failing for the
// contests and rounds named in fail (contest, or contest/round).
func runner(s tick.Store, done map[string]int, fail ...string) tick.Runner[string] {
	return tick.Runner[string]{Store: s, Action: contest.ActionTally, Lease: 10 * time.Minute, Done: "published", Failure: "failed",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ready: func(_ context.Context, entry contest.Contest, _ []contest.Round) (tick.Do[string], error) {
			if slices.Contains(fail, entry.ID) {
				return nil, errors.New("contest unread")
			}
			return func(_ context.Context, run contest.DueRun, r contest.Round) (string, error) {
				if slices.Contains(fail, run.Contest+"/"+r.ID) {
					return "", errors.New("tally failed")
				}
				done[run.Contest+"/"+r.ID]++
				return "did " + r.ID, nil
			}, nil
		}}
}

// outcomes are a tick's runs as contest/round: outcome (result).
func outcomes(runs []tick.Run[string]) []string {
	var out []string
	for _, r := range runs {
		out = append(out, r.Contest+"/"+r.Round+": "+r.Outcome+" ("+r.Result+")")
	}
	return out
}

func TestRunnerDoesEachDueRunOnce(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		store   func(*memstore.Store) tick.Store
		fail    []string
		claimed []string // contests whose tally another tick has claimed
		want    []string
		wantErr bool
	}{
		{name: "every contest's due run is done and nothing else",
			want: []string{"tinh-a/tuan-1: published (did tuan-1)", "tinh-b/tuan-1: published (did tuan-1)"}},
		{name: "a run claimed by another tick is left to it", claimed: []string{"tinh-a"},
			want: []string{"tinh-a/tuan-1: already-started ()", "tinh-b/tuan-1: published (did tuan-1)"}},
		{name: "a run that fails is reported after the other contests' runs", fail: []string{"tinh-a/tuan-1"},
			want: []string{"tinh-a/tuan-1: failed ()", "tinh-b/tuan-1: published (did tuan-1)"}, wantErr: true},
		{name: "a contest not readied has none of its runs claimed", fail: []string{"tinh-a"},
			want: []string{"tinh-b/tuan-1: published (did tuan-1)"}, wantErr: true},
		{name: "a contest whose rounds are unread is skipped", store: func(s *memstore.Store) tick.Store { return brokenRounds{s, "tinh-b"} },
			want: []string{"tinh-a/tuan-1: published (did tuan-1)"}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := world(t)
			var s tick.Store = mem
			if tc.store != nil {
				s = tc.store(mem)
			}
			for _, id := range tc.claimed {
				run := contest.DueRun{Contest: id, Action: contest.ActionTally, Round: "tuan-1", Key: contest.ActionTally + "#tuan-1"}
				if ok, err := mem.ClaimRun(ctx, run, now, time.Hour); err != nil || !ok {
					t.Fatalf("claim: %v, %v", ok, err)
				}
			}
			done := map[string]int{}
			contests, runs, err := runner(s, done, tc.fail...).Tick(ctx, now)
			if got := outcomes(runs); contests != 2 || !slices.Equal(got, tc.want) {
				t.Errorf("%d contests, runs %q; want 2 contests, runs %q", contests, got, tc.want)
			}
			if (err != nil) != tc.wantErr {
				t.Errorf("error %v, want one: %v", err, tc.wantErr)
			}
			t.Run("and a later tick does what was left, once the claims' leases run out, and nothing twice", func(t *testing.T) {
				if _, _, err := runner(mem, done).Tick(ctx, now.Add(2*time.Hour)); err != nil {
					t.Fatal(err)
				}
				for _, id := range []string{"tinh-a/tuan-1", "tinh-b/tuan-1"} {
					if done[id] != 1 {
						t.Errorf("%s done %d times, want once", id, done[id])
					}
				}
			})
		})
	}
	t.Run("an unread registry answers no runs", func(t *testing.T) {
		_, runs, err := runner(brokenRegistry{world(t)}, map[string]int{}).Tick(ctx, now)
		if runs != nil || err == nil {
			t.Errorf("runs %v, error %v; want none and an error", runs, err)
		}
	})
}
