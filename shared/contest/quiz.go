package contest

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

// The quiz's own rules: who may start a paper of a round, the paper a start
// draws, and what the quiz shows of rounds and of one's papers.

// ErrContestNotFound names no contest.
func ErrContestNotFound() error {
	return fault.NotFound("contest_not_found", "Không tìm thấy cuộc thi.")
}

// ErrRoundNotFound names no round.
func ErrRoundNotFound() error {
	return fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
}

// ContestIn is the contest a request names (named, or fallback when it names
// none). Errors: ErrContestNotFound when the id is malformed.
func ContestIn(named, fallback string) (string, error) {
	if named == "" {
		named = fallback
	}
	if !ValidID(named) {
		return "", ErrContestNotFound()
	}
	return named, nil
}

// CheckRoundID refuses a malformed round id. Errors: ErrRoundNotFound.
func CheckRoundID(id string) error {
	if !ValidID(id) {
		return ErrRoundNotFound()
	}
	return nil
}

// OwnPaper parses a paper id that must be participantID's own paper.
// Errors: ParsePaperID's; fault.Forbidden "not_your_paper".
func OwnPaper(paperID, participantID string) (PaperRef, error) {
	ref, err := ParsePaperID(paperID)
	if err == nil && ref.ParticipantID != participantID {
		err = fault.Forbidden("not_your_paper", "Bạn không có quyền xem bài thi này.")
	}
	return ref, err
}

// Entrant is who starts a paper: a session's holder in a contest.
type Entrant struct {
	ContestID, ParticipantID, Email, Name, UnitID string
	Audience                                      Audience
	Roles                                         []Role
}

// CheckCompetes refuses organisers and their support staff (MayCompete)
// before any round is read. Errors: fault.Forbidden "not_allowed_to_compete".
func (e Entrant) CheckCompetes() error {
	if !MayCompete(e.Roles) {
		return fault.Forbidden("not_allowed_to_compete", "Thành viên Ban tổ chức và tổ giúp việc không được tham gia dự thi.")
	}
	return nil
}

// CheckStart reports whether e may start a paper of round r at now.
// Errors: CheckCompetes'; Round.CheckOpen's; fault.Forbidden "wrong_audience".
func (e Entrant) CheckStart(r Round, now time.Time) error {
	if err := e.CheckCompetes(); err != nil {
		return err
	}
	if err := r.CheckOpen(now); err != nil {
		return err
	}
	if r.Audience != e.Audience {
		return fault.Forbidden("wrong_audience", "Tuần thi này dành cho đối tượng khác; vui lòng chọn đúng phần thi của mình.")
	}
	return nil
}

// NewPaper is e's attempt at round r started at now from from: its
// questions drawn from bank with rng (Draw), its deadline the round's.
// Errors: Draw's.
func (e Entrant) NewPaper(r Round, bank *Bank, attempt int, now time.Time, from Requester, rng *rand.Rand) (*Paper, error) {
	items, key, err := Draw(bank, r.QuestionCount, rng)
	if err != nil {
		return nil, err
	}
	now = now.Truncate(time.Millisecond)
	return &Paper{
		ContestID: e.ContestID, RoundID: r.ID, ParticipantID: e.ParticipantID, Attempt: attempt,
		Email: e.Email, Name: e.Name, UnitID: e.UnitID, Audience: e.Audience, BankID: r.BankID,
		Items: items, Key: key, StartedAt: now, Deadline: r.Deadline(now),
		Answers: map[string]string{}, Status: PaperInProgress, StartedFrom: from,
	}, nil
}

// RoundView is a round as the public list shows it.
type RoundView struct {
	ID               string    `json:"id"`
	Title            string    `json:"title"`
	Audience         Audience  `json:"audience"`
	OpensAt          time.Time `json:"opensAt"`
	ClosesAt         time.Time `json:"closesAt"`
	Status           Status    `json:"status"`
	QuestionCount    int       `json:"questionCount"`
	TimeLimitSeconds int       `json:"timeLimitSeconds"`
	Attempts         int       `json:"attempts"`
}

// RoundViews are the rounds as the public list shows them at now, by
// opening time, their times in ICT.
func RoundViews(rounds []Round, now time.Time) []RoundView {
	rounds = slices.Clone(rounds)
	slices.SortFunc(rounds, func(a, b Round) int { return a.OpensAt.Compare(b.OpensAt) })
	views := make([]RoundView, 0, len(rounds))
	for _, r := range rounds {
		views = append(views, RoundView{
			ID: r.ID, Title: r.Title, Audience: r.Audience, OpensAt: r.OpensAt.In(ICT), ClosesAt: r.ClosesAt.In(ICT),
			Status: r.Status(now), QuestionCount: r.QuestionCount, TimeLimitSeconds: int(r.TimeLimit / time.Second), Attempts: r.Attempts,
		})
	}
	return views
}

// PaperSummary is one of one's papers in a round, as one's list shows it.
type PaperSummary struct {
	ID        string      `json:"id"`
	Attempt   int         `json:"attempt"`
	Status    PaperStatus `json:"status"`
	StartedAt time.Time   `json:"startedAt"`
	Deadline  time.Time   `json:"deadline"`
	Result    *Result     `json:"result,omitempty"`
	// Counts marks the submitted paper that counts (Counts).
	Counts bool `json:"counts,omitempty"`
	// Excluded says why the paper is not ranked, if an organiser excluded it.
	Excluded *ExclusionView `json:"excluded,omitempty"`
}

// Summaries are one's papers in a round as one's list shows them, counts
// the index of the paper that counts (Counts; -1 for none), times in ICT.
func Summaries(papers []*Paper, counts int) []PaperSummary {
	out := make([]PaperSummary, 0, len(papers))
	for i, p := range papers {
		s := PaperSummary{Counts: i == counts, ID: p.ID(), Attempt: p.Attempt, Status: p.Status,
			StartedAt: p.StartedAt.In(ICT), Deadline: p.Deadline.In(ICT), Excluded: p.Exclusion.View()}
		if p.Result != nil {
			res := *p.Result
			res.SubmittedAt = res.SubmittedAt.In(ICT)
			s.Result = &res
		}
		out = append(out, s)
	}
	return out
}
