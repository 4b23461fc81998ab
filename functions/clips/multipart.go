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

type partsRequest struct {
	PartNumbers []int32 `json:"partNumbers"`
}

// presignParts hands out fresh part URLs (the earlier ones expired, or a part
// must be sent again).
func (h *Handler) presignParts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.multipartClip(r)
	if err != nil {
		return 0, nil, err
	}
	var req partsRequest
	if err := httpapi.DecodeJSON(w, r, &req, 0); err != nil {
		return 0, nil, err
	}
	parts, err := h.clips.RefreshParts(r.Context(), c, req.PartNumbers)
	return http.StatusOK, parts, err
}

type completedPart struct {
	PartNumber int32  `json:"partNumber"`
	ETag       string `json:"etag"`
}

type completeRequest struct {
	Parts []completedPart `json:"parts"`
}

// completeMultipart assembles the uploaded parts into the clip's object and
// checks it: the answer is the verdict, as from confirm. Completing again
// gives the same verdict.
func (h *Handler) completeMultipart(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.multipartClip(r)
	if err != nil {
		return 0, nil, err
	}
	var req completeRequest
	if err := httpapi.DecodeJSON(w, r, &req, 1<<20); err != nil {
		return 0, nil, err
	}
	named := make([]clip.Part, len(req.Parts))
	for i, p := range req.Parts {
		named[i] = clip.Part{Number: p.PartNumber, ETag: p.ETag}
	}
	c, err = h.clips.Complete(r.Context(), c, named)
	return http.StatusOK, clipResponse{Clip: h.view(c)}, err
}

// abortUpload: the unit gives up an upload in progress (POST or multipart);
// the clip is rejected as aborted and its quota slot is free again.
func (h *Handler) abortUpload(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.managedClip(r)
	if err == nil {
		c, err = h.clips.Abort(r.Context(), c)
	}
	return http.StatusOK, clipResponse{Clip: h.view(c)}, err
}
