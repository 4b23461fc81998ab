package contest

import "slices"

// RosterChange is one person's change when a roster replaces another:
// Before is nil for someone added, After nil for someone who leaves.
type RosterChange struct {
	Email         string
	Before, After *Member
}

// DiffRoster lists the people whose entry differs between the roster old
// and its replacement now (added, leaving, moved, or changed in name,
// roles, audience or ward), by e-mail as now lists them, then the leavers.
// A store writes only these when the rest stays as it is.
func DiffRoster(old, now []Member) []RosterChange {
	before := make(map[string]int, len(old))
	for i, m := range old {
		before[m.Email] = i
	}
	var out []RosterChange
	seen := make(map[string]bool, len(now))
	for i := range now {
		m := &now[i]
		seen[m.Email] = true
		j, ok := before[m.Email]
		if !ok {
			out = append(out, RosterChange{Email: m.Email, After: m})
			continue
		}
		if o := &old[j]; !sameEntry(*o, *m) {
			out = append(out, RosterChange{Email: m.Email, Before: o, After: m})
		}
	}
	for i := range old {
		if !seen[old[i].Email] {
			out = append(out, RosterChange{Email: old[i].Email, Before: &old[i]})
		}
	}
	return out
}

func sameEntry(a, b Member) bool {
	return a.Email == b.Email && a.Name == b.Name && a.UnitID == b.UnitID && a.Ward == b.Ward && a.Audience == b.Audience && slices.Equal(a.Roles, b.Roles)
}
