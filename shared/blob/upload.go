package blob

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// MultipartUploader is what an Upload needs of S3 besides PutObject.
type MultipartUploader interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(ctx context.Context, in *s3.UploadPartInput, opts ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, opts ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
}

// PartSize is the size of an Upload's parts (S3's least, but for the last):
// an upload holds two (one filling, one on its way), whatever the object's
// size.
const PartSize = 5 << 20

// Upload writes one published object as it is produced: a small one in a
// single PutObject at Close, a large one in parts of PartSize (S3 multipart
// upload), so that a national round's results.json or ranking.csv is never
// whole in memory. Close completes it; Abort (after an error) drops it.
type Upload struct {
	ctx      context.Context
	client   MultipartUploader
	bucket   string
	key      string
	ctype    string
	buf      bytes.Buffer
	uploadID *string
	parts    []s3types.CompletedPart
	err      error
	// sending is the part being sent while the next one fills (one at a
	// time): its ETag, or the error.
	sending chan sentPart
}

type sentPart struct {
	part s3types.CompletedPart
	err  error
}

// NewResultUpload starts an upload of the named file of a round's results
// (ResultsPrefix), with the published files' cache rule.
func NewResultUpload(ctx context.Context, client MultipartUploader, bucket, contestID, roundID, name, contentType string) *Upload {
	return &Upload{ctx: ctx, client: client, bucket: bucket, key: ResultsPrefix(contestID, roundID) + name, ctype: contentType}
}

// Write adds p to the object, sending a part each time PartSize is reached
// (while the next part fills: the writer waits only if the part before is
// still on its way).
func (u *Upload) Write(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	u.buf.Write(p)
	for u.buf.Len() >= PartSize && u.err == nil {
		u.err = u.sendPart(bytes.Clone(u.buf.Next(PartSize)), false)
	}
	if u.buf.Len() == 0 {
		u.buf.Reset()
	}
	return len(p), u.err
}

// sendPart sends data as the next part, in the background unless wait.
func (u *Upload) sendPart(data []byte, wait bool) error {
	if err := u.sent(); err != nil {
		return err
	}
	if u.uploadID == nil {
		out, err := u.client.CreateMultipartUpload(u.ctx, &s3.CreateMultipartUploadInput{
			Bucket: aws.String(u.bucket), Key: aws.String(u.key), ContentType: aws.String(u.ctype), CacheControl: aws.String(cacheControl),
		})
		if err != nil {
			return fmt.Errorf("publish %s: %w", u.key, err)
		}
		u.uploadID = out.UploadId
	}
	n := int32(len(u.parts) + 1)
	ch := make(chan sentPart, 1)
	u.sending = ch
	go func() {
		out, err := u.client.UploadPart(u.ctx, &s3.UploadPartInput{
			Bucket: aws.String(u.bucket), Key: aws.String(u.key), UploadId: u.uploadID, PartNumber: aws.Int32(n),
			Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
		})
		if err != nil {
			ch <- sentPart{err: fmt.Errorf("publish %s, part %d: %w", u.key, n, err)}
			return
		}
		ch <- sentPart{part: s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)}}
	}()
	if wait {
		return u.sent()
	}
	return nil
}

// sent waits for the part on its way, if any, and records it.
func (u *Upload) sent() error {
	if u.sending == nil {
		return nil
	}
	r := <-u.sending
	u.sending = nil
	if r.err != nil {
		return r.err
	}
	u.parts = append(u.parts, r.part)
	return nil
}

// Close sends what is left and completes the object.
func (u *Upload) Close() error {
	if u.err != nil {
		u.Abort()
		return u.err
	}
	if u.uploadID == nil {
		_, err := u.client.PutObject(u.ctx, &s3.PutObjectInput{
			Bucket: aws.String(u.bucket), Key: aws.String(u.key), Body: bytes.NewReader(u.buf.Bytes()),
			ContentType: aws.String(u.ctype), CacheControl: aws.String(cacheControl),
		})
		if err != nil {
			return fmt.Errorf("publish %s: %w", u.key, err)
		}
		return nil
	}
	if u.buf.Len() > 0 {
		if err := u.sendPart(u.buf.Bytes(), true); err != nil {
			u.Abort()
			return err
		}
	}
	if err := u.sent(); err != nil {
		u.Abort()
		return err
	}
	_, err := u.client.CompleteMultipartUpload(u.ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(u.bucket), Key: aws.String(u.key), UploadId: u.uploadID,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: u.parts},
	})
	if err != nil {
		u.Abort()
		return fmt.Errorf("publish %s: %w", u.key, err)
	}
	return nil
}

// Abort drops a multipart upload begun (its parts are not kept).
func (u *Upload) Abort() {
	_ = u.sent()
	if u.uploadID != nil {
		_, _ = u.client.AbortMultipartUpload(context.WithoutCancel(u.ctx), &s3.AbortMultipartUploadInput{
			Bucket: aws.String(u.bucket), Key: aws.String(u.key), UploadId: u.uploadID,
		})
		u.uploadID = nil
	}
}
