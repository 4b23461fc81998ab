package console

import (
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/importer"
)

// Round is a round as the console lists it: the rounds import's own summary,
// its status at the server's clock and whether it may still change in every
// field (it has not opened).
type Round struct {
	importer.RoundSummary
	Status      contest.Status `json:"status"`
	Editable    bool           `json:"editable"`
	PublishedAt *time.Time     `json:"publishedAt,omitempty"`
}

// Bank is a question bank as the console lists it.
type Bank struct {
	ID        string `json:"id"`
	Questions int    `json:"questions"`
}

// RoundList is GET /rounds: the contest's rounds (by opening), its banks
// (by id) and the most weeks one step creates.
type RoundList struct {
	Rounds   []Round `json:"rounds"`
	Banks    []Bank  `json:"banks"`
	MaxWeeks int     `json:"maxWeeks"`
}

// RoundListOf lists cur's rounds and banks at cur.Now.
func RoundListOf(cur importer.Current) RoundList {
	rounds := slices.Clone(cur.Rounds)
	slices.SortStableFunc(rounds, func(a, b contest.Round) int {
		if c := a.OpensAt.Compare(b.OpensAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	summaries := importer.RoundSummaries(rounds)
	out := RoundList{Rounds: make([]Round, len(rounds)), Banks: []Bank{}, MaxWeeks: importer.MaxWeeks}
	for i, rd := range rounds {
		out.Rounds[i] = Round{RoundSummary: summaries[i], Status: rd.Status(cur.Now), Editable: cur.Now.Before(rd.OpensAt)}
		if !rd.PublishedAt.IsZero() {
			at := rd.PublishedAt.In(contest.ICT)
			out.Rounds[i].PublishedAt = &at
		}
	}
	for id, n := range cur.Banks {
		out.Banks = append(out.Banks, Bank{ID: id, Questions: n})
	}
	slices.SortFunc(out.Banks, func(a, b Bank) int { return strings.Compare(a.ID, b.ID) })
	return out
}
