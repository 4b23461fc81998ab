package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// WeeklySpec is the console's one-step form for a contest's weeks: "N tuần
// từ thứ Hai <date>, 00:00 đến Chủ nhật 24:00, <n> câu, <m> phút, <k> lượt,
// bộ câu hỏi X, đối tượng".
type WeeklySpec struct {
	Weeks int `json:"weeks"`
	// FirstMonday is the first week's Monday: "2026-09-28" or "28/09/2026".
	FirstMonday      string  `json:"firstMonday"`
	QuestionCount    int     `json:"questionCount"`
	TimeLimitMinutes float64 `json:"timeLimitMinutes"`
	Attempts         int     `json:"attempts"`
	BankID           string  `json:"bankId"`
	Audience         string  `json:"audience"`
	// IDPrefix names the rounds <prefix>-<number> (empty: "tuan" for staff,
	// "nguoi-dan-tuan" for citizens); FirstNumber is the first number (0: 1).
	IDPrefix    string `json:"idPrefix,omitempty"`
	FirstNumber int    `json:"firstNumber,omitempty"`
}

// MaxWeeks bounds one generation (a contest runs a few weeks; a year at most).
const MaxWeeks = 52

// weeklyFile names the form in problems (none is shown: they are placed by field).
const weeklyFile = "weekly"

// Weekly builds the weeks spec describes, each from Monday 00:00 to the
// next Monday 00:00 (Sunday 24:00) in Viet Nam's time, and checks them with
// the rounds import's own rules (parseRoundRows: ids, bank and its size,
// limits, overlaps with the contest's rounds, rounds that have opened). The
// rounds are named <prefix>-<n> and "Tuần thi thứ <n>". A problem's Column is
// the spec's field; its Line is the week (1 for the first) when it concerns
// one week only, 0 when it concerns them all.
func Weekly(spec WeeklySpec, cur Current) *Checked {
	out := &Checked{Kind: KindRounds, Summary: map[string]any{}}
	var rep report
	bad := func(field, format string, args ...any) { rep.problemAt(weeklyFile, 0, field, "", format, args...) }
	if spec.Weeks < 1 || spec.Weeks > MaxWeeks {
		bad("weeks", "số tuần %d: từ 1 đến %d", spec.Weeks, MaxWeeks)
	}
	monday, ok := parseMonday(spec.FirstMonday)
	switch {
	case !ok:
		bad("firstMonday", "ngày bắt đầu %q không phải ngày: chọn một thứ Hai, ví dụ 28/09/2026", spec.FirstMonday)
	case monday.Weekday() != time.Monday:
		bad("firstMonday", "ngày %s là %s, không phải thứ Hai: mỗi tuần thi từ thứ Hai 00:00 đến Chủ nhật 24:00", monday.Format("02/01/2006"), weekdayVI[monday.Weekday()])
	}
	audience, audOK := parseAudience(spec.Audience)
	prefix := strings.ToLower(strings.TrimSpace(spec.IDPrefix))
	if prefix == "" {
		prefix = "tuan"
		if audience == contest.AudienceCitizen {
			prefix = "nguoi-dan-tuan"
		}
	}
	first := spec.FirstNumber
	if first == 0 {
		first = 1
	}
	if first < 1 {
		bad("firstNumber", "số thứ tự tuần đầu %d: từ 1", first)
	}
	if !contest.ValidID(fmt.Sprintf("%s-%d", prefix, first+max(spec.Weeks, 1)-1)) {
		bad("idPrefix", "tiền tố mã %q: dùng chữ thường a–z không dấu, chữ số và \"-\" (ví dụ tuan)", spec.IDPrefix)
	}
	if len(rep.problems) > 0 {
		out.Problems = rep.problems
		return out
	}
	title := "Tuần thi thứ %d"
	if audOK && audience == contest.AudienceCitizen {
		title = "Tuần thi thứ %d (người dân)"
	}
	rows := make([]csvRow, spec.Weeks)
	for w := range spec.Weeks {
		opens := monday.AddDate(0, 0, 7*w)
		n := first + w
		rows[w] = csvRow{line: w + 1, cells: map[string]string{
			"id": fmt.Sprintf("%s-%d", prefix, n), "title": fmt.Sprintf(title, n), "audience": spec.Audience,
			"opensAt": opens.Format(time.RFC3339), "closesAt": opens.AddDate(0, 0, 7).Format(time.RFC3339),
			"questionCount": strconv.Itoa(spec.QuestionCount), "timeLimitMinutes": strconv.FormatFloat(spec.TimeLimitMinutes, 'f', -1, 64),
			"attempts": strconv.Itoa(spec.Attempts), "bankId": spec.BankID,
		}}
	}
	out.Rounds = parseRoundRows(weeklyFile, rows, cur, &rep)
	out.Problems, out.Warnings = foldWeeks(rep.problems), foldWeeks(rep.warnings)
	out.Summary = roundsSummary(out.Rounds)
	out.Changes = roundChanges(cur.Rounds, out.Rounds)
	return out
}

// foldWeeks says once, for all weeks (Line 0), what every week of the form
// repeats (a bank too small, a time limit out of bounds); a problem of one
// week (an overlap, a week that has opened) keeps its week.
func foldWeeks(ps []Problem) []Problem {
	type key struct{ column, msg string }
	count := map[key]int{}
	for _, p := range ps {
		count[key{p.Column, p.Msg}]++
	}
	var out []Problem
	done := map[key]bool{}
	for _, p := range ps {
		k := key{p.Column, p.Msg}
		if count[k] > 1 {
			if done[k] {
				continue
			}
			done[k] = true
			p.Line, p.Item = 0, ""
		}
		out = append(out, p)
	}
	return out
}

var weekdayVI = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// parseMonday reads a date in Viet Nam's time (midnight).
func parseMonday(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, s, contest.ICT); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// RoundEdit is one round as the console's edit form sends it: times in
// RFC 3339 (or as a spreadsheet writes them), the time limit in minutes.
type RoundEdit struct {
	Title            string  `json:"title"`
	Audience         string  `json:"audience"`
	OpensAt          string  `json:"opensAt"`
	ClosesAt         string  `json:"closesAt"`
	QuestionCount    int     `json:"questionCount"`
	TimeLimitMinutes float64 `json:"timeLimitMinutes"`
	Attempts         int     `json:"attempts"`
	BankID           string  `json:"bankId"`
}

// EditRound checks round id of the contest as ed would have it, with the
// rounds import's rules (a round that has opened keeps its questions, time
// limit and attempts; no overlap with the contest's other rounds).
// Problems' Column is ed's field.
func EditRound(id string, ed RoundEdit, cur Current) *Checked {
	row := csvRow{line: 1, cells: map[string]string{
		"id": id, "title": ed.Title, "audience": ed.Audience, "opensAt": ed.OpensAt, "closesAt": ed.ClosesAt,
		"questionCount": strconv.Itoa(ed.QuestionCount), "timeLimitMinutes": strconv.FormatFloat(ed.TimeLimitMinutes, 'f', -1, 64),
		"attempts": strconv.Itoa(ed.Attempts), "bankId": ed.BankID,
	}}
	var rep report
	out := &Checked{Kind: KindRounds, Summary: map[string]any{}}
	out.Rounds = parseRoundRows(weeklyFile, []csvRow{row}, cur, &rep)
	for i := range rep.problems {
		rep.problems[i].Line = 0
	}
	out.Problems, out.Warnings = rep.problems, rep.warnings
	out.Summary = roundsSummary(out.Rounds)
	out.Changes = roundChanges(cur.Rounds, out.Rounds)
	return out
}

// Locked reports whether the edit c (EditRound's) changes what round old,
// opened by now, keeps (contest.Round.CheckChange: its questions, bank, time
// limit, attempts), and the error that says so, to answer as a conflict.
func (c *Checked) Locked(old contest.Round, now time.Time) (*fault.Error, bool) {
	if len(c.Rounds) != 1 {
		return nil, false
	}
	field, err := old.CheckChange(c.Rounds[0], now)
	e, ok := fault.As(err)
	if !ok {
		return nil, false
	}
	return e, slices.ContainsFunc(c.Problems, func(p Problem) bool { return p.Column == field && p.Msg == e.Message })
}
