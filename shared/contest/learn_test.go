package contest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

func TestKeysPublic(t *testing.T) {
	now := time.Date(2026, 3, 11, 9, 0, 0, 0, contest.ICT)
	week := 7 * 24 * time.Hour
	round := func(id, bank string, audience contest.Audience, opens time.Time) contest.Round {
		return contest.Round{ID: id, BankID: bank, Audience: audience, OpensAt: opens, ClosesAt: opens.Add(week)}
	}
	lastWeek, thisWeek, nextWeek := now.Add(-8*24*time.Hour), now.Add(-24*time.Hour), now.Add(6*24*time.Hour)
	off := contest.Contest{ID: "hue-2026"}
	on := contest.Contest{ID: "hue-2026", PublicKeysAfterClose: true}
	tests := []struct {
		name   string
		c      contest.Contest
		rounds []contest.Round
		bank   string
		want   bool
	}{
		{name: "a bank only closed rounds drew from has public keys", c: off, bank: "w1",
			rounds: []contest.Round{round("w1", "w1", contest.AudienceStaff, lastWeek), round("w2", "w2", contest.AudienceStaff, thisWeek)}, want: true},
		{name: "a bank the open round draws from keeps its keys", c: off, bank: "bank",
			rounds: []contest.Round{round("w1", "bank", contest.AudienceStaff, lastWeek), round("w2", "bank", contest.AudienceStaff, thisWeek)}},
		{name: "a bank a future round will draw from keeps its keys", c: off, bank: "bank",
			rounds: []contest.Round{round("w1", "bank", contest.AudienceStaff, lastWeek), round("w3", "bank", contest.AudienceStaff, nextWeek)}},
		{name: "a bank another audience's open round draws from keeps its keys", c: off, bank: "bank",
			rounds: []contest.Round{round("w1", "bank", contest.AudienceStaff, lastWeek), round("w2-nd", "bank", contest.AudienceCitizen, thisWeek)}},
		{name: "a bank no round has closed on keeps its keys even when the setting is on", c: on, bank: "bank",
			rounds: []contest.Round{round("w2", "bank", contest.AudienceStaff, thisWeek)}},
		{name: "a bank no round uses keeps its keys", c: on, bank: "other",
			rounds: []contest.Round{round("w1", "bank", contest.AudienceStaff, lastWeek)}},
		{name: "a closed round's bank has public keys while still drawn when the organisers chose so", c: on, bank: "bank",
			rounds: []contest.Round{round("w1", "bank", contest.AudienceStaff, lastWeek), round("w2", "bank", contest.AudienceStaff, thisWeek)}, want: true},
		{name: "a round closing exactly now is closed", c: off, bank: "w1",
			rounds: []contest.Round{{ID: "w1", BankID: "w1", OpensAt: now.Add(-week), ClosesAt: now}}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := contest.KeysPublic(tt.c, tt.rounds, tt.bank, now); got != tt.want {
				t.Errorf("KeysPublic = %v, want %v", got, tt.want)
			}
			if got := slices.Contains(contest.PublicBanks(tt.c, tt.rounds, now), tt.bank); got != tt.want {
				t.Errorf("PublicBanks has %s = %v, want %v", tt.bank, got, tt.want)
			}
		})
	}
	t.Run("the drawable banks are those of open and future rounds, once each", func(t *testing.T) {
		rounds := []contest.Round{round("w1", "old", contest.AudienceStaff, lastWeek), round("w2", "bank", contest.AudienceStaff, thisWeek),
			round("w3", "bank", contest.AudienceStaff, nextWeek), round("w3-nd", "citizen", contest.AudienceCitizen, nextWeek)}
		if got, want := contest.DrawableBanks(rounds, now), []string{"bank", "citizen"}; !slices.Equal(got, want) {
			t.Errorf("DrawableBanks = %v, want %v", got, want)
		}
	})
}

func TestCheckPractice(t *testing.T) {
	tests := []struct {
		name     string
		practice contest.Practice
		signedIn bool
		code     string
	}{
		{name: "practice is off when the setting is unset", code: "practice_off"},
		{name: "practice is off when the setting says off, even signed in", practice: contest.PracticeOff, signedIn: true, code: "practice_off"},
		{name: "a signed-in person practises when signed-in people may", practice: contest.PracticeSignedIn, signedIn: true},
		{name: "a visitor is asked to sign in when only signed-in people may", practice: contest.PracticeSignedIn, code: "sign_in_to_practise"},
		{name: "a visitor practises when everyone may", practice: contest.PracticeEveryone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := contest.Contest{Practice: tt.practice}.CheckPractice(tt.signedIn)
			if got := fault.CodeOf(err); got != tt.code {
				t.Errorf("CheckPractice = %v, want code %q", err, tt.code)
			}
		})
	}
}

func learnBank(t *testing.T) *contest.Bank {
	t.Helper()
	b, err := contest.ParseBank([]byte(`{"id":"w1","title":"Tuần 1","questions":[
		{"id":"q1","topic":"thu-tuc","text":"Bộ phận Một cửa do ai thành lập?","options":["UBND cấp tỉnh","Bộ Nội vụ","Quốc hội"],"correct":0,
		 "explanation":"Chủ tịch UBND cấp tỉnh quyết định thành lập Trung tâm Phục vụ hành chính công.","legalBasis":"Điều 7 Nghị định 61/2018/NĐ-CP"},
		{"id":"q2","topic":"cong-vu","text":"Câu hỏi không có giải thích","options":["Có","Không"],"correct":1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReview(t *testing.T) {
	b := learnBank(t)
	// q1 shown as C, B, A (bank 2, 1, 0): the key is C; q2 as A, B (bank 0, 1): the key is B
	p := &contest.Paper{RoundID: "w1", ParticipantID: "0123456789abcdef0123", Attempt: 1, Status: contest.PaperSubmitted,
		Items: []contest.Item{{QuestionID: "q1", Order: []uint8{2, 1, 0}}, {QuestionID: "q2", Order: []uint8{0, 1}}},
		Key:   "CB", Answers: map[string]string{"q1": "C"}}
	t.Run("with public keys each question shows the answer, the right option, the explanation and the legal basis", func(t *testing.T) {
		rv, err := p.ReviewOf(b, func(*contest.Question) bool { return true })
		if err != nil {
			t.Fatal(err)
		}
		q1, q2 := rv.Items[0], rv.Items[1]
		if q1.Chosen != "C" || q1.CorrectOption != "C" || q1.Right == nil || !*q1.Right || q1.LegalBasis != "Điều 7 Nghị định 61/2018/NĐ-CP" || q1.Explanation == "" {
			t.Errorf("q1 = %+v", q1)
		}
		if q2.Chosen != "" || q2.CorrectOption != "B" || q2.Right == nil || *q2.Right || q2.Explanation != "" || q2.LegalBasis != "" {
			t.Errorf("q2 (unanswered, no explanation in the bank) = %+v", q2)
		}
		if !rv.KeysPublic || rv.KeysNote != "" {
			t.Errorf("keys public = %v, note %q", rv.KeysPublic, rv.KeysNote)
		}
	})
	t.Run("without public keys only the owner's answers are shown, with a note why", func(t *testing.T) {
		rv, err := p.ReviewOf(b, func(*contest.Question) bool { return false })
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range rv.Items {
			if it.CorrectOption != "" || it.Right != nil || it.Explanation != "" || it.LegalBasis != "" {
				t.Errorf("item %s shows its key: %+v", it.ID, it)
			}
		}
		if rv.Items[0].Chosen != "C" || rv.KeysPublic || rv.KeysNote == "" {
			t.Errorf("review = %+v", rv)
		}
	})
	t.Run("with some keys withheld the others are shown and the note counts the withheld", func(t *testing.T) {
		rv, err := p.ReviewOf(b, func(q *contest.Question) bool { return q.ID == "q2" })
		if err != nil {
			t.Fatal(err)
		}
		if rv.KeysPublic || !strings.Contains(rv.KeysNote, "1 câu") || rv.Items[0].CorrectOption != "" || rv.Items[1].CorrectOption != "B" {
			t.Errorf("review = %+v", rv)
		}
	})
	now := time.Date(2026, 3, 11, 9, 0, 0, 0, contest.ICT)
	open := contest.Round{OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)}
	grace := time.Minute
	for _, tt := range []struct {
		name string
		at   time.Time
		code string
	}{
		{name: "a round still open cannot be reviewed", at: now, code: "round_not_closed"},
		{name: "a round closed a moment ago cannot be reviewed while its papers may still be submitted", at: open.ClosesAt.Add(30 * time.Second), code: "round_not_closed"},
		{name: "a round closed for longer than the submission grace can be reviewed", at: open.ClosesAt.Add(grace)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := contest.CheckReview(open, tt.at, grace); fault.CodeOf(err) != tt.code {
				t.Errorf("CheckReview = %v, want code %q", err, tt.code)
			}
		})
	}
}

func TestPractice(t *testing.T) {
	b := learnBank(t)
	banks := map[string]*contest.Bank{"w1": b}
	pool := []contest.PracticeRef{{BankID: "w1", QuestionID: "q1"}, {BankID: "w1", QuestionID: "q2"}, {BankID: "gone", QuestionID: "q9"}}
	first := func(int) int { return 0 }
	t.Run("a batch carries the questions and options but no key", func(t *testing.T) {
		got := contest.PracticeBatch(pool, banks, "", 5, first)
		if len(got) != 2 || got[0].ID != "q1" || got[0].Options[2].ID != "C" || got[0].Options[2].Text != "Quốc hội" {
			t.Errorf("batch = %+v", got)
		}
	})
	t.Run("a batch of one topic has only that topic's questions", func(t *testing.T) {
		got := contest.PracticeBatch(pool, banks, "cong-vu", 5, first)
		if len(got) != 1 || got[0].ID != "q2" {
			t.Errorf("batch = %+v", got)
		}
	})
	t.Run("a batch is never larger than the cap", func(t *testing.T) {
		many := make([]contest.PracticeRef, 40)
		for i := range many {
			many[i] = pool[i%2]
		}
		if got := contest.PracticeBatch(many, banks, "", 1000, first); len(got) != contest.MaxPracticeBatch {
			t.Errorf("batch of %d, want %d", len(got), contest.MaxPracticeBatch)
		}
	})
	tests := []struct {
		name   string
		chosen string
		right  bool
		code   string
	}{
		{name: "the right option is answered right with the explanation", chosen: "A", right: true},
		{name: "a wrong option is answered wrong with the right one and the explanation", chosen: "B"},
		{name: "an option the question does not have is refused", chosen: "D", code: "unknown_option"},
		{name: "an empty answer is refused", chosen: "", code: "unknown_option"},
	}
	q, _ := b.Question("q1")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb, err := contest.CheckPracticeAnswer("w1", q, tt.chosen)
			if fault.CodeOf(err) != tt.code {
				t.Fatalf("err = %v, want %q", err, tt.code)
			}
			if tt.code == "" && (fb.Right != tt.right || fb.CorrectOption != "A" || fb.LegalBasis == "" || fb.Explanation == "") {
				t.Errorf("feedback = %+v", fb)
			}
		})
	}
}

func TestKeysShown(t *testing.T) {
	now := time.Date(2026, 3, 11, 9, 0, 0, 0, contest.ICT)
	week := 7 * 24 * time.Hour
	rounds := []contest.Round{
		{ID: "w1", BankID: "w1", OpensAt: now.Add(-2 * week), ClosesAt: now.Add(-week)},
		{ID: "w2", BankID: "w2", OpensAt: now.Add(-24 * time.Hour), ClosesAt: now.Add(6 * 24 * time.Hour)},
	}
	retired := &contest.Question{ID: "a", Text: "Bộ phận Một cửa là gì?"}
	copied := &contest.Question{ID: "b", Text: "Ai thành lập  Trung tâm Phục vụ hành chính công?"}
	drawable := &contest.Bank{ID: "w2", Questions: []contest.Question{{ID: "x", Text: "ai thành lập trung tâm phục vụ hành chính công?"}}}
	tests := []struct {
		name string
		c    contest.Contest
		bank string
		q    *contest.Question
		want bool
	}{
		{name: "a question of a retired bank that no drawable bank has shows its key", bank: "w1", q: retired, want: true},
		{name: "a question of a retired bank that the open round's bank repeats keeps its key", bank: "w1", q: copied},
		{name: "a repeated question shows its key when the organisers chose public keys", c: contest.Contest{PublicKeysAfterClose: true}, bank: "w1", q: copied, want: true},
		{name: "a question of the open round's bank keeps its key", bank: "w2", q: retired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := contest.NewKeys(tt.c, rounds, []*contest.Bank{drawable}, now)
			if got := k.Shown(tt.bank, tt.q); got != tt.want {
				t.Errorf("Shown = %v, want %v", got, tt.want)
			}
		})
	}
}
