package contest

import "testing"

func TestAccess(t *testing.T) {
	organiser := Actor{Roles: []Role{RoleOrganiser}}
	admin := Actor{Roles: []Role{RoleParticipant, RoleUnitAdmin}, UnitID: "phu-hoi"}
	adminNoUnit := Actor{Roles: []Role{RoleUnitAdmin}}
	jury := Actor{Roles: []Role{RoleJury}}
	participant := Actor{Roles: []Role{RoleParticipant}, UnitID: "phu-hoi"}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"an organiser may tally", organiser.MayTally(), true},
		{"a unit admin may not tally", admin.MayTally(), false},
		{"an organiser may see any unit", organiser.MaySeeUnit("kim-long"), true},
		{"a unit admin may see the own unit", admin.MaySeeUnit("phu-hoi"), true},
		{"a unit admin may not see another unit", admin.MaySeeUnit("kim-long"), false},
		{"a participant may not see the own unit", participant.MaySeeUnit("phu-hoi"), false},
		{"a unit admin with no unit sees no unit", adminNoUnit.MaySeeUnit(""), false},
		{"a unit admin may upload a clip", admin.MayUploadClip(), true},
		{"a unit admin with no unit may not upload", adminNoUnit.MayUploadClip(), false},
		{"an organiser may not upload a clip", organiser.MayUploadClip(), false},
		{"an organiser may manage any unit's clips", organiser.MayManageClips("kim-long"), true},
		{"a unit admin may manage the own unit's clips", admin.MayManageClips("phu-hoi"), true},
		{"a unit admin may not manage another unit's clips", admin.MayManageClips("kim-long"), false},
		{"a juror may not manage clips", jury.MayManageClips("phu-hoi"), false},
		{"a juror may score a clip", jury.MayScoreClip(), true},
		{"an organiser may not score a clip", organiser.MayScoreClip(), false},
		{"a juror may see the clip ranking", jury.MaySeeClipRanking(), true},
		{"an organiser may see the clip ranking", organiser.MaySeeClipRanking(), true},
		{"a unit admin may not see the clip ranking", admin.MaySeeClipRanking(), false},
		{"an organiser may publish the clip ranking", organiser.MayPublishClipRanking(), true},
		{"a juror may not publish the clip ranking", jury.MayPublishClipRanking(), false},
		{"an organiser may follow the jury's progress", organiser.MayFollowJury(), true},
		{"a juror may not follow the jury's progress", jury.MayFollowJury(), false},
		{"a unit admin may not follow the jury's progress", admin.MayFollowJury(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}
