package importer

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
)

// RoleLabels are the roles in the console's words.
var RoleLabels = map[contest.Role]string{
	contest.RoleParticipant: "Thí sinh", contest.RoleUnitAdmin: "Quản trị đơn vị",
	contest.RoleOrganiser: "Ban Tổ chức", contest.RoleJury: "Giám khảo",
}

// RoleChange is what a roles change does to one person, for the dry run to
// show and the audit log to keep: the roles gained and lost, the unit
// before and after, and whether the person joins the roster.
type RoleChange struct {
	Email    string         `json:"email"`
	Name     string         `json:"name"`
	Newcomer bool           `json:"newcomer"`
	Gained   []contest.Role `json:"gained"`
	Lost     []contest.Role `json:"lost"`
	UnitFrom string         `json:"unitFrom,omitempty"`
	UnitTo   string         `json:"unitTo,omitempty"`
	// Changed is whether anything changes at all.
	Changed bool `json:"changed"`
	// MayCompete is whether the person may still compete after the change.
	MayCompete bool `json:"mayCompete"`
	// Text says it in words: "Nguyễn Văn An (an@hue.gov.vn): nhận Quản
	// trị đơn vị; thôi Giám khảo; đơn vị Sở Nội vụ → Sở Tư pháp".
	Text string `json:"text"`
}

// CompareRoles is the change from person old (found false: not on the
// roster) to next (CheckRoles' answer) in a contest of the given units.
func CompareRoles(old contest.Member, found bool, next contest.Member, units []contest.Unit) RoleChange {
	ch := RoleChange{Email: next.Email, Name: next.Name, Newcomer: !found, Gained: []contest.Role{}, Lost: []contest.Role{}, MayCompete: contest.MayCompete(next.Roles)}
	for _, r := range next.Roles {
		if !slices.Contains(old.Roles, r) {
			ch.Gained = append(ch.Gained, r)
		}
	}
	for _, r := range old.Roles {
		if !slices.Contains(next.Roles, r) {
			ch.Lost = append(ch.Lost, r)
		}
	}
	if old.UnitID != next.UnitID {
		ch.UnitFrom, ch.UnitTo = old.UnitID, next.UnitID
	}
	ch.Changed = !found || len(ch.Gained) > 0 || len(ch.Lost) > 0 || old.UnitID != next.UnitID
	name := func(id string) string {
		if id == "" {
			return "không thuộc đơn vị nào"
		}
		if i := slices.IndexFunc(units, func(u contest.Unit) bool { return u.ID == id }); i >= 0 {
			return units[i].Name
		}
		return id
	}
	var parts []string
	if !found {
		parts = append(parts, "thêm vào danh sách dự thi")
	}
	if len(ch.Gained) > 0 {
		parts = append(parts, "nhận "+roleList(ch.Gained))
	}
	if len(ch.Lost) > 0 {
		parts = append(parts, "thôi "+roleList(ch.Lost))
	}
	if old.UnitID != next.UnitID {
		parts = append(parts, fmt.Sprintf("đơn vị %s → %s", name(old.UnitID), name(next.UnitID)))
	}
	if len(parts) == 0 {
		parts = append(parts, "không thay đổi")
	}
	who := next.Email
	if next.Name != "" {
		who = next.Name + " (" + next.Email + ")"
	}
	ch.Text = who + ": " + strings.Join(parts, "; ")
	if ch.Changed && !ch.MayCompete && slices.Contains(next.Roles, contest.RoleParticipant) {
		ch.Text += " (vẫn làm bài nhưng không xét giải)"
	}
	return ch
}

func roleList(roles []contest.Role) string {
	words := make([]string, len(roles))
	for i, r := range roles {
		words[i] = RoleLabels[r]
	}
	return strings.Join(words, ", ")
}

// AuditEntry is the audit log's entry of the change, made by cur.Actor at
// cur.Now (roles before and after, by their labels, and the units).
func (ch RoleChange) AuditEntry(cur Current, old, next contest.Member) (audit.Entry, error) {
	before := "chưa có trong danh sách"
	if !ch.Newcomer {
		before = fmt.Sprintf("%s; đơn vị %q", roleList(old.Roles), old.UnitID)
	}
	return audit.New(cur.Now, cur.Actor, audit.RolesUpdate, ch.Text, before, fmt.Sprintf("%s; đơn vị %q", roleList(next.Roles), next.UnitID))
}

// importActions are the audit actions of the kinds' imports.
var importActions = map[Kind]string{
	KindUnits: audit.ImportUnits, KindRoster: audit.ImportRoster,
	KindBank: audit.ImportBank, KindRounds: audit.ImportRounds,
}

// AuditEntry is the audit log's entry of the written import c, by cur.Actor
// at cur.Now: its summary, and what it replaced and wrote.
func (c *Checked) AuditEntry(cur Current) (audit.Entry, error) {
	var before, after string
	switch c.Kind {
	case KindUnits:
		before, after = fmt.Sprintf("%d đơn vị", len(cur.Units)), fmt.Sprintf("%d đơn vị", len(c.Units))
	case KindRoster:
		before, after = fmt.Sprintf("%d người", len(cur.Members)), fmt.Sprintf("%d người", len(c.Members))
	case KindBank:
		if n, ok := cur.Banks[c.Bank.ID]; ok {
			before = fmt.Sprintf("bộ %s đã có (%d câu)", c.Bank.ID, n)
		}
		after = fmt.Sprintf("bộ %s, %d câu", c.Bank.ID, len(c.Bank.Questions))
	case KindRounds:
		before, after = fmt.Sprintf("%d tuần thi", len(cur.Rounds)), fmt.Sprintf("%d tuần thi trong tệp", len(c.Rounds))
	}
	return audit.New(cur.Now, cur.Actor, importActions[c.Kind], c.SummaryText(), before, after)
}

// RoundsEntry is the audit log's entry of rounds c written by action
// (audit.RoundsCreate or RoundsUpdate) with the given summary.
func (c *Checked) RoundsEntry(cur Current, action, summary string) (audit.Entry, error) {
	ids := make([]string, len(c.Rounds))
	for i, rd := range c.Rounds {
		ids[i] = rd.ID
	}
	return audit.New(cur.Now, cur.Actor, action, summary+" ("+c.Changes.Text+")", fmt.Sprintf("%d tuần thi", len(cur.Rounds)), strings.Join(ids, ", "))
}

// Summary is the weekly spec in words, for the audit log.
func (s WeeklySpec) Summary() string {
	return fmt.Sprintf("Tạo %d tuần thi từ thứ Hai %s: %d câu, %v phút, %d lượt, bộ câu hỏi %s", s.Weeks, s.FirstMonday, s.QuestionCount, s.TimeLimitMinutes, s.Attempts, s.BankID)
}

// AuditEntry is the audit log's entry of settings changed from old to next
// by actor at the given time (both whole, as JSON).
func (ch SettingsChange) AuditEntry(at time.Time, actor string, old, next contest.Contest) (audit.Entry, error) {
	before, _ := json.Marshal(old)
	after, _ := json.Marshal(next)
	return audit.New(at, actor, audit.SettingsUpdate, "Đổi thiết lập: "+strings.Join(ch.Fields, ", "), string(before), string(after))
}
