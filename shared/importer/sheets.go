package importer

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// Kind is what one spreadsheet uploaded to the organiser console holds.
type Kind string

// The kinds of spreadsheet (POST /imports/{kind}).
const (
	KindUnits  Kind = "units"
	KindRoster Kind = "roster"
	KindBank   Kind = "bank"
	KindRounds Kind = "rounds"
)

// Kinds lists every kind, in the order a contest is set up.
var Kinds = []Kind{KindUnits, KindRoster, KindBank, KindRounds}

// ParseKind reads a kind's name.
func ParseKind(s string) (Kind, bool) {
	k := Kind(s)
	return k, slices.Contains(Kinds, k)
}

// Current is what a contest holds now: what an uploaded file is checked
// against (units for the roster, banks for the rounds) and compared with.
type Current struct {
	Contest contest.Contest
	Units   []contest.Unit
	Members []contest.Member
	Rounds  []contest.Round
	// Banks gives each bank's number of questions, by bank id.
	Banks map[string]int
	// Actor is the organiser uploading (an organiser cannot remove their own role).
	Actor string
	Now   time.Time
}

// Options are what a file cannot say itself: a bank's id and title.
type Options struct {
	BankID, BankTitle string
}

// Checked is one spreadsheet read and checked against the contest: what
// writing it would store, what it holds (Summary) and what it changes
// (Changes). It may be written only when Problems is empty.
type Checked struct {
	Kind    Kind
	Units   []contest.Unit
	Members []contest.Member
	Rounds  []contest.Round
	Bank    *contest.Bank
	// BankJSON is the bank as the data bucket stores it (contest.ParseBank reads it).
	BankJSON []byte

	Summary  map[string]any
	Changes  Changes
	Problems []Problem
	Warnings []Problem
}

// NewVersion is a fresh id for a version of units or a roster written at
// now: its time (base 36) and a random part.
func NewVersion(now time.Time) string {
	var nonce [4]byte
	_, _ = rand.Read(nonce[:])
	return strconv.FormatInt(now.UnixMilli(), 36) + "-" + hex.EncodeToString(nonce[:])
}

// Valid reports whether the file may be written.
func (c *Checked) Valid() bool { return len(c.Problems) == 0 }

// Check reads an uploaded spreadsheet (name is its file name, for messages)
// of the given kind and checks it against the contest as it is.
func Check(kind Kind, name string, data []byte, cur Current, opt Options) *Checked {
	out := &Checked{Kind: kind, Summary: map[string]any{}}
	var rep report
	switch kind {
	case KindUnits:
		rows, state := readTable(name, data, unitColumns, &rep)
		if state == fileRead {
			unitRows := parseUnits(name, rows, &rep)
			out.Units = settleHeadcounts(name, unitRows, staffOnly(cur.Members), len(cur.Members) > 0, &rep)
			checkRemovedUnits(name, cur, out.Units, &rep)
			out.Summary = unitsSummary(out.Units)
			out.Changes = unitChanges(cur.Units, out.Units)
		}
	case KindRoster:
		rows, state := readTable(name, data, rosterColumns, &rep)
		if state == fileRead {
			units := make([]unitRow, len(cur.Units))
			for i, u := range cur.Units {
				units[i] = unitRow{Unit: u, hasHeadcount: true}
			}
			unitsState := fileRead
			if len(cur.Units) == 0 {
				unitsState = fileAbsent
			}
			out.Members = parseRoster(name, cur.Contest, rows, units, unitsState, &rep)
			if cur.Actor != "" && !slices.ContainsFunc(out.Members, func(m contest.Member) bool {
				return m.Email == cur.Actor && m.Has(contest.RoleOrganiser)
			}) && slices.ContainsFunc(cur.Members, func(m contest.Member) bool { return m.Email == cur.Actor && m.Has(contest.RoleOrganiser) }) {
				rep.problem(name, 0, "", "danh sách mới không còn bạn (%s) với vai trò Ban Tổ chức: bạn sẽ mất quyền vào trang quản trị; hãy giữ dòng của mình", cur.Actor)
			}
			warnHeadcounts(name, cur.Units, out.Members, &rep)
			out.Summary = rosterSummary(out.Members)
			out.Changes = rosterChanges(cur.Members, out.Members)
		}
	case KindBank:
		out.Bank, out.BankJSON = parseBankSheet(name, data, cur, opt, &rep)
		if out.Bank != nil {
			out.Summary = bankSummary(out.Bank)
			out.Changes = bankChanges(cur, out.Bank)
		}
	case KindRounds:
		rows, state := readTable(name, data, roundColumns, &rep)
		if state == fileRead {
			out.Rounds = parseRoundRows(name, rows, cur, &rep)
			out.Summary = roundsSummary(out.Rounds)
			out.Changes = roundChanges(cur.Rounds, out.Rounds)
		}
	default:
		rep.problem(name, 0, "", "loại tệp %q không rõ: %s", kind, kindList())
	}
	out.Problems, out.Warnings = inFileOrder(rep.problems), inFileOrder(rep.warnings)
	return out
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func staffOnly(ms []contest.Member) []contest.Member {
	var out []contest.Member
	for _, m := range ms {
		if m.Audience == contest.AudienceStaff {
			out = append(out, m)
		}
	}
	return out
}

// checkRemovedUnits refuses to drop a unit that people of the roster still
// belong to: import the roster without them first.
func checkRemovedUnits(name string, cur Current, units []contest.Unit, rep *report) {
	kept := map[string]bool{}
	for _, u := range units {
		kept[u.ID] = true
	}
	people := map[string]int{}
	for _, m := range cur.Members {
		if m.UnitID != "" && !kept[m.UnitID] {
			people[m.UnitID]++
		}
	}
	for _, id := range sortedKeys(people) {
		rep.problem(name, 0, "", "đơn vị %q không còn trong tệp nhưng danh sách dự thi còn %d người của đơn vị: hãy nhập danh sách dự thi mới (chuyển họ sang đơn vị khác) trước", id, people[id])
	}
}

// warnHeadcounts points out units whose headcount the new roster passes.
func warnHeadcounts(name string, units []contest.Unit, members []contest.Member, rep *report) {
	n := map[string]int{}
	for _, m := range members {
		if m.Audience == contest.AudienceStaff && contest.MayCompete(m.Roles) && m.UnitID != "" {
			n[m.UnitID]++
		}
	}
	for _, u := range units {
		if u.Headcount > 0 && n[u.ID] > u.Headcount {
			rep.warn(name, 0, fmt.Sprintf("unit %q", u.ID), "đơn vị %s có số người %d, nhưng danh sách mới có %d cán bộ dự thi của đơn vị: tỷ lệ tham gia có thể vượt 100%%; hãy nhập lại danh sách đơn vị", u.ID, u.Headcount, n[u.ID])
		}
	}
}

var roundColumns = []column{
	{"id", true, []string{"Mã tuần thi", "Mã tuần"}},
	{"title", true, []string{"Tên tuần thi", "Tên"}},
	{"audience", false, []string{"Đối tượng"}},
	{"opensAt", true, []string{"Bắt đầu", "Thời gian bắt đầu"}},
	{"closesAt", true, []string{"Kết thúc", "Thời gian kết thúc"}},
	{"questionCount", true, []string{"Số câu hỏi", "Số câu"}},
	{"timeLimitMinutes", true, []string{"Thời gian làm bài (phút)", "Thời gian làm bài", "Số phút"}},
	{"attempts", false, []string{"Số lượt thi", "Số lượt"}},
	{"bankId", true, []string{"Mã bộ câu hỏi", "Bộ câu hỏi"}},
}

// parseRoundRows reads a rounds spreadsheet: the same checks as rounds.json,
// times as spreadsheets write them (sheetTime), and the rule that a round
// that has opened keeps its questions, time limit and attempts.
func parseRoundRows(file string, rows []csvRow, cur Current, rep *report) []contest.Round {
	old := map[string]contest.Round{}
	for _, r := range cur.Rounds {
		old[r.ID] = r
	}
	var placed []placedRound
	lineOf := map[string]int{}
	for _, row := range rows {
		if row.stray {
			continue
		}
		c := row.cells
		col := row.label
		rf := roundFile{ID: strings.ToLower(c["id"]), Title: c["title"], Audience: c["audience"], BankID: c["bankId"]}
		p := placedRound{line: row.line, item: fmt.Sprintf("tuần thi %q", rf.ID), openCol: col("opensAt")}
		bad := func(field, format string, args ...any) {
			rep.problemAt(file, row.line, col(field), p.item, format, args...)
		}
		if prev, dup := lineOf[rf.ID]; dup && rf.ID != "" {
			bad("id", "mã tuần thi trùng với dòng %d", prev)
		} else {
			lineOf[rf.ID] = row.line
		}
		rf.OpensAt, rf.openBad = sheetTime("opensAt", c["opensAt"], bad)
		rf.ClosesAt, rf.closeBad = sheetTime("closesAt", c["closesAt"], bad)
		if n, ok := wholeNumber(c["questionCount"]); ok {
			rf.QuestionCount = n
		} else if c["questionCount"] != "" {
			bad("questionCount", "số câu hỏi %q không phải số nguyên", c["questionCount"])
			rf.QuestionCount = 1
		}
		if m := c["timeLimitMinutes"]; m != "" {
			if f, err := strconv.ParseFloat(strings.ReplaceAll(m, ",", "."), 64); err == nil {
				rf.TimeLimitMinutes = &f
			} else {
				bad("timeLimitMinutes", "thời gian làm bài %q không phải số phút", m)
				zero := 0.0
				rf.TimeLimitMinutes = &zero
			}
		}
		if a := c["attempts"]; a != "" {
			n, ok := wholeNumber(a)
			if !ok {
				bad("attempts", "số lượt %q không phải số nguyên", a)
				n = 1
			}
			rf.Attempts = &n
		}
		before := len(rep.problems)
		p.Round = checkRound(file, rf, cur.Contest.ID, cur.Banks, false, p.item, row.line, col, rep, &p.timed)
		if o, ok := old[p.ID]; ok && len(rep.problems) == before && !cur.Now.Before(o.OpensAt) {
			if field, err := o.CheckChange(p.Round, cur.Now); err != nil {
				msg := err.Error()
				if e, ok := fault.As(err); ok {
					msg = e.Message
				}
				bad(field, "%s", msg)
			}
			p.KeepPublication(o)
		}
		if p.timed && !p.ClosesAt.After(cur.Now) {
			rep.warnAt(file, row.line, col("closesAt"), p.item, "đã kết thúc (lúc %s): không ai còn thi được", p.ClosesAt.In(contest.ICT).Format("15:04 02/01/2006"))
		}
		placed = append(placed, p)
	}
	// rounds of the contest that the file leaves out stay: they overlap too
	for _, r := range cur.Rounds {
		if _, inFile := lineOf[r.ID]; !inFile {
			placed = append(placed, placedRound{Round: r, item: fmt.Sprintf("tuần thi %q (đã có)", r.ID), timed: true})
		}
	}
	checkOverlaps(file, placed, rep)
	var rounds []contest.Round
	for _, p := range placed {
		if p.line > 0 {
			rounds = append(rounds, p.Round)
		}
	}
	return rounds
}

// sheetTime reads a round's time as spreadsheets hold it, in Viet Nam's
// time: "29/09/2025 00:00", "29/09/2025" (midnight), "05/10/2025 24:00" (the
// next midnight), "2025-09-29 00:00", a date cell (a number of days since
// 1900), or RFC 3339 with its offset. It returns RFC 3339; reported is true
// when it reported the value.
func sheetTime(field, s string, bad func(string, string, ...any)) (rfc3339 string, reported bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return s, false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 1 && f < 200000 {
		t, err := excelize.ExcelDateToTime(f, false)
		if err == nil {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), int(math.Round(float64(t.Second())+float64(t.Nanosecond())/1e9)), 0, contest.ICT)
			return t.Format(time.RFC3339), false
		}
	}
	text, midnight := s, false
	if strings.HasSuffix(text, " 24:00") {
		text, midnight = strings.TrimSuffix(text, " 24:00"), true
	}
	for _, layout := range []string{"02/01/2006 15:04", "2/1/2006 15:04", "02/01/2006 15:04:05", "02/01/2006", "2/1/2006", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, text, contest.ICT); err == nil {
			if midnight {
				t = t.AddDate(0, 0, 1)
			}
			return t.Format(time.RFC3339), false
		}
	}
	bad(field, "%s %q không phải ngày giờ: ghi dạng ngày/tháng/năm giờ:phút theo giờ Việt Nam, ví dụ \"29/09/2025 00:00\"", timeWord(field), s)
	return "", true
}
