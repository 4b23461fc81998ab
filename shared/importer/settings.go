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
	add("mailFrom", old.MailFrom != next.MailFrom, false)
	add("mailPerSecond", old.MailPerSecond != next.MailPerSecond, false)
	add("openSignUp", !slices.Equal(old.OpenSignUp, next.OpenSignUp), false)
	add("publicKeysAfterClose", old.PublicKeysAfterClose != next.PublicKeysAfterClose, false)
	add("practice", old.PracticeMode() != next.PracticeMode(), false)
	add("tieBreak", !slices.Equal(old.TieBreak, next.TieBreak), true)
	add("prizes", !slices.Equal(old.Prizes, next.Prizes), true)
	add("reportThreshold", old.ReportThreshold != next.ReportThreshold, true)
	oldSched, nextSched := old.EffectiveSchedule(), next.EffectiveSchedule()
	add("schedule", oldSched.TimeZone != nextSched.TimeZone || oldSched.TallyAfterMinutes != nextSched.TallyAfterMinutes ||
		!slices.Equal(oldSched.Reminders, nextSched.Reminders), false)
	add("origins", !slices.Equal(old.Origins, next.Origins), false)
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

// RolesChange is a person's roles (and unit) as an organiser sets them.
type RolesChange struct {
	Roles  []string `json:"roles"`
	UnitID string   `json:"unitId"`
	// Name is needed only for a person not on the roster yet (a juror from
	// outside, say), who is added as staff.
	Name string `json:"name,omitempty"`
}

// CheckRoles applies a roles change to person m (found false: not on the
// roster) of contest cur: the roles must be known, a unit admin needs a unit
// of the contest, citizens have no role but participant, and the organiser
// making the change keeps their own organiser role. Organisers who also take
// part (their support staff) may take papers but never compete
// (contest.MayCompete). Problems name the field in Column.
func CheckRoles(cur Current, m contest.Member, found bool, ch RolesChange) (contest.Member, []Problem) {
	var rep report
	bad := func(field, format string, args ...any) { rep.problemAt("roles", 0, field, "", format, args...) }
	if !found {
		m = contest.Member{Email: m.Email, Audience: contest.AudienceStaff}
		if m.Name = strings.TrimSpace(ch.Name); m.Name == "" {
			bad("name", "người này chưa có trong danh sách dự thi: ghi họ và tên để thêm")
		}
	}
	var roles []contest.Role
	for _, s := range ch.Roles {
		r, ok := roleWords[strings.ToLower(slug(s))]
		if !ok {
			bad("roles", "vai trò %q không rõ: %s, %s, %s hoặc %s", s, contest.RoleParticipant, contest.RoleUnitAdmin, contest.RoleOrganiser, contest.RoleJury)
			continue
		}
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	if len(roles) == 0 && len(rep.problems) == 0 {
		bad("roles", "cần ít nhất một vai trò")
	}
	unit := strings.TrimSpace(ch.UnitID)
	if unit != "" && !slices.ContainsFunc(cur.Units, func(u contest.Unit) bool { return u.ID == unit }) {
		bad("unitId", "đơn vị %q không có trong danh sách đơn vị", unit)
	}
	next := m
	next.Roles, next.UnitID = roles, unit
	switch {
	case m.Audience == contest.AudienceCitizen && !slices.Equal(roles, []contest.Role{contest.RoleParticipant}):
		bad("roles", "người dân chỉ có thể là thí sinh; Ban Tổ chức, giám khảo và quản trị đơn vị là cán bộ")
	case m.Audience == contest.AudienceCitizen:
		next.UnitID = ""
	case unit == "" && (next.Has(contest.RoleUnitAdmin) || contest.MayCompete(roles)):
		bad("unitId", "quản trị đơn vị và cán bộ dự thi phải thuộc một đơn vị")
	}
	if m.Email == cur.Actor && m.Has(contest.RoleOrganiser) && !next.Has(contest.RoleOrganiser) {
		bad("roles", "bạn không tự bỏ vai trò Ban Tổ chức của mình được: nhờ một thành viên Ban Tổ chức khác")
	}
	return next, rep.problems
}
