package main

import (
	"context"
	"fmt"
	"net/http"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/token"
)

// presigner signs the PUT of a large import file straight to the bucket.
type presigner interface {
	PresignPutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
}

var _ presigner = (*s3.PresignClient)(nil)

// importUpload: POST /imports/{kind}/uploads {"name","size","contentType"}:
// a presigned PUT for a file too large for a function URL's 6 MB request,
// under the contest's imports/ prefix; the file is then checked and
// written with POST /imports/{kind}?object=<key>.
func (h *Handler) importUpload(w http.ResponseWriter, r *http.Request) (int, any, error) {
	claims, req, err := organiserBody[console.UploadRequest](h, w, r, 4<<10)
	var kind importer.Kind
	if err == nil {
		kind, err = console.ImportKind(r.PathValue("kind"))
	}
	var up console.Upload
	if err == nil {
		up, err = req.Plan(claims.Contest, kind, h.now())
	}
	if err != nil {
		return 0, nil, err
	}
	signed, err := h.presign.PresignPutObject(r.Context(), &s3.PutObjectInput{
		Bucket: &h.bucket, Key: &up.Key, ContentType: &up.ContentType, ContentLength: &req.Size,
	}, func(o *s3.PresignOptions) { o.Expires = console.UploadExpiry })
	if err != nil {
		return 0, nil, fmt.Errorf("presign import upload: %w", err)
	}
	return http.StatusOK, up.Answer(signed.URL), nil
}

// uploadedFile reads an import file uploaded with a presigned PUT: only
// under the contest's own imports/<kind>/ prefix, at most MaxFileBytes.
func (h *Handler) uploadedFile(ctx context.Context, claims *token.Claims, kind importer.Kind, key string) ([]byte, error) {
	if err := console.UploadedKey(claims.Contest, kind, key); err != nil {
		return nil, err
	}
	data, found, err := blob.GetImport(ctx, h.objects, h.bucket, key, importer.MaxFileBytes+1)
	return console.Uploaded(data, found, err)
}

// dropUpload deletes an import file once written (else it expires in a day).
func (h *Handler) dropUpload(ctx context.Context, key string) {
	if err := blob.DropImport(ctx, h.objects, h.bucket, key); err != nil {
		h.log.Warn("import upload not deleted (it expires)", "key", key, "err", err)
	}
}
