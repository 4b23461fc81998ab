package results

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/integrity"
)

// Integrity is a round's integrity review as organisers read it.
type Integrity struct {
	Round      string    `json:"round"`
	ComputedAt time.Time `json:"computedAt"`
	// SpeedFloorSeconds is the contest's floor per question.
	SpeedFloorSeconds float64 `json:"speedFloorSeconds"`
	integrity.Report
}

// RoundIntegrity reviews a round's submitted papers so far
// (integrity.Review): computed on each request from the ranking index, the
// units and the contest's staff; never stored nor published. It reads the
// ranking index twice, shard by shard in the index's order
// (integrity.Reviewer), so that its memory follows the round's groups and
// the papers that may be flagged, not its papers: the first pass's keys are
// spilled to a scratch folder in sorted runs (integrity.Reviewer.Spill).
func (s *Service) RoundIntegrity(ctx context.Context, c contest.Contest, r contest.Round) (Integrity, error) {
	var units []contest.Unit
	if r.Audience == contest.AudienceStaff {
		var err error
		if units, err = s.store.ListUnits(ctx, c.ID); err != nil {
			return Integrity{}, err
		}
	}
	staff, err := s.store.ListStaff(ctx, c.ID)
	if err != nil {
		return Integrity{}, err
	}
	rv := integrity.NewReviewer(units, staff, integrity.Rules{SpeedFloor: c.SpeedFloor()})
	// the first pass's keys go to a scratch folder of their own (8 bytes a key)
	dir, err := os.MkdirTemp("", "hoithi-integrity-")
	if err != nil {
		return Integrity{}, fmt.Errorf("integrity scratch folder: %w", err)
	}
	defer os.RemoveAll(dir)
	rv.Spill(dir)
	for _, pass := range []func(*contest.Submitted) error{rv.Count, rv.Add} {
		for shard := range s.store.RankingShards() {
			if err := s.store.EachSubmitted(ctx, c.ID, r.ID, shard, func(p *contest.Submitted) error {
				p.Audience = r.Audience
				return pass(p)
			}); err != nil {
				return Integrity{}, fmt.Errorf("review round %s: %w", r.ID, s.noRoom(dir, err))
			}
		}
	}
	return Integrity{Round: r.ID, ComputedAt: s.now().In(contest.ICT), SpeedFloorSeconds: c.SpeedFloor().Seconds(), Report: rv.Report()}, nil
}
