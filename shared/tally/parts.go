package tally

import (
	"cmp"
	"math"
	"slices"

	"github.com/hoithi/hoithi/shared/contest"
)

// A round too large to hold in memory is tallied in parts: its papers are
// split by participant (every paper of one participant in the same part),
// each part is ranked on its own (RankPart), the parts' rankings are merged
// in the order of Before, numbered (Ranker) and handed their prizes from the
// top (AwardPrizes); units' figures add up part by part (UnitTally). Ranking
// and Units are the same steps over a single part.

// Ranked is a participant's paper that counts, with its place in the order.
type Ranked struct {
	Key   contest.RankKey
	Paper *contest.Submitted
}

// Before orders ranked papers: by key, then by paper id, so that the order
// is total and the same whatever the parts.
func Before(a, b Ranked) int {
	if c := a.Key.Compare(b.Key); c != 0 {
		return c
	}
	return cmp.Compare(a.Paper.PaperID, b.Paper.PaperID)
}

// RankPart picks each participant's paper that counts (several attempts: the
// best by the order; equal ones, the first listed) given the round's
// all-correct count, and sorts them (Before). Papers the organisers excluded
// are not ranked. Every paper of a participant must be in papers.
func RankPart(papers []contest.Submitted, allCorrect int, order []contest.TieBreakKey) []Ranked {
	if len(order) == 0 {
		order = contest.DefaultOrder
	}
	best := make(map[string]int, len(papers))
	list := make([]Ranked, 0, len(papers))
	for i := range papers {
		p := &papers[i]
		if p.Excluded != "" {
			continue // excluded by the organisers: not ranked (ExcludedPapers)
		}
		k := Ranked{p.RankKey(allCorrect, order), p}
		if j, ok := best[p.ParticipantID]; ok {
			if k.Key.Compare(list[j].Key) < 0 {
				list[j] = k
			}
			continue
		}
		best[p.ParticipantID] = len(list)
		list = append(list, k)
	}
	slices.SortFunc(list, Before)
	return list
}

// Ranker numbers a merged ranking: entries equal in every key share a rank.
type Ranker struct {
	n, rank int
	prev    contest.RankKey
}

// Next is the rank of the next entry of the ranking, whose key is k.
func (r *Ranker) Next(k contest.RankKey) int {
	r.n++
	if r.n == 1 || k != r.prev {
		r.rank = r.n
	}
	r.prev = k
	return r.rank
}

// NewEntry is a ranked paper's line in the ranking, at rank, given the round's
// all-correct count; excluded says whether its participant may win nothing.
func NewEntry(p *contest.Submitted, rank, allCorrect int, excluded bool) Entry {
	return Entry{
		Rank: rank, ParticipantID: p.ParticipantID, Name: p.Name, UnitID: p.UnitID, Audience: p.Audience, PaperID: p.PaperID,
		Correct: p.Correct, Total: p.Total, Prediction: p.Prediction, Distance: contest.Distance(p.Prediction, allCorrect),
		TimeTakenMs: p.TimeTakenMs, SubmittedAt: p.SubmittedAt.In(contest.ICT), Excluded: excluded,
	}
}

// AwardPrizes gives the prizes down the top of a ranking (head), skipping
// excluded people; see Exclude. It reports whether head was enough to decide
// them: every prize given and the last prize's tied entries ended before the
// end of head. A head that is the whole ranking is always enough.
func AwardPrizes(head []Entry, levels []contest.Prize) bool {
	for i := range head {
		head[i].Prize = ""
	}
	end := awardPrizes(head, levels)
	return end < len(head)
}

// UnitTally adds up units' figures (Units) part by part: the papers and
// participants of each part (AddPapers; parts split by participant), the
// score and all-correct papers of the ranking's entries in the ranking's
// order (AddRanked: the score is a sum of fractions, added in one order so
// that the published figures do not depend on the parts).
type UnitTally struct {
	units  []contest.Unit
	byUnit map[string]*unitSums
}

type unitSums struct {
	papers, participants, scored, allCorrect int
	score                                    float64
}

// NewUnitTally starts the figures of units.
func NewUnitTally(units []contest.Unit) *UnitTally {
	t := &UnitTally{units: units, byUnit: make(map[string]*unitSums, len(units))}
	for _, u := range units {
		t.byUnit[u.ID] = &unitSums{}
	}
	return t
}

// AddPapers counts one part's papers, those the organisers excluded
// included (they took part): a participant counts once, in the unit of
// their first paper listed.
func (t *UnitTally) AddPapers(papers []contest.Submitted) {
	took := map[string]bool{}
	for i := range papers {
		p := &papers[i]
		if s, ok := t.byUnit[p.UnitID]; ok {
			s.papers++
			if !took[p.ParticipantID] {
				took[p.ParticipantID] = true
				s.participants++
			}
		}
	}
}

// Merge adds another part's paper and participant counts (AddPapers).
func (t *UnitTally) Merge(o *UnitTally) {
	for id, s := range o.byUnit {
		if m, ok := t.byUnit[id]; ok {
			m.papers += s.papers
			m.participants += s.participants
		}
	}
}

// AddRanked counts the next entry of the ranking.
func (t *UnitTally) AddRanked(e *Entry) {
	s, ok := t.byUnit[e.UnitID]
	if !ok {
		return
	}
	s.scored++
	if e.Total > 0 {
		s.score += 10 * float64(e.Correct) / float64(e.Total)
	}
	if e.Total > 0 && e.Correct == e.Total {
		s.allCorrect++
	}
}

// Stats is the units' figures, ranked within their blocks (Units).
func (t *UnitTally) Stats() []UnitStats {
	out := make([]UnitStats, len(t.units))
	for i, u := range t.units {
		s := t.byUnit[u.ID]
		us := UnitStats{UnitID: u.ID, Name: u.Name, Block: u.Block, Headcount: u.Headcount, Participants: s.participants, Papers: s.papers, AllCorrect: s.allCorrect}
		switch {
		case us.Headcount > 0:
			us.Rate = round4(math.Min(1, float64(us.Participants)/float64(us.Headcount)))
			us.OverRoster = us.Participants > us.Headcount
		case us.Participants > 0: // roster not imported yet: everyone who took part is over it
			us.Rate, us.OverRoster = 1, true
		}
		if s.scored > 0 {
			us.AverageScore = round4(s.score / float64(s.scored))
			us.AllCorrectShare = round4(float64(s.allCorrect) / float64(s.scored))
		}
		out[i] = us
	}
	rankUnits(out)
	return out
}
