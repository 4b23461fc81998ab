// Package mp4test writes synthetic MP4 files for tests: the boxes a real file
// has at the top level (ftyp, moov, mdat) and, inside moov, the ones that
// state its duration (mvhd, and a track's tkhd, mdhd and stts), with any
// duration, timescales, box versions and moov placement, and no real media.
// They are what shared/mp4 reads, so they stand in for video in tests and
// fixtures.
package mp4test

import (
	"encoding/binary"
	"fmt"
)

// Spec describes a synthetic file.
type Spec struct {
	// Brand is the ftyp major brand (default "isom"); Compatible its
	// compatible brands (default isom, iso2, avc1, mp41).
	Brand      string
	Compatible []string
	// Timescale (units per second) and Duration (in those units) of mvhd;
	// the track lasts as long (its tkhd, mdhd and sample table agree).
	Timescale uint32
	Duration  uint64
	// MediaTimescale is the track's own timescale (mdhd; default Timescale).
	// The media's duration is Duration converted to it, rounded down.
	MediaTimescale uint32
	// HeaderDuration, when not 0, is what mvhd says instead of Duration: a
	// file whose movie header was patched to claim another length.
	HeaderDuration uint64
	// NoTrack leaves the track out: moov holds mvhd only.
	NoTrack bool
	// Version1 writes version-1 mvhd, tkhd and mdhd boxes (64-bit times).
	Version1 bool
	// MoovAtEnd puts moov after mdat, as a camera or an unprepared export does.
	MoovAtEnd bool
	// MediaBytes is the size of mdat's payload (a repeating pattern).
	MediaBytes int
}

// Box returns a box of the given four-character type around the payload
// parts (32-bit size: test files stay small).
func Box(typ string, payload ...[]byte) []byte {
	if len(typ) != 4 {
		panic(fmt.Sprintf("mp4test: box type %q is not four characters", typ))
	}
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	out := make([]byte, 0, n)
	out = binary.BigEndian.AppendUint32(out, uint32(n))
	out = append(out, typ...)
	for _, p := range payload {
		out = append(out, p...)
	}
	return out
}

// FileType is an ftyp box.
func FileType(major string, compatible ...string) []byte {
	p := append([]byte(major), 0, 0, 2, 0) // minor version 512
	for _, c := range compatible {
		p = append(p, c...)
	}
	return Box("ftyp", p)
}

// MovieHeader is an mvhd box (ISO/IEC 14496-12 §8.2.2) with the full set of
// fields: 100 bytes of payload in version 0, 112 in version 1.
func MovieHeader(version1 bool, timescale uint32, duration uint64) []byte {
	const created = 3786825600 // 2024-01-01 in seconds since 1904
	var p []byte
	if version1 {
		p = append(p, 1, 0, 0, 0)
		p = binary.BigEndian.AppendUint64(p, created)
		p = binary.BigEndian.AppendUint64(p, created)
		p = binary.BigEndian.AppendUint32(p, timescale)
		p = binary.BigEndian.AppendUint64(p, duration)
	} else {
		p = append(p, 0, 0, 0, 0)
		p = binary.BigEndian.AppendUint32(p, created)
		p = binary.BigEndian.AppendUint32(p, created)
		p = binary.BigEndian.AppendUint32(p, timescale)
		p = binary.BigEndian.AppendUint32(p, uint32(duration))
	}
	p = binary.BigEndian.AppendUint32(p, 0x00010000) // rate 1.0
	p = binary.BigEndian.AppendUint16(p, 0x0100)     // volume 1.0
	p = append(p, make([]byte, 10)...)               // reserved
	for _, m := range []uint32{0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000} {
		p = binary.BigEndian.AppendUint32(p, m) // unity matrix
	}
	p = append(p, make([]byte, 24)...)      // pre_defined
	p = binary.BigEndian.AppendUint32(p, 2) // next_track_ID
	return Box("mvhd", p)
}

// fullBoxTimes appends a full box's version and flags and its creation and
// modification times (32 or 64 bits).
func fullBoxTimes(version1 bool) []byte {
	const created = 3786825600 // 2024-01-01 in seconds since 1904
	if version1 {
		p := []byte{1, 0, 0, 0}
		p = binary.BigEndian.AppendUint64(p, created)
		return binary.BigEndian.AppendUint64(p, created)
	}
	p := []byte{0, 0, 0, 0}
	p = binary.BigEndian.AppendUint32(p, created)
	return binary.BigEndian.AppendUint32(p, created)
}

// appendDuration appends a duration of 32 or 64 bits.
func appendDuration(p []byte, version1 bool, d uint64) []byte {
	if version1 {
		return binary.BigEndian.AppendUint64(p, d)
	}
	return binary.BigEndian.AppendUint32(p, uint32(d))
}

// TrackHeader is a tkhd box (ISO/IEC 14496-12 §8.3.2) of a visible track:
// its duration is in the movie's timescale. 84 bytes of payload in version
// 0, 96 in version 1.
func TrackHeader(version1 bool, trackID uint32, duration uint64) []byte {
	p := fullBoxTimes(version1)
	p[3] = 3 // flags: enabled, in movie
	p = binary.BigEndian.AppendUint32(p, trackID)
	p = append(p, 0, 0, 0, 0) // reserved
	p = appendDuration(p, version1, duration)
	p = append(p, make([]byte, 8)...) // reserved
	p = append(p, 0, 0, 0, 0)         // layer, alternate_group
	p = append(p, 0, 0, 0, 0)         // volume, reserved
	for _, m := range []uint32{0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000} {
		p = binary.BigEndian.AppendUint32(p, m) // unity matrix
	}
	p = binary.BigEndian.AppendUint32(p, 1280<<16) // width
	p = binary.BigEndian.AppendUint32(p, 720<<16)  // height
	return Box("tkhd", p)
}

// MediaHeader is an mdhd box (§8.4.2): the track's own timescale and its
// media's duration in it. 24 bytes of payload in version 0, 36 in version 1.
func MediaHeader(version1 bool, timescale uint32, duration uint64) []byte {
	p := fullBoxTimes(version1)
	p = binary.BigEndian.AppendUint32(p, timescale)
	p = appendDuration(p, version1, duration)
	p = append(p, 0x55, 0xc4, 0, 0) // language "und", pre_defined
	return Box("mdhd", p)
}

// TimeToSample is an stts box (§8.6.1.2) of (sample_count, sample_delta)
// entries.
func TimeToSample(entries ...[2]uint32) []byte {
	p := []byte{0, 0, 0, 0}
	p = binary.BigEndian.AppendUint32(p, uint32(len(entries)))
	for _, e := range entries {
		p = binary.BigEndian.AppendUint32(p, e[0])
		p = binary.BigEndian.AppendUint32(p, e[1])
	}
	return Box("stts", p)
}

// Samples are stts entries of 25 samples a second (or of one unit, for a
// timescale under 25) that add up to total units exactly.
func Samples(timescale uint32, total uint64) [][2]uint32 {
	delta := uint64(max(1, timescale/25))
	var out [][2]uint32
	for n := total / delta; n > 0; {
		c := min(n, 0xffffffff)
		out = append(out, [2]uint32{uint32(c), uint32(delta)})
		n -= c
	}
	if r := total % delta; r > 0 {
		out = append(out, [2]uint32{1, uint32(r)})
	}
	return out
}

// Track is a trak box holding tkhd and mdia, with mdhd and minf/stbl/stts
// inside it (the sample table's other boxes are left out).
func Track(tkhd, mdhd, stts []byte) []byte {
	return Box("trak", tkhd, Box("mdia", mdhd, Box("minf", Box("stbl", stts))))
}

// Media is an mdat box with n bytes of a repeating pattern.
func Media(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i % 251)
	}
	return Box("mdat", p)
}

// Build writes the file s describes: ftyp, then moov and mdat in the order
// asked for.
func Build(s Spec) []byte {
	brand := s.Brand
	if brand == "" {
		brand = "isom"
	}
	compatible := s.Compatible
	if compatible == nil {
		compatible = []string{"isom", "iso2", "avc1", "mp41"}
	}
	ftyp := FileType(brand, compatible...)
	header := s.Duration
	if s.HeaderDuration != 0 {
		header = s.HeaderDuration
	}
	children := [][]byte{MovieHeader(s.Version1, s.Timescale, header)}
	if !s.NoTrack {
		mts, media := s.MediaTimescale, s.Duration
		if mts == 0 {
			mts = s.Timescale
		}
		if mts != s.Timescale && s.Timescale != 0 {
			ts := uint64(s.Timescale)
			media = s.Duration/ts*uint64(mts) + s.Duration%ts*uint64(mts)/ts
		}
		children = append(children, Track(TrackHeader(s.Version1, 1, s.Duration), MediaHeader(s.Version1, mts, media),
			TimeToSample(Samples(mts, media)...)))
	}
	moov := Box("moov", children...)
	mdat := Media(s.MediaBytes)
	out := append([]byte{}, ftyp...)
	if s.MoovAtEnd {
		return append(append(out, mdat...), moov...)
	}
	return append(append(out, moov...), mdat...)
}
