package clip

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
)

// Clip ids are "<unit>.<16 hex digits>": the unit is readable from the id,
// so a clip is addressed (and its unit checked) without a lookup.

// NewID mints a clip id for a unit.
func NewID(unit string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return unit + "." + hex.EncodeToString(b[:])
}

// UnitOf returns the unit of a well-formed clip id.
func UnitOf(id string) (string, bool) {
	unit, suffix, ok := strings.Cut(id, ".")
	if !ok || !contest.ValidID(unit) || len(suffix) != 16 {
		return "", false
	}
	for i := 0; i < len(suffix); i++ {
		if c := suffix[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", false
		}
	}
	return unit, true
}

// ObjectKey is where a clip's upload goes: under the contest and the unit.
func ObjectKey(contestID, unitID, clipID string) string {
	return platform.PrefixClips + contestID + "/" + unitID + "/" + clipID + ".mp4"
}

// ParseObjectKey reads an object key back into contest, unit and clip id.
func ParseObjectKey(key string) (contestID, unitID, clipID string, ok bool) {
	rest, found := strings.CutPrefix(key, platform.PrefixClips)
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || !contest.ValidID(parts[0]) {
		return "", "", "", false
	}
	id, found := strings.CutSuffix(parts[2], ".mp4")
	unit, valid := UnitOf(id)
	if !found || !valid || unit != parts[1] {
		return "", "", "", false
	}
	return parts[0], unit, id, true
}

// RankingPrefix is where the published clip ranking goes, beside the weekly
// results the site serves.
func RankingPrefix(contestID string) string {
	return platform.PrefixResults + contestID + "/clips/"
}
