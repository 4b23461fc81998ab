package importer

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// roundFile is a round as organisers write it in rounds.json: times with
// their offset, the time limit in minutes, attempts defaulting to one.
type roundFile struct {
	ID               string   `json:"id"`
	Title            string   `json:"title"`
	Audience         string   `json:"audience"`
	OpensAt          string   `json:"opensAt"`
	ClosesAt         string   `json:"closesAt"`
	QuestionCount    int      `json:"questionCount"`
	TimeLimitMinutes *float64 `json:"timeLimitMinutes"`
	Attempts         *int     `json:"attempts"`
	BankID           string   `json:"bankId"`

	// openBad and closeBad: the spreadsheet's time was reported already.
	openBad, closeBad bool
}

// placedRound is a round read from rounds.json and where it is.
type placedRound struct {
	contest.Round
	line    int
	item    string
	timed   bool   // opensAt and closesAt read and in order
	openCol string // the opensAt column of a spreadsheet
}

const timeExample = "2026-12-07T00:00:00+07:00"

// parseRounds reads rounds.json; banksBroken says some bank file could not
// be read (a round naming it is not told its bank is missing as well).
func parseRounds(data []byte, contestID string, banks []BankFile, banksBroken bool, now time.Time, rep *report) []contest.Round {
	bankOf := map[string]int{}
	for _, b := range banks {
		bankOf[b.Bank.ID] = len(b.Bank.Questions)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		jsonProblem(fileRounds, data, 0, "", err, rep)
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		rep.problem(fileRounds, 1, "", "phải là một mảng JSON các tuần thi: [ {\"id\": …}, {\"id\": …} ]")
		return nil
	}
	var placed []placedRound
	lineOf := map[string]int{}
	for i := 0; dec.More(); i++ {
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			jsonProblem(fileRounds, data, 0, "", err, rep)
			return nil
		}
		at := start + int64(len(data[start:])-len(bytes.TrimLeft(data[start:], " \t\r\n,")))
		line := lineAt(data, at)
		var rf roundFile
		if err := decodeStrict(raw, &rf); err != nil {
			jsonProblem(fileRounds, data, at, fmt.Sprintf("tuần thi %d", i+1), err, rep)
			continue
		}
		p := placedRound{line: line, item: fmt.Sprintf("tuần thi %d", i+1)}
		if rf.ID != "" {
			p.item = fmt.Sprintf("tuần thi %q", rf.ID)
		}
		if prev, dup := lineOf[rf.ID]; dup && rf.ID != "" {
			rep.problem(fileRounds, line, p.item, "mã tuần thi trùng với dòng %d", prev)
		} else {
			lineOf[rf.ID] = line
		}
		p.Round = checkRound(fileRounds, rf, contestID, bankOf, banksBroken, p.item, line, noColumn, rep, &p.timed)
		if p.timed && !p.ClosesAt.After(now) {
			rep.warn(fileRounds, line, p.item, "đã kết thúc (lúc %s): không ai còn thi được", p.ClosesAt.In(contest.ICT).Format("15:04 02/01/2006"))
		}
		placed = append(placed, p)
	}
	if _, err := dec.Token(); err != nil {
		jsonProblem(fileRounds, data, 0, "", err, rep)
		return nil
	}
	if dec.More() {
		rep.problem(fileRounds, lineAt(data, dec.InputOffset()), "", "còn nội dung sau khi mảng kết thúc")
	}
	checkOverlaps(fileRounds, placed, rep)
	rounds := make([]contest.Round, len(placed))
	for i, p := range placed {
		rounds[i] = p.Round
	}
	return rounds
}

// noColumn places nothing in a column (rounds.json has none).
func noColumn(string) string { return "" }

// checkRound turns a round of the file into a contest.Round, reporting what
// is wrong; timed tells whether its times can be compared with others'.
// column names the column of a field in a spreadsheet ("" in rounds.json).
func checkRound(file string, rf roundFile, contestID string, bankOf map[string]int, banksBroken bool, item string, line int, column func(string) string, rep *report, timed *bool) contest.Round {
	before := len(rep.problems)
	bad := func(field, format string, args ...any) {
		rep.problemAt(file, line, column(field), item, format, args...)
	}
	r := contest.Round{
		ContestID: contestID, ID: strings.TrimSpace(rf.ID), Title: strings.TrimSpace(rf.Title),
		Audience: contest.AudienceStaff, QuestionCount: rf.QuestionCount, Attempts: 1, BankID: strings.TrimSpace(rf.BankID),
	}
	switch {
	case r.ID == "":
		bad("id", "thiếu mã tuần thi (ví dụ \"tuan-1\")")
	case !contest.ValidID(r.ID):
		bad("id", "mã tuần thi: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và \"-\" (ví dụ tuan-1)")
	}
	if r.Title == "" {
		bad("title", "thiếu tên tuần thi (ví dụ \"Tuần thi thứ nhất\")")
	}
	if a, ok := parseAudience(rf.Audience); ok {
		r.Audience = a
	} else {
		r.Audience = a
		bad("audience", "đối tượng %q không rõ: ghi %s (cán bộ, công chức, viên chức; để trống cũng vậy) hoặc %s (người dân)", rf.Audience, contest.AudienceStaff, contest.AudienceCitizen)
	}
	var okOpen, okClose bool
	if !rf.openBad {
		r.OpensAt, okOpen = parseTime("opensAt", rf.OpensAt, bad)
	}
	if !rf.closeBad {
		r.ClosesAt, okClose = parseTime("closesAt", rf.ClosesAt, bad)
	}
	if okOpen && okClose {
		if r.OpensAt.Before(r.ClosesAt) {
			*timed = true
		} else {
			bad("closesAt", "thời điểm kết thúc %s không sau thời điểm bắt đầu %s", rf.ClosesAt, rf.OpensAt)
		}
	}
	if r.QuestionCount < 1 || r.QuestionCount > contest.MaxQuestions {
		bad("questionCount", "số câu hỏi %d: mỗi đề có từ 1 đến %d câu", r.QuestionCount, contest.MaxQuestions)
	}
	switch m := rf.TimeLimitMinutes; {
	case m == nil:
		bad("timeLimitMinutes", "thiếu thời gian làm bài: số phút (ví dụ 10), hoặc 0 nếu không giới hạn ngoài giờ kết thúc tuần thi")
	case *m < 0 || *m > 24*60:
		bad("timeLimitMinutes", "thời gian làm bài %v phút: từ 0 (không giới hạn) đến 1440 (một ngày)", *m)
	case math.Abs(*m*60-math.Round(*m*60)) > 1e-6:
		bad("timeLimitMinutes", "thời gian làm bài %v phút không tròn số giây", *m)
	default:
		r.TimeLimit = time.Duration(math.Round(*m*60)) * time.Second
	}
	if rf.Attempts != nil {
		r.Attempts = *rf.Attempts
		if r.Attempts < 1 || r.Attempts > 10 {
			bad("attempts", "số lượt %d: mỗi người từ 1 đến 10 lượt (lượt tốt nhất được tính)", r.Attempts)
		}
	}
	switch n, ok := bankOf[r.BankID]; {
	case r.BankID == "":
		bad("bankId", "thiếu mã bộ câu hỏi")
	case !ok && banksBroken:
		bad("bankId", "không có bộ câu hỏi %q đọc được (các bộ: %s; xem lỗi của các tệp bộ câu hỏi)", r.BankID, listOrNone(sortedKeys(bankOf)))
	case !ok:
		bad("bankId", "không có bộ câu hỏi %q (các bộ: %s)", r.BankID, listOrNone(sortedKeys(bankOf)))
	case r.QuestionCount > n:
		bad("questionCount", "số câu hỏi %d, nhưng bộ %q chỉ có %d câu", r.QuestionCount, r.BankID, n)
	}
	// the system's own check has the last word (it should find nothing more)
	if len(rep.problems) == before {
		if err := r.Validate(); err != nil {
			bad("", "%v", err)
		}
	}
	return r
}

// parseTime reads an RFC 3339 time with its UTC offset. A time without one
// is refused rather than guessed: the organiser's computer and the server
// may disagree on the zone.
func parseTime(field, s string, bad func(string, string, ...any)) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		bad(field, "thiếu %s (ví dụ %q)", timeWord(field), timeExample)
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err == nil {
		return t.Truncate(time.Second), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			bad(field, "%s %q thiếu múi giờ: ghi kèm múi giờ Việt Nam, ví dụ %q", timeWord(field), s, timeExample)
			return time.Time{}, false
		}
	}
	bad(field, "%s %q không phải ngày giờ: ghi ví dụ %q", timeWord(field), s, timeExample)
	return time.Time{}, false
}

func timeWord(field string) string {
	if field == "closesAt" {
		return "thời điểm kết thúc (closesAt)"
	}
	return "thời điểm bắt đầu (opensAt)"
}

// checkOverlaps refuses two rounds of one audience open at the same time:
// rounds are weeks (one paper a week per person, or the round's attempts),
// and overlapping ones would give people two papers in a week, split the
// week's ranking and send two reminders.
func checkOverlaps(file string, rounds []placedRound, rep *report) {
	byAudience := map[contest.Audience][]placedRound{}
	for _, p := range rounds {
		if p.timed && p.Audience.Valid() {
			byAudience[p.Audience] = append(byAudience[p.Audience], p)
		}
	}
	for _, a := range []contest.Audience{contest.AudienceStaff, contest.AudienceCitizen} {
		rs := byAudience[a]
		slices.SortStableFunc(rs, func(x, y placedRound) int { return cmp.Or(x.OpensAt.Compare(y.OpensAt), cmp.Compare(x.line, y.line)) })
		var latest *placedRound // the round closing last so far
		for i := range rs {
			r := &rs[i]
			if latest != nil && r.OpensAt.Before(latest.ClosesAt) {
				rep.problemAt(file, r.line, r.openCol, r.item, "trùng thời gian với %s%s của đối tượng %s: mỗi đối tượng mỗi lúc chỉ một tuần thi (bắt đầu %s trước khi tuần kia kết thúc %s)",
					latest.item, placeOf(file, latest.line), a, r.OpensAt.In(contest.ICT).Format(time.RFC3339), latest.ClosesAt.In(contest.ICT).Format(time.RFC3339))
			}
			if latest == nil || r.ClosesAt.After(latest.ClosesAt) {
				latest = r
			}
		}
	}
}

// placeOf says where a round of a file is, for another round's problem: its
// line, or its week in the console's weekly form; nothing for a round the
// contest already has (line 0).
func placeOf(file string, line int) string {
	switch {
	case line <= 0:
		return ""
	case file == weeklyFile:
		return fmt.Sprintf(" (tuần %d của biểu mẫu)", line)
	}
	return fmt.Sprintf(" (dòng %d)", line)
}
