package main

import (
	"net/http"

	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/reminder"
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
	if err := console.CheckReminderRound(rounds, roundID); err != nil {
		return nil, err
	}
	c, err := h.store.GetContest(ctx, claims.Contest)
	if err != nil {
		return nil, err
	}
	return console.RemindersOf(c, roundID, func(slot string) ([]reminder.Progress, error) {
		return h.store.ReminderRuns(ctx, claims.Contest, roundID, slot)
	})
}
