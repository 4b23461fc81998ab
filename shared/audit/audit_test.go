package audit_test

import (
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/fault"
)

var ict = time.FixedZone("ICT", 7*3600)

func TestNew(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, ict)
	t.Run("an entry records who, when, what and the change", func(t *testing.T) {
		e, err := audit.New(at, "btc@hue.gov.vn", audit.ImportRoster, "+120 người, −8 người", "15.000 người", "15.112 người")
		if err != nil {
			t.Fatal(err)
		}
		if e.ID == "" || !e.At.Equal(at) || e.Actor != "btc@hue.gov.vn" || e.Kind() != "import" || e.Before != "15.000 người" {
			t.Errorf("entry %+v", e)
		}
		other, _ := audit.New(at, "btc@hue.gov.vn", audit.ImportRoster, "", "", "")
		if other.ID == e.ID {
			t.Error("two entries share an id")
		}
	})
	for _, tt := range []struct{ name, actor, action string }{
		{"an entry without an actor is refused", "", audit.ImportUnits},
		{"an unknown action is refused", "btc@hue.gov.vn", "delete.everything"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := audit.New(at, tt.actor, tt.action, "", "", ""); !invalid(err) {
				t.Errorf("err = %v, want invalid", err)
			}
		})
	}
	t.Run("long texts are cut", func(t *testing.T) {
		long := make([]rune, audit.MaxText+10)
		for i := range long {
			long[i] = 'ễ'
		}
		e, _ := audit.New(at, "a@b.vn", audit.ImportBank, string(long), "", "")
		if n := len([]rune(e.Summary)); n != audit.MaxText {
			t.Errorf("summary of %d characters", n)
		}
	})
}

func TestQuery(t *testing.T) {
	at := func(day, hour int) time.Time { return time.Date(2026, 12, day, hour, 0, 0, 0, ict) }
	entry := func(action string, when time.Time) audit.Entry {
		e, _ := audit.New(when, "btc@hue.gov.vn", action, "", "", "")
		return e
	}
	tests := []struct {
		name           string
		kind, from, to string
		e              audit.Entry
		want           bool
	}{
		{"no filter selects everything", "", "", "", entry(audit.SettingsUpdate, at(7, 9)), true},
		{"a kind selects its actions", "import", "", "", entry(audit.ImportRoster, at(7, 9)), true},
		{"a kind leaves other kinds out", "import", "", "", entry(audit.Exclusion, at(7, 9)), false},
		{"an action selects itself only", "import.bank", "", "", entry(audit.ImportRoster, at(7, 9)), false},
		{"a day's end covers its last hour", "", "2026-12-07", "2026-12-07", entry(audit.ImportUnits, at(7, 23)), true},
		{"the day before is out", "", "2026-12-07", "", entry(audit.ImportUnits, at(6, 23)), false},
		{"the day after is out", "", "", "2026-12-07", entry(audit.ImportUnits, at(8, 0)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := audit.ParseQuery(tt.kind, tt.from, tt.to, ict)
			if err != nil {
				t.Fatal(err)
			}
			if got := q.Match(tt.e); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
	for _, tt := range []struct{ name, kind, from, to string }{
		{"an unknown kind is refused", "drop", "", ""},
		{"a date that is not one is refused", "", "07/12/2026", ""},
		{"a range that ends before it starts is refused", "", "2026-12-08", "2026-12-07"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := audit.ParseQuery(tt.kind, tt.from, tt.to, ict); !invalid(err) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestParams(t *testing.T) {
	e, _ := audit.New(time.Date(2026, 12, 7, 9, 0, 0, 0, ict), "Lan.BTC@hue.gov.vn", audit.RolesUpdate, "", "", "")
	older := e
	older.At, older.ID = e.At.Add(-time.Millisecond), "ffff"
	t.Run("who matches part of the actor, in any case", func(t *testing.T) {
		q, err := audit.Params{Actor: " lan.btc "}.Parse(ict)
		if err != nil || !q.Match(e) {
			t.Errorf("match %v, %v", q.Match(e), err)
		}
		q.Actor = "hoa"
		if q.Match(e) {
			t.Error("another actor matches")
		}
	})
	t.Run("a cursor read back selects only entries older than its own", func(t *testing.T) {
		q, err := audit.Params{Cursor: audit.CursorOf(e).String()}.Parse(ict)
		if err != nil || q.Match(e) || !q.Match(older) {
			t.Errorf("cursor %+v: matches itself %v, the older %v, %v", q.After, q.Match(e), q.Match(older), err)
		}
	})
	for _, tt := range []struct{ name, cursor string }{
		{"a cursor without an id is refused", "1765072800000-"},
		{"a cursor that is not a time is refused", "abc-0123"},
		{"a cursor that names a key is refused", "1765072800000-x#AUDIT"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := (audit.Params{Cursor: tt.cursor}).Parse(ict); !invalid(err) {
				t.Errorf("err = %v", err)
			}
		})
	}
	for _, tt := range []struct {
		name, limit string
		want        int
		ok          bool
	}{
		{"no limit is the default page", "", audit.DefaultPageSize, true},
		{"a limit in range is kept", "20", 20, true},
		{"a limit above the most is refused", "500", 0, false},
		{"a limit of none is refused", "0", 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := audit.PageSize(tt.limit)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("PageSize(%q) = %d, %v", tt.limit, got, err)
			}
		})
	}
	t.Run("a page of a longer answer names the cursor after its last entry", func(t *testing.T) {
		page, next := audit.Page([]audit.Entry{e, older}, 1)
		if len(page) != 1 || next != audit.CursorOf(e).String() {
			t.Errorf("page %v, next %q", page, next)
		}
		if _, next := audit.Page([]audit.Entry{e}, 1); next != "" {
			t.Errorf("the last page names a next one: %q", next)
		}
	})
}

func invalid(err error) bool {
	e, ok := fault.As(err)
	return ok && e.Kind == fault.KindInvalid
}
