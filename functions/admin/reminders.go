package main

import (
	"net/http"
	"slices"

	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/token"
)

// reminders: an organiser follows a round's reminder runs, slot by slot:
// units counted of all, e-mails queued (and skipped, queued before in the
// slot) and sent.
func (h *Handler) reminders(r *http.Request, claims *token.Claims) (any, error) {
	ctx := r.Context()
	roundID := r.PathValue("roundId")
	rounds, err := h.store.ListRounds(ctx, claims.Contest)
	if err != nil {
		return nil, err
	}
	if !contest.ValidID(roundID) || !slices.ContainsFunc(rounds, func(rd contest.Round) bool { return rd.ID == roundID }) {
		return nil, fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
	}
	c, err := h.store.GetContest(ctx, claims.Contest)
	if err != nil {
		return nil, err
	}
	slots := []console.Slot{}
	all, former := console.ReminderSlots(c)
	for i, s := range all {
		runs, err := h.store.ReminderRuns(ctx, claims.Contest, roundID, s.Name)
		if err != nil {
			return nil, err
		}
		if i >= former && len(runs) == 0 {
			continue
		}
		slots = append(slots, console.SlotOf(s, runs))
	}
	return map[string]any{"round": roundID, "slots": slots}, nil
}
