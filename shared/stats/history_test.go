package stats_test

import (
	"reflect"
	"testing"

	"github.com/hoithi/hoithi/shared/stats"
)

func ptr(v float64) *float64 { return &v }

func TestHistory(t *testing.T) {
	week1 := stats.Report{Questions: []stats.Question{
		{QuestionID: "q1", Text: "Câu 1", Attempts: 10, Facility: 0.9, Discrimination: ptr(0.3), Flags: []stats.Flag{}},
		{QuestionID: "q2", Text: "Câu 2", Attempts: 8, Facility: 0.05, Discrimination: nil, Flags: []stats.Flag{stats.FlagTooHard}},
	}}
	week2 := stats.Report{Questions: []stats.Question{
		{QuestionID: "q3", Text: "Câu 3", Attempts: 4, Facility: 0.5, Discrimination: ptr(-0.2), Flags: []stats.Flag{stats.FlagNegativeDiscrimination}},
		{QuestionID: "q1", Text: "Câu 1 (sửa)", Attempts: 12, Facility: 0.97, Discrimination: ptr(0.05), Flags: []stats.Flag{stats.FlagLowDiscrimination, stats.FlagTooEasy}},
	}}
	tests := []struct {
		name    string
		reports []stats.RoundReport
		want    []stats.QuestionHistory
	}{
		{"no published round gives no history", nil, []stats.QuestionHistory{}},
		{"a question drawn in two rounds has both rounds' figures in the rounds' order, with its latest text",
			[]stats.RoundReport{{Round: "w1", Report: week1}, {Round: "w2", Report: week2}},
			[]stats.QuestionHistory{
				{QuestionID: "q1", Text: "Câu 1 (sửa)", Rounds: []stats.RoundFigures{
					{Round: "w1", Attempts: 10, Facility: 0.9, Discrimination: ptr(0.3), Flags: []stats.Flag{}},
					{Round: "w2", Attempts: 12, Facility: 0.97, Discrimination: ptr(0.05), Flags: []stats.Flag{stats.FlagLowDiscrimination, stats.FlagTooEasy}},
				}},
				{QuestionID: "q2", Text: "Câu 2", Rounds: []stats.RoundFigures{
					{Round: "w1", Attempts: 8, Facility: 0.05, Flags: []stats.Flag{stats.FlagTooHard}},
				}},
				{QuestionID: "q3", Text: "Câu 3", Rounds: []stats.RoundFigures{
					{Round: "w2", Attempts: 4, Facility: 0.5, Discrimination: ptr(-0.2), Flags: []stats.Flag{stats.FlagNegativeDiscrimination}},
				}},
			}},
		{"a question without flags in a report gets an empty list, never null",
			[]stats.RoundReport{{Round: "w1", Report: stats.Report{Questions: []stats.Question{{QuestionID: "q9", Attempts: 1, Facility: 1}}}}},
			[]stats.QuestionHistory{{QuestionID: "q9", Rounds: []stats.RoundFigures{{Round: "w1", Attempts: 1, Facility: 1, Flags: []stats.Flag{}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stats.History(tt.reports)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
