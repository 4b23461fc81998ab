package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hoithi/hoithi/shared/contest"
)

// SettingsChange is what a change of a contest's settings touches: the
// fields that change, and of them those that decided published results
// (tieBreak, prizes, reportThreshold) with the published rounds they decided.
type SettingsChange struct {
	Fields          []string `json:"fields"`
	AffectsResults  []string `json:"affectsResults"`
	PublishedRounds []string `json:"publishedRounds"`
	// Warning says it in Vietnamese, or is "" when no published week is touched.
	Warning string `json:"warning,omitempty"`
}

// CompareSettings compares a contest's settings with new ones, given its
// rounds: published weeks were ranked and given prizes by the old order,
// prizes and threshold, which a republication would change.
func CompareSettings(old, next contest.Contest, rounds []contest.Round) SettingsChange {
	ch := SettingsChange{Fields: []string{}, AffectsResults: []string{}, PublishedRounds: []string{}}
	add := func(field string, changed, results bool) {
		if !changed {
			return
		}
		ch.Fields = append(ch.Fields, field)
		if results {
			ch.AffectsResults = append(ch.AffectsResults, field)
		}
	}
	add("title", old.Title != next.Title, false)
	add("allowedDomains", !slices.Equal(old.AllowedDomains, next.AllowedDomains), false)
	add("allowUnlisted", old.AllowUnlisted != next.AllowUnlisted, false)
	add("keepPlusTags", old.KeepPlusTags != next.KeepPlusTags, false)
	add("codesPerSecond", old.CodesPerSecond != next.CodesPerSecond, false)
	add("codesPerRequesterHour", old.CodesPerRequesterHour != next.CodesPerRequesterHour, false)
	add("openSignUp", !slices.Equal(old.OpenSignUp, next.OpenSignUp), false)
	add("tieBreak", !slices.Equal(old.TieBreak, next.TieBreak), true)
	add("prizes", !slices.Equal(old.Prizes, next.Prizes), true)
	add("reportThreshold", old.ReportThreshold != next.ReportThreshold, true)
	for _, r := range rounds {
		if !r.PublishedAt.IsZero() {
			ch.PublishedRounds = append(ch.PublishedRounds, r.ID)
		}
	}
	if len(ch.AffectsResults) > 0 && len(ch.PublishedRounds) > 0 {
		ch.Warning = fmt.Sprintf("Đã công bố kết quả %d tuần (%s) theo %s cũ: kết quả đã công bố giữ nguyên, nhưng nếu tổng hợp lại các tuần đó thì thứ hạng, giải hoặc danh sách đơn vị cần nhắc sẽ theo thiết lập mới.",
			len(ch.PublishedRounds), strings.Join(ch.PublishedRounds, ", "), strings.Join(ch.AffectsResults, ", "))
	}
	return ch
}
