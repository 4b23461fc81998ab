// Package stats computes a round's question statistics, after Moodle's quiz
// statistics report: for each question the attempts, the facility index
// (share answering right), the discrimination index (the correlation of the
// question's score with the rest of the paper: corrected item-total), how
// often each option was chosen, and flags for questions whose figures look
// wrong. Figures are for the whole round and per unit block. It has no AWS
// imports; the tally feeds it papers one at a time and it keeps a few
// counters per question, never the papers.
package stats

import (
	"cmp"
	"math"
	"slices"

	"github.com/hoithi/hoithi/shared/contest"
)

// Flag names what looks wrong with a question's figures.
type Flag string

const (
	// FlagNegativeDiscrimination: people who did well on the rest of the
	// paper got this question wrong more often (a wrong key, a trick wording).
	FlagNegativeDiscrimination Flag = "negative_discrimination"
	// FlagLowDiscrimination: the question hardly tells strong papers from
	// weak ones (0 ≤ discrimination < LowDiscrimination).
	FlagLowDiscrimination Flag = "low_discrimination"
	// FlagDistractorOverKey: a wrong option was chosen more often than the key.
	FlagDistractorOverKey Flag = "distractor_over_key"
	// FlagTooEasy: facility above TooEasy.
	FlagTooEasy Flag = "too_easy"
	// FlagTooHard: facility below TooHard.
	FlagTooHard Flag = "too_hard"
)

// Thresholds of the flags.
const (
	LowDiscrimination = 0.1
	TooEasy           = 0.95
	TooHard           = 0.1
)

// Option is one option of a question with how often it was chosen. OptionID
// is the option's letter in the bank's own order (contest.OptionID).
type Option struct {
	OptionID string `json:"optionId"`
	Text     string `json:"text"`
	Chosen   int    `json:"chosen"`
	Correct  bool   `json:"correct"`
}

// Question is one question's figures.
type Question struct {
	QuestionID string `json:"questionId"`
	Text       string `json:"text"`
	// Attempts is how many papers had the question.
	Attempts int `json:"attempts"`
	// Unanswered is how many of them left it blank (counted wrong).
	Unanswered int     `json:"unanswered"`
	Facility   float64 `json:"facility"`
	// Discrimination is null when it cannot be computed: everyone scored the
	// same on the question, or on the rest of the paper.
	Discrimination *float64 `json:"discrimination"`
	Options        []Option `json:"options"`
	Flags          []Flag   `json:"flags"`
}

// Block is the figures of one unit block's papers.
type Block struct {
	Block     contest.Block `json:"block"`
	Papers    int           `json:"papers"`
	Questions []Question    `json:"questions"`
}

// Report is a round's question statistics.
type Report struct {
	Audience  contest.Audience `json:"audience"`
	Papers    int              `json:"papers"`
	Questions []Question       `json:"questions"`
	Blocks    []Block          `json:"blocks"`
}

// counts are one question's running sums over the papers that had it: x is
// the question's score (0 or 1), r the rest of the paper's score.
type counts struct {
	n, right, sumR, sumR2, sumXR int64
	none                         int64
	chosen                       [contest.MaxOptions]int64
	key                          int
}

type group struct {
	papers    int
	questions map[string]*counts
}

func newGroup() *group { return &group{questions: map[string]*counts{}} }

func (g *group) add(p *contest.Submitted, total int64) {
	g.papers++
	for r := range p.Responses.All() {
		c := g.questions[r.QuestionID]
		if c == nil {
			c = &counts{}
			g.questions[r.QuestionID] = c
		}
		var x int64
		if r.Correct() {
			x = 1
		}
		rest := total - x
		c.n++
		c.right += x
		c.sumR += rest
		c.sumR2 += rest * rest
		c.sumXR += x * rest
		if r.Chosen >= 0 {
			c.chosen[r.Chosen]++
		} else {
			c.none++
		}
		c.key = r.Key
	}
}

// Tally accumulates papers in one pass.
type Tally struct {
	audience contest.Audience
	round    *group
	blocks   map[contest.Block]*group
}

// New starts the statistics of a round for audience a.
func New(a contest.Audience) *Tally {
	return &Tally{audience: a, round: newGroup(), blocks: map[contest.Block]*group{}}
}

// Add counts one paper; block is its unit's block (empty: none, e.g. a
// citizen's). Papers excluded by the organisers are left out: they are not
// taken as evidence about the questions.
func (t *Tally) Add(p *contest.Submitted, block contest.Block) {
	if p.Excluded != "" {
		return
	}
	var total int64
	for r := range p.Responses.All() {
		if r.Correct() {
			total++
		}
	}
	t.round.add(p, total)
	if block != "" {
		g := t.blocks[block]
		if g == nil {
			g = newGroup()
			t.blocks[block] = g
		}
		g.add(p, total)
	}
}

// Merge adds the papers another Tally counted (a part of the same round's
// papers, counted apart): the figures are those of counting them all in one.
func (t *Tally) Merge(o *Tally) {
	t.round.merge(o.round)
	for b, g := range o.blocks {
		mine := t.blocks[b]
		if mine == nil {
			mine = newGroup()
			t.blocks[b] = mine
		}
		mine.merge(g)
	}
}

func (g *group) merge(o *group) {
	g.papers += o.papers
	for id, c := range o.questions {
		m := g.questions[id]
		if m == nil {
			m = &counts{}
			g.questions[id] = m
		}
		m.n += c.n
		m.right += c.right
		m.sumR += c.sumR
		m.sumR2 += c.sumR2
		m.sumXR += c.sumXR
		m.none += c.none
		for i := range c.chosen {
			m.chosen[i] += c.chosen[i]
		}
		m.key = c.key
	}
}

// Report renders the figures with the bank's texts, questions in the bank's
// order (those no longer in it last, by id); blocks in the contest's order.
func (t *Tally) Report(bank *contest.Bank) Report {
	out := Report{Audience: t.audience, Papers: t.round.papers, Questions: t.round.report(bank), Blocks: []Block{}}
	order := map[contest.Block]int{contest.BlockAgency: 0, contest.BlockService: 1, contest.BlockCommune: 2}
	blocks := make([]contest.Block, 0, len(t.blocks))
	for b := range t.blocks {
		blocks = append(blocks, b)
	}
	slices.SortFunc(blocks, func(a, b contest.Block) int {
		oa, ka := order[a]
		ob, kb := order[b]
		if !ka {
			oa = 3
		}
		if !kb {
			ob = 3
		}
		return cmp.Or(cmp.Compare(oa, ob), cmp.Compare(a, b))
	})
	for _, b := range blocks {
		g := t.blocks[b]
		out.Blocks = append(out.Blocks, Block{Block: b, Papers: g.papers, Questions: g.report(bank)})
	}
	return out
}

func (g *group) report(bank *contest.Bank) []Question {
	ids := make([]string, 0, len(g.questions))
	for id := range g.questions {
		ids = append(ids, id)
	}
	index := map[string]int{}
	if bank != nil {
		for i, q := range bank.Questions {
			index[q.ID] = i
		}
	}
	pos := func(id string) int {
		if i, ok := index[id]; ok {
			return i
		}
		return math.MaxInt
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(pos(a), pos(b)), cmp.Compare(a, b)) })
	out := make([]Question, 0, len(ids))
	for _, id := range ids {
		var q *contest.Question
		if bank != nil {
			if i, ok := index[id]; ok {
				q = &bank.Questions[i]
			}
		}
		out = append(out, figures(id, q, g.questions[id]))
	}
	return out
}

// figures turns a question's sums into its figures and flags.
func figures(id string, q *contest.Question, c *counts) Question {
	out := Question{QuestionID: id, Attempts: int(c.n), Unanswered: int(c.none), Options: []Option{}, Flags: []Flag{}}
	key := c.key
	options := 0
	if q != nil {
		out.Text, key, options = q.Text, q.Correct, len(q.Options)
	}
	for i := range c.chosen {
		if c.chosen[i] > 0 || i == key {
			options = max(options, i+1)
		}
	}
	for i := range options {
		o := Option{OptionID: contest.OptionID(i), Chosen: int(c.chosen[i]), Correct: i == key}
		if q != nil && i < len(q.Options) {
			o.Text = q.Options[i]
		}
		out.Options = append(out.Options, o)
	}
	if c.n == 0 {
		return out
	}
	n := float64(c.n)
	out.Facility = round4(float64(c.right) / n)
	// Pearson's correlation of x (0/1, so Σx² = Σx) with the rest r.
	sx, sr := float64(c.right), float64(c.sumR)
	num := n*float64(c.sumXR) - sx*sr
	vx, vr := n*sx-sx*sx, n*float64(c.sumR2)-sr*sr
	if vx > 0 && vr > 0 {
		d := round4(num / math.Sqrt(vx*vr))
		out.Discrimination = &d
	}
	if d := out.Discrimination; d != nil {
		switch {
		case *d < 0:
			out.Flags = append(out.Flags, FlagNegativeDiscrimination)
		case *d < LowDiscrimination:
			out.Flags = append(out.Flags, FlagLowDiscrimination)
		}
	}
	for i, o := range out.Options {
		if i != key && key >= 0 && key < len(out.Options) && o.Chosen > out.Options[key].Chosen {
			out.Flags = append(out.Flags, FlagDistractorOverKey)
			break
		}
	}
	switch {
	case out.Facility > TooEasy:
		out.Flags = append(out.Flags, FlagTooEasy)
	case out.Facility < TooHard:
		out.Flags = append(out.Flags, FlagTooHard)
	}
	return out
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }
