package memstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
)

// clipBook is a contest's clips, each unit's quota slots and the jury's
// scores (clip id + "#" + juror id).
type clipBook struct {
	clips  map[string]clip.Clip
	slots  map[string]map[string]bool // unit → ids of the clips holding a slot
	scores map[string]clip.Scores
}

// book returns the contest's clips; s.mu is held.
func (s *Store) book(contestID string) *clipBook {
	if s.clips == nil {
		s.clips = map[string]*clipBook{}
	}
	b := s.clips[contestID]
	if b == nil {
		b = &clipBook{clips: map[string]clip.Clip{}, slots: map[string]map[string]bool{}, scores: map[string]clip.Scores{}}
		s.clips[contestID] = b
	}
	return b
}

// ms is a time as the table keeps it: to the millisecond, zero as zero.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.UnixMilli(t.UnixMilli())
}

func storedClip(c clip.Clip) clip.Clip {
	c.CreatedAt, c.UploadDeadline, c.CheckedAt = ms(c.CreatedAt), ms(c.UploadDeadline), ms(c.CheckedAt)
	return c
}

// CreateClip records a new upload within the unit's quota of live clips
// (dynamo.Store.CreateClip). Errors: clip.ErrQuotaReached's.
func (s *Store) CreateClip(_ context.Context, c clip.Clip, quota int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.book(c.ContestID)
	slots := b.slots[c.UnitID]
	if slots == nil {
		slots = map[string]bool{}
		b.slots[c.UnitID] = slots
	}
	if len(slots) >= quota {
		return clip.ErrQuotaReached(quota)
	}
	slots[c.ID] = true
	if _, ok := b.clips[c.ID]; ok {
		delete(slots, c.ID)
		return fmt.Errorf("create clip %s: it exists", c.ID)
	}
	b.clips[c.ID] = storedClip(c)
	return nil
}

// ReleaseClipSlot gives a clip's quota slot back (idempotent).
func (s *Store) ReleaseClipSlot(_ context.Context, contestID, unitID, clipID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.book(contestID).slots[unitID], clipID)
	return nil
}

// ClipSlots returns the ids of the unit's clips holding quota slots.
func (s *Store) ClipSlots(_ context.Context, contestID, unitID string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.book(contestID).slots[unitID])), nil
}

// GetClip reads a clip. Errors: clip.ErrNotFound.
func (s *Store) GetClip(_ context.Context, contestID, clipID string, _ bool) (clip.Clip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.book(contestID).clips[clipID]
	if !ok {
		return clip.Clip{}, clip.ErrNotFound()
	}
	return c, nil
}

// ListClips returns a contest's clips by id: unitID "" lists every unit's,
// status "" every status.
func (s *Store) ListClips(_ context.Context, contestID, unitID, status string) ([]clip.Clip, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []clip.Clip{}
	for _, c := range sortedValues(s.book(contestID).clips) {
		if (unitID == "" || strings.HasPrefix(c.ID, unitID+".")) && (status == "" || c.Status == status) {
			out = append(out, c)
		}
	}
	return out, nil
}

// setVerdict applies a verdict to a clip if ok says it may; s.mu is held.
func (s *Store) setVerdict(contestID, clipID string, ok func(clip.Clip) bool, apply func(*clip.Clip)) (clip.Clip, bool, error) {
	b := s.book(contestID)
	c, found := b.clips[clipID]
	if !found {
		return clip.Clip{}, false, clip.ErrNotFound()
	}
	if !ok(c) {
		return c, false, nil
	}
	apply(&c)
	c = storedClip(c)
	b.clips[clipID] = c
	if c.Status == clip.Rejected {
		delete(b.slots[c.UnitID], c.ID)
	}
	return c, true, nil
}

// DecideClip records the verdict on a clip still uploading, once
// (dynamo.Store.DecideClip). Errors: clip.ErrNotFound.
func (s *Store) DecideClip(_ context.Context, contestID, clipID string, v clip.Verdict) (clip.Clip, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setVerdict(contestID, clipID, func(c clip.Clip) bool { return c.Status == clip.Uploading }, func(c *clip.Clip) {
		c.Status, c.CheckedAt, c.Size, c.DurationMs, c.MoovAtEnd = v.Status, v.CheckedAt, v.Size, v.DurationMs, v.MoovAtEnd
		if v.Reason != "" {
			c.Reason = v.Reason
		}
		if v.ETag != "" {
			c.ETag = v.ETag
		}
	})
}

// RevokeClip rejects an accepted clip whose object was replaced after the
// check (dynamo.Store.RevokeClip).
func (s *Store) RevokeClip(_ context.Context, contestID, clipID, checkedETag, reason string, at time.Time) (clip.Clip, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setVerdict(contestID, clipID, func(c clip.Clip) bool { return c.Status == clip.Accepted && c.ETag == checkedETag },
		func(c *clip.Clip) { c.Status, c.Reason, c.CheckedAt = clip.Rejected, reason, at })
}

// PutClipScores records a juror's scores of a clip, criterion by criterion,
// and returns all of the juror's scores of the clip.
func (s *Store) PutClipScores(_ context.Context, contestID, clipID, jurorID, jurorName string, scores map[string]int, at time.Time) (clip.Scores, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.book(contestID)
	k := clipID + "#" + jurorID
	sc := b.scores[k]
	sc.Scores = maps.Clone(sc.Scores)
	if sc.Scores == nil {
		sc.Scores = map[string]int{}
	}
	maps.Copy(sc.Scores, scores)
	sc.ClipID, sc.JurorID, sc.JurorName, sc.UpdatedAt = clipID, jurorID, jurorName, ms(at)
	b.scores[k] = sc
	sc.Scores = maps.Clone(sc.Scores)
	return sc, nil
}

// ListClipScores returns every juror's scores of every clip of the contest.
func (s *Store) ListClipScores(_ context.Context, contestID string) ([]clip.Scores, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []clip.Scores{}
	for _, sc := range sortedValues(s.book(contestID).scores) {
		sc.Scores = maps.Clone(sc.Scores)
		out = append(out, sc)
	}
	return out, nil
}
