// Package integrity reviews a round's papers for signs that one is not what
// it seems, from what the server already knows (times, answers, where each
// start and submission came from, the contest's staff): impossibly fast
// papers, many papers from one network address or device, identical answers
// or timings among papers, papers by people who also run the contest. It
// accuses nobody: it lists signals for organisers to review before results
// are published, and some are only informational (an office's shared
// connection is normal). It has no AWS imports.
package integrity

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/hoithi/hoithi/shared/contest"
)

// Kind is what a signal is about.
type Kind string

const (
	// KindSpeed: every question answered and the paper submitted faster than
	// the contest's floor per question.
	KindSpeed Kind = "impossible_speed"
	// KindSharedAddress: other papers of the round came from the same
	// network address (informational: offices share one).
	KindSharedAddress Kind = "shared_address"
	// KindSharedDevice: other papers came from the same address and browser
	// (informational: a ward office may share one computer).
	KindSharedDevice Kind = "shared_device"
	// KindIdenticalAnswers: other papers had the same questions and chose
	// the same options, wrong ones included.
	KindIdenticalAnswers Kind = "identical_answers"
	// KindIdenticalTimings: other papers were started and submitted in the
	// same seconds.
	KindIdenticalTimings Kind = "identical_timings"
	// KindStaff: the participant has the name of an organiser, support
	// staff or juror, under another e-mail address.
	KindStaff Kind = "staff"
)

// Level says whether a signal is worth a review on its own.
type Level string

const (
	Suspicious Level = "suspicious"
	Info       Level = "info"
)

// Signal is one reason a paper is listed.
type Signal struct {
	Kind   Kind   `json:"kind"`
	Level  Level  `json:"level"`
	Detail string `json:"detail"`
}

// Flag is a paper with at least one suspicious signal, with every signal it has.
type Flag struct {
	PaperID       string `json:"paperId"`
	Participant   string `json:"participant"`
	ParticipantID string `json:"participantId"`
	Unit          string `json:"unit"`
	UnitID        string `json:"unitId,omitempty"`
	// Excluded is the reason of the organisers' exclusion, if any.
	Excluded string   `json:"excluded,omitempty"`
	Signals  []Signal `json:"signals"`
}

// UnitCount is how many papers of a group came from one unit.
type UnitCount struct {
	UnitID string `json:"unitId,omitempty"`
	Name   string `json:"name"`
	Papers int    `json:"papers"`
}

// Shared is an informational group: many papers from one network address
// (or one device). Group is an opaque label (never the address itself).
type Shared struct {
	Kind   Kind        `json:"kind"`
	Group  string      `json:"group"`
	Papers int         `json:"papers"`
	Units  []UnitCount `json:"units"`
}

// Report is a round's integrity review.
type Report struct {
	Flags  []Flag   `json:"flags"`
	Shared []Shared `json:"shared"`
}

// Rules tune the review; zero values take the defaults.
type Rules struct {
	// SpeedFloor per question (contest.Contest.SpeedFloor).
	SpeedFloor time.Duration
	// SharedAddressMin and SharedDeviceMin: how many papers of different
	// people from one address (device) make an informational group (10, 3).
	SharedAddressMin, SharedDeviceMin int
	// MinIdenticalWrong: how many wrong answers two papers must share, on
	// top of every other answer, for identical answers to be a signal (3):
	// right answers are alike for everyone who knows them.
	MinIdenticalWrong int
}

func (r Rules) withDefaults() Rules {
	if r.SpeedFloor <= 0 {
		r.SpeedFloor = time.Duration(contest.DefaultSecondsPerQuestion * float64(time.Second))
	}
	if r.SharedAddressMin <= 0 {
		r.SharedAddressMin = 10
	}
	if r.SharedDeviceMin <= 0 {
		r.SharedDeviceMin = 3
	}
	if r.MinIdenticalWrong <= 0 {
		r.MinIdenticalWrong = 3
	}
	return r
}

// Review computes the signals of a round's papers. units name the units;
// staff are the contest's organisers, support staff and jury
// (contest.Member.IsStaff). It is a Reviewer given the papers twice.
func Review(papers []contest.Submitted, units []contest.Unit, staff []contest.Member, rules Rules) Report {
	rv := NewReviewer(units, staff, rules)
	for i := range papers {
		_ = rv.Count(&papers[i]) // in memory: no error
	}
	for i := range papers {
		_ = rv.Add(&papers[i])
	}
	return rv.Report()
}

// Reviewer reviews a round read twice, a paper at a time, so that a round
// of any size is reviewed in the memory of its groups, not its papers: Count
// sees every paper (the first pass: each paper's group keys, hashed, in
// sorted runs spilled to a scratch folder, Spill), then Add sees every paper
// again in the same order (the second pass: the groups of papers from one
// address or device, as counts, and the few papers that may be flagged,
// whole); Report gives what Review gives for those papers.
type Reviewer struct {
	rules       Rules
	unitName    map[string]string
	staffByName map[string]contest.Member
	seed        maphash.Seed
	// first pass: each paper's keys, hashed; then how many papers have
	// each key that reached its group's minimum
	addressN, deviceN, answersN, timingsN *keyCounts
	// second pass
	pruned             bool
	addresses, devices map[string]*sharedGroup
	kept               []contest.Submitted
}

// sharedGroup is a group of papers from one address or device, as counts:
// its papers, its first people (up to the rule's minimum) and its units.
type sharedGroup struct {
	papers int
	people map[string]bool
	units  map[string]int
}

// NewReviewer starts a review; see Review for units, staff and rules.
func NewReviewer(units []contest.Unit, staff []contest.Member, rules Rules) *Reviewer {
	rv := &Reviewer{rules: rules.withDefaults(), unitName: make(map[string]string, len(units)), staffByName: map[string]contest.Member{},
		seed: maphash.MakeSeed(), addressN: &keyCounts{name: "addresses"}, deviceN: &keyCounts{name: "devices"},
		answersN: &keyCounts{name: "answers"}, timingsN: &keyCounts{name: "timings"},
		addresses: map[string]*sharedGroup{}, devices: map[string]*sharedGroup{}}
	for _, u := range units {
		rv.unitName[u.ID] = u.Name
	}
	for _, m := range staff {
		if m.IsStaff() {
			rv.staffByName[foldName(m.Name)] = m
		}
	}
	return rv
}

func (rv *Reviewer) hash(s string) uint64 { return maphash.String(rv.seed, s) }

// Spill makes the first pass keep its hashed keys in dir (a scratch folder
// the caller makes and removes) rather than in memory: each kind of key
// fills a buffer of spillKeys hashes (512 kB), written sorted as a run when
// full, and the runs are merged when the second pass starts, so the
// review's memory no longer grows with the round (8 bytes a key in the
// folder instead: about 50 MB at 1,000,000 papers). Without it (Review)
// every key stays in memory.
func (rv *Reviewer) Spill(dir string) {
	for _, k := range rv.counts() {
		k.dir = dir
	}
}

func (rv *Reviewer) counts() []*keyCounts {
	return []*keyCounts{rv.addressN, rv.deviceN, rv.answersN, rv.timingsN}
}

// spillKeys is how many hashes of one kind the first pass holds before it
// writes them as a sorted run (Spill).
const spillKeys = 1 << 16

// keyCounts counts hashed keys compactly: the first pass appends each (8
// bytes; with a scratch folder, spilled in sorted runs of spillKeys), then
// prune sorts what is held, merges it with the runs, and keeps only the
// keys that reached the minimum, with their counts (at most 255).
type keyCounts struct {
	name    string
	dir     string // "": every key in memory
	limit   int    // the run's size (spillKeys; smaller in tests)
	held    []uint64
	runs    []string
	reached map[uint64]uint8
}

func (k *keyCounts) add(h uint64) error {
	k.held = append(k.held, h)
	if k.dir == "" {
		return nil
	}
	limit := k.limit
	if limit <= 0 {
		limit = spillKeys
	}
	if len(k.held) < limit {
		return nil
	}
	return k.spill()
}

// spill writes the held keys, sorted, as a run (8 bytes each, big-endian).
func (k *keyCounts) spill() error {
	slices.Sort(k.held)
	path := filepath.Join(k.dir, fmt.Sprintf("%s-%04d", k.name, len(k.runs)))
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("integrity review: spill %s: %w", k.name, err)
	}
	w := bufio.NewWriterSize(f, 64<<10)
	var b [8]byte
	for _, h := range k.held {
		binary.BigEndian.PutUint64(b[:], h)
		w.Write(b[:]) // a write error stays in w; Flush returns it
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("integrity review: spill %s: %w", k.name, err)
	}
	k.runs = append(k.runs, path)
	k.held = k.held[:0]
	return nil
}

// prune counts every key (the held ones and the runs', merged in order)
// and keeps those that reached least; the runs are removed.
func (k *keyCounts) prune(least int) error {
	k.reached = map[uint64]uint8{}
	slices.Sort(k.held)
	m, err := newKeyMerge(k.held, k.runs)
	if err != nil {
		return fmt.Errorf("integrity review: %s: %w", k.name, err)
	}
	defer m.close()
	cur, n := uint64(0), 0
	for {
		h, ok, err := m.next()
		if err != nil {
			return fmt.Errorf("integrity review: %s: %w", k.name, err)
		}
		if n > 0 && (!ok || h != cur) {
			if n >= least {
				k.reached[cur] = uint8(min(n, 255))
			}
			n = 0
		}
		if !ok {
			break
		}
		cur = h
		n++
	}
	k.held = nil
	for _, path := range k.runs {
		os.Remove(path)
	}
	k.runs = nil
	return nil
}

// keyMerge merges sorted sources of hashes: the keys held in memory and
// each run's file, through a min-heap of each source's next key.
type keyMerge struct {
	held  []uint64
	files []*os.File
	runs  []*bufio.Reader
	heap  []keySource
}

type keySource struct {
	h   uint64
	src int // -1: held
}

func newKeyMerge(held []uint64, paths []string) (*keyMerge, error) {
	m := &keyMerge{held: held}
	if len(held) > 0 {
		m.push(keySource{held[0], -1})
		m.held = held[1:]
	}
	for i, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			m.close()
			return nil, err
		}
		m.files = append(m.files, f)
		m.runs = append(m.runs, bufio.NewReaderSize(f, 16<<10))
		if err := m.fill(i); err != nil {
			m.close()
			return nil, err
		}
	}
	return m, nil
}

// fill pushes run i's next key, if any.
func (m *keyMerge) fill(i int) error {
	var b [8]byte
	if _, err := io.ReadFull(m.runs[i], b[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return fmt.Errorf("read run: %w", err)
	}
	m.push(keySource{binary.BigEndian.Uint64(b[:]), i})
	return nil
}

func (m *keyMerge) push(s keySource) {
	m.heap = append(m.heap, s)
	for i := len(m.heap) - 1; i > 0; {
		parent := (i - 1) / 2
		if m.heap[parent].h <= m.heap[i].h {
			break
		}
		m.heap[i], m.heap[parent] = m.heap[parent], m.heap[i]
		i = parent
	}
}

// next is the smallest key left; ok is false at the end.
func (m *keyMerge) next() (uint64, bool, error) {
	if len(m.heap) == 0 {
		return 0, false, nil
	}
	top := m.heap[0]
	last := len(m.heap) - 1
	m.heap[0] = m.heap[last]
	m.heap = m.heap[:last]
	for i := 0; ; {
		l, best := 2*i+1, i
		if l < len(m.heap) && m.heap[l].h < m.heap[best].h {
			best = l
		}
		if r := l + 1; r < len(m.heap) && m.heap[r].h < m.heap[best].h {
			best = r
		}
		if best == i {
			break
		}
		m.heap[i], m.heap[best] = m.heap[best], m.heap[i]
		i = best
	}
	if top.src < 0 {
		if len(m.held) > 0 {
			m.push(keySource{m.held[0], -1})
			m.held = m.held[1:]
		}
	} else if err := m.fill(top.src); err != nil {
		return 0, false, err
	}
	return top.h, true, nil
}

func (m *keyMerge) close() {
	for _, f := range m.files {
		f.Close()
	}
}

// count is how many papers had key h, 0 below the minimum.
func (k *keyCounts) count(h uint64) int { return int(k.reached[h]) }

// keys are what a paper is grouped by: its networks and devices, its
// answers' key (with enough wrong answers, else "") and its timings' (if it
// was not closed by the server, else ok false); answered is how many
// questions it answered.
type keys struct {
	networks, devices []string
	answers           string
	timings           [2]int64
	timed             bool
	answered          int
}

func (rv *Reviewer) keysOf(p *contest.Submitted) keys {
	k := keys{networks: distinct(network(p.StartedFrom), network(p.SubmittedFrom)), devices: distinct(p.StartedFrom, p.SubmittedFrom)}
	wrong := 0
	for r := range p.Responses.All() {
		if r.Chosen >= 0 {
			k.answered++
			if !r.Correct() {
				wrong++
			}
		}
	}
	if wrong >= rv.rules.MinIdenticalWrong {
		k.answers = answerKey(p.Responses)
	}
	if !p.Automatic {
		k.timings, k.timed = [2]int64{p.StartedAt().Unix(), p.SubmittedAt.Unix()}, true
	}
	return k
}

func timingsKey(t [2]int64) string { return fmt.Sprintf("%d-%d", t[0], t[1]) }

// Count is the first pass: every paper, in the order Add will see them.
// Its error is a spilled run's (Spill).
func (rv *Reviewer) Count(p *contest.Submitted) error {
	k := rv.keysOf(p)
	var errs [4]error
	for _, a := range k.networks {
		errs[0] = cmp.Or(errs[0], rv.addressN.add(rv.hash(a)))
	}
	for _, d := range k.devices {
		errs[1] = cmp.Or(errs[1], rv.deviceN.add(rv.hash(d)))
	}
	if k.answers != "" {
		errs[2] = rv.answersN.add(rv.hash(k.answers))
	}
	if k.timed {
		errs[3] = rv.timingsN.add(rv.hash(timingsKey(k.timings)))
	}
	return errors.Join(errs[:]...)
}

// Add is the second pass: every paper again, in the same order. Its error
// is the merge of the first pass's runs (Spill), on the first paper.
func (rv *Reviewer) Add(p *contest.Submitted) error {
	if !rv.pruned {
		rv.pruned = true
		least := []int{rv.rules.SharedAddressMin, rv.rules.SharedDeviceMin, 2, 2}
		for i, k := range rv.counts() {
			if err := k.prune(least[i]); err != nil {
				return err
			}
		}
	}
	k := rv.keysOf(p)
	group := func(byKey map[string]*sharedGroup, counts *keyCounts, key string, min int) {
		if counts.count(rv.hash(key)) < min {
			return
		}
		g := byKey[key]
		if g == nil {
			g = &sharedGroup{people: map[string]bool{}, units: map[string]int{}}
			byKey[key] = g
		}
		g.papers++
		g.units[p.UnitID]++
		if len(g.people) < min {
			g.people[p.ParticipantID] = true
		}
	}
	for _, a := range k.networks {
		group(rv.addresses, rv.addressN, a, rv.rules.SharedAddressMin)
	}
	for _, d := range k.devices {
		group(rv.devices, rv.deviceN, d, rv.rules.SharedDeviceMin)
	}
	_, staff := rv.staffByName[foldName(p.Name)]
	if staff || rv.tooFast(p, k.answered) ||
		(k.answers != "" && rv.answersN.count(rv.hash(k.answers)) >= 2) ||
		(k.timed && rv.timingsN.count(rv.hash(timingsKey(k.timings))) >= 2) {
		rv.kept = append(rv.kept, *p)
	}
	return nil
}

// Kept is how many papers the review holds whole: those that may be flagged.
func (rv *Reviewer) Kept() int { return len(rv.kept) }

func (rv *Reviewer) tooFast(p *contest.Submitted, answered int) bool {
	return p.Total > 0 && answered == p.Total && time.Duration(p.TimeTakenMs)*time.Millisecond < rv.rules.SpeedFloor*time.Duration(p.Total)
}

// Report is the review of the papers seen.
func (rv *Reviewer) Report() Report {
	rules, papers := rv.rules, rv.kept
	unitName, staffByName := rv.unitName, rv.staffByName
	signals := make(map[int][]Signal)
	suspicious := make(map[int]bool)
	add := func(i int, s Signal) {
		signals[i] = append(signals[i], s)
		if s.Level == Suspicious {
			suspicious[i] = true
		}
	}

	// the papers that may be flagged, grouped
	answers, timings := map[string][]int{}, map[[2]int64][]int{}
	for i := range papers {
		p := &papers[i]
		k := rv.keysOf(p)
		if rv.tooFast(p, k.answered) {
			add(i, Signal{KindSpeed, Suspicious, fmt.Sprintf("Trả lời đủ %d câu và nộp bài sau %s (ngưỡng %s cho %d câu).",
				p.Total, seconds(time.Duration(p.TimeTakenMs)*time.Millisecond), seconds(rules.SpeedFloor*time.Duration(p.Total)), p.Total)})
		}
		if k.answers != "" {
			answers[k.answers] = append(answers[k.answers], i)
		}
		if k.timed {
			timings[k.timings] = append(timings[k.timings], i)
		}
		if len(staffByName) == 0 {
			continue
		}
		if m, ok := staffByName[foldName(p.Name)]; ok && (m.UnitID == "" || m.UnitID == p.UnitID) {
			add(i, Signal{KindStaff, Suspicious, fmt.Sprintf("Trùng họ tên với %s %s (đăng ký bằng email khác); Ban tổ chức, tổ giúp việc và giám khảo không được dự thi.",
				staffRole(m), m.Name)})
		}
	}

	for _, g := range groups(papers, answers, 2) {
		for _, i := range g {
			add(i, Signal{KindIdenticalAnswers, Suspicious, fmt.Sprintf("Cùng bộ câu hỏi và chọn giống hệt %s, kể cả các câu sai: %s.",
				others(len(g)-1), otherIDs(papers, g, i))})
		}
	}
	for _, g := range groups(papers, timings, 2) {
		for _, i := range g {
			add(i, Signal{KindIdenticalTimings, Suspicious, fmt.Sprintf("Bắt đầu và nộp bài cùng thời điểm (đến từng giây) với %s: %s.",
				others(len(g)-1), otherIDs(papers, g, i))})
		}
	}

	var shared []Shared
	info := func(kind Kind, byKey map[string]*sharedGroup, min int, what string, keysOf func(*contest.Submitted) []string) {
		listed := map[string]Shared{}
		keys := make([]string, 0)
		for k, g := range byKey {
			if g.papers >= min && len(g.people) >= min {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys) // as before: the order of groups that tie is the keys'
		for _, k := range keys {
			g := byKey[k]
			s := Shared{Kind: kind, Group: label(kind, k), Papers: g.papers, Units: rv.unitCounts(g.units)}
			listed[k] = s
			shared = append(shared, s)
		}
		for i := range papers {
			if !suspicious[i] {
				continue // listed in the group only: no per-paper signal
			}
			ks := slices.Clone(keysOf(&papers[i]))
			slices.Sort(ks)
			for _, k := range ks {
				if s, ok := listed[k]; ok {
					signals[i] = append(signals[i], Signal{kind, Info, fmt.Sprintf("%d bài thi của %d đơn vị từ cùng %s (nhóm %s); dùng chung đường truyền của cơ quan là bình thường.",
						s.Papers, len(s.Units), what, s.Group)})
				}
			}
		}
	}
	info(KindSharedAddress, rv.addresses, rules.SharedAddressMin, "một địa chỉ mạng", func(p *contest.Submitted) []string {
		return distinct(network(p.StartedFrom), network(p.SubmittedFrom))
	})
	info(KindSharedDevice, rv.devices, rules.SharedDeviceMin, "một thiết bị (cùng địa chỉ mạng và trình duyệt)", func(p *contest.Submitted) []string {
		return distinct(p.StartedFrom, p.SubmittedFrom)
	})
	slices.SortFunc(shared, func(a, b Shared) int {
		return cmp.Or(cmp.Compare(b.Papers, a.Papers), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Group, b.Group))
	})

	out := Report{Flags: []Flag{}, Shared: shared}
	if out.Shared == nil {
		out.Shared = []Shared{}
	}
	for i := range suspicious {
		p := &papers[i]
		out.Flags = append(out.Flags, Flag{PaperID: p.PaperID, Participant: p.Name, ParticipantID: p.ParticipantID,
			Unit: unitName[p.UnitID], UnitID: p.UnitID, Excluded: p.Excluded, Signals: signals[i]})
	}
	count := func(f Flag) int {
		n := 0
		for _, s := range f.Signals {
			if s.Level == Suspicious {
				n++
			}
		}
		return n
	}
	slices.SortFunc(out.Flags, func(a, b Flag) int { return cmp.Or(cmp.Compare(count(b), count(a)), cmp.Compare(a.PaperID, b.PaperID)) })
	return out
}

// groups returns the groups of at least min papers of different people,
// each in paper order, the groups in the order of their first paper.
func groups[K comparable](papers []contest.Submitted, byKey map[K][]int, min int) [][]int {
	var out [][]int
	for _, g := range byKey {
		if len(g) >= min && participants(papers, g) >= min {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b []int) int { return cmp.Compare(a[0], b[0]) })
	return out
}

// participants counts the different people among papers g.
func participants(papers []contest.Submitted, g []int) int {
	if len(g) < 2 {
		return len(g)
	}
	seen := make(map[string]bool, len(g))
	for _, i := range g {
		seen[papers[i].ParticipantID] = true
	}
	return len(seen)
}

func (rv *Reviewer) unitCounts(by map[string]int) []UnitCount {
	out := make([]UnitCount, 0, len(by))
	for id, n := range by {
		name := rv.unitName[id]
		if name == "" {
			name = "(không thuộc đơn vị)"
		}
		out = append(out, UnitCount{UnitID: id, Name: name, Papers: n})
	}
	slices.SortFunc(out, func(a, b UnitCount) int {
		return cmp.Or(cmp.Compare(b.Papers, a.Papers), cmp.Compare(a.UnitID, b.UnitID))
	})
	return out
}

// network is the address part of a device (contest.Requester.Device): an
// IPv4 address, or an IPv6 address's /64 (one household or office).
func network(device string) string {
	addr, _, _ := strings.Cut(device, "|")
	if a, err := netip.ParseAddr(addr); err == nil && a.Is6() && !a.Is4In6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return addr
}

// distinct is a and b without empties or a repeat (at most two: no allocation).
func distinct(a, b string) []string {
	var buf [2]string
	out := buf[:0]
	if a != "" {
		out = append(out, a)
	}
	if b != "" && b != a {
		out = append(out, b)
	}
	return out
}

// answerKey is a paper's questions and choices in question order: papers
// with the same key had the same questions and picked the same options.
func answerKey(rs contest.Responses) string {
	var buf [contest.MaxQuestions]contest.Response
	items := buf[:0]
	for r := range rs.All() {
		items = append(items, r)
	}
	slices.SortFunc(items, func(a, b contest.Response) int { return strings.Compare(a.QuestionID, b.QuestionID) })
	var sb strings.Builder
	for _, r := range items {
		sb.WriteString(r.QuestionID)
		sb.WriteByte(':')
		sb.WriteByte(byte('0' + r.Chosen + 1)) // '/' for none
		sb.WriteByte(' ')
	}
	return sb.String()
}

// label is an opaque name for a group (never the address it stands for).
func label(kind Kind, key string) string {
	sum := sha256.Sum256([]byte(string(kind) + "\x00" + key))
	return hex.EncodeToString(sum[:3])
}

func otherIDs(papers []contest.Submitted, g []int, self int) string {
	var ids []string
	for _, i := range g {
		if i != self {
			ids = append(ids, papers[i].PaperID)
		}
	}
	if len(ids) > 5 {
		ids = append(ids[:5], fmt.Sprintf("và %d bài khác", len(ids)-5))
	}
	return strings.Join(ids, ", ")
}

func others(n int) string {
	if n == 1 {
		return "1 bài thi khác"
	}
	return fmt.Sprintf("%d bài thi khác", n)
}

func seconds(d time.Duration) string {
	return strings.Replace(fmt.Sprintf("%.1f giây", d.Seconds()), ".", ",", 1)
}

func staffRole(m contest.Member) string {
	switch {
	case m.Has(contest.RoleOrganiser):
		return "thành viên Ban tổ chức"
	case m.Has(contest.RoleJury):
		return "giám khảo"
	}
	return "cán bộ tổ chức"
}

// foldName compares names: Unicode NFC, lower case, single spaces.
func foldName(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(s))), " ")
}
