package contest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

func TestPracticeDays(t *testing.T) {
	// 23:30 UTC on 10 March is 06:30 on 11 March in Vietnam
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, from, to string
		first, last    string
		n              int
		code           string
	}{
		{name: "without dates, the last seven days up to today in Vietnam are read", first: "2026-03-05", last: "2026-03-11", n: 7},
		{name: "a range names its first and last day, both included", from: "2026-02-27", to: "2026-03-02", first: "2026-02-27", last: "2026-03-02", n: 4},
		{name: "only a start reads up to today", from: "2026-03-10", first: "2026-03-10", last: "2026-03-11", n: 2},
		{name: "one day is a range", from: "2026-03-01", to: "2026-03-01", first: "2026-03-01", last: "2026-03-01", n: 1},
		{name: "ninety-two days are allowed", from: "2026-01-01", to: "2026-04-02", first: "2026-01-01", last: "2026-04-02", n: 92},
		{name: "ninety-three days are refused", from: "2026-01-01", to: "2026-04-03", code: "range_too_long"},
		{name: "a start after the end is refused", from: "2026-03-05", to: "2026-03-04", code: "invalid_range"},
		{name: "a date not in year-month-day form is refused", from: "11/03/2026", code: "invalid_from"},
		{name: "an end that is not a date is refused", to: "hôm nay", code: "invalid_to"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			days, err := PracticeDays(tt.from, tt.to, now)
			if tt.code != "" {
				var f *fault.Error
				if !errors.As(err, &f) || f.Code != tt.code {
					t.Fatalf("err %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil || len(days) != tt.n || days[0] != tt.first || days[len(days)-1] != tt.last {
				t.Errorf("days %v (%v), want %d from %s to %s", days, err, tt.n, tt.first, tt.last)
			}
		})
	}
}

func TestTotalPractice(t *testing.T) {
	mon := []PracticeCount{{BankID: "b1", QuestionID: "q1", Answered: 2, Right: 1}, {BankID: "b1", QuestionID: "q2", Answered: 5, Right: 5}}
	tue := []PracticeCount{{BankID: "b1", QuestionID: "q1", Answered: 4, Right: 1}, {BankID: "b2", QuestionID: "q1", Answered: 1}}
	got := TotalPractice(mon, tue)
	t.Run("each question's days add up, most answered first, the same question of another bank apart", func(t *testing.T) {
		want := []PracticeCount{{BankID: "b1", QuestionID: "q1", Answered: 6, Right: 2}, {BankID: "b1", QuestionID: "q2", Answered: 5, Right: 5}, {BankID: "b2", QuestionID: "q1", Answered: 1}}
		if !slices.Equal(got, want) {
			t.Errorf("total %+v, want %+v", got, want)
		}
	})
	t.Run("the share of right answers is right over answered, and 0 with no answer", func(t *testing.T) {
		if s := got[0].Share(); s != 2.0/6 {
			t.Errorf("share %v", s)
		}
		if s := (PracticeCount{}).Share(); s != 0 {
			t.Errorf("share of nothing %v", s)
		}
	})
	t.Run("no days give an empty list, not nil", func(t *testing.T) {
		if got := TotalPractice(); got == nil || len(got) != 0 {
			t.Errorf("total %v", got)
		}
	})
}
