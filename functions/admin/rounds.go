package main

import (
	"net/http"
	"slices"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
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
func (h *Handler) weeklyRounds(w http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, spec, err := organiserBody[importer.WeeklySpec](h, w, r, 16<<10)
	var cur importer.Current
	if err == nil {
		cur, err = h.current(r.Context(), claims, importer.KindRounds)
	}
	if err != nil {
		return 0, nil, err
	}
	return h.writeRounds(r, claims, cur, importer.Weekly(spec, cur), audit.RoundsCreate, spec.Summary())
}

// editRound: PUT /rounds/{id}[?dryRun=1] with an importer.RoundEdit. A round
// that has opened keeps its questions, bank, time limit and attempts: 409
// (contest.Round.CheckChange); other problems 422 by field.
func (h *Handler) editRound(w http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, ed, err := organiserBody[importer.RoundEdit](h, w, r, 16<<10)
	var cur importer.Current
	if err == nil {
		cur, err = h.current(r.Context(), claims, importer.KindRounds)
	}
	if err != nil {
		return 0, nil, err
	}
	id := r.PathValue("id")
	i := slices.IndexFunc(cur.Rounds, func(rd contest.Round) bool { return rd.ID == id })
	if i < 0 {
		return 0, nil, fault.NotFound("round_not_found", "Không có tuần thi "+id+".")
	}
	checked := importer.EditRound(id, ed, cur)
	if e, locked := checked.Locked(cur.Rounds[i], cur.Now); locked {
		return http.StatusConflict, console.Conflict(checked, e), nil
	}
	return h.writeRounds(r, claims, cur, checked, audit.RoundsUpdate, "Sửa tuần thi "+id)
}

// writeRounds answers a checked set of rounds: 422 with its problems, the
// dry run's summary, or the rounds written all or nothing and audited.
func (h *Handler) writeRounds(r *http.Request, claims *token.Claims, cur importer.Current, checked *importer.Checked, action, summary string) (int, any, error) {
	status, out := console.Checked(checked, console.DryRun(r.URL.Query()), "rounds_problems", "Có %d lỗi; chưa ghi gì.")
	return h.commit(r, claims, console.Write{Status: status, Out: &out, Skip: out.DryRun,
		Do:    func() error { return h.store.PutRounds(r.Context(), checked.Rounds) },
		Entry: func() (audit.Entry, error) { return checked.RoundsEntry(cur, action, summary) }})
}
