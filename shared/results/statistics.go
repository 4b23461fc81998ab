package results

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

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

// statistics computes a round's question statistics so far, its shards
// read at once, a page at a time, each counted apart and merged: nothing of
// the papers is kept. The bank gives the texts (none if it cannot be read).
func (s *Service) statistics(ctx context.Context, c contest.Contest, r contest.Round) (stats.Report, error) {
	var blockOf map[string]contest.Block
	if r.Audience == contest.AudienceStaff {
		units, err := s.store.ListUnits(ctx, c.ID)
		if err != nil {
			return stats.Report{}, err
		}
		blockOf = make(map[string]contest.Block, len(units))
		for _, u := range units {
			blockOf[u.ID] = u.Block
		}
	}
	parts := make([]*stats.Tally, s.store.RankingShards())
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(shardsAtOnce)
	for shard := range parts {
		parts[shard] = stats.New(r.Audience)
		g.Go(func() error {
			return s.store.EachSubmitted(gctx, c.ID, r.ID, shard, func(p *contest.Submitted) error {
				parts[shard].Add(p, blockOf[p.UnitID])
				return nil
			})
		})
	}
	if err := g.Wait(); err != nil {
		return stats.Report{}, err
	}
	st := stats.New(r.Audience)
	for _, part := range parts {
		st.Merge(part)
	}
	return st.Report(s.bank(ctx, c, r)), nil
}

// bank is the round's bank, for the statistics' texts; nil if it cannot be
// read (the figures stand without the texts; the results must not wait).
func (s *Service) bank(ctx context.Context, c contest.Contest, r contest.Round) *contest.Bank {
	bank, err := blob.NewBanks(s.s3, s.bucket).Load(ctx, c.ID, r.BankID)
	if err != nil {
		s.log.Warn("statistics without the bank's texts", "round", r.ID, "bank", r.BankID, "err", err)
		return nil
	}
	return bank
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
	rep, err := s.statistics(ctx, c, r)
	if err != nil {
		return Statistics{}, err
	}
	return Statistics{Round: r.ID, ComputedAt: s.now().In(contest.ICT), Report: rep}, nil
}

// BankRound is a published round whose statistics make up a bank's history.
type BankRound struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Audience contest.Audience `json:"audience"`
	OpensAt  time.Time        `json:"opensAt"`
	Papers   int              `json:"papers"`
}

// BankHistory is one question bank's questions across its published rounds.
type BankHistory struct {
	BankID    string                  `json:"bankId"`
	Rounds    []BankRound             `json:"rounds"`
	Questions []stats.QuestionHistory `json:"questions"`
}

// BankHistories are the history of every bank that a published round drew
// from (or of bankID only, when given): the rounds come from the contest's
// rounds (one query), each round's figures from the statistics its
// publishing tally stored under insight/ (one read each; a round published
// before statistics were stored is left out). Banks by id, rounds by opening.
func (s *Service) BankHistories(ctx context.Context, c contest.Contest, bankID string) ([]BankHistory, error) {
	rounds, err := s.store.ListRounds(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rounds, func(a, b contest.Round) int { return cmp.Or(a.OpensAt.Compare(b.OpensAt), cmp.Compare(a.ID, b.ID)) })
	byBank := map[string]*BankHistory{}
	reports := map[string][]stats.RoundReport{}
	ids := []string{}
	for _, r := range rounds {
		if r.PublishedAt.IsZero() || (bankID != "" && r.BankID != bankID) {
			continue
		}
		data, found, err := blob.GetInsight(ctx, s.s3, s.bucket, blob.InsightKey(c.ID, r.ID, StatisticsName), 64<<20)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		var st Statistics
		if err := json.Unmarshal(data, &st); err != nil {
			return nil, fmt.Errorf("decode statistics of %s: %w", r.ID, err)
		}
		b := byBank[r.BankID]
		if b == nil {
			b = &BankHistory{BankID: r.BankID, Rounds: []BankRound{}}
			byBank[r.BankID] = b
			ids = append(ids, r.BankID)
		}
		b.Rounds = append(b.Rounds, BankRound{ID: r.ID, Title: r.Title, Audience: r.Audience, OpensAt: r.OpensAt.In(contest.ICT), Papers: st.Papers})
		reports[r.BankID] = append(reports[r.BankID], stats.RoundReport{Round: r.ID, Report: st.Report})
	}
	slices.Sort(ids)
	out := make([]BankHistory, 0, len(ids))
	for _, id := range ids {
		b := byBank[id]
		b.Questions = stats.History(reports[id])
		out = append(out, *b)
	}
	return out, nil
}
