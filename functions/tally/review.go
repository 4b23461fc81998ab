package main

import (
	"fmt"
	"net/http"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/console"
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

// reviewedRound is the contest and round an organiser's review names.
func (h *Handler) reviewedRound(r *http.Request) (contest.Contest, contest.Round, error) {
	claims, err := h.reviewer(r)
	if err != nil {
		return contest.Contest{}, contest.Round{}, err
	}
	round, err := h.round(r, claims)
	if err != nil {
		return contest.Contest{}, contest.Round{}, err
	}
	c, err := h.store.GetContest(r.Context(), claims.Contest)
	return c, round, err
}

// statistics: an organiser reads a round's question statistics, stored by
// the tally that published it, or computed now for an open round.
func (h *Handler) statistics(w http.ResponseWriter, r *http.Request) {
	c, round, err := h.reviewedRound(r)
	if err == nil && round.Status(h.svc.Now()) == contest.StatusUpcoming {
		err = fault.Closed("round_not_open", "Tuần thi chưa bắt đầu; chưa có bài thi nào.")
	}
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	st, err := h.svc.RoundStatistics(r.Context(), c, round)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, st)
}

// bankHistory: an organiser reads each bank question's figures across the
// published rounds that drew it (?bank= narrows it to one bank).
func (h *Handler) bankHistory(w http.ResponseWriter, r *http.Request) {
	claims, err := h.reviewer(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	bank := r.URL.Query().Get("bank")
	if bank != "" && !contest.ValidID(bank) {
		httpapi.WriteError(w, r, h.log, fault.Invalid("invalid_filter", "Mã bộ câu hỏi không hợp lệ."))
		return
	}
	c, err := h.store.GetContest(r.Context(), claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	banks, err := h.svc.BankHistories(r.Context(), c, bank)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"banks": banks})
}

// integrity: an organiser reviews a round's papers for integrity signals
// before publishing (computed now from the papers submitted so far).
func (h *Handler) integrity(w http.ResponseWriter, r *http.Request) {
	c, round, err := h.reviewedRound(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	rep, err := h.svc.RoundIntegrity(r.Context(), c, round)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, rep)
}

// exclude: an organiser keeps a submitted paper out of the ranking and the
// prizes from the next tally (it still counts in its unit's participation),
// with a reason its owner sees.
func (h *Handler) exclude(w http.ResponseWriter, r *http.Request) {
	var req console.ExclusionRequest
	if err := httpapi.DecodeJSON(w, r, &req, console.ExclusionBodyLimit); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	claims, p, err := h.reviewedPaper(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	e, err := contest.NewExclusion(p, req.Reason, claims.Email, h.svc.Now())
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	stored, err := h.store.SetExclusion(r.Context(), claims.Contest, p.Ref(), &e)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if err := h.record(r.Context(), claims.Contest, claims.Email, audit.Exclusion,
		fmt.Sprintf("Không xếp hạng bài %s (%s, %s): %s", p.ID(), p.Name, p.UnitID, e.Reason), "", e.Reason); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	h.log.Info("paper excluded", "paper", p.ID())
	httpapi.WriteJSON(w, http.StatusOK, console.PaperExclusionOf(stored))
}

// include: an organiser lifts a paper's exclusion (from the next tally).
func (h *Handler) include(w http.ResponseWriter, r *http.Request) {
	claims, p, err := h.reviewedPaper(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	stored, err := h.store.SetExclusion(r.Context(), claims.Contest, p.Ref(), nil)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	before := ""
	if p.Exclusion != nil {
		before = p.Exclusion.Reason
	}
	if err := h.record(r.Context(), claims.Contest, claims.Email, audit.Inclusion,
		fmt.Sprintf("Xếp hạng lại bài %s (%s, %s)", p.ID(), p.Name, p.UnitID), before, ""); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	h.log.Info("paper exclusion lifted", "paper", p.ID())
	httpapi.WriteJSON(w, http.StatusOK, console.PaperExclusionOf(stored))
}

// reviewedPaper authenticates an organiser and reads the paper named in the path.
func (h *Handler) reviewedPaper(r *http.Request) (*token.Claims, *contest.Paper, error) {
	claims, err := h.reviewer(r)
	if err != nil {
		return nil, nil, err
	}
	ref, err := contest.ParsePaperID(r.PathValue("paperId"))
	if err != nil {
		return nil, nil, err
	}
	p, err := h.store.GetPaper(r.Context(), claims.Contest, ref, true)
	if err != nil {
		return nil, nil, err
	}
	return claims, p, nil
}
