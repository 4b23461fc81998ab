package demo_test

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
)

func TestRosterHeadcounts(t *testing.T) {
	perUnit := map[string]int{}
	for _, m := range demo.Roster() {
		perUnit[m.UnitID]++
	}
	for _, u := range demo.Units() {
		t.Run(u.Name+" has exactly its headcount on the roster", func(t *testing.T) {
			if got, want := perUnit[u.ID], u.Headcount; got != want {
				t.Errorf("%s has %d members, want %d", u.ID, got, want)
			}
		})
		delete(perUnit, u.ID)
	}
	t.Run("no member belongs to an unknown unit", func(t *testing.T) {
		if len(perUnit) != 0 {
			t.Errorf("members in unknown units: %v", perUnit)
		}
	})
}

func TestRosterIsDeterministic(t *testing.T) {
	a, b := demo.Roster(), demo.Roster()
	if len(a) != len(b) {
		t.Fatalf("two calls gave %d and %d members", len(a), len(b))
	}
	for i := range a {
		if a[i].Email != b[i].Email || a[i].Name != b[i].Name || a[i].UnitID != b[i].UnitID {
			t.Fatalf("member %d differs between calls: %+v vs %+v", i, a[i], b[i])
		}
	}
}

func TestRosterEmails(t *testing.T) {
	seen := map[string]string{}
	for _, m := range demo.Staff() {
		seen[m.Email] = "staff"
	}
	for _, m := range demo.Roster() {
		t.Run(m.Email+" is a unique valid address in the demo domain", func(t *testing.T) {
			if other, dup := seen[m.Email]; dup {
				t.Errorf("e-mail %s is used twice (also by %s)", m.Email, other)
			}
			seen[m.Email] = m.Name
			got, err := contest.NormalizeEmail(m.Email)
			if err != nil || got != m.Email {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want it unchanged", m.Email, got, err)
			}
			if !strings.HasSuffix(m.Email, "@"+demo.Domain) {
				t.Errorf("e-mail %s is not in %s", m.Email, demo.Domain)
			}
			if !demo.Contest().InAllowedDomain(m.Email) {
				t.Errorf("the demo contest does not allow %s", m.Email)
			}
			local := strings.TrimSuffix(m.Email, "@"+demo.Domain)
			for _, r := range local {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.') {
					t.Errorf("e-mail %s has %q in its local part, want only a-z, 0-9 and dots", m.Email, r)
				}
			}
		})
	}
}

// TestRosterEmailsSpellTheNames checks that each letter of the name becomes
// one letter of the address (given.familymiddle), so no Vietnamese letter is
// dropped when diacritics are folded.
func TestRosterEmailsSpellTheNames(t *testing.T) {
	for _, m := range demo.Roster() {
		t.Run(m.Name+" is spelt in "+m.Email, func(t *testing.T) {
			words := strings.Fields(m.Name)
			if len(words) != 3 {
				t.Fatalf("name %q has %d words, want family, middle and given names", m.Name, len(words))
			}
			local := strings.TrimSuffix(m.Email, "@"+demo.Domain)
			given, rest, ok := strings.Cut(local, ".")
			if !ok {
				t.Fatalf("e-mail %s has no dot between given and family names", m.Email)
			}
			rest = strings.TrimRight(rest, "0123456789")
			if got, want := len(given), utf8.RuneCountInString(words[2]); got != want {
				t.Errorf("given name %q is spelt %q (%d letters), want %d letters", words[2], given, got, want)
			}
			if got, want := len(rest), utf8.RuneCountInString(words[0]+words[1]); got != want {
				t.Errorf("family and middle names %q %q are spelt %q (%d letters), want %d letters", words[0], words[1], rest, got, want)
			}
		})
	}
}

func TestRosterNames(t *testing.T) {
	roster := demo.Roster()
	withDiacritics := 0
	for _, m := range roster {
		if !utf8.ValidString(m.Name) {
			t.Errorf("name %q is not valid UTF-8", m.Name)
		}
		for _, r := range m.Name {
			if r > unicode.MaxASCII && unicode.IsLetter(r) {
				withDiacritics++
				break
			}
		}
	}
	t.Run("most names carry Vietnamese diacritics", func(t *testing.T) {
		if got, want := withDiacritics, len(roster)*3/4; got < want {
			t.Errorf("%d of %d names have a letter with diacritics, want at least %d", got, len(roster), want)
		}
	})
	t.Run("names are not folded to ASCII", func(t *testing.T) {
		for _, m := range roster {
			for _, folded := range []string{"Nguyen ", "Tran ", "Pham ", "Dang ", "Bui ", "Do ", "Ngo ", "Duong ", " Van ", " Thi ", " Duc ", " Ngoc "} {
				if strings.Contains(" "+m.Name+" ", folded) {
					t.Errorf("name %q contains the folded %q", m.Name, strings.TrimSpace(folded))
				}
			}
		}
	})
}

func TestRosterRoles(t *testing.T) {
	admins := map[string][]string{}
	for _, m := range demo.Roster() {
		if m.Audience != contest.AudienceStaff {
			t.Errorf("%s has audience %q, want staff", m.Email, m.Audience)
		}
		if !contest.MayCompete(m.Roles) {
			t.Errorf("%s (roles %v) may not compete, want every roster member a participant", m.Email, m.Roles)
		}
		if m.Has(contest.RoleOrganiser) || m.Has(contest.RoleJury) {
			t.Errorf("%s on a unit roster has roles %v", m.Email, m.Roles)
		}
		if m.Has(contest.RoleUnitAdmin) {
			admins[m.UnitID] = append(admins[m.UnitID], m.Email)
		}
	}
	for _, u := range demo.Units() {
		t.Run(u.Name+" has exactly one unit admin", func(t *testing.T) {
			if got := len(admins[u.ID]); got != 1 {
				t.Errorf("%s has %d unit admins %v, want 1", u.ID, got, admins[u.ID])
			}
		})
	}
}

func TestUnits(t *testing.T) {
	seen := map[string]bool{}
	blocks := map[contest.Block]int{}
	for _, u := range demo.Units() {
		if !contest.ValidID(u.ID) || seen[u.ID] {
			t.Errorf("unit id %q is invalid or repeated", u.ID)
		}
		seen[u.ID] = true
		blocks[u.Block]++
	}
	for _, b := range []contest.Block{contest.BlockAgency, contest.BlockService, contest.BlockCommune} {
		t.Run("block "+string(b)+" has units", func(t *testing.T) {
			if blocks[b] == 0 {
				t.Errorf("block %s has no units", b)
			}
		})
	}
}

func TestWeekStart(t *testing.T) {
	ict := contest.ICT
	monday := time.Date(2025, time.March, 3, 0, 0, 0, 0, ict) // a Monday
	tests := []struct {
		name string
		t    time.Time
		want time.Time
	}{
		{name: "Monday 00:00 ICT is its own week start", t: monday, want: monday},
		{name: "Monday 00:00 ICT given in UTC (Sunday 17:00) starts that Monday's week", t: monday.UTC(), want: monday},
		{name: "Monday 10:00 ICT belongs to that Monday", t: monday.Add(10 * time.Hour), want: monday},
		{name: "Tuesday 08:30 ICT belongs to that Monday", t: time.Date(2025, time.March, 4, 8, 30, 0, 0, ict), want: monday},
		{name: "Wednesday noon ICT belongs to that Monday", t: time.Date(2025, time.March, 5, 12, 0, 0, 0, ict), want: monday},
		{name: "Thursday 23:00 UTC (Friday 06:00 ICT) belongs to that Monday", t: time.Date(2025, time.March, 6, 23, 0, 0, 0, time.UTC), want: monday},
		{name: "Saturday 18:00 ICT belongs to that Monday", t: time.Date(2025, time.March, 8, 18, 0, 0, 0, ict), want: monday},
		{name: "Sunday 23:59 ICT belongs to the Monday before", t: time.Date(2025, time.March, 9, 23, 59, 0, 0, ict), want: monday},
		{name: "Sunday 23:59:59.999999999 ICT belongs to the Monday before", t: monday.AddDate(0, 0, 7).Add(-time.Nanosecond), want: monday},
		{name: "Sunday 16:59 UTC (23:59 ICT) belongs to the Monday before", t: time.Date(2025, time.March, 9, 16, 59, 0, 0, time.UTC), want: monday},
		{name: "Sunday 17:00 UTC (Monday 00:00 ICT) starts the next week", t: time.Date(2025, time.March, 9, 17, 0, 0, 0, time.UTC), want: monday.AddDate(0, 0, 7)},
		{name: "Sunday 09:00 in UTC-8 (Monday 00:00 ICT) starts the next week", t: time.Date(2025, time.March, 9, 9, 0, 0, 0, time.FixedZone("PST", -8*3600)), want: monday.AddDate(0, 0, 7)},
		{name: "one nanosecond before Monday 00:00 ICT belongs to the week before", t: monday.Add(-time.Nanosecond), want: monday.AddDate(0, 0, -7)},
		{name: "New Year's Day 2025 (a Wednesday) belongs to Monday 30 December 2024", t: time.Date(2025, time.January, 1, 9, 0, 0, 0, ict), want: time.Date(2024, time.December, 30, 0, 0, 0, 0, ict)},
		{name: "29 February 2024 (a Thursday) belongs to Monday 26 February", t: time.Date(2024, time.February, 29, 9, 0, 0, 0, ict), want: time.Date(2024, time.February, 26, 0, 0, 0, 0, ict)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := demo.WeekStart(tt.t)
			if !got.Equal(tt.want) {
				t.Errorf("WeekStart(%v) = %v, want %v", tt.t, got, tt.want)
			}
			local := got.In(ict)
			if local.Weekday() != time.Monday || local.Hour() != 0 || local.Minute() != 0 || local.Second() != 0 || local.Nanosecond() != 0 {
				t.Errorf("WeekStart(%v) = %v, want a Monday at 00:00 ICT", tt.t, local)
			}
			if _, off := got.Zone(); off != 7*3600 {
				t.Errorf("WeekStart(%v) is in a zone of offset %ds, want ICT (+7h)", tt.t, off)
			}
		})
	}
}

func TestRounds(t *testing.T) {
	ict := contest.ICT
	tests := []struct {
		name string
		now  time.Time
	}{
		{name: "at Monday 00:00 ICT", now: time.Date(2025, time.March, 3, 0, 0, 0, 0, ict)},
		{name: "on a Wednesday afternoon", now: time.Date(2025, time.March, 5, 15, 0, 0, 0, ict)},
		{name: "on Sunday 23:59:59 ICT", now: time.Date(2025, time.March, 9, 23, 59, 59, 0, ict)},
		{name: "on Sunday evening in UTC, already Monday in Vietnam", now: time.Date(2025, time.March, 9, 18, 0, 0, 0, time.UTC)},
		{name: "in the week of New Year", now: time.Date(2025, time.December, 31, 10, 0, 0, 0, ict)},
		{name: "in the first full week of January", now: time.Date(2026, time.January, 6, 10, 0, 0, 0, ict)},
	}
	wantStatus := []contest.Status{contest.StatusClosed, contest.StatusClosed, contest.StatusOpen, contest.StatusOpen, contest.StatusUpcoming, contest.StatusUpcoming}
	for _, tt := range tests {
		t.Run(tt.name+" last week's rounds are closed, this week's open and next week's upcoming", func(t *testing.T) {
			rounds := demo.Rounds(tt.now)
			if got, want := len(rounds), 6; got != want {
				t.Fatalf("Rounds(%v) has %d rounds, want %d", tt.now, got, want)
			}
			ids := map[string]bool{}
			this := demo.WeekStart(tt.now)
			for i, r := range rounds {
				if got := r.Status(tt.now); got != wantStatus[i] {
					t.Errorf("round %d (%s) is %s at %v, want %s", i, r.ID, got, tt.now, wantStatus[i])
				}
				if err := r.Validate(); err != nil {
					t.Errorf("round %s: Validate() = %v", r.ID, err)
				}
				if !contest.ValidID(r.ID) {
					t.Errorf("round id %q is not valid", r.ID)
				}
				if ids[r.ID] {
					t.Errorf("round id %q is repeated", r.ID)
				}
				ids[r.ID] = true
				if r.ContestID != demo.ContestID {
					t.Errorf("round %s belongs to contest %q, want %q", r.ID, r.ContestID, demo.ContestID)
				}
				wantOpens := this.AddDate(0, 0, 7*(i/2-1))
				if !r.OpensAt.Equal(wantOpens) || !r.ClosesAt.Equal(wantOpens.AddDate(0, 0, 7)) {
					t.Errorf("round %s runs %v – %v, want %v – %v", r.ID, r.OpensAt, r.ClosesAt, wantOpens, wantOpens.AddDate(0, 0, 7))
				}
				wantAudience, wantBank := contest.AudienceStaff, "demo-staff"
				if i%2 == 1 {
					wantAudience, wantBank = contest.AudienceCitizen, "demo-citizen"
				}
				if r.Audience != wantAudience || r.BankID != wantBank {
					t.Errorf("round %s is for %s from %s, want %s from %s", r.ID, r.Audience, r.BankID, wantAudience, wantBank)
				}
			}
		})
	}
}

// TestRoundIDsAreUniqueAcrossYears walks every week from 2023 to 2027: each
// week's rounds must have ids of their own, or seeding one week would
// overwrite another week's round and reuse its papers.
func TestRoundIDsAreUniqueAcrossYears(t *testing.T) {
	first := time.Date(2023, time.January, 2, 12, 0, 0, 0, contest.ICT) // a Monday
	tests := []struct {
		name     string
		audience int // index in Rounds' output of this week's round
	}{
		{name: "staff round ids never repeat across five years of weeks", audience: 2},
		{name: "citizen round ids never repeat across five years of weeks", audience: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			weekOf := map[string]time.Time{}
			for d := first; d.Year() < 2028; d = d.AddDate(0, 0, 7) {
				r := demo.Rounds(d)[tt.audience]
				if prev, dup := weekOf[r.ID]; dup {
					t.Errorf("round id %q is used by the week of %s and the week of %s",
						r.ID, prev.Format("2006-01-02"), r.OpensAt.Format("2006-01-02"))
					continue
				}
				weekOf[r.ID] = r.OpensAt
			}
		})
	}
}
