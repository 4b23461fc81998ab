// Package clipcheck runs a clip's upload to its verdict: it records the clip
// within its unit's quota (settling stale uploads), hands out its presigned
// upload (giving the clip up when that fails), judges the uploaded
// object (shared/clip's rules), stores the first verdict, assembles multipart
// uploads and removes what a verdict refuses. It reaches the table and the
// bucket through the ports below (shared/dynamo and shared/memstore,
// shared/blob.ClipObjects), so it imports no AWS package.
package clipcheck

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mp4"
)

// Store is what the check needs of the table.
type Store interface {
	CreateClip(ctx context.Context, c clip.Clip, quota int) error
	ReleaseClipSlot(ctx context.Context, contestID, unitID, clipID string) error
	ClipSlots(ctx context.Context, contestID, unitID string) ([]string, error)
	GetClip(ctx context.Context, contestID, clipID string, consistent bool) (clip.Clip, error)
	DecideClip(ctx context.Context, contestID, clipID string, v clip.Verdict) (clip.Clip, bool, error)
	RevokeClip(ctx context.Context, contestID, clipID, checkedETag, reason string, at time.Time) (clip.Clip, bool, error)
}

// Objects is what the check needs of the bucket.
type Objects interface {
	// Head returns the object under key; found is false when there is none.
	Head(ctx context.Context, key string) (obj clip.Object, found bool, err error)
	// Reader reads the object under key as long as its ETag is etag.
	Reader(ctx context.Context, key, etag string) clip.ObjectReader
	// Remove deletes the object under key (none is no error).
	Remove(ctx context.Context, key string) error
	// Parts are the parts held of c's multipart upload. Errors: clip.ErrUploadGone.
	Parts(ctx context.Context, c clip.Clip) (map[int32]clip.Part, error)
	// Complete assembles parts into c's object. Errors: clip.ErrUploadGone, clip.ErrPartsRefused.
	Complete(ctx context.Context, c clip.Clip, parts []clip.Part) error
	// Abort drops c's multipart upload (one already gone is no error).
	Abort(ctx context.Context, c clip.Clip) error
}

// Checker opens and checks clips; Now is the clock. Presign is needed only
// to open uploads (Open, PartURLs, RefreshParts).
type Checker struct {
	Store    Store
	Objects  Objects
	Presign  Presigner
	Settings clip.Settings
	Now      func() time.Time
	Log      *slog.Logger
}

// Create records the clip within the unit's quota. When the quota is full it
// first settles the unit's stale uploads (clip.Clip.Stale) and tries once
// more. Errors: clip.ErrQuotaReached's.
func (k *Checker) Create(ctx context.Context, c clip.Clip) error {
	err := k.Store.CreateClip(ctx, c, k.Settings.Quota)
	if fault.CodeOf(err) != "clip_quota_reached" {
		return err
	}
	freed, serr := k.settleStale(ctx, c.ContestID, c.UnitID)
	if serr != nil {
		return serr
	}
	if !freed {
		return err
	}
	return k.Store.CreateClip(ctx, c, k.Settings.Quota)
}

// settleStale checks the unit's stale uploads and frees the quota slots of
// the clips that no longer hold one (clip.Clip.HoldsSlot), and of slots whose
// request failed before recording its clip. It reports whether any was freed.
func (k *Checker) settleStale(ctx context.Context, contestID, unitID string) (bool, error) {
	ids, err := k.Store.ClipSlots(ctx, contestID, unitID)
	if err != nil {
		return false, err
	}
	freed := false
	for _, id := range ids {
		c, err := k.Store.GetClip(ctx, contestID, id, true)
		missing := fault.CodeOf(err) == "clip_not_found"
		if err != nil && !missing {
			return freed, err
		}
		if !missing && c.Stale(k.Now()) {
			if c, err = k.Check(ctx, c, false); err != nil && !errors.Is(err, clip.ErrNotUploaded) {
				return freed, err
			}
		}
		if missing || !c.HoldsSlot() {
			if err := k.Store.ReleaseClipSlot(ctx, contestID, unitID, id); err != nil {
				return freed, err
			}
			freed = true
		}
	}
	return freed, nil
}

// giveUp rejects a clip whose upload could not be handed out.
func (k *Checker) giveUp(ctx context.Context, c clip.Clip) {
	if _, _, err := k.Store.DecideClip(ctx, c.ContestID, c.ID, clip.Reject(clip.ReasonAborted, k.Now())); err != nil {
		k.Log.Error("give up clip", "clip", c.ID, "err", err)
	}
}

// abortParts drops a multipart upload's parts (a failure is only logged:
// the bucket's lifecycle rule drops them in the end).
func (k *Checker) abortParts(ctx context.Context, c clip.Clip) {
	if err := k.Objects.Abort(ctx, c); err != nil {
		k.Log.Warn("abort multipart upload", "clip", c.ID, "err", err)
	}
}

// Abort: the unit gives up an upload in progress (POST or multipart); the
// clip is rejected as aborted, its object removed, its quota slot free.
// Errors: clip.ErrAlreadyChecked.
func (k *Checker) Abort(ctx context.Context, c clip.Clip) (clip.Clip, error) {
	if err := c.MayAbort(); err != nil {
		return c, err
	}
	if c.Method == clip.MethodMultipart {
		k.abortParts(ctx, c)
	}
	stored, won, err := k.Store.DecideClip(ctx, c.ContestID, c.ID, clip.Reject(clip.ReasonAborted, k.Now()))
	if err == nil && !won {
		err = clip.ErrAlreadyChecked()
	}
	if err == nil {
		err = k.Objects.Remove(ctx, c.Key)
	}
	return stored, err
}

// Check gives the clip's verdict. A clip still uploading is judged from its
// object (once: a verdict, once stored, is what every later check returns).
// fromEvent adds what only an object notification needs (clip.Clip.OnObject).
// Errors: clip.ErrNotUploaded while the object has not come.
func (k *Checker) Check(ctx context.Context, c clip.Clip, fromEvent bool) (clip.Clip, error) {
	if c.Status == clip.Uploading {
		return k.inspect(ctx, c)
	}
	if !fromEvent {
		return c, nil
	}
	head, found, err := k.Objects.Head(ctx, c.Key)
	if err != nil {
		return c, err
	}
	switch c.OnObject(found, head.ETag) {
	case clip.RevokeClip:
		k.Log.Warn("accepted clip's object replaced", "clip", c.ID, "checked", c.ETag, "now", head.ETag)
		revoked, _, err := k.Store.RevokeClip(ctx, c.ContestID, c.ID, c.ETag, clip.ReasonReplaced, k.Now())
		if err != nil {
			return c, err
		}
		return revoked, k.Objects.Remove(ctx, c.Key)
	case clip.RemoveObject:
		k.Log.Warn("object under a rejected clip's key removed", "clip", c.ID)
		return c, k.Objects.Remove(ctx, c.Key)
	}
	return c, nil
}

// decided is the clip's stored verdict when a concurrent check gave it since
// c was read.
func (k *Checker) decided(ctx context.Context, c clip.Clip) (clip.Clip, bool) {
	stored, err := k.Store.GetClip(ctx, c.ContestID, c.ID, true)
	return stored, err == nil && stored.Status != clip.Uploading
}

// inspect judges the object of a clip that is still uploading.
func (k *Checker) inspect(ctx context.Context, c clip.Clip) (clip.Clip, error) {
	head, found, err := k.Objects.Head(ctx, c.Key)
	if err != nil {
		return c, err
	}
	now := k.Now()
	if !found {
		// A concurrent check may have decided and removed a rejected object
		// since this clip was read: its verdict stands.
		if stored, ok := k.decided(ctx, c); ok {
			return stored, nil
		}
		if !c.Abandoned(now) {
			return c, clip.ErrNotUploaded
		}
		// The upload's time is over and nothing came: free the slot (and
		// drop the parts of a multipart upload left unfinished).
		if c.Method == clip.MethodMultipart && c.UploadID != "" {
			k.abortParts(ctx, c)
		}
		return k.decide(ctx, c, clip.Reject(clip.ReasonNotUploaded, now))
	}
	v := clip.Verdict{Status: clip.Rejected, Size: head.Size, ETag: head.ETag, CheckedAt: now}
	if v.Reason = clip.SizeReason(c, k.Settings, v.Size); v.Reason == "" {
		r := k.Objects.Reader(ctx, c.Key, v.ETag)
		info, err := mp4.Probe(r, v.Size)
		judged, ok := clip.Judge(v, k.Settings, info, err)
		if !ok {
			// The object could not be read: replaced or removed while being
			// read (another check may have decided and removed it), or the
			// bucket failed. Not a verdict on the file.
			if stored, ok := k.decided(ctx, c); ok {
				return stored, nil
			}
			return c, fmt.Errorf("read clip %s: %w", c.ID, err)
		}
		if v = judged; v.Reason == clip.ReasonInconsistentDuration {
			k.Log.Warn("clip durations disagree", "clip", c.ID, "err", err)
		}
		reads, bytes := r.Fetched()
		k.Log.Info("clip read", "clip", c.ID, "size", v.Size, "reads", reads, "bytesRead", bytes, "reason", v.Reason, "durationMs", v.DurationMs)
	}
	return k.decide(ctx, c, v)
}

// decide stores a verdict (the first one stands) and removes a rejected
// clip's object.
func (k *Checker) decide(ctx context.Context, c clip.Clip, v clip.Verdict) (clip.Clip, error) {
	stored, won, err := k.Store.DecideClip(ctx, c.ContestID, c.ID, v)
	if err != nil {
		return c, err
	}
	if won {
		k.Log.Info("clip checked", "clip", c.ID, "unit", c.UnitID, "status", stored.Status, "reason", stored.Reason, "durationMs", stored.DurationMs)
	}
	if stored.Status == clip.Rejected && v.Size > 0 {
		return stored, k.Objects.Remove(ctx, c.Key)
	}
	return stored, nil
}

// Complete assembles the parts the bucket holds as the client names them
// (clip.Clip.Assemble) and checks the result; parts that add up to more than
// was declared reject the clip instead. Completing again gives the same
// verdict. Errors: clip.ErrInvalidParts, "part_mismatch", clip.ErrNotUploaded.
func (k *Checker) Complete(ctx context.Context, c clip.Clip, named []clip.Part) (clip.Clip, error) {
	if c.Status == clip.Uploading {
		var err error
		if c, err = k.assemble(ctx, c, named); err != nil {
			return c, err
		}
	}
	return k.Check(ctx, c, false)
}

func (k *Checker) assemble(ctx context.Context, c clip.Clip, named []clip.Part) (clip.Clip, error) {
	if len(named) == 0 || len(named) > clip.MaxNamedParts {
		return c, clip.ErrInvalidParts()
	}
	held, err := k.Objects.Parts(ctx, c)
	if errors.Is(err, clip.ErrUploadGone) {
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
		k.abortParts(ctx, c)
		return k.decide(ctx, c, clip.Verdict{Status: clip.Rejected, Reason: a.Reason, Size: a.Size, CheckedAt: k.Now()})
	}
	switch err := k.Objects.Complete(ctx, c, a.Parts); {
	case errors.Is(err, clip.ErrPartsRefused):
		return c, clip.ErrPartsNotAssembled(err)
	case err != nil && !errors.Is(err, clip.ErrUploadGone):
		return c, err
	}
	return c, nil
}

// Outcomes of an object notification (functions/clips RecordOutcome).
const (
	Checked = "checked" // the clip's verdict
	Pending = "pending" // no object yet
	Deleted = "deleted" // an object no issued upload names, removed
	Ignored = "ignored" // not a clip upload of this deployment: see Note
)

// Notice is what an object notification did: Outcome, the clip and its
// status and reason, or why it was ignored (Note, clip.RecordNote's).
type Notice struct {
	Outcome string
	ClipID  string
	Status  string
	Reason  string
	Note    string
}

// Record takes one record of an S3 notification (untrusted: its source,
// event name, bucket and decoded key): one that is no clip upload of the
// settings' bucket is ignored (clip.RecordNote), any other is Notified.
func (k *Checker) Record(ctx context.Context, source, event, bucket, key string) (Notice, error) {
	note := clip.RecordNote(source, event, bucket, key, k.Settings.Bucket)
	if note == clip.NoteOtherBucket {
		k.Log.Warn("record for another bucket", "bucket", bucket)
	}
	if note != "" {
		return Notice{Outcome: Ignored, Note: note}, nil
	}
	return k.Notified(ctx, key)
}

// Notified checks the clip an object under clips/ claims to be (key is
// untrusted): an object no issued upload names is removed. Every step is
// idempotent, so a failed notification may be retried.
func (k *Checker) Notified(ctx context.Context, key string) (Notice, error) {
	contestID, _, clipID, ok := clip.ParseObjectKey(key)
	var c clip.Clip
	var err error
	if ok {
		c, err = k.Store.GetClip(ctx, contestID, clipID, true)
		if err != nil && fault.CodeOf(err) != "clip_not_found" {
			return Notice{}, err
		}
		ok = err == nil && c.Key == key
	}
	if !ok {
		k.Log.Warn("object under an unissued key removed", "key", key)
		return Notice{Outcome: Deleted, Reason: clip.ReasonUnknownKey}, k.Objects.Remove(ctx, key)
	}
	n := Notice{ClipID: c.ID}
	c, err = k.Check(ctx, c, true)
	switch {
	case errors.Is(err, clip.ErrNotUploaded):
		n.Outcome, n.Status = Pending, c.Status
		return n, nil
	case err != nil:
		return n, err
	}
	n.Outcome, n.Status, n.Reason = Checked, c.Status, c.Reason
	return n, nil
}
