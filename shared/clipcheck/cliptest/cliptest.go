// Package cliptest is an in-memory data bucket behind shared/clipcheck's
// ports (Objects and Presigner) and the clips function's other needs (links
// to watch, published files), so that the clip rules' tests run under plain
// go test. shared/blob.ClipObjects is the S3 one, tested on the local
// servers by functions/clips. Its presigned URLs are memory:// links that
// nothing serves: a test puts the object itself (Put, PutPart).
package cliptest

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/clipcheck"
)

// Bucket keeps objects and multipart uploads' parts in memory.
type Bucket struct {
	mu        sync.Mutex
	objects   map[string][]byte
	parts     map[string]map[int32][]byte // upload id → parts
	published map[string][]byte
	uploads   int
}

var (
	_ clipcheck.Objects   = (*Bucket)(nil)
	_ clipcheck.Presigner = (*Bucket)(nil)
)

// New is an empty bucket.
func New() *Bucket {
	return &Bucket{objects: map[string][]byte{}, parts: map[string]map[int32][]byte{}, published: map[string][]byte{}}
}

// ETag is the bucket's ETag of data (S3's for a single upload).
func ETag(data []byte) string { return fmt.Sprintf(`"%x"`, md5.Sum(data)) }

// Put stores data under key, as a browser's upload would.
func (b *Bucket) Put(key string, data []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects[key] = data
}

// Has reports whether an object is under key.
func (b *Bucket) Has(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.objects[key]
	return ok
}

// OpenUpload starts a multipart upload under id (CreateMultipart picks one).
func (b *Bucket) OpenUpload(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.parts[id] = map[int32][]byte{}
}

// PutPart stores part n of an open multipart upload and returns its ETag.
func (b *Bucket) PutPart(uploadID string, n int32, data []byte) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.parts[uploadID][n] = data
	return ETag(data)
}

// UploadOpen reports whether the multipart upload id is still open.
func (b *Bucket) UploadOpen(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.parts[id]
	return ok
}

// Published is the file published under key, nil when none is.
func (b *Bucket) Published(key string) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.published[key]
}

// Head returns the object under key; found is false when there is none.
func (b *Bucket) Head(_ context.Context, key string) (clip.Object, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	data, ok := b.objects[key]
	if !ok {
		return clip.Object{}, false, nil
	}
	return clip.Object{Size: int64(len(data)), ETag: ETag(data)}, true, nil
}

type reader struct {
	b         *Bucket
	key, etag string
	reads     int
	n         int64
}

// ReadAt fails, like S3's If-Match, once the object is no longer etag's.
func (r *reader) ReadAt(p []byte, off int64) (int, error) {
	r.b.mu.Lock()
	data, ok := r.b.objects[r.key]
	r.b.mu.Unlock()
	if !ok || ETag(data) != r.etag {
		return 0, errors.New("precondition failed")
	}
	r.reads++
	n, err := bytes.NewReader(data).ReadAt(p, off)
	r.n += int64(n)
	return n, err
}

func (r *reader) Fetched() (int, int64) { return r.reads, r.n }

// Reader reads the object under key as long as its ETag is etag.
func (b *Bucket) Reader(_ context.Context, key, etag string) clip.ObjectReader {
	return &reader{b: b, key: key, etag: etag}
}

// Remove deletes the object under key (none is no error).
func (b *Bucket) Remove(_ context.Context, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.objects, key)
	return nil
}

// Parts are the parts held of c's multipart upload. Errors: clip.ErrUploadGone.
func (b *Bucket) Parts(_ context.Context, c clip.Clip) (map[int32]clip.Part, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	parts, ok := b.parts[c.UploadID]
	if !ok {
		return nil, clip.ErrUploadGone
	}
	out := map[int32]clip.Part{}
	for n, data := range parts {
		out[n] = clip.Part{Number: n, ETag: ETag(data), Size: int64(len(data))}
	}
	return out, nil
}

// Complete assembles parts into c's object. Errors: clip.ErrUploadGone.
func (b *Bucket) Complete(_ context.Context, c clip.Clip, parts []clip.Part) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	held, ok := b.parts[c.UploadID]
	if !ok {
		return clip.ErrUploadGone
	}
	var whole []byte
	for _, p := range parts {
		whole = append(whole, held[p.Number]...)
	}
	b.objects[c.Key] = whole
	delete(b.parts, c.UploadID)
	return nil
}

// Abort drops c's multipart upload (one already gone is no error).
func (b *Bucket) Abort(_ context.Context, c clip.Clip) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.parts, c.UploadID)
	return nil
}

// CreateMultipart opens c's multipart upload under a fresh id.
func (b *Bucket) CreateMultipart(_ context.Context, c clip.Clip) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.uploads++
	id := fmt.Sprintf("upload-%d-%s", b.uploads, c.ID)
	b.parts[id] = map[int32][]byte{}
	return id, nil
}

// PresignPost is a form naming c's key, its size bound and content type.
func (b *Bucket) PresignPost(_ context.Context, c clip.Clip, expiry time.Duration) (clipcheck.PresignedPost, error) {
	return clipcheck.PresignedPost{URL: "memory://data/", Fields: map[string]string{
		"key": c.Key, "Content-Type": c.ContentType, "max-bytes": fmt.Sprint(c.DeclaredSize), "expires-in": expiry.String(),
	}}, nil
}

// PresignPart is a link naming part n of c's upload and its length.
func (b *Bucket) PresignPart(_ context.Context, c clip.Clip, n int32, size int64, ttl time.Duration) (string, error) {
	return fmt.Sprintf("memory://data/%s?uploadId=%s&partNumber=%d&size=%d&ttl=%s", c.Key, c.UploadID, n, size, ttl), nil
}

// PresignView is a link to watch c.
func (b *Bucket) PresignView(_ context.Context, c clip.Clip, expiry time.Duration) (string, error) {
	return fmt.Sprintf("memory://data/%s?ttl=%s", c.Key, expiry), nil
}

// Publish keeps a published file under prefix.
func (b *Bucket) Publish(_ context.Context, prefix string, f clip.File) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.published[prefix+f.Name] = f.Data
	return nil
}
