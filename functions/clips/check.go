package main

import (
	"context"
	"fmt"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/mp4"
)

// check gives the clip's verdict. A clip still uploading is judged from its
// object (once: a verdict, once stored, is what every later check returns).
// fromEvent adds what only an object notification needs (clip.Clip.OnObject).
func (h *Handler) check(ctx context.Context, c clip.Clip, fromEvent bool) (clip.Clip, error) {
	if c.Status == clip.Uploading {
		return h.inspect(ctx, c)
	}
	if !fromEvent {
		return c, nil
	}
	head, found, err := h.objects.Head(ctx, c.Key)
	if err != nil {
		return c, err
	}
	switch c.OnObject(found, head.ETag) {
	case clip.RevokeClip:
		h.log.Warn("accepted clip's object replaced", "clip", c.ID, "checked", c.ETag, "now", head.ETag)
		revoked, _, err := h.store.RevokeClip(ctx, c.ContestID, c.ID, c.ETag, clip.ReasonReplaced, h.now())
		if err != nil {
			return c, err
		}
		return revoked, h.objects.Remove(ctx, c.Key)
	case clip.RemoveObject:
		h.log.Warn("object under a rejected clip's key removed", "clip", c.ID)
		return c, h.objects.Remove(ctx, c.Key)
	}
	return c, nil
}

// decided is the clip's stored verdict when a concurrent check gave it since
// c was read.
func (h *Handler) decided(ctx context.Context, c clip.Clip) (clip.Clip, bool) {
	stored, err := h.store.GetClip(ctx, c.ContestID, c.ID, true)
	return stored, err == nil && stored.Status != clip.Uploading
}

// inspect judges the object of a clip that is still uploading.
func (h *Handler) inspect(ctx context.Context, c clip.Clip) (clip.Clip, error) {
	head, found, err := h.objects.Head(ctx, c.Key)
	if err != nil {
		return c, err
	}
	now := h.now()
	if !found {
		// A concurrent check may have decided and removed a rejected object
		// since this clip was read: its verdict stands.
		if stored, ok := h.decided(ctx, c); ok {
			return stored, nil
		}
		if !c.Abandoned(now) {
			return c, clip.ErrNotUploaded
		}
		// The upload's time is over and nothing came: free the slot (and
		// drop the parts of a multipart upload left unfinished).
		if c.Method == clip.MethodMultipart && c.UploadID != "" {
			h.abortMultipart(ctx, c)
		}
		return h.decide(ctx, c, clip.Reject(clip.ReasonNotUploaded, now))
	}
	v := clip.Verdict{Status: clip.Rejected, Size: head.Size, ETag: head.ETag, CheckedAt: now}
	if v.Reason = clip.SizeReason(c, h.settings, v.Size); v.Reason == "" {
		r := h.objects.Reader(ctx, c.Key, v.ETag)
		info, err := mp4.Probe(r, v.Size)
		judged, ok := clip.Judge(v, h.settings, info, err)
		if !ok {
			// The object could not be read: replaced or removed while being
			// read (another check may have decided and removed it), or S3
			// failed. Not a verdict on the file.
			if stored, ok := h.decided(ctx, c); ok {
				return stored, nil
			}
			return c, fmt.Errorf("read clip %s: %w", c.ID, err)
		}
		if v = judged; v.Reason == clip.ReasonInconsistentDuration {
			h.log.Warn("clip durations disagree", "clip", c.ID, "err", err)
		}
		h.log.Info("clip read", "clip", c.ID, "size", v.Size, "reads", r.Reads, "bytesRead", r.Bytes, "reason", v.Reason, "durationMs", v.DurationMs)
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
		return stored, h.objects.Remove(ctx, c.Key)
	}
	return stored, nil
}
