package main

import (
	"context"
	"net/http"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
	"github.com/hoithi/hoithi/shared/httpapi"
)

// putScores: a jury member scores an accepted clip on some or all criteria.
// A juror has one score per criterion and clip: scoring again replaces it.
func (h *Handler) putScores(w http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.authorize(r, clip.MayScore)
	if err != nil {
		return 0, nil, err
	}
	var req clip.ScoresRequest
	if err := httpapi.DecodeJSON(w, r, &req, 0); err != nil {
		return 0, nil, err
	}
	scores, err := clip.ValidScores(h.settings.Criteria, req.Scores)
	if err != nil {
		return 0, nil, err
	}
	ctx, id := r.Context(), r.PathValue("clipId")
	if _, ok := clip.UnitOf(id); !ok {
		return 0, nil, clip.ErrNotFound()
	}
	c, err := h.store.GetClip(ctx, claims.Contest, id, false)
	if err == nil {
		err = c.MayBeScored()
	}
	if err != nil {
		return 0, nil, err
	}
	got, err := h.store.PutClipScores(ctx, claims.Contest, c.ID, claims.ParticipantID(), claims.Name, scores, h.now())
	return http.StatusOK, clip.SheetOf(c.ID, got), err
}

// scored reads the accepted clips of a contest and the jury's scores.
func (h *Handler) scored(ctx context.Context, contestID string) ([]clip.Clip, []clip.Scores, error) {
	clips, err := h.store.ListClips(ctx, contestID, "", clip.Accepted)
	if err != nil {
		return nil, nil, err
	}
	scores, err := h.store.ListClipScores(ctx, contestID)
	return clips, scores, err
}

func (h *Handler) buildRanking(ctx context.Context, contestID string) (clip.Ranking, error) {
	clips, scores, err := h.scored(ctx, contestID)
	if err != nil {
		return clip.Ranking{}, err
	}
	return clip.Rank(contestID, clips, scores, h.settings.Criteria, h.now()), nil
}

// ranking: organisers and the jury see the clip ranking as it stands.
func (h *Handler) ranking(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.authorize(r, clip.MaySeeRanking)
	if err != nil {
		return 0, nil, err
	}
	res, err := h.buildRanking(r.Context(), claims.Contest)
	return http.StatusOK, res, err
}

// publishRanking: an organiser publishes the clip ranking with the contest's
// results, recorded in the audit log (clipcheck.Publish).
func (h *Handler) publishRanking(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.authorize(r, clip.MayPublishRanking)
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	res, err := h.buildRanking(ctx, claims.Contest)
	if err != nil {
		return 0, nil, err
	}
	out, err := clipcheck.Publish(ctx, h.objects, h.store, res, claims.Email, h.now())
	return http.StatusOK, out, err
}

// juryProgress: an organiser follows each juror's progress over the
// accepted clips (clip.Progress): complete sheets, incomplete ones and clips
// still to score.
func (h *Handler) juryProgress(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.authorize(r, clip.MayFollowJury)
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	clips, scores, err := h.scored(ctx, claims.Contest)
	if err != nil {
		return 0, nil, err
	}
	staff, err := h.store.ListStaff(ctx, claims.Contest)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, clip.ProgressOf(claims.Contest, staff, clips, scores, h.settings.Criteria), nil
}
