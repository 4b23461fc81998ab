package contest_test

import (
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
)

func TestDiffRoster(t *testing.T) {
	staff := func(email, unit, name string, roles ...contest.Role) contest.Member {
		return contest.Member{Email: email, Name: name, UnitID: unit, Audience: contest.AudienceStaff, Roles: roles}
	}
	old := []contest.Member{
		staff("a@x.vn", "u1", "An"), staff("b@x.vn", "u1", "Bình"), staff("c@x.vn", "u2", "Chi"), staff("d@x.vn", "u2", "Dũng", contest.RoleParticipant),
	}
	now := []contest.Member{
		staff("a@x.vn", "u1", "An"),   // the same
		staff("b@x.vn", "u2", "Bình"), // moved
		staff("d@x.vn", "u2", "Dũng", contest.RoleParticipant, contest.RoleUnitAdmin), // roles changed
		staff("e@x.vn", "u1", "Em"), // added
	} // c@x.vn leaves
	t.Run("a move, a change of roles, a newcomer and a leaver are each listed once", func(t *testing.T) {
		got := DiffSummary(contest.DiffRoster(old, now))
		want := []string{"b@x.vn changed", "d@x.vn changed", "e@x.vn added", "c@x.vn leaves"}
		if len(got) != len(want) {
			t.Fatalf("changes %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("change %d: %q, want %q", i, got[i], want[i])
			}
		}
	})
	t.Run("the same roster again changes nobody", func(t *testing.T) {
		if got := contest.DiffRoster(old, old); len(got) != 0 {
			t.Errorf("changes %v", DiffSummary(got))
		}
	})
}

// DiffSummary names each change: "<email> added|leaves|changed".
func DiffSummary(cs []contest.RosterChange) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		switch {
		case c.Before == nil:
			out[i] = c.Email + " added"
		case c.After == nil:
			out[i] = c.Email + " leaves"
		default:
			out[i] = c.Email + " changed"
		}
	}
	return out
}
