package clip

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mp4"
)

// Request is what a unit admin declares to upload a clip.
type Request struct {
	Title       string `json:"title"`
	Genre       string `json:"genre"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
	// Multipart asks for a multipart upload instead of a single POST.
	Multipart bool `json:"multipart"`
}

// Validate checks a request against the settings (and trims its title).
// Errors: fault.Invalid "invalid_title", "invalid_genre",
// "unsupported_content_type", "invalid_size"; fault.KindTooLarge "clip_too_large".
func (req *Request) Validate(s Settings) error {
	req.Title = strings.TrimSpace(req.Title)
	switch {
	case req.Title == "" || utf8.RuneCountInString(req.Title) > 200:
		return fault.Invalid("invalid_title", "Tiêu đề video phải có từ 1 đến 200 ký tự.")
	case !ValidGenre(req.Genre):
		ids := make([]string, len(Genres))
		for i, g := range Genres {
			ids[i] = g.ID
		}
		return fault.Invalid("invalid_genre", fmt.Sprintf("Thể loại không hợp lệ (%s).", strings.Join(ids, ", ")))
	case !slices.Contains(ContentTypes, req.ContentType):
		return fault.Invalid("unsupported_content_type", "Chỉ nhận video định dạng MP4 (video/mp4).")
	case req.Size <= 0:
		return fault.Invalid("invalid_size", "Dung lượng tệp không hợp lệ.")
	case req.Size > s.MaxBytes:
		return &fault.Error{Kind: fault.KindTooLarge, Code: "clip_too_large",
			Message: fmt.Sprintf("Tệp quá lớn: tối đa %d MB.", s.MaxBytes>>20)}
	}
	return nil
}

// Uploader is who asks for an upload.
type Uploader struct {
	Contest, Email, Name string
}

// New is the clip a validated request opens for a unit at now: a fresh id,
// the key under the unit's prefix, and the deadline of its upload (a
// multipart upload gets the longer window and its part size).
func New(req Request, who Uploader, unit contest.Unit, s Settings, now time.Time) Clip {
	id := NewID(unit.ID)
	c := Clip{
		ContestID: who.Contest, ID: id, UnitID: unit.ID, UnitName: unit.Name, Block: string(unit.Block),
		Title: req.Title, Genre: req.Genre, ContentType: req.ContentType, DeclaredSize: req.Size,
		UploaderEmail: who.Email, UploaderName: who.Name, Key: ObjectKey(who.Contest, unit.ID, id),
		Method: MethodPost, Status: Uploading, CreatedAt: now, UploadDeadline: now.Add(s.UploadExpiry),
	}
	if req.Multipart {
		c.Method = MethodMultipart
		c.UploadDeadline = now.Add(s.MultipartWindow)
		c.PartSize, _ = s.PartPlan(c.DeclaredSize)
	}
	return c
}

// ErrQuotaReached is the unit's quota being full (a unit holds at most
// Settings.Quota clips that are uploading or accepted; rejected ones give
// their slot back).
func ErrQuotaReached(quota int) error {
	return fault.Conflict("clip_quota_reached",
		fmt.Sprintf("Đơn vị đã có đủ %d video clip (đang tải lên hoặc đã được chấp nhận).", quota))
}

// LateUploadGrace is how long after an upload's deadline its object may
// still arrive: S3 checks a POST's expiry when the upload starts, and a large
// file over a slow link takes a while. Only then is a missing object a verdict.
const LateUploadGrace = time.Hour

// Stale reports whether a clip's upload is over at now without a verdict:
// the unit's quota slot it holds may be settled (checked, and freed if
// rejected).
func (c Clip) Stale(now time.Time) bool {
	return c.Status == Uploading && now.After(c.UploadDeadline)
}

// Abandoned reports whether a clip still uploading with no object has had
// its time, grace included: it is then rejected as ReasonNotUploaded.
func (c Clip) Abandoned(now time.Time) bool {
	return c.Status == Uploading && now.After(c.UploadDeadline.Add(LateUploadGrace))
}

// HoldsSlot reports whether a clip counts against its unit's quota.
func (c Clip) HoldsSlot() bool { return c.Status != Rejected }

// SizeReason is the rejection reason of an object of size bytes under the
// clip's key ("" when its size passes: the MP4 is read next).
func SizeReason(c Clip, s Settings, size int64) string {
	switch {
	case size > c.DeclaredSize:
		return ReasonLargerThanDeclared
	case size > s.MaxBytes:
		return ReasonTooLarge
	}
	return ""
}

// Judge completes a verdict from the MP4 read of the clip's object (info and
// err from mp4.Probe). It reports false when err is no verdict on the file
// (the object could not be read): the check is then to be tried again.
func Judge(v Verdict, s Settings, info mp4.Info, err error) (Verdict, bool) {
	v.Status = Rejected
	switch {
	case errors.Is(err, mp4.ErrNotMP4):
		v.Reason = ReasonNotMP4
	case errors.Is(err, mp4.ErrTruncated):
		v.Reason = ReasonTruncated
	case errors.Is(err, mp4.ErrCorrupt):
		v.Reason = ReasonCorrupt
	case errors.Is(err, mp4.ErrNoDuration):
		v.Reason = ReasonNoDuration
	case errors.Is(err, mp4.ErrInconsistentDuration):
		// The longest figure is kept: the unit is told how long the media
		// really is.
		v.Reason, v.DurationMs = ReasonInconsistentDuration, info.Milliseconds()
	case err != nil:
		return v, false
	default:
		v.DurationMs, v.MoovAtEnd = info.Milliseconds(), info.MoovAtEnd
		if info.AtMost(s.Limit()) {
			v.Status = Accepted
		} else {
			v.Reason = ReasonTooLong
		}
	}
	return v, true
}
