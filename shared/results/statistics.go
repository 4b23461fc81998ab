package results

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/stats"
)

// Statistics is a round's question statistics as organisers read them.
type Statistics struct {
	Round string `json:"round"`
	// Final: computed by the tally that published the closed round (and
	// stored with it); otherwise computed on demand from the papers so far.
	Final      bool      `json:"final"`
	ComputedAt time.Time `json:"computedAt"`
	stats.Report
}

// StatisticsName is the organisers' statistics file of a round (under
// blob.InsightKey, never among the published results).
const StatisticsName = "statistics.json"

// statistics computes a round's question statistics from its papers in one
// pass, with the bank's texts (without them if the bank cannot be read).
func (s *Service) statistics(ctx context.Context, c contest.Contest, r contest.Round, papers []contest.Submitted, units []contest.Unit) (stats.Report, error) {
	bank, err := blob.NewBanks(s.s3, s.bucket).Load(ctx, c.ID, r.BankID)
	if err != nil {
		// the figures stand without the texts; the results must not wait
		s.log.Warn("statistics without the bank's texts", "round", r.ID, "bank", r.BankID, "err", err)
		bank = nil
	}
	blockOf := make(map[string]contest.Block, len(units))
	for _, u := range units {
		blockOf[u.ID] = u.Block
	}
	st := stats.New(r.Audience)
	for i := range papers {
		st.Add(&papers[i], blockOf[papers[i].UnitID])
	}
	return st.Report(bank), nil
}

func (s *Service) storeStatistics(ctx context.Context, c contest.Contest, r contest.Round, st Statistics) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return blob.PutInsight(ctx, s.s3, s.bucket, blob.InsightKey(c.ID, r.ID, StatisticsName), data)
}

// RoundStatistics is what organisers see of a round's question statistics:
// those the publishing tally stored for a closed, published round, otherwise
// computed now from the papers submitted so far (not stored).
func (s *Service) RoundStatistics(ctx context.Context, c contest.Contest, r contest.Round) (Statistics, error) {
	if !r.PublishedAt.IsZero() {
		data, found, err := blob.GetInsight(ctx, s.s3, s.bucket, blob.InsightKey(c.ID, r.ID, StatisticsName), 64<<20)
		if err != nil {
			return Statistics{}, err
		}
		if found {
			var st Statistics
			if err := json.Unmarshal(data, &st); err != nil {
				return Statistics{}, fmt.Errorf("decode statistics of %s: %w", r.ID, err)
			}
			return st, nil
		}
	}
	papers, units, err := s.read(ctx, c, r)
	if err != nil {
		return Statistics{}, err
	}
	rep, err := s.statistics(ctx, c, r, papers, units)
	if err != nil {
		return Statistics{}, err
	}
	return Statistics{Round: r.ID, ComputedAt: s.now().In(contest.ICT), Report: rep}, nil
}
