package importer

import (
	"slices"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestCompareSettings(t *testing.T) {
	old := contest.Contest{ID: "hue-2026", Title: "Hội thi", TieBreak: []string{"correct", "prediction", "time", "submitted"}}
	published := []contest.Round{{ID: "tuan-1", PublishedAt: sheetNow}, {ID: "tuan-2"}}
	t.Run("a new tie-break order warns of the published weeks", func(t *testing.T) {
		next := old
		next.TieBreak = []string{"correct", "time", "prediction", "submitted"}
		ch := CompareSettings(old, next, published)
		if !slices.Equal(ch.AffectsResults, []string{"tieBreak"}) || !slices.Equal(ch.PublishedRounds, []string{"tuan-1"}) || !strings.Contains(ch.Warning, "1 tuần (tuan-1)") {
			t.Errorf("change %+v", ch)
		}
	})
	t.Run("a new title warns of nothing", func(t *testing.T) {
		next := old
		next.Title = "Hội thi 2026"
		if ch := CompareSettings(old, next, published); ch.Warning != "" || !slices.Equal(ch.Fields, []string{"title"}) {
			t.Errorf("change %+v", ch)
		}
	})
	t.Run("before any publication nothing is affected", func(t *testing.T) {
		next := old
		next.ReportThreshold = 0.9
		if ch := CompareSettings(old, next, published[1:]); ch.Warning != "" {
			t.Errorf("change %+v", ch)
		}
	})
	t.Run("the settings' own check names the field", func(t *testing.T) {
		_, problems := CheckContest(contest.Contest{ID: "hue-2026", Title: "X", ReportThreshold: 80})
		if len(problems) != 1 || problems[0].Column != "reportThreshold" || !strings.HasPrefix(problems[0].Message(), "Cột reportThreshold: 80 không phải tỷ lệ") {
			t.Errorf("problems %+v", problems)
		}
	})
}
