// Package mp4 reads just enough of an MP4 (ISO base media) file to decide
// whether a contest clip is acceptable: it walks the top-level boxes, checks
// that they tile the file exactly (so a cut-off upload is caught), and reads
// every duration the file states: the movie's (moov/mvhd, or for fragmented
// files moov/mvex/mehd) and each track's (trak/tkhd, in the movie's
// timescale; mdia/mdhd, in the track's own; and the sum of the sample
// table's durations, mdia/minf/stbl/stts). Players time the video by its
// samples, so a header edited to claim a shorter length must not pass: the
// file's duration is the longest of these figures, and a file whose figures
// disagree beyond a small tolerance is refused (ErrInconsistentDuration).
//
// It reads through an io.ReaderAt, a few small ranges at a time, so a clip of
// several hundred megabytes in S3 is judged from a few kilobytes of ranged
// GETs. It decodes no media and trusts nothing in the file: every size is
// checked against its container and the file's length, and the number of boxes
// visited is bounded. No MP4 library is used (none is available here); the
// box layout followed is ISO/IEC 14496-12 §4.2 (box header), §4.3 (ftyp),
// §8.2.2 (mvhd), §8.3.2 (tkhd), §8.4.2 (mdhd), §8.6.1.2 (stts) and §8.8.2
// (mehd).
package mp4

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"
	"time"
)

// Errors that classify a file. Every error Probe returns about the file's
// content wraps exactly one of them; any other error comes from the reader
// (an I/O failure that says nothing about the file).
var (
	// ErrNotMP4: the file does not start with an ftyp box of an MP4 brand.
	ErrNotMP4 = errors.New("mp4: not an MP4 file")
	// ErrTruncated: a box runs past the end of the file, or the movie box is
	// missing (a recording or upload cut short).
	ErrTruncated = errors.New("mp4: file is truncated")
	// ErrCorrupt: the box structure is malformed.
	ErrCorrupt = errors.New("mp4: malformed box structure")
	// ErrNoDuration: the movie declares no usable duration.
	ErrNoDuration = errors.New("mp4: movie duration is unknown")
	// ErrInconsistentDuration: the durations the file states (mvhd, and each
	// track's tkhd, mdhd and sample table) disagree by more than
	// DurationTolerance: typically a movie header edited to claim another
	// length than the media plays.
	ErrInconsistentDuration = errors.New("mp4: the durations in the file disagree")
)

// Durations stated in one file may differ a little without anything being
// wrong, and DurationTolerance says how much: at least MinDurationSlack, or
// DurationSlackPercent of the longest figure. Honest gaps are small: an
// audio encoder's priming samples hidden by an edit list (20-50 ms), the
// last sample's duration guessed differently by muxers (a frame), a track
// starting a few frames late, a cut made without re-encoding that keeps
// media back to the previous keyframe (keyframes 1-5 s apart: 2% of a
// five-minute clip is 6 s). A patched header is far off (10 s against 5:30
// is 97%). The tolerance never lets a long clip through: the verdict uses
// the longest figure; it only decides whether a file is refused as
// inconsistent.
const (
	MinDurationSlack     = time.Second
	DurationSlackPercent = 2
)

// DurationTolerance is how far apart two durations stated in a file whose
// longest figure is longest may be.
func DurationTolerance(longest time.Duration) time.Duration {
	return max(MinDurationSlack, longest/100*DurationSlackPercent)
}

// MaxBoxes bounds how many boxes (top-level and inside moov) Probe visits, so
// a hostile file of millions of tiny boxes costs a bounded number of reads.
// Ordinary files have a handful of top-level boxes; a fragmented file has a
// moof and an mdat per fragment (a 5-minute clip in 2-second fragments: 300).
const MaxBoxes = 4096

// blockSize is how much Probe reads at once: a box header usually sits next
// to the next thing it needs (ftyp, moov and mvhd lie together), so one read
// serves several.
const blockSize = 16 << 10

// Box is a top-level box: its type, where it starts and its total size
// (header included).
type Box struct {
	Type   string `json:"type"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
}

// Info is what Probe learns about a file.
type Info struct {
	MajorBrand       string
	CompatibleBrands []string
	// Duration is the longest duration the file states (mvhd, mehd, or a
	// track's tkhd, mdhd or sample table), in units of Timescale per second
	// (the timescale of the box that stated it).
	Timescale uint32
	Duration  uint64
	// MovieHeaderVersion is mvhd's version (0: 32-bit times, 1: 64-bit).
	MovieHeaderVersion uint8
	// MoovOffset is where the movie box starts; MoovAtEnd reports that it
	// comes after the media data (a file not prepared for streaming).
	MoovOffset int64
	MoovAtEnd  bool
	// Fragmented reports movie fragments (moof). The tracks in moov then
	// describe only the samples before the first fragment, so their figures
	// may be shorter than the movie's (mvhd or mvex/mehd) and are not held
	// against it; the longest figure still counts.
	Fragmented bool
	// Tracks is how many tracks (trak boxes) moov holds.
	Tracks int
	// Boxes lists the top-level boxes in file order; they tile the file.
	Boxes []Box
}

// Milliseconds is the duration in milliseconds, rounded down (saturating).
func (i Info) Milliseconds() int64 {
	if i.Timescale == 0 {
		return 0
	}
	ts := uint64(i.Timescale)
	secs, rem := i.Duration/ts, i.Duration%ts
	if secs > math.MaxInt64/1000-1 {
		return math.MaxInt64
	}
	return int64(secs*1000 + rem*1000/ts)
}

// AtMost reports whether the duration is at most d, exactly (no rounding):
// Duration/Timescale <= d.
func (i Info) AtMost(d time.Duration) bool {
	if d < 0 || i.Timescale == 0 {
		return false
	}
	// Duration * 1e9 <= d.Nanoseconds() * Timescale, in 128 bits.
	lh, ll := bits.Mul64(i.Duration, uint64(time.Second))
	rh, rl := bits.Mul64(uint64(d.Nanoseconds()), uint64(i.Timescale))
	return lh < rh || (lh == rh && ll <= rl)
}

// mp4Brands are the ftyp brands of MP4 files (ISO base media and its MPEG-4,
// AVC, HEVC and DASH profiles). QuickTime ("qt  "), 3GPP and HEIF are not
// accepted: the contest takes MP4.
var mp4Brands = map[string]bool{
	"isom": true, "iso2": true, "iso3": true, "iso4": true, "iso5": true, "iso6": true,
	"iso7": true, "iso8": true, "iso9": true, "mp41": true, "mp42": true, "mp71": true,
	"avc1": true, "hvc1": true, "hev1": true, "av01": true, "dash": true, "msnv": true,
	"M4V ": true, "M4VH": true, "M4VP": true, "f4v ": true, "mmp4": true, "cmfc": true,
}

// Probe reads the file of the given size through r and describes it, or says
// why it is not a whole, well-formed MP4 with a duration its boxes agree on.
// With ErrInconsistentDuration the Info is filled in, its Duration the
// longest figure.
func Probe(r io.ReaderAt, size int64) (Info, error) {
	p := &prober{r: &blockReader{r: r, size: size}, size: size}
	return p.probe()
}

type prober struct {
	r      *blockReader
	size   int64
	visits int
	info   Info
	// what moov says about durations, settled once the whole file is walked
	movieTimescale    uint32
	movieDuration     uint64 // mvhd's; 0: unknown
	fragmentsDuration uint64 // mvex/mehd's; 0: not stated or unknown
	mvex              bool
	tracks            []track
}

// track is what one trak states about its duration; 0 means not stated or
// unknown.
type track struct {
	tkhd           uint64 // in the movie's timescale
	mediaTimescale uint32
	mdhd           uint64 // in mediaTimescale
	samples        uint64 // stts: sum of sample_count × sample_delta, in mediaTimescale
}

// figure is one duration a file states: units at timescale per second.
type figure struct {
	what      string
	units     uint64
	timescale uint32
}

// micros is the figure in microseconds, rounded down (saturating).
func (f figure) micros() uint64 {
	ts := uint64(f.timescale)
	secs, rem := f.units/ts, f.units%ts
	if secs >= math.MaxUint64/1_000_000-1 {
		return math.MaxUint64
	}
	return secs*1_000_000 + rem*1_000_000/ts
}

func (f figure) String() string {
	return fmt.Sprintf("%s %.3f s", f.what, float64(f.micros())/1e6)
}

// header is a box header as found at off.
type header struct {
	typ     [4]byte
	off     int64 // start of the box
	hdrSize int64 // 8, or 16 with a 64-bit size
	size    int64 // whole box; for a top-level size-0 box, to the end of the file
}

func (h header) end() int64         { return h.off + h.size }
func (h header) payloadOff() int64  { return h.off + h.hdrSize }
func (h header) payloadSize() int64 { return h.size - h.hdrSize }
func (h header) name() string       { return printable(h.typ) }

func printable(t [4]byte) string {
	for _, c := range t {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("%q", string(t[:]))
		}
	}
	return string(t[:])
}

func (p *prober) visit() error {
	p.visits++
	if p.visits > MaxBoxes {
		return fmt.Errorf("%w: more than %d boxes", ErrCorrupt, MaxBoxes)
	}
	return nil
}

// readHeader reads the box header at off inside a container ending at limit.
// Top-level boxes may use size 0 ("to the end of the file"); nested ones may not.
func (p *prober) readHeader(off, limit int64, topLevel bool) (header, error) {
	h := header{off: off}
	if limit-off < 8 {
		if topLevel {
			return h, fmt.Errorf("%w: %d stray bytes at %d where a box header should be", ErrTruncated, limit-off, off)
		}
		return h, fmt.Errorf("%w: %d stray bytes at %d inside a box", ErrCorrupt, limit-off, off)
	}
	b, err := p.r.read(off, 8)
	if err != nil {
		return h, err
	}
	copy(h.typ[:], b[4:8])
	size32 := binary.BigEndian.Uint32(b[:4])
	switch {
	case size32 == 1:
		if limit-off < 16 {
			if topLevel {
				return h, fmt.Errorf("%w: box %s at %d lacks its 64-bit size", ErrTruncated, h.name(), off)
			}
			return h, fmt.Errorf("%w: box %s at %d lacks its 64-bit size", ErrCorrupt, h.name(), off)
		}
		b, err := p.r.read(off+8, 8)
		if err != nil {
			return h, err
		}
		large := binary.BigEndian.Uint64(b)
		if large < 16 || large > math.MaxInt64 {
			return h, fmt.Errorf("%w: box %s at %d has 64-bit size %d", ErrCorrupt, h.name(), off, large)
		}
		h.hdrSize, h.size = 16, int64(large)
	case size32 == 0:
		if !topLevel {
			return h, fmt.Errorf("%w: nested box %s at %d has size 0", ErrCorrupt, h.name(), off)
		}
		h.hdrSize, h.size = 8, limit-off
	case size32 < 8:
		return h, fmt.Errorf("%w: box %s at %d has size %d", ErrCorrupt, h.name(), off, size32)
	default:
		h.hdrSize, h.size = 8, int64(size32)
	}
	if h.size > limit-off {
		if topLevel {
			return h, fmt.Errorf("%w: box %s at %d needs %d bytes, the file has %d left", ErrTruncated, h.name(), off, h.size, limit-off)
		}
		return h, fmt.Errorf("%w: box %s at %d overruns its container", ErrCorrupt, h.name(), off)
	}
	return h, nil
}

func (p *prober) probe() (Info, error) {
	if p.size <= 0 {
		return p.info, fmt.Errorf("%w: the file is empty", ErrNotMP4)
	}
	seenMoov, seenMdat := false, false
	for off := int64(0); off < p.size; {
		if err := p.visit(); err != nil {
			return p.info, err
		}
		h, err := p.readHeader(off, p.size, true)
		if err != nil {
			if off == 0 && string(h.typ[:]) != "ftyp" && (errors.Is(err, ErrTruncated) || errors.Is(err, ErrCorrupt)) {
				// Not even one box header: whatever this is, it is not an MP4.
				return p.info, fmt.Errorf("%w: %v", ErrNotMP4, err)
			}
			return p.info, err
		}
		if off == 0 {
			if string(h.typ[:]) != "ftyp" {
				return p.info, fmt.Errorf("%w: first box is %s, not ftyp", ErrNotMP4, h.name())
			}
			if err := p.ftyp(h); err != nil {
				return p.info, err
			}
		}
		p.info.Boxes = append(p.info.Boxes, Box{Type: h.name(), Offset: h.off, Size: h.size})
		switch string(h.typ[:]) {
		case "ftyp":
			if off != 0 {
				return p.info, fmt.Errorf("%w: second ftyp at %d", ErrCorrupt, off)
			}
		case "moov":
			if seenMoov {
				return p.info, fmt.Errorf("%w: second moov at %d", ErrCorrupt, off)
			}
			seenMoov = true
			p.info.MoovOffset, p.info.MoovAtEnd = h.off, seenMdat
			if err := p.moov(h); err != nil {
				return p.info, err
			}
		case "mdat":
			seenMdat = true
		case "moof":
			p.info.Fragmented = true
		}
		off = h.end()
	}
	if !seenMoov {
		return p.info, fmt.Errorf("%w: no movie box (moov)", ErrTruncated)
	}
	return p.info, p.settle()
}

// settle sets the duration to the longest figure the file states and checks
// that the figures agree: each track's tkhd, mdhd and sample table with one
// another, and mvhd with the longest track. Tracks may differ in length (a
// short music track), and a fragmented file's tracks cover only what
// precedes its fragments, so neither is held against the rest.
func (p *prober) settle() error {
	var all []figure
	add := func(f figure) {
		if f.units != 0 && f.timescale != 0 {
			all = append(all, f)
		}
	}
	add(figure{"mvhd", p.movieDuration, p.movieTimescale})
	add(figure{"mvex/mehd", p.fragmentsDuration, p.movieTimescale})
	fragmented := p.info.Fragmented || p.mvex
	var longestTrack figure
	var disagree []string
	for i, t := range p.tracks {
		first := len(all)
		add(figure{fmt.Sprintf("track %d tkhd", i+1), t.tkhd, p.movieTimescale})
		add(figure{fmt.Sprintf("track %d mdhd", i+1), t.mdhd, t.mediaTimescale})
		add(figure{fmt.Sprintf("track %d samples", i+1), t.samples, t.mediaTimescale})
		figs := all[first:]
		if len(figs) == 0 {
			continue
		}
		l := longest(figs)
		if !fragmented && !agree(figs) {
			disagree = append(disagree, fmt.Sprint(figs))
		}
		if longestTrack.timescale == 0 || l.micros() > longestTrack.micros() {
			longestTrack = l
		}
	}
	if len(all) == 0 {
		return fmt.Errorf("%w: neither the movie nor a track states one", ErrNoDuration)
	}
	l := longest(all)
	p.info.Timescale, p.info.Duration = l.timescale, l.units
	if mvhd := all[0]; !fragmented && mvhd.what == "mvhd" && longestTrack.timescale != 0 && !agree([]figure{mvhd, longestTrack}) {
		disagree = append(disagree, fmt.Sprintf("%v against the longest track's %v", mvhd, longestTrack))
	}
	if len(disagree) > 0 {
		return fmt.Errorf("%w: %s", ErrInconsistentDuration, strings.Join(disagree, "; "))
	}
	return nil
}

// longest is the longest figure of a non-empty list (the first of equals).
func longest(figs []figure) figure {
	l := figs[0]
	for _, f := range figs[1:] {
		if f.micros() > l.micros() {
			l = f
		}
	}
	return l
}

// agree reports whether every figure lies within DurationTolerance of the
// longest.
func agree(figs []figure) bool {
	top := longest(figs).micros()
	tol := uint64(DurationTolerance(time.Duration(min(top, math.MaxInt64/1000))*time.Microsecond) / time.Microsecond)
	for _, f := range figs {
		if top-f.micros() > tol {
			return false
		}
	}
	return true
}

func (p *prober) ftyp(h header) error {
	n := h.payloadSize()
	if n < 8 || n%4 != 0 || n > 1024 {
		return fmt.Errorf("%w: ftyp payload of %d bytes", ErrNotMP4, n)
	}
	b, err := p.r.read(h.payloadOff(), int(n))
	if err != nil {
		return err
	}
	p.info.MajorBrand = string(b[:4])
	ok := mp4Brands[p.info.MajorBrand]
	for i := 8; i < len(b); i += 4 {
		brand := string(b[i : i+4])
		p.info.CompatibleBrands = append(p.info.CompatibleBrands, brand)
		ok = ok || mp4Brands[brand]
	}
	if !ok {
		return fmt.Errorf("%w: brands %q %q are not MP4 brands", ErrNotMP4, p.info.MajorBrand, p.info.CompatibleBrands)
	}
	return nil
}

// children calls each for every box directly inside parent.
func (p *prober) children(parent header, each func(header) error) error {
	for off := parent.payloadOff(); off < parent.end(); {
		if err := p.visit(); err != nil {
			return err
		}
		h, err := p.readHeader(off, parent.end(), false)
		if err != nil {
			return err
		}
		if err := each(h); err != nil {
			return err
		}
		off = h.end()
	}
	return nil
}

func (p *prober) moov(moov header) error {
	seenMvhd := false
	err := p.children(moov, func(h header) error {
		switch string(h.typ[:]) {
		case "mvhd":
			if seenMvhd {
				return fmt.Errorf("%w: second mvhd at %d", ErrCorrupt, h.off)
			}
			seenMvhd = true
			return p.mvhd(h)
		case "mvex":
			p.mvex = true
			return p.children(h, func(c header) error {
				if string(c.typ[:]) != "mehd" {
					return nil
				}
				d, err := p.mehd(c)
				p.fragmentsDuration = d
				return err
			})
		case "trak":
			return p.trak(h)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !seenMvhd {
		return fmt.Errorf("%w: moov without mvhd", ErrCorrupt)
	}
	return nil
}

// only calls each for the boxes of the listed types directly inside parent;
// a type found twice makes the file corrupt.
func (p *prober) only(parent header, each func(header) error, types ...string) error {
	seen := make([]bool, len(types))
	return p.children(parent, func(h header) error {
		for i, t := range types {
			if string(h.typ[:]) != t {
				continue
			}
			if seen[i] {
				return fmt.Errorf("%w: second %s in the %s at %d", ErrCorrupt, t, parent.name(), parent.off)
			}
			seen[i] = true
			return each(h)
		}
		return nil
	})
}

// trak reads a track's durations: tkhd, mdia/mdhd and mdia/minf/stbl/stts.
// A box left out leaves its figure unstated.
func (p *prober) trak(trak header) error {
	var t track
	var sttsBox *header
	err := p.only(trak, func(h header) error {
		if string(h.typ[:]) == "tkhd" {
			d, err := p.tkhd(h)
			t.tkhd = d
			return err
		}
		return p.only(h, func(h header) error { // mdia
			if string(h.typ[:]) == "mdhd" {
				ts, d, err := p.mdhd(h)
				t.mediaTimescale, t.mdhd = ts, d
				return err
			}
			return p.only(h, func(h header) error { // minf
				return p.only(h, func(h header) error { // stbl
					sttsBox = &h
					return nil
				}, "stts")
			}, "stbl")
		}, "mdhd", "minf")
	}, "tkhd", "mdia")
	if err != nil {
		return err
	}
	if sttsBox != nil && t.mediaTimescale != 0 {
		if t.samples, err = p.stts(*sttsBox); err != nil {
			return err
		}
	}
	p.tracks = append(p.tracks, t)
	p.info.Tracks++
	return nil
}

// unknown32 and unknown64 are the "duration unknown" values of mvhd and mehd.
const (
	unknown32 = math.MaxUint32
	unknown64 = math.MaxUint64
)

func (p *prober) mvhd(h header) error {
	// version(1) flags(3), then v0: creation(4) modification(4) timescale(4)
	// duration(4); v1: creation(8) modification(8) timescale(4) duration(8);
	// then rate, volume, reserved, matrix, pre_defined, next_track_ID: 80 bytes.
	n := h.payloadSize()
	if n < 4 {
		return fmt.Errorf("%w: mvhd of %d bytes", ErrCorrupt, n)
	}
	b, err := p.r.read(h.payloadOff(), int(min(n, 112)))
	if err != nil {
		return err
	}
	version := b[0]
	p.info.MovieHeaderVersion = version
	switch version {
	case 0:
		if n < 100 {
			return fmt.Errorf("%w: version-0 mvhd of %d bytes, want 100", ErrCorrupt, n)
		}
		p.movieTimescale = binary.BigEndian.Uint32(b[12:16])
		p.movieDuration = known32(b[16:20])
	case 1:
		if n < 112 {
			return fmt.Errorf("%w: version-1 mvhd of %d bytes, want 112", ErrCorrupt, n)
		}
		p.movieTimescale = binary.BigEndian.Uint32(b[20:24])
		p.movieDuration = known64(b[24:32])
	default:
		return fmt.Errorf("%w: mvhd version %d", ErrCorrupt, version)
	}
	if p.movieTimescale == 0 {
		return fmt.Errorf("%w: mvhd timescale 0", ErrCorrupt)
	}
	return nil
}

// known32 and known64 read a duration, 0 when it says "unknown" (all ones).
func known32(b []byte) uint64 {
	if d := binary.BigEndian.Uint32(b); d != unknown32 {
		return uint64(d)
	}
	return 0
}

func known64(b []byte) uint64 {
	if d := binary.BigEndian.Uint64(b); d != unknown64 {
		return d
	}
	return 0
}

// tkhd reads a track header's duration (in the movie's timescale).
func (p *prober) tkhd(h header) (uint64, error) {
	// version(1) flags(3), then v0: creation(4) modification(4) track_ID(4)
	// reserved(4) duration(4); v1: creation(8) modification(8) track_ID(4)
	// reserved(4) duration(8); then 60 bytes (layer... height).
	n := h.payloadSize()
	if n < 4 {
		return 0, fmt.Errorf("%w: tkhd of %d bytes", ErrCorrupt, n)
	}
	b, err := p.r.read(h.payloadOff(), int(min(n, 36)))
	if err != nil {
		return 0, err
	}
	switch b[0] {
	case 0:
		if n < 84 {
			return 0, fmt.Errorf("%w: version-0 tkhd of %d bytes, want 84", ErrCorrupt, n)
		}
		return known32(b[20:24]), nil
	case 1:
		if n < 96 {
			return 0, fmt.Errorf("%w: version-1 tkhd of %d bytes, want 96", ErrCorrupt, n)
		}
		return known64(b[28:36]), nil
	default:
		return 0, fmt.Errorf("%w: tkhd version %d", ErrCorrupt, b[0])
	}
}

// mdhd reads a media header's timescale and duration.
func (p *prober) mdhd(h header) (uint32, uint64, error) {
	// version(1) flags(3), then v0: creation(4) modification(4) timescale(4)
	// duration(4); v1: creation(8) modification(8) timescale(4) duration(8);
	// then language(2) pre_defined(2).
	n := h.payloadSize()
	if n < 4 {
		return 0, 0, fmt.Errorf("%w: mdhd of %d bytes", ErrCorrupt, n)
	}
	b, err := p.r.read(h.payloadOff(), int(min(n, 36)))
	if err != nil {
		return 0, 0, err
	}
	var ts uint32
	var d uint64
	switch b[0] {
	case 0:
		if n < 24 {
			return 0, 0, fmt.Errorf("%w: version-0 mdhd of %d bytes, want 24", ErrCorrupt, n)
		}
		ts, d = binary.BigEndian.Uint32(b[12:16]), known32(b[16:20])
	case 1:
		if n < 36 {
			return 0, 0, fmt.Errorf("%w: version-1 mdhd of %d bytes, want 36", ErrCorrupt, n)
		}
		ts, d = binary.BigEndian.Uint32(b[20:24]), known64(b[24:32])
	default:
		return 0, 0, fmt.Errorf("%w: mdhd version %d", ErrCorrupt, b[0])
	}
	if ts == 0 {
		return 0, 0, fmt.Errorf("%w: mdhd timescale 0", ErrCorrupt)
	}
	return ts, d, nil
}

// MaxSampleTableEntries bounds the time-to-sample entries read from one
// track (8 bytes each: 4 MiB). A constant frame rate needs one entry; a
// phone's variable frame rate at most one a frame: two hours at 60 frames
// a second is 432,000. A larger table is refused as corrupt rather than
// read.
const MaxSampleTableEntries = 1 << 19

// sttsChunk is how much of a sample table is read at once.
const sttsChunk = 1 << 20

// stts sums a time-to-sample table: sample_count × sample_delta over its
// entries, in the media's timescale (saturating).
func (p *prober) stts(h header) (uint64, error) {
	// version(1) flags(3) entry_count(4), then entry_count × (count(4) delta(4)).
	n := h.payloadSize()
	if n < 8 {
		return 0, fmt.Errorf("%w: stts of %d bytes", ErrCorrupt, n)
	}
	b, err := p.r.read(h.payloadOff(), 8)
	if err != nil {
		return 0, err
	}
	entries := int64(binary.BigEndian.Uint32(b[4:8]))
	if entries > MaxSampleTableEntries {
		return 0, fmt.Errorf("%w: stts of %d entries, more than %d", ErrCorrupt, entries, MaxSampleTableEntries)
	}
	if entries*8 > n-8 {
		return 0, fmt.Errorf("%w: stts of %d entries in %d bytes", ErrCorrupt, entries, n)
	}
	var sum uint64
	off := h.payloadOff() + 8
	for left := entries * 8; left > 0; {
		chunk := min(left, sttsChunk)
		b, err := p.r.read(off, int(chunk))
		if err != nil {
			return 0, err
		}
		for i := 0; i < len(b); i += 8 {
			d := uint64(binary.BigEndian.Uint32(b[i:i+4])) * uint64(binary.BigEndian.Uint32(b[i+4:i+8]))
			var carry uint64
			if sum, carry = bits.Add64(sum, d, 0); carry != 0 {
				sum = math.MaxUint64
			}
		}
		off, left = off+chunk, left-chunk
	}
	return sum, nil
}

func (p *prober) mehd(h header) (uint64, error) {
	n := h.payloadSize()
	if n < 8 {
		return 0, fmt.Errorf("%w: mehd of %d bytes", ErrCorrupt, n)
	}
	b, err := p.r.read(h.payloadOff(), int(min(n, 12)))
	if err != nil {
		return 0, err
	}
	switch b[0] {
	case 0:
		return known32(b[4:8]), nil
	case 1:
		if n < 12 {
			return 0, fmt.Errorf("%w: version-1 mehd of %d bytes", ErrCorrupt, n)
		}
		return known64(b[4:12]), nil
	default:
		return 0, fmt.Errorf("%w: mehd version %d", ErrCorrupt, b[0])
	}
}

// blockReader reads through r in blocks and keeps the last block, so the
// neighbouring small reads of a walk cost one read of the underlying object.
type blockReader struct {
	r     io.ReaderAt
	size  int64
	buf   []byte
	start int64
}

// read returns n bytes at off; off+n must lie within the file.
func (b *blockReader) read(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || off+int64(n) > b.size {
		return nil, fmt.Errorf("mp4: read of %d bytes at %d outside a file of %d", n, off, b.size)
	}
	if off >= b.start && off+int64(n) <= b.start+int64(len(b.buf)) {
		return b.buf[off-b.start : off-b.start+int64(n)], nil
	}
	want := max(int64(n), blockSize)
	want = min(want, b.size-off)
	buf := make([]byte, want)
	got, err := b.r.ReadAt(buf, off)
	if got < n {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("mp4: read %d bytes at %d: %w", n, off, err)
	}
	b.buf, b.start = buf[:got], off
	return b.buf[:n], nil
}
