package main

import (
	"net/http"
	"slices"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/token"
)

// listRounds: GET /rounds, the contest's rounds (by opening) and its banks.
func (h *Handler) listRounds(r *http.Request, claims *token.Claims) (any, error) {
	cur, err := h.current(r.Context(), claims, importer.KindRounds)
	return console.RoundListOf(cur), err
}

// weeklyRounds: POST /rounds/weekly[?dryRun=1] with an importer.WeeklySpec:
// the weeks built and checked by the rounds import's rules, then (without
// dryRun) written all or nothing and audited.
func (h *Handler) weeklyRounds(w http.ResponseWriter, r *http.Request) {
	claims, spec, ok := organiserBody[importer.WeeklySpec](h, w, r, 16<<10)
	if !ok {
		return
	}
	cur, err := h.current(r.Context(), claims, importer.KindRounds)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeRounds(w, r, claims, cur, importer.Weekly(spec, cur), audit.RoundsCreate, spec.Summary())
}

// editRound: PUT /rounds/{id}[?dryRun=1] with an importer.RoundEdit. A round
// that has opened keeps its questions, bank, time limit and attempts: 409
// (contest.Round.CheckChange); other problems 422 by field.
func (h *Handler) editRound(w http.ResponseWriter, r *http.Request) {
	claims, ed, ok := organiserBody[importer.RoundEdit](h, w, r, 16<<10)
	if !ok {
		return
	}
	cur, err := h.current(r.Context(), claims, importer.KindRounds)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	i := slices.IndexFunc(cur.Rounds, func(rd contest.Round) bool { return rd.ID == id })
	if i < 0 {
		h.fail(w, r, fault.NotFound("round_not_found", "Không có tuần thi "+id+"."))
		return
	}
	checked := importer.EditRound(id, ed, cur)
	if e, locked := checked.Locked(cur.Rounds[i], cur.Now); locked {
		httpapi.WriteJSON(w, http.StatusConflict, console.Conflict(checked, e))
		return
	}
	h.writeRounds(w, r, claims, cur, checked, audit.RoundsUpdate, "Sửa tuần thi "+id)
}

// writeRounds answers a checked set of rounds: 422 with its problems, the
// dry run's summary, or the rounds written all or nothing and audited.
func (h *Handler) writeRounds(w http.ResponseWriter, r *http.Request, claims *token.Claims, cur importer.Current, checked *importer.Checked, action, summary string) {
	status, out := console.Checked(checked, console.DryRun(r.URL.Query()), "rounds_problems", "Có %d lỗi; chưa ghi gì.")
	h.commit(w, r, claims, status, &out, out.DryRun,
		func() error { return h.store.PutRounds(r.Context(), checked.Rounds) },
		func() (audit.Entry, error) { return checked.RoundsEntry(cur, action, summary) })
}
