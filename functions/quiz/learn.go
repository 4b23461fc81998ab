package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/token"
)

// Review and practice: learning after the week (contest.KeysPublic decides
// which keys may be shown; nothing here decides it again).

// practiceCounter keeps the anonymous practice counts.
type practiceCounter interface {
	CountPractice(ctx context.Context, contestID string, a contest.PracticeAnswer) error
	// PracticeCounts reads a day's counts, every question's (one query of the day).
	PracticeCounts(ctx context.Context, contestID, day string) ([]contest.PracticeCount, error)
}

// pool is a contest's practice questions: those whose keys are shown
// (contest.Keys.Shown), kept for cacheTTL per warm container so a practice
// batch reads neither the rounds nor the banks again.
type pool struct {
	refs    []contest.PracticeRef
	allowed map[contest.PracticeRef]bool
	banks   map[string]*contest.Bank
	topics  []contest.Topic
}

// roundsOf reads a contest's rounds through the container's short-lived cache.
func (h *Handler) roundsOf(ctx context.Context, contestID string) ([]contest.Round, error) {
	return h.roundLists.Get(contestID, func() ([]contest.Round, error) { return h.store.ListRounds(ctx, contestID) })
}

// keysAt reads what contest.Keys needs at at (contest.KeysClock): the rounds
// (cached) and the banks open or future rounds draw from (loaded once per
// container).
func (h *Handler) keysAt(ctx context.Context, c contest.Contest, now time.Time) (contest.Keys, []contest.Round, error) {
	rounds, err := h.roundsOf(ctx, c.ID)
	if err != nil {
		return contest.Keys{}, nil, err
	}
	var drawable []*contest.Bank
	for _, id := range contest.DrawableBanks(rounds, now) {
		b, err := h.banks.Load(ctx, c.ID, id)
		if err != nil {
			return contest.Keys{}, nil, err
		}
		drawable = append(drawable, b)
	}
	return contest.NewKeys(c, rounds, drawable, now), rounds, nil
}

// poolOf builds (or reads from the cache) the contest's practice pool at now.
func (h *Handler) poolOf(ctx context.Context, c contest.Contest) (pool, error) {
	return h.pools.Get(c.ID, func() (pool, error) {
		now := contest.KeysClock(h.now(), h.grace)
		keys, rounds, err := h.keysAt(ctx, c, now)
		if err != nil {
			return pool{}, err
		}
		p := pool{allowed: map[contest.PracticeRef]bool{}, banks: map[string]*contest.Bank{}, topics: []contest.Topic{}}
		for _, id := range contest.PublicBanks(c, rounds, now) {
			b, err := h.banks.Load(ctx, c.ID, id)
			if err != nil {
				return pool{}, err
			}
			p.banks[id] = b
			for i := range b.Questions {
				q := &b.Questions[i]
				ref := contest.PracticeRef{BankID: id, QuestionID: q.ID}
				if !keys.Shown(id, q) || p.allowed[ref] {
					continue
				}
				p.allowed[ref] = true
				p.refs = append(p.refs, ref)
				if q.Topic != "" && !slices.ContainsFunc(p.topics, func(t contest.Topic) bool { return t.ID == q.Topic }) {
					p.topics = append(p.topics, topicOf(q.Topic))
				}
			}
		}
		return p, nil
	})
}

// topicOf names a topic id (contest.Topics), or gives the id as its name.
func topicOf(id string) contest.Topic {
	for _, t := range contest.Topics {
		if t.ID == id {
			return t
		}
	}
	return contest.Topic{ID: id, Name: id}
}

// review: GET /papers/{paperId}/review, the owner's paper of a closed round
// with, when the bank's keys are public, the right options, explanations and
// legal bases.
func (h *Handler) review(w http.ResponseWriter, r *http.Request) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	rv, err := h.reviewOf(r.Context(), claims, r.PathValue("paperId"))
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"review": rv, "serverTime": h.now().In(contest.ICT)})
}

func (h *Handler) reviewOf(ctx context.Context, claims *token.Claims, paperID string) (contest.Review, error) {
	ref, err := contest.ParsePaperID(paperID)
	if err != nil {
		return contest.Review{}, err
	}
	if ref.ParticipantID != claims.ParticipantID() {
		return contest.Review{}, fault.Forbidden("not_your_paper", "Bạn chỉ xem lại được bài thi của chính mình.")
	}
	round, err := h.round(ctx, claims.Contest, ref.RoundID)
	if err != nil {
		return contest.Review{}, err
	}
	now := h.now()
	if err := contest.CheckReview(round, now, h.grace); err != nil {
		return contest.Review{}, err
	}
	p, err := h.store.GetPaper(ctx, claims.Contest, ref, false)
	if err == nil {
		p, err = h.settle(ctx, p)
	}
	if err != nil {
		return contest.Review{}, err
	}
	c, err := h.contestOf(ctx, claims.Contest)
	if err != nil {
		return contest.Review{}, err
	}
	keys, _, err := h.keysAt(ctx, c, contest.KeysClock(now, h.grace))
	if err != nil {
		return contest.Review{}, err
	}
	bank, err := h.banks.Load(ctx, claims.Contest, p.BankID)
	if err != nil {
		return contest.Review{}, err
	}
	return p.ReviewOf(bank, func(q *contest.Question) bool { return keys.Shown(p.BankID, q) })
}

// practiceContest reads the contest a practice request is for (the
// session's, or ?contest=, or the default) and checks that the caller may
// practise in it (contest.Contest.CheckPractice).
func (h *Handler) practiceContest(r *http.Request) (contest.Contest, error) {
	id := r.URL.Query().Get("contest")
	signedIn := false
	if r.Header.Get("Authorization") != "" {
		claims, err := h.signer.FromRequest(r)
		if err != nil {
			return contest.Contest{}, err
		}
		id, signedIn = claims.Contest, true
	}
	if id == "" {
		id = h.contest
	}
	if !contest.ValidID(id) {
		return contest.Contest{}, fault.NotFound("contest_not_found", "Không tìm thấy cuộc thi.")
	}
	c, err := h.contestOf(r.Context(), id)
	if err != nil {
		return contest.Contest{}, err
	}
	return c, c.CheckPractice(signedIn)
}

// practice: GET /practice[?topic=], a batch of questions of closed rounds
// whose keys are public, without their keys.
func (h *Handler) practice(w http.ResponseWriter, r *http.Request) {
	c, err := h.practiceContest(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	p, err := h.poolOf(r.Context(), c)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	batch := contest.PracticeBatch(p.refs, p.banks, r.URL.Query().Get("topic"), contest.MaxPracticeBatch, rand.IntN)
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"contest": c.ID, "mode": c.PracticeMode(), "topics": p.topics, "questions": batch})
}

type practiceAnswerRequest struct {
	BankID     string `json:"bankId"`
	QuestionID string `json:"questionId"`
	Chosen     string `json:"chosen"`
}

// practiceAnswer: POST /practice/answers, the instant feedback on one
// practice answer; only an anonymous count of the day is kept.
func (h *Handler) practiceAnswer(w http.ResponseWriter, r *http.Request) {
	var req practiceAnswerRequest
	if err := httpapi.DecodeJSON(w, r, &req, 1<<10); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	c, err := h.practiceContest(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	// each answer is a write: a requester's budget (429 past it)
	if err := h.store.TakeToken(r.Context(), c.ID, signin.PracticeBudget(), signin.RequesterKey(h.limitKey, funcurl.SourceIP(r)), h.now()); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	p, err := h.poolOf(r.Context(), c)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	notFound := fault.NotFound("practice_question_not_found", "Câu hỏi này không có trong phần ôn tập.")
	bank := p.banks[req.BankID]
	if bank == nil || !p.allowed[contest.PracticeRef{BankID: req.BankID, QuestionID: req.QuestionID}] {
		httpapi.WriteError(w, r, h.log, notFound)
		return
	}
	q, ok := bank.Question(req.QuestionID)
	if !ok {
		httpapi.WriteError(w, r, h.log, notFound)
		return
	}
	fb, err := contest.CheckPracticeAnswer(req.BankID, q, req.Chosen)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	// the feedback matters more than the count: a failed count is logged, not shown
	if err := h.store.CountPractice(r.Context(), c.ID, fb.CountOf(h.now())); err != nil {
		h.log.Warn("practice count failed", "contest", c.ID, "err", err)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"feedback": fb})
}

// practiceCountView is a question's practice count as organisers read it.
type practiceCountView struct {
	contest.PracticeCount
	Text  string  `json:"text"`
	Share float64 `json:"share"`
}

// practiceCounts: GET /practice/counts[?from=&to=], organisers only: each
// question's anonymous practice answers, and right ones, over the days
// (contest.PracticeDays), with the question's text from its bank.
func (h *Handler) practiceCounts(w http.ResponseWriter, r *http.Request) {
	claims, err := h.signer.FromRequest(r)
	if err == nil && !claims.Actor().MayReviewRound() {
		err = fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được xem mục này.")
	}
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	q := r.URL.Query()
	days, err := contest.PracticeDays(q.Get("from"), q.Get("to"), h.now())
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	perDay := make([][]contest.PracticeCount, len(days))
	for i, day := range days {
		if perDay[i], err = h.store.PracticeCounts(ctx, claims.Contest, day); err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
	}
	banks := map[string]*contest.Bank{}
	out := []practiceCountView{}
	for _, c := range contest.TotalPractice(perDay...) {
		b, ok := banks[c.BankID]
		if !ok {
			// a bank gone since (replaced, say) leaves its questions without a text
			if b, err = h.banks.Load(ctx, claims.Contest, c.BankID); err != nil {
				h.log.Warn("practice counts: bank not loaded", "bank", c.BankID, "err", err)
				b = nil
			}
			banks[c.BankID] = b
		}
		v := practiceCountView{PracticeCount: c, Share: c.Share()}
		if b != nil {
			if qu, ok := b.Question(c.QuestionID); ok {
				v.Text = qu.Text
			}
		}
		out = append(out, v)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"from": days[0], "to": days[len(days)-1], "questions": out})
}
