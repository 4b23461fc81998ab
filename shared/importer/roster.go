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

var unitColumns = []column{{"id", true}, {"name", true}, {"block", true}, {"headcount", false}}

var rosterColumns = []column{{"email", true}, {"name", true}, {"unit", false}, {"audience", false}, {"roles", false}, {"ward", false}}

// maxNameRunes bounds a person's or ward's name, as sign-up does.
const maxNameRunes = 100

var blockNames = []contest.Block{contest.BlockAgency, contest.BlockService, contest.BlockCommune}

var roleNames = []contest.Role{contest.RoleParticipant, contest.RoleUnitAdmin, contest.RoleOrganiser, contest.RoleJury}

// unitRow is a unit of units.csv with where it is and whether its headcount
// was given (an empty headcount is counted from the roster).
type unitRow struct {
	contest.Unit
	line         int
	hasHeadcount bool
}

func parseUnits(rows []csvRow, rep *report) []unitRow {
	var units []unitRow
	lineOf := map[string]int{}
	for _, row := range rows {
		c := row.cells
		u := unitRow{Unit: contest.Unit{ID: c["id"], Name: c["name"], Block: contest.Block(c["block"])}, line: row.line}
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
			rep.problem(fileUnits, row.line, "", "no unit id")
			item = ""
		case !contest.ValidID(u.ID):
			rep.problem(fileUnits, row.line, item, "not a valid id: use 1 to 63 lower-case letters a–z, digits and \"-\" (e.g. so-noi-vu)")
		case dup:
			rep.problem(fileUnits, row.line, item, "the same id is already on line %d", prev)
		}
		if u.Name == "" {
			rep.problem(fileUnits, row.line, item, "no name")
		}
		if !slices.Contains(blockNames, u.Block) {
			rep.problem(fileUnits, row.line, item, "unknown block %q: use %s (administrative agencies), %s (public-service units) or %s (wards and communes)",
				c["block"], contest.BlockAgency, contest.BlockService, contest.BlockCommune)
		}
		if h := c["headcount"]; h != "" {
			n, err := strconv.Atoi(h)
			switch {
			case err != nil:
				rep.problem(fileUnits, row.line, item, "headcount %q is not a whole number (digits only, no separators)", h)
			case n < 0:
				rep.problem(fileUnits, row.line, item, "headcount %d is negative", n)
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

// parseRoster reads roster.csv's people, each under the address that
// identifies them in contest c (shared/signin.Canonical: "an+x@" of an
// official domain is "an@"); unitsState says whether their units can be
// checked against units.csv.
func parseRoster(c contest.Contest, rows []csvRow, units []unitRow, unitsState fileState, rep *report) []contest.Member {
	known := make(map[string]bool, len(units))
	for _, u := range units {
		known[u.ID] = true
	}
	var members []contest.Member
	lineOf := map[string]int{}
	// a unit missing from units.csv is reported once, with the lines naming it
	var missing []string
	missingLines := map[string][]int{}
	for _, row := range rows {
		if row.stray {
			continue // reported already
		}
		cells := row.cells
		item := fmt.Sprintf("%q", cells["email"])
		email, err := signin.Canonical(c, cells["email"])
		switch prev, dup := lineOf[email]; {
		case cells["email"] == "":
			rep.problem(fileRoster, row.line, "", "no e-mail address")
			item = ""
		case err != nil:
			rep.problem(fileRoster, row.line, item, "not a valid e-mail address")
		case dup:
			rep.problem(fileRoster, row.line, item, "the same person (e-mail addresses ignore case) is already on line %d", prev)
		default:
			lineOf[email] = row.line
		}

		m := contest.Member{Email: email, Name: cells["name"], UnitID: cells["unit"], Ward: cells["ward"], Audience: contest.AudienceStaff}
		if m.Name == "" {
			rep.problem(fileRoster, row.line, item, "no name")
		} else if utf8.RuneCountInString(m.Name) > maxNameRunes {
			rep.problem(fileRoster, row.line, item, "name longer than %d characters", maxNameRunes)
		}
		if a := strings.ToLower(cells["audience"]); a != "" {
			m.Audience = contest.Audience(a)
			if !m.Audience.Valid() {
				rep.problem(fileRoster, row.line, item, "unknown audience %q: use %s (civil servants, the default) or %s", cells["audience"], contest.AudienceStaff, contest.AudienceCitizen)
			}
		}
		m.Roles = parseRoles(cells["roles"], row.line, item, rep)

		switch m.Audience {
		case contest.AudienceStaff:
			needsUnit := contest.MayCompete(m.Roles) || m.Has(contest.RoleUnitAdmin)
			switch {
			case m.UnitID == "" && needsUnit:
				rep.problem(fileRoster, row.line, item, "no unit: staff who take part and unit admins belong to a unit of %s", fileUnits)
			case m.UnitID != "" && !known[m.UnitID] && unitsState != fileBroken:
				if missingLines[m.UnitID] == nil {
					missing = append(missing, m.UnitID)
				}
				missingLines[m.UnitID] = append(missingLines[m.UnitID], row.line)
			}
			if m.Ward != "" {
				rep.problem(fileRoster, row.line, item, "a ward is only for citizens (the place they live); staff belong to a unit")
			}
		case contest.AudienceCitizen:
			if m.UnitID != "" {
				rep.problem(fileRoster, row.line, item, "citizens belong to no unit (unit %q): leave the unit empty, the ward column says where they live", m.UnitID)
			}
			if !slices.Equal(m.Roles, []contest.Role{contest.RoleParticipant}) {
				rep.problem(fileRoster, row.line, item, "citizens can only be participants; organisers, jury and unit admins are staff")
			}
			if utf8.RuneCountInString(m.Ward) > maxNameRunes {
				rep.problem(fileRoster, row.line, item, "ward longer than %d characters", maxNameRunes)
			}
		}
		members = append(members, m)
	}
	for _, id := range missing {
		lines := missingLines[id]
		where := "not in " + fileUnits
		if unitsState == fileAbsent {
			where = "not known: the folder has no " + fileUnits + " listing the units"
		}
		rep.problem(fileRoster, lines[0], "", "unit %q is %s (%s)", id, where, linesText(lines))
	}
	return members
}

// linesText names a few of the lines naming something: "named by 1 person",
// "named by 3 people: lines 4, 9, 12", "named by 40 people: lines 4, 5, 6,
// 8, 9 and 35 more".
func linesText(lines []int) string {
	if len(lines) == 1 {
		return "named by 1 person"
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
		more = fmt.Sprintf(" and %d more", len(lines)-shown)
	}
	return fmt.Sprintf("named by %d people: lines %s%s", len(lines), strings.Join(parts, ", "), more)
}

// parseRoles reads "participant;unitAdmin" (";" or "," between roles, any
// case); empty means participant.
func parseRoles(s string, line int, item string, rep *report) []contest.Role {
	if s == "" {
		return []contest.Role{contest.RoleParticipant}
	}
	var roles []contest.Role
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := slices.IndexFunc(roleNames, func(r contest.Role) bool { return strings.EqualFold(string(r), part) })
		if i < 0 {
			rep.problem(fileRoster, line, item, "unknown role %q: roles are %s, %s, %s and %s, separated by \";\"",
				part, contest.RoleParticipant, contest.RoleUnitAdmin, contest.RoleOrganiser, contest.RoleJury)
			continue
		}
		if !slices.Contains(roles, roleNames[i]) {
			roles = append(roles, roleNames[i])
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
func settleHeadcounts(rows []unitRow, members []contest.Member, haveRoster bool, rep *report) []contest.Unit {
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
				rep.warn(fileUnits, u.line, item, "no headcount and nobody of the unit on the roster: its participation rate cannot be computed")
			}
		case u.Headcount == 0:
			rep.warn(fileUnits, u.line, item, "headcount 0: its participation rate cannot be computed")
		case haveRoster && n > u.Headcount:
			rep.warn(fileUnits, u.line, item, "headcount %d, but the roster lists %d of its staff who take part: its participation can pass 100%%", u.Headcount, n)
		}
		units = append(units, u.Unit)
	}
	return units
}
