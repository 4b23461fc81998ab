package memstore

import (
	"context"
	"slices"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// ListMembers returns the contest's roster in e-mail order.
func (s *Store) ListMembers(_ context.Context, contestID string) ([]contest.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := sortedValues(s.members[contestID])
	for i := range out {
		out[i].Roles = slices.Clone(out[i].Roles)
	}
	return out, nil
}

// ReplaceRoster makes members the contest's roster at once (as
// shared/dynamo's, whose version id it ignores); citizens not in members stay.
func (s *Store) ReplaceRoster(_ context.Context, contestID, _ string, members []contest.Member) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := map[string]contest.Member{}
	for _, m := range s.members[contestID] {
		if m.Audience == contest.AudienceCitizen {
			next[m.Email] = m
		}
	}
	for _, m := range members {
		m.Roles = slices.Clone(m.Roles)
		next[m.Email] = m
	}
	s.members[contestID] = next
	return nil
}

// UpdateRoster makes members the contest's roster at once, as ReplaceRoster
// (shared/dynamo's writes only the changes when they are few; the result is
// the same).
func (s *Store) UpdateRoster(ctx context.Context, contestID, version string, members []contest.Member, _ []contest.RosterChange) error {
	return s.ReplaceRoster(ctx, contestID, version, members)
}

// ReplaceUnits makes units the contest's units at once.
func (s *Store) ReplaceUnits(_ context.Context, contestID, _ string, units []contest.Unit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := map[string]contest.Unit{}
	for _, u := range units {
		next[u.ID] = u
	}
	s.units[contestID] = next
	return nil
}

// AppendAudit appends an entry; an id used already is fault.Conflict.
func (s *Store) AppendAudit(_ context.Context, contestID string, e audit.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.audit == nil {
		s.audit = map[string][]audit.Entry{}
	}
	for _, old := range s.audit[contestID] {
		if old.ID == e.ID && old.At.Equal(e.At) {
			return fault.Conflict("audit_exists", "Mục nhật ký này đã có.")
		}
	}
	s.audit[contestID] = append(s.audit[contestID], e)
	return nil
}

// ListAudit returns the entries the query selects, newest first (at most limit).
func (s *Store) ListAudit(_ context.Context, contestID string, q audit.Query, limit int) ([]audit.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := slices.Clone(s.audit[contestID])
	slices.SortStableFunc(all, audit.Compare)
	var out []audit.Entry
	for _, e := range all {
		if len(out) == limit {
			break
		}
		if q.Match(e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// PutRounds writes rounds at once.
func (s *Store) PutRounds(ctx context.Context, rounds []contest.Round) error {
	for _, r := range rounds {
		if err := s.PutRound(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
