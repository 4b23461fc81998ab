package main

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
)

// A multipart upload survives interruptions: the browser PUTs each part to
// its presigned URL (and again after a failure), asks for fresh URLs when
// they expire, then asks the function to complete. The key and the limits
// are the POST's: the function creates the upload on the issued key, each
// part URL is signed for the part's exact length, and completion refuses
// parts that add up to more than was declared.

// initialPartURLs is how many part URLs the upload's answer carries (the
// first ones; POST /clips/{clipId}/parts gives the rest, and fresh ones).
const initialPartURLs = 200

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

func (h *Handler) startMultipart(w http.ResponseWriter, r *http.Request, c clip.Clip) {
	ctx := r.Context()
	c.Method = "multipart"
	c.UploadDeadline = c.CreatedAt.Add(h.settings.MultipartWindow)
	c.PartSize, _ = h.settings.PartPlan(c.DeclaredSize)
	out, err := h.objects.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: &h.settings.Bucket, Key: &c.Key, ContentType: &c.ContentType,
	})
	if err != nil {
		httpapi.WriteError(w, r, h.log, fmt.Errorf("create multipart upload for %s: %w", c.ID, err))
		return
	}
	c.UploadID = *out.UploadId
	if err := h.create(ctx, c); err != nil {
		h.abortMultipart(ctx, c)
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	_, count := h.settings.PartPlan(c.DeclaredSize)
	first := make([]int32, 0, min(count, initialPartURLs))
	for n := range min(count, initialPartURLs) {
		first = append(first, int32(n+1))
	}
	parts, expires, err := h.partURLs(ctx, c, first)
	if err != nil {
		h.abortMultipart(ctx, c)
		h.giveUp(ctx, c)
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, uploadResponse{Clip: h.view(c), Upload: multipartUpload{
		Method: "multipart", PartSize: c.PartSize, PartCount: count, Parts: parts, ExpiresAt: expires,
		UploadDeadline: c.UploadDeadline.In(contest.ICT).Truncate(time.Second),
	}})
}

// partURLs presigns the PUT of each numbered part, bound to its exact length.
func (h *Handler) partURLs(ctx context.Context, c clip.Clip, numbers []int32) ([]partURL, time.Time, error) {
	count := int32((c.DeclaredSize + c.PartSize - 1) / c.PartSize)
	now := h.now()
	expires := now.Add(h.settings.UploadExpiry)
	if c.UploadDeadline.Before(expires) {
		expires = c.UploadDeadline
	}
	ttl := expires.Sub(now)
	parts := make([]partURL, 0, len(numbers))
	for _, n := range numbers {
		if n < 1 || n > count {
			return nil, time.Time{}, fault.Invalid("invalid_part_number", fmt.Sprintf("Số thứ tự phần phải từ 1 đến %d.", count))
		}
		size := c.PartSize
		if n == count {
			size = c.DeclaredSize - int64(count-1)*c.PartSize
		}
		req, err := h.presign.PresignUploadPart(ctx, &s3.UploadPartInput{
			Bucket: &h.settings.Bucket, Key: &c.Key, UploadId: &c.UploadID, PartNumber: &n, ContentLength: &size,
		}, func(o *s3.PresignOptions) { o.Expires = ttl })
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("presign part %d of %s: %w", n, c.ID, err)
		}
		parts = append(parts, partURL{PartNumber: n, URL: req.URL, Size: size})
	}
	return parts, expires.In(contest.ICT).Truncate(time.Second), nil
}

// multipartClip reads a clip the holder may manage and checks that its
// multipart upload is still open.
func (h *Handler) multipartClip(r *http.Request) (clip.Clip, error) {
	_, c, err := h.managedClip(r)
	if err != nil {
		return c, err
	}
	if c.Method != clip.MethodMultipart {
		return c, fault.Conflict("not_multipart", "Video clip này không được tải lên theo nhiều phần.")
	}
	return c, nil
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
func (h *Handler) presignParts(w http.ResponseWriter, r *http.Request) {
	c, err := h.multipartClip(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	var req partsRequest
	if err := httpapi.DecodeJSON(w, r, &req, 0); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	switch {
	case c.Status != clip.Uploading:
		httpapi.WriteError(w, r, h.log, fault.Conflict("clip_already_checked", "Video clip đã được kiểm tra; không thể tải thêm phần."))
		return
	case !h.now().Before(c.UploadDeadline):
		httpapi.WriteError(w, r, h.log, fault.Closed("upload_expired", "Đã hết thời hạn tải lên video clip này."))
		return
	case len(req.PartNumbers) == 0 || len(req.PartNumbers) > 1000:
		httpapi.WriteError(w, r, h.log, fault.Invalid("invalid_part_number", "Cần từ 1 đến 1000 số thứ tự phần."))
		return
	}
	parts, expires, err := h.partURLs(r.Context(), c, req.PartNumbers)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, partsResponse{Parts: parts, ExpiresAt: expires})
}

type completedPart struct {
	PartNumber int32  `json:"partNumber"`
	ETag       string `json:"etag"`
}

type completeRequest struct {
	Parts []completedPart `json:"parts"`
}

func sameETag(a, b string) bool { return strings.Trim(a, `"`) == strings.Trim(b, `"`) }

// completeMultipart assembles the uploaded parts into the clip's object and
// checks it: the answer is the verdict, as from confirm. Completing again
// gives the same verdict.
func (h *Handler) completeMultipart(w http.ResponseWriter, r *http.Request) {
	c, err := h.multipartClip(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	var req completeRequest
	if err := httpapi.DecodeJSON(w, r, &req, 1<<20); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	if c.Status == clip.Uploading {
		if c, err = h.complete(ctx, c, req.Parts); err != nil {
			httpapi.WriteError(w, r, h.log, err)
			return
		}
	}
	c, err = h.check(ctx, c, false)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, clipResponse{Clip: h.view(c)})
}

// complete checks the parts the client names against those S3 holds, and
// completes the upload if they add up to no more than was declared (else the
// clip is rejected: the returned clip says so).
func (h *Handler) complete(ctx context.Context, c clip.Clip, named []completedPart) (clip.Clip, error) {
	if len(named) == 0 || len(named) > 10_000 {
		return c, fault.Invalid("invalid_parts", "Cần danh sách các phần đã tải lên (partNumber, etag).")
	}
	held := map[int32]types.Part{}
	in := &s3.ListPartsInput{Bucket: &h.settings.Bucket, Key: &c.Key, UploadId: &c.UploadID}
	for {
		out, err := h.objects.ListParts(ctx, in)
		if s3Code(err) == "NoSuchUpload" {
			return c, nil // completed (or aborted) before: the check says which
		}
		if err != nil {
			return c, fmt.Errorf("list parts of %s: %w", c.ID, err)
		}
		for _, p := range out.Parts {
			held[*p.PartNumber] = p
		}
		if out.IsTruncated == nil || !*out.IsTruncated || out.NextPartNumberMarker == nil {
			break
		}
		in.PartNumberMarker = out.NextPartNumberMarker
	}
	slices.SortFunc(named, func(a, b completedPart) int { return cmp.Compare(a.PartNumber, b.PartNumber) })
	var total int64
	parts := make([]types.CompletedPart, 0, len(named))
	for i, p := range named {
		got, ok := held[p.PartNumber]
		if !ok || p.PartNumber != int32(i+1) || !sameETag(etag(got.ETag), p.ETag) {
			return c, fault.Conflict("part_mismatch", fmt.Sprintf("Phần %d chưa được tải lên đầy đủ hoặc không khớp; hãy tải lại phần này.", p.PartNumber))
		}
		total += derefInt(got.Size)
		parts = append(parts, types.CompletedPart{PartNumber: got.PartNumber, ETag: got.ETag})
	}
	if total > c.DeclaredSize {
		h.abortMultipart(ctx, c)
		return h.decide(ctx, c, clip.Verdict{Status: clip.Rejected, Reason: clip.ReasonLargerThanDeclared, Size: total, CheckedAt: h.now()})
	}
	_, err := h.objects.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &h.settings.Bucket, Key: &c.Key, UploadId: &c.UploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	switch code := s3Code(err); {
	case err == nil, code == "NoSuchUpload":
		return c, nil
	case code == "EntityTooSmall", code == "InvalidPart", code == "InvalidPartOrder":
		return c, &fault.Error{Kind: fault.KindConflict, Code: "part_mismatch",
			Message: "Các phần chưa ghép được thành tệp (mỗi phần trừ phần cuối phải đủ kích thước đã cấp); hãy tải lại.", Err: err}
	default:
		return c, fmt.Errorf("complete multipart upload of %s: %w", c.ID, err)
	}
}

func (h *Handler) abortMultipart(ctx context.Context, c clip.Clip) {
	_, err := h.objects.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &h.settings.Bucket, Key: &c.Key, UploadId: &c.UploadID})
	if err != nil && s3Code(err) != "NoSuchUpload" {
		h.log.Warn("abort multipart upload", "clip", c.ID, "err", err)
	}
}

// abortUpload: the unit gives up an upload in progress (POST or multipart);
// the clip is rejected as aborted and its quota slot is free again.
func (h *Handler) abortUpload(w http.ResponseWriter, r *http.Request) {
	_, c, err := h.managedClip(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	ctx := r.Context()
	if c.Status != clip.Uploading {
		httpapi.WriteError(w, r, h.log, fault.Conflict("clip_already_checked", "Video clip đã được kiểm tra; không thể huỷ lần tải lên."))
		return
	}
	if c.Method == clip.MethodMultipart {
		h.abortMultipart(ctx, c)
	}
	stored, won, err := h.store.DecideClip(ctx, c.ContestID, c.ID, clip.Verdict{Status: clip.Rejected, Reason: clip.ReasonAborted, CheckedAt: h.now()})
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	if !won {
		httpapi.WriteError(w, r, h.log, fault.Conflict("clip_already_checked", "Video clip đã được kiểm tra; không thể huỷ lần tải lên."))
		return
	}
	if err := h.remove(ctx, c.Key); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, clipResponse{Clip: h.view(stored)})
}
