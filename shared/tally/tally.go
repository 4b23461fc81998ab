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
	order := rules.Order
	if len(order) == 0 {
		order = contest.DefaultOrder
	}
	// Each paper's sort key is computed once: a national round has a million.
	type keyed struct {
		key contest.RankKey
		p   *contest.Submitted
	}
	best := make(map[string]int, len(papers))
	list := make([]keyed, 0, len(papers))
	for i := range papers {
		p := &papers[i]
		if p.Excluded != "" {
			continue // excluded by the organisers: not ranked (ExcludedPapers)
		}
		k := keyed{p.RankKey(allCorrect, order), p}
		if j, ok := best[p.ParticipantID]; ok {
			if k.key.Compare(list[j].key) < 0 {
				list[j] = k
			}
			continue
		}
		best[p.ParticipantID] = len(list)
		list = append(list, k)
	}
	slices.SortFunc(list, func(a, b keyed) int {
		if c := a.key.Compare(b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.p.PaperID, b.p.PaperID) // stable output for equal entries
	})
	out := make([]Entry, len(list))
	for i, k := range list {
		p := k.p
		rank := i + 1
		if i > 0 && k.key == list[i-1].key {
			rank = out[i-1].Rank
		}
		out[i] = Entry{
			Rank: rank, ParticipantID: p.ParticipantID, Name: p.Name, UnitID: p.UnitID, Audience: p.Audience, PaperID: p.PaperID,
			Correct: p.Correct, Total: p.Total, Prediction: p.Prediction, Distance: contest.Distance(p.Prediction, allCorrect),
			TimeTakenMs: p.TimeTakenMs, SubmittedAt: p.SubmittedAt.In(contest.ICT), Excluded: rules.Excluded[p.ParticipantID],
		}
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

func awardPrizes(entries []Entry, levels []contest.Prize) {
	i := 0
	for _, lv := range levels {
		for given := 0; given < lv.Count; {
			for i < len(entries) && entries[i].Excluded {
				i++
			}
			if i >= len(entries) {
				return
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
	byUnit := map[string]*UnitStats{}
	out := make([]UnitStats, len(units))
	for i, u := range units {
		out[i] = UnitStats{UnitID: u.ID, Name: u.Name, Block: u.Block, Headcount: u.Headcount}
		byUnit[u.ID] = &out[i]
	}
	took := map[string]bool{}
	for _, p := range papers {
		if s, ok := byUnit[p.UnitID]; ok {
			s.Papers++
			if !took[p.ParticipantID] {
				took[p.ParticipantID] = true
				s.Participants++
			}
		}
	}
	sums, scored := map[string]float64{}, map[string]int{}
	for _, e := range ranking {
		s, ok := byUnit[e.UnitID]
		if !ok {
			continue
		}
		scored[e.UnitID]++
		if e.Total > 0 {
			sums[e.UnitID] += 10 * float64(e.Correct) / float64(e.Total)
		}
		if e.Total > 0 && e.Correct == e.Total {
			s.AllCorrect++
		}
	}
	for i := range out {
		s := &out[i]
		switch {
		case s.Headcount > 0:
			s.Rate = round4(math.Min(1, float64(s.Participants)/float64(s.Headcount)))
			s.OverRoster = s.Participants > s.Headcount
		case s.Participants > 0: // roster not imported yet: everyone who took part is over it
			s.Rate, s.OverRoster = 1, true
		}
		if n := scored[s.UnitID]; n > 0 {
			s.AverageScore = round4(sums[s.UnitID] / float64(n))
			s.AllCorrectShare = round4(float64(s.AllCorrect) / float64(n))
		}
	}
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
	return out
}

func firstOfBlock(s []UnitStats, i int) int {
	for i > 0 && s[i-1].Block == s[i].Block {
		i--
	}
	return i
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }
