package main

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
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
	pools      *warm.Cache[pool]
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
	h := &Handler{store: s, banks: banks, signer: signer, contest: defaultContest, grace: grace, now: now, log: log,
		rounds: warm.New[contest.Round](cacheTTL, nil), contests: warm.New[contest.Contest](cacheTTL, nil),
		roundLists: warm.New[[]contest.Round](cacheTTL, nil), pools: warm.New[pool](cacheTTL, nil)}
	return h
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
	mux.HandleFunc("POST /rounds/{roundId}/papers", h.startPaper)
	mux.HandleFunc("GET /rounds/{roundId}/papers", h.myPapers)
	mux.HandleFunc("GET /papers/{paperId}", h.getPaper)
	mux.HandleFunc("GET /papers/{paperId}/review", h.review)
	mux.HandleFunc("GET /practice", h.practice)
	mux.HandleFunc("POST /practice/answers", h.practiceAnswer)
	mux.HandleFunc("GET /practice/counts", h.practiceCounts)
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

type roundView struct {
	ID               string           `json:"id"`
	Title            string           `json:"title"`
	Audience         contest.Audience `json:"audience"`
	OpensAt          time.Time        `json:"opensAt"`
	ClosesAt         time.Time        `json:"closesAt"`
	Status           contest.Status   `json:"status"`
	QuestionCount    int              `json:"questionCount"`
	TimeLimitSeconds int              `json:"timeLimitSeconds"`
	Attempts         int              `json:"attempts"`
}

func (h *Handler) listRounds(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("contest")
	if id == "" {
		id = h.contest
	}
	if !contest.ValidID(id) {
		httpapi.WriteError(w, r, h.log, fault.NotFound("contest_not_found", "Không tìm thấy cuộc thi."))
		return
	}
	rounds, err := h.store.ListRounds(r.Context(), id)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	slices.SortFunc(rounds, func(a, b contest.Round) int { return a.OpensAt.Compare(b.OpensAt) })
	now := h.now()
	views := make([]roundView, 0, len(rounds))
	for _, rd := range rounds {
		views = append(views, roundView{
			ID: rd.ID, Title: rd.Title, Audience: rd.Audience, OpensAt: rd.OpensAt.In(contest.ICT), ClosesAt: rd.ClosesAt.In(contest.ICT),
			Status: rd.Status(now), QuestionCount: rd.QuestionCount, TimeLimitSeconds: int(rd.TimeLimit / time.Second), Attempts: rd.Attempts,
		})
	}
	// Public and the same for everyone: the edge and browsers keep it a few
	// seconds (infra/edge.go); serverTime is then up to that old.
	httpapi.WritePublicJSON(w, http.StatusOK, map[string]any{"contest": id, "serverTime": now.In(contest.ICT), "rounds": views}, platform.RoundsMaxAge)
}

type paperResponse struct {
	Paper      contest.PaperView `json:"paper"`
	ServerTime time.Time         `json:"serverTime"`
}

func (h *Handler) startPaper(w http.ResponseWriter, r *http.Request) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	from := contest.NewRequester(funcurl.SourceIP(r), funcurl.UserAgent(r))
	p, created, err := h.start(r.Context(), claims, r.PathValue("roundId"), from)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	h.respondPaper(w, r, p, map[bool]int{true: http.StatusCreated, false: http.StatusOK}[created])
}

// start returns the participant's paper in progress for the round, or starts
// the next attempt if one is left. Concurrent starts agree on one paper: its
// key is (round, participant, attempt) and only one conditional put wins.
func (h *Handler) start(ctx context.Context, c *token.Claims, roundID string, from contest.Requester) (*contest.Paper, bool, error) {
	if !contest.MayCompete(c.Roles) {
		return nil, false, fault.Forbidden("not_allowed_to_compete", "Thành viên Ban tổ chức và tổ giúp việc không được tham gia dự thi.")
	}
	if !contest.ValidID(roundID) {
		return nil, false, fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
	}
	round, err := h.round(ctx, c.Contest, roundID)
	if err != nil {
		return nil, false, err
	}
	now := h.now()
	if err := round.CheckOpen(now); err != nil {
		return nil, false, err
	}
	if round.Audience != c.Audience {
		return nil, false, fault.Forbidden("wrong_audience", "Tuần thi này dành cho đối tượng khác; vui lòng chọn đúng phần thi của mình.")
	}
	bank, err := h.banks.Load(ctx, c.Contest, round.BankID)
	if err != nil {
		return nil, false, err
	}
	next := 1
	if round.Attempts > 1 {
		papers, err := h.store.ListPapers(ctx, c.Contest, round.ID, c.ParticipantID())
		if err != nil {
			return nil, false, err
		}
		active, overdue, n := contest.Resume(papers, now, h.grace)
		for _, p := range overdue {
			if _, err := h.settle(ctx, p); err != nil {
				return nil, false, err
			}
		}
		if active != nil {
			return active, false, nil
		}
		next = n
	}
	for range 3 {
		if err := round.CheckAttempt(next); err != nil {
			return nil, false, err
		}
		p, err := h.newPaper(c, round, bank, next, now, from)
		if err != nil {
			return nil, false, err
		}
		stored, created, err := h.store.CreatePaper(ctx, p)
		if err != nil {
			return nil, false, err
		}
		if created || stored.Active(now, h.grace) {
			return stored, created, nil
		}
		if _, err := h.settle(ctx, stored); err != nil {
			return nil, false, err
		}
		next = stored.Attempt + 1
	}
	return nil, false, fault.Conflict("start_conflict", "Không thể bắt đầu bài thi lúc này; vui lòng thử lại.")
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

func (h *Handler) newPaper(c *token.Claims, round contest.Round, bank *contest.Bank, attempt int, now time.Time, from contest.Requester) (*contest.Paper, error) {
	var seed [16]byte
	if _, err := crand.Read(seed[:]); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	items, key, err := contest.Draw(bank, round.QuestionCount, rng)
	if err != nil {
		return nil, err
	}
	now = now.Truncate(time.Millisecond)
	return &contest.Paper{
		ContestID: c.Contest, RoundID: round.ID, ParticipantID: c.ParticipantID(), Attempt: attempt,
		Email: c.Email, Name: c.Name, UnitID: c.UnitID, Audience: c.Audience, BankID: round.BankID,
		Items: items, Key: key, StartedAt: now, Deadline: round.Deadline(now),
		Answers: map[string]string{}, Status: contest.PaperInProgress, StartedFrom: from,
	}, nil
}

type paperSummary struct {
	ID        string              `json:"id"`
	Attempt   int                 `json:"attempt"`
	Status    contest.PaperStatus `json:"status"`
	StartedAt time.Time           `json:"startedAt"`
	Deadline  time.Time           `json:"deadline"`
	Result    *contest.Result     `json:"result,omitempty"`
	// Counts marks the submitted paper that counts (contest.Counts).
	Counts bool `json:"counts,omitempty"`
	// Excluded says why the paper is not ranked, if an organiser excluded it.
	Excluded *contest.ExclusionView `json:"excluded,omitempty"`
}

// myPapers lists the caller's own papers in a round (to find a paper again on
// another device, or last week's result).
func (h *Handler) myPapers(w http.ResponseWriter, r *http.Request) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	roundID := r.PathValue("roundId")
	if !contest.ValidID(roundID) {
		httpapi.WriteError(w, r, h.log, fault.NotFound("round_not_found", "Không tìm thấy tuần thi."))
		return
	}
	papers, err := h.store.ListPapers(r.Context(), claims.Contest, roundID, claims.ParticipantID())
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	for i, p := range papers {
		if papers[i], err = h.settle(r.Context(), p); err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
	}
	counts, err := h.counts(r.Context(), claims.Contest, roundID, papers)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	out := make([]paperSummary, 0, len(papers))
	for i, p := range papers {
		s := paperSummary{Counts: i == counts, ID: p.ID(), Attempt: p.Attempt, Status: p.Status, StartedAt: p.StartedAt.In(contest.ICT), Deadline: p.Deadline.In(contest.ICT),
			Excluded: p.Exclusion.View()}
		if p.Result != nil {
			res := *p.Result
			res.SubmittedAt = res.SubmittedAt.In(contest.ICT)
			s.Result = &res
		}
		out = append(out, s)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"round": roundID, "papers": out})
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

func (h *Handler) getPaper(w http.ResponseWriter, r *http.Request) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ref, err := contest.ParsePaperID(r.PathValue("paperId"))
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if ref.ParticipantID != claims.ParticipantID() {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("not_your_paper", "Bạn không có quyền xem bài thi này."))
		return
	}
	p, err := h.store.GetPaper(r.Context(), claims.Contest, ref, true)
	if err == nil {
		p, err = h.settle(r.Context(), p)
	}
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	h.respondPaper(w, r, p, http.StatusOK)
}

func (h *Handler) respondPaper(w http.ResponseWriter, r *http.Request, p *contest.Paper, status int) {
	bank, err := h.banks.Load(r.Context(), p.ContestID, p.BankID)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	view, err := p.View(bank)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, status, paperResponse{Paper: view, ServerTime: h.now().In(contest.ICT)})
}
