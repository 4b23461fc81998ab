package clipcheck_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
	"github.com/hoithi/hoithi/shared/clipcheck/cliptest"
	"github.com/hoithi/hoithi/shared/memstore"
)

// brokenStore fails every clip read: the table is out of reach.
type brokenStore struct{ clipcheck.Store }

func (brokenStore) GetClip(context.Context, string, string, bool) (clip.Clip, error) {
	return clip.Clip{}, errors.New("table unreachable")
}

func TestTheRecordsOfOneNotification(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.open(t, 1000, false)
	ignored := clipcheck.ObjectRecord{Source: "aws:s3", Event: "ObjectCreated:Put", Bucket: "other", Key: c.Key}
	pending := clipcheck.ObjectRecord{Source: "aws:s3", Event: "ObjectCreated:Post", Bucket: "data", Key: c.Key}
	tests := []struct {
		name     string
		broken   bool
		recs     []clipcheck.ObjectRecord
		outcomes []string
		fails    bool
	}{
		{"each record is reported in its order, with its bucket and key", false, []clipcheck.ObjectRecord{ignored, pending},
			[]string{clipcheck.Ignored, clipcheck.Pending}, false},
		{"a record whose check fails is reported as an error and the invocation fails", true, []clipcheck.ObjectRecord{ignored, pending},
			[]string{clipcheck.Ignored, clipcheck.Failed}, true},
		{"no record is an empty result", false, nil, []string{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := *w.checker
			if tt.broken {
				k.Store = brokenStore{w.store}
			}
			res, err := k.Records(ctx, tt.recs)
			if (err != nil) != tt.fails {
				t.Fatalf("error %v, want failure %v", err, tt.fails)
			}
			var got []string
			for i, r := range res.Records {
				got = append(got, r.Outcome)
				if r.Bucket != tt.recs[i].Bucket || r.Key != tt.recs[i].Key {
					t.Errorf("record %d is %s/%s, want %s/%s", i, r.Bucket, r.Key, tt.recs[i].Bucket, tt.recs[i].Key)
				}
				if r.Outcome == clipcheck.Failed && r.Note == "" {
					t.Errorf("a failed record has no note")
				}
			}
			if res.Records == nil || !slices.Equal(got, tt.outcomes) {
				t.Errorf("outcomes %v, want %v", got, tt.outcomes)
			}
		})
	}
}

// brokenBucket refuses every published file.
type brokenBucket struct{}

func (brokenBucket) Publish(context.Context, string, clip.File) error {
	return errors.New("bucket unreachable")
}

func TestPublishingTheClipRanking(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC)
	r := clip.Ranking{Contest: contestID, Criteria: clip.DefaultCriteria, MaxScore: clip.MaxScore, GeneratedAt: at,
		Blocks: []clip.BlockRanking{{Block: "xa-phuong", Clips: []clip.RankedClip{{Rank: 1, ClipID: "a.0000000000000001"}}}}}
	prefix := clip.RankingPrefix(contestID)
	tests := []struct {
		name    string
		broken  bool
		actor   string
		fails   bool
		entries int
	}{
		{"the ranking's files are published under the contest's prefix and recorded", false, "btc@demo.vn", false, 1},
		{"a publication nobody did is refused unrecorded", false, "", true, 0},
		{"a file the bucket refuses fails the publication unrecorded", true, "btc@demo.vn", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bucket, store := cliptest.New(), memstore.New()
			var to clipcheck.Publisher = bucket
			if tt.broken {
				to = brokenBucket{}
			}
			got, err := clipcheck.Publish(ctx, to, store, r, tt.actor, at)
			if (err != nil) != tt.fails {
				t.Fatalf("error %v, want failure %v", err, tt.fails)
			}
			entries, _ := store.ListAudit(ctx, contestID, audit.Query{}, 10)
			if len(entries) != tt.entries {
				t.Fatalf("audit entries %+v, want %d", entries, tt.entries)
			}
			if tt.fails {
				return
			}
			if got.Prefix != prefix || !slices.Equal(got.Files, []string{"ranking.json", "ranking.csv"}) || got.Ranking.Contest != contestID {
				t.Errorf("publication %+v", got)
			}
			if len(bucket.Published(prefix+"ranking.json")) == 0 || len(bucket.Published(prefix+"ranking.csv")) == 0 {
				t.Error("the files are not in the bucket")
			}
			e := entries[0]
			if e.Action != audit.Publication || e.Actor != tt.actor || e.After != prefix || e.Summary != r.AuditLine() || !e.At.Equal(at) {
				t.Errorf("audit entry %+v", e)
			}
		})
	}
}
