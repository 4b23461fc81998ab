package clip

// The clip contest's settings: the limits and jury criteria of
// functions/clips, read from CLIP_* variables, and checked by the CDK stack at
// synthesis with the same rules (docs/clips.md).

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/platform"
)

// Criterion is one thing the jury scores, 0 to 10.
type Criterion struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Settings are the clip contest's limits (docs/clips.md).
type Settings struct {
	// Bucket is the data bucket; clips go under platform.PrefixClips.
	Bucket string
	// MaxBytes is the largest clip a unit may declare and upload.
	MaxBytes int64
	// Quota is how many clips a unit may hold (uploading or accepted).
	Quota int
	// MaxDuration is the longest clip accepted; Tolerance is added to it
	// when checking, so that a "5:00" export of 300.2 s passes.
	MaxDuration, Tolerance time.Duration
	// UploadExpiry is the life of a presigned POST or part URL (at most 15 min).
	UploadExpiry time.Duration
	// MultipartWindow is how long a multipart upload may take in all (fresh
	// part URLs are handed out until then); below the bucket's one-day
	// lifecycle rule that aborts forgotten multipart uploads.
	MultipartWindow time.Duration
	// PartSize is the multipart part size (S3: at least 5 MiB, at most
	// 10,000 parts; larger files get larger parts).
	PartSize int64
	// ViewExpiry is the life of a presigned link to watch a clip.
	ViewExpiry time.Duration
	// Criteria are what the jury scores.
	Criteria []Criterion
	// Blocks are the blocks whose units send clips (MayEnter); none: every block.
	Blocks []contest.Block
}

// MayEnter reports whether unit u may send clips: its block is one of the
// settings' Blocks, or no block is named. The site shows the clip form only
// where the API says so (GET /clips "mayUpload").
func (s Settings) MayEnter(u contest.Unit) bool {
	return len(s.Blocks) == 0 || slices.Contains(s.Blocks, u.Block)
}

// ErrNotEntered refuses an upload from a unit whose block sends no clips.
func ErrNotEntered() error {
	return fault.Forbidden("clip_not_for_unit", "Đơn vị của bạn không thuộc đối tượng gửi video clip của Hội thi.")
}

// parseBlocks reads "xa-phuong,co-quan-hanh-chinh" (known blocks, each once).
func parseBlocks(v string) ([]contest.Block, error) {
	known := []contest.Block{contest.BlockAgency, contest.BlockService, contest.BlockCommune}
	var out []contest.Block
	for part := range strings.SplitSeq(v, ",") {
		b := contest.Block(strings.TrimSpace(part))
		if !slices.Contains(known, b) || slices.Contains(out, b) {
			return nil, fmt.Errorf("block %q: want each of %v at most once", b, known)
		}
		out = append(out, b)
	}
	return out, nil
}

// Defaults of the settings.
const (
	DefaultMaxBytes        = 1 << 30
	DefaultQuota           = 3
	DefaultMaxDuration     = 5 * time.Minute
	DefaultTolerance       = 500 * time.Millisecond
	MaxUploadExpiry        = 15 * time.Minute
	DefaultMultipartWindow = 12 * time.Hour
	DefaultPartSize        = 8 << 20
	MinPartSize            = 5 << 20
	MaxParts               = 10_000
	DefaultViewExpiry      = time.Hour
)

// DefaultCriteria are the jury's criteria unless CLIP_CRITERIA says otherwise.
var DefaultCriteria = []Criterion{
	{ID: "noi-dung", Name: "Nội dung"},
	{ID: "sang-tao", Name: "Tính sáng tạo"},
	{ID: "ky-thuat", Name: "Kỹ thuật, hình ảnh, âm thanh"},
}

// Defaults returns the defaults for a bucket.
func Defaults(bucket string) Settings {
	return Settings{
		Bucket: bucket, MaxBytes: DefaultMaxBytes, Quota: DefaultQuota, MaxDuration: DefaultMaxDuration,
		Tolerance: DefaultTolerance, UploadExpiry: MaxUploadExpiry, MultipartWindow: DefaultMultipartWindow,
		PartSize: DefaultPartSize, ViewExpiry: DefaultViewExpiry, Criteria: DefaultCriteria,
	}
}

// FromEnv reads the CLIP_* variables (platform.EnvClip*) through getenv over
// the defaults: os.Getenv in the function, the deployment's settings in the stack.
func FromEnv(bucket string, getenv func(string) string) (Settings, error) {
	s := Defaults(bucket)
	if bucket == "" {
		return s, fmt.Errorf("%s is not set", platform.EnvBucket)
	}
	num := func(name string, lo, hi int64, set func(int64)) error {
		v := getenv(name)
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%s=%q: want a whole number from %d to %d", name, v, lo, hi)
		}
		set(n)
		return nil
	}
	for _, err := range []error{
		num(platform.EnvClipMaxBytes, 1<<20, 5<<40, func(n int64) { s.MaxBytes = n }),
		num(platform.EnvClipQuota, 1, 100, func(n int64) { s.Quota = int(n) }),
		num(platform.EnvClipMaxSeconds, 10, 3600, func(n int64) { s.MaxDuration = time.Duration(n) * time.Second }),
		num(platform.EnvClipUploadExpiry, 1, int64(MaxUploadExpiry/time.Second), func(n int64) { s.UploadExpiry = time.Duration(n) * time.Second }),
	} {
		if err != nil {
			return s, err
		}
	}
	if v := getenv(platform.EnvClipCriteria); v != "" {
		c, err := ParseCriteria(v)
		if err != nil {
			return s, fmt.Errorf("%s: %w", platform.EnvClipCriteria, err)
		}
		s.Criteria = c
	}
	if v := getenv(platform.EnvClipBlocks); v != "" {
		b, err := parseBlocks(v)
		if err != nil {
			return s, fmt.Errorf("%s: %w", platform.EnvClipBlocks, err)
		}
		s.Blocks = b
	}
	return s, nil
}

// ParseCriteria reads "id:Name,id:Name" (ids as contest.ValidID).
func ParseCriteria(v string) ([]Criterion, error) {
	var out []Criterion
	seen := map[string]bool{}
	for part := range strings.SplitSeq(v, ",") {
		id, name, _ := strings.Cut(strings.TrimSpace(part), ":")
		id, name = strings.TrimSpace(id), strings.TrimSpace(name)
		if !contest.ValidID(id) || seen[id] {
			return nil, fmt.Errorf("criterion id %q: want a unique id of a-z, 0-9 and -", id)
		}
		if name == "" {
			name = id
		}
		seen[id] = true
		out = append(out, Criterion{ID: id, Name: name})
	}
	if len(out) == 0 || len(out) > 20 {
		return nil, fmt.Errorf("want 1 to 20 criteria, got %d", len(out))
	}
	return out, nil
}

// PartPlan is how a file of size bytes is cut into multipart parts.
func (s Settings) PartPlan(size int64) (partSize int64, parts int) {
	partSize = max(s.PartSize, MinPartSize)
	if need := (size + MaxParts - 1) / MaxParts; need > partSize {
		partSize = (need + 1<<20 - 1) &^ (1<<20 - 1) // whole MiB
	}
	return partSize, int((size + partSize - 1) / partSize)
}

// Limit is the longest duration that passes the check.
func (s Settings) Limit() time.Duration { return s.MaxDuration + s.Tolerance }

// Shown are the rules the site shows beside the clips: genres with their
// labels, the longest clip accepted, the scale of every criterion.
type Shown struct {
	Genres             []Genre    `json:"genres"`
	MaxDurationSeconds int        `json:"maxDurationSeconds"`
	ScoreRange         ScoreRange `json:"scoreRange"`
}

// Shown is what the site shows of the settings' rules.
func (s Settings) Shown() Shown {
	return Shown{Genres: Genres, MaxDurationSeconds: int(s.MaxDuration.Seconds()), ScoreRange: Scale}
}
