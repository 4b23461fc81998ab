package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/token"
)

// store is what the clips function needs of the table.
type store interface {
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	CreateClip(ctx context.Context, c clip.Clip, quota int) error
	ReleaseClipSlot(ctx context.Context, contestID, unitID, clipID string) error
	ClipSlots(ctx context.Context, contestID, unitID string) ([]string, error)
	GetClip(ctx context.Context, contestID, clipID string, consistent bool) (clip.Clip, error)
	ListClips(ctx context.Context, contestID, unitID, status string) ([]clip.Clip, error)
	DecideClip(ctx context.Context, contestID, clipID string, v clip.Verdict) (clip.Clip, bool, error)
	RevokeClip(ctx context.Context, contestID, clipID, checkedETag, reason string, at time.Time) (clip.Clip, bool, error)
	PutClipScores(ctx context.Context, contestID, clipID, jurorID, jurorName string, scores map[string]int, at time.Time) (clip.Scores, error)
	ListClipScores(ctx context.Context, contestID string) ([]clip.Scores, error)
	ListStaff(ctx context.Context, contestID string) ([]contest.Member, error)
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
}

var _ store = (*dynamo.Store)(nil)

// objects is the part of the S3 API the function uses on the data bucket.
type objects interface {
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, opts ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
	ListParts(ctx context.Context, in *s3.ListPartsInput, opts ...func(*s3.Options)) (*s3.ListPartsOutput, error)
}

var _ objects = (*s3.Client)(nil)

// presigner signs the requests browsers send straight to S3.
type presigner interface {
	PresignPostObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.PresignPostOptions)) (*s3.PresignedPostRequest, error)
	PresignUploadPart(ctx context.Context, in *s3.UploadPartInput, opts ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
	PresignGetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
}

var _ presigner = (*s3.PresignClient)(nil)

// Handler serves the clips function URL and the bucket's S3 notifications.
type Handler struct {
	store    store
	objects  objects
	presign  presigner
	signer   *token.Signer
	settings clip.Settings
	contest  string // served when a public request names none
	now      func() time.Time
	log      *slog.Logger
}

// NewHandler builds the handler; now may be nil (the wall clock).
func NewHandler(st store, obj objects, pre presigner, signer *token.Signer, settings clip.Settings, defaultContest string, now func() time.Time, log *slog.Logger) *Handler {
	if now == nil {
		now = time.Now
	}
	return &Handler{store: st, objects: obj, presign: pre, signer: signer, settings: settings, contest: defaultContest, now: now, log: log}
}

// Routes is the function's HTTP API (docs/clips.md).
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /uploads", h.requestUpload)
	mux.HandleFunc("POST /clips/{clipId}/confirm", h.confirm)
	mux.HandleFunc("POST /clips/{clipId}/parts", h.presignParts)
	mux.HandleFunc("POST /clips/{clipId}/complete", h.completeMultipart)
	mux.HandleFunc("DELETE /clips/{clipId}/upload", h.abortUpload)
	mux.HandleFunc("GET /clips", h.listClips)
	mux.HandleFunc("GET /gallery", h.gallery)
	mux.HandleFunc("PUT /clips/{clipId}/scores", h.putScores)
	mux.HandleFunc("GET /ranking", h.ranking)
	mux.HandleFunc("POST /ranking/publish", h.publishRanking)
	mux.HandleFunc("GET /jury/progress", h.juryProgress)
	mux.HandleFunc("/", httpapi.NotFound(h.log))
	return httpapi.Wrap(mux, h.log)
}

// clipView is a clip as the API shows it. Who sees what: the unit's admins
// and organisers see everything but the object key; the gallery and the jury
// see no uploader.
type clipView struct {
	ID              string             `json:"id"`
	UnitID          string             `json:"unitId"`
	UnitName        string             `json:"unitName"`
	Block           string             `json:"block"`
	Title           string             `json:"title"`
	Genre           string             `json:"genre"`
	Status          string             `json:"status"`
	Reason          string             `json:"reason,omitempty"`
	Message         string             `json:"message,omitempty"`
	Method          string             `json:"method,omitempty"`
	DeclaredSize    int64              `json:"declaredSize,omitempty"`
	Size            int64              `json:"size,omitempty"`
	DurationSeconds float64            `json:"durationSeconds,omitempty"`
	UploadedBy      *person            `json:"uploadedBy,omitempty"`
	CreatedAt       *time.Time         `json:"createdAt,omitempty"`
	UploadDeadline  *time.Time         `json:"uploadDeadline,omitempty"`
	CheckedAt       *time.Time         `json:"checkedAt,omitempty"`
	VideoURL        string             `json:"videoUrl,omitempty"`
	MyScores        map[string]int     `json:"myScores,omitempty"`
	Averages        map[string]float64 `json:"averages,omitempty"`
	Jurors          *int               `json:"jurors,omitempty"`
}

type person struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

func ict(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.In(contest.ICT).Truncate(time.Second)
	return &v
}

// view shows a clip to its unit or to organisers.
func (h *Handler) view(c clip.Clip) clipView {
	v := clipView{
		ID: c.ID, UnitID: c.UnitID, UnitName: c.UnitName, Block: c.Block, Title: c.Title, Genre: c.Genre,
		Status: c.Status, Reason: c.Reason, Message: clip.Message(c, h.settings.MaxDuration), Method: c.Method,
		DeclaredSize: c.DeclaredSize, Size: c.Size, DurationSeconds: seconds(c.DurationMs),
		UploadedBy: &person{Email: c.UploaderEmail, Name: c.UploaderName},
		CreatedAt:  ict(c.CreatedAt), CheckedAt: ict(c.CheckedAt),
	}
	if c.Status == clip.Uploading {
		v.UploadDeadline = ict(c.UploadDeadline)
	}
	return v
}

// publicView shows an accepted clip in the gallery (no uploader).
func (h *Handler) publicView(ctx context.Context, c clip.Clip) (clipView, error) {
	v := clipView{
		ID: c.ID, UnitID: c.UnitID, UnitName: c.UnitName, Block: c.Block, Title: c.Title, Genre: c.Genre,
		Status: c.Status, DurationSeconds: seconds(c.DurationMs), CheckedAt: ict(c.CheckedAt),
	}
	u, err := h.videoURL(ctx, c)
	v.VideoURL = u
	return v, err
}

// videoURL is a short-lived link to watch an accepted clip.
func (h *Handler) videoURL(ctx context.Context, c clip.Clip) (string, error) {
	req, err := h.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: &h.settings.Bucket, Key: &c.Key,
		ResponseContentType:        ptr("video/mp4"),
		ResponseContentDisposition: ptr("inline"),
	}, func(o *s3.PresignOptions) { o.Expires = h.settings.ViewExpiry })
	if err != nil {
		return "", fmt.Errorf("presign view of %s: %w", c.ID, err)
	}
	return req.URL, nil
}

func ptr[T any](v T) *T { return &v }

func seconds(ms int64) float64 { return math.Round(float64(ms)) / 1000 }

// authorize verifies the token.
func (h *Handler) authorize(r *http.Request) (*token.Claims, error) {
	return h.signer.FromRequest(r)
}

// managedClip reads a clip named in the path that the holder may manage.
func (h *Handler) managedClip(r *http.Request) (*token.Claims, clip.Clip, error) {
	claims, err := h.authorize(r)
	if err != nil {
		return nil, clip.Clip{}, err
	}
	id := r.PathValue("clipId")
	unit, ok := clip.UnitOf(id)
	if !ok {
		return nil, clip.Clip{}, clip.ErrNotFound()
	}
	if !claims.Actor().MayManageClips(unit) {
		return nil, clip.Clip{}, fault.Forbidden("not_your_unit", "Bạn chỉ được thao tác trên video clip của đơn vị mình.")
	}
	c, err := h.store.GetClip(r.Context(), claims.Contest, id, true)
	return claims, c, err
}

type postUpload struct {
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt time.Time         `json:"expiresAt"`
	MaxBytes  int64             `json:"maxBytes"`
}

type uploadResponse struct {
	Clip   clipView `json:"clip"`
	Upload any      `json:"upload"`
}

// requestUpload: a unit admin asks to upload a clip for the unit of the
// token; the answer is a presigned POST (or a multipart upload) bound to a
// key of the function's choosing under the unit's prefix.
func (h *Handler) requestUpload(w http.ResponseWriter, r *http.Request) {
	claims, err := h.authorize(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !claims.Actor().MayUploadClip() {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("unit_admin_only", "Chỉ quản trị viên của đơn vị được tải video clip lên."))
		return
	}
	var req clip.Request
	if err := httpapi.DecodeJSON(w, r, &req, 0); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if err := req.Validate(h.settings); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	units, err := h.store.ListUnits(ctx, claims.Contest)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	i := slices.IndexFunc(units, func(u contest.Unit) bool { return u.ID == claims.UnitID })
	if i < 0 {
		httpapi.WriteError(w, r, h.log, fault.Forbidden("unit_not_found", "Đơn vị của bạn không có trong danh sách của Hội thi."))
		return
	}
	if !h.settings.MayEnter(units[i]) {
		httpapi.WriteError(w, r, h.log, clip.ErrNotEntered())
		return
	}
	c := clip.New(req, clip.Uploader{Contest: claims.Contest, Email: claims.Email, Name: claims.Name}, units[i], h.settings, h.now())
	if c.Method == clip.MethodMultipart {
		h.startMultipart(w, r, c)
		return
	}
	if err := h.create(ctx, c); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	post, err := h.presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: &h.settings.Bucket, Key: &c.Key},
		func(o *s3.PresignPostOptions) {
			o.Expires = h.settings.UploadExpiry
			o.Conditions = []any{
				[]any{"content-length-range", 1, c.DeclaredSize},
				map[string]string{"Content-Type": c.ContentType},
			}
		})
	if err != nil {
		h.giveUp(ctx, c)
		httpapi.WriteError(w, r, h.log, fmt.Errorf("presign POST of %s: %w", c.ID, err))
		return
	}
	fields := post.Values
	fields["Content-Type"] = c.ContentType
	httpapi.WriteJSON(w, http.StatusCreated, uploadResponse{Clip: h.view(c), Upload: postUpload{
		Method: "post", URL: post.URL, Fields: fields, ExpiresAt: c.UploadDeadline.In(contest.ICT).Truncate(time.Second), MaxBytes: c.DeclaredSize,
	}})
}

// create records the clip within the unit's quota. When the quota is full it
// first settles the unit's stale uploads (expired ones never completed, or
// completed but never checked) and tries once more.
func (h *Handler) create(ctx context.Context, c clip.Clip) error {
	err := h.store.CreateClip(ctx, c, h.settings.Quota)
	if fault.CodeOf(err) != "clip_quota_reached" {
		return err
	}
	freed, serr := h.settleStale(ctx, c.ContestID, c.UnitID)
	if serr != nil {
		return serr
	}
	if !freed {
		return err
	}
	return h.store.CreateClip(ctx, c, h.settings.Quota)
}

// settleStale looks at the unit's clips holding quota slots and frees the
// slots of those that no longer need them. It reports whether any was freed.
func (h *Handler) settleStale(ctx context.Context, contestID, unitID string) (bool, error) {
	ids, err := h.store.ClipSlots(ctx, contestID, unitID)
	if err != nil {
		return false, err
	}
	freed := false
	for _, id := range ids {
		c, err := h.store.GetClip(ctx, contestID, id, true)
		switch {
		case fault.CodeOf(err) == "clip_not_found":
			// a slot taken by a request that failed before recording its clip
			if err := h.store.ReleaseClipSlot(ctx, contestID, unitID, id); err != nil {
				return freed, err
			}
			freed = true
			continue
		case err != nil:
			return freed, err
		}
		if c.Stale(h.now()) {
			if c, err = h.check(ctx, c, false); err != nil && !errors.Is(err, errNotUploaded) {
				return freed, err
			}
		}
		if !c.HoldsSlot() {
			if err := h.store.ReleaseClipSlot(ctx, contestID, unitID, id); err != nil {
				return freed, err
			}
			freed = true
		}
	}
	return freed, nil
}

// giveUp rejects a clip whose upload could not be handed out.
func (h *Handler) giveUp(ctx context.Context, c clip.Clip) {
	if _, _, err := h.store.DecideClip(ctx, c.ContestID, c.ID, clip.Reject(clip.ReasonAborted, h.now())); err != nil {
		h.log.Error("give up clip", "clip", c.ID, "err", err)
	}
}

type clipResponse struct {
	Clip clipView `json:"clip"`
}

// confirm: after uploading, the unit asks for the verdict now rather than
// waiting for the S3 event; both give the same verdict.
func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) {
	_, c, err := h.managedClip(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	c, err = h.check(r.Context(), c, false)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, clipResponse{Clip: h.view(c)})
}

type listResponse struct {
	Clips    []clipView       `json:"clips"`
	Criteria []clip.Criterion `json:"criteria,omitempty"`
	Quota    int              `json:"quota,omitempty"`
	// MayUpload tells a unit admin whether the unit sends clips (clip.Settings.MayEnter).
	MayUpload *bool `json:"mayUpload,omitempty"`
	// The rules the site shows: genres with their labels, the longest clip
	// accepted, the scale of every criterion.
	Genres             []clip.Genre    `json:"genres"`
	MaxDurationSeconds int             `json:"maxDurationSeconds"`
	ScoreRange         clip.ScoreRange `json:"scoreRange"`
}

// newList is an empty list with the rules the site shows.
func (h *Handler) newList() listResponse {
	return listResponse{Clips: []clipView{}, Genres: clip.Genres,
		MaxDurationSeconds: int(h.settings.MaxDuration.Seconds()), ScoreRange: clip.Scale}
}

// listClips: a unit admin sees the unit's clips; an organiser every clip
// (?unit= and ?status= narrow it) with the jury's averages; a juror the
// accepted clips with links to watch them and the juror's own scores.
func (h *Handler) listClips(w http.ResponseWriter, r *http.Request) {
	claims, err := h.authorize(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	var (
		clips []clip.Clip
		res   = h.newList()
	)
	switch {
	case claims.Has(contest.RoleOrganiser):
		unit, status := q.Get("unit"), q.Get("status")
		if (unit != "" && !contest.ValidID(unit)) || (status != "" && !clip.ValidStatus(status)) {
			httpapi.WriteError(w, r, h.log, fault.Invalid("invalid_filter", "Bộ lọc không hợp lệ (unit, status = uploading | accepted | rejected)."))
			return
		}
		clips, err = h.store.ListClips(ctx, claims.Contest, unit, status)
		res.Criteria = h.settings.Criteria
	case claims.Has(contest.RoleJury):
		clips, err = h.store.ListClips(ctx, claims.Contest, "", clip.Accepted)
		res.Criteria = h.settings.Criteria
	case claims.Has(contest.RoleUnitAdmin) && claims.UnitID != "":
		if u := q.Get("unit"); u != "" && u != claims.UnitID {
			httpapi.WriteError(w, r, h.log, fault.Forbidden("not_your_unit", "Bạn chỉ được xem video clip của đơn vị mình."))
			return
		}
		clips, err = h.store.ListClips(ctx, claims.Contest, claims.UnitID, "")
		res.Quota = h.settings.Quota
		if err == nil {
			var units []contest.Unit
			units, err = h.store.ListUnits(ctx, claims.Contest)
			i := slices.IndexFunc(units, func(u contest.Unit) bool { return u.ID == claims.UnitID })
			may := i >= 0 && h.settings.MayEnter(units[i])
			res.MayUpload = &may
		}
	default:
		httpapi.WriteError(w, r, h.log, fault.Forbidden("not_allowed", "Bạn không có quyền xem danh sách video clip."))
		return
	}
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	var scores []clip.Scores
	if claims.Has(contest.RoleOrganiser) || claims.Has(contest.RoleJury) {
		if scores, err = h.store.ListClipScores(ctx, claims.Contest); err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
	}
	summary := clip.Summarize(scores, h.settings.Criteria)
	for _, c := range clips {
		var v clipView
		switch {
		case claims.Has(contest.RoleOrganiser):
			v = h.view(c)
			if c.Status == clip.Accepted {
				s := summary[c.ID]
				v.Averages, v.Jurors = s.Averages(h.settings.Criteria), ptr(s.Jurors)
				if v.VideoURL, err = h.videoURL(ctx, c); err != nil {
					httpapi.WriteError(w, r, h.log, err)
					return
				}
			}
		case claims.Has(contest.RoleJury):
			if v, err = h.publicView(ctx, c); err != nil {
				httpapi.WriteError(w, r, h.log, err)
				return
			}
			v.MyScores = summary[c.ID].ByJuror[claims.ParticipantID()]
		default:
			v = h.view(c)
		}
		res.Clips = append(res.Clips, v)
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

// gallery (public): the accepted clips of a contest, with links to watch them.
func (h *Handler) gallery(w http.ResponseWriter, r *http.Request) {
	c := r.URL.Query().Get("contest")
	if c == "" {
		c = h.contest
	}
	if !contest.ValidID(c) {
		httpapi.WriteError(w, r, h.log, fault.NotFound("contest_not_found", "Không tìm thấy Hội thi."))
		return
	}
	clips, err := h.store.ListClips(r.Context(), c, "", clip.Accepted)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	res := h.newList()
	for _, c := range clips {
		v, err := h.publicView(r.Context(), c)
		if err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
		res.Clips = append(res.Clips, v)
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}
