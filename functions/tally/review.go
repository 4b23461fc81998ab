package main

import (
	"net/http"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/token"
)

// reviewer authenticates an organiser reviewing a round (statistics,
// integrity, exclusions); anyone else is refused.
func (h *Handler) reviewer(r *http.Request) (*token.Claims, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return nil, err
	}
	if !claims.Actor().MayReviewRound() {
		return nil, fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được xem mục này.")
	}
	return claims, nil
}

// statistics: an organiser reads a round's question statistics, stored by
// the tally that published it, or computed now for an open round.
func (h *Handler) statistics(w http.ResponseWriter, r *http.Request) {
	claims, err := h.reviewer(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	round, err := h.round(r, claims)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if round.Status(h.svc.Now()) == contest.StatusUpcoming {
		httpapi.WriteError(w, r, h.log, fault.Closed("round_not_open", "Tuần thi chưa bắt đầu; chưa có bài thi nào."))
		return
	}
	c, err := h.store.GetContest(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	st, err := h.svc.RoundStatistics(ctx, c, round)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, st)
}
