package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/token"
)

// answersBodyLimit bounds autosave and submission bodies: 50 answers with long
// ids fit many times over.
const answersBodyLimit = 8 << 10

type store interface {
	GetPaper(ctx context.Context, contestID string, ref contest.PaperRef, consistent bool) (*contest.Paper, error)
	SaveAnswers(ctx context.Context, p *contest.Paper, answers map[string]string, prediction *int) error
	SubmitPaper(ctx context.Context, p *contest.Paper, answers map[string]string, r contest.Result) (*contest.Paper, bool, error)
}

// Handler serves autosave and submission; grading happens here, on the
// server's clock, against the key stored with the paper.
type Handler struct {
	store  store
	signer *token.Signer
	grace  time.Duration
	now    func() time.Time
	log    *slog.Logger
}

// NewHandler builds the handler; grace is how late after the deadline a
// submission is still taken (network blips at the last second).
func NewHandler(s store, signer *token.Signer, grace time.Duration, now func() time.Time, log *slog.Logger) *Handler {
	if now == nil {
		now = time.Now
	}
	return &Handler{store: s, signer: signer, grace: grace, now: now, log: log}
}

// Routes is the function's HTTP API.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /papers/{paperId}/answers", h.saveAnswers)
	mux.HandleFunc("POST /papers/{paperId}/submission", h.submit)
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

// ownPaper authenticates the caller and loads their paper named in the path.
func (h *Handler) ownPaper(r *http.Request, consistent bool) (*contest.Paper, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return nil, err
	}
	ref, err := contest.ParsePaperID(r.PathValue("paperId"))
	if err != nil {
		return nil, err
	}
	if ref.ParticipantID != claims.ParticipantID() {
		return nil, fault.Forbidden("not_your_paper", "Bạn không có quyền với bài thi này.")
	}
	return h.store.GetPaper(r.Context(), claims.Contest, ref, consistent)
}

type answersRequest struct {
	Answers    map[string]string `json:"answers"`
	Prediction *int              `json:"prediction"`
}

type answersResponse struct {
	Answers    map[string]string `json:"answers"`
	Prediction *int              `json:"prediction,omitempty"`
	SavedAt    time.Time         `json:"savedAt"`
}

func (h *Handler) saveAnswers(w http.ResponseWriter, r *http.Request) {
	var req answersRequest
	if err := httpapi.DecodeJSON(w, r, &req, answersBodyLimit); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	p, err := h.ownPaper(r, true)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	now := h.now()
	merged, err := p.Autosave(req.Answers, req.Prediction, now, h.grace)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if err := h.store.SaveAnswers(r.Context(), p, merged, req.Prediction); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	saved := req.Prediction
	if saved == nil {
		saved = p.SavedPrediction
	}
	httpapi.WriteJSON(w, http.StatusOK, answersResponse{Answers: merged, Prediction: saved, SavedAt: now.In(contest.ICT)})
}

type submitRequest struct {
	Answers    map[string]string `json:"answers"`
	Prediction *int              `json:"prediction"`
}

type submitResponse struct {
	Result contest.Result `json:"result"`
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request) {
	var req submitRequest
	if err := httpapi.DecodeJSON(w, r, &req, answersBodyLimit); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	// A submission carrying its prediction and answers needs no strongly
	// consistent read (half the capacity); one relying on the saved
	// prediction (the automatic submit at the deadline) must see the last
	// autosave.
	p, err := h.ownPaper(r, req.Prediction == nil)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	p.SubmittedFrom = contest.NewRequester(funcurl.SourceIP(r), funcurl.UserAgent(r))
	res, err := h.grade(r.Context(), p, req)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	res.SubmittedAt = res.SubmittedAt.In(contest.ICT)
	httpapi.WriteJSON(w, http.StatusOK, submitResponse{Result: res})
}

// grade submits once (contest.Paper.Submit); of concurrent submissions the
// store keeps the first, and every one answers with it.
func (h *Handler) grade(ctx context.Context, p *contest.Paper, req submitRequest) (contest.Result, error) {
	answers, res, submitted, err := p.Submit(req.Answers, req.Prediction, h.now().Truncate(time.Millisecond), h.grace)
	if err != nil || submitted {
		return res, err
	}
	stored, _, err := h.store.SubmitPaper(ctx, p, answers, res)
	if err != nil {
		return contest.Result{}, err
	}
	return *stored.Result, nil
}
