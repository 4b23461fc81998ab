package contest

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hoithi/hoithi/shared/fault"
)

// SignUp is what a person declares to join an audience open to sign-up.
type SignUp struct {
	Audience Audience `json:"audience"`
	Name     string   `json:"name"`
	Ward     string   `json:"ward"`
}

// MaxSignUpRunes bounds a declared name and ward.
const MaxSignUpRunes = 100

// Admit decides who signs in with email (canonical, see shared/signin):
//
//   - a person on the roster, or a citizen who signed up before (member,
//     nil when the store has none), is that member, whatever they declare;
//   - an official address (AllowedDomains) not on the roster is refused with
//     not_on_roster, unless the contest allows unlisted staff: then a staff
//     participant, not recorded;
//   - anyone else who declares a name and ward for an audience open to
//     sign-up is a new member of it, to be recorded (record) once their code
//     is verified, never before;
//   - everyone else is not_eligible.
//
// signUp is nil when the request declares nothing.
func (c Contest) Admit(email string, member *Member, signUp *SignUp) (m Member, record bool, err error) {
	if member != nil {
		return *member, false, nil
	}
	if c.InAllowedDomain(email) {
		if c.RosterOnly() {
			return Member{}, false, fault.Forbidden("not_on_roster",
				"Email chưa có trong danh sách dự thi của đơn vị; vui lòng liên hệ cán bộ phụ trách đơn vị.")
		}
		return Member{Email: email, Audience: AudienceStaff, Roles: []Role{RoleParticipant}}, false, nil
	}
	if signUp != nil && signUp.Audience != "" && signUp.Audience != AudienceStaff && c.AllowsOpenSignUp(signUp.Audience) {
		name, ward := CleanText(signUp.Name), CleanText(signUp.Ward)
		if name == "" || ward == "" || utf8.RuneCountInString(name) > MaxSignUpRunes || utf8.RuneCountInString(ward) > MaxSignUpRunes {
			return Member{}, false, fault.Invalid("signup_incomplete", "Vui lòng nhập họ tên và phường/xã nơi cư trú (mỗi mục tối đa 100 ký tự).")
		}
		return Member{Email: email, Name: name, Ward: ward, Audience: signUp.Audience, Roles: []Role{RoleParticipant}}, true, nil
	}
	return Member{}, false, fault.Forbidden("not_eligible",
		"Email này không có trong danh sách dự thi. Cán bộ, công chức vui lòng dùng email công vụ; nếu vẫn lỗi, liên hệ quản trị viên của đơn vị.")
}

// CleanText keeps a declared text's words: valid UTF-8, runs of spaces as one.
func CleanText(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
}

// SignUpWards are the places a citizen may declare as their ward when signing
// up: the contest's units of the wards/communes block, by name (then id), so
// the list does not depend on the store's order (the site offers them as a
// list instead of free text).
func SignUpWards(units []Unit) []Unit {
	wards := []Unit{}
	for _, u := range units {
		if u.Block == BlockCommune {
			wards = append(wards, u)
		}
	}
	slices.SortFunc(wards, func(a, b Unit) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return wards
}

// CheckWard checks the ward a citizen declares when signing up against the
// contest's wards (SignUpWards of units): it must name one of them, by its
// id or its name, whatever the letter case and with or without the "UBND"
// of the unit's name ("Phường Kim Long" is "UBND phường Kim Long"). The
// declared name is kept, tidied (CleanText); an id is kept as the ward's
// name. Anything else is refused with the field named, so a typo never
// becomes a ward of its own in the results.
func CheckWard(ward string, units []Unit) (string, error) {
	w := CleanText(ward)
	for _, u := range SignUpWards(units) {
		switch {
		case w == u.ID:
			return u.Name, nil
		case w != "" && wardKey(w) == wardKey(u.Name):
			return w, nil
		}
	}
	return "", fault.Unprocessable("ward", "unknown_ward", "Phường/xã nơi cư trú: vui lòng chọn một phường, xã trong danh sách của Hội thi.")
}

// wardKey is a ward's name for comparison: lower case, without the leading
// "UBND" or "Ủy ban nhân dân".
func wardKey(name string) string {
	k := strings.ToLower(CleanText(name))
	for _, p := range []string{"ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân "} {
		k = strings.TrimPrefix(k, p)
	}
	return k
}

// AdmitSignUp is Admit, then, for a citizen about to be recorded, CheckWard
// of the declared ward against units (read only then, by the caller's
// wards func).
func (c Contest) AdmitSignUp(email string, member *Member, signUp *SignUp, wards func() ([]Unit, error)) (Member, bool, error) {
	m, record, err := c.Admit(email, member, signUp)
	if err != nil || !record {
		return m, record, err
	}
	units, err := wards()
	if err != nil {
		return Member{}, false, err
	}
	if m.Ward, err = CheckWard(m.Ward, units); err != nil {
		return Member{}, false, err
	}
	return m, record, nil
}
