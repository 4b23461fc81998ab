package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

// TestEmbeddedBanks reads the banks as compiled in (the embed directive), the
// way Seed uploads them.
func TestEmbeddedBanks(t *testing.T) {
	questionsPerRound := map[string]int{}
	for _, r := range Rounds(time.Date(2025, time.March, 5, 12, 0, 0, 0, contest.ICT)) {
		questionsPerRound[r.BankID] = max(questionsPerRound[r.BankID], r.QuestionCount)
	}
	tests := []struct {
		name         string
		file         string
		wantID       string
		minQuestions int
		wantOptions  int // 0: any count ParseBank accepts
	}{
		{name: "the staff bank parses with at least 60 questions of 4 options", file: "bank-staff.json", wantID: "demo-staff", minQuestions: 60, wantOptions: 4},
		{name: "the citizen bank parses with enough questions for its round", file: "bank-citizen.json", wantID: "demo-citizen", minQuestions: questionsPerRound["demo-citizen"]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := bankFiles.ReadFile(tt.file)
			if err != nil {
				t.Fatalf("embedded %s: %v", tt.file, err)
			}
			b, err := contest.ParseBank(data)
			if err != nil {
				t.Fatalf("ParseBank(%s): %v", tt.file, err)
			}
			if b.ID != tt.wantID || !contest.ValidID(b.ID) {
				t.Errorf("bank id = %q, want %q", b.ID, tt.wantID)
			}
			if !b.Demo {
				t.Errorf("bank %s is not marked as demo data", b.ID)
			}
			if got := len(b.Questions); got < tt.minQuestions || got < questionsPerRound[b.ID] {
				t.Errorf("bank %s has %d questions, want at least %d (and %d for a round)", b.ID, got, tt.minQuestions, questionsPerRound[b.ID])
			}
			if _, used := questionsPerRound[b.ID]; !used {
				t.Errorf("no demo round uses bank %s", b.ID)
			}
			texts := map[string]string{}
			correctAt := map[int]int{}
			for _, q := range b.Questions {
				if tt.wantOptions != 0 && len(q.Options) != tt.wantOptions {
					t.Errorf("question %s has %d options, want %d", q.ID, len(q.Options), tt.wantOptions)
				}
				key := strings.ToLower(strings.TrimSpace(q.Text))
				if other, dup := texts[key]; dup {
					t.Errorf("questions %s and %s have the same text", other, q.ID)
				}
				texts[key] = q.ID
				correctAt[q.Correct]++
				// after the week, the review and practice teach with them (issue #15)
				if strings.TrimSpace(q.Explanation) == "" || strings.TrimSpace(q.LegalBasis) == "" {
					t.Errorf("question %s has no explanation or no legal basis", q.ID)
				}
			}
			if len(correctAt) < 2 {
				t.Errorf("every correct answer is option %v, want them spread over the options", correctAt)
			}
		})
	}
}
