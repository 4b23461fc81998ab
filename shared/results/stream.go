package results

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/stats"
	"github.com/hoithi/hoithi/shared/tally"
)

// A tally's memory follows the round's units, questions and parts, not its
// papers (issue #17 §3):
//
//  1. gather: the ranking index is read shard by shard (shardsAtOnce at a
//     time), a page at a time; each shard keeps its partial figures (papers,
//     all-correct papers, excluded papers, question statistics) and spills
//     its papers compactly to partsPerShard part files, split by participant;
//     closing the overdue papers runs alongside, and those the index does not
//     list yet are added after.
//  2. rank: each part is read back alone, ranked (tally.RankPart, with the
//     round's all-correct count now known), its units' papers and
//     participants counted (tally.UnitTally), and written back sorted.
//  3. the top: the sorted parts are merged (a heap of one paper per part)
//     until the prizes are decided (organisers checked, tally.AwardPrizes).
//  4. publish: they are merged again, line by line, into results.json and
//     ranking.csv (S3 multipart uploads), the ranking pages (put as each
//     fills) and the units' lines (spilled per unit, put at the end); the
//     units' scores add up in the ranking's order.
//
// The published files are byte for byte those of the whole round ranked in
// memory (tally.Artefacts of tally.Compute): golden_test.go holds them.

const (
	// partsPerShard splits each ranking shard's papers (by participant) into
	// parts small enough to rank in memory one at a time: a round of a
	// million papers has parts of about 16,000.
	partsPerShard = 4
	// shardsAtOnce is how many ranking shards are read at the same time.
	shardsAtOnce = 8
	// putsAtOnce is how many ranking pages or units' lines are put at once.
	putsAtOnce = 8
)

// spillCap is how many bytes of units' lines are kept before they are
// written to the scratch file; firstHead is how much of the ranking's top is
// read first to decide the prizes (prizeZone). Variables for the tests.
var (
	spillCap  = 4 << 20
	firstHead = 256
)

// shardFigures are one shard's (and, merged, the round's) figures read as
// the papers went by.
type shardFigures struct {
	papers, allCorrect, excluded int
	stats                        *stats.Tally
	// automatic are the papers listed that were closed by the server: the
	// papers this tally closed may be among them (the index is eventually
	// consistent), and must not count twice.
	automatic map[string]bool
}

func (f *shardFigures) add(p *contest.Submitted, block contest.Block) {
	f.papers++
	if p.AllCorrect() {
		f.allCorrect++
	}
	if p.Excluded != "" {
		f.excluded++
	}
	f.stats.Add(p, block)
}

// partOf is the part (of a shard's partsPerShard) of a participant's papers.
func partOf(shard int, participantID string) int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(participantID))
	return shard*partsPerShard + int(h.Sum64()%partsPerShard)
}

// Run tallies a round; with publish, it uploads the artefacts and marks the
// round published (Publish names the publication). Organisers and their
// staff are kept out of the prizes.
func (s *Service) Run(ctx context.Context, c contest.Contest, r contest.Round, publish bool) (_ Tallied, err error) {
	return s.run(ctx, c, r, publish, nil)
}

func (s *Service) run(ctx context.Context, c contest.Contest, r contest.Round, publish bool, pub *tally.Publication) (_ Tallied, err error) {
	order, err := contest.ParseOrder(c.TieBreak)
	if err != nil {
		return Tallied{}, err
	}
	prizes := c.Prizes
	if len(prizes) == 0 {
		prizes = tally.DefaultPrizes
	}
	dir, err := os.MkdirTemp("", "hoithi-tally-") // the system's temporary folder: /tmp on Lambda
	if err != nil {
		return Tallied{}, fmt.Errorf("tally scratch folder: %w", err)
	}
	defer os.RemoveAll(dir)
	defer func() { err = s.noRoom(dir, err) }()
	if err := s.checkRoom(dir, scratchMin, 0); err != nil {
		return Tallied{}, err
	}
	var tm Timings
	start := time.Now()
	t0 := start
	units, err := s.store.ListUnits(ctx, c.ID)
	if err != nil {
		return Tallied{}, err
	}
	if r.Audience != contest.AudienceStaff {
		units = nil // citizens belong to no unit: no unit table for their rounds
	}
	run := &tallyRun{svc: s, c: c, r: r, dir: dir, units: units, blockOf: make(map[string]contest.Block, len(units)),
		parts: s.store.RankingShards() * partsPerShard}
	for _, u := range units {
		run.blockOf[u.ID] = u.Block
	}
	round, err := run.gather(ctx, publish, t0, &tm)
	if err != nil {
		return Tallied{}, err
	}
	tm.Gather = time.Since(t0)
	// the round's size is known: room for its runs and units' lines
	if err := s.checkRoom(dir, scratchMin+uint64(round.papers)*scratchPerPaper, round.papers); err != nil {
		return Tallied{}, err
	}
	t0 = time.Now()
	unitTally, participants, runs, err := run.rank(ctx, round.allCorrect, order)
	if err != nil {
		return Tallied{}, err
	}

	// 3. the top of the ranking: organisers out, prizes handed out
	rules := tally.Rules{Order: order, Prizes: prizes, Excluded: map[string]bool{}}
	head, err := s.prizeZone(ctx, c, runs, r.Audience, round.allCorrect, &rules)
	if err != nil {
		return Tallied{}, err
	}
	unitName := tally.UnitNames(units)
	now := s.now()
	res := tally.Result{
		Contest: c.ID,
		Round:   tally.RoundInfo{ID: r.ID, Title: r.Title, Audience: r.Audience, OpensAt: r.OpensAt.In(contest.ICT), ClosesAt: r.ClosesAt.In(contest.ICT)},
		Final:   r.Status(now) == contest.StatusClosed,
		Papers:  round.papers, Participants: participants, AllCorrect: round.allCorrect, ExcludedPapers: round.excluded, TieBreak: order,
		Prizes: []tally.PublicEntry{}, Ranking: []tally.PublicEntry{}, Publication: pub,
		RankingPages: (participants + tally.RankingPageSize - 1) / tally.RankingPageSize, RankingPageSize: tally.RankingPageSize,
	}
	for _, e := range head {
		if e.Prize != "" {
			res.Prizes = append(res.Prizes, tally.Public(e, unitName))
		}
	}
	tm.Compute = time.Since(t0)

	// 4. the ranking line by line: the units' scores, the leaders and, to
	// publish, the files
	t0 = time.Now()
	var out *publication
	if publish {
		// the organisers' question statistics, stored apart from the
		// published files
		ts := time.Now()
		st := Statistics{Round: r.ID, Final: res.Final, ComputedAt: now.In(contest.ICT), Report: round.stats.Report(s.bank(ctx, c, r))}
		if err := s.storeStatistics(ctx, c, r, st); err != nil {
			return Tallied{}, err
		}
		tm.Statistics = time.Since(ts)
		out = s.newPublication(ctx, c.ID, r.ID, units, dir)
		defer out.abort()
		if err := out.begin(res); err != nil {
			return Tallied{}, err
		}
	}
	leaders, err := s.walk(runs, r.Audience, round.allCorrect, head, &rules, unitTally, unitName, out)
	if err != nil {
		return Tallied{}, err
	}
	res.Units = unitTally.Stats()
	tm.Render = time.Since(t0)
	tallied := Tallied{Result: res, Leaders: leaders}
	if publish {
		t0 = time.Now()
		threshold := c.ReportThreshold
		if threshold == 0 {
			threshold = 0.8
		}
		arts, err := out.finish(res, tally.ReportOptions{Threshold: threshold})
		if err != nil {
			return Tallied{}, err
		}
		tallied.Artefacts = arts
		if err := s.store.MarkPublished(ctx, c.ID, r.ID, now, res.AllCorrect); err != nil {
			return Tallied{}, err
		}
		tallied.Published = true
		s.log.Info("round published", "contest", c.ID, "round", r.ID, "papers", res.Papers, "allCorrect", res.AllCorrect)
		if err := s.publishToDate(ctx, c, &res); err != nil {
			return Tallied{}, err
		}
		tm.Publish = time.Since(t0)
		tm.Published = time.Since(start)

		// the overdue papers counted are closed now, as counted: the
		// published files did not wait for these writes
		t0 = time.Now()
		tm.Closed, err = s.closeKept(ctx, c.ID, r.ID, run.overduePath())
		tm.Close = time.Since(t0)
		if err != nil {
			// published, but papers left in progress: the next tally (or
			// their owner's return, or their unit's page) closes them
			return Tallied{}, fmt.Errorf("round %s published, but its overdue papers not all closed: %w", r.ID, err)
		}
	}
	tallied.Timings = tm
	s.log.Info("tally timings", "round", r.ID, "papers", res.Papers, "closed", tm.Closed, "overdueMs", tm.Overdue.Milliseconds(), "gatherMs", tm.Gather.Milliseconds(), "readMs", tm.Read.Milliseconds(),
		"computeMs", tm.Compute.Milliseconds(), "statisticsMs", tm.Statistics.Milliseconds(), "renderMs", tm.Render.Milliseconds(), "publishMs", tm.Publish.Milliseconds(),
		"publishedMs", tm.Published.Milliseconds(), "closeMs", tm.Close.Milliseconds())
	return tallied, nil
}

// tallyRun is one tally's scratch folder and what it reads first.
type tallyRun struct {
	svc     *Service
	c       contest.Contest
	r       contest.Round
	dir     string
	units   []contest.Unit
	blockOf map[string]contest.Block
	parts   int
}

func (t *tallyRun) partPath(i int) string { return filepath.Join(t.dir, fmt.Sprintf("part-%04d", i)) }
func (t *tallyRun) runPath(i int) string  { return filepath.Join(t.dir, fmt.Sprintf("run-%04d", i)) }
func (t *tallyRun) closedPath() string    { return filepath.Join(t.dir, "closed") }
func (t *tallyRun) overduePath() string   { return filepath.Join(t.dir, "overdue") }

// closedBatch is how many closed papers addClosed reads back at a time.
const closedBatch = 1000

// addClosed reads back the overdue papers this tally counts as closed,
// closedBatch at a time: those the ranking index did not list yet (closed
// by someone else meanwhile) are counted in round and join their parts.
func (t *tallyRun) addClosed(round *shardFigures) error {
	rd, err := openKept[contest.Submitted](t.closedPath(), gobCodec)
	if err != nil {
		return err
	}
	defer rd.close()
	for {
		batch, err := rd.read(closedBatch)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		late := map[int][]*contest.Submitted{}
		for i := range batch {
			p := &batch[i]
			if round.automatic[p.PaperID] {
				continue
			}
			p.Audience = t.r.Audience
			round.add(p, t.blockOf[p.UnitID])
			part := partOf(t.svc.store.RankingShardOf(p.ParticipantID), p.ParticipantID) // with the participant's other papers
			late[part] = append(late[part], p)
		}
		for part, papers := range late {
			if err := appendSpill(t.partPath(part), papers); err != nil {
				return err
			}
		}
	}
}

// gather is step 1: closing the overdue papers (to publish) and reading the
// ranking index, which are independent and run at once; it returns the
// round's figures, its papers spilled to their parts.
func (t *tallyRun) gather(ctx context.Context, publish bool, t0 time.Time, tm *Timings) (*shardFigures, error) {
	s, c, r := t.svc, t.c, t.r
	figures := make([]*shardFigures, s.store.RankingShards())
	g, gctx := errgroup.WithContext(ctx)
	if publish {
		// A final tally counts every paper; a preview of an open round
		// ranks what was submitted so far (owners who come back get their
		// overdue papers closed by the quiz function).
		g.Go(func() error {
			graded, err := createKept[contest.Submitted](t.closedPath(), gobCodec)
			if err != nil {
				return err
			}
			kept, err := createKept[*contest.Paper](t.overduePath(), jsonCodec)
			if err != nil {
				graded.close()
				return err
			}
			_, err = s.gradeOverdue(gctx, c.ID, r.ID, graded.write, kept.write)
			for _, w := range []interface{ close() error }{graded, kept} {
				if cerr := w.close(); err == nil {
					err = cerr
				}
			}
			tm.Overdue = time.Since(t0)
			return err
		})
	}
	g.Go(func() error {
		rg, rctx := errgroup.WithContext(gctx)
		rg.SetLimit(shardsAtOnce)
		for shard := range figures {
			rg.Go(func() error {
				f, err := s.gatherShard(rctx, c.ID, r, shard, t.blockOf, t.partPath)
				figures[shard] = f
				return err
			})
		}
		err := rg.Wait()
		tm.Read = time.Since(t0)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	round := &shardFigures{stats: stats.New(r.Audience), automatic: map[string]bool{}}
	for _, f := range figures {
		round.papers += f.papers
		round.allCorrect += f.allCorrect
		round.excluded += f.excluded
		round.stats.Merge(f.stats)
		for id := range f.automatic {
			round.automatic[id] = true
		}
	}
	// the papers just closed that the index does not list yet join their
	// parts, after the listed ones (as the index would list them)
	if publish {
		if err := t.addClosed(round); err != nil {
			return nil, err
		}
	}
	return round, nil
}

// rank is step 2: each part ranked on its own and written back sorted (a
// run), its units' papers and participants counted. It returns the units'
// counts, the number of participants ranked and the runs.
func (t *tallyRun) rank(ctx context.Context, allCorrect int, order []contest.TieBreakKey) (*tally.UnitTally, int, []string, error) {
	unitTally := tally.NewUnitTally(t.units)
	participants := 0
	var mu sync.Mutex
	pg, _ := errgroup.WithContext(ctx)
	pg.SetLimit(runtime.GOMAXPROCS(0))
	for part := range t.parts {
		pg.Go(func() error {
			papers, err := readPart(t.partPath(part), t.r.Audience)
			if err != nil {
				return err
			}
			os.Remove(t.partPath(part))
			counted := tally.NewUnitTally(t.units)
			counted.AddPapers(papers)
			ranked := tally.RankPart(papers, allCorrect, order)
			if err := writeRun(t.runPath(part), ranked); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			unitTally.Merge(counted)
			participants += len(ranked)
			return nil
		})
	}
	if err := pg.Wait(); err != nil {
		return nil, 0, nil, err
	}
	runs := make([]string, t.parts)
	for i := range runs {
		runs[i] = t.runPath(i)
	}
	return unitTally, participants, runs, nil
}

// gatherShard reads one shard of the ranking index: its figures, and its
// papers spilled to their parts.
func (s *Service) gatherShard(ctx context.Context, contestID string, r contest.Round, shard int, blockOf map[string]contest.Block, partPath func(int) string) (*shardFigures, error) {
	f := &shardFigures{stats: stats.New(r.Audience), automatic: map[string]bool{}}
	writers := make([]*spillWriter, partsPerShard)
	defer func() {
		for _, w := range writers {
			if w != nil {
				w.close()
			}
		}
	}()
	for i := range writers {
		w, err := createSpill(partPath(shard*partsPerShard + i))
		if err != nil {
			return f, err
		}
		writers[i] = w
	}
	err := s.store.EachSubmitted(ctx, contestID, r.ID, shard, func(p *contest.Submitted) error {
		p.Audience = r.Audience
		f.add(p, blockOf[p.UnitID])
		if p.Automatic {
			f.automatic[p.PaperID] = true
		}
		return writers[partOf(shard, p.ParticipantID)-shard*partsPerShard].write(nil, p)
	})
	if err != nil {
		return f, err
	}
	for i, w := range writers {
		writers[i] = nil
		if err := w.close(); err != nil {
			return f, err
		}
	}
	return f, nil
}

// appendSpill adds papers at the end of a part.
func appendSpill(path string, papers []*contest.Submitted) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	w := &spillWriter{f: f, w: bufio.NewWriterSize(f, 16<<10)}
	for _, p := range papers {
		if err := w.write(nil, p); err != nil {
			w.close()
			return err
		}
	}
	return w.close()
}

// prizeZone is the top of the ranking, long enough to decide the prizes:
// the organisers in it checked and marked (rules.Excluded), the prizes
// handed out. It reads more of the ranking until it is long enough.
func (s *Service) prizeZone(ctx context.Context, c contest.Contest, runs []string, audience contest.Audience, allCorrect int, rules *tally.Rules) ([]tally.Entry, error) {
	checked := map[string]bool{}
	for n := firstHead; ; n *= 4 {
		head, err := top(runs, audience, allCorrect, n)
		if err != nil {
			return nil, err
		}
		whole := len(head) < n
		reached, err := s.excludeOrganisers(ctx, c, head, rules, checked)
		if err != nil {
			return nil, err
		}
		for i := range head {
			head[i].Excluded = rules.Excluded[head[i].ParticipantID]
		}
		if decided := tally.AwardPrizes(head, rules.Prizes); whole || (reached && decided) {
			return head, nil
		}
	}
}

// top is the first n entries of the ranking (without prizes).
func top(runs []string, audience contest.Audience, allCorrect, n int) ([]tally.Entry, error) {
	m, err := newMerger(runs, audience)
	if err != nil {
		return nil, err
	}
	defer m.close()
	var out []tally.Entry
	var ranker tally.Ranker
	for len(out) < n {
		k, ok, err := m.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		out = append(out, tally.NewEntry(k.Paper, ranker.Next(k.Key), allCorrect, false))
	}
	return out, nil
}

// walk goes down the whole ranking once: each line counts in its unit's
// score, the first are the leaders and, when out is set, each is published.
func (s *Service) walk(runs []string, audience contest.Audience, allCorrect int, head []tally.Entry, rules *tally.Rules,
	units *tally.UnitTally, unitName map[string]string, out *publication) ([]tally.PublicEntry, error) {
	m, err := newMerger(runs, audience)
	if err != nil {
		return nil, err
	}
	defer m.close()
	var leaders []tally.PublicEntry
	var ranker tally.Ranker
	for i := 0; ; i++ {
		k, ok, err := m.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		rank := ranker.Next(k.Key)
		var e tally.Entry
		if i < len(head) {
			e = head[i]
		} else {
			e = tally.NewEntry(k.Paper, rank, allCorrect, rules.Excluded[k.Paper.ParticipantID])
		}
		units.AddRanked(&e)
		pe := tally.Public(e, unitName)
		if i < tally.LeadersShown {
			leaders = append(leaders, pe)
		}
		if out != nil {
			if err := out.line(i, pe); err != nil {
				return nil, err
			}
		}
	}
	return leaders, nil
}
