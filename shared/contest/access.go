package contest

import "slices"

// Actor is who asks, as a token says: roles and, for a unit admin, the unit.
// Every rule of who may do what with a unit's data or the clip contest is
// one method here; handlers ask, they do not decide.
type Actor struct {
	Roles  []Role
	UnitID string
}

// Has reports whether the actor has role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// unitAdminOf reports whether the actor administers unit unitID.
func (a Actor) unitAdminOf(unitID string) bool {
	return a.Has(RoleUnitAdmin) && a.UnitID != "" && a.UnitID == unitID
}

// MayTally: organisers run and publish the weekly tally.
func (a Actor) MayTally() bool { return a.Has(RoleOrganiser) }

// MaySeeUnit: a unit's participation and who has not taken part yet are
// for organisers and the unit's own admins.
func (a Actor) MaySeeUnit(unitID string) bool { return a.Has(RoleOrganiser) || a.unitAdminOf(unitID) }

// MayUploadClip: a unit admin uploads clips for the unit of the token.
func (a Actor) MayUploadClip() bool { return a.Has(RoleUnitAdmin) && a.UnitID != "" }

// MayManageClips: a unit's clips (confirm, parts, complete, abort) are for
// organisers and the unit's own admins.
func (a Actor) MayManageClips(unitID string) bool {
	return a.Has(RoleOrganiser) || a.unitAdminOf(unitID)
}

// MayScoreClip: the jury scores clips.
func (a Actor) MayScoreClip() bool { return a.Has(RoleJury) }

// MaySeeClipRanking: organisers and the jury see the clip ranking as it stands.
func (a Actor) MaySeeClipRanking() bool { return a.Has(RoleOrganiser) || a.Has(RoleJury) }

// MayPublishClipRanking: organisers publish the clip ranking.
func (a Actor) MayPublishClipRanking() bool { return a.Has(RoleOrganiser) }

// MayFollowJury: organisers follow each juror's progress; jurors do not see
// one another's.
func (a Actor) MayFollowJury() bool { return a.Has(RoleOrganiser) }

// MayReviewRound: a round's question statistics, integrity signals and the
// exclusion of papers are for organisers only.
func (a Actor) MayReviewRound() bool { return a.Has(RoleOrganiser) }
