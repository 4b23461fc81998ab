package console_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/reminder"
)

func TestWhoMayUseTheConsole(t *testing.T) {
	organiser := contest.Actor{Roles: []contest.Role{contest.RoleOrganiser}}
	unitAdmin := contest.Actor{Roles: []contest.Role{contest.RoleUnitAdmin}, UnitID: "so-noi-vu"}
	onRoster := contest.Member{Email: "btc@demo.vn", Roles: []contest.Role{contest.RoleOrganiser}}
	demoted := contest.Member{Email: "btc@demo.vn", Roles: []contest.Role{contest.RoleParticipant}}
	tests := []struct {
		name  string
		a     contest.Actor
		m     contest.Member
		found bool
		err   error
		code  string
		reads int
	}{
		{"an organiser still on the roster as one may", organiser, onRoster, true, nil, "", 1},
		{"an organiser whose role was taken away since sign-in may not", organiser, demoted, true, nil, "organiser_only", 1},
		{"an organiser no longer on the roster may not", organiser, contest.Member{}, false, nil, "organiser_only", 1},
		{"a unit admin may not, and the roster is not read", unitAdmin, onRoster, true, nil, "organiser_only", 0},
		{"a roster that cannot be read fails the request", organiser, onRoster, true, fault.Unavailable("store_unavailable", "x"), "store_unavailable", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reads := 0
			err := console.CheckOrganiser(tt.a, func() (contest.Member, bool, error) { reads++; return tt.m, tt.found, tt.err })
			if fault.CodeOf(err) != tt.code || reads != tt.reads {
				t.Errorf("got %v after %d reads, want %q after %d", err, reads, tt.code, tt.reads)
			}
		})
	}
}

// failingAudit refuses every entry.
type failingAudit struct{}

func (failingAudit) AppendAudit(context.Context, string, audit.Entry) error {
	return errors.New("table unreachable")
}

func TestAnOrganisersWriteIsAudited(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	entry := func() (audit.Entry, error) {
		return audit.New(at, "btc@demo.vn", audit.RoundsUpdate, "Sửa tuần thi tuan-1", "", "")
	}
	tests := []struct {
		name        string
		status      int
		skip        bool
		writeErr    error
		auditFails  bool
		wantStatus  int
		wantWritten bool
		wantEntries int
		fails       bool
	}{
		{"a refused write is answered as it is, unwritten", http.StatusUnprocessableEntity, false, nil, false, http.StatusUnprocessableEntity, false, 0, false},
		{"a dry run is answered unwritten and unaudited", http.StatusOK, true, nil, false, http.StatusOK, false, 0, false},
		{"a write is done, marked written and audited", http.StatusOK, false, nil, false, http.StatusOK, true, 1, false},
		{"a write that fails is not audited", http.StatusOK, false, errors.New("conflict"), false, 0, false, 0, true},
		{"a write whose audit entry fails is told as an error", http.StatusOK, false, nil, true, 0, true, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := memstore.New()
			var a console.Auditor = store
			if tt.auditFails {
				a = failingAudit{}
			}
			out, did := &console.Outcome{OK: true}, false
			status, body, err := console.Write{Status: tt.status, Out: out, Skip: tt.skip,
				Do: func() error { did = true; return tt.writeErr }, Entry: entry}.Commit(ctx, a, log, "demo")
			if (err != nil) != tt.fails || status != tt.wantStatus || out.Written != tt.wantWritten {
				t.Errorf("got %d %v (written %v), want %d failure %v (written %v)", status, err, out.Written, tt.wantStatus, tt.fails, tt.wantWritten)
			}
			if !tt.fails && body != out {
				t.Errorf("answer %v, want the outcome", body)
			}
			if did != (tt.status == http.StatusOK && !tt.skip) {
				t.Errorf("written %v", did)
			}
			entries, _ := store.ListAudit(ctx, "demo", audit.Query{}, 10)
			if len(entries) != tt.wantEntries {
				t.Errorf("audit entries %+v, want %d", entries, tt.wantEntries)
			}
		})
	}
}

func TestARoundsReminderRuns(t *testing.T) {
	started := time.Date(2026, 3, 4, 1, 0, 0, 0, time.UTC)
	rounds := []contest.Round{{ID: "tuan-1"}, {ID: "tuan-2"}}
	own := contest.Contest{ID: "demo", Schedule: &contest.Schedule{TimeZone: contest.TimeZoneDefault, Reminders: []contest.ReminderSlot{
		{Name: "nhac-thu-sau", Weekday: time.Friday, Time: "08:00", Audience: contest.RemindEveryone}}}}
	run := reminder.Progress{Run: reminder.Run{ID: "r1", StartedAt: started, Units: 2}, UnitsDone: 2, Queued: 5, Sent: 5}
	tests := []struct {
		name      string
		c         contest.Contest
		roundID   string
		runs      map[string][]reminder.Progress
		code      string
		wantSlots []string
	}{
		{"a round with no runs lists the default slots empty", contest.Contest{ID: "demo"}, "tuan-1", nil, "",
			[]string{"reminder-midweek", "reminder-last-day"}},
		{"a contest's own slots come first; a former default slot only with runs", own, "tuan-2",
			map[string][]reminder.Progress{"reminder-last-day": {run}}, "", []string{"nhac-thu-sau", "reminder-last-day"}},
		{"a round the contest does not have is not found", own, "tuan-9", nil, "round_not_found", nil},
		{"a malformed round id is not found", own, "Tuần 1", nil, "round_not_found", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := console.CheckReminderRound(rounds, tt.roundID)
			if fault.CodeOf(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
			if err != nil {
				return
			}
			got, err := console.RemindersOf(tt.c, tt.roundID, func(slot string) ([]reminder.Progress, error) { return tt.runs[slot], nil })
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range got.Slots {
				names = append(names, s.Slot)
				if runs := tt.runs[s.Slot]; len(s.Runs) != len(runs) {
					t.Errorf("slot %s has %d runs, want %d", s.Slot, len(s.Runs), len(runs))
				}
			}
			if got.Round != tt.roundID || !slices.Equal(names, tt.wantSlots) {
				t.Errorf("got %s %v, want %v", got.Round, names, tt.wantSlots)
			}
		})
	}
}
