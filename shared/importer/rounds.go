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
}

// placedRound is a round read from rounds.json and where it is.
type placedRound struct {
	contest.Round
	line  int
	item  string
	timed bool // opensAt and closesAt read and in order
}

const timeExample = "2026-12-07T00:00:00+07:00"

// parseRounds reads rounds.json; banksBroken says some bank file could not
// be read (a round naming it is not told its bank is missing as well).
func parseRounds(data []byte, contestID string, banks []BankFile, banksBroken bool, now time.Time, rep *report) []contest.Round {
	bankOf := map[string]*contest.Bank{}
	for _, b := range banks {
		bankOf[b.Bank.ID] = b.Bank
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		jsonProblem(fileRounds, data, 0, "", err, rep)
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		rep.problem(fileRounds, 1, "", "must be a JSON array of rounds: [ {\"id\": …}, {\"id\": …} ]")
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
			jsonProblem(fileRounds, data, at, fmt.Sprintf("round %d", i+1), err, rep)
			continue
		}
		p := placedRound{line: line, item: fmt.Sprintf("round %d", i+1)}
		if rf.ID != "" {
			p.item = fmt.Sprintf("round %q", rf.ID)
		}
		if prev, dup := lineOf[rf.ID]; dup && rf.ID != "" {
			rep.problem(fileRounds, line, p.item, "the same round id is already on line %d", prev)
		} else {
			lineOf[rf.ID] = line
		}
		p.Round = checkRound(rf, contestID, bankOf, banksBroken, p.item, line, rep, &p.timed)
		if p.timed && !p.ClosesAt.After(now) {
			rep.warn(fileRounds, line, p.item, "already over (closed %s): nobody can take it", p.ClosesAt.In(contest.ICT).Format("15:04 02/01/2006"))
		}
		placed = append(placed, p)
	}
	if _, err := dec.Token(); err != nil {
		jsonProblem(fileRounds, data, 0, "", err, rep)
		return nil
	}
	if dec.More() {
		rep.problem(fileRounds, lineAt(data, dec.InputOffset()), "", "more after the end of the array")
	}
	checkOverlaps(placed, rep)
	rounds := make([]contest.Round, len(placed))
	for i, p := range placed {
		rounds[i] = p.Round
	}
	return rounds
}

// checkRound turns a round of the file into a contest.Round, reporting what
// is wrong; timed tells whether its times can be compared with others'.
func checkRound(rf roundFile, contestID string, bankOf map[string]*contest.Bank, banksBroken bool, item string, line int, rep *report, timed *bool) contest.Round {
	before := len(rep.problems)
	bad := func(format string, args ...any) { rep.problem(fileRounds, line, item, format, args...) }
	r := contest.Round{
		ContestID: contestID, ID: strings.TrimSpace(rf.ID), Title: strings.TrimSpace(rf.Title),
		Audience: contest.AudienceStaff, QuestionCount: rf.QuestionCount, Attempts: 1, BankID: strings.TrimSpace(rf.BankID),
	}
	switch {
	case r.ID == "":
		bad("no id (e.g. \"tuan-1\")")
	case !contest.ValidID(r.ID):
		bad("id: use 1 to 63 lower-case letters a–z, digits and \"-\" (e.g. tuan-1)")
	}
	if r.Title == "" {
		bad("no title (e.g. \"Tuần thi thứ nhất\")")
	}
	if a := strings.TrimSpace(strings.ToLower(rf.Audience)); a != "" {
		r.Audience = contest.Audience(a)
		if !r.Audience.Valid() {
			bad("unknown audience %q: use %s (civil servants, the default) or %s", rf.Audience, contest.AudienceStaff, contest.AudienceCitizen)
		}
	}
	var okOpen, okClose bool
	r.OpensAt, okOpen = parseTime("opensAt", rf.OpensAt, bad)
	r.ClosesAt, okClose = parseTime("closesAt", rf.ClosesAt, bad)
	if okOpen && okClose {
		if r.OpensAt.Before(r.ClosesAt) {
			*timed = true
		} else {
			bad("closesAt %s is not after opensAt %s", rf.ClosesAt, rf.OpensAt)
		}
	}
	if r.QuestionCount < 1 || r.QuestionCount > contest.MaxQuestions {
		bad("questionCount %d: a paper has 1 to %d questions", r.QuestionCount, contest.MaxQuestions)
	}
	switch m := rf.TimeLimitMinutes; {
	case m == nil:
		bad("no timeLimitMinutes: the minutes to answer a paper (e.g. 10), or 0 for no limit but the round's close")
	case *m < 0 || *m > 24*60:
		bad("timeLimitMinutes %v: from 0 (no limit) to 1440 (a day)", *m)
	case math.Abs(*m*60-math.Round(*m*60)) > 1e-6:
		bad("timeLimitMinutes %v is not a whole number of seconds", *m)
	default:
		r.TimeLimit = time.Duration(math.Round(*m*60)) * time.Second
	}
	if rf.Attempts != nil {
		r.Attempts = *rf.Attempts
		if r.Attempts < 1 || r.Attempts > 10 {
			bad("attempts %d: from 1 to 10 papers a person (the best counts)", r.Attempts)
		}
	}
	switch b, ok := bankOf[r.BankID]; {
	case r.BankID == "":
		bad("no bankId: the id of one of the banks in %s/", dirBanks)
	case !ok && banksBroken:
		bad("bankId %q is not the id of a bank in %s/ that could be read (banks: %s; see the bank files' problems)", r.BankID, dirBanks, listOrNone(sortedKeys(bankOf)))
	case !ok:
		bad("bankId %q is not the id of a bank in %s/ (banks: %s)", r.BankID, dirBanks, listOrNone(sortedKeys(bankOf)))
	case r.QuestionCount > len(b.Questions):
		bad("questionCount %d, but bank %q has only %d questions", r.QuestionCount, r.BankID, len(b.Questions))
	}
	// the system's own check has the last word (it should find nothing more)
	if len(rep.problems) == before {
		if err := r.Validate(); err != nil {
			bad("%v", err)
		}
	}
	return r
}

// parseTime reads an RFC 3339 time with its UTC offset. A time without one
// is refused rather than guessed: the organiser's computer and the server
// may disagree on the zone.
func parseTime(field, s string, bad func(string, ...any)) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		bad("no %s (e.g. %q)", field, timeExample)
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err == nil {
		return t.Truncate(time.Second), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			bad("%s %q has no UTC offset: write it with Viet Nam's, e.g. %q", field, s, timeExample)
			return time.Time{}, false
		}
	}
	bad("%s %q is not a date and time: write e.g. %q", field, s, timeExample)
	return time.Time{}, false
}

// checkOverlaps refuses two rounds of one audience open at the same time:
// rounds are weeks (one paper a week per person, or the round's attempts),
// and overlapping ones would give people two papers in a week, split the
// week's ranking and send two reminders.
func checkOverlaps(rounds []placedRound, rep *report) {
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
				rep.problem(fileRounds, r.line, r.item, "overlaps %s (line %d) for %s: one round at a time per audience (opensAt %s is before that round's closesAt %s)",
					latest.item, latest.line, a, r.OpensAt.In(contest.ICT).Format(time.RFC3339), latest.ClosesAt.In(contest.ICT).Format(time.RFC3339))
			}
			if latest == nil || r.ClosesAt.After(latest.ClosesAt) {
				latest = r
			}
		}
	}
}
