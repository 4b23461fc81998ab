package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
)

// ClipClient is the part of the S3 API the clip objects use on the data bucket.
type ClipClient interface {
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, opts ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
	ListParts(ctx context.Context, in *s3.ListPartsInput, opts ...func(*s3.Options)) (*s3.ListPartsOutput, error)
}

var _ ClipClient = (*s3.Client)(nil)

// ClipPresigner signs the requests browsers send straight to S3.
type ClipPresigner interface {
	PresignPostObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.PresignPostOptions)) (*s3.PresignedPostRequest, error)
	PresignUploadPart(ctx context.Context, in *s3.UploadPartInput, opts ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
	PresignGetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
}

var _ ClipPresigner = (*s3.PresignClient)(nil)

// ClipObjects are the clips' objects in the data bucket: uploads handed out,
// objects read, checked and removed, the clip ranking published. It maps
// S3's answers; the rules are shared/clip's.
type ClipObjects struct {
	client  ClipClient
	presign ClipPresigner
	bucket  string
}

var (
	_ clipcheck.Objects   = (*ClipObjects)(nil)
	_ clipcheck.Presigner = (*ClipObjects)(nil)
)

// NewClipObjects serves the clips' objects of bucket.
func NewClipObjects(client ClipClient, presign ClipPresigner, bucket string) *ClipObjects {
	return &ClipObjects{client: client, presign: presign, bucket: bucket}
}

func s3Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func isNotFound(err error) bool {
	switch s3Code(err) {
	case "NotFound", "NoSuchKey":
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Head returns the object under key; found is false when there is none.
func (o *ClipObjects) Head(ctx context.Context, key string) (obj clip.Object, found bool, err error) {
	out, err := o.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &o.bucket, Key: &key})
	if isNotFound(err) {
		return clip.Object{}, false, nil
	}
	if err != nil {
		return clip.Object{}, false, fmt.Errorf("head %s: %w", key, err)
	}
	return clip.Object{Size: deref(out.ContentLength), ETag: deref(out.ETag)}, true, nil
}

// Remove deletes the object under key (none is no error).
func (o *ClipObjects) Remove(ctx context.Context, key string) error {
	if _, err := o.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &o.bucket, Key: &key}); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// Reader reads the object under key with ranged GETs, each bound to etag
// (so a replaced object fails the read rather than mixing two files).
func (o *ClipObjects) Reader(ctx context.Context, key, etag string) clip.ObjectReader {
	return &ObjectReader{ctx: ctx, client: o.client, bucket: o.bucket, key: key, etag: etag}
}

// ObjectReader is an io.ReaderAt over an object that counts what it fetched.
type ObjectReader struct {
	ctx    context.Context
	client ClipClient
	bucket string
	key    string
	etag   string
	reads  int
	bytes  int64
}

// Fetched is how many reads and bytes the reader took.
func (r *ObjectReader) Fetched() (reads int, bytes int64) { return r.reads, r.bytes }

// ReadAt reads len(p) bytes at off with one ranged GET.
func (r *ObjectReader) ReadAt(p []byte, off int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.reads++
	rng := fmt.Sprintf("bytes=%d-%d", off, off+int64(len(p))-1)
	in := &s3.GetObjectInput{Bucket: &r.bucket, Key: &r.key, Range: &rng}
	if r.etag != "" {
		in.IfMatch = &r.etag
	}
	// A ranged GET carries no checksum of its range; the SDK need not say so.
	out, err := r.client.GetObject(r.ctx, in, func(opt *s3.Options) { opt.DisableLogOutputChecksumValidationSkipped = true })
	if err != nil {
		return 0, fmt.Errorf("get %s %s: %w", r.key, rng, err)
	}
	defer out.Body.Close()
	n, err := io.ReadFull(out.Body, p)
	r.bytes += int64(n)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

// PresignPost signs a POST of the clip's object under its key, of at most
// its declared size and of its content type, valid for expiry.
func (o *ClipObjects) PresignPost(ctx context.Context, c clip.Clip, expiry time.Duration) (clipcheck.PresignedPost, error) {
	post, err := o.presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: &o.bucket, Key: &c.Key},
		func(opt *s3.PresignPostOptions) {
			opt.Expires = expiry
			opt.Conditions = []any{
				[]any{"content-length-range", 1, c.DeclaredSize},
				map[string]string{"Content-Type": c.ContentType},
			}
		})
	if err != nil {
		return clipcheck.PresignedPost{}, fmt.Errorf("presign POST of %s: %w", c.ID, err)
	}
	fields := post.Values
	fields["Content-Type"] = c.ContentType
	return clipcheck.PresignedPost{URL: post.URL, Fields: fields}, nil
}

// PresignPart signs the PUT of part n of the clip's multipart upload, of
// exactly size bytes, valid for ttl.
func (o *ClipObjects) PresignPart(ctx context.Context, c clip.Clip, n int32, size int64, ttl time.Duration) (string, error) {
	req, err := o.presign.PresignUploadPart(ctx, &s3.UploadPartInput{
		Bucket: &o.bucket, Key: &c.Key, UploadId: &c.UploadID, PartNumber: &n, ContentLength: &size,
	}, func(opt *s3.PresignOptions) { opt.Expires = ttl })
	if err != nil {
		return "", fmt.Errorf("presign part %d of %s: %w", n, c.ID, err)
	}
	return req.URL, nil
}

// PresignView is a link to watch the clip, valid for expiry.
func (o *ClipObjects) PresignView(ctx context.Context, c clip.Clip, expiry time.Duration) (string, error) {
	mp4, inline := "video/mp4", "inline"
	req, err := o.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: &o.bucket, Key: &c.Key, ResponseContentType: &mp4, ResponseContentDisposition: &inline,
	}, func(opt *s3.PresignOptions) { opt.Expires = expiry })
	if err != nil {
		return "", fmt.Errorf("presign view of %s: %w", c.ID, err)
	}
	return req.URL, nil
}

// CreateMultipart opens the clip's multipart upload and returns its id.
func (o *ClipObjects) CreateMultipart(ctx context.Context, c clip.Clip) (string, error) {
	out, err := o.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: &o.bucket, Key: &c.Key, ContentType: &c.ContentType,
	})
	if err != nil {
		return "", fmt.Errorf("create multipart upload for %s: %w", c.ID, err)
	}
	return deref(out.UploadId), nil
}

// Parts are the parts S3 holds of the clip's multipart upload, by number.
// Errors: clip.ErrUploadGone.
func (o *ClipObjects) Parts(ctx context.Context, c clip.Clip) (map[int32]clip.Part, error) {
	held := map[int32]clip.Part{}
	in := &s3.ListPartsInput{Bucket: &o.bucket, Key: &c.Key, UploadId: &c.UploadID}
	for {
		out, err := o.client.ListParts(ctx, in)
		if s3Code(err) == "NoSuchUpload" {
			return nil, clip.ErrUploadGone
		}
		if err != nil {
			return nil, fmt.Errorf("list parts of %s: %w", c.ID, err)
		}
		for _, p := range out.Parts {
			n := deref(p.PartNumber)
			held[n] = clip.Part{Number: n, ETag: deref(p.ETag), Size: deref(p.Size)}
		}
		if !deref(out.IsTruncated) || out.NextPartNumberMarker == nil {
			return held, nil
		}
		in.PartNumberMarker = out.NextPartNumberMarker
	}
}

// Complete assembles parts into the clip's object. Errors: clip.ErrUploadGone;
// clip.ErrPartsRefused (wrapping S3's error).
func (o *ClipObjects) Complete(ctx context.Context, c clip.Clip, parts []clip.Part) error {
	done := make([]types.CompletedPart, len(parts))
	for i, p := range parts {
		done[i] = types.CompletedPart{PartNumber: &p.Number, ETag: &p.ETag}
	}
	_, err := o.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &o.bucket, Key: &c.Key, UploadId: &c.UploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
	})
	switch s3Code(err) {
	case "":
		if err != nil {
			return fmt.Errorf("complete multipart upload of %s: %w", c.ID, err)
		}
		return nil
	case "NoSuchUpload":
		return clip.ErrUploadGone
	case "EntityTooSmall", "InvalidPart", "InvalidPartOrder":
		return fmt.Errorf("%w: %w", clip.ErrPartsRefused, err)
	}
	return fmt.Errorf("complete multipart upload of %s: %w", c.ID, err)
}

// Abort drops the clip's multipart upload and its parts (one already gone
// is no error).
func (o *ClipObjects) Abort(ctx context.Context, c clip.Clip) error {
	_, err := o.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &o.bucket, Key: &c.Key, UploadId: &c.UploadID})
	if err != nil && s3Code(err) != "NoSuchUpload" {
		return fmt.Errorf("abort multipart upload of %s: %w", c.ID, err)
	}
	return nil
}

// Publish writes a published file under prefix (no-cache: the site reads
// the latest).
func (o *ClipObjects) Publish(ctx context.Context, prefix string, f clip.File) error {
	key, noCache := prefix+f.Name, "no-cache"
	_, err := o.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &o.bucket, Key: &key, Body: bytes.NewReader(f.Data), ContentType: &f.ContentType, CacheControl: &noCache,
	})
	if err != nil {
		return fmt.Errorf("publish %s: %w", f.Name, err)
	}
	return nil
}
