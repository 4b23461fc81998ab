package memstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// replacer is what the organiser console asks of a store, besides testenv.Store.
type replacer interface {
	store
	ListMembers(ctx context.Context, contestID string) ([]contest.Member, error)
	ReplaceRoster(ctx context.Context, contestID, version string, members []contest.Member) error
	UpdateRoster(ctx context.Context, contestID, version string, members []contest.Member, changes []contest.RosterChange) error
	ReplaceUnits(ctx context.Context, contestID, version string, units []contest.Unit) error
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
	ListAudit(ctx context.Context, contestID string, q audit.Query, limit int) ([]audit.Entry, error)
}

func staff(email, unit string, roles ...contest.Role) contest.Member {
	if len(roles) == 0 {
		roles = []contest.Role{contest.RoleParticipant}
	}
	return contest.Member{Email: email, Name: "Tên " + email, UnitID: unit, Audience: contest.AudienceStaff, Roles: roles}
}

func emails(ms []contest.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Email
	}
	slices.Sort(out)
	return out
}

func TestStoresUpdateTheRosterByItsChanges(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t).(replacer)
			board := staff("btc@x.vn", "", contest.RoleOrganiser)
			first := []contest.Member{staff("an@x.vn", "u1"), staff("binh@x.vn", "u1"), staff("chi@x.vn", "u2"), staff("dung@x.vn", "u2"), board}
			if err := s.ReplaceRoster(ctx, c, "v1", first); err != nil {
				t.Fatal(err)
			}
			update := func(t *testing.T, version string, old, now []contest.Member) {
				t.Helper()
				if err := s.UpdateRoster(ctx, c, version, now, contest.DiffRoster(old, now)); err != nil {
					t.Fatal(err)
				}
			}
			unit := func(t *testing.T, id string) []string {
				t.Helper()
				got, err := s.ListRoster(ctx, c, id)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range got {
					if m.UnitID != id {
						t.Errorf("%s listed in %s with unit %q", m.Email, id, m.UnitID)
					}
				}
				return emails(got)
			}
			// binh moves to u2, chi leaves, dung becomes the unit's admin, em joins u1
			second := []contest.Member{staff("an@x.vn", "u1"), staff("binh@x.vn", "u2"), staff("dung@x.vn", "u2", contest.RoleParticipant, contest.RoleUnitAdmin), staff("em@x.vn", "u1"), board}
			update(t, "p1", first, second)
			t.Run("a re-import's changes are read as the roster: moves, leavers, roles, newcomers", func(t *testing.T) {
				got, err := s.ListMembers(ctx, c)
				if err != nil || !slices.Equal(emails(got), emails(second)) {
					t.Errorf("members %v, %v; want %v", emails(got), err, emails(second))
				}
				if got, want := unit(t, "u1"), []string{"an@x.vn", "em@x.vn"}; !slices.Equal(got, want) {
					t.Errorf("u1 %v, want %v", got, want)
				}
				if got, want := unit(t, "u2"), []string{"binh@x.vn", "dung@x.vn"}; !slices.Equal(got, want) {
					t.Errorf("u2 %v, want %v", got, want)
				}
				if _, found, _ := s.GetMember(ctx, c, "chi@x.vn"); found {
					t.Error("the leaver can still sign in")
				}
				if m, _, _ := s.GetMember(ctx, c, "dung@x.vn"); !m.Has(contest.RoleUnitAdmin) {
					t.Errorf("dung %+v", m)
				}
			})
			// binh goes back to u1, em leaves again, chi comes back, an leaves
			third := []contest.Member{staff("binh@x.vn", "u1"), staff("chi@x.vn", "u2"), staff("dung@x.vn", "u2", contest.RoleParticipant, contest.RoleUnitAdmin), board}
			update(t, "p2", second, third)
			t.Run("a second re-import folds in the first one's changes", func(t *testing.T) {
				got, err := s.ListMembers(ctx, c)
				if err != nil || !slices.Equal(emails(got), emails(third)) {
					t.Errorf("members %v, %v; want %v", emails(got), err, emails(third))
				}
				if got, want := unit(t, "u1"), []string{"binh@x.vn"}; !slices.Equal(got, want) {
					t.Errorf("u1 %v, want %v", got, want)
				}
				if got, want := unit(t, "u2"), []string{"chi@x.vn", "dung@x.vn"}; !slices.Equal(got, want) {
					t.Errorf("u2 %v, want %v", got, want)
				}
				for _, gone := range []string{"an@x.vn", "em@x.vn"} {
					if _, found, _ := s.GetMember(ctx, c, gone); found {
						t.Errorf("%s can still sign in", gone)
					}
				}
			})
			t.Run("a role given afterwards to someone the re-import changed is read back", func(t *testing.T) {
				m := staff("chi@x.vn", "u1", contest.RoleParticipant, contest.RoleJury)
				if err := s.PutMember(ctx, c, m); err != nil {
					t.Fatal(err)
				}
				if got, _, _ := s.GetMember(ctx, c, "chi@x.vn"); !got.Has(contest.RoleJury) || got.UnitID != "u1" {
					t.Errorf("chi %+v", got)
				}
				if got, want := unit(t, "u2"), []string{"dung@x.vn"}; !slices.Equal(got, want) {
					t.Errorf("u2 %v, want %v", got, want)
				}
				if got, want := unit(t, "u1"), []string{"binh@x.vn", "chi@x.vn"}; !slices.Equal(got, want) {
					t.Errorf("u1 %v, want %v", got, want)
				}
			})
			t.Run("a whole replacement afterwards leaves none of the changes", func(t *testing.T) {
				if err := s.ReplaceRoster(ctx, c, "v2", first); err != nil {
					t.Fatal(err)
				}
				got, err := s.ListMembers(ctx, c)
				if err != nil || !slices.Equal(emails(got), emails(first)) {
					t.Errorf("members %v, %v; want %v", emails(got), err, emails(first))
				}
				if got, want := unit(t, "u1"), []string{"an@x.vn", "binh@x.vn"}; !slices.Equal(got, want) {
					t.Errorf("u1 %v, want %v", got, want)
				}
			})
		})
	}
}

func TestStoresReplaceTheRosterWhole(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t).(replacer)
			// GIVEN a roster written person by person (the CLI, the demo) and a citizen who signed up
			for _, m := range []contest.Member{staff("an@x.vn", "so-noi-vu"), staff("binh@x.vn", "so-noi-vu"), staff("btc@x.vn", "", contest.RoleOrganiser)} {
				if err := s.PutMember(ctx, c, m); err != nil {
					t.Fatal(err)
				}
			}
			citizen := contest.Member{Email: "dan@gmail.com", Name: "Người dân", Ward: "Phú Hội", Audience: contest.AudienceCitizen, Roles: []contest.Role{contest.RoleParticipant}}
			if err := s.PutMember(ctx, c, citizen); err != nil {
				t.Fatal(err)
			}
			t.Run("before any replacement the roster lists the board's organiser, who has no unit", func(t *testing.T) {
				got, err := s.ListMembers(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(emails(got), "btc@x.vn") {
					t.Errorf("members %v lack btc@x.vn", emails(got))
				}
			})
			// WHEN the roster is replaced: binh moves, an leaves, cuong comes
			next := []contest.Member{staff("binh@x.vn", "so-tu-phap"), staff("cuong@x.vn", "so-noi-vu"), staff("btc@x.vn", "", contest.RoleOrganiser)}
			if err := s.ReplaceRoster(ctx, c, "v1", next); err != nil {
				t.Fatal(err)
			}
			t.Run("the leaver is gone and the newcomer is there", func(t *testing.T) {
				if _, found, _ := s.GetMember(ctx, c, "an@x.vn"); found {
					t.Error("an@x.vn is still found")
				}
				if m, found, _ := s.GetMember(ctx, c, "cuong@x.vn"); !found || m.UnitID != "so-noi-vu" {
					t.Errorf("cuong: %+v, %v", m, found)
				}
			})
			t.Run("units list their new people only", func(t *testing.T) {
				for unit, want := range map[string][]string{"so-noi-vu": {"cuong@x.vn"}, "so-tu-phap": {"binh@x.vn"}} {
					got, err := s.ListRoster(ctx, c, unit)
					if err != nil || !slices.Equal(emails(got), want) {
						t.Errorf("%s: %v, %v; want %v", unit, emails(got), err, want)
					}
				}
			})
			t.Run("the citizen who signed up stays", func(t *testing.T) {
				if _, found, _ := s.GetMember(ctx, c, "dan@gmail.com"); !found {
					t.Error("the citizen is gone")
				}
			})
			t.Run("the roster lists the new version", func(t *testing.T) {
				got, err := s.ListMembers(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				if g := slices.DeleteFunc(emails(got), func(e string) bool { return e == "dan@gmail.com" }); !slices.Equal(g, []string{"binh@x.vn", "btc@x.vn", "cuong@x.vn"}) {
					t.Errorf("members %v", g)
				}
			})
			t.Run("a person written after the replacement joins the current roster", func(t *testing.T) {
				if err := s.PutMember(ctx, c, staff("dung@x.vn", "so-noi-vu")); err != nil {
					t.Fatal(err)
				}
				if got, _ := s.ListRoster(ctx, c, "so-noi-vu"); !slices.Equal(emails(got), []string{"cuong@x.vn", "dung@x.vn"}) {
					t.Errorf("so-noi-vu: %v", emails(got))
				}
			})
			t.Run("a second replacement replaces the first", func(t *testing.T) {
				if err := s.ReplaceRoster(ctx, c, "v2", []contest.Member{staff("em@x.vn", "so-noi-vu")}); err != nil {
					t.Fatal(err)
				}
				if _, found, _ := s.GetMember(ctx, c, "cuong@x.vn"); found {
					t.Error("cuong@x.vn of v1 is still found")
				}
				if got, _ := s.ListRoster(ctx, c, "so-noi-vu"); !slices.Equal(emails(got), []string{"em@x.vn"}) {
					t.Errorf("so-noi-vu: %v", emails(got))
				}
			})
		})
	}
}

func TestStoresReplaceTheUnitsWhole(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t).(replacer)
			_ = s.PutUnit(ctx, c, contest.Unit{ID: "cu", Name: "Cũ", Block: contest.BlockAgency, Headcount: 3})
			want := []contest.Unit{{ID: "a", Name: "A", Block: contest.BlockAgency, Headcount: 1}, {ID: "b", Name: "B", Block: contest.BlockCommune, Headcount: 2}}
			if err := s.ReplaceUnits(ctx, c, "u1", want); err != nil {
				t.Fatal(err)
			}
			if got, err := s.ListUnits(ctx, c); err != nil || !slices.Equal(got, want) {
				t.Errorf("units %+v, %v; want %+v", got, err, want)
			}
		})
	}
}

func TestStoresOnlyAppendToTheAuditLog(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t).(replacer)
			var entries []audit.Entry
			for i, action := range []string{audit.ImportUnits, audit.ImportRoster, audit.SettingsUpdate} {
				e, err := audit.New(t0.Add(time.Duration(i)*time.Hour), "btc@x.vn", action, fmt.Sprintf("việc %d", i), "trước", "sau")
				if err != nil {
					t.Fatal(err)
				}
				if err := s.AppendAudit(ctx, c, e); err != nil {
					t.Fatal(err)
				}
				entries = append(entries, e)
			}
			t.Run("an entry cannot be written over", func(t *testing.T) {
				again := entries[0]
				again.Summary = "sửa lại"
				if err := s.AppendAudit(ctx, c, again); fault.CodeOf(err) != "audit_exists" {
					t.Errorf("err = %v, want audit_exists", err)
				}
			})
			t.Run("entries read back newest first, whole", func(t *testing.T) {
				got, err := s.ListAudit(ctx, c, audit.Query{}, 100)
				if err != nil || len(got) != 3 || got[0].ID != entries[2].ID || got[2].Summary != "việc 0" || got[2].Before != "trước" || !got[2].At.Equal(entries[0].At) {
					t.Errorf("entries %+v, %v", got, err)
				}
			})
			t.Run("a query selects by kind and time", func(t *testing.T) {
				got, _ := s.ListAudit(ctx, c, audit.Query{Kind: "import", From: t0.Add(30 * time.Minute)}, 100)
				if len(got) != 1 || got[0].Action != audit.ImportRoster {
					t.Errorf("entries %+v", got)
				}
			})
			// more entries, two of them in the same millisecond, by another
			for i := range 4 {
				e, _ := audit.New(t0.Add(3*time.Hour+time.Duration(i/2)*time.Minute), "lan@x.vn", audit.RolesUpdate, "vai trò", "", "")
				if err := s.AppendAudit(ctx, c, e); err != nil {
					t.Fatal(err)
				}
			}
			t.Run("pages of two, each after the last one's cursor, list the whole log once, newest first", func(t *testing.T) {
				var seen []audit.Entry
				q := audit.Query{}
				for range 10 {
					got, err := s.ListAudit(ctx, c, q, 3)
					if err != nil {
						t.Fatal(err)
					}
					page, next := audit.Page(got, 2)
					seen = append(seen, page...)
					if next == "" {
						break
					}
					if q.After, err = audit.ParseCursor(next); err != nil {
						t.Fatal(err)
					}
				}
				if len(seen) != 7 || !slices.IsSortedFunc(seen, audit.Compare) || seen[6].ID != entries[0].ID {
					t.Errorf("%d entries, sorted %v: %+v", len(seen), slices.IsSortedFunc(seen, audit.Compare), seen)
				}
			})
			t.Run("a query selects by who, any case, and pages within it", func(t *testing.T) {
				got, _ := s.ListAudit(ctx, c, audit.Query{Actor: "LAN@"}, 3)
				page, next := audit.Page(got, 2)
				after, _ := audit.ParseCursor(next)
				rest, _ := s.ListAudit(ctx, c, audit.Query{Actor: "lan", After: after}, 3)
				if len(page) != 2 || len(rest) != 2 || rest[0].Actor != "lan@x.vn" || audit.Compare(page[1], rest[0]) >= 0 {
					t.Errorf("page %+v, then %+v", page, rest)
				}
			})
		})
	}
}
