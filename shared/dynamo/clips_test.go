package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/fault"
)

// clipT0 is the instant the clip tests happen at: a fixed one, whatever
// the day they run.
var clipT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func sampleClip(unit string, i int) clip.Clip {
	now := clipT0
	id := fmt.Sprintf("%s.%016x", unit, i)
	return clip.Clip{
		ContestID: "c1", ID: id, UnitID: unit, UnitName: "UBND phường " + unit, Block: "xa-phuong",
		Title: "Dịch vụ công trực tuyến", Genre: "phong-su", ContentType: "video/mp4", DeclaredSize: 1000,
		UploaderEmail: "admin@" + unit + ".gov.vn", UploaderName: "Quản trị", Key: "clips/c1/" + unit + "/" + id + ".mp4",
		Method: "post", Status: clip.Uploading, CreatedAt: now, UploadDeadline: now.Add(15 * time.Minute),
	}
}

func TestConcurrentUploadRequestsStayWithinTheQuota(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	const quota, n = 3, 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	var created []string
	for i := range n {
		wg.Go(func() {
			c := sampleClip("phu-hoi", i)
			err := s.CreateClip(ctx, c, quota)
			switch fault.CodeOf(err) {
			case "":
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				created = append(created, c.ID)
				mu.Unlock()
			case "clip_quota_reached":
			default:
				t.Errorf("create: %v", err)
			}
		})
	}
	wg.Wait()
	if len(created) != quota {
		t.Fatalf("%d clips created, want the quota %d", len(created), quota)
	}
	slots, err := s.ClipSlots(ctx, "c1", "phu-hoi")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(slots)
	slices.Sort(created)
	if !slices.Equal(slots, created) {
		t.Errorf("slots %v, want the created clips %v", slots, created)
	}
	listed, err := s.ListClips(ctx, "c1", "phu-hoi", "")
	if err != nil || len(listed) != quota {
		t.Fatalf("listed %d clips (%v), want %d", len(listed), err, quota)
	}
	// Another unit's quota is its own.
	if err := s.CreateClip(ctx, sampleClip("kim-long", 1), quota); err != nil {
		t.Fatalf("another unit: %v", err)
	}
}

func TestARejectedClipGivesItsSlotBack(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	a, b := sampleClip("phu-hoi", 1), sampleClip("phu-hoi", 2)
	if err := s.CreateClip(ctx, a, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateClip(ctx, b, 1); fault.CodeOf(err) != "clip_quota_reached" {
		t.Fatalf("second clip over a quota of 1: %v, want clip_quota_reached", err)
	}
	got, decided, err := s.DecideClip(ctx, "c1", a.ID, clip.Verdict{Status: clip.Rejected, Reason: "too_long", Size: 900, CheckedAt: clipT0.Add(time.Minute)})
	if err != nil || !decided || got.Status != clip.Rejected || got.Reason != "too_long" || got.Size != 900 {
		t.Fatalf("decide: %+v %v %v", got, decided, err)
	}
	if err := s.CreateClip(ctx, b, 1); err != nil {
		t.Fatalf("after the rejection the slot is free: %v", err)
	}
}

func TestAClipIsDecidedOnce(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	c := sampleClip("phu-hoi", 1)
	if err := s.CreateClip(ctx, c, 3); err != nil {
		t.Fatal(err)
	}
	const n = 10
	var wg sync.WaitGroup
	results := make(chan clip.Clip, n)
	wins := make(chan bool, n)
	for i := range n {
		wg.Go(func() {
			v := clip.Verdict{Status: clip.Accepted, Size: int64(100 + i), ETag: fmt.Sprintf(`"e%d"`, i), DurationMs: 299_000, CheckedAt: clipT0.Add(time.Minute)}
			got, won, err := s.DecideClip(ctx, "c1", c.ID, v)
			if err != nil {
				t.Error(err)
				return
			}
			results <- got
			wins <- won
		})
	}
	wg.Wait()
	close(results)
	close(wins)
	won := 0
	for w := range wins {
		if w {
			won++
		}
	}
	var etags []string
	for r := range results {
		etags = append(etags, r.ETag)
	}
	if won != 1 || len(slices.Compact(slices.Sorted(slices.Values(etags)))) != 1 {
		t.Fatalf("%d deciders won, verdicts seen %v: want one winner and one verdict for all", won, etags)
	}
	if _, _, err := s.DecideClip(ctx, "c1", "phu-hoi.ffffffffffffffff", clip.Verdict{Status: clip.Accepted, CheckedAt: clipT0.Add(time.Minute)}); fault.CodeOf(err) != "clip_not_found" {
		t.Errorf("deciding an unknown clip: %v, want clip_not_found", err)
	}
}

func TestRevokeNeedsTheCheckedETag(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	c := sampleClip("phu-hoi", 1)
	if err := s.CreateClip(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.DecideClip(ctx, "c1", c.ID, clip.Verdict{Status: clip.Accepted, ETag: `"a"`, CheckedAt: clipT0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.RevokeClip(ctx, "c1", c.ID, `"other"`, "replaced", clipT0.Add(time.Minute)); err != nil || ok || got.Status != clip.Accepted {
		t.Fatalf("revoke with another ETag: %+v %v %v, want the accepted clip untouched", got.Status, ok, err)
	}
	got, ok, err := s.RevokeClip(ctx, "c1", c.ID, `"a"`, "replaced", clipT0.Add(time.Minute))
	if err != nil || !ok || got.Status != clip.Rejected || got.Reason != "replaced" {
		t.Fatalf("revoke: %+v %v %v", got, ok, err)
	}
	if slots, _ := s.ClipSlots(ctx, "c1", "phu-hoi"); len(slots) != 0 {
		t.Errorf("slots after revoking %v, want none", slots)
	}
}

func TestListingByUnitAndStatus(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	for i, unit := range []string{"phu-hoi", "phu-hoi", "kim-long", "phu-hoi-2"} {
		c := sampleClip(unit, i)
		if err := s.CreateClip(ctx, c, 5); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, _, err := s.DecideClip(ctx, "c1", c.ID, clip.Verdict{Status: clip.Accepted, CheckedAt: clipT0.Add(time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	count := func(unit, status string) int {
		t.Helper()
		l, err := s.ListClips(ctx, "c1", unit, status)
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	if got := count("phu-hoi", ""); got != 2 {
		t.Errorf("phu-hoi has %d clips, want 2 (phu-hoi-2's are not its)", got)
	}
	if got := count("", clip.Accepted); got != 2 {
		t.Errorf("%d accepted clips, want 2", got)
	}
	if got := count("", ""); got != 4 {
		t.Errorf("%d clips in all, want 4", got)
	}
	if got, err := s.ListClips(ctx, "c2", "", ""); err != nil || len(got) != 0 {
		t.Errorf("another contest sees %d clips (%v), want none", len(got), err)
	}
}

func TestScoringACriterionAgainReplacesTheScore(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	at := clipT0
	if _, err := s.PutClipScores(ctx, "c1", "phu-hoi.1", "juror-a", "Giám khảo A", map[string]int{"noi-dung": 7, "sang-tao": 6}, at); err != nil {
		t.Fatal(err)
	}
	got, err := s.PutClipScores(ctx, "c1", "phu-hoi.1", "juror-a", "Giám khảo A", map[string]int{"noi-dung": 9}, at.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"noi-dung": 9, "sang-tao": 6}; fmt.Sprint(got.Scores) != fmt.Sprint(want) || !got.UpdatedAt.Equal(at.Add(time.Minute)) {
		t.Errorf("scores %v at %v, want %v at %v", got.Scores, got.UpdatedAt, want, at.Add(time.Minute))
	}
	if _, err := s.PutClipScores(ctx, "c1", "phu-hoi.1", "juror-b", "Giám khảo B", map[string]int{"noi-dung": 5}, at); err != nil {
		t.Fatal(err)
	}
	all, err := s.ListClipScores(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d score items, want one per juror: %+v", len(all), all)
	}
}
