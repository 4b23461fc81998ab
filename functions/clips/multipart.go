package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hoithi/hoithi/shared/blob"
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
	if err := h.create(ctx, c); err != nil {
		h.abortMultipart(ctx, c)
		return 0, nil, err
	}
	parts, expires, err := h.partURLs(ctx, c, c.FirstParts())
	if err != nil {
		h.abortMultipart(ctx, c)
		h.giveUp(ctx, c)
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
	ctx := r.Context()
	if c.Status == clip.Uploading {
		named := make([]clip.Part, len(req.Parts))
		for i, p := range req.Parts {
			named[i] = clip.Part{Number: p.PartNumber, ETag: p.ETag}
		}
		if c, err = h.complete(ctx, c, named); err != nil {
			return 0, nil, err
		}
	}
	c, err = h.check(ctx, c, false)
	return http.StatusOK, clipResponse{Clip: h.view(c)}, err
}

// complete assembles the parts S3 holds as the client names them
// (clip.Clip.Assemble); parts that add up to more than was declared reject
// the clip instead (the returned clip says so).
func (h *Handler) complete(ctx context.Context, c clip.Clip, named []clip.Part) (clip.Clip, error) {
	if len(named) == 0 || len(named) > clip.MaxNamedParts {
		return c, clip.ErrInvalidParts()
	}
	held, err := h.objects.Parts(ctx, c)
	if errors.Is(err, blob.ErrNoSuchUpload) {
		return c, nil // completed (or aborted) before: the check says which
	}
	if err != nil {
		return c, err
	}
	a, err := c.Assemble(named, held)
	if err != nil {
		return c, err
	}
	if a.Reason != "" {
		h.abortMultipart(ctx, c)
		return h.decide(ctx, c, clip.Verdict{Status: clip.Rejected, Reason: a.Reason, Size: a.Size, CheckedAt: h.now()})
	}
	switch err := h.objects.Complete(ctx, c, a.Parts); {
	case errors.Is(err, blob.ErrPartsRefused):
		return c, clip.ErrPartsNotAssembled(err)
	case err != nil && !errors.Is(err, blob.ErrNoSuchUpload):
		return c, err
	}
	return c, nil
}

func (h *Handler) abortMultipart(ctx context.Context, c clip.Clip) {
	if err := h.objects.Abort(ctx, c); err != nil {
		h.log.Warn("abort multipart upload", "clip", c.ID, "err", err)
	}
}

// abortUpload: the unit gives up an upload in progress (POST or multipart);
// the clip is rejected as aborted and its quota slot is free again.
func (h *Handler) abortUpload(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.managedClip(r)
	if err == nil {
		err = c.MayAbort()
	}
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	if c.Method == clip.MethodMultipart {
		h.abortMultipart(ctx, c)
	}
	stored, won, err := h.store.DecideClip(ctx, c.ContestID, c.ID, clip.Reject(clip.ReasonAborted, h.now()))
	if err == nil && !won {
		err = clip.ErrAlreadyChecked()
	}
	if err == nil {
		err = h.objects.Remove(ctx, c.Key)
	}
	return http.StatusOK, clipResponse{Clip: h.view(stored)}, err
}
