package clip

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		bucket    string
		check     func(s Settings) bool
		wantErrIn string
	}{
		{name: "no variables give the defaults", bucket: "b",
			check: func(s Settings) bool {
				return s.MaxBytes == 1<<30 && s.Quota == 3 && s.MaxDuration == 5*time.Minute && s.UploadExpiry == 15*time.Minute &&
					slices.Equal(s.Criteria, DefaultCriteria)
			}},
		{name: "every variable is read", bucket: "b",
			env: map[string]string{"CLIP_MAX_BYTES": "524288000", "CLIP_QUOTA_PER_UNIT": "5", "CLIP_MAX_SECONDS": "180",
				"CLIP_UPLOAD_EXPIRY_SECONDS": "600", "CLIP_CRITERIA": "noi-dung:Nội dung, hinh-anh:Hình ảnh"},
			check: func(s Settings) bool {
				return s.MaxBytes == 500<<20 && s.Quota == 5 && s.MaxDuration == 3*time.Minute && s.UploadExpiry == 10*time.Minute &&
					slices.Equal(s.Criteria, []Criterion{{ID: "noi-dung", Name: "Nội dung"}, {ID: "hinh-anh", Name: "Hình ảnh"}})
			}},
		{name: "a criterion without a name is named by its id", bucket: "b", env: map[string]string{"CLIP_CRITERIA": "tong-hop"},
			check: func(s Settings) bool {
				return slices.Equal(s.Criteria, []Criterion{{ID: "tong-hop", Name: "tong-hop"}})
			}},
		{name: "no bucket is refused", bucket: "", wantErrIn: "DATA_BUCKET"},
		{name: "a size under 1 MiB is refused", bucket: "b", env: map[string]string{"CLIP_MAX_BYTES": "1000"}, wantErrIn: "CLIP_MAX_BYTES"},
		{name: "a size that is not a number is refused", bucket: "b", env: map[string]string{"CLIP_MAX_BYTES": "1GB"}, wantErrIn: "CLIP_MAX_BYTES"},
		{name: "a quota of 0 is refused", bucket: "b", env: map[string]string{"CLIP_QUOTA_PER_UNIT": "0"}, wantErrIn: "CLIP_QUOTA_PER_UNIT"},
		{name: "a quota over 100 is refused", bucket: "b", env: map[string]string{"CLIP_QUOTA_PER_UNIT": "101"}, wantErrIn: "CLIP_QUOTA_PER_UNIT"},
		{name: "a duration under 10 s is refused", bucket: "b", env: map[string]string{"CLIP_MAX_SECONDS": "9"}, wantErrIn: "CLIP_MAX_SECONDS"},
		{name: "an upload expiry over 15 minutes is refused", bucket: "b", env: map[string]string{"CLIP_UPLOAD_EXPIRY_SECONDS": "901"}, wantErrIn: "CLIP_UPLOAD_EXPIRY_SECONDS"},
		{name: "no blocks named lets every block send clips", bucket: "b",
			check: func(s Settings) bool { return len(s.Blocks) == 0 }},
		{name: "the blocks that send clips are read", bucket: "b", env: map[string]string{"CLIP_BLOCKS": "xa-phuong, don-vi-su-nghiep"},
			check: func(s Settings) bool {
				return slices.Equal(s.Blocks, []contest.Block{contest.BlockCommune, contest.BlockService})
			}},
		{name: "an unknown block is refused", bucket: "b", env: map[string]string{"CLIP_BLOCKS": "xa-phuong,phuong"}, wantErrIn: "CLIP_BLOCKS"},
		{name: "a block named twice is refused", bucket: "b", env: map[string]string{"CLIP_BLOCKS": "xa-phuong,xa-phuong"}, wantErrIn: "CLIP_BLOCKS"},
		{name: "a criterion id with capitals is refused", bucket: "b", env: map[string]string{"CLIP_CRITERIA": "NoiDung:Nội dung"}, wantErrIn: "CLIP_CRITERIA"},
		{name: "a repeated criterion is refused", bucket: "b", env: map[string]string{"CLIP_CRITERIA": "a:A,a:B"}, wantErrIn: "CLIP_CRITERIA"},
		{name: "more than 20 criteria are refused", bucket: "b", env: map[string]string{"CLIP_CRITERIA": manyCriteria(21)}, wantErrIn: "CLIP_CRITERIA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := FromEnv(tt.bucket, func(k string) string { return tt.env[k] })
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("FromEnv error = %v, want one naming %s", err, tt.wantErrIn)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromEnv error = %v", err)
			}
			if s.Bucket != tt.bucket || !tt.check(s) {
				t.Errorf("FromEnv = %+v", s)
			}
		})
	}
}

func manyCriteria(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, "c"+strings.Repeat("x", i)+":C")
	}
	return strings.Join(parts, ",")
}

func TestPartPlan(t *testing.T) {
	s := Defaults("b")
	for _, tt := range []struct {
		size     int64
		partSize int64
		parts    int
	}{
		{1, 8 << 20, 1},
		{8 << 20, 8 << 20, 1},
		{8<<20 + 1, 8 << 20, 2},
		{1 << 30, 8 << 20, 128},
		{200 << 30, 21 << 20, 9753}, // more than 10,000 parts of 8 MiB: larger parts
	} {
		ps, n := s.PartPlan(tt.size)
		if ps != tt.partSize || n != tt.parts || n > MaxParts {
			t.Errorf("PartPlan(%d) = %d × %d, want %d × %d", tt.size, n, ps, tt.parts, tt.partSize)
		}
	}
}

func TestLimit(t *testing.T) {
	s := Defaults("b")
	if got := s.Limit(); got != 5*time.Minute+500*time.Millisecond {
		t.Errorf("Limit = %v, want 5m0.5s (5:00 plus the tolerance)", got)
	}
}

func TestMayEnter(t *testing.T) {
	ward := contest.Unit{ID: "phuong-kim-long", Block: contest.BlockCommune}
	agency := contest.Unit{ID: "so-noi-vu", Block: contest.BlockAgency}
	wardsOnly := Settings{Blocks: []contest.Block{contest.BlockCommune}}
	tests := []struct {
		name string
		s    Settings
		u    contest.Unit
		want bool
	}{
		{name: "with no block named a ward sends clips", s: Settings{}, u: ward, want: true},
		{name: "with no block named an agency sends clips", s: Settings{}, u: agency, want: true},
		{name: "with the wards named a ward sends clips", s: wardsOnly, u: ward, want: true},
		{name: "with the wards named an agency sends none", s: wardsOnly, u: agency, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.MayEnter(tt.u); got != tt.want {
				t.Errorf("MayEnter(%s) = %v, want %v", tt.u.ID, got, tt.want)
			}
		})
	}
}

func TestWhatTheSiteIsShown(t *testing.T) {
	s := Defaults("data")
	s.MaxDuration = 3 * time.Minute
	got := s.Shown()
	t.Run("the longest clip is the settings' in seconds, without the tolerance", func(t *testing.T) {
		if got.MaxDurationSeconds != 180 {
			t.Errorf("%d s, want 180", got.MaxDurationSeconds)
		}
	})
	t.Run("the genres and the score scale are the rules'", func(t *testing.T) {
		if len(got.Genres) != len(Genres) || got.ScoreRange != Scale {
			t.Errorf("shown %+v", got)
		}
	})
}
