package main

import (
	"net/http"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
	"github.com/hoithi/hoithi/shared/httpapi"
)

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
	c, u, err := h.clips.Open(ctx, c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, clipcheck.Opened{Clip: h.view(c), Upload: u}, nil
}

// confirm: after uploading, the unit asks for the verdict now rather than
// waiting for the S3 event; both give the same verdict.
func (h *Handler) confirm(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.managedClip(r)
	if err == nil {
		c, err = h.clips.Check(r.Context(), c, false)
	}
	return http.StatusOK, clip.One{Clip: h.view(c)}, err
}
