package importer

import (
	"slices"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestCompareSettings(t *testing.T) {
	old := contest.Contest{ID: "hue-2026", Title: "Hội thi", TieBreak: []string{"correct", "prediction", "time", "submitted"}}
	published := []contest.Round{{ID: "tuan-1", PublishedAt: sheetNow}, {ID: "tuan-2"}}
	t.Run("a new tie-break order warns of the published weeks", func(t *testing.T) {
		next := old
		next.TieBreak = []string{"correct", "time", "prediction", "submitted"}
		ch := CompareSettings(old, next, published)
		if !slices.Equal(ch.AffectsResults, []string{"tieBreak"}) || !slices.Equal(ch.PublishedRounds, []string{"tuan-1"}) || !strings.Contains(ch.Warning, "1 tuần (tuan-1)") {
			t.Errorf("change %+v", ch)
		}
	})
	t.Run("a new title warns of nothing", func(t *testing.T) {
		next := old
		next.Title = "Hội thi 2026"
		if ch := CompareSettings(old, next, published); ch.Warning != "" || !slices.Equal(ch.Fields, []string{"title"}) {
			t.Errorf("change %+v", ch)
		}
	})
	t.Run("before any publication nothing is affected", func(t *testing.T) {
		next := old
		next.ReportThreshold = 0.9
		if ch := CompareSettings(old, next, published[1:]); ch.Warning != "" {
			t.Errorf("change %+v", ch)
		}
	})
	t.Run("the settings' own check names the field", func(t *testing.T) {
		_, problems := CheckContest(contest.Contest{ID: "hue-2026", Title: "X", ReportThreshold: 80})
		if len(problems) != 1 || problems[0].Column != "reportThreshold" || !strings.HasPrefix(problems[0].Message(), "Cột reportThreshold: 80 không phải tỷ lệ") {
			t.Errorf("problems %+v", problems)
		}
	})
	t.Run("the default schedule written out is no change; a new slot or origin is", func(t *testing.T) {
		next := old
		def := contest.ScheduleLimits.Default
		next.Schedule = &def
		if ch := CompareSettings(old, next, published); len(ch.Fields) != 0 {
			t.Errorf("change %+v", ch)
		}
		sched := contest.Schedule{Reminders: []contest.ReminderSlot{{Name: "nhac", Weekday: 5, Time: "07:30", Audience: contest.RemindEveryone}}}
		next.Schedule, next.Origins = &sched, []string{"https://thi.hue.gov.vn"}
		if ch := CompareSettings(old, next, published); !slices.Equal(ch.Fields, []string{"schedule", "origins"}) || ch.Warning != "" {
			t.Errorf("change %+v", ch)
		}
	})
	t.Run("the schedule's and origins' problems are named by their fields", func(t *testing.T) {
		_, problems := CheckContest(contest.Contest{ID: "hue-2026", Title: "X", Schedule: &contest.Schedule{TallyAfterMinutes: 1}, Origins: []string{"ftp://x.vn"}})
		var cols []string
		for _, p := range problems {
			cols = append(cols, p.Column)
		}
		if !slices.Equal(cols, []string{"schedule.tallyAfterMinutes", "origins[0]"}) {
			t.Errorf("problems at %v", cols)
		}
	})
	t.Run("a practice setting the contest does not know is named", func(t *testing.T) {
		_, problems := CheckContest(contest.Contest{ID: "hue-2026", Title: "X", Practice: "sometimes"})
		if len(problems) != 1 || problems[0].Column != "practice" {
			t.Errorf("problems %+v", problems)
		}
	})
	t.Run("a practice setting is read whatever its case and spaces", func(t *testing.T) {
		c, problems := CheckContest(contest.Contest{ID: "hue-2026", Title: "X", Practice: " Everyone "})
		if len(problems) != 0 || c.Practice != contest.PracticeEveryone {
			t.Errorf("practice %q, problems %+v", c.Practice, problems)
		}
	})
	t.Run("opening practice and public keys are changes that warn of nothing", func(t *testing.T) {
		next := old
		next.Practice, next.PublicKeysAfterClose = contest.PracticeEveryone, true
		if ch := CompareSettings(old, next, published); ch.Warning != "" || !slices.Equal(ch.Fields, []string{"publicKeysAfterClose", "practice"}) {
			t.Errorf("change %+v", ch)
		}
	})
}

func TestCheckRoles(t *testing.T) {
	cur := current()
	an := cur.Members[1]
	tests := []struct {
		name  string
		who   contest.Member
		found bool
		ch    RolesChange
		want  string // the first problem's message, "" for none
		roles []contest.Role
	}{
		{"a participant becomes their unit's admin", an, true, RolesChange{Roles: []string{"participant", "unitAdmin"}, UnitID: "so-noi-vu"}, "", []contest.Role{contest.RoleParticipant, contest.RoleUnitAdmin}},
		{"roles may be written in Vietnamese", an, true, RolesChange{Roles: []string{"Ban Tổ chức", "Thí sinh"}, UnitID: "so-noi-vu"}, "", []contest.Role{contest.RoleOrganiser, contest.RoleParticipant}},
		{"a unit admin needs a unit", an, true, RolesChange{Roles: []string{"unitAdmin"}}, "Cột unitId: quản trị đơn vị và cán bộ dự thi phải thuộc một đơn vị", nil},
		{"a unit must exist", an, true, RolesChange{Roles: []string{"jury"}, UnitID: "so-y-te"}, `Cột unitId: đơn vị "so-y-te" không có trong danh sách đơn vị`, nil},
		{"an unknown role is refused", an, true, RolesChange{Roles: []string{"admin"}}, `Cột roles: vai trò "admin" không rõ: participant, unitAdmin, organiser hoặc jury`, nil},
		{"a juror from outside the roster is added with a name", contest.Member{Email: "gk@hue.gov.vn"}, false, RolesChange{Roles: []string{"jury"}, Name: "Giám khảo"}, "", []contest.Role{contest.RoleJury}},
		{"a newcomer needs a name", contest.Member{Email: "gk@hue.gov.vn"}, false, RolesChange{Roles: []string{"jury"}}, "Cột name: người này chưa có trong danh sách dự thi: ghi họ và tên để thêm", nil},
		{"a citizen gets no role", contest.Member{Email: "dan@gmail.com", Audience: contest.AudienceCitizen}, true, RolesChange{Roles: []string{"jury"}}, "Cột roles: người dân chỉ có thể là thí sinh; Ban Tổ chức, giám khảo và quản trị đơn vị là cán bộ", nil},
		{"an organiser keeps their own role", cur.Members[0], true, RolesChange{Roles: []string{"jury"}}, "Cột roles: bạn không tự bỏ vai trò Ban Tổ chức của mình được: nhờ một thành viên Ban Tổ chức khác", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := CheckRoles(cur, tt.who, tt.found, tt.ch)
			if tt.want == "" {
				if len(problems) > 0 || !slices.Equal(got.Roles, tt.roles) {
					t.Errorf("problems %q, roles %v; want %v", messages(problems), got.Roles, tt.roles)
				}
				return
			}
			if len(problems) == 0 || problems[0].Message() != tt.want {
				t.Errorf("problems %q, want %q", messages(problems), tt.want)
			}
		})
	}
}
