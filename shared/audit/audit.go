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
	"slices"
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
// ("import.roster"), from and to (inclusive; zero: open).
type Query struct {
	Kind     string
	From, To time.Time
}

// ParseQuery reads ?kind=&from=&to= (dates "2026-12-07", or RFC 3339; a
// date's "to" covers that whole day, in Viet Nam's time).
func ParseQuery(kind, from, to string, loc *time.Location) (Query, error) {
	q := Query{Kind: strings.TrimSpace(kind)}
	if q.Kind != "" && !slices.ContainsFunc(Actions, func(a string) bool {
		return a == q.Kind || strings.HasPrefix(a, q.Kind+".")
	}) {
		return Query{}, fault.Invalid("audit_kind", "Loại thao tác không rõ: "+q.Kind)
	}
	var err error
	if q.From, err = parseDay(from, loc, false); err != nil {
		return Query{}, err
	}
	if q.To, err = parseDay(to, loc, true); err != nil {
		return Query{}, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return Query{}, fault.Invalid("audit_range", "Ngày kết thúc trước ngày bắt đầu.")
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
	if !q.From.IsZero() && e.At.Before(q.From) {
		return false
	}
	if !q.To.IsZero() && e.At.After(q.To) {
		return false
	}
	return true
}
