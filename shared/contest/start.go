package contest

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

// Starting is what starting a paper of one round needs: the round, its
// bank, the clock and where the start came from, and the caller's ports to
// its store (functions/quiz gives its table's). The rule of which attempt is
// resumed or started is Entrant.Start's.
type Starting struct {
	Round Round
	Bank  *Bank
	Now   time.Time
	// Grace is how long after a deadline a paper still counts as in
	// progress (the grade function's submit grace).
	Grace time.Duration
	From  Requester
	// Rand draws a paper's questions; nil is NewRand (no two papers alike).
	Rand func() *rand.Rand
	// Papers lists the entrant's papers in the round, by attempt.
	Papers func() ([]*Paper, error)
	// Create puts p unless its attempt exists: the stored paper, and
	// whether p created it.
	Create func(p *Paper) (stored *Paper, created bool, err error)
	// Settle closes p if it is Overdue (CloseOverdue) and returns it as
	// stored; other papers are returned as they are.
	Settle func(p *Paper) (*Paper, error)
}

// startTries is how many attempts a start tries to create when others'
// concurrent starts took them first.
const startTries = 3

// Start returns e's paper in progress for the round, or starts the next
// attempt if one is left (created is then true). Concurrent starts agree on
// one paper: its key is (round, participant, attempt) and only one
// conditional put wins; an overdue paper found on the way is settled.
// Errors: Round.CheckAttempt's; NewPaper's; the ports'; fault.Conflict
// "start_conflict" when every try lost a race.
func (e Entrant) Start(s Starting) (p *Paper, created bool, err error) {
	if s.Rand == nil {
		s.Rand = NewRand
	}
	next := 1
	if s.Round.Attempts > 1 {
		papers, err := s.Papers()
		if err != nil {
			return nil, false, err
		}
		active, overdue, n := Resume(papers, s.Now, s.Grace)
		for _, p := range overdue {
			if _, err := s.Settle(p); err != nil {
				return nil, false, err
			}
		}
		if active != nil {
			return active, false, nil
		}
		next = n
	}
	for range startTries {
		if err := s.Round.CheckAttempt(next); err != nil {
			return nil, false, err
		}
		p, err := e.NewPaper(s.Round, s.Bank, next, s.Now, s.From, s.Rand())
		if err != nil {
			return nil, false, err
		}
		stored, created, err := s.Create(p)
		if err != nil {
			return nil, false, err
		}
		if created || stored.Active(s.Now, s.Grace) {
			return stored, created, nil
		}
		if _, err := s.Settle(stored); err != nil {
			return nil, false, err
		}
		next = stored.Attempt + 1
	}
	return nil, false, fault.Conflict("start_conflict", "Không thể bắt đầu bài thi lúc này; vui lòng thử lại.")
}

// NewRand is a source seeded from the system's randomness: no two papers
// draw alike.
func NewRand() *rand.Rand {
	var seed [16]byte
	_, _ = crand.Read(seed[:]) // never fails (crypto/rand's contract)
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
}
