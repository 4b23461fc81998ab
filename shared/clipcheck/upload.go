package clipcheck

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
)

// Presigner signs what browsers send straight to the bucket
// (shared/blob.ClipObjects on S3, cliptest.Bucket in memory).
type Presigner interface {
	// CreateMultipart opens c's multipart upload and returns its id.
	CreateMultipart(ctx context.Context, c clip.Clip) (string, error)
	// PresignPost signs a POST of c's object under its key, of at most its
	// declared size and of its content type, valid for expiry.
	PresignPost(ctx context.Context, c clip.Clip, expiry time.Duration) (PresignedPost, error)
	// PresignPart signs the PUT of part n of c's multipart upload, of
	// exactly size bytes, valid for ttl.
	PresignPart(ctx context.Context, c clip.Clip, n int32, size int64, ttl time.Duration) (string, error)
}

// PresignedPost is a browser's single upload: the form's URL and fields.
type PresignedPost struct {
	URL    string
	Fields map[string]string
}

// PostUpload is a single upload handed out: a form to POST to the bucket.
type PostUpload struct {
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt time.Time         `json:"expiresAt"`
	MaxBytes  int64             `json:"maxBytes"`
}

// PartURL is one part's presigned PUT, for its exact length.
type PartURL struct {
	PartNumber int32  `json:"partNumber"`
	URL        string `json:"url"`
	Size       int64  `json:"size"`
}

// PartURLs are part URLs handed out and when they stop working.
type PartURLs struct {
	Parts     []PartURL `json:"parts"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// MultipartUpload is a multipart upload handed out: its plan and the first
// parts' URLs (shared/clip/multipart.go).
type MultipartUpload struct {
	Method         string    `json:"method"`
	PartSize       int64     `json:"partSize"`
	PartCount      int       `json:"partCount"`
	Parts          []PartURL `json:"parts"`
	ExpiresAt      time.Time `json:"expiresAt"`
	UploadDeadline time.Time `json:"uploadDeadline"`
}

// Opened answers a unit's request to upload a clip: the clip and its
// upload (Checker.Open).
type Opened struct {
	Clip   clip.View `json:"clip"`
	Upload Upload    `json:"upload"`
}

// Upload is what a unit is handed to send its clip: one of the two.
type Upload struct {
	Post      *PostUpload
	Multipart *MultipartUpload
}

// MarshalJSON writes the upload handed out.
func (u Upload) MarshalJSON() ([]byte, error) {
	if u.Multipart != nil {
		return json.Marshal(u.Multipart)
	}
	return json.Marshal(u.Post)
}

// Open records a clip a unit asked for (clip.New) within its quota
// (Create) and hands out its upload: a presigned POST, or a multipart
// upload with its first parts' URLs. An upload that cannot be handed out
// once the clip is recorded gives the clip up (rejected as aborted, its
// slot free). Errors: Create's, clip.Clip.PartLength's.
func (k *Checker) Open(ctx context.Context, c clip.Clip) (clip.Clip, Upload, error) {
	if c.Method == clip.MethodMultipart {
		return k.openMultipart(ctx, c)
	}
	if err := k.Create(ctx, c); err != nil {
		return c, Upload{}, err
	}
	post, err := k.Presign.PresignPost(ctx, c, k.Settings.UploadExpiry)
	if err != nil {
		k.giveUp(ctx, c)
		return c, Upload{}, err
	}
	return c, Upload{Post: &PostUpload{Method: clip.MethodPost, URL: post.URL, Fields: post.Fields,
		ExpiresAt: clip.ICT(c.UploadDeadline), MaxBytes: c.DeclaredSize}}, nil
}

func (k *Checker) openMultipart(ctx context.Context, c clip.Clip) (clip.Clip, Upload, error) {
	var err error
	if c.UploadID, err = k.Presign.CreateMultipart(ctx, c); err != nil {
		return c, Upload{}, err
	}
	if err := k.Create(ctx, c); err != nil {
		k.abortParts(ctx, c)
		return c, Upload{}, err
	}
	urls, err := k.PartURLs(ctx, c, c.FirstParts())
	if err != nil {
		k.abortParts(ctx, c)
		k.giveUp(ctx, c)
		return c, Upload{}, err
	}
	return c, Upload{Multipart: &MultipartUpload{Method: clip.MethodMultipart, PartSize: c.PartSize,
		PartCount: int(c.PartCount()), Parts: urls.Parts, ExpiresAt: urls.ExpiresAt,
		UploadDeadline: clip.ICT(c.UploadDeadline)}}, nil
}

// PartURLs presigns the PUT of each numbered part of c, bound to its exact
// length, until clip.Clip.PartURLsExpire. Errors: clip.Clip.PartLength's.
func (k *Checker) PartURLs(ctx context.Context, c clip.Clip, numbers []int32) (PartURLs, error) {
	now := k.Now()
	expires := c.PartURLsExpire(now, k.Settings)
	parts := make([]PartURL, 0, len(numbers))
	for _, n := range numbers {
		size, err := c.PartLength(n)
		if err != nil {
			return PartURLs{}, err
		}
		url, err := k.Presign.PresignPart(ctx, c, n, size, expires.Sub(now))
		if err != nil {
			return PartURLs{}, err
		}
		parts = append(parts, PartURL{PartNumber: n, URL: url, Size: size})
	}
	return PartURLs{Parts: parts, ExpiresAt: clip.ICT(expires)}, nil
}

// RefreshParts hands out fresh URLs for the numbered parts of a multipart
// upload still open (the earlier ones expired, or a part must be sent
// again). Errors: clip.Clip.MayRefreshParts's, PartURLs'.
func (k *Checker) RefreshParts(ctx context.Context, c clip.Clip, numbers []int32) (PartURLs, error) {
	if err := c.MayRefreshParts(k.Now(), len(numbers)); err != nil {
		return PartURLs{}, err
	}
	return k.PartURLs(ctx, c, numbers)
}
