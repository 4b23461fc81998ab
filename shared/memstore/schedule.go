package memstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// scheduledRun is a claimed scheduled run (contest.DueRun).
type scheduledRun struct {
	leaseUntil time.Time
	done       bool
}

// ListRegistry lists every contest's schedule and origins (the registry
// that the ticks and the CORS answers read), in id order.
func (s *Store) ListRegistry(_ context.Context) ([]contest.Contest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]contest.Contest, 0, len(s.registry))
	for _, c := range sortedValues(s.registry) {
		out = append(out, contest.Contest{ID: c.ID, Schedule: c.Schedule, Origins: slices.Clone(c.Origins)})
	}
	return out, nil
}

// RegisterContest puts the contest's registry entry if it has none: added
// is false when it was there (PutContest keeps it).
func (s *Store) RegisterContest(_ context.Context, c contest.Contest) (added bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.registry[c.ID]; ok {
		return false, nil
	}
	s.registry[c.ID] = c
	return true, nil
}

// PutContestBeforeRegistry writes a contest's settings without its registry
// entry, as a contest written before the registry existed: for the upgrade's
// tests (RegisterContest).
func (s *Store) PutContestBeforeRegistry(c contest.Contest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contests[c.ID] = c
	delete(s.registry, c.ID)
}

func runKeyOf(r contest.DueRun) string {
	return strings.Join([]string{r.Contest, r.Action, r.Round, r.Slot, r.Key}, "\x00")
}

// ClaimRun claims a due run for lease: false if it is done, or claimed by
// another start whose lease has not run out.
func (s *Store) ClaimRun(_ context.Context, r contest.DueRun, now time.Time, lease time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scheduled == nil {
		s.scheduled = map[string]scheduledRun{}
	}
	k := runKeyOf(r)
	if cur, ok := s.scheduled[k]; ok && (cur.done || now.Before(cur.leaseUntil)) {
		return false, nil
	}
	s.scheduled[k] = scheduledRun{leaseUntil: now.Add(lease)}
	return true, nil
}

// FinishRun marks a claimed run done: no tick starts it again.
func (s *Store) FinishRun(_ context.Context, r contest.DueRun, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scheduled[runKeyOf(r)] = scheduledRun{done: true}
	return nil
}

// ReleaseRun gives a claimed run that failed back to the next tick.
func (s *Store) ReleaseRun(_ context.Context, r contest.DueRun) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := runKeyOf(r); !s.scheduled[k].done {
		delete(s.scheduled, k)
	}
	return nil
}
