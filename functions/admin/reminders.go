package main

import (
	"net/http"
	"slices"

	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
)

// reminders: an organiser follows a round's reminder runs, slot by slot:
// units counted of all, e-mails queued (and skipped, queued before in the
// slot) and sent.
func (h *Handler) reminders(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	roundID := r.PathValue("roundId")
	rounds, err := h.store.ListRounds(ctx, claims.Contest)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !contest.ValidID(roundID) || !slices.ContainsFunc(rounds, func(rd contest.Round) bool { return rd.ID == roundID }) {
		h.fail(w, r, fault.NotFound("round_not_found", "Không tìm thấy tuần thi."))
		return
	}
	slots := []console.Slot{}
	for _, s := range console.ReminderSlots() {
		runs, err := h.store.ReminderRuns(ctx, claims.Contest, roundID, s.Name)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		slots = append(slots, console.SlotOf(s, runs))
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"round": roundID, "slots": slots})
}
