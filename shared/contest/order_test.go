package contest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestParseOrder(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want []contest.TieBreakKey
	}{
		{name: "no order means the usual order", keys: nil, want: contest.DefaultOrder},
		{name: "an empty order means the usual order", keys: []string{}, want: contest.DefaultOrder},
		{name: "the usual order spelt out is accepted",
			keys: []string{"correct", "prediction", "time", "submitted"},
			want: []contest.TieBreakKey{contest.ByCorrect, contest.ByPrediction, contest.ByTime, contest.BySubmitted}},
		{name: "time before prediction is accepted as given",
			keys: []string{"correct", "time", "prediction", "submitted"},
			want: []contest.TieBreakKey{contest.ByCorrect, contest.ByTime, contest.ByPrediction, contest.BySubmitted}},
		{name: "any permutation is accepted",
			keys: []string{"submitted", "time", "prediction", "correct"},
			want: []contest.TieBreakKey{contest.BySubmitted, contest.ByTime, contest.ByPrediction, contest.ByCorrect}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := contest.ParseOrder(tt.keys)
			if err != nil {
				t.Fatalf("ParseOrder(%q) error = %v, want nil", tt.keys, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseOrder(%q) = %v, want %v", tt.keys, got, tt.want)
			}
		})
	}
}

func TestParseOrderRejects(t *testing.T) {
	tests := []struct {
		name string
		keys []string
	}{
		{name: "an unknown key is rejected", keys: []string{"correct", "prediction", "time", "score"}},
		{name: "a key in the wrong case is rejected", keys: []string{"Correct", "prediction", "time", "submitted"}},
		{name: "an empty key is rejected", keys: []string{"correct", "prediction", "time", ""}},
		{name: "a repeated key is rejected", keys: []string{"correct", "correct", "time", "submitted"}},
		{name: "a missing key is rejected", keys: []string{"correct", "prediction", "time"}},
		{name: "a single key is rejected", keys: []string{"correct"}},
		{name: "five keys with one repeated are rejected", keys: []string{"correct", "prediction", "time", "submitted", "time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := contest.ParseOrder(tt.keys)
			if err == nil {
				t.Fatalf("ParseOrder(%q) = %v, nil; want an error", tt.keys, got)
			}
			if got != nil {
				t.Errorf("ParseOrder(%q) order = %v, want nil alongside the error", tt.keys, got)
			}
		})
	}
}

func TestRankingIndexKeyRoundTrips(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 30, 0, 123e6, contest.ICT)
	ref := contest.PaperRef{RoundID: "2026-w02", ParticipantID: contest.ParticipantID("hue", "a@x.vn"), Attempt: 2}
	tests := []struct {
		name string
		r    contest.Result
		want string
	}{
		{name: "a paper with some answers right is encoded zero-padded",
			r:    contest.Result{Correct: 12, Total: 15, TimeTakenMs: 95_000, SubmittedAt: at},
			want: "987#000000095000#" + "1767580200123#" + ref.ID()},
		{name: "a paper with nothing right keeps its place in the key",
			r:    contest.Result{Correct: 0, Total: 15, TimeTakenMs: 0, SubmittedAt: at},
			want: "999#000000000000#1767580200123#" + ref.ID()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := contest.RankingIndexKey(tt.r, ref)
			if key != tt.want {
				t.Errorf("RankingIndexKey = %q, want %q", key, tt.want)
			}
			got, err := contest.ParseRankingIndexKey(key)
			if err != nil {
				t.Fatal(err)
			}
			want := contest.Submitted{PaperID: ref.ID(), ParticipantID: ref.ParticipantID, Attempt: ref.Attempt,
				Correct: tt.r.Correct, TimeTakenMs: tt.r.TimeTakenMs, SubmittedAt: at}
			if got.PaperID != want.PaperID || got.ParticipantID != want.ParticipantID || got.Attempt != want.Attempt ||
				got.Correct != want.Correct || got.TimeTakenMs != want.TimeTakenMs || !got.SubmittedAt.Equal(want.SubmittedAt) {
				t.Errorf("ParseRankingIndexKey(%q) = %+v, want %+v", key, got, want)
			}
		})
	}
}

func TestParseRankingIndexKeyRejects(t *testing.T) {
	for _, key := range []string{"", "987#95000#1767580200123", "x#000000095000#1767580200123#2026-w02.0123456789abcdef0123.1",
		"987#000000095000#1767580200123#not-a-paper-id"} {
		t.Run("the key "+key+" is rejected", func(t *testing.T) {
			if got, err := contest.ParseRankingIndexKey(key); err == nil {
				t.Errorf("ParseRankingIndexKey(%q) = %+v, nil; want an error", key, got)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, contest.ICT)
	submitted := func(attempt, correct, prediction int, timeMs int64) *contest.Paper {
		return &contest.Paper{RoundID: "2026-w02", ParticipantID: "0123456789abcdef0123", Attempt: attempt, Status: contest.PaperSubmitted,
			Result: &contest.Result{Correct: correct, Total: 15, Prediction: prediction, TimeTakenMs: timeMs, SubmittedAt: t0.Add(time.Duration(attempt) * time.Hour)}}
	}
	inProgress := &contest.Paper{RoundID: "2026-w02", ParticipantID: "0123456789abcdef0123", Attempt: 3, Status: contest.PaperInProgress}
	timeFirst := []contest.TieBreakKey{contest.ByCorrect, contest.ByTime, contest.ByPrediction, contest.BySubmitted}
	tests := []struct {
		name       string
		papers     []*contest.Paper
		allCorrect int
		order      []contest.TieBreakKey
		want       int
	}{
		{name: "no paper means none counts", want: -1, allCorrect: -1, order: contest.DefaultOrder},
		{name: "a paper in progress does not count", papers: []*contest.Paper{inProgress}, allCorrect: -1, order: contest.DefaultOrder, want: -1},
		{name: "the only submitted paper counts", papers: []*contest.Paper{submitted(1, 10, 5, 60_000), inProgress},
			allCorrect: -1, order: contest.DefaultOrder, want: 0},
		{name: "the paper with more right answers counts",
			papers:     []*contest.Paper{submitted(1, 10, 5, 60_000), submitted(2, 12, 5, 90_000)},
			allCorrect: -1, order: contest.DefaultOrder, want: 1},
		{name: "the closer prediction counts once the all-correct count is known",
			papers:     []*contest.Paper{submitted(1, 12, 5, 60_000), submitted(2, 12, 40, 90_000)},
			allCorrect: 42, order: contest.DefaultOrder, want: 1},
		{name: "the prediction decides nothing while the count is not known",
			papers:     []*contest.Paper{submitted(1, 12, 5, 60_000), submitted(2, 12, 40, 90_000)},
			allCorrect: -1, order: contest.DefaultOrder, want: 0},
		{name: "the contest's order decides: time before prediction",
			papers:     []*contest.Paper{submitted(1, 12, 5, 60_000), submitted(2, 12, 40, 90_000)},
			allCorrect: 42, order: timeFirst, want: 0},
		{name: "equal papers: the earlier attempt counts",
			papers:     []*contest.Paper{submitted(1, 12, 5, 60_000), submitted(2, 12, 5, 60_000)},
			allCorrect: 42, order: []contest.TieBreakKey{contest.ByCorrect, contest.ByPrediction, contest.ByTime}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := contest.Counts(tt.papers, tt.allCorrect, tt.order); got != tt.want {
				t.Errorf("Counts = %d, want %d", got, tt.want)
			}
		})
	}
}
