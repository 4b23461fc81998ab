package contest_test

import (
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

func TestNormalizeEmail(t *testing.T) {
	// maxEmail is a syntactically valid address of exactly 254 bytes.
	maxEmail := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 58) + ".vn"
	if len(maxEmail) != 254 {
		t.Fatalf("test setup: len(maxEmail) = %d, want 254", len(maxEmail))
	}

	tests := []struct {
		name     string
		in       string
		want     string
		wantCode string // "" means accepted
	}{
		{name: "a plain official address is kept as is", in: "an.nguyen@hue.gov.vn", want: "an.nguyen@hue.gov.vn"},
		{name: "an upper-case address is lower-cased", in: "An.Nguyen@Hue.GOV.VN", want: "an.nguyen@hue.gov.vn"},
		{name: "surrounding spaces are trimmed", in: "  binh@gmail.com\t\n", want: "binh@gmail.com"},
		{name: "a plus tag is accepted", in: "binh+hoithi@gmail.com", want: "binh+hoithi@gmail.com"},
		{name: "letters typed with combining marks are composed (NFC)", in: "nguye\u0302\u0303n@hue.gov.vn", want: "nguy\u1ec5n@hue.gov.vn"},
		{name: "a decomposed capital is composed and lower-cased", in: "E\u0302\u0301@hue.gov.vn", want: "\u1ebf@hue.gov.vn"},
		{name: "an address of 254 bytes is accepted", in: maxEmail, want: maxEmail},

		{name: "an empty string is rejected", in: "", wantCode: "invalid_email"},
		{name: "only spaces are rejected", in: "   ", wantCode: "invalid_email"},
		{name: "an address without @ is rejected", in: "an.nguyen.hue.gov.vn", wantCode: "invalid_email"},
		{name: "a display name with angle brackets is rejected", in: "Name <a@b.vn>", wantCode: "invalid_email"},
		{name: "angle brackets alone are rejected", in: "<a@b.vn>", wantCode: "invalid_email"},
		{name: "a trailing comment is rejected", in: "a@b.vn (An)", wantCode: "invalid_email"},
		{name: "two addresses are rejected", in: "a@b.vn, c@d.vn", wantCode: "invalid_email"},
		{name: "a domain without a dot is rejected", in: "admin@localhost", wantCode: "invalid_email"},
		{name: "a dot only in the local part does not count for the domain", in: "an.nguyen@localhost", wantCode: "invalid_email"},
		{name: "a quoted local part is rejected", in: `"an nguyen"@hue.gov.vn`, wantCode: "invalid_email"},
		{name: "an empty domain is rejected", in: "an@", wantCode: "invalid_email"},
		{name: "an empty local part is rejected", in: "@hue.gov.vn", wantCode: "invalid_email"},
		{name: "a domain with a trailing dot is rejected", in: "an@hue.gov.vn.", wantCode: "invalid_email"},
		{name: "an address of 255 bytes is rejected", in: "a" + maxEmail, wantCode: "invalid_email"},
		{name: "a very long address is rejected", in: strings.Repeat("a", 300) + "@hue.gov.vn", wantCode: "invalid_email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := contest.NormalizeEmail(tt.in)
			if gotCode, wantCode := fault.CodeOf(err), tt.wantCode; gotCode != wantCode {
				t.Fatalf("NormalizeEmail(%q) = %q, code %q (err %v); want code %q", tt.in, got, gotCode, err, wantCode)
			}
			if tt.wantCode != "" {
				if got != "" {
					t.Errorf("NormalizeEmail(%q) = %q alongside an error, want \"\"", tt.in, got)
				}
				if e, _ := fault.As(err); e.Kind != fault.KindInvalid {
					t.Errorf("Kind = %v, want %v", e.Kind, fault.KindInvalid)
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizeEmail(%q) error = %v, want nil", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestContestInAllowedDomain(t *testing.T) {
	c := contest.Contest{ID: "hue-2025", AllowedDomains: []string{" Hue.Gov.VN ", "thuathienhue.gov.vn"}}
	tests := []struct {
		name  string
		email string
		want  bool
	}{
		{name: "an address at the exact domain matches", email: "an@hue.gov.vn", want: true},
		{name: "an address at a second listed domain matches", email: "an@thuathienhue.gov.vn", want: true},
		{name: "an address at a subdomain matches", email: "an@sonv.hue.gov.vn", want: true},
		{name: "an address at a deeper subdomain matches", email: "an@phong.sonv.hue.gov.vn", want: true},
		{name: "a lookalike domain ending in the same letters does not match", email: "an@evilhue.gov.vn", want: false},
		{name: "a domain that merely starts with the official one does not match", email: "an@hue.gov.vn.evil.com", want: false},
		{name: "the parent domain does not match", email: "an@gov.vn", want: false},
		{name: "a public mail domain does not match", email: "an@gmail.com", want: false},
		{name: "an official domain in the local part does not match", email: "hue.gov.vn@gmail.com", want: false},
		{name: "an address without @ does not match", email: "hue.gov.vn", want: false},
		{name: "an empty address does not match", email: "", want: false},
		{name: "an address with an empty domain does not match", email: "an@", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := c.InAllowedDomain(tt.email), tt.want; got != want {
				t.Errorf("InAllowedDomain(%q) = %v, want %v", tt.email, got, want)
			}
		})
	}

	t.Run("a normalised upper-case address at the domain matches", func(t *testing.T) {
		email, err := contest.NormalizeEmail("An@SoNV.Hue.Gov.VN")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.InAllowedDomain(email), true; got != want {
			t.Errorf("InAllowedDomain(%q) = %v, want %v", email, got, want)
		}
	})

	t.Run("a contest with no domains matches nobody", func(t *testing.T) {
		if got, want := (contest.Contest{}).InAllowedDomain("an@hue.gov.vn"), false; got != want {
			t.Errorf("InAllowedDomain = %v, want %v", got, want)
		}
	})

	t.Run("an empty domain in the list matches nobody", func(t *testing.T) {
		c := contest.Contest{AllowedDomains: []string{"", "  "}}
		for _, email := range []string{"an@hue.gov.vn", "an@", "an@gmail.com"} {
			if got, want := c.InAllowedDomain(email), false; got != want {
				t.Errorf("InAllowedDomain(%q) = %v, want %v", email, got, want)
			}
		}
	})
}

func TestMayCompete(t *testing.T) {
	tests := []struct {
		name  string
		roles []contest.Role
		want  bool
	}{
		{name: "a participant may compete", roles: []contest.Role{contest.RoleParticipant}, want: true},
		{name: "a participant who is also a unit admin may compete", roles: []contest.Role{contest.RoleUnitAdmin, contest.RoleParticipant}, want: true},
		{name: "an organiser who is also a participant may not compete", roles: []contest.Role{contest.RoleParticipant, contest.RoleOrganiser}, want: false},
		{name: "an organiser listed first who is also a participant may not compete", roles: []contest.Role{contest.RoleOrganiser, contest.RoleParticipant}, want: false},
		{name: "an organiser alone may not compete", roles: []contest.Role{contest.RoleOrganiser}, want: false},
		{name: "a unit admin alone may not compete", roles: []contest.Role{contest.RoleUnitAdmin}, want: false},
		{name: "someone with no roles may not compete", roles: nil, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := contest.MayCompete(tt.roles), tt.want; got != want {
				t.Errorf("MayCompete(%v) = %v, want %v", tt.roles, got, want)
			}
		})
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{name: "a single letter is valid", id: "a", want: true},
		{name: "a single digit is valid", id: "7", want: true},
		{name: "lower-case words joined by hyphens are valid", id: "tuan-thi-01", want: true},
		{name: "63 characters are valid", id: strings.Repeat("a", 63), want: true},
		{name: "64 characters are invalid", id: strings.Repeat("a", 64), want: false},
		{name: "an empty id is invalid", id: "", want: false},
		{name: "a leading hyphen is invalid", id: "-a", want: false},
		{name: "an upper-case letter is invalid", id: "Tuan", want: false},
		{name: "an underscore is invalid", id: "tuan_01", want: false},
		{name: "a dot is invalid", id: "tuan.01", want: false},
		{name: "a Vietnamese letter is invalid", id: "tuần", want: false},
		{name: "a trailing newline is invalid", id: "tuan\n", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := contest.ValidID(tt.id), tt.want; got != want {
				t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, want)
			}
		})
	}
}

func TestAudienceAndRoles(t *testing.T) {
	c := contest.Contest{OpenSignUp: []contest.Audience{contest.AudienceCitizen}}
	m := contest.Member{Roles: []contest.Role{contest.RoleParticipant, contest.RoleJury}}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{name: "staff is a valid audience", got: contest.AudienceStaff.Valid(), want: true},
		{name: "citizen is a valid audience", got: contest.AudienceCitizen.Valid(), want: true},
		{name: "an empty audience is not valid", got: contest.Audience("").Valid(), want: false},
		{name: "a differently cased audience is not valid", got: contest.Audience("Staff").Valid(), want: false},
		{name: "citizens may sign up openly when listed", got: c.AllowsOpenSignUp(contest.AudienceCitizen), want: true},
		{name: "staff may not sign up openly when not listed", got: c.AllowsOpenSignUp(contest.AudienceStaff), want: false},
		{name: "a member has a role it holds", got: m.Has(contest.RoleJury), want: true},
		{name: "a member lacks a role it does not hold", got: m.Has(contest.RoleOrganiser), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}
