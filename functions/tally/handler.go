package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/tick"
	"github.com/hoithi/hoithi/shared/token"
)

type store interface {
	results.Store
	participation.Store
	SetExclusion(ctx context.Context, contestID string, ref contest.PaperRef, e *contest.Exclusion) (*contest.Paper, error)
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
	tick.Store // the registry and the scheduled runs' claims
}

// record appends an organiser's action to the contest's audit log.
func (h *Handler) record(ctx context.Context, contestID, actor, action, summary, before, after string) error {
	e, err := audit.New(h.svc.Now(), actor, action, summary, before, after)
	if err != nil {
		return err
	}
	if err := h.store.AppendAudit(ctx, contestID, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Handler serves the tally's function URL (organisers' on-demand runs and
// reviews) and its scheduled events; unit participation pages are
// functions/units'.
type Handler struct {
	store  store
	svc    *results.Service
	signer *token.Signer
	grace  time.Duration
	log    *slog.Logger
}

// NewHandler builds the handler.
func NewHandler(s store, objects results.ObjectPutter, bucket string, signer *token.Signer, grace time.Duration, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{store: s, signer: signer, grace: grace, log: log, svc: results.NewService(s, objects, bucket, grace, now, log)}
}

// Routes is the function's HTTP API.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /rounds/{roundId}/tally", h.runTally)
	mux.HandleFunc("GET /rounds/{roundId}/statistics", h.statistics)
	mux.HandleFunc("GET /rounds/{roundId}/integrity", h.integrity)
	mux.HandleFunc("GET /banks/history", h.bankHistory)
	mux.HandleFunc("POST /papers/{paperId}/exclusion", h.exclude)
	mux.HandleFunc("DELETE /papers/{paperId}/exclusion", h.include)
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

// runTally: an organiser previews an open round or recomputes and publishes a
// closed one.
func (h *Handler) runTally(w http.ResponseWriter, r *http.Request) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !claims.Actor().MayTally() {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được tổng hợp kết quả."))
		return
	}
	ctx := r.Context()
	round, err := h.round(r, claims)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	c, err := h.store.GetContest(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	var t results.Tallied
	switch round.Status(h.svc.Now()) {
	case contest.StatusUpcoming:
		httpapi.WriteError(w, r, h.log, fault.Closed("round_not_open", "Tuần thi chưa bắt đầu; chưa có gì để tổng hợp."))
		return
	case contest.StatusOpen:
		t, err = h.svc.Run(ctx, c, round, false)
	default:
		t, err = h.svc.PublishAudited(ctx, h.store, c, round, claims.Email)
	}
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, results.AnswerOf(t, blob.ResultsPrefix(c.ID, round.ID)))
}

func (h *Handler) round(r *http.Request, claims *token.Claims) (contest.Round, error) {
	id := r.PathValue("roundId")
	if !contest.ValidID(id) {
		return contest.Round{}, fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
	}
	return h.store.GetRound(r.Context(), claims.Contest, id)
}
