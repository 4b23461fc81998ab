package tally_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

func TestAnExcludedPaperLeavesTheRankingNotTheParticipation(t *testing.T) {
	units := []contest.Unit{{ID: "so-a", Name: "Sở A", Block: contest.BlockAgency, Headcount: 4}}
	papers := []contest.Submitted{
		unitPaper("a1", "so-a", 1, 15, 15), // first, until excluded
		unitPaper("a2", "so-a", 1, 14, 15),
		unitPaper("a3", "so-a", 1, 13, 15),
		unitPaper("a4", "so-a", 1, 12, 15),
	}
	r := contest.Round{ID: "2026-w02", Audience: contest.AudienceStaff, ClosesAt: t0}
	rules := tally.Rules{Prizes: []contest.Prize{{Name: "Giải Nhất", Count: 1}, {Name: "Giải Nhì", Count: 1}}}
	before := tally.Compute("demo", r, units, papers, rules, t0.Add(time.Hour))
	papers[0].Excluded = "Làm bài quá nhanh"
	after := tally.Compute("demo", r, units, papers, rules, t0.Add(time.Hour))

	names := func(entries []tally.PublicEntry) []string {
		var out []string
		for _, e := range entries {
			out = append(out, e.Name+" "+e.Prize)
		}
		return out
	}
	t.Run("the excluded paper is out of the ranking and the prizes move down", func(t *testing.T) {
		if got, want := names(after.Ranking), []string{"Cán bộ a2 Giải Nhất", "Cán bộ a3 Giải Nhì", "Cán bộ a4 "}; !slices.Equal(got, want) {
			t.Errorf("ranking %v, want %v (before: %v)", got, want, names(before.Ranking))
		}
		if after.Ranking[0].Rank != 1 {
			t.Errorf("first rank %d", after.Ranking[0].Rank)
		}
	})
	t.Run("the results say how many papers were excluded, never why", func(t *testing.T) {
		if before.ExcludedPapers != 0 || after.ExcludedPapers != 1 || after.Papers != 4 {
			t.Errorf("excluded %d → %d, papers %d", before.ExcludedPapers, after.ExcludedPapers, after.Papers)
		}
		arts, err := tally.Artefacts(after, tally.ReportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range arts {
			if bytes.Contains(a.Data, []byte("quá nhanh")) {
				t.Errorf("%s publishes the reason", a.Name)
			}
		}
	})
	t.Run("the unit's participation still counts the excluded paper's author", func(t *testing.T) {
		b, a := before.Units[0], after.Units[0]
		if a.Participants != 4 || a.Papers != 4 || a.Rate != b.Rate {
			t.Errorf("participants %d, papers %d, rate %v (before %v)", a.Participants, a.Papers, a.Rate, b.Rate)
		}
	})
	t.Run("the unit's quality is over its ranked papers", func(t *testing.T) {
		if a := after.Units[0]; a.AllCorrect != 0 || a.AverageScore != 8.6667 {
			t.Errorf("all correct %d, average %v; want 0, (14+13+12)/3 out of 15 on 10", a.AllCorrect, a.AverageScore)
		}
	})
	t.Run("the all-correct count (the prediction's answer) still counts every paper", func(t *testing.T) {
		if after.AllCorrect != before.AllCorrect || after.AllCorrect != 1 {
			t.Errorf("all correct %d, before %d", after.AllCorrect, before.AllCorrect)
		}
	})
}
