package integrity_test

import (
	"reflect"
	"testing"

	"github.com/hoithi/hoithi/shared/integrity"
)

func TestAReviewerHoldsTheRoundsGroupsNotItsPapers(t *testing.T) {
	// GIVEN 30,000 papers of a Huế-2024-like round, from 2,000 office addresses
	papers := benchRound()[:30000]
	rv := integrity.NewReviewer(nil, nil, integrity.Rules{})
	// WHEN it is reviewed a paper at a time, twice, as the ranking index is read
	for i := range papers {
		rv.Count(&papers[i])
	}
	for i := range papers {
		p := papers[i] // each paper read anew, as a store hands it over
		rv.Add(&p)
	}
	got := rv.Report()
	t.Run("the review is that of the whole round in memory", func(t *testing.T) {
		if want := integrity.Review(papers, nil, nil, integrity.Rules{}); !reflect.DeepEqual(got, want) {
			t.Errorf("got %d flags, %d shared groups; want %d, %d", len(got.Flags), len(got.Shared), len(want.Flags), len(want.Shared))
		}
	})
	t.Run("only the papers flagged are held whole", func(t *testing.T) {
		if rv.Kept() != len(got.Flags) || rv.Kept() > len(papers)/100 {
			t.Errorf("held %d papers of %d for %d flags; want as many as the flags, under 1%%", rv.Kept(), len(papers), len(got.Flags))
		}
	})
	t.Run("the offices' shared addresses are listed as groups with their counts", func(t *testing.T) {
		total := 0
		for _, s := range got.Shared {
			if s.Kind == integrity.KindSharedAddress {
				total += s.Papers
			}
		}
		if total != len(papers) {
			t.Errorf("address groups count %d papers, want %d (every paper came from an office address)", total, len(papers))
		}
	})
}
