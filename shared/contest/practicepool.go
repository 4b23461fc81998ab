package contest

import (
	"slices"

	"github.com/hoithi/hoithi/shared/fault"
)

// PracticePool is a contest's practice questions at an instant: those of
// its public banks (PublicBanks) whose keys are shown (Keys.Shown), each
// once, with the topics they cover.
type PracticePool struct {
	Refs    []PracticeRef
	Banks   map[string]*Bank
	Topics  []Topic
	allowed map[PracticeRef]bool
}

// NewPracticePool gathers the pool from the public banks ids (PublicBanks),
// in their order, each read by load. Errors: load's.
func NewPracticePool(keys Keys, ids []string, load func(id string) (*Bank, error)) (PracticePool, error) {
	p := PracticePool{allowed: map[PracticeRef]bool{}, Banks: map[string]*Bank{}, Topics: []Topic{}}
	for _, id := range ids {
		b, err := load(id)
		if err != nil {
			return PracticePool{}, err
		}
		p.Banks[id] = b
		for i := range b.Questions {
			q := &b.Questions[i]
			ref := PracticeRef{BankID: id, QuestionID: q.ID}
			if !keys.Shown(id, q) || p.allowed[ref] {
				continue
			}
			p.allowed[ref] = true
			p.Refs = append(p.Refs, ref)
			if q.Topic != "" && !slices.ContainsFunc(p.Topics, func(t Topic) bool { return t.ID == q.Topic }) {
				p.Topics = append(p.Topics, TopicOf(q.Topic))
			}
		}
	}
	return p, nil
}

// TopicOf names a topic id (Topics), or gives the id as its name.
func TopicOf(id string) Topic {
	for _, t := range Topics {
		if t.ID == id {
			return t
		}
	}
	return Topic{ID: id, Name: id}
}

// Batch draws a practice batch from the pool (PracticeBatch).
func (p PracticePool) Batch(topic string, pick func(int) int) []PracticeQuestion {
	return PracticeBatch(p.Refs, p.Banks, topic, MaxPracticeBatch, pick)
}

// PracticeAnswerRequest is one practice answer as the site sends it
// (POST /practice/answers): the question of the pool and the option chosen.
type PracticeAnswerRequest struct {
	BankID     string `json:"bankId"`
	QuestionID string `json:"questionId"`
	Chosen     string `json:"chosen"`
}

// Answer grades a practice answer to a question of the pool
// (CheckPracticeAnswer). Errors: fault.NotFound
// "practice_question_not_found"; CheckPracticeAnswer's.
func (p PracticePool) Answer(bankID, questionID, chosen string) (PracticeFeedback, error) {
	notFound := fault.NotFound("practice_question_not_found", "Câu hỏi này không có trong phần ôn tập.")
	bank := p.Banks[bankID]
	if bank == nil || !p.allowed[PracticeRef{BankID: bankID, QuestionID: questionID}] {
		return PracticeFeedback{}, notFound
	}
	q, ok := bank.Question(questionID)
	if !ok {
		return PracticeFeedback{}, notFound
	}
	return CheckPracticeAnswer(bankID, q, chosen)
}

// PracticeCountView is a question's practice count as organisers read it.
type PracticeCountView struct {
	PracticeCount
	Text  string  `json:"text"`
	Share float64 `json:"share"`
}

// PracticeCountViews shows counts with their questions' texts; bank gives a
// bank by id, nil for one gone since (replaced, say), whose questions are
// then shown without a text.
func PracticeCountViews(counts []PracticeCount, bank func(id string) *Bank) []PracticeCountView {
	banks := map[string]*Bank{}
	out := []PracticeCountView{}
	for _, c := range counts {
		b, ok := banks[c.BankID]
		if !ok {
			b = bank(c.BankID)
			banks[c.BankID] = b
		}
		v := PracticeCountView{PracticeCount: c, Share: c.Share()}
		if b != nil {
			if q, ok := b.Question(c.QuestionID); ok {
				v.Text = q.Text
			}
		}
		out = append(out, v)
	}
	return out
}
