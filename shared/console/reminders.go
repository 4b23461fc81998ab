package console

import (
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/reminder"
)

// ReminderSlots are the reminder schedules' slots, in their order of the week.
func ReminderSlots() []platform.Schedule {
	fn, _ := platform.FunctionNamed("remind")
	return fn.Schedules
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
func SlotOf(s platform.Schedule, runs []reminder.Progress) Slot {
	out := Slot{Slot: s.Name, Audience: s.Audience, Runs: make([]Run, len(runs))}
	for i, p := range runs {
		out.Runs[i] = Run{Run: p.ID, StartedAt: p.StartedAt.In(contest.ICT), AdminsOnly: p.AdminsOnly, UnitsTotal: p.Units, UnitsDone: p.UnitsDone,
			Queued: p.Queued, Skipped: p.Skipped, Sent: p.Sent, Done: p.Done()}
	}
	return out
}
