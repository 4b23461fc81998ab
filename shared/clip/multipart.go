package clip

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

// A multipart upload survives interruptions: the browser PUTs each part to
// its presigned URL (and again after a failure), asks for fresh URLs when
// they expire, then asks the function to complete. The key and the limits
// are the POST's: each part URL is signed for the part's exact length, and
// completion refuses parts that add up to more than was declared.

// Multipart limits.
const (
	// InitialPartURLs is how many part URLs the upload's answer carries (the
	// first ones; POST /clips/{clipId}/parts gives the rest, and fresh ones).
	InitialPartURLs = 200
	// MaxPartURLs is how many part URLs one request may ask for.
	MaxPartURLs = 1000
	// MaxNamedParts is how many parts a completion may name.
	MaxNamedParts = 10_000
)

// PartCount is how many parts the clip's multipart upload has.
func (c Clip) PartCount() int32 {
	if c.PartSize <= 0 {
		return 0
	}
	return int32((c.DeclaredSize + c.PartSize - 1) / c.PartSize)
}

// FirstParts are the numbers of the parts whose URLs the upload's answer carries.
func (c Clip) FirstParts() []int32 {
	n := min(c.PartCount(), InitialPartURLs)
	out := make([]int32, 0, n)
	for i := range n {
		out = append(out, i+1)
	}
	return out
}

// PartLength is the exact length of part n (the last one holds the rest).
// Errors: fault.Invalid "invalid_part_number".
func (c Clip) PartLength(n int32) (int64, error) {
	count := c.PartCount()
	if n < 1 || n > count {
		return 0, fault.Invalid("invalid_part_number", fmt.Sprintf("Số thứ tự phần phải từ 1 đến %d.", count))
	}
	if n == count {
		return c.DeclaredSize - int64(count-1)*c.PartSize, nil
	}
	return c.PartSize, nil
}

// PartURLsExpire is when part URLs signed at now stop working: after the
// settings' upload expiry, never after the upload's deadline.
func (c Clip) PartURLsExpire(now time.Time, s Settings) time.Time {
	expires := now.Add(s.UploadExpiry)
	if c.UploadDeadline.Before(expires) {
		expires = c.UploadDeadline
	}
	return expires
}

// ErrNotMultipart refuses a multipart step on a clip uploaded by POST.
func ErrNotMultipart() error {
	return fault.Conflict("not_multipart", "Video clip này không được tải lên theo nhiều phần.")
}

// MayRefreshParts reports whether fresh URLs for count parts may be handed
// out at now. Errors: ErrNotMultipart; fault.Conflict
// "clip_already_checked"; fault.Closed "upload_expired"; fault.Invalid
// "invalid_part_number".
func (c Clip) MayRefreshParts(now time.Time, count int) error {
	switch {
	case c.Method != MethodMultipart:
		return ErrNotMultipart()
	case c.Status != Uploading:
		return fault.Conflict("clip_already_checked", "Video clip đã được kiểm tra; không thể tải thêm phần.")
	case !now.Before(c.UploadDeadline):
		return fault.Closed("upload_expired", "Đã hết thời hạn tải lên video clip này.")
	case count == 0 || count > MaxPartURLs:
		return fault.Invalid("invalid_part_number", fmt.Sprintf("Cần từ 1 đến %d số thứ tự phần.", MaxPartURLs))
	}
	return nil
}

// MayAbort reports whether the clip's upload may be given up.
// Errors: fault.Conflict "clip_already_checked".
func (c Clip) MayAbort() error {
	if c.Status != Uploading {
		return ErrAlreadyChecked()
	}
	return nil
}

// ErrAlreadyChecked refuses to give up an upload that has its verdict.
func ErrAlreadyChecked() error {
	return fault.Conflict("clip_already_checked", "Video clip đã được kiểm tra; không thể huỷ lần tải lên.")
}

// Part is one part of a multipart upload: as the client names it (number
// and ETag) or as S3 holds it (with its size).
type Part struct {
	Number int32
	ETag   string
	Size   int64
}

// Assembly is what completing a multipart upload does with its parts.
type Assembly struct {
	// Parts are the held parts to assemble, in order.
	Parts []Part
	// Size is their total size.
	Size int64
	// Reason is ReasonLargerThanDeclared when they add up to more than was
	// declared: the clip is then rejected rather than completed.
	Reason string
}

// ErrInvalidParts refuses a completion that names no parts, or too many.
func ErrInvalidParts() error {
	return fault.Invalid("invalid_parts", "Cần danh sách các phần đã tải lên (partNumber, etag).")
}

// Assemble checks the parts the client names against those S3 holds: every
// part from 1 on, each held with the named ETag (quotes aside). Errors:
// ErrInvalidParts; fault.Conflict "part_mismatch" naming the first part to
// send again.
func (c Clip) Assemble(named []Part, held map[int32]Part) (Assembly, error) {
	if len(named) == 0 || len(named) > MaxNamedParts {
		return Assembly{}, ErrInvalidParts()
	}
	named = slices.SortedFunc(slices.Values(named), func(a, b Part) int { return cmp.Compare(a.Number, b.Number) })
	var out Assembly
	for i, p := range named {
		got, ok := held[p.Number]
		if !ok || p.Number != int32(i+1) || strings.Trim(got.ETag, `"`) != strings.Trim(p.ETag, `"`) {
			return Assembly{}, fault.Conflict("part_mismatch", fmt.Sprintf("Phần %d chưa được tải lên đầy đủ hoặc không khớp; hãy tải lại phần này.", p.Number))
		}
		out.Size += got.Size
		out.Parts = append(out.Parts, got)
	}
	if out.Size > c.DeclaredSize {
		out.Reason = ReasonLargerThanDeclared
	}
	return out, nil
}

// ErrPartsNotAssembled: S3 refused to assemble the parts (a part but the
// last shorter than the size issued, or out of order).
func ErrPartsNotAssembled(err error) error {
	return &fault.Error{Kind: fault.KindConflict, Code: "part_mismatch",
		Message: "Các phần chưa ghép được thành tệp (mỗi phần trừ phần cuối phải đủ kích thước đã cấp); hãy tải lại.", Err: err}
}
