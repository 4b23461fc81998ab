package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
)

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
func (h *Handler) requestUpload(w http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, err := h.authorize(r, clip.MayUpload)
	if err != nil {
		return 0, nil, err
	}
	var req clip.Request
	if err := httpapi.DecodeJSON(w, r, &req, 0); err != nil {
		return 0, nil, err
	}
	if err := req.Validate(h.settings); err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	units, err := h.store.ListUnits(ctx, claims.Contest)
	if err != nil {
		return 0, nil, err
	}
	unit, err := h.settings.Entrant(units, claims.UnitID)
	if err != nil {
		return 0, nil, err
	}
	c := clip.New(req, clip.Uploader{Contest: claims.Contest, Email: claims.Email, Name: claims.Name}, unit, h.settings, h.now())
	if c.Method == clip.MethodMultipart {
		return h.startMultipart(ctx, c)
	}
	if err := h.create(ctx, c); err != nil {
		return 0, nil, err
	}
	post, err := h.objects.PresignPost(ctx, c, h.settings.UploadExpiry)
	if err != nil {
		h.giveUp(ctx, c)
		return 0, nil, err
	}
	return http.StatusCreated, uploadResponse{Clip: h.view(c), Upload: postUpload{
		Method: clip.MethodPost, URL: post.URL, Fields: post.Fields, ExpiresAt: clip.ICT(c.UploadDeadline), MaxBytes: c.DeclaredSize,
	}}, nil
}

// create records the clip within the unit's quota. When the quota is full it
// first settles the unit's stale uploads (clip.Clip.Stale) and tries once more.
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

// settleStale checks the unit's stale uploads and frees the quota slots of
// the clips that no longer hold one (clip.Clip.HoldsSlot), and of slots whose
// request failed before recording its clip. It reports whether any was freed.
func (h *Handler) settleStale(ctx context.Context, contestID, unitID string) (bool, error) {
	ids, err := h.store.ClipSlots(ctx, contestID, unitID)
	if err != nil {
		return false, err
	}
	freed := false
	for _, id := range ids {
		c, err := h.store.GetClip(ctx, contestID, id, true)
		missing := fault.CodeOf(err) == "clip_not_found"
		if err != nil && !missing {
			return freed, err
		}
		if !missing && c.Stale(h.now()) {
			if c, err = h.check(ctx, c, false); err != nil && !errors.Is(err, clip.ErrNotUploaded) {
				return freed, err
			}
		}
		if missing || !c.HoldsSlot() {
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

// confirm: after uploading, the unit asks for the verdict now rather than
// waiting for the S3 event; both give the same verdict.
func (h *Handler) confirm(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.managedClip(r)
	if err == nil {
		c, err = h.check(r.Context(), c, false)
	}
	return http.StatusOK, clipResponse{Clip: h.view(c)}, err
}
