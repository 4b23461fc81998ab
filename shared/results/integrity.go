package results

import (
	"context"
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
// units and the contest's staff; never stored nor published.
func (s *Service) RoundIntegrity(ctx context.Context, c contest.Contest, r contest.Round) (Integrity, error) {
	papers, units, err := s.read(ctx, c, r)
	if err != nil {
		return Integrity{}, err
	}
	staff, err := s.store.ListStaff(ctx, c.ID)
	if err != nil {
		return Integrity{}, err
	}
	rep := integrity.Review(papers, units, staff, integrity.Rules{SpeedFloor: c.SpeedFloor()})
	return Integrity{Round: r.ID, ComputedAt: s.now().In(contest.ICT), SpeedFloorSeconds: c.SpeedFloor().Seconds(), Report: rep}, nil
}
