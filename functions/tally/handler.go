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
	"github.com/hoithi/hoithi/shared/tally"
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

// tallyResponse is what an organiser's tally call answers: a summary (the
// figures, the prizes and their winners, the top of the ranking, the units),
// the published files and the run's timings; never the whole ranking, which
// the published pages hold.
type tallyResponse struct {
	Published bool             `json:"published"`
	Prefix    string           `json:"prefix,omitempty"`
	Artefacts []tally.Artefact `json:"artefacts,omitempty"`
	Result    tally.Summary    `json:"result"`
	Timings   timings          `json:"timings"`
}

// timings are a run's steps in milliseconds (results.Timings).
type timings struct {
	Closed       int   `json:"closed"`
	OverdueMs    int64 `json:"overdueMs"`   // the overdue papers read and counted
	PublishedMs  int64 `json:"publishedMs"` // up to the files published
	CloseMs      int64 `json:"closeMs"`     // their closes written, after
	ReadMs       int64 `json:"readMs"`
	GatherMs     int64 `json:"gatherMs"`
	ComputeMs    int64 `json:"computeMs"`
	RenderMs     int64 `json:"renderMs"`
	StatisticsMs int64 `json:"statisticsMs"`
	PublishMs    int64 `json:"publishMs"`
}

func answer(t results.Tallied) tallyResponse {
	tm := t.Timings
	return tallyResponse{Result: tally.Summarize(t.Result, t.Leaders), Timings: timings{
		Closed: tm.Closed, OverdueMs: tm.Overdue.Milliseconds(), PublishedMs: tm.Published.Milliseconds(), CloseMs: tm.Close.Milliseconds(), ReadMs: tm.Read.Milliseconds(), GatherMs: tm.Gather.Milliseconds(),
		ComputeMs: tm.Compute.Milliseconds(), RenderMs: tm.Render.Milliseconds(), StatisticsMs: tm.Statistics.Milliseconds(), PublishMs: tm.Publish.Milliseconds(),
	}}
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
	switch round.Status(h.svc.Now()) {
	case contest.StatusUpcoming:
		httpapi.WriteError(w, r, h.log, fault.Closed("round_not_open", "Tuần thi chưa bắt đầu; chưa có gì để tổng hợp."))
		return
	case contest.StatusOpen:
		t, err := h.svc.Run(ctx, c, round, false)
		if err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, answer(t))
	default:
		entry, pub, err := results.PublicationEntry(h.svc.Now(), claims.Email, blob.ResultsPrefix(c.ID, round.ID))
		if err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
		t, err := h.svc.Publish(ctx, c, round, pub)
		if err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
		entry.Summary = fmt.Sprintf("Công bố kết quả %s: %d bài, %d người, %d tệp", round.Title, t.Result.Papers, t.Result.Participants, len(t.Artefacts))
		if err := h.store.AppendAudit(ctx, c.ID, entry); err != nil {
			httpapi.WriteError(w, r, h.log, fmt.Errorf("audit publication: %w", err))
			return
		}
		out := answer(t)
		out.Published, out.Prefix, out.Artefacts = true, blob.ResultsPrefix(c.ID, round.ID), t.Artefacts
		httpapi.WriteJSON(w, http.StatusOK, out)
	}
}

func (h *Handler) round(r *http.Request, claims *token.Claims) (contest.Round, error) {
	id := r.PathValue("roundId")
	if !contest.ValidID(id) {
		return contest.Round{}, fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
	}
	return h.store.GetRound(r.Context(), claims.Contest, id)
}
