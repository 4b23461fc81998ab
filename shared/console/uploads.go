package console

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/platform"
)

// UploadExpiry is how long a presigned import PUT may be used.
const UploadExpiry = 15 * time.Minute

// ImportsPrefix is where a contest's import files of a kind go:
// imports/<contest>/<kind>/.
func ImportsPrefix(contestID string, kind importer.Kind) string {
	return platform.PrefixImports + contestID + "/" + string(kind) + "/"
}

// UploadRequest is POST /imports/{kind}/uploads' body.
type UploadRequest struct {
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
}

// Upload is where a large import file goes: its key (fresh, under the
// contest's imports/<kind>/), its content type, and when the PUT expires.
type Upload struct {
	Key, ContentType string
	ExpiresAt        time.Time
}

// Plan checks the request (a size within importer.MaxFileBytes) and places
// its file at now.
func (req UploadRequest) Plan(contestID string, kind importer.Kind, now time.Time) (Upload, error) {
	switch {
	case req.Size <= 0:
		return Upload{}, NotEmpty(nil)
	case req.Size > importer.MaxFileBytes:
		return Upload{}, TooLarge()
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
	up := Upload{Key: ImportsPrefix(contestID, kind) + now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(nonce[:]) + "." + ext,
		ContentType: req.ContentType, ExpiresAt: now.Add(UploadExpiry)}
	if up.ContentType == "" {
		up.ContentType = "application/octet-stream"
	}
	return up, nil
}

// UploadAnswer is the presigned PUT the site sends the file with.
type UploadAnswer struct {
	URL       string            `json:"url"`
	Key       string            `json:"key"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expiresAt"`
	MaxBytes  int64             `json:"maxBytes"`
}

// Answer is the upload's answer, signed as url.
func (up Upload) Answer(url string) UploadAnswer {
	return UploadAnswer{URL: url, Key: up.Key, Method: "PUT", Headers: map[string]string{"Content-Type": up.ContentType},
		ExpiresAt: up.ExpiresAt, MaxBytes: importer.MaxFileBytes}
}

// UploadedKey checks that key is one of the contest's own import files of
// the kind.
func UploadedKey(contestID string, kind importer.Kind, key string) error {
	if !strings.HasPrefix(key, ImportsPrefix(contestID, kind)) || strings.Contains(key, "..") {
		return fault.Invalid("import_object", "Tệp đã tải lên không thuộc hội thi hoặc loại dữ liệu này.")
	}
	return nil
}

// Uploaded checks an uploaded import file as read (found false: gone).
func Uploaded(data []byte, found bool, err error) ([]byte, error) {
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, fault.NotFound("import_object", "Không tìm thấy tệp đã tải lên (tệp được giữ một ngày): hãy chọn và tải tệp lên lại.")
	case len(data) > importer.MaxFileBytes:
		return nil, TooLarge()
	}
	return data, NotEmpty(data)
}
