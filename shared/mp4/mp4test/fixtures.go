package mp4test

import "strconv"

// Fixture is one of the small files committed under shared/mp4/testdata:
// clips just under and just over five minutes with moov first and last, a
// file that is not an MP4, uploads cut short, and a clip whose movie header
// was edited to claim a shorter length than its track plays.
type Fixture struct {
	Name string
	Data []byte
	// Millis is the movie duration in milliseconds (0 when there is none).
	Millis int64
	// Class names what shared/mp4.Probe finds: "ok", "not-mp4",
	// "truncated" or "inconsistent" (its durations disagree).
	Class string
}

// CorpusDir is where the fixtures that are also FuzzReader's corpus entries
// are written (relative to shared/mp4), as CorpusFile encodes them.
const CorpusDir = "testdata/fuzz/FuzzReader"

// InCorpus reports whether the fixture is also kept in CorpusDir, beside the
// seeds FuzzReader adds from Fixtures: the files of a class added after the
// target was written, so `go test -fuzz` starts from them too.
func (f Fixture) InCorpus() bool { return f.Class == "inconsistent" }

// CorpusFile is data as a Go fuzzing corpus file of one []byte value.
func CorpusFile(data []byte) []byte {
	return []byte("go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n")
}

// Fixtures returns every committed fixture, built from scratch (the files
// under testdata are these bytes: TestFixturesAreUpToDate checks it, and
// `go run ./testdata/gen.go` in shared/mp4 rewrites them).
func Fixtures() []Fixture {
	under1 := Build(Spec{Timescale: 1000, Duration: 299_000, MediaBytes: 256})
	under2 := Build(Spec{Timescale: 90_000, Duration: 299 * 90_000, Version1: true, MoovAtEnd: true, MediaBytes: 256})
	// Over five minutes at a very low "frame rate": one unit per second.
	over1 := Build(Spec{Timescale: 600, Duration: 301 * 600, MediaBytes: 256})
	over2 := Build(Spec{Timescale: 1, Duration: 301, Version1: true, MoovAtEnd: true, MediaBytes: 256})
	// A WebM (EBML) header: a video, but not an MP4.
	webm := append([]byte{0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04,
		0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84}, "webm"...)
	webm = append(webm, Media(200)...)
	// A 5:30 clip whose mvhd was patched to say 10 s: its track's tkhd,
	// mdhd (90 kHz) and sample table still say 5:30, and players play 5:30.
	patched := Build(Spec{Timescale: 1000, Duration: 330_000, MediaTimescale: 90_000, HeaderDuration: 10_000, MediaBytes: 256})
	return []Fixture{
		{Name: "moov-first-4m59.mp4", Data: under1, Millis: 299_000, Class: "ok"},
		{Name: "moov-last-4m59.mp4", Data: under2, Millis: 299_000, Class: "ok"},
		{Name: "moov-first-5m01.mp4", Data: over1, Millis: 301_000, Class: "ok"},
		{Name: "moov-last-5m01.mp4", Data: over2, Millis: 301_000, Class: "ok"},
		{Name: "not-mp4.webm", Data: webm, Class: "not-mp4"},
		// An upload cut off in the middle of the media data (moov first).
		{Name: "truncated-in-mdat.mp4", Data: under1[:len(under1)-150], Class: "truncated"},
		// A camera file cut off while its movie box (last) was being written.
		{Name: "truncated-in-moov.mp4", Data: under2[:len(under2)-60], Class: "truncated"},
		{Name: "patched-mvhd-5m30.mp4", Data: patched, Millis: 330_000, Class: "inconsistent"},
	}
}
