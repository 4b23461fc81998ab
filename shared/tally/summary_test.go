package tally_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/hoithi/hoithi/shared/tally"
)

func TestASummaryIsTheResultWithItsLeaders(t *testing.T) {
	entries := make([]tally.PublicEntry, 25)
	for i := range entries {
		entries[i] = tally.PublicEntry{Rank: i + 1, Name: fmt.Sprintf("Người %d", i+1), Correct: 20 - i%20, Total: 20}
	}
	res := tally.Result{Contest: "demo", Round: tally.RoundInfo{ID: "tuan-1", Title: "Tuần 1"}, Final: true, Papers: 30,
		Participants: 25, AllCorrect: 2, ExcludedPapers: 1, Prizes: entries[:3], Ranking: entries, RankingPages: 1,
		RankingPageSize: tally.RankingPageSize, Units: []tally.UnitStats{{UnitID: "so-noi-vu"}}}
	decode := func(v any) map[string]any {
		t.Helper()
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	published, summary := decode(res), decode(tally.Summarize(res, entries))
	t.Run("the summary has every figure of the published result", func(t *testing.T) {
		for k, v := range published {
			if k != "ranking" && !reflect.DeepEqual(summary[k], v) {
				t.Errorf("%s: summary %v, published %v", k, summary[k], v)
			}
		}
	})
	t.Run("the summary has the leaders instead of the whole ranking", func(t *testing.T) {
		if _, ok := summary["ranking"]; ok {
			t.Error("the summary carries the whole ranking")
		}
		if leaders, _ := summary["leaders"].([]any); len(leaders) != tally.LeadersShown {
			t.Errorf("%d leaders, want %d", len(leaders), tally.LeadersShown)
		}
		if len(summary) != len(published) {
			t.Errorf("summary fields %d, published %d", len(summary), len(published))
		}
	})
	t.Run("a tally with nobody ranked has an empty list of leaders", func(t *testing.T) {
		if got := decode(tally.Summarize(tally.Result{}, nil))["leaders"]; !reflect.DeepEqual(got, []any{}) {
			t.Errorf("leaders %v, want []", got)
		}
	})
}
