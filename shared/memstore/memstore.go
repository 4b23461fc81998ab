// Package memstore keeps a contest in memory, behind the same methods as
// shared/dynamo's Store, for tests of the handlers' rules that need no server
// (testenv.SeededDemo uses it when the local servers are not running). It
// honours the conditional writes the handlers rely on: a paper is created
// only if absent (concurrent starts agree on one), answers are saved and a
// paper submitted only while it is in progress (a submission is stored once),
// a reminder is claimed once, a code is replaced only by who read it last
// and stored with its e-mail, a token bucket is never overdrawn. It imports no AWS package. Reads return copies:
// a caller changing what it read changes nothing stored.
package memstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// Store is a contest's data in memory; the zero value is not usable (New).
type Store struct {
	mu        sync.Mutex
	contests  map[string]contest.Contest
	rounds    map[string]map[string]contest.Round // contest → round id → round
	units     map[string]map[string]contest.Unit
	members   map[string]map[string]contest.Member // contest → e-mail → member
	papers    map[paperKey]*contest.Paper
	reminders map[string]bool
	audit     map[string][]audit.Entry // contest → entries in the order appended
	codes     map[personKey]codeRec
	buckets   map[string]time.Time       // contest#bucket#holder → when the bucket is full again
	runs      remindRuns                 // reminder runs and their outbox (reminders.go)
	practice  map[string][2]int          // contest/day/bank/question → answered, right
	clips     map[string]*clipBook       // contest → its clips, slots and scores (clips.go)
	scheduled map[string]scheduledRun    // claimed scheduled runs (schedule.go)
	registry  map[string]contest.Contest // the contests' registry entries (schedule.go)
}

type paperKey struct {
	contest string
	ref     contest.PaperRef
}

// New returns an empty store.
func New() *Store {
	return &Store{
		contests: map[string]contest.Contest{}, registry: map[string]contest.Contest{}, rounds: map[string]map[string]contest.Round{},
		units: map[string]map[string]contest.Unit{}, members: map[string]map[string]contest.Member{},
		papers: map[paperKey]*contest.Paper{}, reminders: map[string]bool{}, practice: map[string][2]int{},
		codes: map[personKey]codeRec{}, buckets: map[string]time.Time{},
	}
}

func inner[V any](m map[string]map[string]V, k string) map[string]V {
	if m[k] == nil {
		m[k] = map[string]V{}
	}
	return m[k]
}

// sortedValues returns m's values in key order (the table's sort-key order).
func sortedValues[V any](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// PutContest writes a contest's settings.
func (s *Store) PutContest(_ context.Context, c contest.Contest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contests[c.ID] = c
	s.registry[c.ID] = c // the registry's copy, together
	return nil
}

// GetContest reads a contest's settings; unknown contests are fault.NotFound.
func (s *Store) GetContest(_ context.Context, id string) (contest.Contest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.contests[id]
	if !ok {
		return contest.Contest{}, fault.NotFound("contest_not_found", "Không tìm thấy cuộc thi.")
	}
	return c, nil
}

// PutRound writes a round.
func (s *Store) PutRound(_ context.Context, r contest.Round) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inner(s.rounds, r.ContestID)[r.ID] = r
	return nil
}

// stored is a round as read back: at least one attempt, as the table's reads.
func stored(r contest.Round) contest.Round {
	r.Attempts = max(r.Attempts, 1)
	return r
}

// GetRound reads a round; unknown rounds are fault.NotFound.
func (s *Store) GetRound(_ context.Context, contestID, roundID string) (contest.Round, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rounds[contestID][roundID]
	if !ok {
		return contest.Round{}, fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
	}
	return stored(r), nil
}

// ListRounds returns a contest's rounds in id order.
func (s *Store) ListRounds(_ context.Context, contestID string) ([]contest.Round, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := sortedValues(s.rounds[contestID])
	for i := range out {
		out[i] = stored(out[i])
	}
	return out, nil
}

// MarkPublished records that a round's final results were published.
func (s *Store) MarkPublished(_ context.Context, contestID, roundID string, at time.Time, allCorrect int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rounds[contestID][roundID]
	if !ok {
		return fmt.Errorf("mark round published: no round %s", roundID)
	}
	r.PublishedAt, r.AllCorrect = at.Truncate(time.Millisecond), &allCorrect
	s.rounds[contestID][roundID] = r
	return nil
}

// PutUnit writes a unit.
func (s *Store) PutUnit(_ context.Context, contestID string, u contest.Unit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inner(s.units, contestID)[u.ID] = u
	return nil
}

// ListUnits returns a contest's units in id order.
func (s *Store) ListUnits(_ context.Context, contestID string) ([]contest.Unit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.units[contestID]), nil
}

// PutMember writes a roster entry (or a citizen's sign-up).
func (s *Store) PutMember(_ context.Context, contestID string, m contest.Member) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.Roles = slices.Clone(m.Roles)
	inner(s.members, contestID)[m.Email] = m
	return nil
}

// GetMember reads a person by e-mail; found is false when unknown.
func (s *Store) GetMember(_ context.Context, contestID, email string) (contest.Member, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.members[contestID][email]
	m.Roles = slices.Clone(m.Roles)
	return m, ok, nil
}

// ListRoster returns a unit's roster members (e-mail, name, roles), by e-mail.
func (s *Store) ListRoster(_ context.Context, contestID, unitID string) ([]contest.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []contest.Member
	for _, m := range sortedValues(s.members[contestID]) {
		if m.UnitID == unitID {
			out = append(out, contest.Member{Email: m.Email, Name: m.Name, UnitID: unitID, Roles: slices.Clone(m.Roles)})
		}
	}
	return out, nil
}

// ListStaff returns the contest's organisers, support staff and jury, by e-mail.
func (s *Store) ListStaff(_ context.Context, contestID string) ([]contest.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []contest.Member
	for _, m := range sortedValues(s.members[contestID]) {
		if m.IsStaff() {
			out = append(out, contest.Member{Email: m.Email, Name: m.Name, UnitID: m.UnitID, Roles: slices.Clone(m.Roles)})
		}
	}
	return out, nil
}

func copyPaper(p *contest.Paper) *contest.Paper {
	c := *p
	c.Items = slices.Clone(p.Items)
	c.Answers = maps.Clone(p.Answers)
	if c.Answers == nil {
		c.Answers = map[string]string{}
	}
	if p.SavedPrediction != nil {
		v := *p.SavedPrediction
		c.SavedPrediction = &v
	}
	if p.Result != nil {
		r := *p.Result
		c.Result = &r
	}
	if p.Exclusion != nil {
		e := *p.Exclusion
		c.Exclusion = &e
	}
	return &c
}

// CreatePaper stores a new paper unless one with the same round, participant
// and attempt exists; it returns the stored paper and whether it is p.
func (s *Store) CreatePaper(_ context.Context, p *contest.Paper) (*contest.Paper, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := paperKey{p.ContestID, p.Ref()}
	if old, ok := s.papers[k]; ok {
		return copyPaper(old), false, nil
	}
	s.papers[k] = copyPaper(p)
	return p, true, nil
}

// GetPaper reads a paper; unknown papers are fault.NotFound.
func (s *Store) GetPaper(_ context.Context, contestID string, ref contest.PaperRef, _ bool) (*contest.Paper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.papers[paperKey{contestID, ref}]
	if !ok {
		return nil, fault.NotFound("paper_not_found", "Không tìm thấy bài thi.")
	}
	return copyPaper(p), nil
}

// roundPapers returns a round's papers matching keep, by participant and attempt.
func (s *Store) roundPapers(contestID, roundID string, keep func(*contest.Paper) bool) []*contest.Paper {
	var out []*contest.Paper
	for k, p := range s.papers {
		if k.contest == contestID && k.ref.RoundID == roundID && keep(p) {
			out = append(out, copyPaper(p))
		}
	}
	slices.SortFunc(out, func(a, b *contest.Paper) int {
		return cmp.Or(cmp.Compare(a.ParticipantID, b.ParticipantID), cmp.Compare(a.Attempt, b.Attempt))
	})
	return out
}

// ListPapers returns a participant's papers in a round, by attempt.
func (s *Store) ListPapers(_ context.Context, contestID, roundID, participantID string) ([]*contest.Paper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.roundPapers(contestID, roundID, func(p *contest.Paper) bool { return p.ParticipantID == participantID }), nil
}

// GetPapers reads the papers of the given participants in a round, attempts
// 1 to attempts of each.
func (s *Store) GetPapers(_ context.Context, contestID, roundID string, participantIDs []string, attempts int) ([]*contest.Paper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.roundPapers(contestID, roundID, func(p *contest.Paper) bool {
		return slices.Contains(participantIDs, p.ParticipantID) && p.Attempt <= attempts
	}), nil
}

// SaveAnswers replaces the paper's saved answers (and the saved prediction,
// when given) while it is in progress; otherwise fault.Conflict.
func (s *Store) SaveAnswers(_ context.Context, p *contest.Paper, answers map[string]string, prediction *int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.papers[paperKey{p.ContestID, p.Ref()}]
	if !ok || cur.Status != contest.PaperInProgress {
		return fault.Conflict("paper_submitted", "Bài thi đã được nộp.")
	}
	cur.Answers = maps.Clone(answers)
	if prediction != nil {
		v := *prediction
		cur.SavedPrediction = &v
	}
	return nil
}

// MergeAnswers merges the sent answers into the stored ones
// (contest.MergeAnswers) and saves the prediction when given, while the
// paper is in progress; it returns the answers and saved prediction after.
func (s *Store) MergeAnswers(_ context.Context, p *contest.Paper, sent map[string]string, prediction *int) (map[string]string, *int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.papers[paperKey{p.ContestID, p.Ref()}]
	if !ok {
		return nil, nil, fault.NotFound("paper_not_found", "Không tìm thấy bài thi.")
	}
	if cur.Status != contest.PaperInProgress {
		return nil, nil, fault.Conflict("paper_submitted", "Bài thi đã được nộp.")
	}
	cur.Answers = contest.MergeAnswers(cur.Answers, sent)
	if prediction != nil {
		v := *prediction
		cur.SavedPrediction = &v
	}
	var saved *int
	if cur.SavedPrediction != nil {
		v := *cur.SavedPrediction
		saved = &v
	}
	return maps.Clone(cur.Answers), saved, nil
}

// SubmitPaper stores the graded result once: a paper no longer in progress
// comes back as stored, with false.
func (s *Store) SubmitPaper(_ context.Context, p *contest.Paper, answers map[string]string, r contest.Result) (*contest.Paper, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.papers[paperKey{p.ContestID, p.Ref()}]
	if !ok {
		return nil, false, fault.NotFound("paper_not_found", "Không tìm thấy bài thi.")
	}
	if cur.Status != contest.PaperInProgress {
		if cur.Result == nil {
			return nil, false, fmt.Errorf("submit paper %s: condition failed but no stored result", p.ID())
		}
		return copyPaper(cur), false, nil
	}
	r.SubmittedAt = r.SubmittedAt.Truncate(time.Millisecond)
	cur.Status, cur.Answers, cur.Result = contest.PaperSubmitted, maps.Clone(answers), &r
	cur.Responses, cur.SubmittedFrom = contest.ResponsesOf(cur, answers), p.SubmittedFrom
	return copyPaper(cur), true, nil
}

// SetExclusion records an organiser's exclusion of a submitted paper (nil:
// lifts it); a paper not submitted is a fault.Conflict.
func (s *Store) SetExclusion(_ context.Context, contestID string, ref contest.PaperRef, e *contest.Exclusion) (*contest.Paper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.papers[paperKey{contestID, ref}]
	if !ok {
		return nil, fault.NotFound("paper_not_found", "Không tìm thấy bài thi.")
	}
	if cur.Status != contest.PaperSubmitted {
		return nil, fault.Conflict("paper_not_submitted", "Bài thi chưa được nộp; chỉ bài đã nộp mới có thể bị loại khỏi bảng xếp hạng.")
	}
	cur.Exclusion = nil
	if e != nil {
		v := *e
		v.At = v.At.Truncate(time.Millisecond)
		cur.Exclusion = &v
	}
	return copyPaper(cur), nil
}

// ListInProgress returns a round's papers in progress with a deadline at or
// before deadlineBy: the candidates for closing overdue papers
// (contest.Paper.Overdue decides).
func (s *Store) ListInProgress(_ context.Context, contestID, roundID string, deadlineBy time.Time) ([]*contest.Paper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.roundPapers(contestID, roundID, func(p *contest.Paper) bool {
		return p.Status == contest.PaperInProgress && !p.Deadline.After(deadlineBy)
	}), nil
}

// EachInProgress hands each what ListInProgress lists, InProgressPage
// papers at most at a time, as the DynamoDB store pages its index.
func (s *Store) EachInProgress(ctx context.Context, contestID, roundID string, deadlineBy time.Time, each func([]*contest.Paper) error) error {
	papers, err := s.ListInProgress(ctx, contestID, roundID, deadlineBy)
	if err != nil {
		return err
	}
	for page := range slices.Chunk(papers, InProgressPage) {
		if err := each(page); err != nil {
			return fmt.Errorf("list papers in progress of %s: %w", roundID, err)
		}
	}
	return nil
}

// InProgressPage is the most papers EachInProgress hands over at a time
// (the DynamoDB store's dynamo.InProgressPage).
const InProgressPage = 500

// ClosePapers closes papers found overdue (contest.Paper.Overdue) and returns
// them as stored.
func (s *Store) ClosePapers(ctx context.Context, overdue []*contest.Paper) ([]*contest.Paper, error) {
	out := make([]*contest.Paper, len(overdue))
	for i, p := range overdue {
		stored, _, err := s.SubmitPaper(ctx, p, p.Answers, contest.CloseOverdue(p))
		if err != nil {
			return nil, fmt.Errorf("close overdue paper: %w", err)
		}
		out[i] = stored
	}
	return out, nil
}

// ListSubmitted returns a round's submitted papers as the ranking index
// lists them (no e-mail).
func (s *Store) ListSubmitted(_ context.Context, contestID, roundID string) ([]contest.Submitted, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []contest.Submitted
	for _, p := range s.roundPapers(contestID, roundID, func(p *contest.Paper) bool { return p.Status == contest.PaperSubmitted }) {
		sub, _ := p.Submitted()
		sub.Email, sub.Audience = "", ""
		out = append(out, sub)
	}
	return out, nil
}

// RankingShards is how many shards EachSubmitted splits a round into: one.
func (s *Store) RankingShards() int { return 1 }

// RankingShardOf is the ranking shard of a participant's papers: the only one.
func (s *Store) RankingShardOf(string) int { return 0 }

// EachSubmitted calls each for every submitted paper of the round's shard
// (the only one, 0), as ListSubmitted lists them.
func (s *Store) EachSubmitted(ctx context.Context, contestID, roundID string, shard int, each func(*contest.Submitted) error) error {
	if shard != 0 {
		return fmt.Errorf("ranking shard %d of %s: the store has one", shard, roundID)
	}
	papers, err := s.ListSubmitted(ctx, contestID, roundID)
	if err != nil {
		return err
	}
	for i := range papers {
		if err := each(&papers[i]); err != nil {
			return err
		}
	}
	return nil
}

// ListUnitPapers returns a unit's submitted papers in a round as the unit
// index lists them.
func (s *Store) ListUnitPapers(_ context.Context, contestID, roundID, unitID string) ([]contest.Submitted, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []contest.Submitted
	for _, p := range s.roundPapers(contestID, roundID, func(p *contest.Paper) bool {
		return p.Status == contest.PaperSubmitted && p.UnitID == unitID
	}) {
		sub, _ := p.Submitted()
		sub.Prediction, sub.TimeTakenMs, sub.Audience = 0, 0, ""
		out = append(out, sub)
	}
	return out, nil
}

// ClaimReminder records that a reminder of the slot goes to email for the
// round; false if one already went.
func (s *Store) ClaimReminder(_ context.Context, contestID, roundID, slot, email string, _ time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := contestID + "\x00" + roundID + "\x00" + slot + "\x00" + email
	if s.reminders[k] {
		return false, nil
	}
	s.reminders[k] = true
	return true, nil
}

// ReleaseReminder forgets a claim whose e-mail could not be sent.
func (s *Store) ReleaseReminder(_ context.Context, contestID, roundID, slot, email string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.reminders, contestID+"\x00"+roundID+"\x00"+slot+"\x00"+email)
	return nil
}
