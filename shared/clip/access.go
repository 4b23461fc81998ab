package clip

import (
	"slices"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// Who may do what in the clip contest, as coded errors: the handler asks
// and maps the answer (contest.Actor holds the roles' rules).

// MayUpload: a unit admin uploads clips for the unit of the token.
// Errors: fault.Forbidden "unit_admin_only".
func MayUpload(a contest.Actor) error {
	if !a.MayUploadClip() {
		return fault.Forbidden("unit_admin_only", "Chỉ quản trị viên của đơn vị được tải video clip lên.")
	}
	return nil
}

// MayManage: the clip named id (confirm, parts, complete, abort) is for
// organisers and its unit's admins. Errors: ErrNotFound for an id that names
// no clip; fault.Forbidden "not_your_unit".
func MayManage(a contest.Actor, id string) error {
	unit, ok := UnitOf(id)
	if !ok {
		return ErrNotFound()
	}
	if !a.MayManageClips(unit) {
		return fault.Forbidden("not_your_unit", "Bạn chỉ được thao tác trên video clip của đơn vị mình.")
	}
	return nil
}

// MayScore: the jury scores clips. Errors: fault.Forbidden "jury_only".
func MayScore(a contest.Actor) error {
	if !a.MayScoreClip() {
		return fault.Forbidden("jury_only", "Chỉ thành viên Ban Giám khảo được chấm điểm video clip.")
	}
	return nil
}

// MaySeeRanking: organisers and the jury see the clip ranking as it stands.
// Errors: fault.Forbidden "not_allowed".
func MaySeeRanking(a contest.Actor) error {
	if !a.MaySeeClipRanking() {
		return fault.Forbidden("not_allowed", "Chỉ Ban Tổ chức và Ban Giám khảo được xem bảng xếp hạng video clip.")
	}
	return nil
}

// MayPublishRanking: organisers publish the clip ranking.
// Errors: fault.Forbidden "organiser_only".
func MayPublishRanking(a contest.Actor) error {
	if !a.MayPublishClipRanking() {
		return fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được công bố kết quả.")
	}
	return nil
}

// MayFollowJury: organisers follow each juror's progress.
// Errors: fault.Forbidden "organiser_only".
func MayFollowJury(a contest.Actor) error {
	if !a.MayFollowJury() {
		return fault.Forbidden("organiser_only", "Chỉ Ban Tổ chức được theo dõi tiến độ chấm của Ban Giám khảo.")
	}
	return nil
}

// Audience is how a list of clips is shown.
type Audience int

// Audiences of a list of clips.
const (
	// ForUnit: the unit's own clips, everything but the object key, with the quota.
	ForUnit Audience = iota + 1
	// ForOrganiser: every clip, with the jury's averages and links to watch
	// accepted ones.
	ForOrganiser
	// ForJury: the accepted clips with links to watch them, no uploader, the
	// juror's own scores.
	ForJury
	// ForPublic: the gallery, the accepted clips with links to watch them,
	// no uploader.
	ForPublic
)

// Listing is what GET /clips shows an actor: the clips of Unit ("" for all)
// with Status ("" for any), shown to Audience.
type Listing struct {
	Audience Audience
	Unit     string
	Status   string
}

// Scored reports whether the listing shows the jury's scores (and the criteria).
func (l Listing) Scored() bool { return l.Audience == ForOrganiser || l.Audience == ForJury }

// ListingFor is what an actor asking for the clips of unit with status (the
// query's filters, "" when absent) may see. Errors: fault.Invalid
// "invalid_filter"; fault.Forbidden "not_your_unit", "not_allowed".
func ListingFor(a contest.Actor, unit, status string) (Listing, error) {
	switch {
	case a.Has(contest.RoleOrganiser):
		if (unit != "" && !contest.ValidID(unit)) || (status != "" && !ValidStatus(status)) {
			return Listing{}, fault.Invalid("invalid_filter", "Bộ lọc không hợp lệ (unit, status = uploading | accepted | rejected).")
		}
		return Listing{Audience: ForOrganiser, Unit: unit, Status: status}, nil
	case a.Has(contest.RoleJury):
		return Listing{Audience: ForJury, Status: Accepted}, nil
	case a.MayUploadClip():
		if unit != "" && unit != a.UnitID {
			return Listing{}, fault.Forbidden("not_your_unit", "Bạn chỉ được xem video clip của đơn vị mình.")
		}
		return Listing{Audience: ForUnit, Unit: a.UnitID}, nil
	}
	return Listing{}, fault.Forbidden("not_allowed", "Bạn không có quyền xem danh sách video clip.")
}

// Gallery is the public list of a contest's clips: its accepted ones. The
// contest is contestID, or fallback (the deployment's) when none is named.
// Errors: fault.NotFound "contest_not_found".
func Gallery(contestID, fallback string) (string, Listing, error) {
	if contestID == "" {
		contestID = fallback
	}
	if !contest.ValidID(contestID) {
		return "", Listing{}, fault.NotFound("contest_not_found", "Không tìm thấy Hội thi.")
	}
	return contestID, Listing{Audience: ForPublic, Status: Accepted}, nil
}

// Entrant is the unit unitID among units, if it sends clips.
// Errors: fault.Forbidden "unit_not_found"; ErrNotEntered.
func (s Settings) Entrant(units []contest.Unit, unitID string) (contest.Unit, error) {
	i := slices.IndexFunc(units, func(u contest.Unit) bool { return u.ID == unitID })
	if i < 0 {
		return contest.Unit{}, fault.Forbidden("unit_not_found", "Đơn vị của bạn không có trong danh sách của Hội thi.")
	}
	if !s.MayEnter(units[i]) {
		return contest.Unit{}, ErrNotEntered()
	}
	return units[i], nil
}

// Jurors are the jury among a contest's staff.
func Jurors(contestID string, staff []contest.Member) []Juror {
	var out []Juror
	for _, m := range staff {
		if m.Has(contest.RoleJury) {
			out = append(out, Juror{ID: contest.ParticipantID(contestID, m.Email), Email: m.Email, Name: m.Name})
		}
	}
	return out
}
