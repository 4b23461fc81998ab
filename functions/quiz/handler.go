package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/token"
	"github.com/hoithi/hoithi/shared/warm"
)

type store interface {
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	GetRound(ctx context.Context, contestID, roundID string) (contest.Round, error)
	CreatePaper(ctx context.Context, p *contest.Paper) (*contest.Paper, bool, error)
	ListPapers(ctx context.Context, contestID, roundID, participantID string) ([]*contest.Paper, error)
	GetPaper(ctx context.Context, contestID string, ref contest.PaperRef, consistent bool) (*contest.Paper, error)
	SubmitPaper(ctx context.Context, p *contest.Paper, answers map[string]string, r contest.Result) (*contest.Paper, bool, error)
	practiceCounter
	// TakeToken spends a token of bucket b for holder, or returns b's
	// fault.RateLimited (the practice answers' budget).
	TakeToken(ctx context.Context, contestID string, b signin.Bucket, holder string, now time.Time) error
}

type bankLoader interface {
	Load(ctx context.Context, contestID, bankID string) (*contest.Bank, error)
}

// Handler serves rounds and papers.
type Handler struct {
	store   store
	banks   bankLoader
	signer  *token.Signer
	contest string
	grace   time.Duration
	now     func() time.Time
	log     *slog.Logger
	// limitKey keys the requesters' hashes (signin.RequesterKey).
	limitKey []byte

	rounds     *warm.Cache[contest.Round]
	contests   *warm.Cache[contest.Contest]
	roundLists *warm.Cache[[]contest.Round]
	pools      *warm.Cache[contest.PracticePool]
}

// cacheTTL is how long a warm container trusts a round or contest it read:
// at the peak every start would otherwise read the same item; organisers'
// edits (and a round's publication) show within this time.
const cacheTTL = platform.SettingsCacheTTL

// NewHandler builds the handler. grace is how long after a deadline a paper
// still counts as in progress (the grade function's submit grace).
func NewHandler(s store, banks bankLoader, signer *token.Signer, defaultContest string, grace time.Duration, now func() time.Time, log *slog.Logger) *Handler {
	if now == nil {
		now = time.Now
	}
	return &Handler{store: s, banks: banks, signer: signer, contest: defaultContest, grace: grace, now: now, log: log,
		rounds: warm.New[contest.Round](cacheTTL, nil), contests: warm.New[contest.Contest](cacheTTL, nil),
		roundLists: warm.New[[]contest.Round](cacheTTL, nil), pools: warm.New[contest.PracticePool](cacheTTL, nil)}
}

// WithTokenKey derives the key of requesters' hashes from the session-token
// key (signin.LimitKey), as auth does.
func (h *Handler) WithTokenKey(tokenKey []byte) *Handler {
	h.limitKey = signin.LimitKey(tokenKey)
	return h
}

// round reads a round through the container's short-lived cache.
func (h *Handler) round(ctx context.Context, contestID, roundID string) (contest.Round, error) {
	return h.rounds.Get(contestID+"/"+roundID, func() (contest.Round, error) { return h.store.GetRound(ctx, contestID, roundID) })
}

// contestOf reads a contest's settings through the container's short-lived cache.
func (h *Handler) contestOf(ctx context.Context, contestID string) (contest.Contest, error) {
	return h.contests.Get(contestID, func() (contest.Contest, error) { return h.store.GetContest(ctx, contestID) })
}

// Routes is the function's HTTP API.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rounds", h.listRounds)
	for pattern, e := range map[string]httpapi.Endpoint{
		"POST /rounds/{roundId}/papers": h.startPaper,
		"GET /rounds/{roundId}/papers":  h.myPapers,
		"GET /papers/{paperId}":         h.getPaper,
		"GET /papers/{paperId}/review":  h.review,
		"GET /practice":                 h.practice,
		"POST /practice/answers":        h.practiceAnswer,
		"GET /practice/counts":          h.practiceCounts,
	} {
		mux.HandleFunc(pattern, httpapi.Serve(h.log, e))
	}
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

func (h *Handler) listRounds(w http.ResponseWriter, r *http.Request) {
	id, err := contest.ContestIn(r.URL.Query().Get("contest"), h.contest)
	var rounds []contest.Round
	if err == nil {
		rounds, err = h.store.ListRounds(r.Context(), id)
	}
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	now := h.now()
	// Public and the same for everyone: the edge and browsers keep it a few
	// seconds (infra/edge.go); serverTime is then up to that old.
	httpapi.WritePublicJSON(w, http.StatusOK, map[string]any{"contest": id, "serverTime": now.In(contest.ICT),
		"rounds": contest.RoundViews(rounds, now)}, platform.RoundsMaxAge)
}

type paperResponse struct {
	Paper      contest.PaperView `json:"paper"`
	ServerTime time.Time         `json:"serverTime"`
}

func (h *Handler) startPaper(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return 0, nil, err
	}
	from := contest.NewRequester(funcurl.SourceIP(r), funcurl.UserAgent(r))
	p, created, err := h.start(r.Context(), claims.Entrant(), r.PathValue("roundId"), from)
	if err != nil {
		return 0, nil, err
	}
	return h.paperView(r.Context(), p, map[bool]int{true: http.StatusCreated, false: http.StatusOK}[created])
}

// start returns the participant's paper in progress for the round, or starts
// the next attempt if one is left (contest.Entrant.Start).
func (h *Handler) start(ctx context.Context, e contest.Entrant, roundID string, from contest.Requester) (*contest.Paper, bool, error) {
	if err := e.CheckCompetes(); err != nil {
		return nil, false, err
	}
	if err := contest.CheckRoundID(roundID); err != nil {
		return nil, false, err
	}
	round, err := h.round(ctx, e.ContestID, roundID)
	if err != nil {
		return nil, false, err
	}
	now := h.now()
	if err := e.CheckStart(round, now); err != nil {
		return nil, false, err
	}
	bank, err := h.banks.Load(ctx, e.ContestID, round.BankID)
	if err != nil {
		return nil, false, err
	}
	return e.Start(contest.Starting{Round: round, Bank: bank, Now: now, Grace: h.grace, From: from,
		Papers: func() ([]*contest.Paper, error) {
			return h.store.ListPapers(ctx, e.ContestID, round.ID, e.ParticipantID)
		},
		Create: func(p *contest.Paper) (*contest.Paper, bool, error) { return h.store.CreatePaper(ctx, p) },
		Settle: func(p *contest.Paper) (*contest.Paper, error) { return h.settle(ctx, p) }})
}

// settle closes a paper left in progress past its deadline and grace (its
// owner closed the tab before the site's automatic submission) as that
// submission would have (contest.CloseOverdue), so its owner sees a result
// rather than a paper nobody can submit; other papers are returned as they are.
func (h *Handler) settle(ctx context.Context, p *contest.Paper) (*contest.Paper, error) {
	if !p.Overdue(h.now(), h.grace) {
		return p, nil
	}
	stored, closed, err := h.store.SubmitPaper(ctx, p, p.Answers, contest.CloseOverdue(p))
	if err != nil {
		return nil, err
	}
	if closed {
		h.log.Info("overdue paper closed", "paper", p.ID(), "correct", stored.Result.Correct)
	}
	return stored, nil
}

// myPapers lists the caller's own papers in a round (to find a paper again on
// another device, or last week's result).
func (h *Handler) myPapers(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return 0, nil, err
	}
	roundID, ctx := r.PathValue("roundId"), r.Context()
	if err := contest.CheckRoundID(roundID); err != nil {
		return 0, nil, err
	}
	papers, err := h.store.ListPapers(ctx, claims.Contest, roundID, claims.ParticipantID())
	if err != nil {
		return 0, nil, err
	}
	for i, p := range papers {
		if papers[i], err = h.settle(ctx, p); err != nil {
			return 0, nil, err
		}
	}
	counts, err := h.counts(ctx, claims.Contest, roundID, papers)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"round": roundID, "papers": contest.Summaries(papers, counts)}, nil
}

// counts returns the index of the paper that counts among one's papers in a
// round (contest.Counts), by the contest's order and, once the round is
// published, its all-correct count; -1 if none does.
func (h *Handler) counts(ctx context.Context, contestID, roundID string, papers []*contest.Paper) (int, error) {
	if len(papers) == 0 {
		return -1, nil
	}
	c, err := h.contestOf(ctx, contestID)
	if err != nil {
		return -1, err
	}
	order, err := c.Order()
	if err != nil {
		return -1, err
	}
	round, err := h.round(ctx, contestID, roundID)
	if err != nil {
		return -1, err
	}
	return contest.Counts(papers, round.KnownAllCorrect(), order), nil
}

func (h *Handler) getPaper(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return 0, nil, err
	}
	ref, err := contest.OwnPaper(r.PathValue("paperId"), claims.ParticipantID())
	if err != nil {
		return 0, nil, err
	}
	p, err := h.store.GetPaper(r.Context(), claims.Contest, ref, true)
	if err == nil {
		p, err = h.settle(r.Context(), p)
	}
	if err != nil {
		return 0, nil, err
	}
	return h.paperView(r.Context(), p, http.StatusOK)
}

// paperView shows a paper to its owner with its bank's texts.
func (h *Handler) paperView(ctx context.Context, p *contest.Paper, status int) (int, any, error) {
	bank, err := h.banks.Load(ctx, p.ContestID, p.BankID)
	if err != nil {
		return 0, nil, err
	}
	view, err := p.View(bank)
	return status, paperResponse{Paper: view, ServerTime: h.now().In(contest.ICT)}, err
}
