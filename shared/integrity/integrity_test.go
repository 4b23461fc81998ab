package integrity_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/integrity"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, contest.ICT)

var units = []contest.Unit{{ID: "so-noi-vu", Name: "Sở Nội vụ"}, {ID: "phuong-an-cuu", Name: "UBND phường An Cựu"}}

// allRight is a 15-question paper with every answer right (question ids
// q01…q15 of the bank, the key option 0); wrongN has the first n wrong.
func responses(wrong int, blank bool) contest.Responses {
	var items []string
	for q := range 15 {
		chosen := "0"
		if q < wrong {
			chosen = "1"
		}
		if blank && q == 14 {
			chosen = "-"
		}
		items = append(items, fmt.Sprintf("q%02d:%s0", q+1, chosen))
	}
	return contest.Responses(strings.Join(items, " "))
}

type paperSpec struct {
	who       string
	unit      string
	from      contest.Requester
	start     time.Duration // after t0
	took      time.Duration
	wrong     int
	blank     bool
	automatic bool
	attempt   int
}

func (s paperSpec) paper() contest.Submitted {
	attempt := max(s.attempt, 1)
	pid := contest.ParticipantID("c", s.who)
	correct := 15 - s.wrong
	if s.blank {
		correct--
	}
	return contest.Submitted{PaperID: fmt.Sprintf("tuan-1.%s.%d", pid, attempt), ParticipantID: pid, Name: s.who, UnitID: s.unit, Attempt: attempt,
		Correct: correct, Total: 15, TimeTakenMs: s.took.Milliseconds(), SubmittedAt: t0.Add(s.start + s.took), Automatic: s.automatic,
		Responses: responses(s.wrong, s.blank), StartedFrom: s.from.Device(), SubmittedFrom: s.from.Device()}
}

func from(addr, ua string) contest.Requester { return contest.Requester{Address: addr, UserAgent: ua} }

// office is n honest papers from one office's address: each person's own
// browser, their own times, their own mistakes.
func office(n int) []paperSpec {
	var out []paperSpec
	for i := range n {
		out = append(out, paperSpec{who: fmt.Sprintf("Cán bộ %d", i), unit: "so-noi-vu", from: from("203.0.113.7", fmt.Sprintf("Trình duyệt %d", i)),
			start: time.Duration(i) * 7 * time.Minute, took: time.Duration(200+13*i) * time.Second, wrong: i % 3})
	}
	return out
}

var staff = []contest.Member{
	{Email: "btc@x.vn", Name: "Ban Tổ chức Hội thi", Roles: []contest.Role{contest.RoleOrganiser}},
	{Email: "giamkhao@x.vn", Name: "Lê Thị Hồng", Roles: []contest.Role{contest.RoleJury}},
	{Email: "tgv@x.vn", Name: "Phan Văn Tài", UnitID: "so-noi-vu", Roles: []contest.Role{contest.RoleOrganiser, contest.RoleParticipant}},
}

func review(specs []paperSpec, rules integrity.Rules) (integrity.Report, []contest.Submitted) {
	papers := make([]contest.Submitted, len(specs))
	for i, s := range specs {
		papers[i] = s.paper()
	}
	return integrity.Review(papers, units, staff, rules), papers
}

// kinds lists the suspicious signals of each flagged paper, by participant name.
func kinds(rep integrity.Report, level integrity.Level) map[string][]integrity.Kind {
	out := map[string][]integrity.Kind{}
	for _, f := range rep.Flags {
		for _, s := range f.Signals {
			if s.Level == level {
				out[f.Participant] = append(out[f.Participant], s.Kind)
			}
		}
	}
	return out
}

func TestEachKindOfSuspiciousPaperIsFlagged(t *testing.T) {
	home := func(i int) contest.Requester { return from(fmt.Sprintf("198.51.100.%d", i), "Điện thoại") }
	tests := []struct {
		name   string
		papers []paperSpec
		rules  integrity.Rules
		want   map[string][]integrity.Kind
	}{
		{"15 answers submitted in 20 s (under 2 s a question) is impossible speed",
			[]paperSpec{{who: "An", from: home(1), took: 20 * time.Second}, {who: "Bình", from: home(2), start: time.Hour, took: 40 * time.Second}},
			integrity.Rules{}, map[string][]integrity.Kind{"An": {integrity.KindSpeed}}},
		{"the contest's own floor counts: at 1 s a question, 20 s is fast but possible",
			[]paperSpec{{who: "An", from: home(1), took: 20 * time.Second}}, integrity.Rules{SpeedFloor: time.Second}, map[string][]integrity.Kind{}},
		{"a fast paper with a question left blank is not impossible speed",
			[]paperSpec{{who: "An", from: home(1), took: 10 * time.Second, blank: true}}, integrity.Rules{}, map[string][]integrity.Kind{}},
		{"two people with the same questions and the same three wrong choices have identical answers",
			[]paperSpec{{who: "An", from: home(1), took: 300 * time.Second, wrong: 3}, {who: "Bình", from: home(2), start: time.Hour, took: 250 * time.Second, wrong: 3},
				{who: "Chi", from: home(3), start: 2 * time.Hour, took: 250 * time.Second, wrong: 4}},
			integrity.Rules{}, map[string][]integrity.Kind{"An": {integrity.KindIdenticalAnswers}, "Bình": {integrity.KindIdenticalAnswers}}},
		{"papers alike in their right answers and two shared mistakes are not flagged",
			[]paperSpec{{who: "An", from: home(1), took: 300 * time.Second}, {who: "Bình", from: home(2), start: time.Hour, took: 250 * time.Second},
				{who: "Chi", from: home(3), took: 200 * time.Second, wrong: 2}, {who: "Dũng", from: home(4), start: 3 * time.Hour, took: 100 * time.Second, wrong: 2}},
			integrity.Rules{}, map[string][]integrity.Kind{}},
		{"two people who start and submit in the same seconds have identical timings",
			[]paperSpec{{who: "An", from: home(1), took: 300 * time.Second, wrong: 1}, {who: "Bình", from: home(2), start: 200 * time.Millisecond, took: 300 * time.Second, wrong: 2},
				{who: "Chi", from: home(3), took: 301 * time.Second}},
			integrity.Rules{}, map[string][]integrity.Kind{"An": {integrity.KindIdenticalTimings}, "Bình": {integrity.KindIdenticalTimings}}},
		{"papers the server closed at the same deadline are not identical timings",
			[]paperSpec{{who: "An", from: home(1), took: 600 * time.Second, automatic: true, wrong: 1}, {who: "Bình", from: home(2), took: 600 * time.Second, automatic: true, wrong: 2}},
			integrity.Rules{}, map[string][]integrity.Kind{}},
		{"one person's two attempts alike are not flagged",
			[]paperSpec{{who: "An", from: home(1), took: 300 * time.Second, wrong: 3}, {who: "An", attempt: 2, from: home(1), start: time.Hour, took: 300 * time.Second, wrong: 3}},
			integrity.Rules{}, map[string][]integrity.Kind{}},
		{"a participant with a juror's name, under another address, is flagged",
			[]paperSpec{{who: "Lê  Thị Hồng", unit: "phuong-an-cuu", from: home(1), took: 300 * time.Second}}, integrity.Rules{},
			map[string][]integrity.Kind{"Lê  Thị Hồng": {integrity.KindStaff}}},
		{"a namesake of a unit's support staff in another unit is not flagged",
			[]paperSpec{{who: "Phan Văn Tài", unit: "phuong-an-cuu", from: home(1), took: 300 * time.Second}}, integrity.Rules{}, map[string][]integrity.Kind{}},
		{"the support staff's namesake in their own unit is flagged",
			[]paperSpec{{who: "Phan Văn Tài", unit: "so-noi-vu", from: home(1), took: 300 * time.Second}}, integrity.Rules{},
			map[string][]integrity.Kind{"Phan Văn Tài": {integrity.KindStaff}}},
		{"honest papers from one office address are not accused", office(12), integrity.Rules{}, map[string][]integrity.Kind{}},
		{"three people on one computer are counted, not accused",
			[]paperSpec{{who: "An", from: home(1), took: 300 * time.Second}, {who: "Bình", from: home(1), start: time.Hour, took: 200 * time.Second, wrong: 1},
				{who: "Chi", from: home(1), start: 2 * time.Hour, took: 100 * time.Second, wrong: 2}}, integrity.Rules{}, map[string][]integrity.Kind{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, _ := review(tt.papers, tt.rules)
			got := kinds(rep, integrity.Suspicious)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("flagged %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSharedConnectionsAreCountedNotAccused(t *testing.T) {
	specs := office(12)
	cheat := paperSpec{who: "Nhanh", unit: "phuong-an-cuu", from: from("203.0.113.7", "Trình duyệt lạ"), start: 5 * time.Hour, took: 12 * time.Second}
	rep, _ := review(append(specs, cheat), integrity.Rules{})
	t.Run("the office's address is one informational group with its count and units, never the address", func(t *testing.T) {
		if len(rep.Shared) != 1 {
			t.Fatalf("shared %+v", rep.Shared)
		}
		s := rep.Shared[0]
		want := []integrity.UnitCount{{UnitID: "so-noi-vu", Name: "Sở Nội vụ", Papers: 12}, {UnitID: "phuong-an-cuu", Name: "UBND phường An Cựu", Papers: 1}}
		if s.Kind != integrity.KindSharedAddress || s.Papers != 13 || !slices.Equal(s.Units, want) || strings.Contains(s.Group, "203.0") {
			t.Errorf("group %+v", s)
		}
	})
	t.Run("only the fast paper is flagged, and it shows the shared address as information", func(t *testing.T) {
		if len(rep.Flags) != 1 || rep.Flags[0].Participant != "Nhanh" || rep.Flags[0].Unit != "UBND phường An Cựu" {
			t.Fatalf("flags %+v", rep.Flags)
		}
		if got := kinds(rep, integrity.Info)["Nhanh"]; !slices.Equal(got, []integrity.Kind{integrity.KindSharedAddress}) {
			t.Errorf("information %v", got)
		}
		for _, s := range rep.Flags[0].Signals {
			if strings.Contains(s.Detail, "203.0") || strings.Contains(s.Detail, "Trình duyệt") {
				t.Errorf("a signal names the address or the browser: %q", s.Detail)
			}
		}
	})
	t.Run("an IPv6 office is one group by its /64", func(t *testing.T) {
		var specs []paperSpec
		for i := range 10 {
			specs = append(specs, paperSpec{who: fmt.Sprint("Người ", i), from: from(fmt.Sprintf("2001:db8:1:2::%x", i+1), "x"), start: time.Duration(i) * time.Hour, took: 300 * time.Second})
		}
		if rep, _ := review(specs, integrity.Rules{}); len(rep.Shared) != 1 || rep.Shared[0].Papers != 10 || len(rep.Flags) != 0 {
			t.Errorf("shared %+v, flags %+v", rep.Shared, rep.Flags)
		}
	})
	t.Run("an excluded paper is still listed, with its reason", func(t *testing.T) {
		papers := []contest.Submitted{cheat.paper()}
		papers[0].Excluded = "Làm bài quá nhanh"
		if rep := integrity.Review(papers, units, nil, integrity.Rules{}); len(rep.Flags) != 1 || rep.Flags[0].Excluded != "Làm bài quá nhanh" {
			t.Errorf("flags %+v", rep.Flags)
		}
	})
}
