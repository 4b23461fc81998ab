package integrity_test

import (
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/hoithi/hoithi/shared/integrity"
)

func TestAReviewerSpillingItsKeysGivesTheSameReview(t *testing.T) {
	// GIVEN 10,000 papers of a Huế-2024-like round, with a few copied papers
	papers := slices.Clone(benchRound()[:10000])
	for i := 100; i < 110; i++ {
		src := &papers[99]
		papers[i].Responses, papers[i].SubmittedAt, papers[i].TimeTakenMs = src.Responses, src.SubmittedAt, src.TimeTakenMs
	}
	papers[200].TimeTakenMs = 1000
	want := integrity.Review(papers, nil, nil, integrity.Rules{MinIdenticalWrong: 1})
	// WHEN a reviewer spills its first pass in runs of 1,000 keys
	dir := t.TempDir()
	rv := integrity.NewReviewer(nil, nil, integrity.Rules{MinIdenticalWrong: 1})
	rv.Spill(dir)
	rv.SpillEvery(1000)
	for i := range papers {
		if err := rv.Count(&papers[i]); err != nil {
			t.Fatal(err)
		}
	}
	runs := rv.Runs()
	for i := range papers {
		p := papers[i]
		if err := rv.Add(&p); err != nil {
			t.Fatal(err)
		}
	}
	got := rv.Report()
	t.Run("the first pass wrote its keys in runs", func(t *testing.T) {
		if runs < 20 {
			t.Errorf("%d runs, want one per 1,000 keys of a kind (over 20)", runs)
		}
	})
	t.Run("the review is that of the whole round in memory", func(t *testing.T) {
		if len(want.Flags) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("got %d flags, %d shared groups; want %d, %d", len(got.Flags), len(got.Shared), len(want.Flags), len(want.Shared))
		}
	})
	t.Run("the runs are removed once merged", func(t *testing.T) {
		if left, err := os.ReadDir(dir); err != nil || len(left) != 0 {
			t.Errorf("left %d files (%v)", len(left), err)
		}
	})
	t.Run("a folder that cannot be written is an error, not a wrong review", func(t *testing.T) {
		rv := integrity.NewReviewer(nil, nil, integrity.Rules{})
		rv.Spill(dir + "/missing")
		rv.SpillEvery(10)
		var err error
		for i := 0; i < 100 && err == nil; i++ {
			err = rv.Count(&papers[i])
		}
		if err == nil {
			t.Error("no error")
		}
	})
}
