package contest_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

// startStore is the papers of one entrant in one round, by attempt, as the
// ports of contest.Starting see them; racer, when set, stores a paper of
// its own just before each create (another device's concurrent start).
type startStore struct {
	papers  map[int]*contest.Paper
	racer   func(attempt int) *contest.Paper
	settled []int
}

func (s *startStore) list() ([]*contest.Paper, error) {
	var out []*contest.Paper
	for _, p := range s.papers {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *contest.Paper) int { return a.Attempt - b.Attempt })
	return out, nil
}

func (s *startStore) create(p *contest.Paper) (*contest.Paper, bool, error) {
	if s.racer != nil && s.papers[p.Attempt] == nil {
		s.papers[p.Attempt] = s.racer(p.Attempt)
	}
	if stored := s.papers[p.Attempt]; stored != nil {
		return stored, false, nil
	}
	s.papers[p.Attempt] = p
	return p, true, nil
}

func (s *startStore) settle(now time.Time, grace time.Duration) func(*contest.Paper) (*contest.Paper, error) {
	return func(p *contest.Paper) (*contest.Paper, error) {
		if p.Overdue(now, grace) {
			p.Status, s.settled = contest.PaperSubmitted, append(s.settled, p.Attempt)
		}
		return p, nil
	}
}

func TestWhichAttemptAStartResumesOrStarts(t *testing.T) {
	now := time.Date(2026, 3, 11, 9, 0, 0, 0, contest.ICT)
	grace := time.Minute
	round := func(attempts int) contest.Round {
		return contest.Round{ID: "tuan-2", BankID: "ngan-hang-01", Audience: contest.AudienceStaff, QuestionCount: 3,
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), TimeLimit: 20 * time.Minute, Attempts: attempts}
	}
	paper := func(attempt int, status contest.PaperStatus, deadline time.Time) *contest.Paper {
		return &contest.Paper{RoundID: "tuan-2", ParticipantID: "p1", Attempt: attempt, Status: status, Deadline: deadline}
	}
	inProgress := func(a int) *contest.Paper { return paper(a, contest.PaperInProgress, now.Add(10*time.Minute)) }
	submitted := func(a int) *contest.Paper { return paper(a, contest.PaperSubmitted, now.Add(-30*time.Minute)) }
	overdue := func(a int) *contest.Paper { return paper(a, contest.PaperInProgress, now.Add(-30*time.Minute)) }
	entrant := contest.Entrant{ContestID: "demo", ParticipantID: "p1", Email: "a@demo.vn", Audience: contest.AudienceStaff,
		Roles: []contest.Role{contest.RoleParticipant}}
	tests := []struct {
		name        string
		attempts    int
		stored      []*contest.Paper
		racer       func(int) *contest.Paper
		wantAttempt int
		wantCreated bool
		wantSettled []int
		code        string
	}{
		{"a first start creates attempt 1", 1, nil, nil, 1, true, nil, ""},
		{"a start with a paper in progress resumes it", 1, []*contest.Paper{inProgress(1)}, nil, 1, false, nil, ""},
		{"a start after the only attempt is refused", 1, []*contest.Paper{submitted(1)}, nil, 0, false, nil, "attempts_used"},
		{"a start after an overdue only attempt closes it and is refused", 1, []*contest.Paper{overdue(1)}, nil, 0, false, []int{1}, "attempts_used"},
		{"a start with attempts left creates the next", 3, []*contest.Paper{submitted(1)}, nil, 2, true, nil, ""},
		{"a start with attempts left resumes the one in progress", 3, []*contest.Paper{submitted(1), inProgress(2)}, nil, 2, false, nil, ""},
		{"a start with attempts left closes an overdue one and creates the next", 3, []*contest.Paper{overdue(1)}, nil, 2, true, []int{1}, ""},
		{"a start after every attempt is refused", 2, []*contest.Paper{submitted(1), submitted(2)}, nil, 0, false, nil, "attempts_used"},
		{"a start that loses the race to a paper in progress resumes it", 3, nil, inProgress, 1, false, nil, ""},
		{"a start that loses every try to submitted papers gives up", 10, nil, submitted, 0, false, nil, "start_conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &startStore{papers: map[int]*contest.Paper{}, racer: tt.racer}
			for _, p := range tt.stored {
				s.papers[p.Attempt] = p
			}
			p, created, err := entrant.Start(contest.Starting{Round: round(tt.attempts), Bank: paperBank(t), Now: now, Grace: grace,
				Rand:   func() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) },
				Papers: s.list, Create: s.create, Settle: s.settle(now, grace)})
			if fault.CodeOf(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
			if tt.code == "" && (p.Attempt != tt.wantAttempt || created != tt.wantCreated || p.Status != contest.PaperInProgress) {
				t.Errorf("got attempt %d created %v status %s, want attempt %d created %v", p.Attempt, created, p.Status, tt.wantAttempt, tt.wantCreated)
			}
			if !slices.Equal(s.settled, tt.wantSettled) {
				t.Errorf("settled %v, want %v", s.settled, tt.wantSettled)
			}
		})
	}
}
