package memstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/memstore"
)

// scheduleStore is the registry and the scheduled runs' claims.
type scheduleStore interface {
	store
	ListRegistry(ctx context.Context) ([]contest.Contest, error)
	ClaimRun(ctx context.Context, r contest.DueRun, now time.Time, lease time.Duration) (bool, error)
	FinishRun(ctx context.Context, r contest.DueRun, now time.Time) error
	ReleaseRun(ctx context.Context, r contest.DueRun) error
}

var (
	_ scheduleStore = (*memstore.Store)(nil)
	_ scheduleStore = (*dynamo.Store)(nil)
)

func TestStoresKeepTheContestsRegistryAndClaimScheduledRunsOnce(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t).(scheduleStore)
			t.Run("writing a contest's settings updates its registry entry", func(t *testing.T) {
				sched := &contest.Schedule{TimeZone: "Asia/Bangkok", TallyAfterMinutes: 45, Reminders: []contest.ReminderSlot{{Name: "nhac", Weekday: time.Friday, Time: "07:30", Audience: contest.RemindEveryone}}}
				for _, ct := range []contest.Contest{{ID: "tinh-b", Title: "B"}, {ID: "tinh-a", Title: "A", Origins: []string{"https://old.example.vn"}}} {
					if err := s.PutContest(ctx, ct); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.PutContest(ctx, contest.Contest{ID: "tinh-a", Title: "A", Schedule: sched, Origins: []string{"https://a.example.vn"}}); err != nil {
					t.Fatal(err)
				}
				reg, err := s.ListRegistry(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, c := range reg {
					ids = append(ids, c.ID)
				}
				if !slices.Contains(ids, "tinh-a") || !slices.Contains(ids, "tinh-b") {
					t.Fatalf("registry %v, want tinh-a and tinh-b", ids)
				}
				a := reg[slices.Index(ids, "tinh-a")]
				if !slices.Equal(a.Origins, []string{"https://a.example.vn"}) || a.Schedule == nil || a.Schedule.TallyAfterMinutes != 45 || len(a.Schedule.Reminders) != 1 {
					t.Errorf("tinh-a in the registry: %+v", a)
				}
				got, err := s.GetContest(ctx, "tinh-a")
				if err != nil || got.Schedule == nil || got.Schedule.TimeZone != "Asia/Bangkok" || !slices.Equal(got.Origins, a.Origins) {
					t.Errorf("settings read back: %+v, %v", got, err)
				}
				if b := reg[slices.Index(ids, "tinh-b")]; b.Schedule != nil || len(b.Origins) != 0 {
					t.Errorf("tinh-b has no schedule nor origins: %+v", b)
				}
			})
			t.Run("a due run is claimed once, and again only after a release or its lease", func(t *testing.T) {
				run := contest.DueRun{Contest: "tinh-a", Action: contest.ActionRemind, Round: "tuan-1", Slot: "nhac", Key: "remind#tuan-1#nhac#2026-03-06"}
				claim := func(at time.Time) bool {
					ok, err := s.ClaimRun(ctx, run, at, 10*time.Minute)
					if err != nil {
						t.Fatal(err)
					}
					return ok
				}
				if !claim(t0) || claim(t0.Add(time.Minute)) {
					t.Fatal("want the first claim only")
				}
				if err := s.ReleaseRun(ctx, run); err != nil {
					t.Fatal(err)
				}
				if !claim(t0.Add(2 * time.Minute)) {
					t.Fatal("a released run may be claimed again")
				}
				if !claim(t0.Add(13 * time.Minute)) {
					t.Fatal("a claim whose lease ran out (a crashed start) may be taken again")
				}
				if err := s.FinishRun(ctx, run, t0.Add(14*time.Minute)); err != nil {
					t.Fatal(err)
				}
				if claim(t0.AddDate(0, 0, 1)) {
					t.Error("a finished run is never claimed again")
				}
				if err := s.ReleaseRun(ctx, run); err != nil || claim(t0.AddDate(0, 0, 2)) {
					t.Errorf("releasing a finished run changes nothing (%v)", err)
				}
				tally := contest.DueRun{Contest: "tinh-a", Action: contest.ActionTally, Round: "tuan-1", Key: "tally#tuan-1"}
				if ok, err := s.ClaimRun(ctx, tally, t0, time.Minute); err != nil || !ok {
					t.Errorf("another run of the same round is claimed on its own: %v, %v", ok, err)
				}
			})
		})
	}
}
