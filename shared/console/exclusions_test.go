package console_test

import (
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
)

func TestAPapersExclusionIsAnsweredWithWhoDecidedInVietnamTime(t *testing.T) {
	at := time.Date(2026, 1, 12, 3, 0, 0, 0, time.UTC)
	paper := func(e *contest.Exclusion) *contest.Paper {
		return &contest.Paper{RoundID: "tuan-1", ParticipantID: "p0123456789abcdefghi", Attempt: 1, Exclusion: e}
	}
	cases := []struct {
		name  string
		paper *contest.Paper
		want  *console.Exclusion
	}{
		{"an excluded paper names the reason, the time and the organiser", paper(&contest.Exclusion{Reason: "Làm bài quá nhanh", At: at, By: "btc@so-noi-vu.gov.vn"}),
			&console.Exclusion{Reason: "Làm bài quá nhanh", At: at, By: "btc@so-noi-vu.gov.vn"}},
		{"a ranked paper has no exclusion", paper(nil), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := console.PaperExclusionOf(tc.paper)
			if got.PaperID != "tuan-1.p0123456789abcdefghi.1" {
				t.Errorf("paper id %q", got.PaperID)
			}
			switch {
			case (got.Excluded == nil) != (tc.want == nil):
				t.Fatalf("excluded %+v, want %+v", got.Excluded, tc.want)
			case got.Excluded == nil:
			case got.Excluded.Reason != tc.want.Reason || got.Excluded.By != tc.want.By || !got.Excluded.At.Equal(tc.want.At) || got.Excluded.At.Location() != contest.ICT:
				t.Errorf("excluded %+v, want %+v in ICT", got.Excluded, tc.want)
			}
		})
	}
}
