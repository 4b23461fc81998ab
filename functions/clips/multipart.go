package main

import (
	"net/http"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/httpapi"
)

// A multipart upload survives interruptions (shared/clip/multipart.go):
// shared/clipcheck creates the upload on the issued key and signs each
// part's PUT for its exact length; these are its later steps.

// multipartClip reads a clip the holder may manage and checks that it was
// uploaded in parts.
func (h *Handler) multipartClip(r *http.Request) (clip.Clip, error) {
	c, err := h.managedClip(r)
	if err == nil && c.Method != clip.MethodMultipart {
		err = clip.ErrNotMultipart()
	}
	return c, err
}

// presignParts hands out fresh part URLs (the earlier ones expired, or a part
// must be sent again).
func (h *Handler) presignParts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.multipartClip(r)
	if err != nil {
		return 0, nil, err
	}
	var req clip.PartsRequest
	if err := httpapi.DecodeJSON(w, r, &req, 0); err != nil {
		return 0, nil, err
	}
	parts, err := h.clips.RefreshParts(r.Context(), c, req.PartNumbers)
	return http.StatusOK, parts, err
}

// completeMultipart assembles the uploaded parts into the clip's object and
// checks it: the answer is the verdict, as from confirm. Completing again
// gives the same verdict.
func (h *Handler) completeMultipart(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.multipartClip(r)
	if err != nil {
		return 0, nil, err
	}
	var req clip.CompleteRequest
	if err := httpapi.DecodeJSON(w, r, &req, 1<<20); err != nil {
		return 0, nil, err
	}
	c, err = h.clips.Complete(r.Context(), c, req.Named())
	return http.StatusOK, clip.One{Clip: h.view(c)}, err
}

// abortUpload: the unit gives up an upload in progress (POST or multipart);
// the clip is rejected as aborted and its quota slot is free again.
func (h *Handler) abortUpload(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.managedClip(r)
	if err == nil {
		c, err = h.clips.Abort(r.Context(), c)
	}
	return http.StatusOK, clip.One{Clip: h.view(c)}, err
}
