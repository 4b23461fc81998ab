package contest

import (
	"cmp"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

// PracticeCount is a question's anonymous practice count: how many practice
// answers it had, and how many were right (over a day, or over days once
// added up by TotalPractice).
type PracticeCount struct {
	BankID     string `json:"bankId"`
	QuestionID string `json:"questionId"`
	Answered   int    `json:"answered"`
	Right      int    `json:"right"`
}

// Share is the share of right answers, 0 for a question never answered.
func (p PracticeCount) Share() float64 {
	if p.Answered == 0 {
		return 0
	}
	return float64(p.Right) / float64(p.Answered)
}

// MaxPracticeCountDays bounds the days an organiser reads practice counts
// over at once: one query per day.
const MaxPracticeCountDays = 92

// DefaultPracticeCountDays is the span read when the organiser names none:
// the last week, today included.
const DefaultPracticeCountDays = 7

// PracticeDays lists the days (ICT, "2006-01-02") from..to, both included,
// that the organisers' practice counts cover. An empty to is now's day; an
// empty from is DefaultPracticeCountDays before to. A bad date, from after
// to, or more than MaxPracticeCountDays days is refused.
func PracticeDays(from, to string, now time.Time) ([]string, error) {
	parse := func(s, field string) (time.Time, error) {
		d, err := time.ParseInLocation(time.DateOnly, s, ICT)
		if err != nil {
			return time.Time{}, fault.Invalid("invalid_"+field, "Ngày không hợp lệ: ghi theo dạng năm-tháng-ngày, ví dụ 2026-03-11.")
		}
		return d, nil
	}
	end := now.In(ICT)
	end = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, ICT)
	if to != "" {
		d, err := parse(to, "to")
		if err != nil {
			return nil, err
		}
		end = d
	}
	start := end.AddDate(0, 0, -(DefaultPracticeCountDays - 1))
	if from != "" {
		d, err := parse(from, "from")
		if err != nil {
			return nil, err
		}
		start = d
	}
	if start.After(end) {
		return nil, fault.Invalid("invalid_range", "Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.")
	}
	var days []string
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		if len(days) == MaxPracticeCountDays {
			return nil, fault.Invalid("range_too_long", "Chỉ xem được tối đa 92 ngày mỗi lần.")
		}
		days = append(days, d.Format(time.DateOnly))
	}
	return days, nil
}

// TotalPractice adds up the counts of each question over the days given,
// most answered first (then by bank and question, for a stable order).
func TotalPractice(days ...[]PracticeCount) []PracticeCount {
	type ref struct{ bank, q string }
	at := map[ref]int{}
	out := []PracticeCount{}
	for _, day := range days {
		for _, c := range day {
			k := ref{c.BankID, c.QuestionID}
			i, ok := at[k]
			if !ok {
				at[k], i = len(out), len(out)
				out = append(out, PracticeCount{BankID: c.BankID, QuestionID: c.QuestionID})
			}
			out[i].Answered += c.Answered
			out[i].Right += c.Right
		}
	}
	slices.SortFunc(out, func(a, b PracticeCount) int {
		return cmp.Or(cmp.Compare(b.Answered, a.Answered), cmp.Compare(a.BankID, b.BankID), cmp.Compare(a.QuestionID, b.QuestionID))
	})
	return out
}
