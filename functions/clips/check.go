package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mp4"
)

// errNotUploaded: the clip's object is not there (yet).
var errNotUploaded = &fault.Error{Kind: fault.KindConflict, Code: "clip_not_uploaded",
	Message: "Chưa nhận được tệp video. Hãy tải tệp lên trước rồi xác nhận."}

// s3Status returns the HTTP status of an S3 error (0 if it has none).
func s3Status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// s3Code returns the S3 error code ("" if none).
func s3Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func isNotFound(err error) bool {
	switch s3Code(err) {
	case "NotFound", "NoSuchKey":
		return true
	}
	return s3Status(err) == http.StatusNotFound
}

// check gives the clip's verdict. A clip still uploading is judged from its
// object (once: a verdict, once stored, is what every later check returns).
// fromEvent adds what only an object notification needs: an object that
// reappears under a rejected clip's key is removed, and an accepted clip
// whose object was replaced after the check is rejected.
func (h *Handler) check(ctx context.Context, c clip.Clip, fromEvent bool) (clip.Clip, error) {
	switch c.Status {
	case clip.Uploading:
		return h.inspect(ctx, c)
	case clip.Accepted:
		if !fromEvent {
			return c, nil
		}
		head, err := h.head(ctx, c.Key)
		if err != nil || head == nil || etag(head.ETag) == c.ETag {
			return c, err // gone (nothing to judge) or the object that was checked
		}
		h.log.Warn("accepted clip's object replaced", "clip", c.ID, "checked", c.ETag, "now", etag(head.ETag))
		revoked, _, err := h.store.RevokeClip(ctx, c.ContestID, c.ID, c.ETag, clip.ReasonReplaced, h.now())
		if err != nil {
			return c, err
		}
		return revoked, h.remove(ctx, c.Key)
	default: // rejected
		if !fromEvent {
			return c, nil
		}
		head, err := h.head(ctx, c.Key)
		if err != nil || head == nil {
			return c, err
		}
		h.log.Warn("object under a rejected clip's key removed", "clip", c.ID)
		return c, h.remove(ctx, c.Key)
	}
}

// head returns the object's metadata, or nil when there is no object.
func (h *Handler) head(ctx context.Context, key string) (*s3.HeadObjectOutput, error) {
	out, err := h.objects.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &h.settings.Bucket, Key: &key})
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("head %s: %w", key, err)
	}
	return out, nil
}

func (h *Handler) remove(ctx context.Context, key string) error {
	if _, err := h.objects.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &h.settings.Bucket, Key: &key}); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

func etag(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// inspect judges the object of a clip that is still uploading.
func (h *Handler) inspect(ctx context.Context, c clip.Clip) (clip.Clip, error) {
	head, err := h.head(ctx, c.Key)
	if err != nil {
		return c, err
	}
	now := h.now()
	if head == nil {
		// A concurrent check may have decided and removed a rejected object
		// since this clip was read: its verdict stands.
		if stored, err := h.store.GetClip(ctx, c.ContestID, c.ID, true); err == nil && stored.Status != clip.Uploading {
			return stored, nil
		}
		if !c.Abandoned(now) {
			return c, errNotUploaded
		}
		// The upload's time is over and nothing came: free the slot (and
		// drop the parts of a multipart upload left unfinished).
		if c.Method == clip.MethodMultipart && c.UploadID != "" {
			h.abortMultipart(ctx, c)
		}
		return h.decide(ctx, c, clip.Reject(clip.ReasonNotUploaded, now))
	}
	v := clip.Verdict{Status: clip.Rejected, Size: derefInt(head.ContentLength), ETag: etag(head.ETag), CheckedAt: now}
	if v.Reason = clip.SizeReason(c, h.settings, v.Size); v.Reason == "" {
		r := &objectReader{ctx: ctx, objects: h.objects, bucket: h.settings.Bucket, key: c.Key, etag: v.ETag}
		info, err := mp4.Probe(r, v.Size)
		judged, ok := clip.Judge(v, h.settings, info, err)
		if !ok {
			// The object could not be read: replaced or removed while being
			// read (another check may have decided and removed it), or S3
			// failed. Not a verdict on the file.
			if stored, gerr := h.store.GetClip(ctx, c.ContestID, c.ID, true); gerr == nil && stored.Status != clip.Uploading {
				return stored, nil
			}
			return c, fmt.Errorf("read clip %s: %w", c.ID, err)
		}
		if v = judged; v.Reason == clip.ReasonInconsistentDuration {
			h.log.Warn("clip durations disagree", "clip", c.ID, "err", err)
		}
		h.log.Info("clip read", "clip", c.ID, "size", v.Size, "reads", r.reads, "bytesRead", r.bytes, "reason", v.Reason, "durationMs", v.DurationMs)
	}
	return h.decide(ctx, c, v)
}

// decide stores a verdict (the first one stands) and removes a rejected
// clip's object.
func (h *Handler) decide(ctx context.Context, c clip.Clip, v clip.Verdict) (clip.Clip, error) {
	stored, won, err := h.store.DecideClip(ctx, c.ContestID, c.ID, v)
	if err != nil {
		return c, err
	}
	if won {
		h.log.Info("clip checked", "clip", c.ID, "unit", c.UnitID, "status", stored.Status, "reason", stored.Reason, "durationMs", stored.DurationMs)
	}
	if stored.Status == clip.Rejected && v.Size > 0 {
		if err := h.remove(ctx, c.Key); err != nil {
			return stored, err
		}
	}
	return stored, nil
}

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// objectReader reads an object with ranged GETs, each bound to the ETag the
// check started with (so a replaced object fails the read rather than mixing
// two files).
type objectReader struct {
	ctx     context.Context
	objects objects
	bucket  string
	key     string
	etag    string
	reads   int
	bytes   int64
}

func (o *objectReader) ReadAt(p []byte, off int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	o.reads++
	rng := fmt.Sprintf("bytes=%d-%d", off, off+int64(len(p))-1)
	in := &s3.GetObjectInput{Bucket: &o.bucket, Key: &o.key, Range: &rng}
	if o.etag != "" {
		in.IfMatch = &o.etag
	}
	// A ranged GET carries no checksum of its range; the SDK need not say so.
	out, err := o.objects.GetObject(o.ctx, in, func(opt *s3.Options) { opt.DisableLogOutputChecksumValidationSkipped = true })
	if err != nil {
		return 0, fmt.Errorf("get %s %s: %w", o.key, rng, err)
	}
	defer out.Body.Close()
	n, err := io.ReadFull(out.Body, p)
	o.bytes += int64(n)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}
