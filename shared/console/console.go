// Package console shapes the organiser console's API (functions/admin):
// what a request says (a dry run, an import's file, a page of the audit log)
// and what the answers hold (problems by row and column, an import's or a
// write's outcome, the audit log's entries, the people with roles, the
// rounds, the reminder runs). The rules themselves live in shared/importer,
// shared/audit and shared/contest; this package only maps them to JSON, so
// the handlers decode, call the domain and the store, and encode.
package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/importer"
)

// DryRun reports whether a write asks for a dry run (?dryRun=1): anything
// but absent, "0" or "false".
func DryRun(q url.Values) bool {
	v := q.Get("dryRun")
	return v != "" && v != "0" && v != "false"
}

// Problem is a problem as the API reports it.
type Problem struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	// Message places the problem: "Dòng 14, cột Email: email trùng với dòng 9".
	Message string `json:"message"`
	// Detail is the problem without its place: "email trùng với dòng 9".
	Detail string `json:"detail"`
}

// Problems are ps as the API reports them.
func Problems(ps []importer.Problem) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		out[i] = Problem{Row: p.Line, Column: p.Column, Message: p.Message(), Detail: p.Msg}
	}
	return out
}

// Error is the error object of a 422 or 409 (the API's usual envelope).
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Outcome answers a checked write (an import, rounds): its problems (422,
// nothing written), or the dry run's summary and changes, or, once Written,
// the same as written.
type Outcome struct {
	OK       bool              `json:"ok"`
	Error    *Error            `json:"error,omitempty"`
	Kind     importer.Kind     `json:"kind"`
	DryRun   bool              `json:"dryRun"`
	Written  bool              `json:"written"`
	Summary  map[string]any    `json:"summary,omitempty"`
	Changes  *importer.Changes `json:"changes,omitempty"`
	Problems []Problem         `json:"problems,omitempty"`
	Warnings []Problem         `json:"warnings"`
}

// Checked is the outcome of a checked file or set of rounds and its HTTP
// status: 422 with code and "<n> lỗi" in message (problems; format holds
// one %d) or 200 with the summary and changes.
func Checked(c *importer.Checked, dry bool, code, format string) (int, Outcome) {
	out := Outcome{OK: c.Valid(), Kind: c.Kind, DryRun: dry, Warnings: Problems(c.Warnings)}
	if !c.Valid() {
		out.Problems = Problems(c.Problems)
		out.Error = &Error{Code: code, Message: fmt.Sprintf(format, len(c.Problems))}
		return http.StatusUnprocessableEntity, out
	}
	out.Summary, out.Changes = c.Summary, &c.Changes
	return http.StatusOK, out
}

// Conflict is the outcome of rounds c refused by e (a round that has opened
// keeps its questions: importer.Checked.Locked), answered as 409.
func Conflict(c *importer.Checked, e *fault.Error) Outcome {
	return Outcome{Kind: c.Kind, Error: &Error{Code: e.Code, Message: e.Message}, Problems: Problems(c.Problems), Warnings: Problems(c.Warnings)}
}

// Refused is a write refused with problems (422), e.g. a roles change.
func Refused(code, message string, ps []importer.Problem) map[string]any {
	return map[string]any{"ok": false, "error": Error{Code: code, Message: message}, "problems": Problems(ps)}
}

// ImportKind reads an import's {kind} (404 for an unknown one).
func ImportKind(s string) (importer.Kind, error) {
	kind, ok := importer.ParseKind(s)
	if !ok {
		return "", fault.NotFound("import_kind", "Loại dữ liệu không rõ: chọn units, roster, bank hoặc rounds.")
	}
	return kind, nil
}

// TooLarge is the error of a file above importer.MaxFileBytes.
func TooLarge() error {
	return fault.Invalid("import_too_large", fmt.Sprintf("Tệp quá %d MB: hãy chia thành nhiều tệp.", importer.MaxFileBytes>>20))
}

// ReadFile reads an import's file sent as the request's body: the file's
// bytes themselves (not a form), at most importer.MaxFileBytes, not empty.
func ReadFile(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") || strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, fault.Invalid("import_body", "Hãy gửi chính tệp làm nội dung yêu cầu (không dùng biểu mẫu multipart).")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, importer.MaxFileBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, TooLarge()
	case err != nil:
		return nil, fault.Invalid("import_body", "Không đọc được tệp gửi lên.")
	}
	return data, NotEmpty(data)
}

// NotEmpty refuses an empty file.
func NotEmpty(data []byte) error {
	if len(data) == 0 {
		return fault.Invalid("import_empty", "Tệp gửi lên trống.")
	}
	return nil
}

// ImportName is the file's name for messages (?name=), else the kind.
func ImportName(q url.Values, kind importer.Kind) string {
	if name := q.Get("name"); name != "" {
		return name
	}
	return string(kind)
}

// ImportOptions are an import's ?bankId=&title=.
func ImportOptions(q url.Values) importer.Options {
	return importer.Options{BankID: q.Get("bankId"), BankTitle: q.Get("title")}
}
