// Package clip holds the clip contest's rules: what a clip is and its
// statuses, clip ids and object keys, genres, rejection reasons with what the
// unit is told, the quota and stale uploads, the jury's scores and the clip
// ranking, and the settings that tune them (CLIP_* variables). No AWS: the
// handler (functions/clips) and the table (shared/dynamo) call it.
package clip

import (
	"github.com/hoithi/hoithi/shared/fault"
	"time"
)

// Clip statuses.
const (
	Uploading = "uploading"
	Accepted  = "accepted"
	Rejected  = "rejected"
)

// ValidStatus reports whether s is a clip status.
func ValidStatus(s string) bool { return s == Uploading || s == Accepted || s == Rejected }

// Upload methods.
const (
	MethodPost      = "post"
	MethodMultipart = "multipart"
)

// Clip is a unit's clip: the upload issued for it and, once checked, the verdict.
type Clip struct {
	ContestID     string
	ID            string
	UnitID        string
	UnitName      string
	Block         string
	Title         string
	Genre         string
	ContentType   string
	DeclaredSize  int64
	UploaderEmail string
	UploaderName  string
	// Key is the object key the upload was bound to.
	Key string
	// Method is MethodPost (presigned POST) or MethodMultipart; UploadID and
	// PartSize belong to a multipart upload.
	Method   string
	UploadID string
	PartSize int64
	// Status is Uploading, Accepted or Rejected (with Reason).
	Status string
	Reason string
	// What the check found: the object's size and ETag, the duration.
	Size       int64
	ETag       string
	DurationMs int64
	MoovAtEnd  bool
	CreatedAt  time.Time
	// UploadDeadline is when the issued upload stops being usable.
	UploadDeadline time.Time
	CheckedAt      time.Time
}

// Verdict is the outcome of checking an uploaded clip.
type Verdict struct {
	Status     string // Accepted or Rejected
	Reason     string // why a clip was rejected
	Size       int64
	ETag       string
	DurationMs int64
	MoovAtEnd  bool
	CheckedAt  time.Time
}

// Reject is the verdict rejecting a clip for reason at a time.
func Reject(reason string, at time.Time) Verdict {
	return Verdict{Status: Rejected, Reason: reason, CheckedAt: at}
}

// Scores is one juror's scores of one clip, by criterion.
type Scores struct {
	ClipID    string
	JurorID   string
	JurorName string
	Scores    map[string]int
	UpdatedAt time.Time
}

// Genre is a kind of clip, with its Vietnamese label.
type Genre struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Genres of clips (the brief: reportage, skit, guide to an online public
// service, reform initiative), in the order the site offers them.
var Genres = []Genre{
	{ID: "phong-su", Label: "Phóng sự"},
	{ID: "tieu-pham", Label: "Tiểu phẩm"},
	{ID: "huong-dan-dvc", Label: "Hướng dẫn dịch vụ công trực tuyến"},
	{ID: "sang-kien", Label: "Sáng kiến cải cách hành chính"},
	{ID: "khac", Label: "Khác"},
}

// ValidGenre reports whether id names a genre.
func ValidGenre(id string) bool {
	for _, g := range Genres {
		if g.ID == id {
			return true
		}
	}
	return false
}

// ContentTypes are the content types an upload may declare (and is bound to).
var ContentTypes = []string{"video/mp4"}

// ErrNotFound is a clip that does not exist (or an id that names none).
func ErrNotFound() error { return fault.NotFound("clip_not_found", "Không tìm thấy video clip.") }
