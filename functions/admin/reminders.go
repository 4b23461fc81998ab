package main

import (
	"net/http"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/reminder"
)

// reminderSlots are the contest's reminder slots (its settings' schedule,
// or the default one), then the default slots it does not list (shown only
// with runs: those started before a change of settings stay visible).
func reminderSlots(c contest.Contest) (slots []contest.ReminderSlot, former int) {
	slots = slices.Clone(c.EffectiveSchedule().Reminders)
	former = len(slots)
	for _, s := range contest.ScheduleLimits.Default.Reminders {
		if !slices.ContainsFunc(slots, func(r contest.ReminderSlot) bool { return r.Name == s.Name }) {
			slots = append(slots, s)
		}
	}
	return slots, former
}

type runView struct {
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

type slotView struct {
	Slot     string    `json:"slot"`
	Audience string    `json:"audience"`
	Runs     []runView `json:"runs"`
}

// reminders: an organiser follows a round's reminder runs, slot by slot:
// units counted of all, e-mails queued (and skipped, queued before in the
// slot) and sent.
func (h *Handler) reminders(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	roundID := r.PathValue("roundId")
	rounds, err := h.store.ListRounds(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !contest.ValidID(roundID) || !slices.ContainsFunc(rounds, func(rd contest.Round) bool { return rd.ID == roundID }) {
		httpapi.WriteError(w, r, h.log, fault.NotFound("round_not_found", "Không tìm thấy tuần thi."))
		return
	}
	c, err := h.store.GetContest(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	slots := []slotView{}
	all, former := reminderSlots(c)
	for i, s := range all {
		runs, err := h.store.ReminderRuns(ctx, claims.Contest, roundID, s.Name)
		if err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
		if i >= former && len(runs) == 0 {
			continue
		}
		view := slotView{Slot: s.Name, Audience: s.Audience, Runs: []runView{}}
		for _, p := range runs {
			view.Runs = append(view.Runs, progressView(p))
		}
		slots = append(slots, view)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"round": roundID, "slots": slots})
}

func progressView(p reminder.Progress) runView {
	return runView{Run: p.ID, StartedAt: p.StartedAt.In(contest.ICT), AdminsOnly: p.AdminsOnly, UnitsTotal: p.Units, UnitsDone: p.UnitsDone,
		Queued: p.Queued, Skipped: p.Skipped, Sent: p.Sent, Done: p.Done()}
}
