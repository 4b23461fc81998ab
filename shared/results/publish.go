package results

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

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
