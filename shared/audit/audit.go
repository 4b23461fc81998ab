// Package audit is the organisers' record of who did what to a contest: an
// append-only log of entries (imports, settings, rounds, roles,
// publications, exclusions), each with who, when, what and a before/after
// summary. Entries are never edited nor deleted: stores only append them
// (shared/dynamo puts each on condition that it does not exist) and no API
// changes them. It imports no AWS package.
package audit

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hoithi/hoithi/shared/fault"
)

// Actions an entry records: "<kind>.<what>".
const (
	ImportUnits    = "import.units"
	ImportRoster   = "import.roster"
	ImportBank     = "import.bank"
	ImportRounds   = "import.rounds"
	SettingsUpdate = "settings.update"
	RolesUpdate    = "roles.update"
	RoundsCreate   = "rounds.create"
	RoundsUpdate   = "rounds.update"
	Publication    = "publication.publish"
	Exclusion      = "exclusion.exclude"
	Inclusion      = "exclusion.include"
)

// ScheduleActor is the actor of what the weekly schedule does by itself
// (a closed round's results published by the tally's schedule).
const ScheduleActor = "Lịch tự động (tổng hợp hằng tuần)"

// Actions lists every action an entry may record.
var Actions = []string{ImportUnits, ImportRoster, ImportBank, ImportRounds, SettingsUpdate, RolesUpdate, RoundsCreate, RoundsUpdate, Publication, Exclusion, Inclusion}

// MaxText bounds an entry's summary, before and after (characters).
const MaxText = 2000

// Entry is one thing an organiser did.
type Entry struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Summary string    `json:"summary"`
	Before  string    `json:"before,omitempty"`
	After   string    `json:"after,omitempty"`
}

// Kind is the action's kind: "import", "settings", "roles", "rounds",
// "publication", "exclusion".
func (e Entry) Kind() string {
	k, _, _ := strings.Cut(e.Action, ".")
	return k
}

// New makes an entry of action by actor at the given time, with a fresh id;
// texts longer than MaxText are cut.
func New(at time.Time, actor, action, summary, before, after string) (Entry, error) {
	if actor == "" {
		return Entry{}, fault.Invalid("audit_actor", "Thiếu người thực hiện.")
	}
	if !slices.Contains(Actions, action) {
		return Entry{}, fault.Invalid("audit_action", "Thao tác không rõ: "+action)
	}
	if at.IsZero() {
		return Entry{}, fault.Invalid("audit_time", "Thiếu thời điểm.")
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	return Entry{ID: hex.EncodeToString(id[:]), At: at, Actor: actor, Action: action,
		Summary: cut(summary), Before: cut(before), After: cut(after)}, nil
}

func cut(s string) string {
	if utf8.RuneCountInString(s) <= MaxText {
		return s
	}
	return string([]rune(s)[:MaxText-1]) + "…"
}

// Query selects entries: of a kind ("import") or an action
// ("import.roster"), by an actor (part of the actor's name or e-mail, any
// case), from and to (inclusive; zero: open), and older than After (the last
// entry of the page before; zero: from the newest).
type Query struct {
	Kind     string
	Actor    string
	From, To time.Time
	After    Cursor
}

// Params are the audit log's query parameters as given (?kind=&actor=&from=&to=&cursor=).
type Params struct {
	Kind, Actor, From, To, Cursor string
}

// ParseQuery reads ?kind=&from=&to= (dates "2026-12-07", or RFC 3339; a
// date's "to" covers that whole day, in Viet Nam's time).
func ParseQuery(kind, from, to string, loc *time.Location) (Query, error) {
	return Params{Kind: kind, From: from, To: to}.Parse(loc)
}

// Parse reads the parameters: dates as ParseQuery, the cursor as a page's
// Next gave it.
func (p Params) Parse(loc *time.Location) (Query, error) {
	q := Query{Kind: strings.TrimSpace(p.Kind), Actor: strings.TrimSpace(p.Actor)}
	if q.Kind != "" && !slices.ContainsFunc(Actions, func(a string) bool {
		return a == q.Kind || strings.HasPrefix(a, q.Kind+".")
	}) {
		return Query{}, fault.Invalid("audit_kind", "Loại thao tác không rõ: "+q.Kind)
	}
	if utf8.RuneCountInString(q.Actor) > 200 {
		return Query{}, fault.Invalid("audit_actor", "Tên hoặc email người thực hiện quá dài.")
	}
	var err error
	if q.From, err = parseDay(p.From, loc, false); err != nil {
		return Query{}, err
	}
	if q.To, err = parseDay(p.To, loc, true); err != nil {
		return Query{}, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return Query{}, fault.Invalid("audit_range", "Ngày kết thúc trước ngày bắt đầu.")
	}
	if q.After, err = ParseCursor(p.Cursor); err != nil {
		return Query{}, err
	}
	return q, nil
}

func parseDay(s string, loc *time.Location, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fault.Invalid("audit_date", "Ngày không hợp lệ: "+s+" (ghi dạng 2026-12-07).")
	}
	if end {
		d = d.AddDate(0, 0, 1).Add(-time.Millisecond)
	}
	return d, nil
}

// Match reports whether the entry is one the query selects.
func (q Query) Match(e Entry) bool {
	if q.Kind != "" && e.Action != q.Kind && e.Kind() != q.Kind {
		return false
	}
	if q.Actor != "" && !strings.Contains(strings.ToLower(e.Actor), strings.ToLower(q.Actor)) {
		return false
	}
	if !q.From.IsZero() && e.At.Before(q.From) {
		return false
	}
	if !q.To.IsZero() && e.At.After(q.To) {
		return false
	}
	return q.After.IsZero() || Compare(e, q.After.entry()) > 0
}

// Compare orders entries as the log lists them, newest first: by time (to
// the millisecond, as stores keep it), then by id, descending. It is
// negative when a comes before b.
func Compare(a, b Entry) int {
	if c := b.At.UnixMilli() - a.At.UnixMilli(); c != 0 {
		if c < 0 {
			return -1
		}
		return 1
	}
	return strings.Compare(b.ID, a.ID)
}

// Cursor marks where a page of the log ended: its last entry's time and id.
// The next page starts after it (older ones).
type Cursor struct {
	At time.Time
	ID string
}

// CursorOf is the cursor after the entry e.
func CursorOf(e Entry) Cursor { return Cursor{At: e.At, ID: e.ID} }

// IsZero reports whether the cursor is none: the log from its newest entry.
func (c Cursor) IsZero() bool { return c.ID == "" && c.At.IsZero() }

func (c Cursor) entry() Entry { return Entry{At: c.At, ID: c.ID} }

// String is the cursor as the API hands it out: "<unix ms>-<id>".
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatInt(c.At.UnixMilli(), 10) + "-" + c.ID
}

// ParseCursor reads a cursor String gave ("" is none).
func ParseCursor(s string) (Cursor, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Cursor{}, nil
	}
	bad := fault.Invalid("audit_cursor", "Vị trí trang nhật ký không hợp lệ: hãy tải lại nhật ký từ đầu.")
	ms, id, ok := strings.Cut(s, "-")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || n < 0 || id == "" || len(id) > 64 || strings.ContainsAny(id, "#/ ") {
		return Cursor{}, bad
	}
	return Cursor{At: time.UnixMilli(n), ID: id}, nil
}

// Page is one page of the log: at most limit entries of got (the store's
// answer to limit+1, newest first) and the cursor of the next page, empty
// when there is none.
func Page(got []Entry, limit int) ([]Entry, string) {
	if len(got) <= limit {
		return got, ""
	}
	return got[:limit], CursorOf(got[limit-1]).String()
}

// PageSize bounds a page of the log: DefaultPageSize unless asked, at most
// MaxPageSize.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// PageSize reads ?limit= (empty: DefaultPageSize).
func PageSize(s string) (int, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultPageSize, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > MaxPageSize {
		return 0, fault.Invalid("audit_limit", fmt.Sprintf("Số mục mỗi trang phải từ 1 đến %d.", MaxPageSize))
	}
	return n, nil
}
