package console

import (
	"net/url"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
)

// AuditEntry is an audit log entry as the console shows it.
type AuditEntry struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Kind    string    `json:"kind"`
	Summary string    `json:"summary"`
	Before  string    `json:"before,omitempty"`
	After   string    `json:"after,omitempty"`
	// Round is, for a publication of a round's results, the round: its
	// published results.json names this entry's id as its publication.
	Round string `json:"round,omitempty"`
}

// AuditEntryOf is e as the console shows it (e of contest contestID).
func AuditEntryOf(contestID string, e audit.Entry) AuditEntry {
	out := AuditEntry{ID: e.ID, At: e.At.In(contest.ICT), Actor: e.Actor, Action: e.Action, Kind: e.Kind(), Summary: e.Summary, Before: e.Before, After: e.After}
	if e.Action == audit.Publication {
		if rest, ok := strings.CutPrefix(e.After, platform.PrefixResults+contestID+"/"); ok {
			if round := strings.TrimSuffix(rest, "/"); contest.ValidID(round) {
				out.Round = round
			}
		}
	}
	return out
}

// AuditPage is a page of the audit log, newest first, and the cursor of the
// next (older) page, absent on the last.
type AuditPage struct {
	Entries []AuditEntry `json:"entries"`
	Next    string       `json:"next,omitempty"`
}

// AuditRequest reads GET /audit's ?kind=&actor=&from=&to=&cursor=&limit=:
// the query and the page size (the store is asked for one more, to know
// whether a next page exists: PageOf).
func AuditRequest(q url.Values) (audit.Query, int, error) {
	query, err := audit.Params{Kind: q.Get("kind"), Actor: q.Get("actor"), From: q.Get("from"), To: q.Get("to"), Cursor: q.Get("cursor")}.Parse(contest.ICT)
	if err != nil {
		return audit.Query{}, 0, err
	}
	limit, err := audit.PageSize(q.Get("limit"))
	return query, limit, err
}

// PageOf is the page of at most limit entries of got (the store's answer to
// limit+1).
func PageOf(contestID string, got []audit.Entry, limit int) AuditPage {
	page, next := audit.Page(got, limit)
	out := AuditPage{Entries: make([]AuditEntry, len(page)), Next: next}
	for i, e := range page {
		out.Entries[i] = AuditEntryOf(contestID, e)
	}
	return out
}

// ImportsRequest reads GET /imports' ?kind=&cursor=&limit=: the audit
// log's import entries, of one kind ("roster") or all.
func ImportsRequest(q url.Values) (audit.Query, int, error) {
	kind := "import"
	if k := q.Get("kind"); k != "" {
		parsed, err := ImportKind(k)
		if err != nil {
			return audit.Query{}, 0, err
		}
		kind += "." + string(parsed)
	}
	return AuditRequest(url.Values{"kind": {kind}, "cursor": {q.Get("cursor")}, "limit": {q.Get("limit")}})
}
