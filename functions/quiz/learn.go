package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/signin"
)

// Review and practice: learning after the week (contest.KeysPublic decides
// which keys may be shown; nothing here decides it again).

// practiceCounter keeps the anonymous practice counts.
type practiceCounter interface {
	CountPractice(ctx context.Context, contestID string, a contest.PracticeAnswer) error
	// PracticeCounts reads a day's counts, every question's (one query of the day).
	PracticeCounts(ctx context.Context, contestID, day string) ([]contest.PracticeCount, error)
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

// poolOf builds (or reads from the cache, for cacheTTL per warm container,
// so a practice batch reads neither the rounds nor the banks again) the
// contest's practice pool at now.
func (h *Handler) poolOf(ctx context.Context, c contest.Contest) (contest.PracticePool, error) {
	return h.pools.Get(c.ID, func() (contest.PracticePool, error) {
		now := contest.KeysClock(h.now(), h.grace)
		keys, rounds, err := h.keysAt(ctx, c, now)
		if err != nil {
			return contest.PracticePool{}, err
		}
		return contest.NewPracticePool(keys, contest.PublicBanks(c, rounds, now),
			func(id string) (*contest.Bank, error) { return h.banks.Load(ctx, c.ID, id) })
	})
}

// review: GET /papers/{paperId}/review, the owner's paper of a closed round
// with, when the bank's keys are public, the right options, explanations and
// legal bases.
func (h *Handler) review(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return 0, nil, err
	}
	ref, err := contest.OwnPaper(r.PathValue("paperId"), claims.ParticipantID())
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	round, err := h.round(ctx, claims.Contest, ref.RoundID)
	if err != nil {
		return 0, nil, err
	}
	now := h.now()
	if err := contest.CheckReview(round, now, h.grace); err != nil {
		return 0, nil, err
	}
	p, err := h.store.GetPaper(ctx, claims.Contest, ref, false)
	if err == nil {
		p, err = h.settle(ctx, p)
	}
	if err != nil {
		return 0, nil, err
	}
	c, err := h.contestOf(ctx, claims.Contest)
	if err != nil {
		return 0, nil, err
	}
	keys, _, err := h.keysAt(ctx, c, contest.KeysClock(now, h.grace))
	if err != nil {
		return 0, nil, err
	}
	bank, err := h.banks.Load(ctx, claims.Contest, p.BankID)
	if err != nil {
		return 0, nil, err
	}
	rv, err := p.ReviewOf(bank, func(q *contest.Question) bool { return keys.Shown(p.BankID, q) })
	return http.StatusOK, map[string]any{"review": rv, "serverTime": now.In(contest.ICT)}, err
}

// practiceContest reads the contest a practice request is for (the
// session's, or ?contest=, or the default) and checks that the caller may
// practise in it (contest.Contest.CheckPractice).
func (h *Handler) practiceContest(r *http.Request) (contest.Contest, error) {
	id := r.URL.Query().Get("contest")
	signedIn := r.Header.Get("Authorization") != ""
	if signedIn {
		claims, err := h.signer.FromRequest(r)
		if err != nil {
			return contest.Contest{}, err
		}
		id = claims.Contest
	}
	id, err := contest.ContestIn(id, h.contest)
	if err != nil {
		return contest.Contest{}, err
	}
	c, err := h.contestOf(r.Context(), id)
	if err != nil {
		return contest.Contest{}, err
	}
	return c, c.CheckPractice(signedIn)
}

// practicePool is the pool of the contest a practice request is for.
func (h *Handler) practicePool(r *http.Request) (contest.Contest, contest.PracticePool, error) {
	c, err := h.practiceContest(r)
	if err != nil {
		return c, contest.PracticePool{}, err
	}
	p, err := h.poolOf(r.Context(), c)
	return c, p, err
}

// practice: GET /practice[?topic=], a batch of questions of closed rounds
// whose keys are public, without their keys.
func (h *Handler) practice(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	c, p, err := h.practicePool(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"contest": c.ID, "mode": c.PracticeMode(), "topics": p.Topics,
		"questions": p.Batch(r.URL.Query().Get("topic"), rand.IntN)}, nil
}

// practiceAnswer: POST /practice/answers, the instant feedback on one
// practice answer; only an anonymous count of the day is kept.
func (h *Handler) practiceAnswer(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req contest.PracticeAnswerRequest
	if err := httpapi.DecodeJSON(w, r, &req, 1<<10); err != nil {
		return 0, nil, err
	}
	c, p, err := h.practicePool(r)
	if err != nil {
		return 0, nil, err
	}
	// each answer is a write: a requester's budget (429 past it)
	if err := h.store.TakeToken(r.Context(), c.ID, signin.PracticeBudget(), signin.RequesterKey(h.limitKey, funcurl.SourceIP(r)), h.now()); err != nil {
		return 0, nil, err
	}
	fb, err := p.Answer(req.BankID, req.QuestionID, req.Chosen)
	if err != nil {
		return 0, nil, err
	}
	// the feedback matters more than the count: a failed count is logged, not shown
	if err := h.store.CountPractice(r.Context(), c.ID, fb.CountOf(h.now())); err != nil {
		h.log.Warn("practice count failed", "contest", c.ID, "err", err)
	}
	return http.StatusOK, map[string]any{"feedback": fb}, nil
}

// practiceCounts: GET /practice/counts[?from=&to=], organisers only: each
// question's anonymous practice answers, and right ones, over the days
// (contest.PracticeDays), with the question's text from its bank.
func (h *Handler) practiceCounts(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.signer.FromRequest(r)
	if err == nil && !claims.Actor().MayReviewRound() {
		err = fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được xem mục này.")
	}
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	days, err := contest.PracticeDays(q.Get("from"), q.Get("to"), h.now())
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	perDay := make([][]contest.PracticeCount, len(days))
	for i, day := range days {
		if perDay[i], err = h.store.PracticeCounts(ctx, claims.Contest, day); err != nil {
			return 0, nil, err
		}
	}
	out := contest.PracticeCountViews(contest.TotalPractice(perDay...), func(id string) *contest.Bank {
		b, err := h.banks.Load(ctx, claims.Contest, id)
		if err != nil {
			h.log.Warn("practice counts: bank not loaded", "bank", id, "err", err)
			return nil
		}
		return b
	})
	return http.StatusOK, map[string]any{"from": days[0], "to": days[len(days)-1], "questions": out}, nil
}
