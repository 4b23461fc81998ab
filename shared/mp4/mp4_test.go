package mp4_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/mp4"
	"github.com/hoithi/hoithi/shared/mp4/mp4test"
)

func probe(data []byte) (mp4.Info, error) {
	return mp4.Probe(bytes.NewReader(data), int64(len(data)))
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

var (
	ftyp = mp4test.FileType("isom", "isom", "mp41")
	mvhd = mp4test.MovieHeader(false, 1000, 299_000)
	moov = mp4test.Box("moov", mvhd)
	mdat = mp4test.Media(64)
)

func TestProbeReadsDurationAndLayout(t *testing.T) {
	tests := []struct {
		name      string
		data      []byte
		millis    int64
		version   uint8
		moovAtEnd bool
		boxes     int
	}{
		{"moov first, version 0", mp4test.Build(mp4test.Spec{Timescale: 1000, Duration: 299_000, MediaBytes: 10}), 299_000, 0, false, 3},
		{"moov last, version 1", mp4test.Build(mp4test.Spec{Timescale: 90_000, Duration: 27_000_000, Version1: true, MoovAtEnd: true}), 300_000, 1, true, 3},
		{"a free box and a uuid box between", cat(ftyp, mp4test.Box("free", make([]byte, 20)), moov, mp4test.Box("uuid", make([]byte, 16)), mdat), 299_000, 0, false, 5},
		{"mdat of size 0 runs to the end of the file", cat(ftyp, moov, []byte{0, 0, 0, 0, 'm', 'd', 'a', 't'}, make([]byte, 100)), 299_000, 0, false, 3},
		{"mdat with a 64-bit size", cat(ftyp, moov, []byte{0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0, 0, 0, 0, 0, 0, 26}, make([]byte, 10)), 299_000, 0, false, 3},
		{"mvhd after other moov children", cat(ftyp, mp4test.Box("moov", mp4test.Box("udta", []byte("hello")), mvhd, mp4test.Box("trak", mp4test.Box("tkhd", make([]byte, 84))))), 299_000, 0, false, 2},
		{"fragmented: duration 0 in mvhd, given in mehd", cat(ftyp,
			mp4test.Box("moov", mp4test.MovieHeader(false, 1000, 0), mp4test.Box("mvex", mp4test.Box("mehd", []byte{0, 0, 0, 0, 0, 0, 0x75, 0x30}))),
			mp4test.Box("moof", make([]byte, 16)), mdat, mp4test.Box("moof", make([]byte, 16)), mdat), 30_000, 0, false, 6},
		{"version-1 mehd", cat(ftyp,
			mp4test.Box("moov", mp4test.MovieHeader(true, 10, 0), mp4test.Box("mvex", mp4test.Box("mehd", []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50}))),
			mp4test.Box("moof", nil), mdat), 5_000, 1, false, 4},
		{"compatible brand only", cat(mp4test.FileType("XXXX", "mp42"), moov, mdat), 299_000, 0, false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := probe(tt.data)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if got := info.Milliseconds(); got != tt.millis {
				t.Errorf("duration %d ms, want %d", got, tt.millis)
			}
			if info.MovieHeaderVersion != tt.version || info.MoovAtEnd != tt.moovAtEnd || len(info.Boxes) != tt.boxes {
				t.Errorf("version %d moovAtEnd %v boxes %v, want %d %v %d", info.MovieHeaderVersion, info.MoovAtEnd, info.Boxes, tt.version, tt.moovAtEnd, tt.boxes)
			}
			var end int64
			for _, b := range info.Boxes {
				if b.Offset != end {
					t.Errorf("box %s at %d, want %d", b.Type, b.Offset, end)
				}
				end += b.Size
			}
			if end != int64(len(tt.data)) {
				t.Errorf("boxes cover %d bytes of %d", end, len(tt.data))
			}
		})
	}
}

func TestProbeClassifiesBadFiles(t *testing.T) {
	full := mp4test.Build(mp4test.Spec{Timescale: 1000, Duration: 299_000, MediaBytes: 64})
	badVersion := mp4test.MovieHeader(false, 1000, 5)
	badVersion[8] = 2
	unknown := mp4test.MovieHeader(false, 1000, 0xffffffff)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"an empty file", nil, mp4.ErrNotMP4},
		{"three bytes", []byte("abc"), mp4.ErrNotMP4},
		{"a PNG", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), make([]byte, 40)...), mp4.ErrNotMP4},
		{"text", []byte("this is not a video, just some text that goes on for a while"), mp4.ErrNotMP4},
		{"mdat first, no ftyp", cat(mdat, moov), mp4.ErrNotMP4},
		{"a QuickTime brand only", cat(mp4test.FileType("qt  ", "qt  "), moov, mdat), mp4.ErrNotMP4},
		{"an ftyp too short for its brands", cat(mp4test.Box("ftyp", []byte("isom")), moov), mp4.ErrNotMP4},
		{"an ftyp cut short", ftyp[:12], mp4.ErrTruncated},
		{"cut in mdat", full[:len(full)-10], mp4.ErrTruncated},
		{"cut in a box header", cat(ftyp, moov, mdat[:5]), mp4.ErrTruncated},
		{"cut in a 64-bit box header", cat(ftyp, moov, []byte{0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0}), mp4.ErrTruncated},
		{"no moov at all", cat(ftyp, mdat), mp4.ErrTruncated},
		{"stray bytes after the last box", cat(full, []byte{1, 2, 3}), mp4.ErrTruncated},
		{"moov cut short", cat(ftyp, mdat, moov[:len(moov)-20]), mp4.ErrTruncated},
		{"a box of size 4", cat(ftyp, []byte{0, 0, 0, 4, 'f', 'r', 'e', 'e'}, moov), mp4.ErrCorrupt},
		{"a 64-bit size of 8", cat(ftyp, []byte{0, 0, 0, 1, 'f', 'r', 'e', 'e', 0, 0, 0, 0, 0, 0, 0, 8}, moov), mp4.ErrCorrupt},
		{"a child overrunning moov", cat(ftyp, mp4test.Box("moov", mvhd[:50]), mdat), mp4.ErrCorrupt},
		{"moov without mvhd", cat(ftyp, mp4test.Box("moov", mp4test.Box("trak", nil)), mdat), mp4.ErrCorrupt},
		{"two moovs", cat(ftyp, moov, moov, mdat), mp4.ErrCorrupt},
		{"two ftyps", cat(ftyp, ftyp, moov), mp4.ErrCorrupt},
		{"an mvhd too short", cat(ftyp, mp4test.Box("moov", mp4test.Box("mvhd", make([]byte, 40))), mdat), mp4.ErrCorrupt},
		{"an mvhd of version 2", cat(ftyp, mp4test.Box("moov", badVersion), mdat), mp4.ErrCorrupt},
		{"timescale 0", cat(ftyp, mp4test.Box("moov", mp4test.MovieHeader(false, 0, 100)), mdat), mp4.ErrCorrupt},
		{"a nested box of size 0", cat(ftyp, mp4test.Box("moov", mvhd, []byte{0, 0, 0, 0, 'u', 'd', 't', 'a'}), mdat), mp4.ErrCorrupt},
		{"duration 0", cat(ftyp, mp4test.Box("moov", mp4test.MovieHeader(false, 1000, 0)), mdat), mp4.ErrNoDuration},
		{"duration unknown", cat(ftyp, mp4test.Box("moov", unknown), mdat), mp4.ErrNoDuration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := probe(tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Probe: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestTooManyBoxesIsCorrupt(t *testing.T) {
	free := mp4test.Box("free", nil)
	data := cat(ftyp, moov, bytes.Repeat(free, mp4.MaxBoxes))
	if _, err := probe(data); !errors.Is(err, mp4.ErrCorrupt) {
		t.Fatalf("Probe of %d boxes: %v, want ErrCorrupt", mp4.MaxBoxes+2, err)
	}
}

func TestAtMostIsExact(t *testing.T) {
	limit := 300*time.Second + 500*time.Millisecond
	tests := []struct {
		timescale uint32
		duration  uint64
		want      bool
	}{
		{1000, 300_500, true},
		{1000, 300_501, false},
		{90_000, 300*90_000 + 45_000, true},
		{90_000, 300*90_000 + 45_001, false},
		{1, 300, true},
		{1, 301, false},
		{3, 901, true},  // 300.33 s
		{3, 902, false}, // 300.67 s
		{0xffffffff, 0xfffffffffffffffe, false},
		{1, 0xfffffffffffffffe, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d units at %d per second", tt.duration, tt.timescale), func(t *testing.T) {
			i := mp4.Info{Timescale: tt.timescale, Duration: tt.duration}
			if got := i.AtMost(limit); got != tt.want {
				t.Errorf("AtMost(%v) = %v, want %v", limit, got, tt.want)
			}
		})
	}
	if got := (mp4.Info{Timescale: 1, Duration: 1 << 62}).Milliseconds(); got <= 0 {
		t.Errorf("Milliseconds of a huge duration = %d, want a large positive number", got)
	}
}

// countingReader counts the reads Probe makes.
type countingReader struct {
	r     io.ReaderAt
	reads int
	bytes int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.reads++
	c.bytes += int64(len(p))
	return c.r.ReadAt(p, off)
}

func TestProbeReadsLittleOfALargeFile(t *testing.T) {
	for _, atEnd := range []bool{false, true} {
		t.Run(fmt.Sprintf("moov at end %v", atEnd), func(t *testing.T) {
			data := mp4test.Build(mp4test.Spec{Timescale: 600, Duration: 600 * 120, MoovAtEnd: atEnd, MediaBytes: 8 << 20})
			r := &countingReader{r: bytes.NewReader(data)}
			if _, err := mp4.Probe(r, int64(len(data))); err != nil {
				t.Fatal(err)
			}
			if r.reads > 4 || r.bytes > 64<<10 {
				t.Errorf("%d reads, %d bytes of a %d-byte file: want at most 4 reads and 64 KiB", r.reads, r.bytes, len(data))
			}
		})
	}
}

// classes are the errors that classify a file.
var classes = []error{mp4.ErrNotMP4, mp4.ErrTruncated, mp4.ErrCorrupt, mp4.ErrNoDuration, mp4.ErrInconsistentDuration}

type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("connection reset") }

func TestReadErrorsAreNotVerdicts(t *testing.T) {
	_, err := mp4.Probe(failingReader{}, 1000)
	for _, class := range classes {
		if errors.Is(err, class) {
			t.Fatalf("a failing reader gave %v: an I/O error must not classify the file", err)
		}
	}
	if err == nil {
		t.Fatal("no error from a failing reader")
	}
}

func TestFixturesAreUpToDate(t *testing.T) {
	for _, f := range mp4test.Fixtures() {
		t.Run(f.Name, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join("testdata", f.Name))
			if err != nil {
				t.Fatalf("%v (run `go run ./testdata/gen.go` in shared/mp4)", err)
			}
			if !bytes.Equal(got, f.Data) {
				t.Fatalf("testdata/%s differs from mp4test.Fixtures (run `go run ./testdata/gen.go` in shared/mp4)", f.Name)
			}
			info, err := probe(got)
			switch f.Class {
			case "ok":
				if err != nil || info.Milliseconds() != f.Millis {
					t.Errorf("Probe: %d ms, %v; want %d ms", info.Milliseconds(), err, f.Millis)
				}
			case "not-mp4":
				if !errors.Is(err, mp4.ErrNotMP4) {
					t.Errorf("Probe: %v, want ErrNotMP4", err)
				}
			case "truncated":
				if !errors.Is(err, mp4.ErrTruncated) {
					t.Errorf("Probe: %v, want ErrTruncated", err)
				}
			case "inconsistent":
				if !errors.Is(err, mp4.ErrInconsistentDuration) || info.Milliseconds() != f.Millis {
					t.Errorf("Probe: %d ms, %v; want ErrInconsistentDuration and the longest figure, %d ms", info.Milliseconds(), err, f.Millis)
				}
			default:
				t.Errorf("unknown class %q", f.Class)
			}
			if f.InCorpus() {
				got, err := os.ReadFile(filepath.Join(mp4test.CorpusDir, f.Name))
				if err != nil || !bytes.Equal(got, mp4test.CorpusFile(f.Data)) {
					t.Errorf("%s/%s is missing or differs (%v): run `go run ./testdata/gen.go` in shared/mp4", mp4test.CorpusDir, f.Name, err)
				}
			}
		})
	}
}

// FuzzReader feeds Probe arbitrary files (seeded with the fixtures): it must
// never panic, classify every bad file with one of its errors, and describe
// every good one consistently.
func FuzzReader(f *testing.F) {
	for _, fx := range mp4test.Fixtures() {
		f.Add(fx.Data)
	}
	f.Add(cat(ftyp, mp4test.Box("moov", mp4test.MovieHeader(false, 1000, 0), mp4test.Box("mvex", mp4test.Box("mehd", []byte{0, 0, 0, 0, 0, 0, 0x75, 0x30}))), mp4test.Box("moof", nil), mdat))
	f.Add(cat(ftyp, moov, []byte{0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0, 0, 0, 0, 0, 0, 26}, make([]byte, 10)))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &countingReader{r: bytes.NewReader(data)}
		info, err := mp4.Probe(r, int64(len(data)))
		if r.reads > 2*mp4.MaxBoxes+8 {
			t.Fatalf("%d reads of a %d-byte file", r.reads, len(data))
		}
		if err != nil {
			classified := 0
			for _, class := range classes {
				if errors.Is(err, class) {
					classified++
				}
			}
			if classified != 1 {
				t.Fatalf("error %v matches %d classes, want exactly 1", err, classified)
			}
			return
		}
		if info.Timescale == 0 || info.Duration == 0 || len(info.Boxes) < 2 || info.Boxes[0].Type != "ftyp" {
			t.Fatalf("accepted file described as %+v", info)
		}
		var end int64
		moovAt := int64(-1)
		for _, b := range info.Boxes {
			if b.Offset != end || b.Size < 8 {
				t.Fatalf("boxes %v do not tile the file", info.Boxes)
			}
			if b.Type == "moov" {
				moovAt = b.Offset
			}
			end += b.Size
		}
		if end != int64(len(data)) || moovAt != info.MoovOffset {
			t.Fatalf("boxes end at %d of %d, moov at %d (info says %d)", end, len(data), moovAt, info.MoovOffset)
		}
		if len(data) >= 8 && binary.BigEndian.Uint32(data[:4]) < 8 && binary.BigEndian.Uint32(data[:4]) > 1 {
			t.Fatalf("accepted a first box of size %d", binary.BigEndian.Uint32(data[:4]))
		}
	})
}

// movie is a non-fragmented file: ftyp, moov (an mvhd in milliseconds and
// the tracks), mdat.
func movie(mvhd []byte, tracks ...[]byte) []byte {
	return cat(ftyp, mp4test.Box("moov", append([][]byte{mvhd}, tracks...)...), mdat)
}

// track is a trak whose tkhd says tkhdMs (movie timescale 1000), whose mdhd
// says mdhdSecs at 90 kHz and whose samples add up to sampleSecs.
func track(version1 bool, tkhdMs uint64, mdhdSecs, sampleSecs float64) []byte {
	const ts = 90_000
	return mp4test.Track(mp4test.TrackHeader(version1, 1, tkhdMs),
		mp4test.MediaHeader(version1, ts, uint64(mdhdSecs*ts)),
		mp4test.TimeToSample(mp4test.Samples(ts, uint64(sampleSecs*ts))...))
}

func ms(version1 bool, d uint64) []byte { return mp4test.MovieHeader(version1, 1000, d) }

func TestDurationsMustAgree(t *testing.T) {
	const unknown32 = 0xffffffff
	// a track stating nothing: tkhd 0, mdhd "unknown", an empty sample table
	silent := mp4test.Track(mp4test.TrackHeader(false, 1, 0), mp4test.MediaHeader(false, 48_000, unknown32), mp4test.TimeToSample())
	// variable frame rate: 9,000 samples alternately 2999 and 3001 units at 90 kHz (300 s), 72 KB of entries
	var vfr [][2]uint32
	for range 4500 {
		vfr = append(vfr, [2]uint32{1, 2999}, [2]uint32{1, 3001})
	}
	vfrTrack := mp4test.Track(mp4test.TrackHeader(false, 1, 300_000), mp4test.MediaHeader(false, 90_000, 300*90_000), mp4test.TimeToSample(vfr...))
	fragmented := func(mehdMs uint32, tr []byte) []byte {
		mehd := binary.BigEndian.AppendUint32([]byte{0, 0, 0, 0}, mehdMs)
		return cat(ftyp, mp4test.Box("moov", ms(false, 0), tr, mp4test.Box("mvex", mp4test.Box("mehd", mehd))),
			mp4test.Box("moof", make([]byte, 16)), mdat, mp4test.Box("moof", make([]byte, 16)), mdat)
	}
	tests := []struct {
		name   string
		data   []byte
		millis int64 // the longest figure
		want   error
	}{
		{"a clip whose every figure says 5:30 is 5:30", movie(ms(false, 330_000), track(false, 330_000, 330, 330)), 330_000, nil},
		{"version-1 boxes throughout are read alike", movie(ms(true, 330_000), track(true, 330_000, 330, 330)), 330_000, nil},
		{"audio priming of 46 ms is no disagreement, and the longest figure counts", movie(ms(false, 300_000), track(false, 300_000, 300.046, 300.046)), 300_046, nil},
		{"a track cut 5 s short of its media in a 5-minute clip is within 2%", movie(ms(false, 300_000), track(false, 300_000, 305, 305)), 305_000, nil},
		{"30 s against 30.9 s is within the one-second floor", movie(ms(false, 30_000), track(false, 30_000, 30.9, 30.9)), 30_900, nil},
		{"unknown track figures (0, all ones, no samples) are left out", movie(ms(false, 120_000), silent), 120_000, nil},
		{"a version-1 tkhd of all ones is unknown", movie(ms(false, 120_000), mp4test.Box("trak", mp4test.TrackHeader(true, 1, 1<<64-1))), 120_000, nil},
		{"tracks may differ in length: a 30 s music track beside 5:00 of video", movie(ms(false, 300_000), track(false, 300_000, 300, 300), track(false, 30_000, 30, 30)), 300_000, nil},
		{"an mvhd of unknown duration takes the tracks'", movie(ms(false, unknown32), track(false, 120_000, 120, 120)), 120_000, nil},
		{"an mvhd of duration 0 takes the tracks'", movie(ms(false, 0), track(false, 120_000, 120, 120)), 120_000, nil},
		{"a variable frame rate's long sample table is summed", movie(ms(false, 300_000), vfrTrack), 300_000, nil},
		{"a fragmented file's tracks describe only what precedes the fragments", fragmented(330_000, track(false, 2_000, 2, 2)), 330_000, nil},
		{"a fragmented file is as long as its longest figure", fragmented(10_000, track(false, 330_000, 330, 330)), 330_000, nil},

		{"an mvhd patched to 10 s against a 5:30 track is refused", movie(ms(false, 10_000), track(false, 330_000, 330, 330)), 330_000, mp4.ErrInconsistentDuration},
		{"a version-1 mvhd patched to 10 s is refused", movie(ms(true, 10_000), track(true, 330_000, 330, 330)), 330_000, mp4.ErrInconsistentDuration},
		{"mvhd and tkhd patched, mdhd and samples at 5:30, is refused", movie(ms(false, 10_000), track(false, 10_000, 330, 330)), 330_000, mp4.ErrInconsistentDuration},
		{"every header patched, the samples at 5:30, is refused", movie(ms(false, 10_000), track(false, 10_000, 10, 330)), 330_000, mp4.ErrInconsistentDuration},
		{"an mdhd patched alone is refused", movie(ms(false, 330_000), track(false, 330_000, 10, 330)), 330_000, mp4.ErrInconsistentDuration},
		{"a second track that disagrees with itself is refused", movie(ms(false, 330_000), track(false, 330_000, 330, 330), track(false, 330_000, 10, 330)), 330_000, mp4.ErrInconsistentDuration},
		{"an mvhd longer than every track is refused", movie(ms(false, 330_000), track(false, 10_000, 10, 10)), 330_000, mp4.ErrInconsistentDuration},
		{"300 s against 307 s is beyond 2%", movie(ms(false, 300_000), track(false, 300_000, 307, 307)), 307_000, mp4.ErrInconsistentDuration},
		{"30 s against 31.5 s is beyond the one-second floor", movie(ms(false, 30_000), track(false, 30_000, 31.5, 31.5)), 31_500, mp4.ErrInconsistentDuration},
		{"a sample table whose sum overflows is refused", movie(ms(false, 300_000), mp4test.Track(mp4test.TrackHeader(false, 1, 300_000), mp4test.MediaHeader(false, 90_000, 300*90_000),
			mp4test.TimeToSample([2]uint32{unknown32, unknown32}, [2]uint32{unknown32, unknown32}, [2]uint32{2, unknown32}))), 0, mp4.ErrInconsistentDuration},

		{"a tkhd too short for its version is corrupt", movie(ms(false, 1000), mp4test.Box("trak", mp4test.Box("tkhd", make([]byte, 40)))), 0, mp4.ErrCorrupt},
		{"a tkhd of version 2 is corrupt", movie(ms(false, 1000), mp4test.Box("trak", mp4test.Box("tkhd", append([]byte{2}, make([]byte, 95)...)))), 0, mp4.ErrCorrupt},
		{"an mdhd of timescale 0 is corrupt", movie(ms(false, 1000), mp4test.Track(mp4test.TrackHeader(false, 1, 1000), mp4test.MediaHeader(false, 0, 1000), mp4test.TimeToSample())), 0, mp4.ErrCorrupt},
		{"an mdhd too short is corrupt", movie(ms(false, 1000), mp4test.Track(mp4test.TrackHeader(false, 1, 1000), mp4test.Box("mdhd", make([]byte, 12)), mp4test.TimeToSample())), 0, mp4.ErrCorrupt},
		{"an stts claiming more entries than it holds is corrupt", movie(ms(false, 1000), mp4test.Track(mp4test.TrackHeader(false, 1, 1000), mp4test.MediaHeader(false, 1000, 1000),
			mp4test.Box("stts", []byte{0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 3, 0xe8}))), 0, mp4.ErrCorrupt},
		{"an stts of more entries than are read is corrupt", movie(ms(false, 1000), mp4test.Track(mp4test.TrackHeader(false, 1, 1000), mp4test.MediaHeader(false, 1000, 1000),
			mp4test.Box("stts", binary.BigEndian.AppendUint32([]byte{0, 0, 0, 0}, mp4.MaxSampleTableEntries+1)))), 0, mp4.ErrCorrupt},
		{"two tkhds in a track are corrupt", movie(ms(false, 1000), mp4test.Box("trak", mp4test.TrackHeader(false, 1, 1000), mp4test.TrackHeader(false, 1, 1000))), 0, mp4.ErrCorrupt},
		{"two sample tables in a track are corrupt", movie(ms(false, 1000), mp4test.Box("trak", mp4test.TrackHeader(false, 1, 1000), mp4test.Box("mdia", mp4test.MediaHeader(false, 1000, 1000),
			mp4test.Box("minf", mp4test.Box("stbl", mp4test.TimeToSample([2]uint32{1, 1000}), mp4test.TimeToSample([2]uint32{1, 1000})))))), 0, mp4.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := probe(tt.data)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Probe: %v, want %v", err, tt.want)
			}
			if tt.millis != 0 && info.Milliseconds() != tt.millis {
				t.Errorf("duration %d ms, want %d (the longest figure)", info.Milliseconds(), tt.millis)
			}
		})
	}
}
