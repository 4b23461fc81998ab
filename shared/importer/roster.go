package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/signin"
)

var unitColumns = []column{
	{"id", true, []string{"Mã đơn vị", "Mã"}},
	{"name", true, []string{"Tên đơn vị", "Tên"}},
	{"block", true, []string{"Khối"}},
	{"headcount", false, []string{"Số người dự thi", "Số người", "Số lượng"}},
}

var rosterColumns = []column{
	{"email", true, []string{"Email", "Địa chỉ email", "Email công vụ", "Thư điện tử"}},
	{"name", true, []string{"Họ và tên", "Họ tên"}},
	{"unit", false, []string{"Mã đơn vị", "Đơn vị"}},
	{"audience", false, []string{"Đối tượng"}},
	{"roles", false, []string{"Vai trò"}},
	{"ward", false, []string{"Phường, xã", "Phường/xã", "Nơi cư trú"}},
}

// maxNameRunes bounds a person's or ward's name, as sign-up does.
const maxNameRunes = 100

var blockNames = []contest.Block{contest.BlockAgency, contest.BlockService, contest.BlockCommune}

var roleNames = []contest.Role{contest.RoleParticipant, contest.RoleUnitAdmin, contest.RoleOrganiser, contest.RoleJury}

// parseBlock reads a block as its id or in words ("Cơ quan hành chính",
// "Đơn vị sự nghiệp", "Xã, phường").
func parseBlock(s string) (contest.Block, bool) {
	switch slug(s) {
	case string(contest.BlockAgency), "co-quan":
		return contest.BlockAgency, true
	case string(contest.BlockService), "don-vi-su-nghiep-cong-lap":
		return contest.BlockService, true
	case string(contest.BlockCommune), "phuong-xa", "xa", "phuong", "xa-phuong-thi-tran":
		return contest.BlockCommune, true
	}
	return contest.Block(s), false
}

// parseAudience reads an audience as its id or in words ("Cán bộ, công
// chức", "Người dân"); empty is staff.
func parseAudience(s string) (contest.Audience, bool) {
	sl := slug(s)
	switch {
	case sl == "" || sl == "staff" || strings.HasPrefix(sl, "can-bo") || strings.HasPrefix(sl, "cong-chuc") || strings.HasPrefix(sl, "vien-chuc") || sl == "cbccvc":
		return contest.AudienceStaff, true
	case sl == "citizen" || sl == "nguoi-dan" || sl == "cong-dan":
		return contest.AudienceCitizen, true
	}
	return contest.Audience(s), false
}

// roleWords are the roles in words, as the templates write them.
var roleWords = map[string]contest.Role{
	"participant": contest.RoleParticipant, "thi-sinh": contest.RoleParticipant, "du-thi": contest.RoleParticipant,
	"unitadmin": contest.RoleUnitAdmin, "quan-tri-don-vi": contest.RoleUnitAdmin, "quan-tri": contest.RoleUnitAdmin,
	"organiser": contest.RoleOrganiser, "organizer": contest.RoleOrganiser, "ban-to-chuc": contest.RoleOrganiser, "btc": contest.RoleOrganiser,
	"jury": contest.RoleJury, "giam-khao": contest.RoleJury,
}

// unitRow is a unit read from its file with where it is and whether its
// headcount was given (an empty headcount is counted from the roster).
type unitRow struct {
	contest.Unit
	line         int
	hasHeadcount bool
}

// wholeNumber reads a whole number as spreadsheets store it: "12", or "12.0"
// (a number cell read as stored).
func wholeNumber(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int(f)) && !strings.ContainsAny(s, "eE") {
		return int(f), true
	}
	return 0, false
}

func parseUnits(file string, rows []csvRow, rep *report) []unitRow {
	var units []unitRow
	lineOf := map[string]int{}
	for _, row := range rows {
		c := row.cells
		u := unitRow{Unit: contest.Unit{ID: strings.ToLower(c["id"]), Name: c["name"]}, line: row.line}
		item := fmt.Sprintf("unit %q", u.ID)
		prev, dup := lineOf[u.ID]
		if row.stray {
			// reported already; its id is known so that the roster's people are not told of it again
			if contest.ValidID(u.ID) && !dup {
				lineOf[u.ID] = row.line
				units = append(units, u)
			}
			continue
		}
		switch {
		case u.ID == "":
			rep.problemAt(file, row.line, row.label("id"), "", "thiếu mã đơn vị")
			item = ""
		case !contest.ValidID(u.ID):
			rep.problemAt(file, row.line, row.label("id"), item, "mã %q không hợp lệ: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và \"-\" (ví dụ so-noi-vu)", c["id"])
		case dup:
			rep.problemAt(file, row.line, row.label("id"), item, "mã đơn vị trùng với dòng %d", prev)
		}
		if u.Name == "" {
			rep.problemAt(file, row.line, row.label("name"), item, "thiếu tên đơn vị")
		}
		var ok bool
		if u.Block, ok = parseBlock(c["block"]); !ok {
			rep.problemAt(file, row.line, row.label("block"), item, "khối %q không rõ: ghi %s (cơ quan hành chính), %s (đơn vị sự nghiệp) hoặc %s (xã, phường)",
				c["block"], contest.BlockAgency, contest.BlockService, contest.BlockCommune)
		}
		if h := c["headcount"]; h != "" {
			n, ok := wholeNumber(h)
			switch {
			case !ok:
				rep.problemAt(file, row.line, row.label("headcount"), item, "số người %q không phải số nguyên (chỉ ghi chữ số, không dấu phân cách)", h)
			case n < 0:
				rep.problemAt(file, row.line, row.label("headcount"), item, "số người %d là số âm", n)
			}
			u.Headcount, u.hasHeadcount = n, true
		}
		// a unit with a problem is still known, so the roster's people are
		// not told their unit is missing as well (nothing is written anyway)
		if u.ID != "" && !dup {
			lineOf[u.ID] = row.line
			units = append(units, u)
		}
	}
	return units
}

// parseRoster reads a roster's people, each under the address that
// identifies them in contest c (shared/signin.Canonical: "an+x@" of an
// official domain is "an@"); unitsState says whether their units can be
// checked against the units given. A unit may be named by its id or by its
// name as the units list writes it.
func parseRoster(file string, c contest.Contest, rows []csvRow, units []unitRow, unitsState fileState, rep *report) []contest.Member {
	known := make(map[string]bool, len(units))
	byName := make(map[string]string, len(units))
	for _, u := range units {
		known[u.ID] = true
		if u.Name != "" {
			byName[foldHeader(u.Name)] = u.ID
		}
	}
	var members []contest.Member
	lineOf := map[string]int{}
	// a unit missing from the units is reported once, with the lines naming it
	var missing []string
	missingLines := map[string][]int{}
	missingLabel := map[string]string{}
	for _, row := range rows {
		if row.stray {
			continue // reported already
		}
		cells := row.cells
		item := fmt.Sprintf("%q", cells["email"])
		email, err := signin.Canonical(c, cells["email"])
		switch prev, dup := lineOf[email]; {
		case cells["email"] == "":
			rep.problemAt(file, row.line, row.label("email"), "", "thiếu địa chỉ email")
			item = ""
		case err != nil:
			rep.problemAt(file, row.line, row.label("email"), item, "email %q không hợp lệ", cells["email"])
		case dup:
			rep.problemAt(file, row.line, row.label("email"), item, "email trùng với dòng %d (không phân biệt chữ hoa, chữ thường)", prev)
		default:
			lineOf[email] = row.line
		}

		m := contest.Member{Email: email, Name: cells["name"], UnitID: cells["unit"], Ward: cells["ward"], Audience: contest.AudienceStaff}
		if id, ok := byName[foldHeader(m.UnitID)]; ok && !known[m.UnitID] {
			m.UnitID = id
		} else if known[strings.ToLower(m.UnitID)] {
			m.UnitID = strings.ToLower(m.UnitID)
		}
		if m.Name == "" {
			rep.problemAt(file, row.line, row.label("name"), item, "thiếu họ và tên")
		} else if utf8.RuneCountInString(m.Name) > maxNameRunes {
			rep.problemAt(file, row.line, row.label("name"), item, "họ và tên dài quá %d ký tự", maxNameRunes)
		}
		if a, ok := parseAudience(cells["audience"]); ok {
			m.Audience = a
		} else {
			m.Audience = a
			rep.problemAt(file, row.line, row.label("audience"), item, "đối tượng %q không rõ: ghi %s (cán bộ, công chức, viên chức; để trống cũng vậy) hoặc %s (người dân)", cells["audience"], contest.AudienceStaff, contest.AudienceCitizen)
		}
		m.Roles = parseRoles(file, cells["roles"], row, item, rep)

		switch m.Audience {
		case contest.AudienceStaff:
			needsUnit := contest.MayCompete(m.Roles) || m.Has(contest.RoleUnitAdmin)
			switch {
			case m.UnitID == "" && needsUnit:
				rep.problemAt(file, row.line, row.label("unit"), item, "thiếu đơn vị: cán bộ dự thi và quản trị đơn vị phải thuộc một đơn vị trong danh sách đơn vị")
			case m.UnitID != "" && !known[m.UnitID] && unitsState != fileBroken:
				if missingLines[m.UnitID] == nil {
					missing = append(missing, m.UnitID)
					missingLabel[m.UnitID] = row.label("unit")
				}
				missingLines[m.UnitID] = append(missingLines[m.UnitID], row.line)
			}
			if m.Ward != "" {
				rep.problemAt(file, row.line, row.label("ward"), item, "phường, xã chỉ ghi cho người dân (nơi cư trú); cán bộ thuộc một đơn vị")
			}
		case contest.AudienceCitizen:
			if m.UnitID != "" {
				rep.problemAt(file, row.line, row.label("unit"), item, "người dân không thuộc đơn vị nào (%q): để trống đơn vị, ghi nơi cư trú ở cột phường, xã", m.UnitID)
			}
			if !slices.Equal(m.Roles, []contest.Role{contest.RoleParticipant}) {
				rep.problemAt(file, row.line, row.label("roles"), item, "người dân chỉ có thể là thí sinh; Ban Tổ chức, giám khảo và quản trị đơn vị là cán bộ")
			}
			if utf8.RuneCountInString(m.Ward) > maxNameRunes {
				rep.problemAt(file, row.line, row.label("ward"), item, "phường, xã dài quá %d ký tự", maxNameRunes)
			}
		}
		members = append(members, m)
	}
	for _, id := range missing {
		lines := missingLines[id]
		where := "không có trong danh sách đơn vị"
		if unitsState == fileAbsent {
			where = "không rõ: chưa có danh sách đơn vị"
		}
		rep.problemAt(file, lines[0], missingLabel[id], "", "đơn vị %q %s (%s)", id, where, linesText(lines))
	}
	return members
}

// linesText names a few of the lines naming something: "1 người", "3 người:
// dòng 4, 9, 12", "40 người: dòng 4, 5, 6, 8, 9 và 35 dòng khác".
func linesText(lines []int) string {
	if len(lines) == 1 {
		return "1 người"
	}
	const shown = 5
	var parts []string
	for i, l := range lines {
		if i == shown {
			break
		}
		parts = append(parts, strconv.Itoa(l))
	}
	more := ""
	if len(lines) > shown {
		more = fmt.Sprintf(" và %d dòng khác", len(lines)-shown)
	}
	return fmt.Sprintf("%d người: dòng %s%s", len(lines), strings.Join(parts, ", "), more)
}

// parseRoles reads "participant;unitAdmin" or "Thí sinh; Quản trị đơn vị"
// (";" or "," between roles, any case); empty means participant.
func parseRoles(file, s string, row csvRow, item string, rep *report) []contest.Role {
	if s == "" {
		return []contest.Role{contest.RoleParticipant}
	}
	var roles []contest.Role
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		r, ok := roleWords[strings.ToLower(slug(part))]
		if !ok {
			rep.problemAt(file, row.line, row.label("roles"), item, "vai trò %q không rõ: các vai trò là %s (thí sinh), %s (quản trị đơn vị), %s (Ban Tổ chức) và %s (giám khảo), cách nhau bởi \";\"",
				part, contest.RoleParticipant, contest.RoleUnitAdmin, contest.RoleOrganiser, contest.RoleJury)
			continue
		}
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	if len(roles) == 0 {
		return []contest.Role{contest.RoleParticipant}
	}
	return roles
}

// settleHeadcounts fills the headcounts left empty with the number of the
// unit's staff on the roster who may take part, and warns where a headcount
// makes the participation rate meaningless.
func settleHeadcounts(file string, rows []unitRow, members []contest.Member, haveRoster bool, rep *report) []contest.Unit {
	competing := map[string]int{}
	for _, m := range members {
		if m.Audience == contest.AudienceStaff && contest.MayCompete(m.Roles) && m.UnitID != "" {
			competing[m.UnitID]++
		}
	}
	units := make([]contest.Unit, 0, len(rows))
	for _, u := range rows {
		item := fmt.Sprintf("unit %q", u.ID)
		n := competing[u.ID]
		switch {
		case !u.hasHeadcount:
			u.Headcount = n
			if u.Headcount == 0 {
				rep.warn(file, u.line, item, "không ghi số người và danh sách dự thi không có ai của đơn vị: không tính được tỷ lệ tham gia")
			}
		case u.Headcount == 0:
			rep.warn(file, u.line, item, "số người 0: không tính được tỷ lệ tham gia")
		case haveRoster && n > u.Headcount:
			rep.warn(file, u.line, item, "số người %d, nhưng danh sách dự thi có %d cán bộ của đơn vị: tỷ lệ tham gia có thể vượt 100%%", u.Headcount, n)
		}
		units = append(units, u.Unit)
	}
	return units
}
