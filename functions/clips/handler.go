package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/token"
)

// store is what the clips function needs of the table.
type store interface {
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	clipcheck.Store // clips, quota slots, verdicts
	ListClips(ctx context.Context, contestID, unitID, status string) ([]clip.Clip, error)
	PutClipScores(ctx context.Context, contestID, clipID, jurorID, jurorName string, scores map[string]int, at time.Time) (clip.Scores, error)
	ListClipScores(ctx context.Context, contestID string) ([]clip.Scores, error)
	ListStaff(ctx context.Context, contestID string) ([]contest.Member, error)
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
}

var _ store = (*dynamo.Store)(nil)

// bucket is what the clips function needs of the data bucket: the check's
// ports, links to watch clips and the ranking's published files.
type bucket interface {
	clipcheck.Objects
	clipcheck.Presigner
	PresignView(ctx context.Context, c clip.Clip, expiry time.Duration) (string, error)
	Publish(ctx context.Context, prefix string, f clip.File) error
}

var _ bucket = (*blob.ClipObjects)(nil)

// Handler serves the clips function URL and the bucket's S3 notifications.
type Handler struct {
	store    store
	objects  bucket
	clips    *clipcheck.Checker
	signer   *token.Signer
	settings clip.Settings
	contest  string // served when a public request names none
	now      func() time.Time
	log      *slog.Logger
}

// NewHandler builds the handler on the data bucket's objects
// (blob.ClipObjects; cliptest.Bucket in tests); now may be nil (the wall
// clock).
func NewHandler(st store, objects bucket, signer *token.Signer, settings clip.Settings, defaultContest string, now func() time.Time, log *slog.Logger) *Handler {
	if now == nil {
		now = time.Now
	}
	return &Handler{store: st, objects: objects, signer: signer, settings: settings, contest: defaultContest, now: now, log: log,
		clips: &clipcheck.Checker{Store: st, Objects: objects, Presign: objects, Settings: settings, Now: now, Log: log}}
}

// Routes is the function's HTTP API (docs/clips.md).
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	for pattern, e := range map[string]httpapi.Endpoint{
		"POST /uploads":                 h.requestUpload,
		"POST /clips/{clipId}/confirm":  h.confirm,
		"POST /clips/{clipId}/parts":    h.presignParts,
		"POST /clips/{clipId}/complete": h.completeMultipart,
		"DELETE /clips/{clipId}/upload": h.abortUpload,
		"GET /clips":                    h.listClips,
		"GET /gallery":                  h.gallery,
		"PUT /clips/{clipId}/scores":    h.putScores,
		"GET /ranking":                  h.ranking,
		"POST /ranking/publish":         h.publishRanking,
		"GET /jury/progress":            h.juryProgress,
	} {
		mux.HandleFunc(pattern, httpapi.Serve(h.log, e))
	}
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

// authorize verifies the token and asks the rule whether its holder may.
func (h *Handler) authorize(r *http.Request, may func(contest.Actor) error) (*token.Claims, error) {
	claims, err := h.signer.FromRequest(r)
	if err != nil {
		return nil, err
	}
	if may != nil {
		err = may(claims.Actor())
	}
	return claims, err
}

// managedClip reads a clip named in the path that the holder may manage.
func (h *Handler) managedClip(r *http.Request) (clip.Clip, error) {
	id := r.PathValue("clipId")
	claims, err := h.authorize(r, func(a contest.Actor) error { return clip.MayManage(a, id) })
	if err != nil {
		return clip.Clip{}, err
	}
	return h.store.GetClip(r.Context(), claims.Contest, id, true)
}

// view shows a clip to its unit or to organisers.
func (h *Handler) view(c clip.Clip) clip.View { return clip.UnitView(c, h.settings.MaxDuration) }

// watch gives links to watch clips.
func (h *Handler) watch(ctx context.Context) func(clip.Clip) (string, error) {
	return func(c clip.Clip) (string, error) { return h.objects.PresignView(ctx, c, h.settings.ViewExpiry) }
}

// listClips: what each role sees is clip.ListingFor's: a unit admin the
// unit's clips; an organiser every clip (?unit= and ?status= narrow it) with
// the jury's averages; a juror the accepted clips with links to watch them
// and the juror's own scores.
func (h *Handler) listClips(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.authorize(r, nil)
	if err != nil {
		return 0, nil, err
	}
	l, err := clip.ListingFor(claims.Actor(), r.URL.Query().Get("unit"), r.URL.Query().Get("status"))
	if err != nil {
		return 0, nil, err
	}
	ctx, res := r.Context(), h.settings.NewList()
	clips, err := h.store.ListClips(ctx, claims.Contest, l.Unit, l.Status)
	if err != nil {
		return 0, nil, err
	}
	var scores []clip.Scores
	if l.Scored() {
		res.Criteria = h.settings.Criteria
		if scores, err = h.store.ListClipScores(ctx, claims.Contest); err != nil {
			return 0, nil, err
		}
	} else {
		units, err := h.store.ListUnits(ctx, claims.Contest)
		if err != nil {
			return 0, nil, err
		}
		_, notEntrant := h.settings.Entrant(units, claims.UnitID)
		res.Quota, res.MayUpload = h.settings.Quota, new(notEntrant == nil)
	}
	res.Clips, err = l.Show(clips, scores, h.settings, claims.ParticipantID(), h.watch(ctx))
	return http.StatusOK, res, err
}

// gallery (public): the accepted clips of a contest, with links to watch them.
func (h *Handler) gallery(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, l, err := clip.Gallery(r.URL.Query().Get("contest"), h.contest)
	if err != nil {
		return 0, nil, err
	}
	ctx, res := r.Context(), h.settings.NewList()
	clips, err := h.store.ListClips(ctx, id, l.Unit, l.Status)
	if err != nil {
		return 0, nil, err
	}
	res.Clips, err = l.Show(clips, nil, h.settings, "", h.watch(ctx))
	return http.StatusOK, res, err
}
