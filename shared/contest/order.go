package contest

import (
	"cmp"
	"fmt"
	"slices"
)

// TieBreakKey is one criterion of the ranking order.
type TieBreakKey string

const (
	ByCorrect    TieBreakKey = "correct"    // most correct answers first
	ByPrediction TieBreakKey = "prediction" // prediction closest to the real all-correct count first
	ByTime       TieBreakKey = "time"       // shortest time taken first
	BySubmitted  TieBreakKey = "submitted"  // earliest submission first
)

// DefaultOrder is the usual rule: most correct → closest prediction →
// shortest time → earliest submission.
var DefaultOrder = []TieBreakKey{ByCorrect, ByPrediction, ByTime, BySubmitted}

// ParseOrder checks an organiser's tie-break order (Contest.TieBreak): each
// key once, all keys; empty is DefaultOrder.
func ParseOrder(keys []string) ([]TieBreakKey, error) {
	if len(keys) == 0 {
		return DefaultOrder, nil
	}
	seen := map[TieBreakKey]bool{}
	out := make([]TieBreakKey, 0, len(keys))
	for _, k := range keys {
		key := TieBreakKey(k)
		if !slices.Contains(DefaultOrder, key) || seen[key] {
			return nil, fmt.Errorf("tie-break order %v: unknown or repeated key %q", keys, k)
		}
		seen[key] = true
		out = append(out, key)
	}
	if len(out) != len(DefaultOrder) {
		return nil, fmt.Errorf("tie-break order %v must name each of %v once", keys, DefaultOrder)
	}
	return out, nil
}

// Order is the contest's ranking order: its TieBreak (ParseOrder).
func (c Contest) Order() ([]TieBreakKey, error) { return ParseOrder(c.TieBreak) }

// RankKey is a paper's place in an order as numbers that sort best first
// (Compare). A national round has a million papers: each key is computed once.
type RankKey [4]int64

// RankKey places the paper in order, given the round's all-correct count; a
// count below 0 (not known yet: the round is not tallied) makes the
// prediction decide nothing.
func (p *Submitted) RankKey(allCorrect int, order []TieBreakKey) RankKey {
	var k RankKey
	for i, key := range order[:min(len(k), len(order))] {
		switch key {
		case ByCorrect:
			k[i] = -int64(p.Correct)
		case ByPrediction:
			if allCorrect >= 0 {
				k[i] = int64(Distance(p.Prediction, allCorrect))
			}
		case ByTime:
			k[i] = p.TimeTakenMs
		case BySubmitted:
			k[i] = p.SubmittedAt.UnixNano()
		}
	}
	return k
}

// Compare orders rank keys: negative when a ranks before b, 0 when they tie.
func (a RankKey) Compare(b RankKey) int {
	for i := range a {
		if c := cmp.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// Distance is how far a prediction is from the real all-correct count.
func Distance(prediction, actual int) int {
	if d := prediction - actual; d > 0 {
		return d
	}
	return actual - prediction
}

// Counts returns the index of the paper that counts among one participant's
// papers in a round (several attempts: the best by the contest's order), or
// -1 if none is submitted. allCorrect is the round's all-correct count, below
// 0 while it is not known (the round is not tallied): the prediction then
// decides nothing yet, so the paper that counts may change at the tally.
// Equal papers: the earlier attempt counts.
func Counts(papers []*Paper, allCorrect int, order []TieBreakKey) int {
	best, bestKey := -1, RankKey{}
	for i, p := range papers {
		s, ok := p.Submitted()
		if !ok || p.Status != PaperSubmitted {
			continue
		}
		k := s.RankKey(allCorrect, order)
		if best < 0 || k.Compare(bestKey) < 0 || (k.Compare(bestKey) == 0 && p.Attempt < papers[best].Attempt) {
			best, bestKey = i, k
		}
	}
	return best
}
