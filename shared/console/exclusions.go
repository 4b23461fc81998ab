package console

import (
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// ExclusionBodyLimit bounds an exclusion's body (a reason of 500 characters).
const ExclusionBodyLimit = 4 << 10

// ExclusionRequest is an organiser's exclusion of a paper from the ranking:
// the reason its owner sees.
type ExclusionRequest struct {
	Reason string `json:"reason"`
}

// PaperExclusion answers an exclusion or its lifting: the paper and its
// exclusion now (nil: ranked from the next tally).
type PaperExclusion struct {
	PaperID  string     `json:"paperId"`
	Excluded *Exclusion `json:"excluded"`
}

// Exclusion is a paper's exclusion as the organisers see it: who decided.
type Exclusion struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
}

// PaperExclusionOf is p's exclusion as the console answers it.
func PaperExclusionOf(p *contest.Paper) PaperExclusion {
	out := PaperExclusion{PaperID: p.ID()}
	if e := p.Exclusion; e != nil {
		out.Excluded = &Exclusion{Reason: e.Reason, At: e.At.In(contest.ICT), By: e.By}
	}
	return out
}
