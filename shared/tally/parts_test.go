package tally_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

// rankedInParts ranks papers split into n parts by participant, merges the
// parts in the order of tally.Before, numbers the lines, hands the prizes
// out from a head of the given length (longer until it is enough) and adds
// up the units: the steps of a tally too large for memory.
func rankedInParts(papers []contest.Submitted, units []contest.Unit, n, head int, rules tally.Rules) ([]tally.Entry, []tally.UnitStats) {
	parts := make([][]contest.Submitted, n)
	for _, p := range papers {
		i := int(p.ParticipantID[len(p.ParticipantID)-1]) % n
		parts[i] = append(parts[i], p)
	}
	all := tally.CountAllCorrect(papers)
	counted := tally.NewUnitTally(units)
	var merged []tally.Ranked
	for _, part := range parts {
		u := tally.NewUnitTally(units)
		u.AddPapers(part)
		counted.Merge(u)
		merged = append(merged, tally.RankPart(part, all, rules.Order)...)
	}
	slices.SortFunc(merged, tally.Before) // what the k-way merge yields
	out := make([]tally.Entry, len(merged))
	var r tally.Ranker
	for i, k := range merged {
		out[i] = tally.NewEntry(k.Paper, r.Next(k.Key), all, rules.Excluded[k.Paper.ParticipantID])
	}
	for h := head; ; h *= 2 {
		top := out[:min(h, len(out))]
		if tally.AwardPrizes(top, rules.Prizes) || h >= len(out) {
			break
		}
	}
	for i := range out {
		counted.AddRanked(&out[i])
	}
	return out, counted.Stats()
}

func TestARankingInPartsIsTheRankingOfTheWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	units := []contest.Unit{{ID: "a", Name: "A", Block: contest.BlockAgency, Headcount: 40}, {ID: "b", Name: "B", Block: contest.BlockCommune, Headcount: 30},
		{ID: "c", Name: "C", Block: contest.BlockService}}
	var papers []contest.Submitted
	for i := range 300 {
		id := fmt.Sprintf("p%03d", i)
		unit := []string{"a", "b", "c", "", "gone"}[rng.IntN(5)]
		for n := range 1 + rng.IntN(3) {
			p := attempt(id, n+1, 12+rng.IntN(4), 100+rng.IntN(6), int64(60+rng.IntN(5))*1000, t0.Add(time.Duration(rng.IntN(4))*time.Second))
			p.UnitID = unit
			if rng.IntN(30) == 0 {
				p.Excluded = "Làm bài quá nhanh"
			}
			papers = append(papers, p)
		}
	}
	tests := []struct {
		name     string
		parts    int
		head     int
		excluded map[string]bool
	}{
		{"one part and a head of the whole ranking", 1, 1000, nil},
		{"seven parts and a head too short at first", 7, 1, nil},
		{"sixty-four parts, some empty", 64, 3, nil},
		{"parts with organisers excluded at the top", 5, 2, map[string]bool{"p001": true, "p002": true, "p150": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := tally.Rules{Prizes: tally.DefaultPrizes, Excluded: tt.excluded}
			want := tally.Ranking(papers, tally.CountAllCorrect(papers), rules)
			wantUnits := tally.Units(units, want, papers)
			got, gotUnits := rankedInParts(papers, units, tt.parts, tt.head, rules)
			if !slices.Equal(got, want) {
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("line %d is %+v, want %+v", i, got[i], want[i])
					}
				}
				t.Fatalf("%d lines, want %d", len(got), len(want))
			}
			if !slices.Equal(gotUnits, wantUnits) {
				t.Errorf("units %+v, want %+v", gotUnits, wantUnits)
			}
		})
	}
}
