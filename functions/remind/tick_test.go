package main

import (
	"context"
	"os"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
)

// tick plays the remind tick's sample event, then every job it started, as
// the stream would.
func (w *world) tick(t *testing.T) (TickResult, []JobOutcome) {
	t.Helper()
	raw, err := os.ReadFile(eventsDir + "/tick.json")
	if err != nil {
		t.Fatal(err)
	}
	out, jobs := w.event(t, raw)
	return out.(TickResult), jobs
}

func TestTickStartsEachDueReminderRunOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	// The contest's own slot: this very minute (the open round opened on a
	// whole minute before it, whatever the day the test runs).
	at := w.now().In(contest.ICT)
	c, err := w.s.GetContest(ctx, demo.ContestID)
	if err != nil {
		t.Fatal(err)
	}
	c.Schedule = &contest.Schedule{Reminders: []contest.ReminderSlot{{Name: "nhac-ngay", Weekday: at.Weekday(), Time: at.Format("15:04"), Audience: contest.RemindUnitAdmins}}}
	if err := w.c.Store.PutContest(ctx, c); err != nil {
		t.Fatal(err)
	}
	admins, _ := w.expected(t)

	res, jobs := w.tick(t)
	t.Run("the first tick starts the slot's run for the open staff round", func(t *testing.T) {
		if len(res.Runs) != 1 || res.Runs[0].Outcome != "started" || res.Runs[0].Round != w.c.OpenRound().ID || res.Runs[0].Slot != "nhac-ngay" {
			t.Fatalf("runs %+v", res.Runs)
		}
		if len(jobs) != len(demo.Units()) || len(w.sent(t)) != len(admins) {
			t.Errorf("%d jobs, %d e-mails; want %d jobs and one e-mail per unit admin (%d)", len(jobs), len(w.sent(t)), len(demo.Units()), len(admins))
		}
	})
	t.Run("a repeated tick starts nothing more", func(t *testing.T) {
		again, jobs := w.tick(t)
		if len(again.Runs) != 1 || again.Runs[0].Outcome != "already-started" || len(jobs) != 0 || len(w.sent(t)) != len(admins) {
			t.Errorf("runs %+v, %d jobs, %d e-mails", again.Runs, len(jobs), len(w.sent(t)))
		}
	})
	t.Run("a contest without the slot starts nothing", func(t *testing.T) {
		c.Schedule = &contest.Schedule{Reminders: []contest.ReminderSlot{}}
		if err := w.c.Store.PutContest(ctx, c); err != nil {
			t.Fatal(err)
		}
		if res, _ := w.tick(t); len(res.Runs) != 0 {
			t.Errorf("runs %+v, want none", res.Runs)
		}
	})
}
