// Package console shapes the organiser console's API (functions/admin, and
// functions/tally's paper exclusions): what a request says (a dry run, an
// import's file, a page of the audit log, an exclusion's reason) and what
// the answers hold (problems by row and column, an import's or a write's
// outcome, the audit log's entries, the people with roles, the rounds, the
// reminder runs, a paper's exclusion), who may use it (CheckOrganiser), how an
// organiser's write is done and audited (Write), and what an import reads
// and writes through its ports (ImportCurrent, WriteImport: the table and
// the banks, no AWS). The rules themselves live in shared/importer,
// shared/audit and shared/contest; this package maps them to the API, so
// the handlers decode, call the domain and the store, and encode.
package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
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

// Writable is an answer that says whether it was written.
type Writable interface{ MarkWritten() }

// MarkWritten says the outcome was written.
func (o *Outcome) MarkWritten() { o.Written = true }

// MarkWritten says the settings were written.
func (o *SettingsOutcome) MarkWritten() { o.Written = true }

// MarkWritten says the roles were written.
func (o *RolesOutcome) MarkWritten() { o.Written = true }

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

// Settings is GET /contest: the settings with the rules' limits and the
// rounds whose results are published.
type Settings struct {
	Contest         contest.Contest        `json:"contest"`
	Limits          importer.ContestLimits `json:"limits"`
	PublishedRounds []string               `json:"publishedRounds"`
	// NextRuns: when the contest's schedule next publishes a tally (each
	// open or closed, unpublished round) and sends a reminder.
	NextRuns contest.NextRunSet `json:"nextRuns"`
}

// SettingsOf is contest c's settings, given its rounds and the
// deployment's limits, at now.
func SettingsOf(c contest.Contest, rounds []contest.Round, limits importer.ContestLimits, now time.Time) Settings {
	return Settings{Contest: c, Limits: limits, PublishedRounds: importer.CompareSettings(c, c, rounds).PublishedRounds,
		NextRuns: contest.NextRuns(c, rounds, now)}
}

// SettingsOutcome answers PUT /contest: the fields' problems (422), or the
// change (the published weeks it touches, as a warning) and, once Written,
// the settings as written.
type SettingsOutcome struct {
	OK       bool                    `json:"ok"`
	DryRun   bool                    `json:"dryRun"`
	Written  bool                    `json:"written"`
	Error    *Error                  `json:"error,omitempty"`
	Contest  *contest.Contest        `json:"contest,omitempty"`
	Change   importer.SettingsChange `json:"change"`
	Problems []Problem               `json:"problems,omitempty"`
	// Warning is said after a write that stands but left something
	// undone (the data bucket's CORS rule not set).
	Warning string `json:"warning,omitempty"`
}

// SettingsChecked is the outcome of settings next (importer.CheckContest's,
// with its problems) replacing old, and its HTTP status.
func SettingsChecked(old, next contest.Contest, rounds []contest.Round, problems []importer.Problem, dry bool) (int, SettingsOutcome) {
	out := SettingsOutcome{DryRun: dry}
	if len(problems) > 0 {
		out.Problems = Problems(problems)
		out.Error = &Error{Code: "settings_problems", Message: fmt.Sprintf("Thiết lập có %d lỗi; chưa ghi gì.", len(problems))}
		return http.StatusUnprocessableEntity, out
	}
	out.OK, out.Contest, out.Change = true, &next, importer.CompareSettings(old, next, rounds)
	return http.StatusOK, out
}

// SameContest checks that settings name the caller's contest (an empty id
// is theirs): no write changes a contest's id.
func SameContest(next *contest.Contest, contestID string) error {
	if next.ID == "" {
		next.ID = contestID
	}
	if next.ID != contestID {
		return fault.Invalid("contest_id", "Không đổi được mã cuộc thi.")
	}
	return nil
}

// TemplateFile is an import kind's template, as GET /templates/{kind}.xlsx
// serves it.
type TemplateFile struct {
	Kind importer.Kind
	Data []byte
}

// Template reads {file} ("roster.xlsx") and makes its template (404 for
// an unknown one).
func Template(file string) (TemplateFile, error) {
	name, ok := strings.CutSuffix(file, ".xlsx")
	kind, known := importer.ParseKind(name)
	if !ok || !known {
		return TemplateFile{}, fault.NotFound("template_not_found", "Không có mẫu này: chọn units.xlsx, roster.xlsx, bank.xlsx hoặc rounds.xlsx.")
	}
	data, err := importer.Template(kind, time.Date(2026, 1, 1, 0, 0, 0, 0, contest.ICT))
	return TemplateFile{Kind: kind, Data: data}, err
}

// Write sends the template as a download ("mau-roster.xlsx").
func (t TemplateFile) Write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="mau-`+string(t.Kind)+`.xlsx"`)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(t.Data)
}
