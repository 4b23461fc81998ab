package importer

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// The files of a contest folder (docs/import.md).
const (
	fileContest = "contest.json"
	fileUnits   = "units.csv"
	fileRoster  = "roster.csv"
	fileRounds  = "rounds.json"
	dirBanks    = "banks"
)

// Folder is a contest folder read and checked: what the import writes. It is
// only written when Problems is empty.
type Folder struct {
	Dir     string
	Contest contest.Contest
	Units   []contest.Unit
	Members []contest.Member
	Rounds  []contest.Round
	Banks   []BankFile

	// Present says which optional files the folder has (units.csv,
	// roster.csv, rounds.json, banks): an absent file writes nothing of its kind.
	Present map[string]bool
	// Problems stop the import; Warnings are worth a look but write anyway.
	Problems []Problem
	Warnings []Problem
}

// Valid reports whether the folder may be written.
func (f *Folder) Valid() bool { return len(f.Problems) == 0 }

// Problem is one thing wrong (or worth a look) in a contest folder, placed
// where the organiser finds it: the file, the line when known, the item.
type Problem struct {
	File   string // relative to the folder: "roster.csv", "banks/staff.json"
	Line   int    // from 1 (a spreadsheet's row); 0 when the problem is not on one line
	Column string // the column's header as the file writes it, when the problem is in one cell
	Item   string // what it is about: `round "tuan-1"`, `allowedDomains[0]`
	Msg    string
}

// String places the problem in its file, for the command line.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ", dòng %d", p.Line)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, ", cột %s", p.Column)
	}
	b.WriteString(": ")
	if p.Item != "" {
		b.WriteString(p.Item + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Message places the problem in its file for the organiser console, in
// Vietnamese: "Dòng 14, cột Email: email trùng với dòng 9".
func (p Problem) Message() string {
	var where []string
	if p.Line > 0 {
		where = append(where, fmt.Sprintf("Dòng %d", p.Line))
	}
	if p.Column != "" {
		c := "cột " + p.Column
		if len(where) == 0 {
			c = "Cột " + p.Column
		}
		where = append(where, c)
	}
	if len(where) == 0 {
		return p.Msg
	}
	return strings.Join(where, ", ") + ": " + p.Msg
}

// report collects problems and warnings while a folder is read.
type report struct {
	problems, warnings []Problem
}

func (r *report) problem(file string, line int, item, format string, args ...any) {
	r.problems = append(r.problems, Problem{File: file, Line: line, Item: item, Msg: fmt.Sprintf(format, args...)})
}

func (r *report) problemAt(file string, line int, column, item, format string, args ...any) {
	r.problems = append(r.problems, Problem{File: file, Line: line, Column: column, Item: item, Msg: fmt.Sprintf(format, args...)})
}

func (r *report) warnAt(file string, line int, column, item, format string, args ...any) {
	r.warnings = append(r.warnings, Problem{File: file, Line: line, Column: column, Item: item, Msg: fmt.Sprintf(format, args...)})
}

func (r *report) warn(file string, line int, item, format string, args ...any) {
	r.warnings = append(r.warnings, Problem{File: file, Line: line, Item: item, Msg: fmt.Sprintf(format, args...)})
}

// Load reads and checks the contest folder dir; now dates the warning about
// rounds already over. The error is for a folder that cannot be read at all;
// what is wrong inside it is in the Folder's Problems.
func Load(dir string, now time.Time) (*Folder, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read contest folder: %w", err)
	}
	f := &Folder{Dir: dir, Present: map[string]bool{}}
	var rep report
	known := map[string]bool{fileContest: true, fileUnits: true, fileRoster: true, fileRounds: true, dirBanks: true}
	for _, e := range entries {
		name := e.Name()
		if known[name] || ignorable(name) {
			continue
		}
		rep.warn(name, 0, "", "bỏ qua: không phải tệp của thư mục cuộc thi (tên phân biệt chữ hoa, chữ thường: %s, %s, %s, %s, %s/)",
			fileContest, fileUnits, fileRoster, fileRounds, dirBanks)
	}

	data, err := os.ReadFile(filepath.Join(dir, fileContest))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		rep.problem(fileContest, 0, "", "thiếu tệp: thư mục cuộc thi nào cũng cần contest.json (id, title, allowedDomains, openSignUp)")
	case err != nil:
		rep.problem(fileContest, 0, "", "không đọc được: %v", err)
	default:
		f.Contest = parseContest(nfc(data), &rep)
	}

	before := len(rep.problems)
	f.Banks, f.Present[dirBanks] = loadBanks(dir, &rep)
	banksBroken := len(rep.problems) > before

	units, unitsState := readCSV(dir, fileUnits, unitColumns, &rep)
	f.Present[fileUnits] = unitsState != fileAbsent
	unitRows := parseUnits(fileUnits, units, &rep)

	roster, rosterState := readCSV(dir, fileRoster, rosterColumns, &rep)
	f.Present[fileRoster] = rosterState != fileAbsent
	f.Members = parseRoster(fileRoster, f.Contest, roster, unitRows, unitsState, &rep)
	f.Units = settleHeadcounts(fileUnits, unitRows, f.Members, rosterState == fileRead, &rep)

	data, err = os.ReadFile(filepath.Join(dir, fileRounds))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		rep.problem(fileRounds, 0, "", "không đọc được: %v", err)
	default:
		f.Present[fileRounds] = true
		f.Rounds = parseRounds(nfc(data), f.Contest.ID, f.Banks, banksBroken, now, &rep)
	}

	f.Problems, f.Warnings = inFileOrder(rep.problems), inFileOrder(rep.warnings)
	return f, nil
}

// inFileOrder sorts problems by line within each file, files in the order
// they were read.
func inFileOrder(ps []Problem) []Problem {
	rank := map[string]int{}
	for _, p := range ps {
		if _, ok := rank[p.File]; !ok {
			rank[p.File] = len(rank)
		}
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(rank[a.File], rank[b.File]), cmp.Compare(a.Line, b.Line))
	})
	return ps
}

// ignorable names are left alone without a word: hidden files (.DS_Store),
// notes, and the lock files office programs leave next to an open file.
func ignorable(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") ||
		strings.HasPrefix(lower, "readme") || strings.HasSuffix(lower, ".md")
}

// Summary prints what the folder holds, in counts, in Vietnamese (as the
// rest of make import).
func (f *Folder) Summary(w io.Writer) {
	c := f.Contest
	fmt.Fprintf(w, "Cuộc thi %s: %s\n", c.ID, c.Title)
	fmt.Fprintf(w, "  tên miền email công vụ: %s; mở đăng ký cho: %s\n", listOrNone(c.AllowedDomains), listOrNone(audiences(c.OpenSignUp)))
	staff := "chỉ người trong danh sách dự thi"
	if !c.RosterOnly() {
		staff = "người trong danh sách dự thi và mọi địa chỉ công vụ (allowUnlisted)"
	}
	fmt.Fprintf(w, "  cán bộ được đăng nhập: %s\n", staff)

	if !f.Present[fileUnits] {
		fmt.Fprintf(w, "  đơn vị:      không có (không có %s)\n", fileUnits)
	} else {
		blocks := map[contest.Block]int{}
		headcount := 0
		for _, u := range f.Units {
			blocks[u.Block]++
			headcount += u.Headcount
		}
		fmt.Fprintf(w, "  đơn vị:      %d (%s %d, %s %d, %s %d), tổng số người %d\n", len(f.Units),
			contest.BlockAgency, blocks[contest.BlockAgency], contest.BlockService, blocks[contest.BlockService],
			contest.BlockCommune, blocks[contest.BlockCommune], headcount)
	}

	if !f.Present[fileRoster] {
		fmt.Fprintf(w, "  danh sách:   không có (không có %s)\n", fileRoster)
	} else {
		var staff, citizens, admins, organisers, jury int
		for _, m := range f.Members {
			if m.Audience == contest.AudienceCitizen {
				citizens++
			} else {
				staff++
			}
			if m.Has(contest.RoleUnitAdmin) {
				admins++
			}
			if m.Has(contest.RoleOrganiser) {
				organisers++
			}
			if m.Has(contest.RoleJury) {
				jury++
			}
		}
		fmt.Fprintf(w, "  danh sách:   %d người (%d cán bộ, %d người dân; %d quản trị đơn vị, %d Ban Tổ chức, %d giám khảo)\n",
			len(f.Members), staff, citizens, admins, organisers, jury)
	}

	if !f.Present[fileRounds] {
		fmt.Fprintf(w, "  tuần thi:    không có (không có %s)\n", fileRounds)
	} else {
		fmt.Fprintf(w, "  tuần thi:    %d\n", len(f.Rounds))
		for _, r := range f.Rounds {
			fmt.Fprintf(w, "    %-20s %-7s %s → %s  %d câu từ bộ %s, %s, %d lượt\n", r.ID, r.Audience,
				dayTime(r.OpensAt), dayTime(r.ClosesAt), r.QuestionCount, r.BankID, timeLimitText(r.TimeLimit), r.Attempts)
		}
	}

	if !f.Present[dirBanks] {
		fmt.Fprintf(w, "  bộ câu hỏi:  không có (không có %s/)\n", dirBanks)
	} else {
		fmt.Fprintf(w, "  bộ câu hỏi:  %d\n", len(f.Banks))
		for _, b := range f.Banks {
			fmt.Fprintf(w, "    %-20s %d câu (%s)\n", b.Bank.ID, len(b.Bank.Questions), b.File)
		}
	}
}

// weekdays are the days' short Vietnamese names, from Sunday.
var weekdays = [7]string{"CN", "T2", "T3", "T4", "T5", "T6", "T7"}

// dayTime is a time in Viet Nam as "T2 28/12/2026 00:00".
func dayTime(t time.Time) string {
	t = t.In(contest.ICT)
	return weekdays[t.Weekday()] + " " + t.Format("02/01/2006 15:04")
}

func audiences(as []contest.Audience) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "không có"
	}
	return strings.Join(s, ", ")
}

func timeLimitText(d time.Duration) string {
	switch {
	case d == 0:
		return "không giới hạn thời gian"
	case d%time.Minute == 0:
		return fmt.Sprintf("%d phút", d/time.Minute)
	default:
		return fmt.Sprintf("%d phút %d giây", d/time.Minute, d%time.Minute/time.Second)
	}
}

// sortedKeys returns a set's members in order, for messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
