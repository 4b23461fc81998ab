package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/token"
)

// presigner signs the PUT of a large import file straight to the bucket.
type presigner interface {
	PresignPutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
}

var _ presigner = (*s3.PresignClient)(nil)

// uploadExpiry is how long a presigned import PUT may be used.
const uploadExpiry = 15 * time.Minute

// importsPrefix is where a contest's import files of a kind go:
// imports/<contest>/<kind>/.
func importsPrefix(contestID string, kind importer.Kind) string {
	return platform.PrefixImports + contestID + "/" + string(kind) + "/"
}

type uploadRequest struct {
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
}

type uploadResponse struct {
	URL       string            `json:"url"`
	Key       string            `json:"key"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expiresAt"`
	MaxBytes  int64             `json:"maxBytes"`
}

// importUpload: POST /imports/{kind}/uploads {"name","size","contentType"}:
// a presigned PUT for a file too large for a function URL's 6 MB request,
// under the contest's imports/ prefix; the file is then checked and
// written with POST /imports/{kind}?object=<key>.
func (h *Handler) importUpload(w http.ResponseWriter, r *http.Request) {
	claims, err := h.organiser(r)
	if err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	kind, ok := importer.ParseKind(r.PathValue("kind"))
	if !ok {
		httpapi.WriteError(w, r, h.log, fault.NotFound("import_kind", "Loại dữ liệu không rõ: chọn units, roster, bank hoặc rounds."))
		return
	}
	var req uploadRequest
	if err := httpapi.DecodeJSON(w, r, &req, 4<<10); err != nil {
		httpapi.WriteError(w, r, h.log, err)
		return
	}
	switch {
	case req.Size <= 0:
		httpapi.WriteError(w, r, h.log, fault.Invalid("import_empty", "Tệp gửi lên trống."))
		return
	case req.Size > importer.MaxFileBytes:
		httpapi.WriteError(w, r, h.log, fault.Invalid("import_too_large", fmt.Sprintf("Tệp quá %d MB: hãy chia thành nhiều tệp.", importer.MaxFileBytes>>20)))
		return
	}
	ext := "bin"
	if i := strings.LastIndexByte(req.Name, '.'); i >= 0 {
		switch e := strings.ToLower(req.Name[i+1:]); e {
		case "xlsx", "csv", "txt", "tsv":
			ext = e
		}
	}
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	now := h.now()
	key := importsPrefix(claims.Contest, kind) + now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(nonce[:]) + "." + ext
	ct := req.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	signed, err := h.presign.PresignPutObject(r.Context(), &s3.PutObjectInput{
		Bucket: &h.bucket, Key: &key, ContentType: &ct, ContentLength: &req.Size,
	}, func(o *s3.PresignOptions) { o.Expires = uploadExpiry })
	if err != nil {
		httpapi.WriteError(w, r, h.log, fmt.Errorf("presign import upload: %w", err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, uploadResponse{URL: signed.URL, Key: key, Method: http.MethodPut,
		Headers: map[string]string{"Content-Type": ct}, ExpiresAt: now.Add(uploadExpiry), MaxBytes: importer.MaxFileBytes})
}

// uploadedFile reads an import file uploaded with a presigned PUT: only
// under the contest's own imports/<kind>/ prefix, at most MaxFileBytes.
func (h *Handler) uploadedFile(ctx context.Context, claims *token.Claims, kind importer.Kind, key string) ([]byte, error) {
	if !strings.HasPrefix(key, importsPrefix(claims.Contest, kind)) || strings.Contains(key, "..") {
		return nil, fault.Invalid("import_object", "Tệp đã tải lên không thuộc hội thi hoặc loại dữ liệu này.")
	}
	out, err := h.objects.GetObject(ctx, &s3.GetObjectInput{Bucket: &h.bucket, Key: &key})
	var missing *types.NoSuchKey
	if errors.As(err, &missing) {
		return nil, fault.NotFound("import_object", "Không tìm thấy tệp đã tải lên (tệp được giữ một ngày): hãy chọn và tải tệp lên lại.")
	}
	if err != nil {
		return nil, fmt.Errorf("read import upload %s: %w", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, importer.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read import upload %s: %w", key, err)
	}
	if len(data) > importer.MaxFileBytes {
		return nil, fault.Invalid("import_too_large", fmt.Sprintf("Tệp quá %d MB: hãy chia thành nhiều tệp.", importer.MaxFileBytes>>20))
	}
	return data, nil
}

// dropUpload deletes an import file once written (else it expires in a day).
func (h *Handler) dropUpload(ctx context.Context, key string) {
	if _, err := h.objects.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &h.bucket, Key: &key}); err != nil {
		h.log.Warn("import upload not deleted (it expires)", "key", key, "err", err)
	}
}
