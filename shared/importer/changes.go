package importer

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// listed bounds the ids or addresses a change lists (the counts are whole).
const listed = 100

// Changes is what writing a file would change in the contest, against what
// it holds now: counts, the first ids or addresses of each kind of change,
// and a line that says it all ("+120 người, −8 người, 15 chuyển đơn vị").
type Changes struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Moved   int `json:"moved,omitempty"`
	Updated int `json:"updated"`

	AddedList   []string `json:"addedList,omitempty"`
	RemovedList []string `json:"removedList,omitempty"`
	MovedList   []Move   `json:"movedList,omitempty"`
	UpdatedList []string `json:"updatedList,omitempty"`

	Text string `json:"text"`
}

// Move is a person who changes unit.
type Move struct {
	Email string `json:"email"`
	From  string `json:"from"`
	To    string `json:"to"`
}

func appendListed[T any](list []T, v T) []T {
	if len(list) < listed {
		return append(list, v)
	}
	return list
}

// rosterChanges compares the roster with the new one: people added, people
// who leave, people who move from one unit to another, people otherwise
// changed (name, roles, audience, ward, or a unit given to someone who had
// none, such as a board member, or taken away).
func rosterChanges(old, now []contest.Member) Changes {
	before := make(map[string]contest.Member, len(old))
	for _, m := range old {
		before[m.Email] = m
	}
	var c Changes
	seen := make(map[string]bool, len(now))
	for _, m := range now {
		seen[m.Email] = true
		o, ok := before[m.Email]
		switch {
		case !ok:
			c.Added++
			c.AddedList = appendListed(c.AddedList, m.Email)
		case o.UnitID != m.UnitID && o.UnitID != "" && m.UnitID != "":
			c.Moved++
			c.MovedList = appendListed(c.MovedList, Move{Email: m.Email, From: o.UnitID, To: m.UnitID})
		case o.UnitID != m.UnitID || o.Name != m.Name || o.Audience != m.Audience || o.Ward != m.Ward || !slices.Equal(o.Roles, m.Roles):
			c.Updated++
			c.UpdatedList = appendListed(c.UpdatedList, m.Email)
		}
	}
	for _, m := range old {
		if !seen[m.Email] {
			c.Removed++
			c.RemovedList = appendListed(c.RemovedList, m.Email)
		}
	}
	c.Text = fmt.Sprintf("+%d người, −%d người, %d chuyển đơn vị, %d thay đổi thông tin", c.Added, c.Removed, c.Moved, c.Updated)
	return c
}

// unitChanges compares the units with the new ones.
func unitChanges(old, now []contest.Unit) Changes {
	before := make(map[string]contest.Unit, len(old))
	for _, u := range old {
		before[u.ID] = u
	}
	var c Changes
	seen := map[string]bool{}
	for _, u := range now {
		seen[u.ID] = true
		o, ok := before[u.ID]
		switch {
		case !ok:
			c.Added++
			c.AddedList = appendListed(c.AddedList, u.ID)
		case o != u:
			c.Updated++
			c.UpdatedList = appendListed(c.UpdatedList, u.ID)
		}
	}
	for _, u := range old {
		if !seen[u.ID] {
			c.Removed++
			c.RemovedList = appendListed(c.RemovedList, u.ID)
		}
	}
	c.Text = fmt.Sprintf("+%d đơn vị, −%d đơn vị, %d thay đổi", c.Added, c.Removed, c.Updated)
	return c
}

// roundChanges compares the rounds with the file's: rounds the file leaves
// out stay as they are.
func roundChanges(old, now []contest.Round) Changes {
	before := map[string]contest.Round{}
	for _, r := range old {
		before[r.ID] = r
	}
	var c Changes
	for _, r := range now {
		o, ok := before[r.ID]
		switch {
		case !ok:
			c.Added++
			c.AddedList = appendListed(c.AddedList, r.ID)
		case o.Title != r.Title || o.Audience != r.Audience || !o.OpensAt.Equal(r.OpensAt) || !o.ClosesAt.Equal(r.ClosesAt) ||
			o.QuestionCount != r.QuestionCount || o.TimeLimit != r.TimeLimit || o.Attempts != r.Attempts || o.BankID != r.BankID:
			c.Updated++
			c.UpdatedList = appendListed(c.UpdatedList, r.ID)
		}
	}
	c.Text = fmt.Sprintf("+%d tuần thi, %d thay đổi (các tuần không có trong tệp giữ nguyên)", c.Added, c.Updated)
	return c
}

// bankChanges says whether the bank is new or replaces one of the same id.
func bankChanges(cur Current, b *contest.Bank) Changes {
	n, exists := cur.Banks[b.ID]
	if !exists {
		return Changes{Added: len(b.Questions), Text: fmt.Sprintf("bộ câu hỏi mới %q: %d câu", b.ID, len(b.Questions))}
	}
	return Changes{Added: len(b.Questions), Removed: n, Text: fmt.Sprintf("thay bộ câu hỏi %q: %d câu thay cho %d câu", b.ID, len(b.Questions), n)}
}

func unitsSummary(units []contest.Unit) map[string]any {
	blocks := map[string]int{}
	headcount := 0
	for _, u := range units {
		blocks[string(u.Block)]++
		headcount += u.Headcount
	}
	return map[string]any{"units": len(units), "blocks": blocks, "headcount": headcount}
}

func rosterSummary(members []contest.Member) map[string]any {
	var staff, citizens, participants, admins, organisers, jury int
	for _, m := range members {
		if m.Audience == contest.AudienceCitizen {
			citizens++
		} else {
			staff++
		}
		if contest.MayCompete(m.Roles) {
			participants++
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
	return map[string]any{"people": len(members), "staff": staff, "citizens": citizens, "participants": participants,
		"unitAdmins": admins, "organisers": organisers, "jury": jury}
}

// PreviewOption and PreviewQuestion show one question as a participant sees
// it: labels and texts, nothing of the answer.
type PreviewOption struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// PreviewQuestion is a question of a bank as a paper shows it.
type PreviewQuestion struct {
	Text    string          `json:"text"`
	Options []PreviewOption `json:"options"`
}

func bankSummary(b *contest.Bank) map[string]any {
	topics := map[string]int{}
	audiences := map[string]int{}
	explained := 0
	for _, q := range b.Questions {
		topics[cmpOr(q.Topic, "none")]++
		audiences[cmpOr(string(q.Audience), "both")]++
		if q.Explanation != "" || q.LegalBasis != "" {
			explained++
		}
	}
	q := b.Questions[0]
	p := PreviewQuestion{Text: q.Text}
	for i, o := range q.Options {
		p.Options = append(p.Options, PreviewOption{Label: optionLetters[i : i+1], Text: o})
	}
	return map[string]any{"bankId": b.ID, "title": b.Title, "questions": len(b.Questions), "topics": topics,
		"audiences": audiences, "explained": explained, "preview": p}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// RoundSummary is a round as a summary lists it.
type RoundSummary struct {
	ID               string  `json:"id"`
	Title            string  `json:"title"`
	Audience         string  `json:"audience"`
	OpensAt          string  `json:"opensAt"`
	ClosesAt         string  `json:"closesAt"`
	QuestionCount    int     `json:"questionCount"`
	TimeLimitMinutes float64 `json:"timeLimitMinutes"`
	Attempts         int     `json:"attempts"`
	BankID           string  `json:"bankId"`
}

func roundsSummary(rounds []contest.Round) map[string]any {
	return map[string]any{"rounds": RoundSummaries(rounds)}
}

// RoundSummaries are rounds as the console shows them: times in Viet Nam's
// time, the time limit in minutes.
func RoundSummaries(rounds []contest.Round) []RoundSummary {
	list := make([]RoundSummary, len(rounds))
	for i, r := range rounds {
		list[i] = RoundSummary{ID: r.ID, Title: r.Title, Audience: string(r.Audience),
			OpensAt: r.OpensAt.In(contest.ICT).Format(time.RFC3339), ClosesAt: r.ClosesAt.In(contest.ICT).Format(time.RFC3339),
			QuestionCount: r.QuestionCount, TimeLimitMinutes: r.TimeLimit.Minutes(), Attempts: r.Attempts, BankID: r.BankID}
	}
	return list
}

// SummaryText is a one-line account of a write for the audit log.
func (c *Checked) SummaryText() string {
	var what string
	switch c.Kind {
	case KindUnits:
		what = fmt.Sprintf("%d đơn vị", len(c.Units))
	case KindRoster:
		what = fmt.Sprintf("%d người", len(c.Members))
	case KindBank:
		if c.Bank != nil {
			what = fmt.Sprintf("bộ câu hỏi %s, %d câu", c.Bank.ID, len(c.Bank.Questions))
		}
	case KindRounds:
		ids := make([]string, len(c.Rounds))
		for i, r := range c.Rounds {
			ids[i] = r.ID
		}
		what = fmt.Sprintf("%d tuần thi (%s)", len(c.Rounds), strings.Join(ids, ", "))
	}
	return what + "; " + c.Changes.Text
}
