package contest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Submitted is a submitted paper as the indexes list it: the ranking index
// (what the tally ranks) and the unit index (what participation counts). It
// is the one name for a graded paper seen from outside its own item; a
// listing fills the fields its index holds.
type Submitted struct {
	PaperID       string
	ParticipantID string
	Email         string
	Name          string
	UnitID        string
	Audience      Audience
	Attempt       int
	Correct       int
	Total         int
	Prediction    int
	TimeTakenMs   int64
	SubmittedAt   time.Time
	// Automatic: closed by the server at its deadline.
	Automatic bool
	// Responses, StartedFrom and SubmittedFrom (Requester.Device of each)
	// and Excluded (an exclusion's reason) are listed by the ranking index
	// for the tally's statistics and integrity review; other listings leave
	// them empty.
	Responses     Responses
	StartedFrom   string
	SubmittedFrom string
	Excluded      string
}

// StartedAt is when the paper was started (its submission less the time taken).
func (p Submitted) StartedAt() time.Time {
	return p.SubmittedAt.Add(-time.Duration(p.TimeTakenMs) * time.Millisecond)
}

// AllCorrect reports whether every answer was right.
func (p Submitted) AllCorrect() bool { return p.Total > 0 && p.Correct == p.Total }

// Submitted is a graded paper as the indexes list it; ok is false for a paper
// without a result.
func (p *Paper) Submitted() (s Submitted, ok bool) {
	r := p.Result
	if r == nil {
		return Submitted{}, false
	}
	return Submitted{PaperID: p.ID(), ParticipantID: p.ParticipantID, Email: p.Email, Name: p.Name, UnitID: p.UnitID,
		Audience: p.Audience, Attempt: p.Attempt, Correct: r.Correct, Total: r.Total, Prediction: r.Prediction,
		TimeTakenMs: r.TimeTakenMs, SubmittedAt: r.SubmittedAt, Automatic: r.Automatic, Responses: p.Responses,
		StartedFrom: p.StartedFrom.Device(), SubmittedFrom: p.SubmittedFrom.Device(), Excluded: p.Exclusion.reason()}, true
}

// RankingIndexKey is the sort key a submitted paper is stored under in the
// ranking index: "<999-correct>#<time taken ms>#<submitted at ms>#<paper id>",
// zero-padded.
//
// The key carries the numbers the tally needs besides the projected ones, so
// reading a round's whole index is all a tally reads. Its order (most correct,
// shortest time, earliest submission) is fixed and decides nothing: the key is
// written at submission, before the round's all-correct count (the prediction
// tie-break) is known and whatever tie-break order the contest has, and the
// tally reads every entry of the index and ranks them by the contest's order
// (shared/tally.Ranking). Keeping one encoding keeps items written under one
// order readable when a contest changes its order.
func RankingIndexKey(r Result, ref PaperRef) string {
	return fmt.Sprintf("%03d#%012d#%013d#%s", 999-r.Correct, r.TimeTakenMs, r.SubmittedAt.UnixMilli(), ref.ID())
}

// ParseRankingIndexKey reads RankingIndexKey's form back into the paper's id,
// participant, attempt, correct answers, time taken and submission time.
func ParseRankingIndexKey(key string) (Submitted, error) {
	parts := strings.SplitN(key, "#", 4)
	if len(parts) != 4 {
		return Submitted{}, fmt.Errorf("ranking key %q", key)
	}
	inv, err1 := strconv.Atoi(parts[0])
	taken, err2 := strconv.ParseInt(parts[1], 10, 64)
	at, err3 := strconv.ParseInt(parts[2], 10, 64)
	ref, err4 := ParsePaperID(parts[3])
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return Submitted{}, fmt.Errorf("ranking key %q: %w", key, err)
	}
	return Submitted{PaperID: parts[3], ParticipantID: ref.ParticipantID, Attempt: ref.Attempt,
		Correct: 999 - inv, TimeTakenMs: taken, SubmittedAt: time.UnixMilli(at)}, nil
}
