package contest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

// Practice is who may practise on the questions of closed rounds whose keys
// are public (KeysPublic): nobody, signed-in people, or everyone.
type Practice string

const (
	PracticeOff      Practice = "off"
	PracticeSignedIn Practice = "signed-in"
	PracticeEveryone Practice = "everyone"
)

// Practices are the settings' values, in the order the console lists them.
var Practices = []Practice{PracticeOff, PracticeSignedIn, PracticeEveryone}

// Label is the practice setting as the organisers' console names it.
func (p Practice) Label() string {
	switch p {
	case PracticeSignedIn:
		return "Người đã đăng nhập được ôn tập"
	case PracticeEveryone:
		return "Mọi người được ôn tập, kể cả chưa đăng nhập"
	}
	return "Không mở phần ôn tập"
}

// KeysRule states KeysPublic and Keys for the organisers, next to the
// PublicKeysAfterClose setting.
const KeysRule = "Đáp án, giải thích và căn cứ pháp lý của một câu hỏi chỉ hiện (khi xem lại bài và khi ôn tập) sau khi tuần thi dùng câu hỏi đó kết thúc và không còn tuần thi nào đang mở hay sắp mở có thể ra lại câu hỏi ấy; chọn mục này thì đáp án của các tuần đã kết thúc được hiện ngay, kể cả khi tuần sau còn dùng cùng bộ câu hỏi."

// Valid reports whether p is a known practice setting ("" reads as off).
func (p Practice) Valid() bool { return p == "" || slices.Contains(Practices, p) }

// PracticeMode is the contest's practice setting, PracticeOff when unset.
func (c Contest) PracticeMode() Practice {
	if c.Practice == "" {
		return PracticeOff
	}
	return c.Practice
}

// CheckPractice says whether someone (signed in or not) may practise in c.
func (c Contest) CheckPractice(signedIn bool) error {
	switch c.PracticeMode() {
	case PracticeEveryone:
		return nil
	case PracticeSignedIn:
		if signedIn {
			return nil
		}
		return fault.Unauthorized("sign_in_to_practise", "Vui lòng đăng nhập để ôn tập.")
	}
	return fault.Forbidden("practice_off", "Ban Tổ chức chưa mở phần ôn tập.")
}

// KeysPublic reports whether the keys (correct answers, explanations, legal
// bases) of bank's questions may be shown at now, given every round of the
// contest (all audiences). The rule: a key is shown only once a round
// drawing from the bank has closed, and then only when no round that is open
// or not yet open can draw from the bank, unless the organisers chose to
// make the keys of closed rounds public anyway (PublicKeysAfterClose): a
// question a round can still draw must not have its answer known.
func KeysPublic(c Contest, rounds []Round, bankID string, now time.Time) bool {
	closed, drawable := false, false
	for _, r := range rounds {
		if r.BankID != bankID {
			continue
		}
		if r.Status(now) == StatusClosed {
			closed = true
		} else {
			drawable = true
		}
	}
	return closed && (!drawable || c.PublicKeysAfterClose)
}

// PublicBanks lists, once each and in the rounds' order, the banks whose keys
// are public at now (KeysPublic): the banks practice draws from.
func PublicBanks(c Contest, rounds []Round, now time.Time) []string {
	var out []string
	for _, r := range rounds {
		if !slices.Contains(out, r.BankID) && KeysPublic(c, rounds, r.BankID, now) {
			out = append(out, r.BankID)
		}
	}
	return out
}

// Keys decides, at a moment, which questions' keys may be shown: those of
// banks whose keys are public (KeysPublic), except a question that a bank an
// open or future round draws from also has (the same text, whatever the case
// and spacing: a bank imported again as a new version, a question copied
// into next week's bank), unless the organisers chose PublicKeysAfterClose.
type Keys struct {
	c      Contest
	rounds []Round
	now    time.Time
	drawn  map[string]bool
}

// NewKeys reads the rule's inputs: the contest, all its rounds, the banks of
// DrawableBanks (loaded) and now.
func NewKeys(c Contest, rounds []Round, drawable []*Bank, now time.Time) Keys {
	k := Keys{c: c, rounds: rounds, now: now, drawn: map[string]bool{}}
	for _, b := range drawable {
		for _, q := range b.Questions {
			k.drawn[textKey(q.Text)] = true
		}
	}
	return k
}

// Shown reports whether the key of q, of bank bankID, may be shown.
func (k Keys) Shown(bankID string, q *Question) bool {
	return KeysPublic(k.c, k.rounds, bankID, k.now) && (k.c.PublicKeysAfterClose || !k.drawn[textKey(q.Text)])
}

// textKey is a question's text for comparison: lower case, runs of spaces as one.
func textKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// DrawableBanks lists the banks a round that is open or not yet open can
// draw from at now: their keys must not leave the server (unless
// PublicKeysAfterClose).
func DrawableBanks(rounds []Round, now time.Time) []string {
	var out []string
	for _, r := range rounds {
		if r.Status(now) != StatusClosed && !slices.Contains(out, r.BankID) {
			out = append(out, r.BankID)
		}
	}
	return out
}

// ReviewItem is one question of a reviewed paper: what its owner answered
// and, when the bank's keys are public, the right option with its
// explanation and legal basis ("" where the bank has none).
type ReviewItem struct {
	ID      string       `json:"id"`
	Text    string       `json:"text"`
	Topic   string       `json:"topic,omitempty"`
	Options []OptionView `json:"options"`
	// Chosen is the label the owner picked ("" for none).
	Chosen string `json:"chosen"`
	// Right, CorrectOption, Explanation and LegalBasis are set only when
	// the keys are public.
	Right         *bool  `json:"right,omitempty"`
	CorrectOption string `json:"correctOption,omitempty"`
	Explanation   string `json:"explanation,omitempty"`
	LegalBasis    string `json:"legalBasis,omitempty"`
}

// Review is a closed round's paper as its owner reviews it.
type Review struct {
	PaperID string  `json:"paperId"`
	RoundID string  `json:"roundId"`
	Result  *Result `json:"result,omitempty"`
	// KeysPublic says whether every answer is shown; when false, KeysNote
	// says why the others wait (a round that can still draw these questions
	// is open or to come).
	KeysPublic bool         `json:"keysPublic"`
	KeysNote   string       `json:"keysNote,omitempty"`
	Items      []ReviewItem `json:"items"`
}

// KeysClock is the instant the key rule (KeysPublic, Keys, CheckReview)
// reads the rounds' statuses at: now less the submission grace, since a paper
// of a round that has just closed may still be submitted within the grace,
// and must not be answered from a review or practice meanwhile.
func KeysClock(now time.Time, grace time.Duration) time.Time { return now.Add(-grace) }

// CheckReview says whether the paper's round is over for review at now, the
// submission grace included (KeysClock): a round still open (or not yet
// open) cannot be reviewed.
func CheckReview(r Round, now time.Time, grace time.Duration) error {
	if r.Status(KeysClock(now, grace)) != StatusClosed {
		return fault.Conflict("round_not_closed", "Tuần thi chưa kết thúc: bạn xem lại bài thi được sau khi tuần thi đóng lúc "+r.ClosesAt.In(ICT).Format("15:04 02/01/2006")+".")
	}
	return nil
}

// ReviewOf renders a paper of a closed round (CheckReview) for its owner,
// with the key of each question whose key is shown (Keys.Shown).
func (p *Paper) ReviewOf(b *Bank, shown func(*Question) bool) (Review, error) {
	view, err := p.View(b)
	if err != nil {
		return Review{}, err
	}
	rv := Review{PaperID: view.ID, RoundID: p.RoundID, Result: view.Result, KeysPublic: true, Items: make([]ReviewItem, len(view.Questions))}
	withheld := 0
	for i, qv := range view.Questions {
		q, _ := b.Question(qv.ID)
		it := ReviewItem{ID: qv.ID, Text: qv.Text, Topic: q.Topic, Options: qv.Options, Chosen: p.Answers[qv.ID]}
		if !shown(q) {
			withheld++
		} else {
			for k, o := range p.Items[i].Order {
				if int(o) == q.Correct {
					it.CorrectOption = labels[k : k+1]
				}
			}
			right := it.Chosen != "" && it.Chosen == it.CorrectOption
			it.Right = &right
			it.Explanation, it.LegalBasis = q.Explanation, q.LegalBasis
		}
		rv.Items[i] = it
	}
	switch {
	case withheld == len(rv.Items):
		rv.KeysPublic = false
		rv.KeysNote = "Đáp án, giải thích và căn cứ pháp lý của các câu hỏi này sẽ được hiển thị khi không còn tuần thi nào đang mở hoặc sắp mở có thể ra các câu hỏi này."
	case withheld > 0:
		rv.KeysPublic = false
		rv.KeysNote = fmt.Sprintf("Đáp án, giải thích và căn cứ pháp lý của %d câu chưa được hiển thị: một tuần thi đang mở hoặc sắp mở vẫn có thể ra các câu hỏi đó.", withheld)
	}
	return rv, nil
}

// MaxPracticeBatch bounds the questions of one practice batch.
const MaxPracticeBatch = 10

// PracticeQuestion is a practice question as the browser gets it: no key.
// Its options are in the bank's order (the keys are public anyway).
type PracticeQuestion struct {
	BankID  string       `json:"bankId"`
	ID      string       `json:"id"`
	Topic   string       `json:"topic,omitempty"`
	Text    string       `json:"text"`
	Options []OptionView `json:"options"`
}

// PracticeRef names a question of a bank.
type PracticeRef struct {
	BankID     string
	QuestionID string
}

// PracticeBatch draws up to n questions (at most MaxPracticeBatch) at random
// from pool, only of topic when topic is not "".
func PracticeBatch(pool []PracticeRef, banks map[string]*Bank, topic string, n int, pick func(int) int) []PracticeQuestion {
	n = min(max(n, 1), MaxPracticeBatch)
	var eligible []*Question
	var bankOf []string
	for _, ref := range pool {
		b := banks[ref.BankID]
		if b == nil {
			continue
		}
		q, ok := b.Question(ref.QuestionID)
		if !ok || (topic != "" && q.Topic != topic) {
			continue
		}
		eligible = append(eligible, q)
		bankOf = append(bankOf, ref.BankID)
	}
	out := make([]PracticeQuestion, 0, min(n, len(eligible)))
	for i := 0; i < len(eligible) && len(out) < n; i++ {
		j := i + pick(len(eligible)-i)
		eligible[i], eligible[j] = eligible[j], eligible[i]
		bankOf[i], bankOf[j] = bankOf[j], bankOf[i]
		q := eligible[i]
		opts := make([]OptionView, len(q.Options))
		for k, o := range q.Options {
			opts[k] = OptionView{ID: labels[k : k+1], Text: o}
		}
		out = append(out, PracticeQuestion{BankID: bankOf[i], ID: q.ID, Topic: q.Topic, Text: q.Text, Options: opts})
	}
	return out
}

// PracticeFeedback is the instant answer to a practice question.
type PracticeFeedback struct {
	BankID        string `json:"bankId"`
	ID            string `json:"id"`
	Chosen        string `json:"chosen"`
	Right         bool   `json:"right"`
	CorrectOption string `json:"correctOption"`
	Explanation   string `json:"explanation,omitempty"`
	LegalBasis    string `json:"legalBasis,omitempty"`
}

// CheckPracticeAnswer grades a practice answer to q (of a bank whose keys are
// public: the caller checks KeysPublic first) given as a label of the
// bank-order options.
func CheckPracticeAnswer(bankID string, q *Question, chosen string) (PracticeFeedback, error) {
	if len(chosen) != 1 || chosen[0] < 'A' || int(chosen[0]-'A') >= len(q.Options) {
		return PracticeFeedback{}, fault.Invalid("unknown_option", "Vui lòng chọn một phương án của câu hỏi.")
	}
	correct := labels[q.Correct : q.Correct+1]
	return PracticeFeedback{BankID: bankID, ID: q.ID, Chosen: chosen, Right: chosen == correct, CorrectOption: correct,
		Explanation: q.Explanation, LegalBasis: q.LegalBasis}, nil
}

// PracticeCountDays is how long a day's practice counts are kept.
const PracticeCountDays = 400

// PracticeAnswer is what the server keeps of one practice answer: an
// anonymous count of the question's answers, and right ones, of the day.
type PracticeAnswer struct {
	BankID     string
	QuestionID string
	Right      bool
	// Day is the answer's day in ICT ("2026-03-11").
	Day string
	// Expires is when the day's count may be dropped.
	Expires time.Time
}

// CountOf is the count to add for feedback given at now.
func (f PracticeFeedback) CountOf(now time.Time) PracticeAnswer {
	return PracticeAnswer{BankID: f.BankID, QuestionID: f.ID, Right: f.Right, Day: now.In(ICT).Format(time.DateOnly),
		Expires: now.AddDate(0, 0, PracticeCountDays)}
}
