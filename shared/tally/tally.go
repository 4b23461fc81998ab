// Package tally computes a round's results: the number of all-correct papers
// (the answer to the prediction question), the ranking in the contest's
// tie-break order (contest.Order), the prize list, each unit's participation,
// and the published files. It has no AWS imports.
//
// "Tally" names four things: this package (the rules and the files, pure
// functions of the papers), shared/results (a tally run: reads the store,
// applies this package, uploads to S3), functions/tally (the Lambda function
// that runs it on its schedule and for organisers) and infra/benchtally (its
// benchmark on generated rounds).
package tally

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// DefaultPrizes: one first, two second, three third prizes a week.
var DefaultPrizes = []contest.Prize{{Name: "Giải Nhất", Count: 1}, {Name: "Giải Nhì", Count: 2}, {Name: "Giải Ba", Count: 3}}

// Rules configure a tally.
type Rules struct {
	Order  []contest.TieBreakKey
	Prizes []contest.Prize
	// Excluded participants (organisers and their staff) are ranked for the
	// record but get no prize.
	Excluded map[string]bool
}

// Entry is one participant's place in the ranking with the numbers that
// decided it, so anyone can check the order.
type Entry struct {
	Rank          int              `json:"rank"`
	ParticipantID string           `json:"participantId"`
	Name          string           `json:"name"`
	UnitID        string           `json:"unitId,omitempty"`
	Audience      contest.Audience `json:"audience"`
	PaperID       string           `json:"paperId"`
	Correct       int              `json:"correct"`
	Total         int              `json:"total"`
	Prediction    int              `json:"prediction"`
	Distance      int              `json:"distance"`
	TimeTakenMs   int64            `json:"timeTakenMs"`
	SubmittedAt   time.Time        `json:"submittedAt"`
	Prize         string           `json:"prize,omitempty"`
	Excluded      bool             `json:"excluded,omitempty"`
}

// Ranking orders each participant's best paper (several attempts: the best
// counts, by the same order) given the round's all-correct count. Entries tie
// (share a rank) only if every key is equal. Papers the organisers excluded
// (contest.Submitted.Excluded) are not ranked.
func Ranking(papers []contest.Submitted, allCorrect int, rules Rules) []Entry {
	list := RankPart(papers, allCorrect, rules.Order)
	out := make([]Entry, len(list))
	var r Ranker
	for i, k := range list {
		out[i] = NewEntry(k.Paper, r.Next(k.Key), allCorrect, rules.Excluded[k.Paper.ParticipantID])
	}
	awardPrizes(out, rules.Prizes)
	return out
}

// awardPrizes gives prizes down the ranking, skipping excluded people. A tie
// at a prize boundary is not split: the tied entries all get the prize (the
// organisers see it in the published numbers).
// Exclude marks the given participants of a ranking as excluded (ranked for
// the record, no prize) and hands the prizes out again. The order does not
// depend on exclusions, so this equals ranking again with them, without the
// sort.
func Exclude(entries []Entry, excluded map[string]bool, levels []contest.Prize) {
	for i := range entries {
		entries[i].Excluded, entries[i].Prize = excluded[entries[i].ParticipantID], ""
	}
	awardPrizes(entries, levels)
}

// awardPrizes returns where it stopped: the index after the last prize's
// tied entries, len(entries) if it ran out of entries.
func awardPrizes(entries []Entry, levels []contest.Prize) int {
	i := 0
	for _, lv := range levels {
		for given := 0; given < lv.Count; {
			for i < len(entries) && entries[i].Excluded {
				i++
			}
			if i >= len(entries) {
				return len(entries)
			}
			// the next eligible entry and every eligible entry tied with it,
			// excluded people in between skipped
			for rank := entries[i].Rank; i < len(entries) && entries[i].Rank == rank; i++ {
				if !entries[i].Excluded {
					entries[i].Prize = lv.Name
					given++
				}
			}
		}
	}
	return i
}

// CountAllCorrect counts papers with every answer right (all attempts, those
// the organisers excluded too: the prediction asks how many papers were
// submitted with every answer right).
func CountAllCorrect(papers []contest.Submitted) int {
	n := 0
	for _, p := range papers {
		if p.AllCorrect() {
			n++
		}
	}
	return n
}

// UnitStats is one unit's participation and quality in a round.
//
// Rate is participants / headcount, capped at 1: the roster headcount is
// fixed at import and people who joined the unit later still take part, so
// a unit can have more participants than its headcount; OverRoster flags it
// and Participants keeps the real number.
type UnitStats struct {
	UnitID          string        `json:"unitId"`
	Name            string        `json:"name"`
	Block           contest.Block `json:"block"`
	Headcount       int           `json:"headcount"`
	Participants    int           `json:"participants"`
	Papers          int           `json:"papers"`
	Rate            float64       `json:"rate"`
	OverRoster      bool          `json:"overRoster,omitempty"`
	AverageScore    float64       `json:"averageScore"`
	AllCorrect      int           `json:"allCorrect"`
	AllCorrectShare float64       `json:"allCorrectShare"`
	RankInBlock     int           `json:"rankInBlock"`
}

// Units computes per-unit figures from all submitted papers. Participants
// and papers count every paper, those the organisers excluded included (they
// took part); the average score is over each ranked participant's best paper
// (correct answers out of 10), and the all-correct share over those best
// papers too. Units are returned by
// block, then by rank within the block: rate, then average score, then
// all-correct share (higher first).
func Units(units []contest.Unit, ranking []Entry, papers []contest.Submitted) []UnitStats {
	t := NewUnitTally(units)
	t.AddPapers(papers)
	for i := range ranking {
		t.AddRanked(&ranking[i])
	}
	return t.Stats()
}

// rankUnits sorts units by block, then by rank within the block, and numbers
// them (UnitStats.RankInBlock).
func rankUnits(out []UnitStats) {
	blockOrder := map[contest.Block]int{contest.BlockAgency: 0, contest.BlockService: 1, contest.BlockCommune: 2}
	slices.SortFunc(out, func(a, b UnitStats) int {
		return cmp.Or(
			cmp.Compare(blockOrder[a.Block], blockOrder[b.Block]),
			cmp.Compare(string(a.Block), string(b.Block)),
			cmp.Compare(b.Rate, a.Rate),
			cmp.Compare(b.AverageScore, a.AverageScore),
			cmp.Compare(b.AllCorrectShare, a.AllCorrectShare),
			cmp.Compare(a.UnitID, b.UnitID),
		)
	})
	for i := range out {
		switch {
		case i > 0 && out[i].Block == out[i-1].Block && out[i].Rate == out[i-1].Rate &&
			out[i].AverageScore == out[i-1].AverageScore && out[i].AllCorrectShare == out[i-1].AllCorrectShare:
			out[i].RankInBlock = out[i-1].RankInBlock
		case i > 0 && out[i].Block == out[i-1].Block:
			out[i].RankInBlock = i + 1 - firstOfBlock(out, i)
		default:
			out[i].RankInBlock = 1
		}
	}
}

func firstOfBlock(s []UnitStats, i int) int {
	for i > 0 && s[i-1].Block == s[i].Block {
		i--
	}
	return i
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }
