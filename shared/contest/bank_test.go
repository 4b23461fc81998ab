package contest_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
)

// question builds a bank question with the given options and correct index.
func question(id string, correct int, options ...string) contest.Question {
	return contest.Question{ID: id, Text: "Câu hỏi " + id + "?", Options: options, Correct: correct}
}

// mustBank encodes the questions as a bank file and parses it the way the
// service does, so the bank's index is built.
func mustBank(tb testing.TB, id string, qs ...contest.Question) *contest.Bank {
	tb.Helper()
	data, err := json.Marshal(contest.Bank{ID: id, Title: "Ngân hàng " + id, Questions: qs})
	if err != nil {
		tb.Fatalf("encode bank: %v", err)
	}
	b, err := contest.ParseBank(data)
	if err != nil {
		tb.Fatalf("ParseBank: %v", err)
	}
	return b
}

// generatedBank returns a bank of n questions whose option counts cycle
// through 2..6 and whose correct option varies, with option texts unique
// across the bank ("q07-o2").
func generatedBank(tb testing.TB, n int) *contest.Bank {
	tb.Helper()
	qs := make([]contest.Question, n)
	for i := range qs {
		id := fmt.Sprintf("q%02d", i)
		opts := make([]string, 2+i%(contest.MaxOptions-1))
		for k := range opts {
			opts[k] = fmt.Sprintf("%s-o%d", id, k)
		}
		qs[i] = question(id, (i*7)%len(opts), opts...)
	}
	return mustBank(tb, "generated", qs...)
}

func TestParseBank(t *testing.T) {
	data := []byte(`{
		"id": "tuan-01",
		"title": "Tìm hiểu Hiến pháp",
		"demo": true,
		"questions": [
			{"id": "s001", "topic": "Hiến pháp", "text": "Hiến pháp hiện hành được thông qua năm nào?",
			 "options": ["1992", "2001", "2013", "2015"], "correct": 2, "source": "Hiến pháp 2013"},
			{"id": "s002", "text": "Đúng hay sai?", "options": ["Đúng", "Sai"], "correct": 0},
			{"id": "s003", "text": "Sáu phương án", "options": ["a", "b", "c", "d", "e", "f"], "correct": 5}
		]
	}`)

	b, err := contest.ParseBank(data)
	if err != nil {
		t.Fatalf("ParseBank(valid bank) error = %v, want nil", err)
	}

	t.Run("the bank's fields are decoded", func(t *testing.T) {
		if got, want := b.ID, "tuan-01"; got != want {
			t.Errorf("ID = %q, want %q", got, want)
		}
		if got, want := b.Title, "Tìm hiểu Hiến pháp"; got != want {
			t.Errorf("Title = %q, want %q", got, want)
		}
		if got, want := b.Demo, true; got != want {
			t.Errorf("Demo = %v, want %v", got, want)
		}
		if got, want := len(b.Questions), 3; got != want {
			t.Fatalf("len(Questions) = %d, want %d", got, want)
		}
	})

	lookups := []struct {
		name        string
		id          string
		wantOK      bool
		wantText    string
		wantCorrect int
		wantOptions []string
	}{
		{name: "the first question is found by id", id: "s001", wantOK: true,
			wantText: "Hiến pháp hiện hành được thông qua năm nào?", wantCorrect: 2,
			wantOptions: []string{"1992", "2001", "2013", "2015"}},
		{name: "a two-option question is found by id", id: "s002", wantOK: true,
			wantText: "Đúng hay sai?", wantCorrect: 0, wantOptions: []string{"Đúng", "Sai"}},
		{name: "the last question is found by id", id: "s003", wantOK: true,
			wantText: "Sáu phương án", wantCorrect: 5, wantOptions: []string{"a", "b", "c", "d", "e", "f"}},
		{name: "an unknown id is not found", id: "s999", wantOK: false},
		{name: "an empty id is not found", id: "", wantOK: false},
	}
	for _, tt := range lookups {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := b.Question(tt.id)
			if got, want := ok, tt.wantOK; got != want {
				t.Fatalf("Question(%q) ok = %v, want %v", tt.id, got, want)
			}
			if !ok {
				if q != nil {
					t.Errorf("Question(%q) = %+v, want nil", tt.id, q)
				}
				return
			}
			if got, want := q.ID, tt.id; got != want {
				t.Errorf("ID = %q, want %q", got, want)
			}
			if got, want := q.Text, tt.wantText; got != want {
				t.Errorf("Text = %q, want %q", got, want)
			}
			if got, want := q.Correct, tt.wantCorrect; got != want {
				t.Errorf("Correct = %d, want %d", got, want)
			}
			if got, want := q.Options, tt.wantOptions; !slices.Equal(got, want) {
				t.Errorf("Options = %q, want %q", got, want)
			}
		})
	}
}

func TestParseBankRejects(t *testing.T) {
	// q is one JSON question; fields are spliced in as given.
	q := func(id, options string, correct int) string {
		return fmt.Sprintf(`{"id": %q, "text": "Câu hỏi?", "options": %s, "correct": %d}`, id, options, correct)
	}
	bank := func(questions ...string) string {
		return `{"id": "b1", "title": "Ngân hàng", "questions": [` + strings.Join(questions, ",") + `]}`
	}
	four := `["A1", "B1", "C1", "D1"]`

	tests := []struct {
		name string
		data string
	}{
		{name: "malformed JSON is rejected", data: `{"id": "b1", "questions": [`},
		{name: "a JSON array instead of an object is rejected", data: `[]`},
		{name: "a wrongly typed correct index is rejected", data: bank(`{"id": "s1", "text": "?", "options": ["a", "b"], "correct": "a"}`)},
		{name: "empty input is rejected", data: ``},
		{name: "a bank without questions is rejected", data: `{"id": "b1", "title": "Ngân hàng", "questions": []}`},
		{name: "a bank with no questions field is rejected", data: `{"id": "b1", "title": "Ngân hàng"}`},
		{name: "a duplicate question id is rejected", data: bank(q("s1", four, 0), q("s2", four, 1), q("s1", four, 2))},
		{name: "an empty question id is rejected", data: bank(q("", four, 0))},
		{name: "a question id longer than 32 bytes is rejected", data: bank(q(strings.Repeat("x", 33), four, 0))},
		{name: "a question without text is rejected", data: bank(`{"id": "s1", "text": "", "options": ["a", "b"], "correct": 0}`)},
		{name: "a negative correct index is rejected", data: bank(q("s1", four, -1))},
		{name: "a correct index equal to the option count is rejected", data: bank(q("s1", four, 4))},
		{name: "a correct index far out of range is rejected", data: bank(q("s1", four, 99))},
		{name: "an empty option is rejected", data: bank(q("s1", `["A1", "", "C1"]`, 0))},
		{name: "a repeated option is rejected", data: bank(q("s1", `["A1", "B1", "A1"]`, 0))},
		{name: "a question with no options is rejected", data: bank(q("s1", `[]`, 0))},
		{name: "a question with one option is rejected", data: bank(q("s1", `["A1"]`, 0))},
		{name: "a question with seven options is rejected", data: bank(q("s1", `["1", "2", "3", "4", "5", "6", "7"]`, 0))},
		{name: "a bad question after good ones is rejected", data: bank(q("s1", four, 0), q("s2", four, 1), q("s3", `["only"]`, 0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := contest.ParseBank([]byte(tt.data))
			if err == nil {
				t.Fatalf("ParseBank(%s) = %+v, nil; want an error", tt.data, b)
			}
			if b != nil {
				t.Errorf("ParseBank(%s) bank = %+v, want nil alongside the error", tt.data, b)
			}
		})
	}
}

func TestParseBankAcceptsOptionCountBounds(t *testing.T) {
	tests := []struct {
		name    string
		options []string
	}{
		{name: "two options are enough", options: []string{"Đúng", "Sai"}},
		{name: "six options are allowed", options: []string{"1", "2", "3", "4", "5", "6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(contest.Bank{ID: "b1", Questions: []contest.Question{question("s1", len(tt.options)-1, tt.options...)}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := contest.ParseBank(data); err != nil {
				t.Errorf("ParseBank(%d options) error = %v, want nil", len(tt.options), err)
			}
		})
	}
}
