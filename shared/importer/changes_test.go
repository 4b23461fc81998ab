package importer

import (
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestRosterChangesTellMovesFromOtherChanges(t *testing.T) {
	person := func(email, unit string, roles ...contest.Role) contest.Member {
		if len(roles) == 0 {
			roles = []contest.Role{contest.RoleParticipant}
		}
		return contest.Member{Email: email, Name: "Tên " + email, UnitID: unit, Audience: contest.AudienceStaff, Roles: roles}
	}
	tests := []struct {
		name      string
		old, now  []contest.Member
		want      string
		wantMoves int
	}{
		{"a newcomer is added and a leaver removed",
			[]contest.Member{person("a@x.vn", "so-noi-vu")}, []contest.Member{person("b@x.vn", "so-noi-vu")},
			"+1 người, −1 người, 0 chuyển đơn vị, 0 thay đổi thông tin", 0},
		{"someone going from one unit to another moves",
			[]contest.Member{person("a@x.vn", "so-noi-vu")}, []contest.Member{person("a@x.vn", "so-tu-phap")},
			"+0 người, −0 người, 1 chuyển đơn vị, 0 thay đổi thông tin", 1},
		{"a board member without a unit who is given one is changed, not moved",
			[]contest.Member{person("btc@x.vn", "", contest.RoleOrganiser)}, []contest.Member{person("btc@x.vn", "so-noi-vu", contest.RoleOrganiser)},
			"+0 người, −0 người, 0 chuyển đơn vị, 1 thay đổi thông tin", 0},
		{"someone whose unit is taken away is changed, not moved",
			[]contest.Member{person("a@x.vn", "so-noi-vu")}, []contest.Member{person("a@x.vn", "")},
			"+0 người, −0 người, 0 chuyển đơn vị, 1 thay đổi thông tin", 0},
		{"a new name is a change",
			[]contest.Member{person("a@x.vn", "so-noi-vu")}, []contest.Member{{Email: "a@x.vn", Name: "Tên mới", UnitID: "so-noi-vu", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}},
			"+0 người, −0 người, 0 chuyển đơn vị, 1 thay đổi thông tin", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := rosterChanges(tt.old, tt.now)
			if c.Text != tt.want || len(c.MovedList) != tt.wantMoves {
				t.Errorf("changes %q with %d moves, want %q with %d", c.Text, len(c.MovedList), tt.want, tt.wantMoves)
			}
		})
	}
}
