package clip

import (
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

func TestWhoMayDoWhatWithClips(t *testing.T) {
	organiser := contest.Actor{Roles: []contest.Role{contest.RoleOrganiser}}
	juror := contest.Actor{Roles: []contest.Role{contest.RoleJury}}
	admin := contest.Actor{Roles: []contest.Role{contest.RoleUnitAdmin}, UnitID: "so-noi-vu"}
	adminWithoutUnit := contest.Actor{Roles: []contest.Role{contest.RoleUnitAdmin}}
	participant := contest.Actor{Roles: []contest.Role{contest.RoleParticipant}, UnitID: "so-noi-vu"}
	own, other := "so-noi-vu.0123456789abcdef", "so-tu-phap.0123456789abcdef"
	tests := []struct {
		name string
		err  error
		want string // fault code, "" for allowed
	}{
		{"a unit admin may upload", MayUpload(admin), ""},
		{"a unit admin without a unit may not upload", MayUpload(adminWithoutUnit), "unit_admin_only"},
		{"an organiser may not upload", MayUpload(organiser), "unit_admin_only"},
		{"a unit admin may manage the unit's clip", MayManage(admin, own), ""},
		{"a unit admin may not manage another unit's clip", MayManage(admin, other), "not_your_unit"},
		{"an organiser may manage any unit's clip", MayManage(organiser, other), ""},
		{"a participant may not manage the unit's clip", MayManage(participant, own), "not_your_unit"},
		{"an id that names no clip is not found, whoever asks", MayManage(organiser, "so-noi-vu.xyz"), "clip_not_found"},
		{"a juror may score", MayScore(juror), ""},
		{"an organiser may not score", MayScore(organiser), "jury_only"},
		{"a juror may see the ranking", MaySeeRanking(juror), ""},
		{"an organiser may see the ranking", MaySeeRanking(organiser), ""},
		{"a unit admin may not see the ranking", MaySeeRanking(admin), "not_allowed"},
		{"an organiser may publish the ranking", MayPublishRanking(organiser), ""},
		{"a juror may not publish the ranking", MayPublishRanking(juror), "organiser_only"},
		{"an organiser may follow the jury", MayFollowJury(organiser), ""},
		{"a juror may not follow the jury", MayFollowJury(juror), "organiser_only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fault.CodeOf(tt.err); got != tt.want {
				t.Errorf("got %q (%v), want %q", got, tt.err, tt.want)
			}
		})
	}
}

func TestWhatAListOfClipsShowsWhom(t *testing.T) {
	organiser := contest.Actor{Roles: []contest.Role{contest.RoleOrganiser}}
	juror := contest.Actor{Roles: []contest.Role{contest.RoleJury}}
	admin := contest.Actor{Roles: []contest.Role{contest.RoleUnitAdmin}, UnitID: "so-noi-vu"}
	participant := contest.Actor{Roles: []contest.Role{contest.RoleParticipant}, UnitID: "so-noi-vu"}
	tests := []struct {
		name          string
		actor         contest.Actor
		unit, status  string
		want          Listing
		wantErr       string
		wantScoresToo bool
	}{
		{name: "an organiser sees every clip with the scores", actor: organiser,
			want: Listing{Audience: ForOrganiser}, wantScoresToo: true},
		{name: "an organiser may narrow by unit and status", actor: organiser, unit: "so-tu-phap", status: Rejected,
			want: Listing{Audience: ForOrganiser, Unit: "so-tu-phap", Status: Rejected}, wantScoresToo: true},
		{name: "an organiser's unknown status is refused", actor: organiser, status: "pending", wantErr: "invalid_filter"},
		{name: "an organiser's malformed unit is refused", actor: organiser, unit: "Sở Nội vụ", wantErr: "invalid_filter"},
		{name: "a juror sees the accepted clips whatever the filters", actor: juror, unit: "so-tu-phap", status: Rejected,
			want: Listing{Audience: ForJury, Status: Accepted}, wantScoresToo: true},
		{name: "a unit admin sees the unit's clips of every status", actor: admin,
			want: Listing{Audience: ForUnit, Unit: "so-noi-vu"}},
		{name: "a unit admin may name the own unit", actor: admin, unit: "so-noi-vu",
			want: Listing{Audience: ForUnit, Unit: "so-noi-vu"}},
		{name: "a unit admin may not name another unit", actor: admin, unit: "so-tu-phap", wantErr: "not_your_unit"},
		{name: "a participant sees no list", actor: participant, wantErr: "not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ListingFor(tt.actor, tt.unit, tt.status)
			if code := fault.CodeOf(err); code != tt.wantErr {
				t.Fatalf("error %v, want code %q", err, tt.wantErr)
			}
			if got != tt.want || got.Scored() != tt.wantScoresToo {
				t.Errorf("got %+v (scored %v), want %+v (scored %v)", got, got.Scored(), tt.want, tt.wantScoresToo)
			}
		})
	}
}

func TestWhichUnitMaySendClips(t *testing.T) {
	units := []contest.Unit{
		{ID: "so-noi-vu", Block: contest.BlockAgency},
		{ID: "phuong-kim-long", Block: contest.BlockCommune},
	}
	wards := Settings{Blocks: []contest.Block{contest.BlockCommune}}
	tests := []struct {
		name     string
		settings Settings
		unit     string
		wantErr  string
	}{
		{"a listed unit sends clips when no block is named", Settings{}, "so-noi-vu", ""},
		{"a unit of a named block sends clips", wards, "phuong-kim-long", ""},
		{"a unit of another block does not", wards, "so-noi-vu", "clip_not_for_unit"},
		{"a unit the contest does not list does not", Settings{}, "so-tai-chinh", "unit_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.settings.Entrant(units, tt.unit)
			if code := fault.CodeOf(err); code != tt.wantErr {
				t.Fatalf("error %v, want code %q", err, tt.wantErr)
			}
			if err == nil && got.ID != tt.unit {
				t.Errorf("got unit %q, want %q", got.ID, tt.unit)
			}
		})
	}
}

func TestTheJuryAmongTheStaff(t *testing.T) {
	staff := []contest.Member{
		{Email: "bgk1@example.vn", Name: "Giám khảo 1", Roles: []contest.Role{contest.RoleJury}},
		{Email: "btc@example.vn", Name: "Tổ chức", Roles: []contest.Role{contest.RoleOrganiser}},
		{Email: "bgk2@example.vn", Name: "Giám khảo 2", Roles: []contest.Role{contest.RoleOrganiser, contest.RoleJury}},
	}
	got := Jurors("demo", staff)
	want := []Juror{
		{ID: contest.ParticipantID("demo", "bgk1@example.vn"), Email: "bgk1@example.vn", Name: "Giám khảo 1"},
		{ID: contest.ParticipantID("demo", "bgk2@example.vn"), Email: "bgk2@example.vn", Name: "Giám khảo 2"},
	}
	t.Run("only members with the jury role are jurors, in the staff's order", func(t *testing.T) {
		if len(got) != len(want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i].ID != want[i].ID || got[i].Email != want[i].Email || got[i].Name != want[i].Name {
				t.Errorf("juror %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}

func TestWhichContestTheGalleryShows(t *testing.T) {
	tests := []struct {
		name, asked, want, wantErr string
	}{
		{"the named contest's accepted clips", "hoi-thi-2026", "hoi-thi-2026", ""},
		{"the deployment's contest when none is named", "", "demo", ""},
		{"a malformed contest is not found", "Hội thi", "", "contest_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, l, err := Gallery(tt.asked, "demo")
			if fault.CodeOf(err) != tt.wantErr || got != tt.want {
				t.Fatalf("got %q (%v), want %q %q", got, err, tt.want, tt.wantErr)
			}
			if err == nil && (l.Audience != ForPublic || l.Status != Accepted || l.Unit != "") {
				t.Errorf("listing %+v, want the public's accepted clips", l)
			}
		})
	}
}

func TestOnlyAcceptedClipsAreScored(t *testing.T) {
	for _, tt := range []struct{ status, want string }{
		{Accepted, ""}, {Uploading, "clip_not_accepted"}, {Rejected, "clip_not_accepted"},
	} {
		t.Run("a clip "+tt.status+" answers "+cmpOr(tt.want, "yes"), func(t *testing.T) {
			if got := fault.CodeOf((Clip{Status: tt.status}).MayBeScored()); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
