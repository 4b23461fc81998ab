package clipcheck_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
	"github.com/hoithi/hoithi/shared/clipcheck/cliptest"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/mp4/mp4test"
)

const contestID = "demo"

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, contest.ICT)

type world struct {
	store   *memstore.Store
	bucket  *cliptest.Bucket
	now     time.Time
	checker *clipcheck.Checker
}

func newWorld(t *testing.T) *world {
	w := &world{store: memstore.New(), bucket: cliptest.New(), now: t0}
	s := clip.Defaults("data")
	s.Quota = 1
	w.checker = &clipcheck.Checker{Store: w.store, Objects: w.bucket, Settings: s, Now: func() time.Time { return w.now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return w
}

func (w *world) open(t *testing.T, size int64, multipart bool) clip.Clip {
	t.Helper()
	unit := contest.Unit{ID: "phuong-a", Name: "Phường A", Block: contest.BlockCommune}
	req := clip.Request{Title: "Phóng sự", Genre: "phong-su", Size: size, ContentType: "video/mp4", Multipart: multipart}
	c := clip.New(req, clip.Uploader{Contest: contestID, Email: "qt@a.vn", Name: "Quản trị"}, unit, w.checker.Settings, w.now)
	if multipart {
		c.UploadID = "up-" + c.ID
		w.bucket.OpenUpload(c.UploadID)
	}
	if err := w.checker.Create(context.Background(), c); err != nil {
		t.Fatalf("create: %v", err)
	}
	return c
}

func video(seconds uint64) []byte {
	return mp4test.Build(mp4test.Spec{Timescale: 1000, Duration: 1000 * seconds, MediaBytes: 4096})
}

func TestAnUploadGetsItsVerdict(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		object     func(declared int64) []byte
		declared   int64
		wantStatus string
		wantReason string
		wantObject bool
	}{
		{name: "a short MP4 is accepted and kept", object: func(int64) []byte { return video(60) },
			wantStatus: clip.Accepted, wantObject: true},
		{name: "a video over five minutes is rejected and removed", object: func(int64) []byte { return video(400) },
			wantStatus: clip.Rejected, wantReason: clip.ReasonTooLong},
		{name: "a file that is no MP4 is rejected and removed", object: func(int64) []byte { return bytes.Repeat([]byte("x"), 5000) },
			wantStatus: clip.Rejected, wantReason: clip.ReasonNotMP4},
		{name: "a file larger than declared is rejected unread", declared: 10, object: func(int64) []byte { return video(60) },
			wantStatus: clip.Rejected, wantReason: clip.ReasonLargerThanDeclared},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			data := tt.object(0)
			declared := cmpOr(tt.declared, int64(len(data)))
			c := w.open(t, declared, false)
			w.bucket.Put(c.Key, data)
			got, err := w.checker.Check(ctx, c, false)
			if err != nil || got.Status != tt.wantStatus || got.Reason != tt.wantReason {
				t.Fatalf("got %s %q (%v), want %s %q", got.Status, got.Reason, err, tt.wantStatus, tt.wantReason)
			}
			if w.bucket.Has(c.Key) != tt.wantObject {
				t.Errorf("object kept %v, want %v", !tt.wantObject, tt.wantObject)
			}
			again, err := w.checker.Check(ctx, c, false)
			if err != nil || again.Status != got.Status || again.Reason != got.Reason {
				t.Errorf("checking again: %s %q (%v), want the first verdict", again.Status, again.Reason, err)
			}
		})
	}
}

func cmpOr(a, b int64) int64 {
	if a != 0 {
		return a
	}
	return b
}

func TestAnUploadThatNeverCame(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.open(t, 1000, false)
	t.Run("before its deadline and grace it is pending", func(t *testing.T) {
		w.now = c.UploadDeadline.Add(clip.LateUploadGrace)
		if _, err := w.checker.Check(ctx, c, false); !errors.Is(err, clip.ErrNotUploaded) {
			t.Errorf("got %v, want clip_not_uploaded", err)
		}
	})
	t.Run("its slot is freed when the next upload needs it", func(t *testing.T) {
		w.now = c.UploadDeadline.Add(clip.LateUploadGrace + time.Second)
		next := w.open(t, 1000, false) // the quota is 1: Create settles the stale one
		old, _ := w.store.GetClip(ctx, contestID, c.ID, true)
		if old.Status != clip.Rejected || old.Reason != clip.ReasonNotUploaded {
			t.Errorf("the stale upload is %s %q, want rejected not_uploaded", old.Status, old.Reason)
		}
		if slots, _ := w.store.ClipSlots(ctx, contestID, "phuong-a"); len(slots) != 1 || slots[0] != next.ID {
			t.Errorf("slots %v, want only the new clip's", slots)
		}
	})
}

func TestAQuotaHeldByLiveClipsRefusesANewOne(t *testing.T) {
	w := newWorld(t)
	w.open(t, 1000, false)
	unit := contest.Unit{ID: "phuong-a", Block: contest.BlockCommune}
	c := clip.New(clip.Request{Title: "T", Genre: "khac", Size: 1000, ContentType: "video/mp4"},
		clip.Uploader{Contest: contestID}, unit, w.checker.Settings, w.now)
	if err := w.checker.Create(context.Background(), c); fault.CodeOf(err) != "clip_quota_reached" {
		t.Errorf("got %v, want clip_quota_reached", err)
	}
}

func TestNotificationsAboutCheckedClips(t *testing.T) {
	ctx := context.Background()
	t.Run("an accepted clip whose object is replaced is revoked and the object removed", func(t *testing.T) {
		w := newWorld(t)
		data := video(60)
		c := w.open(t, int64(len(data)), false)
		w.bucket.Put(c.Key, data)
		accepted, _ := w.checker.Check(ctx, c, false)
		w.bucket.Put(c.Key, video(61))
		got, err := w.checker.Check(ctx, accepted, true)
		if err != nil || got.Status != clip.Rejected || got.Reason != clip.ReasonReplaced || w.bucket.Has(c.Key) {
			t.Errorf("got %s %q (%v), object kept %v", got.Status, got.Reason, err, w.bucket.Has(c.Key))
		}
	})
	t.Run("the checked object's own notification changes nothing", func(t *testing.T) {
		w := newWorld(t)
		data := video(60)
		c := w.open(t, int64(len(data)), false)
		w.bucket.Put(c.Key, data)
		accepted, _ := w.checker.Check(ctx, c, false)
		got, err := w.checker.Check(ctx, accepted, true)
		if err != nil || got.Status != clip.Accepted || !w.bucket.Has(c.Key) {
			t.Errorf("got %s (%v), object kept %v", got.Status, err, w.bucket.Has(c.Key))
		}
	})
	t.Run("an object reappearing under a rejected clip's key is removed", func(t *testing.T) {
		w := newWorld(t)
		c := w.open(t, 1000, false)
		aborted, err := w.checker.Abort(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		w.bucket.Put(c.Key, video(60))
		if got, err := w.checker.Check(ctx, aborted, true); err != nil || got.Status != clip.Rejected || w.bucket.Has(c.Key) {
			t.Errorf("got %s (%v), object kept %v", got.Status, err, w.bucket.Has(c.Key))
		}
	})
}

func TestGivingUpAnUpload(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.open(t, 20<<20, true)
	got, err := w.checker.Abort(ctx, c)
	t.Run("the clip is rejected as aborted and its parts dropped", func(t *testing.T) {
		if err != nil || got.Status != clip.Rejected || got.Reason != clip.ReasonAborted {
			t.Errorf("got %s %q (%v)", got.Status, got.Reason, err)
		}
		if w.bucket.UploadOpen(c.UploadID) {
			t.Error("the multipart upload is still open")
		}
	})
	t.Run("giving it up again is refused", func(t *testing.T) {
		if _, err := w.checker.Abort(ctx, got); fault.CodeOf(err) != "clip_already_checked" {
			t.Errorf("got %v, want clip_already_checked", err)
		}
	})
}

func TestCompletingAMultipartUpload(t *testing.T) {
	ctx := context.Background()
	data := mp4test.Build(mp4test.Spec{Timescale: 1000, Duration: 60_000, MediaBytes: 12 << 20, MoovAtEnd: true})
	upload := func(t *testing.T, w *world, c clip.Clip, body []byte) []clip.Part {
		var named []clip.Part
		for n := int32(1); int64(n-1)*c.PartSize < int64(len(body)); n++ {
			start := int64(n-1) * c.PartSize
			part := body[start:min(start+c.PartSize, int64(len(body)))]
			named = append(named, clip.Part{Number: n, ETag: w.bucket.PutPart(c.UploadID, n, part)})
		}
		return named
	}
	t.Run("parts named as uploaded assemble into an accepted clip, and completing again agrees", func(t *testing.T) {
		w := newWorld(t)
		c := w.open(t, int64(len(data)), true)
		named := upload(t, w, c, data)
		got, err := w.checker.Complete(ctx, c, named)
		if err != nil || got.Status != clip.Accepted || got.Size != int64(len(data)) {
			t.Fatalf("got %s %q size %d (%v)", got.Status, got.Reason, got.Size, err)
		}
		if again, err := w.checker.Complete(ctx, c, named); err != nil || again.Status != clip.Accepted {
			t.Errorf("again: %s (%v)", again.Status, err)
		}
	})
	t.Run("parts adding up to more than declared reject the clip", func(t *testing.T) {
		w := newWorld(t)
		c := w.open(t, int64(len(data))-1, true)
		got, err := w.checker.Complete(ctx, c, upload(t, w, c, data))
		if err != nil || got.Status != clip.Rejected || got.Reason != clip.ReasonLargerThanDeclared {
			t.Errorf("got %s %q (%v)", got.Status, got.Reason, err)
		}
	})
	t.Run("a part named with another ETag must be sent again", func(t *testing.T) {
		w := newWorld(t)
		c := w.open(t, int64(len(data)), true)
		named := upload(t, w, c, data)
		named[1].ETag = `"nope"`
		if _, err := w.checker.Complete(ctx, c, named); fault.CodeOf(err) != "part_mismatch" {
			t.Errorf("got %v, want part_mismatch", err)
		}
	})
}

func TestWhatANotificationDoes(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	data := video(60)
	c := w.open(t, int64(len(data)), false)
	forged := clip.ObjectKey(contestID, "phuong-a", "phuong-a.00000000000000ff")
	tests := []struct {
		name   string
		before func()
		key    string
		want   clipcheck.Notice
		kept   bool
	}{
		{name: "an object no upload was issued for is removed", key: forged, before: func() { w.bucket.Put(forged, data) },
			want: clipcheck.Notice{Outcome: clipcheck.Deleted, Reason: clip.ReasonUnknownKey}},
		{name: "a key that is no clip's is removed", key: "clips/demo/x.mp4", before: func() { w.bucket.Put("clips/demo/x.mp4", data) },
			want: clipcheck.Notice{Outcome: clipcheck.Deleted, Reason: clip.ReasonUnknownKey}},
		{name: "an issued key whose object has not come is pending", key: c.Key, before: func() {},
			want: clipcheck.Notice{Outcome: clipcheck.Pending, ClipID: c.ID, Status: clip.Uploading}},
		{name: "an issued key's object is checked", key: c.Key, before: func() { w.bucket.Put(c.Key, data) },
			want: clipcheck.Notice{Outcome: clipcheck.Checked, ClipID: c.ID, Status: clip.Accepted}, kept: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.before()
			got, err := w.checker.Notified(ctx, tt.key)
			if err != nil || got != tt.want {
				t.Errorf("got %+v (%v), want %+v", got, err, tt.want)
			}
			if w.bucket.Has(tt.key) != tt.kept {
				t.Errorf("object kept %v, want %v", !tt.kept, tt.kept)
			}
		})
	}
}

// unsigned is a bucket whose presigning fails.
type unsigned struct{ *cliptest.Bucket }

func (unsigned) PresignPost(context.Context, clip.Clip, time.Duration) (clipcheck.PresignedPost, error) {
	return clipcheck.PresignedPost{}, errors.New("no credentials")
}

func (unsigned) PresignPart(context.Context, clip.Clip, int32, int64, time.Duration) (string, error) {
	return "", errors.New("no credentials")
}

func TestOpeningAnUpload(t *testing.T) {
	ctx := context.Background()
	unit := contest.Unit{ID: "phuong-a", Name: "Phường A", Block: contest.BlockCommune}
	newClip := func(w *world, size int64, multipart bool) clip.Clip {
		req := clip.Request{Title: "Phóng sự", Genre: "phong-su", Size: size, ContentType: "video/mp4", Multipart: multipart}
		return clip.New(req, clip.Uploader{Contest: contestID}, unit, w.checker.Settings, w.now)
	}
	t.Run("a single upload is recorded and handed a form for its key and size", func(t *testing.T) {
		w := newWorld(t)
		w.checker.Presign = w.bucket
		c, u, err := w.checker.Open(ctx, newClip(w, 1000, false))
		if err != nil || u.Post == nil || u.Multipart != nil {
			t.Fatalf("open: %+v (%v)", u, err)
		}
		if u.Post.Fields["key"] != c.Key || u.Post.MaxBytes != 1000 || !u.Post.ExpiresAt.Equal(c.UploadDeadline) {
			t.Errorf("form %+v for clip %s", u.Post, c.Key)
		}
		if stored, err := w.store.GetClip(ctx, contestID, c.ID, true); err != nil || stored.Status != clip.Uploading {
			t.Errorf("stored %s (%v), want uploading", stored.Status, err)
		}
	})
	t.Run("a multipart upload is handed every part's URL, the last for the rest", func(t *testing.T) {
		w := newWorld(t)
		w.checker.Presign = w.bucket
		c, u, err := w.checker.Open(ctx, newClip(w, 20<<20, true))
		if err != nil || u.Multipart == nil || c.UploadID == "" || !w.bucket.UploadOpen(c.UploadID) {
			t.Fatalf("open: %+v %q (%v)", u, c.UploadID, err)
		}
		parts := u.Multipart.Parts
		if u.Multipart.PartCount != 3 || len(parts) != 3 || parts[2].Size != 20<<20-2*c.PartSize {
			t.Errorf("parts %+v", parts)
		}
	})
	t.Run("an upload that cannot be signed gives its clip up and frees the slot", func(t *testing.T) {
		for _, multipart := range []bool{false, true} {
			w := newWorld(t)
			w.checker.Presign = unsigned{w.bucket}
			c := newClip(w, 20<<20, multipart)
			if _, _, err := w.checker.Open(ctx, c); err == nil {
				t.Fatalf("multipart %v: opened without a signature", multipart)
			}
			stored, _ := w.store.GetClip(ctx, contestID, c.ID, true)
			if stored.Status != clip.Rejected || stored.Reason != clip.ReasonAborted {
				t.Errorf("multipart %v: stored %s %q, want rejected aborted", multipart, stored.Status, stored.Reason)
			}
		}
	})
	t.Run("a full quota refuses a multipart upload and drops the upload it opened", func(t *testing.T) {
		w := newWorld(t)
		w.checker.Presign = w.bucket
		w.open(t, 1000, false) // the quota is 1
		c, _, err := w.checker.Open(ctx, newClip(w, 20<<20, true))
		if fault.CodeOf(err) != "clip_quota_reached" || w.bucket.UploadOpen(c.UploadID) {
			t.Errorf("got %v, upload open %v", err, w.bucket.UploadOpen(c.UploadID))
		}
	})
}

func TestRefreshingPartURLs(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.checker.Presign = w.bucket
	c := w.open(t, 20<<20, true)
	tests := []struct {
		name    string
		at      time.Time
		numbers []int32
		code    string
	}{
		{"a part of the upload gets a fresh URL", t0, []int32{2}, ""},
		{"a part past the last is refused", t0, []int32{4}, "invalid_part_number"},
		{"no part URL is handed out after the upload's deadline", c.UploadDeadline.Add(time.Second), []int32{1}, "upload_expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.now = tt.at
			got, err := w.checker.RefreshParts(ctx, c, tt.numbers)
			if fault.CodeOf(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
			if tt.code == "" && (len(got.Parts) != 1 || got.Parts[0].PartNumber != 2 || got.ExpiresAt.After(c.UploadDeadline)) {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func TestRecordsOfANotification(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.open(t, 1000, false)
	tests := []struct {
		name                       string
		source, event, bucket, key string
		want                       clipcheck.Notice
	}{
		{"a record from elsewhere than S3 is ignored", "aws:sqs", "ObjectCreated:Post", "data", c.Key,
			clipcheck.Notice{Outcome: clipcheck.Ignored, Note: clip.NoteNotS3}},
		{"a removal is ignored", "aws:s3", "ObjectRemoved:Delete", "data", c.Key,
			clipcheck.Notice{Outcome: clipcheck.Ignored, Note: clip.NoteNotCreated}},
		{"another bucket's object is ignored", "aws:s3", "ObjectCreated:Post", "other", c.Key,
			clipcheck.Notice{Outcome: clipcheck.Ignored, Note: clip.NoteOtherBucket}},
		{"an object outside clips/ is ignored", "aws:s3", "ObjectCreated:Put", "data", "banks/demo/w1.json",
			clipcheck.Notice{Outcome: clipcheck.Ignored, Note: clip.NoteNotUnderClips}},
		{"an issued upload's object is checked", "aws:s3", "ObjectCreated:Post", "data", c.Key,
			clipcheck.Notice{Outcome: clipcheck.Pending, ClipID: c.ID, Status: clip.Uploading}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := w.checker.Record(ctx, tt.source, tt.event, tt.bucket, tt.key); err != nil || got != tt.want {
				t.Errorf("got %+v (%v), want %+v", got, err, tt.want)
			}
		})
	}
}
