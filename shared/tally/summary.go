package tally

import "github.com/hoithi/hoithi/shared/contest"

// LeadersShown is how many entries from the top of the ranking a Summary
// carries: what the organiser's console shows before the published pages.
const LeadersShown = 10

// Summary is a tally as the organiser's on-demand call answers it: the
// figures, the prizes with their winners, the top of the ranking and the
// units, never the whole ranking (a national round's would pass the
// response's size limit; the published ranking pages hold it).
type Summary struct {
	Contest        string                `json:"contest"`
	Round          RoundInfo             `json:"round"`
	Final          bool                  `json:"final"`
	Papers         int                   `json:"papers"`
	Participants   int                   `json:"participants"`
	AllCorrect     int                   `json:"allCorrect"`
	ExcludedPapers int                   `json:"excludedPapers"`
	TieBreak       []contest.TieBreakKey `json:"tieBreak"`
	Prizes         []PublicEntry         `json:"prizes"`
	// Leaders is the top of the ranking (at most LeadersShown entries).
	Leaders         []PublicEntry `json:"leaders"`
	RankingPages    int           `json:"rankingPages"`
	RankingPageSize int           `json:"rankingPageSize"`
	Units           []UnitStats   `json:"units"`
}

// Summarize is res's summary with leaders, the top of its ranking (at most
// LeadersShown are kept).
func Summarize(res Result, leaders []PublicEntry) Summary {
	leaders = leaders[:min(len(leaders), LeadersShown)]
	if leaders == nil {
		leaders = []PublicEntry{}
	}
	return Summary{
		Contest: res.Contest, Round: res.Round, Final: res.Final, Papers: res.Papers, Participants: res.Participants,
		AllCorrect: res.AllCorrect, ExcludedPapers: res.ExcludedPapers, TieBreak: res.TieBreak, Prizes: res.Prizes,
		Leaders: leaders, RankingPages: res.RankingPages, RankingPageSize: res.RankingPageSize, Units: res.Units,
	}
}
