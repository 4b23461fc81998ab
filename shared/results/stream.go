package results

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/blob"
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

// Scratch sets the folder where tallies spill papers (the system's temporary
// folder by default; /tmp on Lambda, whose ephemeral storage is sized for it).
func (s *Service) Scratch(dir string) { s.scratch = dir }

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
// round published. Organisers and their staff are kept out of the prizes.
func (s *Service) Run(ctx context.Context, c contest.Contest, r contest.Round, publish bool) (Tallied, error) {
	order, err := contest.ParseOrder(c.TieBreak)
	if err != nil {
		return Tallied{}, err
	}
	prizes := c.Prizes
	if len(prizes) == 0 {
		prizes = tally.DefaultPrizes
	}
	dir, err := os.MkdirTemp(s.scratch, "hoithi-tally-")
	if err != nil {
		return Tallied{}, fmt.Errorf("tally scratch folder: %w", err)
	}
	defer os.RemoveAll(dir)
	var tm Timings
	t0 := time.Now()
	units, err := s.store.ListUnits(ctx, c.ID)
	if err != nil {
		return Tallied{}, err
	}
	if r.Audience != contest.AudienceStaff {
		units = nil // citizens belong to no unit: no unit table for their rounds
	}
	blockOf := make(map[string]contest.Block, len(units))
	for _, u := range units {
		blockOf[u.ID] = u.Block
	}

	// 1. gather: closing the overdue papers and reading the ranking index
	// are independent: they run at once.
	shards := s.store.RankingShards()
	nParts := shards * partsPerShard
	partPath := func(i int) string { return filepath.Join(dir, fmt.Sprintf("part-%04d", i)) }
	runPath := func(i int) string { return filepath.Join(dir, fmt.Sprintf("run-%04d", i)) }
	figures := make([]*shardFigures, shards)
	var closed []contest.Submitted
	g, gctx := errgroup.WithContext(ctx)
	if publish {
		// A final tally counts every paper; a preview of an open round
		// ranks what was submitted so far (owners who come back get their
		// overdue papers closed by the quiz function).
		g.Go(func() (err error) {
			closed, err = s.closeOverdue(gctx, c.ID, r.ID)
			tm.Close, tm.Closed = time.Since(t0), len(closed)
			return err
		})
	}
	g.Go(func() error {
		rg, rctx := errgroup.WithContext(gctx)
		rg.SetLimit(shardsAtOnce)
		for shard := range shards {
			rg.Go(func() error {
				f, err := s.gatherShard(rctx, c.ID, r, shard, blockOf, partPath)
				figures[shard] = f
				return err
			})
		}
		err := rg.Wait()
		tm.Read = time.Since(t0)
		return err
	})
	if err := g.Wait(); err != nil {
		return Tallied{}, err
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
	late := map[int][]*contest.Submitted{}
	for i := range closed {
		p := &closed[i]
		if round.automatic[p.PaperID] {
			continue
		}
		p.Audience = r.Audience
		round.add(p, blockOf[p.UnitID])
		part := partOf(s.store.RankingShardOf(p.ParticipantID), p.ParticipantID) // with the participant's other papers
		late[part] = append(late[part], p)
	}
	for part, papers := range late {
		if err := appendSpill(partPath(part), papers); err != nil {
			return Tallied{}, err
		}
	}
	tm.Gather = time.Since(t0)

	// 2. rank each part
	t0 = time.Now()
	unitTally := tally.NewUnitTally(units)
	participants := 0
	{
		var mu sync.Mutex
		pg, _ := errgroup.WithContext(ctx)
		pg.SetLimit(runtime.GOMAXPROCS(0))
		for part := range nParts {
			pg.Go(func() error {
				papers, err := readPart(partPath(part), r.Audience)
				if err != nil {
					return err
				}
				os.Remove(partPath(part))
				counted := tally.NewUnitTally(units)
				counted.AddPapers(papers)
				ranked := tally.RankPart(papers, round.allCorrect, order)
				if err := writeRun(runPath(part), ranked); err != nil {
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
			return Tallied{}, err
		}
	}
	runs := make([]string, nParts)
	for i := range runs {
		runs[i] = runPath(i)
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
		Prizes: []tally.PublicEntry{}, Ranking: []tally.PublicEntry{},
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
	}
	tallied.Timings = tm
	s.log.Info("tally timings", "round", r.ID, "papers", res.Papers, "closed", tm.Closed, "closeMs", tm.Close.Milliseconds(), "gatherMs", tm.Gather.Milliseconds(), "readMs", tm.Read.Milliseconds(),
		"computeMs", tm.Compute.Milliseconds(), "statisticsMs", tm.Statistics.Milliseconds(), "renderMs", tm.Render.Milliseconds(), "publishMs", tm.Publish.Milliseconds())
	return tallied, nil
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

// publication writes a round's published files as its ranking goes by.
type publication struct {
	ctx                context.Context
	svc                *Service
	contestID, roundID string
	results, csvFile   *hashedUpload
	csv                *csv.Writer
	lineBuf            []byte
	page               [][]byte
	pageArts           []tally.Artefact
	pages              int
	puts               *errgroup.Group
	putsCtx            context.Context
	artMu              sync.Mutex
	units              *unitSpill
}

func (s *Service) newPublication(ctx context.Context, contestID, roundID string, units []contest.Unit, dir string) *publication {
	puts, putsCtx := errgroup.WithContext(ctx)
	puts.SetLimit(putsAtOnce)
	return &publication{ctx: ctx, svc: s, contestID: contestID, roundID: roundID, puts: puts, putsCtx: putsCtx,
		units: newUnitSpill(units, filepath.Join(dir, "units"))}
}

func (p *publication) upload(name, ctype string) *hashedUpload {
	return &hashedUpload{name: name, ctype: ctype, up: blob.NewResultUpload(p.ctx, p.svc.s3, p.svc.bucket, p.contestID, p.roundID, name, ctype), h: sha256.New()}
}

// begin opens results.json and ranking.csv and writes what comes before the
// ranking's lines.
func (p *publication) begin(res tally.Result) error {
	p.pages = res.RankingPages
	p.pageArts = make([]tally.Artefact, res.RankingPages)
	p.results = p.upload("results.json", tally.JSONType)
	head, err := tally.ResultsHead(res)
	if err != nil {
		return err
	}
	if _, err := p.results.Write(head); err != nil {
		return err
	}
	p.csvFile = p.upload("ranking.csv", tally.CSVType)
	if _, err := p.csvFile.Write(tally.BOM()); err != nil {
		return err
	}
	p.csv = csv.NewWriter(p.csvFile)
	return p.csv.Write(tally.RankingCSVHeader())
}

// line publishes the n-th (from 0) line of the ranking.
func (p *publication) line(n int, e tally.PublicEntry) error {
	js, err := tally.EntryJSON(e)
	if err != nil {
		return err
	}
	p.lineBuf = tally.AppendResultsLine(p.lineBuf[:0], n, js)
	if _, err := p.results.Write(p.lineBuf); err != nil {
		return err
	}
	if err := p.csv.Write(tally.RankingCSVRow(e)); err != nil {
		return err
	}
	if e.UnitID != "" {
		if err := p.units.add(e.UnitID, js); err != nil {
			return err
		}
	}
	p.page = append(p.page, js)
	if len(p.page) == tally.RankingPageSize {
		return p.flushPage((n + 1) / tally.RankingPageSize)
	}
	return nil
}

func (p *publication) flushPage(number int) error {
	data := tally.PageJSON(number, p.pages, p.page)
	p.page = p.page[:0:0]
	name := tally.RankingPageName(number)
	p.pageArts[number-1] = tally.NewArtefact(name, tally.JSONType, data)
	p.pageArts[number-1].Data = nil
	p.put(name, tally.JSONType, data)
	return p.putsCtx.Err()
}

// put uploads one small file alongside the walk.
func (p *publication) put(name, ctype string, data []byte) {
	p.puts.Go(func() error {
		return blob.PutResults(p.putsCtx, p.svc.s3, p.svc.bucket, p.contestID, p.roundID, []blob.Object{{Name: name, ContentType: ctype, Data: data}})
	})
}

// finish ends the streamed files, puts the units' lines and the small files,
// and the manifest last; it returns the artefacts (without their data) in
// the manifest's order.
func (p *publication) finish(res tally.Result, opts tally.ReportOptions) ([]tally.Artefact, error) {
	if len(p.page) > 0 {
		if err := p.flushPage(p.pages); err != nil {
			return nil, err
		}
	}
	participants := res.Participants
	tail, err := tally.ResultsTail(res, participants)
	if err != nil {
		return nil, err
	}
	if _, err := p.results.Write(tail); err != nil {
		return nil, err
	}
	resultsArt, err := p.results.close()
	if err != nil {
		return nil, err
	}
	p.csv.Flush()
	if err := p.csv.Error(); err != nil {
		return nil, err
	}
	csvArt, err := p.csvFile.close()
	if err != nil {
		return nil, err
	}
	var arts []tally.Artefact
	small := func(name, ctype string, data []byte) tally.Artefact {
		p.put(name, ctype, data)
		a := tally.NewArtefact(name, ctype, data)
		a.Data = nil
		return a
	}
	us, err := tally.UnitsJSON(res)
	if err != nil {
		return nil, err
	}
	arts = append(arts, resultsArt, small("units.json", tally.JSONType, us))
	arts = append(arts, p.pageArts...)
	unitArts, err := p.units.publish(res.Units, small)
	if err != nil {
		return nil, err
	}
	arts = append(arts, unitArts...)
	x, err := tally.Report(res, opts)
	if err != nil {
		return nil, err
	}
	arts = append(arts, csvArt, small("units.csv", tally.CSVType, tally.UnitsCSV(res)), small("report.xlsx", tally.XLSXType, x))
	if err := p.puts.Wait(); err != nil {
		return nil, err
	}
	mj, err := tally.ManifestJSON(res, arts)
	if err != nil {
		return nil, err
	}
	manifest := tally.NewArtefact("manifest.json", tally.JSONType, mj)
	if err := blob.PutResults(p.ctx, p.svc.s3, p.svc.bucket, p.contestID, p.roundID, []blob.Object{{Name: manifest.Name, ContentType: manifest.ContentType, Data: mj}}); err != nil {
		return nil, err
	}
	manifest.Data = nil
	return append(arts, manifest), nil
}

// abort drops the multipart uploads of a publication that failed.
func (p *publication) abort() {
	for _, u := range []*hashedUpload{p.results, p.csvFile} {
		if u != nil && !u.closed {
			u.up.Abort()
		}
	}
	_ = p.puts.Wait()
	p.units.close()
}

// hashedUpload is an upload that counts and hashes what it sends.
type hashedUpload struct {
	name, ctype string
	up          *blob.Upload
	h           hash.Hash
	n           int
	closed      bool
}

func (u *hashedUpload) Write(b []byte) (int, error) {
	u.h.Write(b)
	u.n += len(b)
	return u.up.Write(b)
}

func (u *hashedUpload) close() (tally.Artefact, error) {
	u.closed = true
	if err := u.up.Close(); err != nil {
		return tally.Artefact{}, err
	}
	return tally.Artefact{Name: u.name, ContentType: u.ctype, Bytes: u.n, SHA256: hex.EncodeToString(u.h.Sum(nil))}, nil
}

// unitSpill keeps each unit's lines of the ranking (their EntryJSON, in the
// ranking's order) until the ranking ends: in memory up to spillCap bytes,
// then in a scratch file, in chunks per unit.
type unitSpill struct {
	index   map[string]int
	pending [][]byte // per unit, the lines not yet in the file, comma-joined
	count   []int
	chunks  [][][2]int64 // per unit, (offset, length) of its chunks in the file
	held    int
	path    string
	f       *os.File
	off     int64
}

func newUnitSpill(units []contest.Unit, path string) *unitSpill {
	s := &unitSpill{index: make(map[string]int, len(units)), pending: make([][]byte, len(units)), count: make([]int, len(units)),
		chunks: make([][][2]int64, len(units)), path: path}
	for i, u := range units {
		s.index[u.ID] = i
	}
	return s
}

func (s *unitSpill) add(unitID string, line []byte) error {
	i, ok := s.index[unitID]
	if !ok {
		return nil
	}
	if s.count[i] > 0 {
		s.pending[i] = append(s.pending[i], ',')
	}
	s.pending[i] = append(s.pending[i], line...)
	s.count[i]++
	s.held += len(line) + 1
	if s.held >= spillCap {
		return s.flush()
	}
	return nil
}

func (s *unitSpill) flush() error {
	if s.f == nil {
		f, err := os.Create(s.path)
		if err != nil {
			return err
		}
		s.f = f
	}
	for i, b := range s.pending {
		if len(b) == 0 {
			continue
		}
		if _, err := s.f.Write(b); err != nil {
			return err
		}
		s.chunks[i] = append(s.chunks[i], [2]int64{s.off, int64(len(b))})
		s.off += int64(len(b))
		s.pending[i] = nil
	}
	s.held = 0
	return nil
}

// publish puts each unit's lines (tally.UnitRankingName), in the units'
// order, and returns their artefacts.
func (s *unitSpill) publish(stats []tally.UnitStats, put func(name, ctype string, data []byte) tally.Artefact) ([]tally.Artefact, error) {
	var out []tally.Artefact
	for _, u := range stats {
		i, ok := s.index[u.UnitID]
		if !ok || s.count[i] == 0 {
			continue
		}
		data := tally.UnitRankingHead(u.UnitID)
		for _, c := range s.chunks[i] {
			start := len(data)
			data = append(data, make([]byte, c[1])...)
			if _, err := s.f.ReadAt(data[start:], c[0]); err != nil && err != io.EOF {
				return nil, fmt.Errorf("read units' lines: %w", err)
			}
		}
		data = append(data, s.pending[i]...)
		data = append(data, tally.UnitRankingTail()...)
		s.pending[i] = nil
		out = append(out, put(tally.UnitRankingName(u.UnitID), tally.JSONType, data))
	}
	return out, nil
}

func (s *unitSpill) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}
