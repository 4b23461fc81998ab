package contest_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

func TestThePracticePool(t *testing.T) {
	now := time.Date(2026, 3, 11, 9, 0, 0, 0, contest.ICT)
	week := 7 * 24 * time.Hour
	rounds := []contest.Round{
		{ID: "w1", BankID: "w1", OpensAt: now.Add(-2 * week), ClosesAt: now.Add(-week)},
		{ID: "w2", BankID: "w2", OpensAt: now.Add(-24 * time.Hour), ClosesAt: now.Add(6 * 24 * time.Hour)},
	}
	w1 := learnBank(t)
	// The open round's bank repeats q2's text: q2 keeps its key.
	w2 := &contest.Bank{ID: "w2", Questions: []contest.Question{{ID: "x", Text: "Câu hỏi không có giải thích"}}}
	keys := contest.NewKeys(contest.Contest{}, rounds, []*contest.Bank{w2}, now)
	load := func(id string) (*contest.Bank, error) {
		if id == "w1" {
			return w1, nil
		}
		return nil, errors.New("no such bank")
	}
	pool, err := contest.NewPracticePool(keys, []string{"w1"}, load)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the pool has the public questions whose keys are shown, with their topics named", func(t *testing.T) {
		if len(pool.Refs) != 1 || pool.Refs[0].QuestionID != "q1" || len(pool.Topics) != 1 || pool.Topics[0].Name != "Cải cách thủ tục hành chính" {
			t.Errorf("pool %+v, topics %+v", pool.Refs, pool.Topics)
		}
	})
	t.Run("a bank that cannot be read fails the pool", func(t *testing.T) {
		if _, err := contest.NewPracticePool(keys, []string{"w1", "gone"}, load); err == nil {
			t.Error("no error")
		}
	})
	tests := []struct {
		name, bank, question, chosen, code string
	}{
		{"a pool question is graded", "w1", "q1", "A", ""},
		{"a question whose key is kept is not in the pool", "w1", "q2", "A", "practice_question_not_found"},
		{"a bank outside the pool is not either", "w2", "x", "A", "practice_question_not_found"},
		{"an option the question lacks is refused", "w1", "q1", "F", "unknown_option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb, err := pool.Answer(tt.bank, tt.question, tt.chosen)
			if fault.CodeOf(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
			if tt.code == "" && !fb.Right {
				t.Errorf("feedback %+v", fb)
			}
		})
	}
	t.Run("the site's answer body names the question and the option chosen", func(t *testing.T) {
		var req contest.PracticeAnswerRequest
		if err := json.Unmarshal([]byte(`{"bankId":"w1","questionId":"q1","chosen":"A"}`), &req); err != nil {
			t.Fatal(err)
		}
		if fb, err := pool.Answer(req.BankID, req.QuestionID, req.Chosen); err != nil || !fb.Right {
			t.Errorf("feedback %+v, %v", fb, err)
		}
	})
	t.Run("an unknown topic is named by its id", func(t *testing.T) {
		if got := contest.TopicOf("khac"); got.Name != "khac" {
			t.Errorf("topic %+v", got)
		}
	})
}

func TestPracticeCountViews(t *testing.T) {
	w1 := learnBank(t)
	counts := []contest.PracticeCount{
		{BankID: "w1", QuestionID: "q1", Answered: 4, Right: 3},
		{BankID: "gone", QuestionID: "q9", Answered: 2, Right: 0},
		{BankID: "w1", QuestionID: "q2", Answered: 1, Right: 1},
	}
	reads := 0
	got := contest.PracticeCountViews(counts, func(id string) *contest.Bank {
		reads++
		if id == "w1" {
			return w1
		}
		return nil
	})
	t.Run("each count carries its question's text and share", func(t *testing.T) {
		if len(got) != 3 || got[0].Text != "Bộ phận Một cửa do ai thành lập?" || got[0].Share != 0.75 {
			t.Errorf("views %+v", got)
		}
	})
	t.Run("a bank gone since leaves its questions without a text", func(t *testing.T) {
		if got[1].Text != "" || got[1].Answered != 2 {
			t.Errorf("view %+v", got[1])
		}
	})
	t.Run("each bank is read once", func(t *testing.T) {
		if reads != 2 {
			t.Errorf("%d bank reads, want 2", reads)
		}
	})
}
