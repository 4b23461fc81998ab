package console

import (
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/reminder"
)

// ReminderSlots are contest c's reminder slots (its settings' schedule, or
// the default one), then the default slots it does not list: those are
// shown only with runs (former reports how many come first), so that runs
// started before a change of settings stay visible.
func ReminderSlots(c contest.Contest) (slots []contest.ReminderSlot, former int) {
	slots = slices.Clone(c.EffectiveSchedule().Reminders)
	former = len(slots)
	for _, s := range contest.ScheduleLimits.Default.Reminders {
		if !slices.ContainsFunc(slots, func(r contest.ReminderSlot) bool { return r.Name == s.Name }) {
			slots = append(slots, s)
		}
	}
	return slots, former
}

// Run is a reminder run's progress: units counted of all, e-mails queued
// (and skipped, queued before in the slot) and sent.
type Run struct {
	Run        string    `json:"run"`
	StartedAt  time.Time `json:"startedAt"`
	AdminsOnly bool      `json:"adminsOnly"`
	UnitsTotal int       `json:"unitsTotal"`
	UnitsDone  int       `json:"unitsDone"`
	Queued     int       `json:"queued"`
	Skipped    int       `json:"skipped"`
	Sent       int       `json:"sent"`
	Done       bool      `json:"done"`
}

// Slot is a reminder slot's runs.
type Slot struct {
	Slot     string `json:"slot"`
	Audience string `json:"audience"`
	Runs     []Run  `json:"runs"`
}

// SlotOf is slot s with its runs.
func SlotOf(s contest.ReminderSlot, runs []reminder.Progress) Slot {
	out := Slot{Slot: s.Name, Audience: s.Audience, Runs: make([]Run, len(runs))}
	for i, p := range runs {
		out.Runs[i] = Run{Run: p.ID, StartedAt: p.StartedAt.In(contest.ICT), AdminsOnly: p.AdminsOnly, UnitsTotal: p.Units, UnitsDone: p.UnitsDone,
			Queued: p.Queued, Skipped: p.Skipped, Sent: p.Sent, Done: p.Done()}
	}
	return out
}
