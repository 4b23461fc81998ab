package tally_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

// The unit fixture. Its expected figures in TestUnits are worked out by hand
// below, not by the code under test.
//
//	block   unit      head  people  papers (correct/total of each; * = best of a person's attempts)
//	agency  so-a         4     4      4     10/10 10/10 5/10 5/10
//	agency  so-b         3     4      5     b1: 7/10 then *10/10; b2..b4: 10/10   (joined after the roster import)
//	agency  so-c         5     0      0     —
//	agency  so-d         4     4      4     10/10 9/10 6/10 5/10
//	service dv-x         2     1      1     12/15
//	service dv-y         4     2      2     12/15 12/15
//	service dv-z         3     1      1     15/15
//	commune phuong-1     3     2      3     p1: 6/10 then *9/10; p2: 3/10
//	commune xa-2         8     7      7     10 10 10 8 8 6 4 (/10)
//	—       (citizen)    —     1      1     10/10, no unit
//	—       don-vi-cu    —     1      1     10/10, a unit no longer on the list
func fixtureUnits() []contest.Unit {
	// deliberately not in block order
	return []contest.Unit{
		{ID: "phuong-1", Name: "UBND phường Một", Block: contest.BlockCommune, Headcount: 3},
		{ID: "dv-z", Name: "Đơn vị Z", Block: contest.BlockService, Headcount: 3},
		{ID: "so-c", Name: "Sở C", Block: contest.BlockAgency, Headcount: 5},
		{ID: "xa-2", Name: "UBND xã Hai", Block: contest.BlockCommune, Headcount: 8},
		{ID: "so-a", Name: "Sở A", Block: contest.BlockAgency, Headcount: 4},
		{ID: "dv-y", Name: "Đơn vị Y", Block: contest.BlockService, Headcount: 4},
		{ID: "so-b", Name: "Sở B", Block: contest.BlockAgency, Headcount: 3},
		{ID: "dv-x", Name: "Đơn vị X", Block: contest.BlockService, Headcount: 2},
		{ID: "so-d", Name: "Sở D", Block: contest.BlockAgency, Headcount: 4},
	}
}

// unitPaper is participant who's n-th paper in unit (who is a letter and a
// digit), submitted n hours after t0; every person's time taken differs, so
// the fixture's ranking has no ties.
func unitPaper(who, unit string, n, correct, total int) contest.Submitted {
	return contest.Submitted{
		PaperID: fmt.Sprintf("2026-w02.%s.%d", who, n), ParticipantID: who, Email: who + "@demo.hue.gov.vn",
		Name: "Cán bộ " + who, UnitID: unit, Audience: contest.AudienceStaff, Attempt: n,
		Correct: correct, Total: total, Prediction: 12, TimeTakenMs: int64(60_000 + 997*int(who[0]) + 31*int(who[1]) + 7*n),
		SubmittedAt: t0.Add(time.Duration(n) * time.Hour),
	}
}

func fixturePapers() []contest.Submitted {
	ps := []contest.Submitted{
		unitPaper("a1", "so-a", 1, 10, 10), unitPaper("a2", "so-a", 1, 10, 10),
		unitPaper("a3", "so-a", 1, 5, 10), unitPaper("a4", "so-a", 1, 5, 10),

		unitPaper("b1", "so-b", 1, 7, 10), unitPaper("b1", "so-b", 2, 10, 10),
		unitPaper("b2", "so-b", 1, 10, 10), unitPaper("b3", "so-b", 1, 10, 10), unitPaper("b4", "so-b", 1, 10, 10),

		unitPaper("d1", "so-d", 1, 10, 10), unitPaper("d2", "so-d", 1, 9, 10),
		unitPaper("d3", "so-d", 1, 6, 10), unitPaper("d4", "so-d", 1, 5, 10),

		unitPaper("x1", "dv-x", 1, 12, 15),
		unitPaper("y1", "dv-y", 1, 12, 15), unitPaper("y2", "dv-y", 1, 12, 15),
		unitPaper("z1", "dv-z", 1, 15, 15),

		unitPaper("p1", "phuong-1", 1, 6, 10), unitPaper("p1", "phuong-1", 2, 9, 10), unitPaper("p2", "phuong-1", 1, 3, 10),

		unitPaper("q1", "xa-2", 1, 10, 10), unitPaper("q2", "xa-2", 1, 10, 10), unitPaper("q3", "xa-2", 1, 10, 10),
		unitPaper("q4", "xa-2", 1, 8, 10), unitPaper("q5", "xa-2", 1, 8, 10), unitPaper("q6", "xa-2", 1, 6, 10),
		unitPaper("q7", "xa-2", 1, 4, 10),

		unitPaper("c1", "", 1, 10, 10),
		unitPaper("o1", "don-vi-cu", 1, 10, 10),
	}
	ps[len(ps)-2].Audience = contest.AudienceCitizen
	return ps
}

// fixtureStats are the hand-computed figures of the fixture, in the order
// Units returns them: by block, then by rank within the block.
var fixtureStats = []struct {
	why  string
	want tally.UnitStats
}{
	{"Sở B has more participants than its headcount: rate capped at 1, flagged, and ranks first on its 10.0 average", tally.UnitStats{
		UnitID: "so-b", Name: "Sở B", Block: contest.BlockAgency, Headcount: 3, Participants: 4, Papers: 5,
		Rate: 1, OverRoster: true, AverageScore: 10, AllCorrect: 4, AllCorrectShare: 1, RankInBlock: 1}},
	{"Sở A at 100% with average (10+10+5+5)/4 = 7.5 and 2 of 4 all correct ranks second", tally.UnitStats{
		UnitID: "so-a", Name: "Sở A", Block: contest.BlockAgency, Headcount: 4, Participants: 4, Papers: 4,
		Rate: 1, AverageScore: 7.5, AllCorrect: 2, AllCorrectShare: 0.5, RankInBlock: 2}},
	{"Sở D at 100% with the same 7.5 average, (10+9+6+5)/4, but 1 of 4 all correct ranks third", tally.UnitStats{
		UnitID: "so-d", Name: "Sở D", Block: contest.BlockAgency, Headcount: 4, Participants: 4, Papers: 4,
		Rate: 1, AverageScore: 7.5, AllCorrect: 1, AllCorrectShare: 0.25, RankInBlock: 3}},
	{"Sở C with nobody taking part has rate 0, average 0 and ranks last", tally.UnitStats{
		UnitID: "so-c", Name: "Sở C", Block: contest.BlockAgency, Headcount: 5, Participants: 0, Papers: 0,
		Rate: 0, AverageScore: 0, AllCorrect: 0, AllCorrectShare: 0, RankInBlock: 4}},
	{"Đơn vị X at 1/2 with 12/15 = 8.0 out of 10 ties first", tally.UnitStats{
		UnitID: "dv-x", Name: "Đơn vị X", Block: contest.BlockService, Headcount: 2, Participants: 1, Papers: 1,
		Rate: 0.5, AverageScore: 8, AllCorrect: 0, AllCorrectShare: 0, RankInBlock: 1}},
	{"Đơn vị Y at 2/4 with the same 8.0 average and share ties first with X", tally.UnitStats{
		UnitID: "dv-y", Name: "Đơn vị Y", Block: contest.BlockService, Headcount: 4, Participants: 2, Papers: 2,
		Rate: 0.5, AverageScore: 8, AllCorrect: 0, AllCorrectShare: 0, RankInBlock: 1}},
	{"Đơn vị Z at 1/3 = 0.3333 ranks third despite a perfect paper: rate comes first", tally.UnitStats{
		UnitID: "dv-z", Name: "Đơn vị Z", Block: contest.BlockService, Headcount: 3, Participants: 1, Papers: 1,
		Rate: 0.3333, AverageScore: 10, AllCorrect: 1, AllCorrectShare: 1, RankInBlock: 3}},
	{"xã Hai at 7/8 = 0.875, average 56/7 = 8.0 and 3/7 = 0.4286 all correct ranks first", tally.UnitStats{
		UnitID: "xa-2", Name: "UBND xã Hai", Block: contest.BlockCommune, Headcount: 8, Participants: 7, Papers: 7,
		Rate: 0.875, AverageScore: 8, AllCorrect: 3, AllCorrectShare: 0.4286, RankInBlock: 1}},
	{"phường Một at 2/3 = 0.6667 counts 3 papers but 2 people, averaging best papers (9+3)/2 = 6.0", tally.UnitStats{
		UnitID: "phuong-1", Name: "UBND phường Một", Block: contest.BlockCommune, Headcount: 3, Participants: 2, Papers: 3,
		Rate: 0.6667, AverageScore: 6, AllCorrect: 0, AllCorrectShare: 0, RankInBlock: 2}},
}

func TestUnits(t *testing.T) {
	papers := fixturePapers()
	ranking := tally.Ranking(papers, tally.CountAllCorrect(papers), tally.Rules{})
	got := tally.Units(fixtureUnits(), ranking, papers)
	if len(got) != len(fixtureStats) {
		t.Fatalf("Units returned %d units, want %d (every listed unit, none invented): %+v", len(got), len(fixtureStats), got)
	}
	for i, tt := range fixtureStats {
		t.Run(tt.why, func(t *testing.T) {
			if got[i] != tt.want {
				t.Errorf("unit %d:\n got  %+v\n want %+v", i, got[i], tt.want)
			}
		})
	}
}

func TestUnitsEdges(t *testing.T) {
	tests := []struct {
		name   string
		units  []contest.Unit
		papers []contest.Submitted
		want   []tally.UnitStats
	}{
		{
			name:  "a round without papers gives every unit zero figures, all tied first in their block",
			units: []contest.Unit{{ID: "u1", Name: "U1", Block: contest.BlockAgency, Headcount: 5}, {ID: "u2", Name: "U2", Block: contest.BlockAgency, Headcount: 3}},
			want: []tally.UnitStats{
				{UnitID: "u1", Name: "U1", Block: contest.BlockAgency, Headcount: 5, RankInBlock: 1},
				{UnitID: "u2", Name: "U2", Block: contest.BlockAgency, Headcount: 3, RankInBlock: 1},
			},
		},
		{
			name:   "a unit that exactly fills its roster is at rate 1 and not over the roster",
			units:  []contest.Unit{{ID: "u1", Name: "U1", Block: contest.BlockCommune, Headcount: 2}},
			papers: []contest.Submitted{unitPaper("m1", "u1", 1, 10, 10), unitPaper("m2", "u1", 1, 0, 10)},
			want: []tally.UnitStats{{UnitID: "u1", Name: "U1", Block: contest.BlockCommune, Headcount: 2, Participants: 2, Papers: 2,
				Rate: 1, AverageScore: 5, AllCorrect: 1, AllCorrectShare: 0.5, RankInBlock: 1}},
		},
		{
			name:   "a unit with participants but no roster headcount yet is over the roster: rate 1",
			units:  []contest.Unit{{ID: "u1", Name: "U1", Block: contest.BlockCommune, Headcount: 0}},
			papers: []contest.Submitted{unitPaper("m1", "u1", 1, 10, 10), unitPaper("m2", "u1", 1, 5, 10)},
			want: []tally.UnitStats{{UnitID: "u1", Name: "U1", Block: contest.BlockCommune, Headcount: 0, Participants: 2, Papers: 2,
				Rate: 1, OverRoster: true, AverageScore: 7.5, AllCorrect: 1, AllCorrectShare: 0.5, RankInBlock: 1}},
		},
		{
			name:  "a unit with neither headcount nor participants has rate 0",
			units: []contest.Unit{{ID: "u1", Name: "U1", Block: contest.BlockCommune, Headcount: 0}},
			want:  []tally.UnitStats{{UnitID: "u1", Name: "U1", Block: contest.BlockCommune, RankInBlock: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ranking := tally.Ranking(tt.papers, tally.CountAllCorrect(tt.papers), tally.Rules{})
			got := tally.Units(tt.units, ranking, tt.papers)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d units, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("unit %d:\n got  %+v\n want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
