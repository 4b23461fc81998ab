package contest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

func TestAdmit(t *testing.T) {
	rosterOnly := contest.Contest{ID: "hue-2026", AllowedDomains: []string{"hue.gov.vn"}, OpenSignUp: []contest.Audience{contest.AudienceCitizen}}
	unlisted := rosterOnly
	unlisted.AllowUnlisted = true
	closed := contest.Contest{ID: "hue-2026", AllowedDomains: []string{"hue.gov.vn"}}

	organiser := &contest.Member{Email: "btc@hue.gov.vn", Name: "Ban Tổ chức", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleOrganiser}}
	citizen := &contest.Member{Email: "be@example.net", Name: "Trần Thị Bé", Ward: "Phường Kim Long", Audience: contest.AudienceCitizen, Roles: []contest.Role{contest.RoleParticipant}}
	signUp := &contest.SignUp{Audience: contest.AudienceCitizen, Name: "  Trần   Thị Bé ", Ward: "Phường  Kim Long"}
	tests := []struct {
		name   string
		c      contest.Contest
		email  string
		member *contest.Member
		signUp *contest.SignUp
		want   contest.Member
		record bool
		code   string
	}{
		{name: "a roster member is that member", c: rosterOnly, email: organiser.Email, member: organiser, want: *organiser},
		{name: "a roster member's declared sign-up is ignored", c: rosterOnly, email: organiser.Email, member: organiser, signUp: signUp, want: *organiser},
		{name: "a citizen who signed up before is that member, not recorded again", c: rosterOnly, email: citizen.Email, member: citizen, signUp: signUp, want: *citizen},
		{name: "an official address not on the roster is refused by default", c: rosterOnly, email: "nobody.1@hue.gov.vn", code: "not_on_roster"},
		{name: "an official address in a sub-domain not on the roster is refused", c: rosterOnly, email: "van.thu@sonv.hue.gov.vn", code: "not_on_roster"},
		{name: "an official address not on the roster cannot sign up as a citizen", c: rosterOnly, email: "nobody.2@hue.gov.vn", signUp: signUp, code: "not_on_roster"},
		{name: "an official address not on the roster is a staff participant where unlisted staff are allowed", c: unlisted, email: "moi@hue.gov.vn",
			want: contest.Member{Email: "moi@hue.gov.vn", Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}},
		{name: "a citizen who declares a name and ward is a new member to record", c: rosterOnly, email: "be@example.net", signUp: signUp, record: true,
			want: contest.Member{Email: "be@example.net", Name: "Trần Thị Bé", Ward: "Phường Kim Long", Audience: contest.AudienceCitizen, Roles: []contest.Role{contest.RoleParticipant}}},
		{name: "a sign-up without a ward is incomplete", c: rosterOnly, email: "be@example.net", signUp: &contest.SignUp{Audience: contest.AudienceCitizen, Name: "Bé"}, code: "signup_incomplete"},
		{name: "a sign-up with a name of spaces is incomplete", c: rosterOnly, email: "be@example.net", signUp: &contest.SignUp{Audience: contest.AudienceCitizen, Name: " \t", Ward: "Kim Long"}, code: "signup_incomplete"},
		{name: "a sign-up with a name over 100 characters is incomplete", c: rosterOnly, email: "be@example.net",
			signUp: &contest.SignUp{Audience: contest.AudienceCitizen, Name: strings.Repeat("Bé", 51), Ward: "Kim Long"}, code: "signup_incomplete"},
		{name: "nobody may sign up as staff", c: rosterOnly, email: "khach@example.org", signUp: &contest.SignUp{Audience: contest.AudienceStaff, Name: "Khách", Ward: "Phú Hội"}, code: "not_eligible"},
		{name: "nobody may sign up where the audience is not open", c: closed, email: "khach@example.org", signUp: signUp, code: "not_eligible"},
		{name: "an outsider who declares nothing is not eligible", c: rosterOnly, email: "khach@example.org", code: "not_eligible"},
		{name: "a look-alike domain is not official", c: rosterOnly, email: "gia.mao@fakehue.gov.vn", code: "not_eligible"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, record, err := tt.c.Admit(tt.email, tt.member, tt.signUp)
			if got := fault.CodeOf(err); got != tt.code || (err != nil) != (tt.code != "") {
				t.Fatalf("Admit error = %v, want code %q", err, tt.code)
			}
			if err != nil {
				if fe, _ := fault.As(err); fe.Kind != fault.KindForbidden && fe.Kind != fault.KindInvalid {
					t.Errorf("kind = %v, want forbidden or invalid", fe.Kind)
				}
				return
			}
			if fmt.Sprint(m) != fmt.Sprint(tt.want) || record != tt.record {
				t.Errorf("Admit = %+v record %v, want %+v record %v", m, record, tt.want, tt.record)
			}
		})
	}
	t.Run("the not_on_roster message tells whom to ask", func(t *testing.T) {
		_, _, err := rosterOnly.Admit("nobody@hue.gov.vn", nil, nil)
		fe, _ := fault.As(err)
		if fe == nil || fe.Message != "Email chưa có trong danh sách dự thi của đơn vị; vui lòng liên hệ cán bộ phụ trách đơn vị." {
			t.Errorf("message = %v", err)
		}
	})
	t.Run("the roster is the list by default", func(t *testing.T) {
		if !(contest.Contest{}).RosterOnly() || unlisted.RosterOnly() {
			t.Error("RosterOnly: want true by default, false with allowUnlisted")
		}
	})
}

func TestSignUpWards(t *testing.T) {
	agency := contest.Unit{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency}
	service := contest.Unit{ID: "dai-phat-thanh", Name: "Đài Phát thanh", Block: contest.BlockService}
	kimLong := contest.Unit{ID: "phuong-kim-long", Name: "UBND phường Kim Long", Block: contest.BlockCommune}
	phuVang := contest.Unit{ID: "xa-phu-vang", Name: "UBND xã Phú Vang", Block: contest.BlockCommune}
	tests := []struct {
		name  string
		units []contest.Unit
		want  []contest.Unit
	}{
		{name: "only the wards and communes are offered, by name", units: []contest.Unit{agency, phuVang, service, kimLong}, want: []contest.Unit{kimLong, phuVang}},
		{name: "a roster without wards offers none (an empty list, not null)", units: []contest.Unit{agency, service}, want: []contest.Unit{}},
		{name: "no units offer none", units: nil, want: []contest.Unit{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := contest.SignUpWards(tt.units)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || got == nil {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAdmitSignUpChecksTheWard(t *testing.T) {
	c := contest.Contest{ID: "hue-2026", AllowedDomains: []string{"hue.gov.vn"}, OpenSignUp: []contest.Audience{contest.AudienceCitizen}}
	units := []contest.Unit{
		{ID: "phuong-kim-long", Name: "UBND phường Kim Long", Block: contest.BlockCommune},
		{ID: "phuong-phu-hoi", Name: "UBND phường Phú Hội", Block: contest.BlockCommune},
		{ID: "so-noi-vu", Name: "Sở Nội vụ", Block: contest.BlockAgency},
	}
	citizen := &contest.Member{Email: "be@example.net", Name: "Trần Thị Bé", Ward: "Phường Cũ", Audience: contest.AudienceCitizen, Roles: []contest.Role{contest.RoleParticipant}}
	tests := []struct {
		name     string
		member   *contest.Member
		ward     string
		want     string
		code     string
		readings int
	}{
		{name: "a ward of the list by its unit's name is kept", ward: "UBND phường  Kim Long", want: "UBND phường Kim Long", readings: 1},
		{name: "a ward of the list without the UBND of its unit's name is kept as declared", ward: "Phường  Kim Long", want: "Phường Kim Long", readings: 1},
		{name: "a ward of the list by its id is kept as its unit's name", ward: "phuong-phu-hoi", want: "UBND phường Phú Hội", readings: 1},
		{name: "a ward of the list in other letter case is that ward", ward: "ủy ban nhân dân PHƯỜNG KIM LONG", want: "ủy ban nhân dân PHƯỜNG KIM LONG", readings: 1},
		{name: "a ward that is not on the list is refused naming the field", ward: "Phường Không Có", code: "unknown_ward", readings: 1},
		{name: "a unit that is not a ward or commune is refused", ward: "Sở Nội vụ", code: "unknown_ward", readings: 1},
		{name: "a citizen who signed up before keeps their ward and the list is not read", member: citizen, ward: "bất kỳ", want: "Phường Cũ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			readings := 0
			wards := func() ([]contest.Unit, error) { readings++; return units, nil }
			m, _, err := c.AdmitSignUp("be@example.net", tt.member, &contest.SignUp{Audience: contest.AudienceCitizen, Name: "Trần Thị Bé", Ward: tt.ward}, wards)
			if readings != tt.readings {
				t.Errorf("units read %d times, want %d", readings, tt.readings)
			}
			if tt.code != "" {
				fe, ok := fault.As(err)
				if !ok || fe.Code != tt.code || fe.Kind != fault.KindUnprocessable || fe.Field != "ward" {
					t.Fatalf("err = %v, want %s on the field ward", err, tt.code)
				}
				return
			}
			if err != nil || m.Ward != tt.want {
				t.Fatalf("ward = %q, %v; want %q", m.Ward, err, tt.want)
			}
		})
	}
}
