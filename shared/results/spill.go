package results

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

// A tally spills a round's papers to files in a scratch folder, compactly:
// what ranking and publishing need of each (no responses, no devices), with
// the rank key once a part is ranked. Strings are length-prefixed, numbers
// varints.

// spillWriter appends papers (and, for a ranked part, their keys) to a file.
type spillWriter struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
}

func createSpill(path string) (*spillWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &spillWriter{f: f, w: bufio.NewWriterSize(f, 16<<10)}, nil
}

func (s *spillWriter) write(key *contest.RankKey, p *contest.Submitted) error {
	b := s.buf[:0]
	if key != nil {
		for _, k := range key {
			b = binary.AppendVarint(b, k)
		}
	}
	for _, str := range []string{p.PaperID, p.ParticipantID, p.Name, p.UnitID} {
		b = binary.AppendUvarint(b, uint64(len(str)))
		b = append(b, str...)
	}
	excluded := int64(0)
	if p.Excluded != "" {
		excluded = 1
	}
	for _, n := range []int64{int64(p.Correct), int64(p.Total), int64(p.Prediction), p.TimeTakenMs, p.SubmittedAt.Unix(), int64(p.SubmittedAt.Nanosecond()), excluded} {
		b = binary.AppendVarint(b, n)
	}
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

func (s *spillWriter) close() error {
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// spillReader reads back what a spillWriter wrote.
type spillReader struct {
	f        *os.File
	r        *bufio.Reader
	keyed    bool
	audience contest.Audience
}

func openSpill(path string, keyed bool, audience contest.Audience, size int) (*spillReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &spillReader{f: f, r: bufio.NewReaderSize(f, size), keyed: keyed, audience: audience}, nil
}

// next reads the next paper into p (and its key into k, if keyed); io.EOF
// at the end.
func (s *spillReader) next(k *contest.RankKey, p *contest.Submitted) error {
	if s.keyed {
		for i := range k {
			v, err := binary.ReadVarint(s.r)
			if err != nil {
				if i == 0 && errors.Is(err, io.EOF) {
					return io.EOF
				}
				return fmt.Errorf("read spilled paper: %w", err)
			}
			k[i] = v
		}
	}
	var strs [4]string
	for i := range strs {
		n, err := binary.ReadUvarint(s.r)
		if err != nil {
			if i == 0 && !s.keyed && errors.Is(err, io.EOF) {
				return io.EOF
			}
			return fmt.Errorf("read spilled paper: %w", err)
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(s.r, b); err != nil {
			return fmt.Errorf("read spilled paper: %w", err)
		}
		strs[i] = string(b)
	}
	var nums [7]int64
	for i := range nums {
		v, err := binary.ReadVarint(s.r)
		if err != nil {
			return fmt.Errorf("read spilled paper: %w", err)
		}
		nums[i] = v
	}
	*p = contest.Submitted{PaperID: strs[0], ParticipantID: strs[1], Name: strs[2], UnitID: strs[3], Audience: s.audience,
		Correct: int(nums[0]), Total: int(nums[1]), Prediction: int(nums[2]), TimeTakenMs: nums[3], SubmittedAt: time.Unix(nums[4], nums[5])}
	if nums[6] != 0 {
		p.Excluded = "excluded"
	}
	return nil
}

func (s *spillReader) close() error { return s.f.Close() }

// readPart reads a whole part's papers (a participant's papers are all in
// one part, small enough to rank in memory).
func readPart(path string, audience contest.Audience) ([]contest.Submitted, error) {
	r, err := openSpill(path, false, audience, 64<<10)
	if err != nil {
		return nil, err
	}
	defer r.close()
	var out []contest.Submitted
	for {
		var p contest.Submitted
		err := r.next(nil, &p)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
}

// writeRun writes a ranked part, in its order, with each paper's key.
func writeRun(path string, ranked []tally.Ranked) error {
	w, err := createSpill(path)
	if err != nil {
		return err
	}
	for i := range ranked {
		if err := w.write(&ranked[i].Key, ranked[i].Paper); err != nil {
			w.close()
			return err
		}
	}
	return w.close()
}

// merger merges ranked parts (runs) into the round's ranking, in the order
// of tally.Before: a heap of each run's next paper.
type merger struct {
	runs []*spillReader
	head []mergeItem // a min-heap
}

type mergeItem struct {
	r   tally.Ranked
	run int
}

func newMerger(paths []string, audience contest.Audience) (*merger, error) {
	m := &merger{}
	for _, path := range paths {
		r, err := openSpill(path, true, audience, 8<<10)
		if err != nil {
			m.close()
			return nil, err
		}
		m.runs = append(m.runs, r)
		if err := m.fill(len(m.runs) - 1); err != nil {
			m.close()
			return nil, err
		}
	}
	return m, nil
}

// fill pushes run i's next paper, if any.
func (m *merger) fill(i int) error {
	it := mergeItem{r: tally.Ranked{Paper: &contest.Submitted{}}, run: i}
	err := m.runs[i].next(&it.r.Key, it.r.Paper)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	m.head = append(m.head, it)
	m.up(len(m.head) - 1)
	return nil
}

func (m *merger) less(i, j int) bool { return tally.Before(m.head[i].r, m.head[j].r) < 0 }

func (m *merger) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !m.less(i, parent) {
			return
		}
		m.head[i], m.head[parent] = m.head[parent], m.head[i]
		i = parent
	}
}

func (m *merger) down(i int) {
	for {
		l, best := 2*i+1, i
		if l < len(m.head) && m.less(l, best) {
			best = l
		}
		if r := l + 1; r < len(m.head) && m.less(r, best) {
			best = r
		}
		if best == i {
			return
		}
		m.head[i], m.head[best] = m.head[best], m.head[i]
		i = best
	}
}

// next is the ranking's next paper; ok is false at its end.
func (m *merger) next() (tally.Ranked, bool, error) {
	if len(m.head) == 0 {
		return tally.Ranked{}, false, nil
	}
	top := m.head[0]
	last := len(m.head) - 1
	m.head[0] = m.head[last]
	m.head = m.head[:last]
	if len(m.head) > 0 {
		m.down(0)
	}
	if err := m.fill(top.run); err != nil {
		return tally.Ranked{}, false, err
	}
	return top.r, true, nil
}

func (m *merger) close() {
	for _, r := range m.runs {
		r.close()
	}
}

// keptWriter keeps values on disk until a later step reads them back in
// batches (keptReader): the overdue papers a tally counts, as the ranking
// index will list them (whole: their responses and devices count in the
// statistics and the integrity review; gob), until the ranking index has
// been read and says which it lists already; and the same papers as read,
// in progress, until their closes are written after the publication (JSON:
// gob would read a saved prediction of 0 or no answers back as none, and
// the close must write what it read).
type keptWriter[T any] struct {
	f   *os.File
	w   *bufio.Writer
	enc interface{ Encode(any) error }
}

// keptCodec is how kept values are written and read back.
type keptCodec struct {
	encoder func(io.Writer) interface{ Encode(any) error }
	decoder func(io.Reader) interface{ Decode(any) error }
}

var (
	gobCodec = keptCodec{
		encoder: func(w io.Writer) interface{ Encode(any) error } { return gob.NewEncoder(w) },
		decoder: func(r io.Reader) interface{ Decode(any) error } { return gob.NewDecoder(r) },
	}
	jsonCodec = keptCodec{
		encoder: func(w io.Writer) interface{ Encode(any) error } { return json.NewEncoder(w) },
		decoder: func(r io.Reader) interface{ Decode(any) error } { return json.NewDecoder(r) },
	}
)

func createKept[T any](path string, codec keptCodec) (*keptWriter[T], error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	return &keptWriter[T]{f: f, w: w, enc: codec.encoder(w)}, nil
}

func (c *keptWriter[T]) write(values []T) error {
	for i := range values {
		if err := c.enc.Encode(&values[i]); err != nil {
			return fmt.Errorf("keep overdue paper: %w", err)
		}
	}
	return nil
}

func (c *keptWriter[T]) close() error {
	err := c.w.Flush()
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// keptReader reads back what a keptWriter wrote.
type keptReader[T any] struct {
	f   *os.File
	dec interface{ Decode(any) error }
}

func openKept[T any](path string, codec keptCodec) (*keptReader[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &keptReader[T]{f: f, dec: codec.decoder(bufio.NewReaderSize(f, 64<<10))}, nil
}

// read returns up to n values, none at the end.
func (c *keptReader[T]) read(n int) ([]T, error) {
	var out []T
	for len(out) < n {
		var v T
		if err := c.dec.Decode(&v); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("read overdue paper: %w", err)
		}
		out = append(out, v)
	}
	return out, nil
}

func (c *keptReader[T]) close() error { return c.f.Close() }
