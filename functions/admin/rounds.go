package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/token"
)

// roundJSON is a round as the console lists it: the rounds import's own
// summary, its status at the server's clock and whether it may still change
// in every field (it has not opened).
type roundJSON struct {
	importer.RoundSummary
	Status      contest.Status `json:"status"`
	Editable    bool           `json:"editable"`
	PublishedAt *time.Time     `json:"publishedAt,omitempty"`
}

type bankJSON struct {
	ID        string `json:"id"`
	Questions int    `json:"questions"`
}

// listRounds: GET /rounds, the contest's rounds (by opening) and its banks.
func (h *Handler) listRounds(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	cur, err := h.current(r.Context(), claims, importer.KindRounds)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	rounds := slices.Clone(cur.Rounds)
	slices.SortStableFunc(rounds, func(a, b contest.Round) int {
		if c := a.OpensAt.Compare(b.OpensAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	summaries := importer.RoundSummaries(rounds)
	out := make([]roundJSON, len(rounds))
	for i, rd := range rounds {
		out[i] = roundJSON{RoundSummary: summaries[i], Status: rd.Status(cur.Now), Editable: cur.Now.Before(rd.OpensAt)}
		if !rd.PublishedAt.IsZero() {
			at := rd.PublishedAt.In(contest.ICT)
			out[i].PublishedAt = &at
		}
	}
	banks := []bankJSON{}
	for id, n := range cur.Banks {
		banks = append(banks, bankJSON{ID: id, Questions: n})
	}
	slices.SortFunc(banks, func(a, b bankJSON) int { return strings.Compare(a.ID, b.ID) })
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"rounds": out, "banks": banks, "maxWeeks": importer.MaxWeeks})
}

// weeklyRounds: POST /rounds/weekly[?dryRun=1] with an importer.WeeklySpec:
// the weeks built and checked by the rounds import's rules, then (without
// dryRun) written all or nothing and audited.
func (h *Handler) weeklyRounds(w http.ResponseWriter, r *http.Request) {
	claims, spec, ok := organiserBody[importer.WeeklySpec](h, w, r, 16<<10)
	if !ok {
		return
	}
	ctx := r.Context()
	cur, err := h.current(ctx, claims, importer.KindRounds)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	checked := importer.Weekly(spec, cur)
	summary := fmt.Sprintf("Tạo %d tuần thi từ thứ Hai %s: %d câu, %v phút, %d lượt, bộ câu hỏi %s", spec.Weeks, spec.FirstMonday, spec.QuestionCount, spec.TimeLimitMinutes, spec.Attempts, spec.BankID)
	h.writeRounds(w, r, claims, cur, checked, audit.RoundsCreate, summary)
}

// editRound: PUT /rounds/{id}[?dryRun=1] with an importer.RoundEdit. A round
// that has opened keeps its questions, bank, time limit and attempts: 409
// (contest.Round.CheckChange); other problems 422 by field.
func (h *Handler) editRound(w http.ResponseWriter, r *http.Request) {
	claims, ed, ok := organiserBody[importer.RoundEdit](h, w, r, 16<<10)
	if !ok {
		return
	}
	ctx := r.Context()
	cur, err := h.current(ctx, claims, importer.KindRounds)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	id := r.PathValue("id")
	i := slices.IndexFunc(cur.Rounds, func(rd contest.Round) bool { return rd.ID == id })
	if i < 0 {
		httpapi.WriteError(w, r, h.log, fault.NotFound("round_not_found", "Không có tuần thi "+id+"."))
		return
	}
	old := cur.Rounds[i]
	checked := importer.EditRound(id, ed, cur)
	if len(checked.Rounds) == 1 {
		if field, err := old.CheckChange(checked.Rounds[0], cur.Now); err != nil {
			e, _ := fault.As(err)
			if slices.ContainsFunc(checked.Problems, func(p importer.Problem) bool { return p.Column == field && p.Msg == e.Message }) {
				httpapi.WriteJSON(w, http.StatusConflict, importResponse{Kind: importer.KindRounds,
					Error: &importError{Code: e.Code, Message: e.Message}, Problems: problemsJSON(checked.Problems), Warnings: problemsJSON(checked.Warnings)})
				return
			}
		}
	}
	h.writeRounds(w, r, claims, cur, checked, audit.RoundsUpdate, "Sửa tuần thi "+id)
}

// writeRounds answers a checked set of rounds: 422 with its problems, the
// dry run's summary, or the rounds written all or nothing and audited.
func (h *Handler) writeRounds(w http.ResponseWriter, r *http.Request, claims *token.Claims, cur importer.Current, checked *importer.Checked, action, summary string) {
	q := r.URL.Query()
	dry := q.Get("dryRun") != "" && q.Get("dryRun") != "0" && q.Get("dryRun") != "false"
	resp := importResponse{OK: checked.Valid(), Kind: importer.KindRounds, DryRun: dry, Warnings: problemsJSON(checked.Warnings)}
	if !checked.Valid() {
		resp.Problems = problemsJSON(checked.Problems)
		resp.Error = &importError{Code: "rounds_problems", Message: fmt.Sprintf("Có %d lỗi; chưa ghi gì.", len(checked.Problems))}
		httpapi.WriteJSON(w, http.StatusUnprocessableEntity, resp)
		return
	}
	resp.Summary, resp.Changes = checked.Summary, &checked.Changes
	if dry {
		httpapi.WriteJSON(w, http.StatusOK, resp)
		return
	}
	ctx := r.Context()
	if err := h.store.PutRounds(ctx, checked.Rounds); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	resp.Written = true
	if err := h.auditRounds(ctx, claims, cur, checked, action, summary); err != nil {
		h.log.Error("rounds written but their audit entry failed", "err", err)
		httpapi.WriteError(w, r, h.log, fmt.Errorf("audit after rounds: %w", err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, resp)
}

func (h *Handler) auditRounds(ctx context.Context, claims *token.Claims, cur importer.Current, checked *importer.Checked, action, summary string) error {
	ids := make([]string, len(checked.Rounds))
	for i, rd := range checked.Rounds {
		ids[i] = rd.ID
	}
	e, err := audit.New(cur.Now, claims.Email, action, summary+" ("+checked.Changes.Text+")",
		fmt.Sprintf("%d tuần thi", len(cur.Rounds)), strings.Join(ids, ", "))
	if err != nil {
		return err
	}
	return h.store.AppendAudit(ctx, claims.Contest, e)
}
