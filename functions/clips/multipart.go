package main

import (
	"context"
	"net/http"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/httpapi"
)

// A multipart upload survives interruptions (shared/clip/multipart.go): the
// function creates the upload on the issued key and signs each part's PUT
// for its exact length.

type partURL struct {
	PartNumber int32  `json:"partNumber"`
	URL        string `json:"url"`
	Size       int64  `json:"size"`
}

type multipartUpload struct {
	Method         string    `json:"method"`
	PartSize       int64     `json:"partSize"`
	PartCount      int       `json:"partCount"`
	Parts          []partURL `json:"parts"`
	ExpiresAt      time.Time `json:"expiresAt"`
	UploadDeadline time.Time `json:"uploadDeadline"`
}

func (h *Handler) startMultipart(ctx context.Context, c clip.Clip) (int, any, error) {
	var err error
	if c.UploadID, err = h.objects.CreateMultipart(ctx, c); err != nil {
		return 0, nil, err
	}
	if err := h.clips.Create(ctx, c); err != nil {
		h.clips.AbortParts(ctx, c)
		return 0, nil, err
	}
	parts, expires, err := h.partURLs(ctx, c, c.FirstParts())
	if err != nil {
		h.clips.AbortParts(ctx, c)
		h.clips.GiveUp(ctx, c)
		return 0, nil, err
	}
	return http.StatusCreated, uploadResponse{Clip: h.view(c), Upload: multipartUpload{
		Method: clip.MethodMultipart, PartSize: c.PartSize, PartCount: int(c.PartCount()), Parts: parts, ExpiresAt: expires,
		UploadDeadline: clip.ICT(c.UploadDeadline),
	}}, nil
}

// partURLs presigns the PUT of each numbered part, bound to its exact length.
func (h *Handler) partURLs(ctx context.Context, c clip.Clip, numbers []int32) ([]partURL, time.Time, error) {
	now := h.now()
	expires := c.PartURLsExpire(now, h.settings)
	parts := make([]partURL, 0, len(numbers))
	for _, n := range numbers {
		size, err := c.PartLength(n)
		if err != nil {
			return nil, time.Time{}, err
		}
		url, err := h.objects.PresignPart(ctx, c, n, size, expires.Sub(now))
		if err != nil {
			return nil, time.Time{}, err
		}
		parts = append(parts, partURL{PartNumber: n, URL: url, Size: size})
	}
	return parts, clip.ICT(expires), nil
}

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

type partsResponse struct {
	Parts     []partURL `json:"parts"`
	ExpiresAt time.Time `json:"expiresAt"`
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
	if err := c.MayRefreshParts(h.now(), len(req.PartNumbers)); err != nil {
		return 0, nil, err
	}
	parts, expires, err := h.partURLs(r.Context(), c, req.PartNumbers)
	return http.StatusOK, partsResponse{Parts: parts, ExpiresAt: expires}, err
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
