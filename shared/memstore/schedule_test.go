package memstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/testenv"
)

// scheduleStore is the registry and the scheduled runs' claims.
type scheduleStore interface {
	store
	ListRegistry(ctx context.Context) ([]contest.Contest, error)
	ClaimRun(ctx context.Context, r contest.DueRun, now time.Time, lease time.Duration) (bool, error)
	FinishRun(ctx context.Context, r contest.DueRun, now time.Time) error
	ReleaseRun(ctx context.Context, r contest.DueRun) error
	RegisterContest(ctx context.Context, c contest.Contest) (bool, error)
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

// registryStores are the stores with a way to write a contest as it was
// before the registry existed (its settings, no registry entry).
func registryStores(t *testing.T) map[string]func(t *testing.T) (scheduleStore, func(contest.Contest)) {
	out := map[string]func(t *testing.T) (scheduleStore, func(contest.Contest)){
		"in memory": func(*testing.T) (scheduleStore, func(contest.Contest)) {
			s := memstore.New()
			return s, s.PutContestBeforeRegistry
		},
	}
	if testenv.ServersUp() {
		out["on the local DynamoDB server"] = func(t *testing.T) (scheduleStore, func(contest.Contest)) {
			db, table := testenv.Table(t)
			s := dynamo.New(db, table, nil)
			return s, func(c contest.Contest) {
				ctx := context.Background()
				if err := s.PutContest(ctx, c); err != nil {
					t.Fatal(err)
				}
				if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{
					"PK": &types.AttributeValueMemberS{Value: "CONTESTS"}, "SK": &types.AttributeValueMemberS{Value: c.ID}}}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return out
}

func TestStoresRegisterAContestSavedBeforeTheRegistryOnce(t *testing.T) {
	ctx := context.Background()
	for name, open := range registryStores(t) {
		t.Run(name, func(t *testing.T) {
			s, putBefore := open(t)
			sched := &contest.Schedule{TimeZone: "UTC", TallyAfterMinutes: 60, Reminders: []contest.ReminderSlot{}}
			old := contest.Contest{ID: "tinh-cu", Title: "Cũ", Schedule: sched, Origins: []string{"https://cu.example.vn"}}
			putBefore(old)
			listed := func() []contest.Contest {
				reg, err := s.ListRegistry(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return reg
			}
			if reg := listed(); len(reg) != 0 {
				t.Fatalf("before: registry %+v, want none", reg)
			}
			t.Run("registering it adds its entry from its settings", func(t *testing.T) {
				added, err := s.RegisterContest(ctx, old)
				if err != nil || !added {
					t.Fatalf("added %v, %v", added, err)
				}
				reg := listed()
				if len(reg) != 1 || reg[0].ID != "tinh-cu" || reg[0].Schedule == nil || reg[0].Schedule.TallyAfterMinutes != 60 || !slices.Equal(reg[0].Origins, old.Origins) {
					t.Errorf("registry %+v", reg)
				}
			})
			t.Run("registering again, or a stale copy, changes nothing", func(t *testing.T) {
				newer := old
				newer.Origins = []string{"https://moi.example.vn"}
				if err := s.PutContest(ctx, newer); err != nil {
					t.Fatal(err)
				}
				for _, c := range []contest.Contest{old, newer} {
					if added, err := s.RegisterContest(ctx, c); err != nil || added {
						t.Errorf("added %v, %v", added, err)
					}
				}
				if reg := listed(); len(reg) != 1 || !slices.Equal(reg[0].Origins, newer.Origins) {
					t.Errorf("registry %+v, want the settings' last write", reg)
				}
			})
		})
	}
}
