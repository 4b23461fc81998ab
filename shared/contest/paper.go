package contest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

// PaperStatus is where a paper is.
type PaperStatus string

const (
	PaperInProgress PaperStatus = "in_progress"
	PaperSubmitted  PaperStatus = "submitted"
)

// MaxPrediction bounds the prediction answer (papers with every answer right).
const MaxPrediction = 100_000_000

// Item is one question on a paper with its shuffled option order:
// Order[i] is the bank index of the option shown with label labels[i].
type Item struct {
	QuestionID string
	Order      []uint8
}

// String encodes the item compactly for storage: "s042:2031".
func (it Item) String() string {
	var sb strings.Builder
	sb.Grow(len(it.QuestionID) + 1 + len(it.Order))
	sb.WriteString(it.QuestionID)
	sb.WriteByte(':')
	for _, o := range it.Order {
		sb.WriteByte('0' + o)
	}
	return sb.String()
}

// ParseItem decodes Item.String's form.
func ParseItem(s string) (Item, error) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || len(s)-i-1 < 2 || len(s)-i-1 > MaxOptions {
		return Item{}, fmt.Errorf("bad paper item %q", s)
	}
	n := len(s) - i - 1
	it := Item{QuestionID: s[:i], Order: make([]uint8, 0, n)}
	var seen [MaxOptions]bool
	for _, c := range []byte(s[i+1:]) {
		if c < '0' || int(c-'0') >= n || seen[c-'0'] {
			return Item{}, fmt.Errorf("bad paper item %q: order is not a permutation", s)
		}
		seen[c-'0'] = true
		it.Order = append(it.Order, c-'0')
	}
	return it, nil
}

// Result is a graded paper.
type Result struct {
	Correct     int       `json:"correct"`
	Total       int       `json:"total"`
	TimeTakenMs int64     `json:"timeTakenMs"`
	SubmittedAt time.Time `json:"submittedAt"`
	Prediction  int       `json:"prediction"`
	// Automatic: nobody submitted the paper; the server closed it at its
	// deadline with what was saved (CloseOverdue).
	Automatic bool `json:"automatic,omitempty"`
}

// AllCorrect reports whether every question was answered right.
func (r Result) AllCorrect() bool { return r.Total > 0 && r.Correct == r.Total }

// Paper is one participant's attempt at a round. Key (the correct label per
// item) stays on the server.
type Paper struct {
	ContestID     string
	RoundID       string
	ParticipantID string
	Attempt       int
	Email         string
	Name          string
	UnitID        string
	Audience      Audience
	BankID        string
	Items         []Item
	Key           string
	StartedAt     time.Time
	Deadline      time.Time
	Answers       map[string]string
	// SavedPrediction is the prediction as last autosaved (used when a
	// submission, e.g. automatic at the deadline, carries none).
	SavedPrediction *int
	Status          PaperStatus
	Result          *Result
	// StartedFrom and SubmittedFrom are where the start and the submission
	// came from (zero when unknown, or closed by the server); never published.
	StartedFrom, SubmittedFrom Requester
	// Responses are the graded answers in the bank's terms (set with Result).
	Responses Responses
	// Exclusion, if any, keeps the paper out of the ranking at the next tally.
	Exclusion *Exclusion
}

// ParticipantID derives a stable, opaque id for a person in a contest.
func ParticipantID(contestID, email string) string {
	sum := sha256.Sum256([]byte(contestID + "\x00" + email))
	return hex.EncodeToString(sum[:10])
}

// PaperRef identifies a paper: round, participant and attempt number.
type PaperRef struct {
	RoundID       string
	ParticipantID string
	Attempt       int
}

// ID is the paper's public id: "<round>.<participant>.<attempt>".
func (r PaperRef) ID() string {
	return r.RoundID + "." + r.ParticipantID + "." + strconv.Itoa(r.Attempt)
}

// Ref returns the paper's reference.
func (p *Paper) Ref() PaperRef {
	return PaperRef{RoundID: p.RoundID, ParticipantID: p.ParticipantID, Attempt: p.Attempt}
}

// ID is the paper's public id.
func (p *Paper) ID() string { return p.Ref().ID() }

// ParsePaperID checks and splits a paper id from a URL.
func ParsePaperID(id string) (PaperRef, error) {
	notFound := fault.NotFound("paper_not_found", "Không tìm thấy bài thi.")
	parts := strings.Split(id, ".")
	if len(parts) != 3 || !ValidID(parts[0]) || len(parts[1]) != 20 {
		return PaperRef{}, notFound
	}
	if _, err := hex.DecodeString(parts[1]); err != nil {
		return PaperRef{}, notFound
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil || n < 1 || n > 10 || strconv.Itoa(n) != parts[2] {
		return PaperRef{}, notFound
	}
	return PaperRef{RoundID: parts[0], ParticipantID: parts[1], Attempt: n}, nil
}

// Draw picks n distinct questions from the bank at random and shuffles each
// question's options. It returns the items and the key (the label of the
// correct option of each item).
func Draw(b *Bank, n int, rng *rand.Rand) ([]Item, string, error) {
	if n < 1 || n > MaxQuestions {
		return nil, "", fmt.Errorf("draw %d questions: out of range", n)
	}
	if n > len(b.Questions) {
		return nil, "", fmt.Errorf("draw %d questions from bank %q of %d", n, b.ID, len(b.Questions))
	}
	idx := make([]int, len(b.Questions))
	for i := range idx {
		idx[i] = i
	}
	items := make([]Item, n)
	key := make([]byte, n)
	for i := range n {
		j := i + rng.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
		q := &b.Questions[idx[i]]
		order := make([]uint8, len(q.Options))
		for k := range order {
			order[k] = uint8(k)
		}
		rng.Shuffle(len(order), func(a, c int) { order[a], order[c] = order[c], order[a] })
		for k, o := range order {
			if int(o) == q.Correct {
				key[i] = labels[k]
			}
		}
		items[i] = Item{QuestionID: q.ID, Order: order}
	}
	return items, string(key), nil
}

// CheckAnswers validates answers against the paper: every question must be on
// the paper and every option label must exist for it.
func (p *Paper) CheckAnswers(answers map[string]string) error {
	if len(answers) > len(p.Items) {
		return fault.Invalid("too_many_answers", "Số câu trả lời nhiều hơn số câu hỏi của bài thi.")
	}
	for q, label := range answers {
		it, ok := p.item(q)
		if !ok {
			return fault.Invalid("unknown_question", fmt.Sprintf("Câu hỏi %q không có trong bài thi này.", truncate(q, 40)))
		}
		if len(label) != 1 || strings.IndexByte(labels[:len(it.Order)], label[0]) < 0 {
			return fault.Invalid("unknown_option", fmt.Sprintf("Phương án %q không có trong câu hỏi %q.", truncate(label, 10), q))
		}
	}
	return nil
}

// HasQuestion reports whether the question is on the paper.
func (p *Paper) HasQuestion(questionID string) bool {
	_, ok := p.item(questionID)
	return ok
}

func (p *Paper) item(questionID string) (Item, bool) {
	for _, it := range p.Items {
		if it.QuestionID == questionID {
			return it, true
		}
	}
	return Item{}, false
}

// CheckOpenForAnswers reports whether the paper still takes answers at now:
// in progress and not past its deadline plus grace.
func (p *Paper) CheckOpenForAnswers(now time.Time, grace time.Duration) error {
	if p.Status == PaperSubmitted {
		return fault.Conflict("paper_submitted", "Bài thi đã được nộp.")
	}
	if now.After(p.Deadline.Add(grace)) {
		return fault.Closed("deadline_passed", "Đã hết thời gian làm bài; bài thi không thể nộp được nữa.")
	}
	return nil
}

// Overdue reports whether the paper is still in progress after its deadline
// plus grace: nobody can submit it any more, so the server closes it
// (CloseOverdue) rather than leave its participant without a result.
func (p *Paper) Overdue(now time.Time, grace time.Duration) bool {
	return p.Status == PaperInProgress && now.After(p.Deadline.Add(grace))
}

// Active reports whether the paper is one its owner can still answer at now:
// in progress and not Overdue. Starting the round again resumes it.
func (p *Paper) Active(now time.Time, grace time.Duration) bool {
	return p.Status == PaperInProgress && !p.Overdue(now, grace)
}

// Resume reads what starting a round again finds among the participant's
// papers in it (by attempt) at now: the paper to resume (the first Active one,
// nil if none), the Overdue papers before it, which are to be closed
// (CloseOverdue) so their owner sees a result, and the attempt to start when
// there is none to resume (Round.CheckAttempt says whether it may).
func Resume(papers []*Paper, now time.Time, grace time.Duration) (active *Paper, overdue []*Paper, next int) {
	for _, p := range papers {
		if p.Active(now, grace) {
			return p, overdue, 0
		}
		if p.Overdue(now, grace) {
			overdue = append(overdue, p)
		}
	}
	return nil, overdue, len(papers) + 1
}

// CloseOverdue grades an overdue paper as the site's automatic submission at
// the deadline would have: the saved answers and the saved prediction (0 when
// none was saved, as the site records an empty prediction), submitted at the
// deadline, so the time taken is the whole time allowed.
func CloseOverdue(p *Paper) Result {
	prediction := 0
	if p.SavedPrediction != nil {
		prediction = *p.SavedPrediction
	}
	r := Grade(p, p.Answers, prediction, p.Deadline)
	r.Automatic = true
	return r
}

// ClosedOverdue is an overdue paper as closing it (CloseOverdue) leaves it:
// submitted on its saved answers, with their responses. A tally counts a
// paper left in progress from it before the close is written (the store's
// ClosePapers writes the same), so the published results need not wait for
// the writes. p is left as it is.
func ClosedOverdue(p *Paper) *Paper {
	r := CloseOverdue(p)
	closed := *p
	closed.Status, closed.Result, closed.Responses = PaperSubmitted, &r, ResponsesOf(p, p.Answers)
	return &closed
}

// CheckSentAnswers validates answers sent by the participant (an autosave or
// a submission): each names a question on the paper and one of its options
// (CheckAnswers), or is empty, which clears the question (MergeAnswers) but
// must still name a question on the paper.
func (p *Paper) CheckSentAnswers(sent map[string]string) error {
	picked := make(map[string]string, len(sent))
	for q, a := range sent {
		if a == "" {
			if !p.HasQuestion(q) {
				return fault.Invalid("unknown_question", "Câu hỏi không có trong bài thi này.")
			}
			continue
		}
		picked[q] = a
	}
	if len(sent) > len(p.Items) {
		return fault.Invalid("too_many_answers", "Số câu trả lời nhiều hơn số câu hỏi của bài thi.")
	}
	return p.CheckAnswers(picked)
}

// MergeAnswers returns the saved answers overlaid with the sent ones (checked
// by CheckSentAnswers); an empty answer clears its question.
func MergeAnswers(saved, sent map[string]string) map[string]string {
	out := make(map[string]string, len(saved)+len(sent))
	for q, a := range saved {
		out[q] = a
	}
	for q, a := range sent {
		if a == "" {
			delete(out, q)
			continue
		}
		out[q] = a
	}
	return out
}

// Autosave checks an autosave at now (CheckAutosave) and returns the answers
// to save: the saved ones merged with the sent ones (MergeAnswers).
func (p *Paper) Autosave(sent map[string]string, prediction *int, now time.Time, grace time.Duration) (map[string]string, error) {
	if err := p.CheckAutosave(sent, prediction, now, grace); err != nil {
		return nil, err
	}
	return MergeAnswers(p.Answers, sent), nil
}

// CheckAutosave checks an autosave at now: the paper still takes answers,
// the answers sent are of its questions and options, the prediction if sent
// is in range. It reads only what never changes once the paper is drawn
// (its questions, options and deadline) and its status, which only ever
// moves to submitted: a store that merges the sent answers itself
// (MergeAnswers, on condition that the paper is still in progress) may check
// against a copy read earlier.
func (p *Paper) CheckAutosave(sent map[string]string, prediction *int, now time.Time, grace time.Duration) error {
	if err := p.CheckOpenForAnswers(now, grace); err != nil {
		return err
	}
	if err := p.CheckSentAnswers(sent); err != nil {
		return err
	}
	if prediction != nil {
		return CheckPrediction(prediction)
	}
	return nil
}

// Submit grades a submission at now: the saved answers merged with the sent
// ones, and the prediction sent or, without one (the automatic submission at
// the deadline), the saved one. A paper is graded once: an already submitted
// paper gives its stored result and submitted true, whatever was sent (a
// retry after a lost response); the store's conditional write settles a race.
func (p *Paper) Submit(sent map[string]string, prediction *int, now time.Time, grace time.Duration) (answers map[string]string, r Result, submitted bool, err error) {
	if p.Status == PaperSubmitted && p.Result != nil {
		return p.Answers, *p.Result, true, nil
	}
	if err := p.CheckOpenForAnswers(now, grace); err != nil {
		return nil, Result{}, false, err
	}
	if prediction == nil {
		prediction = p.SavedPrediction
	}
	if err := CheckPrediction(prediction); err != nil {
		return nil, Result{}, false, err
	}
	if err := p.CheckSentAnswers(sent); err != nil {
		return nil, Result{}, false, err
	}
	answers = MergeAnswers(p.Answers, sent)
	return answers, Grade(p, answers, *prediction, now), false, nil
}

// Grade scores answers (already checked) against the paper's key, on the
// server's clock.
func Grade(p *Paper, answers map[string]string, prediction int, now time.Time) Result {
	correct := 0
	for i, it := range p.Items {
		if a, ok := answers[it.QuestionID]; ok && len(a) == 1 && i < len(p.Key) && a[0] == p.Key[i] {
			correct++
		}
	}
	taken := now.Sub(p.StartedAt).Milliseconds()
	if taken < 0 {
		taken = 0
	}
	return Result{
		Correct:     correct,
		Total:       len(p.Items),
		TimeTakenMs: taken,
		SubmittedAt: now,
		Prediction:  prediction,
	}
}

// CheckPrediction validates the prediction answer.
func CheckPrediction(prediction *int) error {
	if prediction == nil {
		return fault.Invalid("prediction_required", "Vui lòng trả lời câu hỏi dự đoán (số bài thi trả lời đúng tất cả các câu).")
	}
	if *prediction < 0 || *prediction > MaxPrediction {
		return fault.Invalid("invalid_prediction", "Số dự đoán phải là số nguyên từ 0 đến 100.000.000.")
	}
	return nil
}

// OptionView is an option as a participant sees it.
type OptionView struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// QuestionView is a question as a participant sees it: no correct answer.
type QuestionView struct {
	ID      string       `json:"id"`
	Text    string       `json:"text"`
	Options []OptionView `json:"options"`
}

// PaperView is what the participant's browser gets.
type PaperView struct {
	ID        string            `json:"id"`
	RoundID   string            `json:"roundId"`
	Status    PaperStatus       `json:"status"`
	StartedAt time.Time         `json:"startedAt"`
	Deadline  time.Time         `json:"deadline"`
	Questions []QuestionView    `json:"questions"`
	Answers   map[string]string `json:"answers"`
	// Prediction is the saved prediction, if any.
	Prediction *int `json:"prediction,omitempty"`
	// MaxPrediction is the largest prediction taken (CheckPrediction): the
	// site checks the field against it.
	MaxPrediction int     `json:"maxPrediction"`
	Result        *Result `json:"result,omitempty"`
	// Excluded says why the paper is not ranked, if an organiser excluded it.
	Excluded *ExclusionView `json:"excluded,omitempty"`
}

// View renders the paper for its owner from the bank, in the paper's order.
func (p *Paper) View(b *Bank) (PaperView, error) {
	v := PaperView{
		ID:            p.ID(),
		RoundID:       p.RoundID,
		Status:        p.Status,
		StartedAt:     p.StartedAt.In(ICT),
		Deadline:      p.Deadline.In(ICT),
		Questions:     make([]QuestionView, len(p.Items)),
		Answers:       p.Answers,
		Prediction:    p.SavedPrediction,
		MaxPrediction: MaxPrediction,
		Excluded:      p.Exclusion.View(),
	}
	if v.Answers == nil {
		v.Answers = map[string]string{}
	}
	if p.Result != nil {
		r := *p.Result
		r.SubmittedAt = r.SubmittedAt.In(ICT)
		v.Result = &r
	}
	for i, it := range p.Items {
		q, ok := b.Question(it.QuestionID)
		if !ok || len(q.Options) != len(it.Order) {
			return PaperView{}, fmt.Errorf("paper %s: question %q missing from bank %q", p.ID(), it.QuestionID, b.ID)
		}
		opts := make([]OptionView, len(it.Order))
		for k, o := range it.Order {
			if int(o) >= len(q.Options) {
				return PaperView{}, fmt.Errorf("paper %s: question %q has no option %d", p.ID(), it.QuestionID, o)
			}
			opts[k] = OptionView{ID: labels[k : k+1], Text: q.Options[o]}
		}
		v.Questions[i] = QuestionView{ID: q.ID, Text: q.Text, Options: opts}
	}
	return v, nil
}

func truncate(s string, n int) string {
	r := []rune(strings.ToValidUTF8(s, "?"))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
