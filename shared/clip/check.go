package clip

import (
	"errors"
	"io"
	"strings"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/platform"
)

// ErrNotUploaded is the clip's object not being there (yet).
var ErrNotUploaded = &fault.Error{Kind: fault.KindConflict, Code: "clip_not_uploaded",
	Message: "Chưa nhận được tệp video. Hãy tải tệp lên trước rồi xác nhận."}

// ObjectAction is what an object notification does about the object under
// the key of a clip that has its verdict.
type ObjectAction int

// Object actions.
const (
	// KeepObject: nothing to do (no object, or the object that was checked).
	KeepObject ObjectAction = iota
	// RevokeClip: an accepted clip's object was replaced after its check:
	// the clip is rejected as ReasonReplaced and the object removed.
	RevokeClip
	// RemoveObject: an object reappeared under a rejected clip's key.
	RemoveObject
)

// OnObject is what a notification does about the object found under a
// checked clip's key (present, with etag). A clip still uploading is judged
// from its object instead.
func (c Clip) OnObject(present bool, etag string) ObjectAction {
	switch {
	case !present || c.Status == Uploading:
		return KeepObject
	case c.Status == Accepted && etag == c.ETag:
		return KeepObject
	case c.Status == Accepted:
		return RevokeClip
	}
	return RemoveObject
}

// Why an S3 record is no clip upload of this deployment (RecordOutcome.Note).
const (
	NoteNotS3         = "not an S3 record"
	NoteNotCreated    = "not an ObjectCreated event"
	NoteOtherBucket   = "not the data bucket"
	NoteNotUnderClips = "not under " + platform.PrefixClips
)

// RecordNote says why an S3 record (its source, event name, bucket and
// decoded key) is no clip upload to check in the data bucket, or "" when it
// may be one. Records are untrusted.
func RecordNote(source, event, bucket, key, dataBucket string) string {
	switch {
	case source != "aws:s3":
		return NoteNotS3
	case !strings.HasPrefix(strings.TrimPrefix(event, "s3:"), "ObjectCreated:"):
		return NoteNotCreated
	case bucket != dataBucket:
		return NoteOtherBucket
	case !strings.HasPrefix(key, platform.PrefixClips):
		return NoteNotUnderClips
	}
	return ""
}

// Object is what the bucket holds under a clip's key.
type Object struct {
	Size int64
	ETag string
}

// ObjectReader reads an object at offsets (bound to the ETag it was opened
// with); Fetched says how many reads and bytes it took.
type ObjectReader interface {
	io.ReaderAt
	Fetched() (reads int, bytes int64)
}

// Errors of a multipart upload's parts, as the bucket's adapter reports them.
var (
	// ErrUploadGone: the multipart upload was completed or aborted before.
	ErrUploadGone = errors.New("multipart upload completed or aborted")
	// ErrPartsRefused: the bucket refused to assemble the parts (too small,
	// unknown, out of order).
	ErrPartsRefused = errors.New("parts refused")
)
