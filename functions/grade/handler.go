package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
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
	MergeAnswers(ctx context.Context, p *contest.Paper, sent map[string]string, prediction *int) (map[string]string, *int, error)
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

	mu     sync.Mutex
	papers map[string]*contest.Paper // as read, by contest and paper id: for autosaves (paperToSave)
}

// papersKept bounds the papers a container keeps for autosaves (a few
// hundred bytes each): when full, those past their deadline go, and if that
// is not enough, all.
const papersKept = 20_000

// NewHandler builds the handler; grace is how late after the deadline a
// submission is still taken (network blips at the last second).
func NewHandler(s store, signer *token.Signer, grace time.Duration, now func() time.Time, log *slog.Logger) *Handler {
	if now == nil {
		now = time.Now
	}
	return &Handler{store: s, signer: signer, grace: grace, now: now, log: log, papers: map[string]*contest.Paper{}}
}

// Routes is the function's HTTP API.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /papers/{paperId}/answers", h.saveAnswers)
	mux.HandleFunc("POST /papers/{paperId}/submission", h.submit)
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

// ownRef authenticates the caller and returns their contest and the paper
// named in the path, if it is theirs.
func (h *Handler) ownRef(r *http.Request) (string, contest.PaperRef, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return "", contest.PaperRef{}, err
	}
	ref, err := contest.ParsePaperID(r.PathValue("paperId"))
	if err != nil {
		return "", contest.PaperRef{}, err
	}
	if ref.ParticipantID != claims.ParticipantID() {
		return "", contest.PaperRef{}, fault.Forbidden("not_your_paper", "Bạn không có quyền với bài thi này.")
	}
	return claims.Contest, ref, nil
}

// ownPaper authenticates the caller and loads their paper named in the path.
func (h *Handler) ownPaper(r *http.Request, consistent bool) (*contest.Paper, error) {
	contestID, ref, err := h.ownRef(r)
	if err != nil {
		return nil, err
	}
	return h.store.GetPaper(r.Context(), contestID, ref, consistent)
}

// paperToSave is the caller's paper for an autosave: the copy this container
// read before (with the func that forgets it), else read now (and kept). An autosave checks only what never
// changes in a paper, or changes once (contest.Paper.CheckAutosave), and the
// store merges the answers on condition that the paper is in progress: so a
// participant's second and later autosaves need no read.
func (h *Handler) paperToSave(r *http.Request, now time.Time) (p *contest.Paper, kept func(), err error) {
	contestID, ref, err := h.ownRef(r)
	if err != nil {
		return nil, nil, err
	}
	k := contestID + "/" + ref.ID()
	h.mu.Lock()
	p, ok := h.papers[k]
	h.mu.Unlock()
	if ok {
		return p, func() { h.mu.Lock(); delete(h.papers, k); h.mu.Unlock() }, nil
	}
	if p, err = h.store.GetPaper(r.Context(), contestID, ref, true); err != nil {
		return nil, nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.papers) >= papersKept {
		for k, kept := range h.papers {
			if !kept.Active(now, h.grace) {
				delete(h.papers, k)
			}
		}
		if len(h.papers) >= papersKept {
			clear(h.papers)
		}
	}
	h.papers[k] = p
	return p, nil, nil
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
	now := h.now()
	merged, saved, err := h.autosave(r, req, now)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, answersResponse{Answers: merged, Prediction: saved, SavedAt: now.In(contest.ICT)})
}

// autosave checks the sent answers against the caller's paper and has the
// store merge them. A refusal found with a copy kept from before is checked
// again on the paper as stored, so it says what a fresh read would (a paper
// submitted elsewhere is paper_submitted, even past its deadline).
func (h *Handler) autosave(r *http.Request, req answersRequest, now time.Time) (map[string]string, *int, error) {
	for again := false; ; again = true {
		p, forget, err := h.paperToSave(r, now)
		if err != nil {
			return nil, nil, err
		}
		err = p.CheckAutosave(req.Answers, req.Prediction, now, h.grace)
		if err == nil {
			var merged map[string]string
			var saved *int
			if merged, saved, err = h.store.MergeAnswers(r.Context(), p, req.Answers, req.Prediction); err == nil {
				return merged, saved, nil
			}
		}
		if _, domain := fault.As(err); forget == nil || !domain || again {
			return nil, nil, err
		}
		forget() // and again, on a fresh read
	}
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
