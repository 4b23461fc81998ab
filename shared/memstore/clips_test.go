package memstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/memstore"
)

// clipStore is what functions/clips needs of the table's clips.
type clipStore interface {
	CreateClip(ctx context.Context, c clip.Clip, quota int) error
	ReleaseClipSlot(ctx context.Context, contestID, unitID, clipID string) error
	ClipSlots(ctx context.Context, contestID, unitID string) ([]string, error)
	GetClip(ctx context.Context, contestID, clipID string, consistent bool) (clip.Clip, error)
	ListClips(ctx context.Context, contestID, unitID, status string) ([]clip.Clip, error)
	DecideClip(ctx context.Context, contestID, clipID string, v clip.Verdict) (clip.Clip, bool, error)
	RevokeClip(ctx context.Context, contestID, clipID, checkedETag, reason string, at time.Time) (clip.Clip, bool, error)
	PutClipScores(ctx context.Context, contestID, clipID, jurorID, jurorName string, scores map[string]int, at time.Time) (clip.Scores, error)
	ListClipScores(ctx context.Context, contestID string) ([]clip.Scores, error)
}

var (
	_ clipStore = (*memstore.Store)(nil)
	_ clipStore = (*dynamo.Store)(nil)
)

func newClip(unit string, i int) clip.Clip {
	id := fmt.Sprintf("%s.%016x", unit, i)
	return clip.Clip{
		ContestID: c, ID: id, UnitID: unit, UnitName: "UBND " + unit, Block: "xa-phuong", Title: "Phóng sự", Genre: "phong-su",
		ContentType: "video/mp4", DeclaredSize: 1000, UploaderEmail: "qt@" + unit + ".vn", UploaderName: "Quản trị",
		Key: clip.ObjectKey(c, unit, id), Method: clip.MethodPost, Status: clip.Uploading,
		CreatedAt: t0, UploadDeadline: t0.Add(15 * time.Minute),
	}
}

func TestStoresKeepClipsAsTheClipsFunctionReliesOn(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t).(clipStore)
			t.Run("concurrent uploads never take more slots than the quota", func(t *testing.T) {
				var wg sync.WaitGroup
				var mu sync.Mutex
				created := 0
				for i := range 12 {
					wg.Go(func() {
						err := s.CreateClip(ctx, newClip("phuong-a", i), 3)
						mu.Lock()
						defer mu.Unlock()
						switch fault.CodeOf(err) {
						case "":
							if err != nil {
								t.Error(err)
							}
							created++
						case "clip_quota_reached":
						default:
							t.Error(err)
						}
					})
				}
				wg.Wait()
				slots, err := s.ClipSlots(ctx, c, "phuong-a")
				if created != 3 || len(slots) != 3 || err != nil {
					t.Errorf("created %d, slots %v (%v), want 3", created, slots, err)
				}
			})
			one, two := newClip("phuong-b", 1), newClip("phuong-b", 2)
			for _, x := range []clip.Clip{two, one} {
				if err := s.CreateClip(ctx, x, 2); err != nil {
					t.Fatal(err)
				}
			}
			t.Run("a clip reads back as it was created", func(t *testing.T) {
				got, err := s.GetClip(ctx, c, one.ID, true)
				if err != nil || got.ID != one.ID || got.Key != one.Key || got.Status != clip.Uploading || !got.CreatedAt.Equal(t0) || !got.UploadDeadline.Equal(one.UploadDeadline) {
					t.Errorf("got %+v, %v", got, err)
				}
			})
			t.Run("a clip that does not exist is not found", func(t *testing.T) {
				if _, err := s.GetClip(ctx, c, "phuong-b.00000000000000ff", true); fault.CodeOf(err) != "clip_not_found" {
					t.Errorf("got %v, want clip_not_found", err)
				}
			})
			t.Run("the first verdict stands and later ones get it back", func(t *testing.T) {
				first, won, err := s.DecideClip(ctx, c, one.ID, clip.Verdict{Status: clip.Accepted, Size: 900, ETag: `"e1"`, DurationMs: 61000, CheckedAt: t0.Add(time.Minute)})
				if err != nil || !won || first.Status != clip.Accepted || first.Size != 900 || first.ETag != `"e1"` || first.DurationMs != 61000 {
					t.Fatalf("first verdict: %+v, won %v, %v", first, won, err)
				}
				again, won, err := s.DecideClip(ctx, c, one.ID, clip.Reject(clip.ReasonNotMP4, t0.Add(2*time.Minute)))
				if err != nil || won || again.Status != clip.Accepted {
					t.Errorf("second verdict: %+v, won %v, %v; want the accepted clip", again, won, err)
				}
			})
			t.Run("a rejection gives the slot back", func(t *testing.T) {
				got, won, err := s.DecideClip(ctx, c, two.ID, clip.Reject(clip.ReasonAborted, t0.Add(time.Minute)))
				if err != nil || !won || got.Reason != clip.ReasonAborted {
					t.Fatalf("reject: %+v, won %v, %v", got, won, err)
				}
				if slots, _ := s.ClipSlots(ctx, c, "phuong-b"); !slices.Equal(slots, []string{one.ID}) {
					t.Errorf("slots %v, want only %s", slots, one.ID)
				}
			})
			t.Run("a clip is revoked only while accepted with the checked ETag", func(t *testing.T) {
				if got, won, err := s.RevokeClip(ctx, c, one.ID, `"other"`, clip.ReasonReplaced, t0.Add(3*time.Minute)); err != nil || won || got.Status != clip.Accepted {
					t.Errorf("revoke with another ETag: %+v, won %v, %v", got, won, err)
				}
				got, won, err := s.RevokeClip(ctx, c, one.ID, `"e1"`, clip.ReasonReplaced, t0.Add(3*time.Minute))
				if err != nil || !won || got.Status != clip.Rejected || got.Reason != clip.ReasonReplaced {
					t.Errorf("revoke: %+v, won %v, %v", got, won, err)
				}
				if slots, _ := s.ClipSlots(ctx, c, "phuong-b"); len(slots) != 0 {
					t.Errorf("slots %v after revoking, want none", slots)
				}
			})
			t.Run("clips list by id, narrowed by unit and status", func(t *testing.T) {
				all, err := s.ListClips(ctx, c, "phuong-b", "")
				if err != nil || len(all) != 2 || all[0].ID != one.ID || all[1].ID != two.ID {
					t.Errorf("unit's clips: %v, %v", all, err)
				}
				if rej, _ := s.ListClips(ctx, c, "", clip.Rejected); len(rej) != 2 {
					t.Errorf("%d rejected clips, want 2", len(rej))
				}
				if up, _ := s.ListClips(ctx, c, "", clip.Uploading); len(up) != 3 {
					t.Errorf("%d clips uploading, want phuong-a's 3", len(up))
				}
			})
			t.Run("scoring a criterion again replaces it and keeps the others", func(t *testing.T) {
				if _, err := s.PutClipScores(ctx, c, one.ID, "j1", "Giám khảo", map[string]int{"noi-dung": 7, "hinh-anh": 6}, t0); err != nil {
					t.Fatal(err)
				}
				got, err := s.PutClipScores(ctx, c, one.ID, "j1", "Giám khảo", map[string]int{"noi-dung": 9}, t0.Add(time.Minute))
				if err != nil || got.Scores["noi-dung"] != 9 || got.Scores["hinh-anh"] != 6 || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
					t.Errorf("got %+v, %v", got, err)
				}
				all, err := s.ListClipScores(ctx, c)
				if err != nil || len(all) != 1 || all[0].JurorID != "j1" || all[0].ClipID != one.ID || len(all[0].Scores) != 2 {
					t.Errorf("listed %+v, %v", all, err)
				}
			})
		})
	}
}
