package contest

import (
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

// Status is where a round is in its week.
type Status string

const (
	StatusUpcoming Status = "upcoming"
	StatusOpen     Status = "open"
	StatusClosed   Status = "closed"
)

// Round is one weekly round (tuần thi) for one audience.
type Round struct {
	ContestID     string        `json:"contestId"`
	ID            string        `json:"id"`
	Title         string        `json:"title"`
	Audience      Audience      `json:"audience"`
	OpensAt       time.Time     `json:"opensAt"`
	ClosesAt      time.Time     `json:"closesAt"`
	QuestionCount int           `json:"questionCount"`
	TimeLimit     time.Duration `json:"timeLimit"`
	// Attempts is how many papers one person may submit (the best counts).
	Attempts int    `json:"attempts"`
	BankID   string `json:"bankId"`
	// PublishedAt is when the round's final results were published (zero: not yet).
	PublishedAt time.Time `json:"publishedAt,omitzero"`
	// AllCorrect is the published results' all-correct count (the answer to
	// the prediction question); nil until then, or for a round published
	// before the count was recorded.
	AllCorrect *int `json:"allCorrect,omitempty"`
}

// KeepPublication copies old's publication (its time and all-correct count)
// onto r: a round written again (an import, the demo's seeding) keeps it.
func (r *Round) KeepPublication(old Round) {
	r.PublishedAt, r.AllCorrect = old.PublishedAt, old.AllCorrect
}

// KnownAllCorrect is the all-correct count to rank a paper by (Counts), -1
// while it is not known.
func (r Round) KnownAllCorrect() int {
	if r.PublishedAt.IsZero() || r.AllCorrect == nil {
		return -1
	}
	return *r.AllCorrect
}

// Status reports the round's status at now (opens inclusive, closes exclusive).
func (r Round) Status(now time.Time) Status {
	switch {
	case now.Before(r.OpensAt):
		return StatusUpcoming
	case now.Before(r.ClosesAt):
		return StatusOpen
	default:
		return StatusClosed
	}
}

// CheckOpen returns a Closed error unless the round is open at now.
func (r Round) CheckOpen(now time.Time) error {
	switch r.Status(now) {
	case StatusUpcoming:
		return fault.Closed("round_not_open", "Tuần thi chưa bắt đầu. Vui lòng quay lại lúc "+r.OpensAt.In(ICT).Format("15:04 02/01/2006")+".")
	case StatusClosed:
		return fault.Closed("round_closed", "Tuần thi đã kết thúc.")
	}
	return nil
}

// CheckAttempt returns attempts_used unless attempt n (from 1) may start.
func (r Round) CheckAttempt(n int) error {
	switch {
	case n <= r.Attempts:
		return nil
	case r.Attempts == 1:
		return fault.Conflict("attempts_used", "Bạn đã dự thi tuần này. Mỗi người chỉ được dự thi một lần mỗi tuần.")
	default:
		return fault.Conflict("attempts_used", "Bạn đã dùng hết số lượt dự thi của tuần này.")
	}
}

// Deadline is when a paper started at startedAt must be submitted: the time
// limit from the start, but never after the round closes.
func (r Round) Deadline(startedAt time.Time) time.Time {
	d := r.ClosesAt
	if r.TimeLimit > 0 {
		if byLimit := startedAt.Add(r.TimeLimit); byLimit.Before(d) {
			d = byLimit
		}
	}
	return d
}

// Validate checks an organiser's round definition.
func (r Round) Validate() error {
	switch {
	case !ValidID(r.ID):
		return fault.Invalid("invalid_round", "Mã tuần thi không hợp lệ (chỉ chữ thường, số và dấu gạch ngang).")
	case r.Title == "":
		return fault.Invalid("invalid_round", "Tuần thi cần có tên.")
	case !r.Audience.Valid():
		return fault.Invalid("invalid_round", "Đối tượng dự thi không hợp lệ.")
	case !r.OpensAt.Before(r.ClosesAt):
		return fault.Invalid("invalid_round", "Thời điểm mở phải trước thời điểm đóng.")
	case r.QuestionCount < 1 || r.QuestionCount > MaxQuestions:
		return fault.Invalid("invalid_round", "Số câu hỏi mỗi đề phải từ 1 đến 50.")
	case r.TimeLimit < 0:
		return fault.Invalid("invalid_round", "Thời gian làm bài không hợp lệ.")
	case r.Attempts < 1 || r.Attempts > 10:
		return fault.Invalid("invalid_round", "Số lượt dự thi phải từ 1 đến 10.")
	case !ValidID(r.BankID):
		return fault.Invalid("invalid_round", "Mã ngân hàng câu hỏi không hợp lệ.")
	}
	return nil
}

// CheckChange returns a Conflict error, and the field it concerns, when
// next may not replace r at now: a round that has opened has drawn papers
// from its bank with its question count, time limit and attempts, for its
// audience from its opening time, and keeps them all (its title and closing
// time may still change). An upcoming round may change in every field.
func (r Round) CheckChange(next Round, now time.Time) (field string, err error) {
	if now.Before(r.OpensAt) {
		return "", nil
	}
	opened := "Tuần thi đã mở (từ " + r.OpensAt.In(ICT).Format("15:04 02/01/2006") + "): "
	switch {
	case r.BankID != next.BankID || r.QuestionCount != next.QuestionCount:
		return "bankId", fault.Conflict("round_opened", opened+"không đổi được bộ câu hỏi hay số câu.")
	case r.TimeLimit != next.TimeLimit:
		return "timeLimitMinutes", fault.Conflict("round_opened", opened+"không đổi được thời gian làm bài.")
	case r.Attempts != next.Attempts:
		return "attempts", fault.Conflict("round_opened", opened+"không đổi được số lượt thi.")
	case r.Audience != next.Audience || !r.OpensAt.Equal(next.OpensAt):
		return "opensAt", fault.Conflict("round_opened", opened+"không đổi được đối tượng hay thời điểm bắt đầu.")
	}
	return "", nil
}
