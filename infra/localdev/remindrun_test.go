package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/testenv"
)

// A reminder run end to end: the schedule's event to the remind binary, its
// jobs through the table's stream and the local event source mapping back
// to it, the e-mails through the outbox, the stream and the mailer's binary
// to the local outbox folder.

// runWait bounds how long a reminder run of people may take here (a
// failure bound, not a timing assertion): the local mailer starts a process
// per batch, so a run's time grows with its size; 5 minutes and a second
// for every 20 e-mails.
func runWait(people int) time.Duration {
	return 5*time.Minute + time.Duration(people/20)*time.Second
}

// startedRuns reads the runs a schedule's invocation started.
func startedRuns(t *testing.T, out []byte) []struct {
	Round, Slot, Run string
	Units            int
} {
	t.Helper()
	var res struct {
		Runs []struct {
			Round, Slot, Run string
			Units            int
		} `json:"runs"`
	}
	// the binary's stdout holds its log lines, then the result
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	if err := json.Unmarshal(lines[len(lines)-1], &res); err != nil || len(res.Runs) == 0 {
		t.Fatalf("the schedule's result %s names no run (%v)", out, err)
	}
	return res.Runs
}

// progressOf is a run's progress as the organiser sees it.
func progressOf(t *testing.T, e *e2eEnv, contestID, round, slot, run string) reminder.Progress {
	t.Helper()
	runs, err := e.store.ReminderRuns(context.Background(), contestID, round, slot)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range runs {
		if p.ID == run {
			return p
		}
	}
	t.Fatalf("run %s of %s %s has no progress", run, round, slot)
	return reminder.Progress{}
}

// waitRuns waits until every run a schedule's invocation started (its
// result, out) has counted every unit and sent what it queued.
func waitRuns(t *testing.T, e *e2eEnv, contestID string, out []byte, people int) {
	t.Helper()
	for _, r := range startedRuns(t, out) {
		deadline := time.Now().Add(runWait(people))
		for p := progressOf(t, e, contestID, r.Round, r.Slot, r.Run); !p.Done(); p = progressOf(t, e, contestID, r.Round, r.Slot, r.Run) {
			if time.Now().After(deadline) {
				t.Fatalf("run %s: %+v not done within %s", r.Run, p, runWait(people))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// envInt is an environment variable's number, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func TestAReminderRunSendsEachPersonOneEmailAcrossAMailerCrashAndARerun(t *testing.T) {
	e := need(t)
	ctx := context.Background()
	// make test runs 400 people in 20 units (the local mailer takes a batch of
	// 20 at a time, about 2 s each here); make test-reminder-run the
	// national size, 20,000 in 500 (HOITHI_REMIND_PEOPLE, HOITHI_REMIND_UNITS)
	people, unitCount := envInt("HOITHI_REMIND_PEOPLE", 400), envInt("HOITHI_REMIND_UNITS", 20)
	c := ownContest(t, e, "remind")
	now := e.clock.Now()
	// GIVEN a contest of its own with an open staff round, its units and
	// roster written with batch writes, nobody has taken part
	round := contest.Round{ContestID: c.ID, ID: "2026-w01", Title: "Tuần thử", Audience: contest.AudienceStaff,
		OpensAt: now.Add(-24 * time.Hour), ClosesAt: now.Add(72 * time.Hour), QuestionCount: 10, TimeLimit: 10 * time.Minute, Attempts: 1}
	if err := e.store.PutRound(ctx, round); err != nil {
		t.Fatal(err)
	}
	units := make([]contest.Unit, unitCount)
	for i := range units {
		units[i] = contest.Unit{ID: fmt.Sprintf("don-vi-%03d", i), Name: fmt.Sprintf("Đơn vị %03d", i), Block: contest.BlockAgency, Headcount: people / unitCount}
	}
	members := make([]contest.Member, people)
	want := map[string]bool{}
	for i := range members {
		members[i] = contest.Member{Email: fmt.Sprintf("nhac.%05d.%s@%s", i, c.ID, demo.Domain), Name: fmt.Sprintf("Người %05d", i),
			UnitID: units[i%unitCount].ID, Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}
		want[members[i].Email] = true
	}
	if err := e.store.ReplaceUnits(ctx, c.ID, "v1", units); err != nil {
		t.Fatal(err)
	}
	if err := e.store.ReplaceRoster(ctx, c.ID, "v1", members); err != nil {
		t.Fatal(err)
	}
	received := func() map[string]int {
		got := map[string]int{}
		for _, m := range testenv.Outbox(t, e.p.Outbox()) {
			if want[m.To] {
				got[m.To]++
			}
		}
		return got
	}
	fn, _ := platform.FunctionNamed("remind")
	var lastDay platform.Schedule
	for _, s := range fn.Schedules {
		if s.Audience == platform.RemindEveryone {
			lastDay = s
		}
	}
	// the mailer's two mappings: sign-in codes, and reminders
	codes, mailer := e.p.mappings["mailer"], e.p.mappings["mailer-reminders"]
	_, failedBefore, _ := mailer.Stats()

	// WHEN the last day's run starts while the mailer is down
	mailer.SetDown(true)
	codes.SetDown(true)
	defer mailer.SetDown(false)
	defer codes.SetDown(false)
	began := time.Now()
	out, err := e.p.RunEvent(ctx, "remind", ScheduledEvent(lastDay, c.ID, now))
	if err != nil {
		t.Fatal(err)
	}
	run := startedRuns(t, out)[0]
	t.Run("the run is one job per unit, and its start waits for none of them", func(t *testing.T) {
		if run.Units != unitCount || run.Round != round.ID {
			t.Errorf("run %+v, want %d units of %s", run, unitCount, round.ID)
		}
	})
	// every unit is counted and its e-mails queued, none sent
	var p reminder.Progress
	// each job is a few seconds here (its unit's reads and two transactions
	// of 50 items, a process per batch of jobs): 2.8 s measured at 500 units
	waitUntil(t, "every unit counted", 5*time.Minute+time.Duration(unitCount)*5*time.Second, func() bool {
		p = progressOf(t, e, c.ID, run.Round, run.Slot, run.Run)
		return p.UnitsDone == unitCount
	})
	t.Logf("%d units counted and %d e-mails queued in %s", unitCount, p.Queued, time.Since(began).Round(time.Millisecond))
	t.Run("with the mailer down, every e-mail is queued and none is sent", func(t *testing.T) {
		if p.Queued != people || p.Skipped != 0 || p.Sent != 0 {
			t.Errorf("progress %+v, want %d queued, 0 sent", p, people)
		}
		if got := received(); len(got) != 0 {
			t.Errorf("%d people received an e-mail while the mailer was down", len(got))
		}
		if _, failed, _ := mailer.Stats(); failed == failedBefore {
			t.Error("the mailer was never tried while down")
		}
	})
	// AND someone asks for a sign-in code after the whole run was queued
	signer := "ma." + c.ID + "@" + demo.Domain
	if r := e.call(t, nil, http.MethodPost, "auth", "/codes", "", map[string]string{"contest": c.ID, "email": signer}); r.status != http.StatusAccepted {
		t.Fatalf("POST /codes: %d %s, want 202", r.status, r.raw)
	}
	// WHEN the mailer comes back
	mailer.SetDown(false)
	codes.SetDown(false)
	back := time.Now()
	e.readCode(t, signer)
	t.Run("the code queued after every reminder is sent ahead of them", func(t *testing.T) {
		before := 0
		for _, m := range testenv.Outbox(t, e.p.Outbox()) {
			if m.To == signer {
				break
			}
			if want[m.To] {
				before++
			}
		}
		// the reminders' mapping may have had one batch in hand when the code came
		if limit := platform.MailerReminderStream.BatchSize; before > limit {
			t.Errorf("%d of the %d reminders queued before it were sent before the code, want at most one batch (%d)", before, people, limit)
		}
	})
	waitRuns(t, e, c.ID, out, people)
	t.Logf("%d e-mails sent in %s once the mailer was back", people, time.Since(back).Round(time.Millisecond))
	// AND the slot runs again (a re-run by hand, or the schedule's retry)
	out2, err := e.p.RunEvent(ctx, "remind", ScheduledEvent(lastDay, c.ID, now))
	if err != nil {
		t.Fatal(err)
	}
	waitRuns(t, e, c.ID, out2, people)
	rerun := startedRuns(t, out2)[0]

	t.Run("each person received exactly one e-mail", func(t *testing.T) {
		got := received()
		if len(got) != people {
			t.Errorf("%d of %d people received an e-mail", len(got), people)
		}
		for to, n := range got {
			if n != 1 {
				t.Errorf("%s received %d e-mails", to, n)
			}
		}
	})
	t.Run("the organiser sees the first run sent everything and the re-run found it all done", func(t *testing.T) {
		first := progressOf(t, e, c.ID, run.Round, run.Slot, run.Run)
		again := progressOf(t, e, c.ID, rerun.Round, rerun.Slot, rerun.Run)
		if first.UnitsDone != unitCount || first.Queued != people || first.Sent != people {
			t.Errorf("first run %+v", first)
		}
		if again.UnitsDone != unitCount || again.Queued != 0 || again.Skipped != people || again.Sent != 0 {
			t.Errorf("re-run %+v", again)
		}
	})
	t.Run("no job and no e-mail was given up", func(t *testing.T) {
		if _, _, given := e.p.mappings["remind"].Stats(); given != 0 {
			t.Errorf("%d job batches given up", given)
		}
		if _, _, given := mailer.Stats(); given != 0 {
			t.Errorf("%d mail batches given up", given)
		}
	})
}
