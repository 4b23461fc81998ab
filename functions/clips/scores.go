package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/token"
)

type scoresRequest struct {
	Scores map[string]float64 `json:"scores"`
}

type scoresResponse struct {
	ClipID    string         `json:"clipId"`
	Scores    map[string]int `json:"scores"`
	UpdatedAt time.Time      `json:"updatedAt"`
}

// putScores: a jury member scores an accepted clip on some or all criteria.
// A juror has one score per criterion and clip: scoring again replaces it.
func (h *Handler) putScores(w http.ResponseWriter, r *http.Request) {
	claims, err := h.authorize(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !claims.Actor().MayScoreClip() {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("jury_only", "Chỉ thành viên Ban Giám khảo được chấm điểm video clip."))
		return
	}
	var req scoresRequest
	if err := httpapi.DecodeJSON(w, r, &req, 0); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	scores, err := clip.ValidScores(h.settings.Criteria, req.Scores)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	id := r.PathValue("clipId")
	if _, ok := clip.UnitOf(id); !ok {
		httpapi.WriteError(w, r, h.log, clip.ErrNotFound())
		return
	}
	c, err := h.store.GetClip(ctx, claims.Contest, id, false)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if c.Status != clip.Accepted {
		httpapi.WriteError(w, r, h.log, clip.ErrNotScorable())
		return
	}
	got, err := h.store.PutClipScores(ctx, claims.Contest, c.ID, claims.ParticipantID(), claims.Name, scores, h.now())
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, scoresResponse{ClipID: c.ID, Scores: got.Scores, UpdatedAt: got.UpdatedAt.In(contest.ICT)})
}

func (h *Handler) buildRanking(ctx context.Context, contestID string) (clip.Ranking, error) {
	clips, err := h.store.ListClips(ctx, contestID, "", clip.Accepted)
	if err != nil {
		return clip.Ranking{}, err
	}
	scores, err := h.store.ListClipScores(ctx, contestID)
	if err != nil {
		return clip.Ranking{}, err
	}
	return clip.Rank(contestID, clips, scores, h.settings.Criteria, h.now()), nil
}

func (h *Handler) juryOrOrganiser(r *http.Request) (*token.Claims, error) {
	claims, err := h.authorize(r)
	if err != nil {
		return nil, err
	}
	if !claims.Actor().MaySeeClipRanking() {
		return nil, fault.Forbidden("not_allowed", "Chỉ Ban Tổ chức và Ban Giám khảo được xem bảng xếp hạng video clip.")
	}
	return claims, nil
}

// ranking: organisers and the jury see the clip ranking as it stands.
func (h *Handler) ranking(w http.ResponseWriter, r *http.Request) {
	claims, err := h.juryOrOrganiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	res, err := h.buildRanking(r.Context(), claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

type publishResponse struct {
	Prefix  string       `json:"prefix"`
	Files   []string     `json:"files"`
	Ranking clip.Ranking `json:"ranking"`
}

// publishRanking: an organiser publishes the clip ranking with the contest's
// results (ranking.json and ranking.csv under results/<contest>/clips/),
// recorded in the audit log.
func (h *Handler) publishRanking(w http.ResponseWriter, r *http.Request) {
	claims, err := h.authorize(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !claims.Actor().MayPublishClipRanking() {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được công bố kết quả."))
		return
	}
	ctx := r.Context()
	res, err := h.buildRanking(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	files := map[string][]byte{"ranking.json": append(data, '\n'), "ranking.csv": res.CSV()}
	contentTypes := map[string]string{"ranking.json": "application/json; charset=utf-8", "ranking.csv": "text/csv; charset=utf-8"}
	prefix := clip.RankingPrefix(claims.Contest)
	out := publishResponse{Prefix: prefix, Ranking: res}
	for _, name := range []string{"ranking.json", "ranking.csv"} {
		_, err := h.objects.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &h.settings.Bucket, Key: ptr(prefix + name), Body: bytes.NewReader(files[name]),
			ContentType: ptr(contentTypes[name]), CacheControl: ptr("no-cache"),
		})
		if err != nil {
			httpapi.WriteError(w, r, h.log, fmt.Errorf("publish %s: %w", name, err))
			return
		}
		out.Files = append(out.Files, name)
	}
	clips := 0
	for _, b := range res.Blocks {
		clips += len(b.Clips)
	}
	e, err := audit.New(h.now(), claims.Email, audit.Publication,
		fmt.Sprintf("Công bố bảng xếp hạng video clip: %d clip, %d khối", clips, len(res.Blocks)), "", prefix)
	if err == nil {
		err = h.store.AppendAudit(ctx, claims.Contest, e)
	}
	if err != nil {
		httpapi.WriteError(w, r, h.log, fmt.Errorf("audit clip ranking publication: %w", err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

type progressResponse struct {
	Clips    int                  `json:"clips"`
	Criteria []clip.Criterion     `json:"criteria"`
	Jurors   []clip.JurorProgress `json:"jurors"`
}

// juryProgress: an organiser follows each juror's progress over the
// accepted clips (clip.Progress): complete sheets, incomplete ones and clips
// still to score.
func (h *Handler) juryProgress(w http.ResponseWriter, r *http.Request) {
	claims, err := h.authorize(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !claims.Actor().MayFollowJury() {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được theo dõi tiến độ chấm của Ban Giám khảo."))
		return
	}
	ctx := r.Context()
	clips, err := h.store.ListClips(ctx, claims.Contest, "", clip.Accepted)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	scores, err := h.store.ListClipScores(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	staff, err := h.store.ListStaff(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	var jurors []clip.Juror
	for _, m := range staff {
		if m.Has(contest.RoleJury) {
			jurors = append(jurors, clip.Juror{ID: contest.ParticipantID(claims.Contest, m.Email), Email: m.Email, Name: m.Name})
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, progressResponse{
		Clips: len(clips), Criteria: h.settings.Criteria, Jurors: clip.Progress(jurors, clips, scores, h.settings.Criteria),
	})
}
