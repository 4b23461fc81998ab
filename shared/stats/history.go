package stats

// RoundReport is one published round's statistics, for a bank's history.
type RoundReport struct {
	Round  string
	Report Report
}

// RoundFigures are a question's figures in one round (the whole round's).
type RoundFigures struct {
	Round          string   `json:"round"`
	Attempts       int      `json:"attempts"`
	Facility       float64  `json:"facility"`
	Discrimination *float64 `json:"discrimination"`
	Flags          []Flag   `json:"flags"`
}

// QuestionHistory is a bank question's figures round after round, so that
// organisers reusing a bank see whether a question stays easy, hard or
// misleading.
type QuestionHistory struct {
	QuestionID string         `json:"questionId"`
	Text       string         `json:"text"`
	Rounds     []RoundFigures `json:"rounds"`
}

// History gathers the questions of the rounds' reports, given in the order
// the rounds ran: each question's figures in that order (a round that did
// not draw it is left out), its text the latest one known. Questions come
// in the order they were first seen (the bank's order within a report).
func History(reports []RoundReport) []QuestionHistory {
	at := map[string]int{}
	out := []QuestionHistory{}
	for _, rr := range reports {
		for _, q := range rr.Report.Questions {
			i, ok := at[q.QuestionID]
			if !ok {
				i = len(out)
				at[q.QuestionID] = i
				out = append(out, QuestionHistory{QuestionID: q.QuestionID, Rounds: []RoundFigures{}})
			}
			if q.Text != "" {
				out[i].Text = q.Text
			}
			flags := q.Flags
			if flags == nil {
				flags = []Flag{}
			}
			out[i].Rounds = append(out[i].Rounds, RoundFigures{
				Round: rr.Round, Attempts: q.Attempts, Facility: q.Facility, Discrimination: q.Discrimination, Flags: flags,
			})
		}
	}
	return out
}
