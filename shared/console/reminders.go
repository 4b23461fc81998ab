package console

import (
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
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

// Reminders answers GET /rounds/{roundId}/reminders: a round's reminder
// runs, slot by slot.
type Reminders struct {
	Round string `json:"round"`
	Slots []Slot `json:"slots"`
}

// CheckReminderRound refuses a round id that names none of rounds.
// Errors: fault.NotFound "round_not_found".
func CheckReminderRound(rounds []contest.Round, roundID string) error {
	if !contest.ValidID(roundID) || !slices.ContainsFunc(rounds, func(rd contest.Round) bool { return rd.ID == roundID }) {
		return fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
	}
	return nil
}

// RemindersOf are the runs of round roundID of contest c in each of its
// ReminderSlots, a former slot only when it has runs; runs reads a slot's.
// Errors: runs'.
func RemindersOf(c contest.Contest, roundID string, runs func(slot string) ([]reminder.Progress, error)) (Reminders, error) {
	out := Reminders{Round: roundID, Slots: []Slot{}}
	all, former := ReminderSlots(c)
	for i, s := range all {
		got, err := runs(s.Name)
		if err != nil {
			return Reminders{}, err
		}
		if i >= former && len(got) == 0 {
			continue
		}
		out.Slots = append(out.Slots, SlotOf(s, got))
	}
	return out, nil
}
