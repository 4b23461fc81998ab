package console

import (
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/importer"
)

// Person is a person with a role beyond taking part.
type Person struct {
	Email      string         `json:"email"`
	Name       string         `json:"name"`
	UnitID     string         `json:"unitId,omitempty"`
	Roles      []contest.Role `json:"roles"`
	MayCompete bool           `json:"mayCompete"`
}

// PersonOf is m as the roles page lists it.
func PersonOf(m contest.Member) Person {
	return Person{Email: m.Email, Name: m.Name, UnitID: m.UnitID, Roles: m.Roles, MayCompete: contest.MayCompete(m.Roles)}
}

// RoleList is GET /roles: the unit admins, organisers and jury, and the
// units (a unit admin is chosen per unit).
type RoleList struct {
	People []Person       `json:"people"`
	Units  []contest.Unit `json:"units"`
}

// RoleListOf lists the members with a role beyond taking part.
func RoleListOf(members []contest.Member, units []contest.Unit) RoleList {
	out := RoleList{People: []Person{}, Units: units}
	if out.Units == nil {
		out.Units = []contest.Unit{}
	}
	for _, m := range members {
		if m.Has(contest.RoleUnitAdmin) || m.Has(contest.RoleOrganiser) || m.Has(contest.RoleJury) {
			out.People = append(out.People, PersonOf(m))
		}
	}
	return out
}

// RolesOutcome answers PUT /roles/{email}: the change (what the dry run
// shows, or what was written) and the person as it is then.
type RolesOutcome struct {
	OK      bool                `json:"ok"`
	DryRun  bool                `json:"dryRun"`
	Written bool                `json:"written"`
	Change  importer.RoleChange `json:"change"`
	Person  Person              `json:"person"`
}
