package memstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/signin"
)

// remindRuns is what the store keeps of reminder runs (shared/reminder):
// their progress, the jobs done, and the outbox the jobs and sign-in codes
// write to (there is no stream here: tests hand the jobs to the remind
// handler themselves).
type remindRuns struct {
	progress map[string]*reminder.Progress // contest/round/slot/run
	jobsDone map[string]bool               // contest/round/slot/run/unit
	outbox   map[string][]mailq.Entry      // contest → requests in the order queued
}

func runKey(contestID, round, slot, run string) string {
	return contestID + "\x00" + round + "\x00" + slot + "\x00" + run
}

func (r *remindRuns) init() {
	if r.progress == nil {
		r.progress, r.jobsDone, r.outbox = map[string]*reminder.Progress{}, map[string]bool{}, map[string][]mailq.Entry{}
	}
}

// StartReminderRun records run's progress (its jobs are the caller's to hand on).
func (s *Store) StartReminderRun(_ context.Context, r reminder.Run, _ []reminder.Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs.init()
	k := runKey(r.Contest, r.Round, r.Slot, r.ID)
	if s.runs.progress[k] != nil {
		return fmt.Errorf("start reminder run %s: exists", r.ID)
	}
	s.runs.progress[k] = &reminder.Progress{Run: r}
	return nil
}

// QueueReminders queues each e-mail with its claim, skipping those whose
// claim exists.
func (s *Store) QueueReminders(_ context.Context, r contest.Round, slot string, emails []reminder.Queued) (queued, skipped int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs.init()
	for _, e := range emails {
		k := r.ContestID + "\x00" + r.ID + "\x00" + slot + "\x00" + e.Claim
		if s.reminders[k] {
			skipped++
			continue
		}
		s.reminders[k] = true
		s.runs.outbox[e.Mail.Contest] = append(s.runs.outbox[e.Mail.Contest], mailq.Entry{Request: e.Mail, Status: mailq.StatusQueued})
		queued++
	}
	return queued, skipped, nil
}

// FinishReminderJob marks j done and counts it in its run, once.
func (s *Store) FinishReminderJob(_ context.Context, j reminder.Job, queued, skipped int) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs.init()
	k := runKey(j.Run.Contest, j.Run.Round, j.Run.Slot, j.Run.ID)
	p := s.runs.progress[k]
	if p == nil {
		return false, fmt.Errorf("finish reminder job: run %s not started", j.Run.ID)
	}
	job := fmt.Sprintf("%s\x00%s\x00%d", k, j.Unit.ID, j.Chunk)
	if s.runs.jobsDone[job] {
		return false, nil
	}
	s.runs.jobsDone[job] = true
	p.UnitsDone++
	p.Queued += queued
	p.Skipped += skipped
	return true, nil
}

// CountReminderSent adds one e-mail sent to its run.
func (s *Store) CountReminderSent(_ context.Context, contestID string, r mailq.RunRef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs.init()
	if p := s.runs.progress[runKey(contestID, r.Round, r.Slot, r.ID)]; p != nil {
		p.Sent++
	}
	return nil
}

// ReminderRuns lists a round's slot's runs, oldest first.
func (s *Store) ReminderRuns(_ context.Context, contestID, roundID, slot string) ([]reminder.Progress, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []reminder.Progress
	for _, p := range s.runs.progress {
		if p.Contest == contestID && p.Round == roundID && p.Slot == slot {
			out = append(out, *p)
		}
	}
	slices.SortStableFunc(out, func(a, b reminder.Progress) int { return a.StartedAt.Compare(b.StartedAt) })
	return out, nil
}

// TakeReminderToken never makes anyone wait: in memory there is no SES.
func (s *Store) TakeReminderToken(context.Context, string, signin.Bucket, time.Time) error {
	return nil
}

// Outbox lists a contest's queued e-mails in the order queued.
func (s *Store) Outbox(_ context.Context, contestID string) ([]mailq.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.runs.outbox[contestID]), nil
}
