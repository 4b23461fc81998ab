package contest

import (
	"encoding/json"
	"fmt"
)

// MaxQuestions bounds the questions on one paper.
const MaxQuestions = 50

// MaxOptions bounds the options of one question (labels A–F).
const MaxOptions = 6

const labels = "ABCDEF"

// MaxBankBytes bounds a bank's JSON (a 2,000-question bank is about 1 MB;
// 16 MB is about 30,000 questions).
const MaxBankBytes = 16 << 20

// Question is one multiple-choice question of a bank, with its correct answer:
// it never leaves the server as is.
//
// Explanation and LegalBasis ("Điều 7 Nghị định 61/2018/NĐ-CP") teach the
// answer once a week has closed: like Correct, they are never shown while a
// round that can draw the question is open.
type Question struct {
	ID          string   `json:"id"`
	Topic       string   `json:"topic,omitempty"`
	Text        string   `json:"text"`
	Options     []string `json:"options"`
	Correct     int      `json:"correct"`
	Source      string   `json:"source,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
	LegalBasis  string   `json:"legalBasis,omitempty"`
	// Audience is who the question is written for: staff, citizen, or ""
	// for both.
	Audience Audience `json:"audience,omitempty"`
}

// Topic is an area of administrative reform a question is about.
type Topic struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Topics are the six areas of the State Administrative Reform Master
// Programme 2021–2030 (Nghị quyết 76/NQ-CP): the topics a bank imported from
// a spreadsheet may give its questions.
var Topics = []Topic{
	{"the-che", "Cải cách thể chế"},
	{"thu-tuc", "Cải cách thủ tục hành chính"},
	{"bo-may", "Cải cách tổ chức bộ máy hành chính nhà nước"},
	{"cong-vu", "Cải cách chế độ công vụ"},
	{"tai-chinh", "Cải cách tài chính công"},
	{"chinh-phu-so", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"},
}

// Bank is a round's question bank, as imported by organisers (or the demo).
type Bank struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	Demo      bool       `json:"demo,omitempty"`
	Note      string     `json:"note,omitempty"`
	Questions []Question `json:"questions"`

	byID map[string]int
}

// ParseBank decodes and checks a bank: unique ids, 2–6 distinct options, a
// correct index in range.
func ParseBank(data []byte) (*Bank, error) {
	var b Bank
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("decode bank: %w", err)
	}
	if err := b.index(); err != nil {
		return nil, err
	}
	return &b, nil
}

func (b *Bank) index() error {
	if len(b.Questions) == 0 {
		return fmt.Errorf("bank %q has no questions", b.ID)
	}
	b.byID = make(map[string]int, len(b.Questions))
	for i, q := range b.Questions {
		if q.ID == "" || len(q.ID) > 32 {
			return fmt.Errorf("bank %q: question %d has a bad id", b.ID, i)
		}
		if _, dup := b.byID[q.ID]; dup {
			return fmt.Errorf("bank %q: duplicate question id %q", b.ID, q.ID)
		}
		if q.Text == "" {
			return fmt.Errorf("bank %q: question %q has no text", b.ID, q.ID)
		}
		if len(q.Options) < 2 || len(q.Options) > MaxOptions {
			return fmt.Errorf("bank %q: question %q needs 2 to %d options", b.ID, q.ID, MaxOptions)
		}
		seen := make(map[string]bool, len(q.Options))
		for _, o := range q.Options {
			if o == "" || seen[o] {
				return fmt.Errorf("bank %q: question %q has an empty or repeated option", b.ID, q.ID)
			}
			seen[o] = true
		}
		if q.Correct < 0 || q.Correct >= len(q.Options) {
			return fmt.Errorf("bank %q: question %q has no valid correct option", b.ID, q.ID)
		}
		b.byID[q.ID] = i
	}
	return nil
}

// Question returns the question with the given id.
func (b *Bank) Question(id string) (*Question, bool) {
	i, ok := b.byID[id]
	if !ok {
		return nil, false
	}
	return &b.Questions[i], true
}
