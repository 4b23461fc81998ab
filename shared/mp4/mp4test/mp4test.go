// Package mp4test writes synthetic MP4 files for tests: the boxes a real file
// has at the top level (ftyp, moov with an mvhd, mdat), with any duration,
// timescale, mvhd version and moov placement, and no real media. They are
// what shared/mp4 reads, so they stand in for video in tests and fixtures.
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
	// Timescale (units per second) and Duration (in those units) of mvhd.
	Timescale uint32
	Duration  uint64
	// Version1 writes a version-1 mvhd (64-bit times).
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
	moov := Box("moov", MovieHeader(s.Version1, s.Timescale, s.Duration))
	mdat := Media(s.MediaBytes)
	out := append([]byte{}, ftyp...)
	if s.MoovAtEnd {
		return append(append(out, mdat...), moov...)
	}
	return append(append(out, moov...), mdat...)
}
