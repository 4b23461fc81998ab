package importer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/importer"
)

func TestCompareRoles(t *testing.T) {
	units := []contest.Unit{{ID: "so-noi-vu", Name: "Sở Nội vụ"}, {ID: "so-tu-phap", Name: "Sở Tư pháp"}}
	an := func(unit string, roles ...contest.Role) contest.Member {
		return contest.Member{Email: "an@hue.gov.vn", Name: "Nguyễn Văn An", UnitID: unit, Roles: roles}
	}
	P, A, O, J := contest.RoleParticipant, contest.RoleUnitAdmin, contest.RoleOrganiser, contest.RoleJury
	tests := []struct {
		name         string
		old, next    contest.Member
		found        bool
		gained, lost []contest.Role
		changed      bool
		text         []string
	}{
		{"a participant made the unit's admin gains that role", an("so-noi-vu", P), an("so-noi-vu", P, A), true, []contest.Role{A}, nil, true,
			[]string{"Nguyễn Văn An (an@hue.gov.vn): nhận Quản trị đơn vị"}},
		{"a juror who leaves the jury loses that role", an("so-noi-vu", P, J), an("so-noi-vu", P), true, nil, []contest.Role{J}, true,
			[]string{"thôi Giám khảo"}},
		{"a move between units says both", an("so-noi-vu", P), an("so-tu-phap", P), true, nil, nil, true,
			[]string{"đơn vị Sở Nội vụ → Sở Tư pháp"}},
		{"a participant made an organiser is told they no longer compete", an("so-noi-vu", P), an("so-noi-vu", P, O), true, []contest.Role{O}, nil, true,
			[]string{"nhận Ban Tổ chức", "không xét giải"}},
		{"someone not on the roster is added", contest.Member{Email: "an@hue.gov.vn"}, an("", J), false, []contest.Role{J}, nil, true,
			[]string{"thêm vào danh sách dự thi", "nhận Giám khảo"}},
		{"the same roles change nothing", an("so-noi-vu", P, A), an("so-noi-vu", A, P), true, nil, nil, false,
			[]string{"không thay đổi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := importer.CompareRoles(tt.old, tt.found, tt.next, units)
			if !slices.Equal(got.Gained, append([]contest.Role{}, tt.gained...)) || !slices.Equal(got.Lost, append([]contest.Role{}, tt.lost...)) || got.Changed != tt.changed {
				t.Errorf("change %+v", got)
			}
			for _, want := range tt.text {
				if !strings.Contains(got.Text, want) {
					t.Errorf("text %q lacks %q", got.Text, want)
				}
			}
		})
	}
}
