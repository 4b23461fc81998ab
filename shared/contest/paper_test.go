package contest_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

const labels = "ABCDEF"

// paperBank is the bank behind paperFixture.
func paperBank(tb testing.TB) *contest.Bank {
	tb.Helper()
	return mustBank(tb, "ngan-hang-01",
		contest.Question{ID: "s001", Text: "Cơ quan nào thông qua Hiến pháp?",
			Options: []string{"Chính phủ", "Quốc hội", "Chủ tịch nước", "Tòa án nhân dân tối cao"}, Correct: 1},
		contest.Question{ID: "s002", Text: "Công dân có quyền bầu cử từ đủ 18 tuổi?",
			Options: []string{"Đúng", "Sai"}, Correct: 0},
		contest.Question{ID: "s003", Text: "Hiến pháp hiện hành được thông qua năm nào?",
			Options: []string{"1946", "1959", "1980", "1992", "2013", "2015"}, Correct: 4},
		contest.Question{ID: "s004", Text: "Câu hỏi không có trên bài thi",
			Options: []string{"Có", "Không"}, Correct: 1},
	)
}

// paperFixture is an in-progress paper of three items, in the order s003,
// s001, s002, with a hand-computed key:
//
//	s003 order 543210: bank option 4 ("2013") shows as B
//	s001 order 2031:   bank option 1 ("Quốc hội") shows as D
//	s002 order 01:     bank option 0 ("Đúng") shows as A
func paperFixture() *contest.Paper {
	started := week1Opens.Add(time.Hour).UTC()
	return &contest.Paper{
		ContestID:     "hue-2025",
		RoundID:       "tuan-01",
		ParticipantID: contest.ParticipantID("hue-2025", "an@hue.gov.vn"),
		Attempt:       1,
		Email:         "an@hue.gov.vn",
		Name:          "Nguyễn Văn An",
		UnitID:        "so-noi-vu",
		Audience:      contest.AudienceStaff,
		BankID:        "ngan-hang-01",
		Items: []contest.Item{
			{QuestionID: "s003", Order: []uint8{5, 4, 3, 2, 1, 0}},
			{QuestionID: "s001", Order: []uint8{2, 0, 3, 1}},
			{QuestionID: "s002", Order: []uint8{0, 1}},
		},
		Key:       "BDA",
		StartedAt: started,
		Deadline:  started.Add(20 * time.Minute),
		Status:    contest.PaperInProgress,
	}
}

// isPermutation reports whether order holds each of 0..len(order)-1 once.
func isPermutation(order []uint8) bool {
	seen := make([]bool, len(order))
	for _, o := range order {
		if int(o) >= len(order) || seen[o] {
			return false
		}
		seen[o] = true
	}
	return true
}

func TestDraw(t *testing.T) {
	b := generatedBank(t, 12)
	for _, n := range []int{1, 5, 12} {
		for seed := uint64(1); seed <= 20; seed++ {
			t.Run(fmt.Sprintf("drawing %d of 12 with seed %d gives a consistent paper", n, seed), func(t *testing.T) {
				items, key, err := contest.Draw(b, n, rand.New(rand.NewPCG(seed, 99)))
				if err != nil {
					t.Fatalf("Draw(%d) error = %v", n, err)
				}
				if got, want := len(items), n; got != want {
					t.Fatalf("len(items) = %d, want %d", got, want)
				}
				if got, want := len(key), n; got != want {
					t.Fatalf("len(key) = %d, want %d", got, want)
				}
				seen := map[string]bool{}
				for i, it := range items {
					if seen[it.QuestionID] {
						t.Errorf("item %d: question %q drawn twice", i, it.QuestionID)
					}
					seen[it.QuestionID] = true
					q, ok := b.Question(it.QuestionID)
					if !ok {
						t.Fatalf("item %d: question %q is not in the bank", i, it.QuestionID)
					}
					if got, want := len(it.Order), len(q.Options); got != want {
						t.Fatalf("item %d: len(Order) = %d, want %d (the question's options)", i, got, want)
					}
					if !isPermutation(it.Order) {
						t.Errorf("item %d: Order %v is not a permutation of 0..%d", i, it.Order, len(it.Order)-1)
					}
					k := slices.Index(it.Order, uint8(q.Correct))
					if k < 0 {
						t.Fatalf("item %d: Order %v does not show the correct option %d", i, it.Order, q.Correct)
					}
					if got, want := key[i], labels[k]; got != want {
						t.Errorf("item %d (%s, order %v, correct %d): key letter = %c, want %c", i, it.QuestionID, it.Order, q.Correct, got, want)
					}
				}
			})
		}
	}

	t.Run("drawing the same seed twice gives the same paper", func(t *testing.T) {
		items1, key1, err1 := contest.Draw(b, 5, rand.New(rand.NewPCG(7, 7)))
		items2, key2, err2 := contest.Draw(b, 5, rand.New(rand.NewPCG(7, 7)))
		if err1 != nil || err2 != nil {
			t.Fatalf("Draw errors = %v, %v", err1, err2)
		}
		if key1 != key2 {
			t.Errorf("keys = %q and %q, want equal", key1, key2)
		}
		for i := range items1 {
			if got, want := items1[i].String(), items2[i].String(); got != want {
				t.Errorf("item %d = %s and %s, want equal", i, got, want)
			}
		}
	})
}

func TestDrawRejects(t *testing.T) {
	small := generatedBank(t, 10)
	large := generatedBank(t, contest.MaxQuestions+10)
	tests := []struct {
		name string
		bank *contest.Bank
		n    int
	}{
		{name: "drawing zero questions is an error", bank: small, n: 0},
		{name: "drawing a negative number of questions is an error", bank: small, n: -1},
		{name: "drawing one more question than the bank holds is an error", bank: small, n: 11},
		{name: "drawing more than MaxQuestions from a large bank is an error", bank: large, n: contest.MaxQuestions + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, key, err := contest.Draw(tt.bank, tt.n, rand.New(rand.NewPCG(1, 2)))
			if err == nil {
				t.Fatalf("Draw(bank of %d, %d) = %d items, key %q, nil error; want an error", len(tt.bank.Questions), tt.n, len(items), key)
			}
			if items != nil || key != "" {
				t.Errorf("Draw(bank of %d, %d) = %v, %q alongside the error; want nil, \"\"", len(tt.bank.Questions), tt.n, items, key)
			}
		})
	}

	t.Run("drawing the whole bank is allowed", func(t *testing.T) {
		if _, _, err := contest.Draw(small, 10, rand.New(rand.NewPCG(1, 2))); err != nil {
			t.Errorf("Draw(bank of 10, 10) error = %v, want nil", err)
		}
	})
	t.Run("drawing MaxQuestions from a large bank is allowed", func(t *testing.T) {
		if _, _, err := contest.Draw(large, contest.MaxQuestions, rand.New(rand.NewPCG(1, 2))); err != nil {
			t.Errorf("Draw(bank of %d, %d) error = %v, want nil", len(large.Questions), contest.MaxQuestions, err)
		}
	})
}

// TestDrawIsRandom checks that, over many seeded draws, every question is
// drawn (also as the first item), every option of every question shows at
// every label, and the correct answer lands on each label about equally.
func TestDrawIsRandom(t *testing.T) {
	const (
		bankSize = 20
		perPaper = 5
		papers   = 2000
		options  = 4
	)
	qs := make([]contest.Question, bankSize)
	for i := range qs {
		id := fmt.Sprintf("q%02d", i)
		qs[i] = question(id, i%options, id+"-a", id+"-b", id+"-c", id+"-d")
	}
	b := mustBank(t, "random", qs...)
	rng := rand.New(rand.NewPCG(1, 2))

	drawn := map[string]int{}
	first := map[string]int{}
	// shown[question][bank option][label position]
	shown := map[string]*[options][options]int{}
	keyLetters := map[byte]int{}
	for range papers {
		items, key, err := contest.Draw(b, perPaper, rng)
		if err != nil {
			t.Fatalf("Draw error = %v", err)
		}
		first[items[0].QuestionID]++
		for i, it := range items {
			drawn[it.QuestionID]++
			if shown[it.QuestionID] == nil {
				shown[it.QuestionID] = new([options][options]int)
			}
			for k, o := range it.Order {
				shown[it.QuestionID][o][k]++
			}
			keyLetters[key[i]]++
		}
	}

	t.Run("every question of the bank is drawn", func(t *testing.T) {
		for _, q := range b.Questions {
			if drawn[q.ID] == 0 {
				t.Errorf("question %q was never drawn in %d papers", q.ID, papers)
			}
		}
	})
	t.Run("every question of the bank comes first on some paper", func(t *testing.T) {
		for _, q := range b.Questions {
			if first[q.ID] == 0 {
				t.Errorf("question %q was never the first item in %d papers", q.ID, papers)
			}
		}
	})
	t.Run("every option of every question shows at every label", func(t *testing.T) {
		for _, q := range b.Questions {
			s := shown[q.ID]
			if s == nil {
				continue // reported above
			}
			for o := range options {
				for k := range options {
					if s[o][k] == 0 {
						t.Errorf("question %q: option %d never shown as %c", q.ID, o, labels[k])
					}
				}
			}
		}
	})
	t.Run("the correct answer lands on each label about a quarter of the time", func(t *testing.T) {
		total := papers * perPaper
		for k := range options {
			got := keyLetters[labels[k]]
			// Expected 25%; the seeded draw is deterministic, so wide bounds
			// catch a biased shuffle without ever flaking.
			if lo, hi := total*20/100, total*30/100; got < lo || got > hi {
				t.Errorf("key letter %c: %d of %d items, want between %d and %d", labels[k], got, total, lo, hi)
			}
		}
		for l := range keyLetters {
			if strings.IndexByte(labels[:options], l) < 0 {
				t.Errorf("key letter %q is not a label of a %d-option question", l, options)
			}
		}
	})
}

func TestItemString(t *testing.T) {
	tests := []struct {
		name string
		item contest.Item
		want string
	}{
		{name: "a four-option item encodes as id, colon and digits", item: contest.Item{QuestionID: "s042", Order: []uint8{2, 0, 3, 1}}, want: "s042:2031"},
		{name: "a two-option item in bank order encodes as 01", item: contest.Item{QuestionID: "s1", Order: []uint8{0, 1}}, want: "s1:01"},
		{name: "a six-option item reversed encodes as 543210", item: contest.Item{QuestionID: "q", Order: []uint8{5, 4, 3, 2, 1, 0}}, want: "q:543210"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := tt.item.String(), tt.want; got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
		})
	}
}

func TestParseItemRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		item contest.Item
	}{
		{name: "a four-option item survives a round trip", item: contest.Item{QuestionID: "s042", Order: []uint8{2, 0, 3, 1}}},
		{name: "a two-option item survives a round trip", item: contest.Item{QuestionID: "s1", Order: []uint8{1, 0}}},
		{name: "a six-option item survives a round trip", item: contest.Item{QuestionID: "hp-2013-07", Order: []uint8{3, 5, 0, 1, 4, 2}}},
		{name: "a question id containing colons survives a round trip", item: contest.Item{QuestionID: "a:b:c", Order: []uint8{0, 2, 1}}},
		{name: "a 32-byte question id survives a round trip", item: contest.Item{QuestionID: strings.Repeat("x", 32), Order: []uint8{1, 2, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.item.String()
			got, err := contest.ParseItem(s)
			if err != nil {
				t.Fatalf("ParseItem(%q) error = %v", s, err)
			}
			if got.QuestionID != tt.item.QuestionID || !slices.Equal(got.Order, tt.item.Order) {
				t.Errorf("ParseItem(%q) = %+v, want %+v", s, got, tt.item)
			}
		})
	}

	t.Run("every drawn item survives a round trip", func(t *testing.T) {
		b := generatedBank(t, 30)
		items, _, err := contest.Draw(b, 30, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			got, err := contest.ParseItem(it.String())
			if err != nil {
				t.Fatalf("ParseItem(%q) error = %v", it.String(), err)
			}
			if got.QuestionID != it.QuestionID || !slices.Equal(got.Order, it.Order) {
				t.Errorf("ParseItem(%q) = %+v, want %+v", it.String(), got, it)
			}
		}
	})
}

func TestParseItemRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "an empty string is rejected", in: ""},
		{name: "a string without a colon is rejected", in: "s042"},
		{name: "an empty question id is rejected", in: ":2031"},
		{name: "an empty order is rejected", in: "s042:"},
		{name: "a single-option order is rejected", in: "s042:0"},
		{name: "a seven-option order is rejected", in: "s042:0123456"},
		{name: "a letter in the order is rejected", in: "s042:20a1"},
		{name: "the digit 6 (no seventh option) is rejected", in: "s042:2061"},
		{name: "the digit 9 is rejected", in: "s042:9012"},
		{name: "a minus sign in the order is rejected", in: "s042:-1"},
		{name: "a space in the order is rejected", in: "s042:2 31"},
		{name: "a trailing colon after a valid item is rejected", in: "s042:2031:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := contest.ParseItem(tt.in); err == nil {
				t.Errorf("ParseItem(%q) = %+v, nil; want an error", tt.in, got)
			}
		})
	}
}

// TestParseItemRejectsOrdersThatAreNotPermutations: Item.Order maps each label
// to a distinct bank option, and Item.String never writes anything else, so a
// stored item that is not a permutation is corrupt and must not be loaded.
func TestParseItemRejectsOrdersThatAreNotPermutations(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "a repeated option is rejected", in: "s042:00"},
		{name: "a repeated option among four is rejected", in: "s042:1123"},
		{name: "an option index beyond the order's length is rejected", in: "s042:05"},
		{name: "a four-option order missing option 0 is rejected", in: "s042:1234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := contest.ParseItem(tt.in); err == nil {
				t.Errorf("ParseItem(%q) = %+v, nil; want an error (Order is not a permutation)", tt.in, got)
			}
		})
	}
}

var hex20 = regexp.MustCompile(`^[0-9a-f]{20}$`)

func TestParticipantID(t *testing.T) {
	base := contest.ParticipantID("hue-2025", "an@hue.gov.vn")

	t.Run("the id is stable", func(t *testing.T) {
		if got, want := contest.ParticipantID("hue-2025", "an@hue.gov.vn"), base; got != want {
			t.Errorf("ParticipantID = %q then %q, want equal", want, got)
		}
	})
	t.Run("the id is 20 lower-case hex characters", func(t *testing.T) {
		for _, id := range []string{base, contest.ParticipantID("", ""), contest.ParticipantID("x", strings.Repeat("y", 300))} {
			if !hex20.MatchString(id) {
				t.Errorf("ParticipantID = %q, want 20 lower-case hex characters", id)
			}
		}
	})

	differ := []struct {
		name           string
		contest, email string
	}{
		{name: "the id differs in another contest", contest: "hcm-2025", email: "an@hue.gov.vn"},
		{name: "the id differs in next year's contest", contest: "hue-2026", email: "an@hue.gov.vn"},
		{name: "the id differs for another email", contest: "hue-2025", email: "binh@hue.gov.vn"},
		{name: "the id differs when contest and email meet at another point", contest: "hue-2025a", email: "n@hue.gov.vn"},
	}
	for _, tt := range differ {
		t.Run(tt.name, func(t *testing.T) {
			if got := contest.ParticipantID(tt.contest, tt.email); got == base {
				t.Errorf("ParticipantID(%q, %q) = %q, the same as for (hue-2025, an@hue.gov.vn)", tt.contest, tt.email, got)
			}
		})
	}
}

func TestPaperIDRoundTrip(t *testing.T) {
	pid := contest.ParticipantID("hue-2025", "an@hue.gov.vn")
	tests := []struct {
		name string
		ref  contest.PaperRef
		want string
	}{
		{name: "a first attempt round-trips", ref: contest.PaperRef{RoundID: "tuan-01", ParticipantID: pid, Attempt: 1}, want: "tuan-01." + pid + ".1"},
		{name: "a tenth attempt round-trips", ref: contest.PaperRef{RoundID: "tuan-01", ParticipantID: pid, Attempt: 10}, want: "tuan-01." + pid + ".10"},
		{name: "a one-letter round id round-trips", ref: contest.PaperRef{RoundID: "a", ParticipantID: pid, Attempt: 3}, want: "a." + pid + ".3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.ref.ID()
			if got, want := id, tt.want; got != want {
				t.Errorf("ID() = %q, want %q", got, want)
			}
			got, err := contest.ParsePaperID(id)
			if err != nil {
				t.Fatalf("ParsePaperID(%q) error = %v", id, err)
			}
			if got != tt.ref {
				t.Errorf("ParsePaperID(%q) = %+v, want %+v", id, got, tt.ref)
			}
		})
	}

	t.Run("a paper's id is its reference's id", func(t *testing.T) {
		p := paperFixture()
		if got, want := p.ID(), (contest.PaperRef{RoundID: p.RoundID, ParticipantID: p.ParticipantID, Attempt: p.Attempt}).ID(); got != want {
			t.Errorf("Paper.ID() = %q, want %q", got, want)
		}
		if got, want := p.Ref(), (contest.PaperRef{RoundID: "tuan-01", ParticipantID: p.ParticipantID, Attempt: 1}); got != want {
			t.Errorf("Paper.Ref() = %+v, want %+v", got, want)
		}
	})
}

func TestParsePaperIDRejects(t *testing.T) {
	pid := contest.ParticipantID("hue-2025", "an@hue.gov.vn")
	tests := []struct {
		name string
		id   string
	}{
		{name: "an empty id is not found", id: ""},
		{name: "a round id alone is not found", id: "tuan-01"},
		{name: "two parts are not found", id: "tuan-01." + pid},
		{name: "four parts are not found", id: "tuan-01." + pid + ".1.2"},
		{name: "a trailing dot is not found", id: "tuan-01." + pid + ".1."},
		{name: "an upper-case round id is not found", id: "Tuan-01." + pid + ".1"},
		{name: "an empty round id is not found", id: "." + pid + ".1"},
		{name: "a round id with a slash is not found", id: "tuan/01." + pid + ".1"},
		{name: "a 19-character participant id is not found", id: "tuan-01." + pid[:19] + ".1"},
		{name: "a 21-character participant id is not found", id: "tuan-01." + pid + "0.1"},
		{name: "a 22-character hex participant id is not found", id: "tuan-01." + pid + "00.1"},
		{name: "an 18-character hex participant id is not found", id: "tuan-01." + pid[:18] + ".1"},
		{name: "an empty participant id is not found", id: "tuan-01..1"},
		{name: "a participant id with non-hex letters is not found", id: "tuan-01." + "g" + pid[1:] + ".1"},
		{name: "a participant id with a space is not found", id: "tuan-01." + " " + pid[1:] + ".1"},
		{name: "attempt 0 is not found", id: "tuan-01." + pid + ".0"},
		{name: "attempt 01 is not found", id: "tuan-01." + pid + ".01"},
		{name: "attempt 11 is not found", id: "tuan-01." + pid + ".11"},
		{name: "a negative attempt is not found", id: "tuan-01." + pid + ".-1"},
		{name: "an attempt with a plus sign is not found", id: "tuan-01." + pid + ".+1"},
		{name: "an empty attempt is not found", id: "tuan-01." + pid + "."},
		{name: "a non-numeric attempt is not found", id: "tuan-01." + pid + ".x"},
		{name: "a huge attempt is not found", id: "tuan-01." + pid + ".99999999999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := contest.ParsePaperID(tt.id)
			if gotCode, wantCode := fault.CodeOf(err), "paper_not_found"; gotCode != wantCode {
				t.Fatalf("ParsePaperID(%q) = %+v, code %q (err %v); want code %q", tt.id, got, gotCode, err, wantCode)
			}
			if e, _ := fault.As(err); e.Kind != fault.KindNotFound {
				t.Errorf("Kind = %v, want %v", e.Kind, fault.KindNotFound)
			}
			if got != (contest.PaperRef{}) {
				t.Errorf("ParsePaperID(%q) = %+v alongside the error, want the zero PaperRef", tt.id, got)
			}
		})
	}
}

func TestPaperCheckAnswers(t *testing.T) {
	// Items: s003 (6 options), s001 (4 options), s002 (2 options).
	tests := []struct {
		name     string
		answers  map[string]string
		wantCode string // "" means accepted
	}{
		{name: "no answers are accepted", answers: map[string]string{}},
		{name: "nil answers are accepted", answers: nil},
		{name: "a valid partial set is accepted", answers: map[string]string{"s001": "B"}},
		{name: "a valid full set is accepted", answers: map[string]string{"s003": "F", "s001": "D", "s002": "B"}},
		{name: "label A is accepted on every question", answers: map[string]string{"s003": "A", "s001": "A", "s002": "A"}},
		{name: "label F is accepted on a six-option question", answers: map[string]string{"s003": "F"}},

		{name: "a question not on the paper is an unknown question", answers: map[string]string{"s999": "A"}, wantCode: "unknown_question"},
		{name: "a bank question not drawn for this paper is an unknown question", answers: map[string]string{"s004": "A"}, wantCode: "unknown_question"},
		{name: "an empty question id is an unknown question", answers: map[string]string{"": "A"}, wantCode: "unknown_question"},
		{name: "a question id in another case is an unknown question", answers: map[string]string{"S001": "A"}, wantCode: "unknown_question"},
		{name: "label E on a four-option question is an unknown option", answers: map[string]string{"s001": "E"}, wantCode: "unknown_option"},
		{name: "label C on a two-option question is an unknown option", answers: map[string]string{"s002": "C"}, wantCode: "unknown_option"},
		{name: "label G on a six-option question is an unknown option", answers: map[string]string{"s003": "G"}, wantCode: "unknown_option"},
		{name: "a lower-case label is an unknown option", answers: map[string]string{"s001": "a"}, wantCode: "unknown_option"},
		{name: "two labels are an unknown option", answers: map[string]string{"s001": "AB"}, wantCode: "unknown_option"},
		{name: "an empty label is an unknown option", answers: map[string]string{"s001": ""}, wantCode: "unknown_option"},
		{name: "a digit label is an unknown option", answers: map[string]string{"s001": "1"}, wantCode: "unknown_option"},
		{name: "a bad label next to good ones is an unknown option", answers: map[string]string{"s003": "A", "s001": "B", "s002": "Z"}, wantCode: "unknown_option"},
		{name: "more answers than items are too many answers", answers: map[string]string{"s003": "A", "s001": "B", "s002": "A", "s004": "A"}, wantCode: "too_many_answers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paperFixture()
			err := p.CheckAnswers(tt.answers)
			if got, want := fault.CodeOf(err), tt.wantCode; got != want {
				t.Fatalf("CheckAnswers(%v) code = %q (err %v), want %q", tt.answers, got, err, want)
			}
			if tt.wantCode == "" {
				if err != nil {
					t.Errorf("CheckAnswers(%v) = %v, want nil", tt.answers, err)
				}
				return
			}
			if e, _ := fault.As(err); e.Kind != fault.KindInvalid {
				t.Errorf("Kind = %v, want %v", e.Kind, fault.KindInvalid)
			}
		})
	}
}

func TestPaperCheckOpenForAnswers(t *testing.T) {
	const grace = 30 * time.Second
	tests := []struct {
		name     string
		status   contest.PaperStatus
		at       time.Duration // after the deadline
		grace    time.Duration
		wantCode string // "" means open
	}{
		{name: "a paper in progress before its deadline takes answers", status: contest.PaperInProgress, at: -10 * time.Minute, grace: grace},
		{name: "a paper in progress at its deadline takes answers", status: contest.PaperInProgress, at: 0, grace: grace},
		{name: "a paper in progress within the grace takes answers", status: contest.PaperInProgress, at: grace / 2, grace: grace},
		{name: "a paper in progress exactly at deadline plus grace takes answers", status: contest.PaperInProgress, at: grace, grace: grace},
		{name: "a paper in progress one nanosecond after deadline plus grace is past its deadline", status: contest.PaperInProgress, at: grace + time.Nanosecond, grace: grace, wantCode: "deadline_passed"},
		{name: "a paper in progress an hour late is past its deadline", status: contest.PaperInProgress, at: time.Hour, grace: grace, wantCode: "deadline_passed"},
		{name: "with no grace a paper takes answers exactly at its deadline", status: contest.PaperInProgress, at: 0, grace: 0},
		{name: "with no grace a paper one nanosecond late is past its deadline", status: contest.PaperInProgress, at: time.Nanosecond, grace: 0, wantCode: "deadline_passed"},
		{name: "a submitted paper before its deadline is already submitted", status: contest.PaperSubmitted, at: -10 * time.Minute, grace: grace, wantCode: "paper_submitted"},
		{name: "a submitted paper after its deadline is already submitted", status: contest.PaperSubmitted, at: time.Hour, grace: grace, wantCode: "paper_submitted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paperFixture()
			p.Status = tt.status
			now := p.Deadline.Add(tt.at)
			err := p.CheckOpenForAnswers(now, tt.grace)
			if got, want := fault.CodeOf(err), tt.wantCode; got != want {
				t.Fatalf("CheckOpenForAnswers(deadline%+v, grace %v) code = %q (err %v), want %q", tt.at, tt.grace, got, err, want)
			}
			if tt.wantCode == "" && err != nil {
				t.Errorf("CheckOpenForAnswers = %v, want nil", err)
			}
		})
	}
}

func TestPaperOverdue(t *testing.T) {
	const grace = 30 * time.Second
	tests := []struct {
		name   string
		status contest.PaperStatus
		at     time.Duration // after the deadline
		grace  time.Duration
		want   bool
	}{
		{name: "a paper in progress before its deadline is not overdue", status: contest.PaperInProgress, at: -time.Minute, grace: grace},
		{name: "a paper in progress within the grace is not overdue (it can still be submitted)", status: contest.PaperInProgress, at: grace / 2, grace: grace},
		{name: "a paper in progress exactly at deadline plus grace is not overdue", status: contest.PaperInProgress, at: grace, grace: grace},
		{name: "a paper in progress one nanosecond after deadline plus grace is overdue", status: contest.PaperInProgress, at: grace + time.Nanosecond, grace: grace, want: true},
		{name: "with no grace a paper in progress one nanosecond late is overdue", status: contest.PaperInProgress, at: time.Nanosecond, want: true},
		{name: "a submitted paper is never overdue", status: contest.PaperSubmitted, at: time.Hour, grace: grace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paperFixture()
			p.Status = tt.status
			if got := p.Overdue(p.Deadline.Add(tt.at), tt.grace); got != tt.want {
				t.Errorf("Overdue(deadline%+v, grace %v) = %v, want %v", tt.at, tt.grace, got, tt.want)
			}
			// A paper in progress is either active or overdue, never both.
			if active := p.Active(p.Deadline.Add(tt.at), tt.grace); active != (tt.status == contest.PaperInProgress && !tt.want) {
				t.Errorf("Active = %v with Overdue = %v for a paper %s", active, tt.want, tt.status)
			}
			// An overdue paper is exactly one that no longer takes answers while in progress.
			open := p.CheckOpenForAnswers(p.Deadline.Add(tt.at), tt.grace) == nil
			if tt.status == contest.PaperInProgress && open == tt.want {
				t.Errorf("Overdue = %v but CheckOpenForAnswers says open = %v", tt.want, open)
			}
		})
	}
}

func TestCloseOverdue(t *testing.T) {
	// The fixture's key is "BDA" for items s003, s001, s002; its time limit 20 minutes.
	pred := func(n int) *int { return &n }
	tests := []struct {
		name           string
		answers        map[string]string
		saved          *int
		wantCorrect    int
		wantPrediction int
	}{
		{name: "saved answers are graded with the saved prediction", answers: map[string]string{"s003": "B", "s001": "D", "s002": "B"}, saved: pred(1200), wantCorrect: 2, wantPrediction: 1200},
		{name: "all saved answers right", answers: map[string]string{"s003": "B", "s001": "D", "s002": "A"}, saved: pred(0), wantCorrect: 3, wantPrediction: 0},
		{name: "no prediction saved counts as 0, as on the site", answers: map[string]string{"s003": "B"}, wantCorrect: 1, wantPrediction: 0},
		{name: "nothing saved scores 0 of 3", answers: nil, wantCorrect: 0, wantPrediction: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paperFixture()
			p.Answers, p.SavedPrediction = tt.answers, tt.saved
			got := contest.CloseOverdue(p)
			want := contest.Result{Correct: tt.wantCorrect, Total: 3, TimeTakenMs: (20 * time.Minute).Milliseconds(),
				SubmittedAt: p.Deadline, Prediction: tt.wantPrediction, Automatic: true}
			if got != want {
				t.Errorf("CloseOverdue = %+v, want %+v", got, want)
			}
			closed := contest.ClosedOverdue(p)
			if closed.Status != contest.PaperSubmitted || closed.Result == nil || *closed.Result != want || closed.Responses != contest.ResponsesOf(p, tt.answers) {
				t.Errorf("ClosedOverdue = %s %+v %q; want submitted, %+v, %q", closed.Status, closed.Result, closed.Responses, want, contest.ResponsesOf(p, tt.answers))
			}
			if p.Status != contest.PaperInProgress || p.Result != nil {
				t.Errorf("ClosedOverdue changed the paper it closed: %s %+v", p.Status, p.Result)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	// The fixture's key is "BDA" for items s003, s001, s002.
	tests := []struct {
		name        string
		answers     map[string]string
		wantCorrect int
	}{
		{name: "all right answers score full marks", answers: map[string]string{"s003": "B", "s001": "D", "s002": "A"}, wantCorrect: 3},
		{name: "all wrong answers score nothing", answers: map[string]string{"s003": "A", "s001": "A", "s002": "B"}, wantCorrect: 0},
		{name: "a partial set of right answers scores those", answers: map[string]string{"s003": "B", "s001": "A"}, wantCorrect: 1},
		{name: "unanswered questions score nothing", answers: map[string]string{"s001": "D"}, wantCorrect: 1},
		{name: "no answers score nothing", answers: map[string]string{}, wantCorrect: 0},
		{name: "nil answers score nothing", answers: nil, wantCorrect: 0},
		{name: "the bank's unshuffled labels are not the shuffled key", answers: map[string]string{"s003": "E", "s001": "B", "s002": "A"}, wantCorrect: 1},
		{name: "the right letter for another question does not count", answers: map[string]string{"s003": "D", "s001": "B", "s002": "A"}, wantCorrect: 1},
		{name: "a lower-case right letter does not count", answers: map[string]string{"s003": "b", "s001": "d", "s002": "a"}, wantCorrect: 0},
		{name: "an answer to a question not on the paper does not count", answers: map[string]string{"s004": "B", "s999": "B"}, wantCorrect: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paperFixture()
			now := p.StartedAt.Add(5 * time.Minute)
			got := contest.Grade(p, tt.answers, 1234, now)
			want := contest.Result{Correct: tt.wantCorrect, Total: 3, TimeTakenMs: 300_000, SubmittedAt: now, Prediction: 1234}
			if got != want {
				t.Errorf("Grade(%v) = %+v, want %+v", tt.answers, got, want)
			}
			if gotAll, wantAll := got.AllCorrect(), tt.wantCorrect == 3; gotAll != wantAll {
				t.Errorf("AllCorrect() = %v, want %v", gotAll, wantAll)
			}
		})
	}

	times := []struct {
		name    string
		elapsed time.Duration
		want    int64
	}{
		{name: "the time taken runs from the start to the server's now", elapsed: 3*time.Minute + 12*time.Second + 345*time.Millisecond, want: 192_345},
		{name: "the time taken counts whole milliseconds", elapsed: 1999 * time.Microsecond, want: 1},
		{name: "submitting at the start takes zero time", elapsed: 0, want: 0},
		{name: "a server clock behind the start clamps to zero", elapsed: -2 * time.Second, want: 0},
		{name: "a server clock a nanosecond behind the start clamps to zero", elapsed: -time.Nanosecond, want: 0},
	}
	for _, tt := range times {
		t.Run(tt.name, func(t *testing.T) {
			p := paperFixture()
			now := p.StartedAt.Add(tt.elapsed).In(contest.ICT)
			got := contest.Grade(p, nil, 0, now)
			if got.TimeTakenMs != tt.want {
				t.Errorf("TimeTakenMs = %d, want %d", got.TimeTakenMs, tt.want)
			}
			if !got.SubmittedAt.Equal(now) {
				t.Errorf("SubmittedAt = %v, want %v", got.SubmittedAt, now)
			}
		})
	}

	t.Run("the total is the number of items on the paper", func(t *testing.T) {
		b := generatedBank(t, 40)
		for _, n := range []int{1, 15, 40} {
			items, key, err := contest.Draw(b, n, rand.New(rand.NewPCG(5, 6)))
			if err != nil {
				t.Fatal(err)
			}
			p := &contest.Paper{Items: items, Key: key}
			if got, want := contest.Grade(p, nil, 0, time.Now()).Total, n; got != want {
				t.Errorf("Total for %d items = %d, want %d", n, got, want)
			}
		}
	})

	t.Run("an empty paper is never all correct", func(t *testing.T) {
		got := contest.Grade(&contest.Paper{}, nil, 0, time.Now())
		if got.Total != 0 || got.Correct != 0 || got.AllCorrect() {
			t.Errorf("Grade(empty) = %+v, AllCorrect %v; want 0/0 and not all correct", got, got.AllCorrect())
		}
	})
}

func TestMergeAnswers(t *testing.T) {
	tests := []struct {
		name        string
		saved, sent map[string]string
		want        map[string]string
	}{
		{name: "sent answers overlay saved ones",
			saved: map[string]string{"s001": "A", "s002": "B"}, sent: map[string]string{"s002": "C", "s003": "D"},
			want: map[string]string{"s001": "A", "s002": "C", "s003": "D"}},
		{name: "saved answers stand when nothing is sent",
			saved: map[string]string{"s001": "A"}, sent: nil,
			want: map[string]string{"s001": "A"}},
		{name: "sent answers stand when nothing was saved",
			saved: nil, sent: map[string]string{"s001": "B"},
			want: map[string]string{"s001": "B"}},
		{name: "nothing merged with nothing is empty",
			saved: nil, sent: nil,
			want: map[string]string{}},
		{name: "an empty answer clears a saved question",
			saved: map[string]string{"s001": "A", "s002": "B"}, sent: map[string]string{"s001": ""},
			want: map[string]string{"s002": "B"}},
		{name: "an empty answer for a question never answered leaves nothing behind",
			saved: map[string]string{"s001": "A"}, sent: map[string]string{"s002": ""},
			want: map[string]string{"s001": "A"}},
		{name: "clearing every answer leaves an empty map",
			saved: map[string]string{"s001": "A"}, sent: map[string]string{"s001": ""},
			want: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			savedBefore := maps.Clone(tt.saved)
			sentBefore := maps.Clone(tt.sent)
			got := contest.MergeAnswers(tt.saved, tt.sent)
			if !maps.Equal(got, tt.want) {
				t.Errorf("MergeAnswers(%v, %v) = %v, want %v", tt.saved, tt.sent, got, tt.want)
			}
			if got == nil {
				t.Errorf("MergeAnswers returned a nil map, want a usable map")
			}
			if !maps.Equal(tt.saved, savedBefore) || !maps.Equal(tt.sent, sentBefore) {
				t.Errorf("MergeAnswers modified its inputs: saved %v (was %v), sent %v (was %v)", tt.saved, savedBefore, tt.sent, sentBefore)
			}
		})
	}
}

func TestPaperCheckSentAnswers(t *testing.T) {
	// Items: s003 (6 options), s001 (4 options), s002 (2 options).
	tests := []struct {
		name     string
		sent     map[string]string
		wantCode string // "" means accepted
	}{
		{name: "valid answers are accepted", sent: map[string]string{"s003": "F", "s001": "D"}},
		{name: "an empty answer clearing a question on the paper is accepted", sent: map[string]string{"s001": ""}},
		{name: "an empty answer next to valid ones is accepted", sent: map[string]string{"s001": "", "s002": "B"}},
		{name: "an empty answer for a question not on the paper is an unknown question", sent: map[string]string{"s004": ""}, wantCode: "unknown_question"},
		{name: "a bad label is an unknown option", sent: map[string]string{"s001": "E"}, wantCode: "unknown_option"},
		{name: "more answers than items are too many answers, empty ones included",
			sent: map[string]string{"s003": "", "s001": "", "s002": "", "s999": "A"}, wantCode: "too_many_answers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := paperFixture().CheckSentAnswers(tt.sent)
			if got := fault.CodeOf(err); got != tt.wantCode {
				t.Errorf("CheckSentAnswers(%v) code = %q (err %v), want %q", tt.sent, got, err, tt.wantCode)
			}
		})
	}
}

func TestResume(t *testing.T) {
	const grace = 30 * time.Second
	now := week1Opens.Add(3 * time.Hour)
	paper := func(attempt int, status contest.PaperStatus, deadline time.Duration) *contest.Paper {
		p := paperFixture()
		p.Attempt, p.Status, p.Deadline = attempt, status, now.Add(deadline)
		return p
	}
	submitted := paper(1, contest.PaperSubmitted, -time.Hour)
	overdue := paper(2, contest.PaperInProgress, -time.Minute)
	inGrace := paper(2, contest.PaperInProgress, -grace/2)
	taking := paper(3, contest.PaperInProgress, 10*time.Minute)
	tests := []struct {
		name        string
		papers      []*contest.Paper
		wantActive  *contest.Paper
		wantOverdue []*contest.Paper
		wantNext    int
	}{
		{name: "no paper yet: attempt 1 starts", wantNext: 1},
		{name: "a paper being taken is resumed", papers: []*contest.Paper{submitted, taking}, wantActive: taking},
		{name: "a paper within the grace is resumed (it can still be submitted)", papers: []*contest.Paper{submitted, inGrace}, wantActive: inGrace},
		{name: "a submitted paper: the next attempt starts", papers: []*contest.Paper{submitted}, wantNext: 2},
		{name: "an overdue paper is to be closed and the next attempt starts",
			papers: []*contest.Paper{submitted, overdue}, wantOverdue: []*contest.Paper{overdue}, wantNext: 3},
		{name: "an overdue paper before one being taken is closed and the other resumed",
			papers: []*contest.Paper{overdue, taking}, wantOverdue: []*contest.Paper{overdue}, wantActive: taking},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			active, overdue, next := contest.Resume(tt.papers, now, grace)
			if active != tt.wantActive || !slices.Equal(overdue, tt.wantOverdue) || next != tt.wantNext {
				t.Errorf("Resume = %v, %v, %d; want %v, %v, %d", active, overdue, next, tt.wantActive, tt.wantOverdue, tt.wantNext)
			}
		})
	}
}

func TestCheckPrediction(t *testing.T) {
	ptr := func(n int) *int { return &n }
	tests := []struct {
		name       string
		prediction *int
		wantCode   string // "" means accepted
	}{
		{name: "a missing prediction is required", prediction: nil, wantCode: "prediction_required"},
		{name: "a negative prediction is invalid", prediction: ptr(-1), wantCode: "invalid_prediction"},
		{name: "a prediction above the maximum is invalid", prediction: ptr(contest.MaxPrediction + 1), wantCode: "invalid_prediction"},
		{name: "zero is a valid prediction", prediction: ptr(0)},
		{name: "an ordinary number is a valid prediction", prediction: ptr(4213)},
		{name: "the maximum is a valid prediction", prediction: ptr(contest.MaxPrediction)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := contest.CheckPrediction(tt.prediction)
			if got, want := fault.CodeOf(err), tt.wantCode; got != want {
				t.Fatalf("CheckPrediction code = %q (err %v), want %q", got, err, want)
			}
			if tt.wantCode == "" && err != nil {
				t.Errorf("CheckPrediction = %v, want nil", err)
			}
			if tt.wantCode != "" {
				if e, _ := fault.As(err); e.Kind != fault.KindInvalid {
					t.Errorf("Kind = %v, want %v", e.Kind, fault.KindInvalid)
				}
			}
		})
	}
}

func TestPaperView(t *testing.T) {
	b := paperBank(t)
	p := paperFixture()
	v, err := p.View(b)
	if err != nil {
		t.Fatalf("View error = %v", err)
	}

	t.Run("the header describes the paper", func(t *testing.T) {
		if got, want := v.ID, p.ID(); got != want {
			t.Errorf("ID = %q, want %q", got, want)
		}
		if got, want := v.RoundID, "tuan-01"; got != want {
			t.Errorf("RoundID = %q, want %q", got, want)
		}
		if got, want := v.Status, contest.PaperInProgress; got != want {
			t.Errorf("Status = %q, want %q", got, want)
		}
		if !v.StartedAt.Equal(p.StartedAt) || !v.Deadline.Equal(p.Deadline) {
			t.Errorf("StartedAt, Deadline = %v, %v; want %v, %v", v.StartedAt, v.Deadline, p.StartedAt, p.Deadline)
		}
		if _, off := v.StartedAt.Zone(); off != 7*60*60 {
			t.Errorf("StartedAt offset = %ds, want +7h (Vietnam time)", off)
		}
		if v.Answers == nil {
			t.Errorf("Answers = nil, want an empty map so JSON has {} rather than null")
		}
		if v.Result != nil {
			t.Errorf("Result = %+v, want nil for a paper in progress", v.Result)
		}
		if v.MaxPrediction != contest.MaxPrediction {
			t.Errorf("MaxPrediction = %d, want the bound CheckPrediction applies, %d", v.MaxPrediction, contest.MaxPrediction)
		}
	})

	want := []contest.QuestionView{
		{ID: "s003", Text: "Hiến pháp hiện hành được thông qua năm nào?", Options: []contest.OptionView{
			{ID: "A", Text: "2015"}, {ID: "B", Text: "2013"}, {ID: "C", Text: "1992"},
			{ID: "D", Text: "1980"}, {ID: "E", Text: "1959"}, {ID: "F", Text: "1946"}}},
		{ID: "s001", Text: "Cơ quan nào thông qua Hiến pháp?", Options: []contest.OptionView{
			{ID: "A", Text: "Chủ tịch nước"}, {ID: "B", Text: "Chính phủ"},
			{ID: "C", Text: "Tòa án nhân dân tối cao"}, {ID: "D", Text: "Quốc hội"}}},
		{ID: "s002", Text: "Công dân có quyền bầu cử từ đủ 18 tuổi?", Options: []contest.OptionView{
			{ID: "A", Text: "Đúng"}, {ID: "B", Text: "Sai"}}},
	}
	if got, want := len(v.Questions), len(want); got != want {
		t.Fatalf("len(Questions) = %d, want %d", got, want)
	}
	for i, wq := range want {
		t.Run(fmt.Sprintf("question %d is %s with its options in the paper's shuffled order", i+1, wq.ID), func(t *testing.T) {
			gq := v.Questions[i]
			if gq.ID != wq.ID || gq.Text != wq.Text {
				t.Errorf("question = %q %q, want %q %q", gq.ID, gq.Text, wq.ID, wq.Text)
			}
			if !slices.Equal(gq.Options, wq.Options) {
				t.Errorf("options = %+v, want %+v", gq.Options, wq.Options)
			}
		})
	}

	t.Run("saved answers are shown to their owner", func(t *testing.T) {
		p := paperFixture()
		p.Answers = map[string]string{"s001": "C"}
		v, err := p.View(b)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := v.Answers, p.Answers; !maps.Equal(got, want) {
			t.Errorf("Answers = %v, want %v", got, want)
		}
	})

	t.Run("a submitted paper shows its result in Vietnam time", func(t *testing.T) {
		p := paperFixture()
		p.Status = contest.PaperSubmitted
		r := contest.Grade(p, map[string]string{"s003": "B"}, 77, p.StartedAt.Add(4*time.Minute))
		p.Result = &r
		v, err := p.View(b)
		if err != nil {
			t.Fatal(err)
		}
		if v.Result == nil {
			t.Fatal("Result = nil, want the paper's result")
		}
		if got, want := *v.Result, r; got.Correct != want.Correct || got.Total != want.Total || got.TimeTakenMs != want.TimeTakenMs || got.Prediction != want.Prediction || !got.SubmittedAt.Equal(want.SubmittedAt) {
			t.Errorf("Result = %+v, want %+v", got, want)
		}
		if _, off := v.Result.SubmittedAt.Zone(); off != 7*60*60 {
			t.Errorf("Result.SubmittedAt offset = %ds, want +7h", off)
		}
		if _, off := p.Result.SubmittedAt.Zone(); off != 0 {
			t.Errorf("View changed the paper's own result time zone to offset %ds", off)
		}
	})
}

// TestPaperViewJSONHidesTheKey walks the JSON a browser receives: no field
// named "key" anywhere, no field named "correct" outside "result", and the key
// string itself nowhere.
func TestPaperViewJSONHidesTheKey(t *testing.T) {
	b := paperBank(t)
	tests := []struct {
		name  string
		paper func() *contest.Paper
	}{
		{name: "a paper in progress does not reveal its key", paper: paperFixture},
		{name: "a paper in progress with saved answers does not reveal its key", paper: func() *contest.Paper {
			p := paperFixture()
			p.Answers = map[string]string{"s003": "C", "s001": "A"}
			return p
		}},
		{name: "a submitted paper reveals only its result", paper: func() *contest.Paper {
			p := paperFixture()
			p.Status = contest.PaperSubmitted
			p.Answers = map[string]string{"s003": "C"}
			r := contest.Grade(p, p.Answers, 5, p.StartedAt.Add(time.Minute))
			p.Result = &r
			return p
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.paper()
			v, err := p.View(b)
			if err != nil {
				t.Fatal(err)
			}
			data, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), p.Key) {
				t.Errorf("JSON contains the key %q: %s", p.Key, data)
			}
			var doc any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			for _, path := range forbiddenFields(doc, "$", false) {
				t.Errorf("JSON reveals %s: %s", path, data)
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(data, &top); err != nil {
				t.Fatal(err)
			}
			for _, field := range []string{"questions", "answers", "id", "status", "deadline"} {
				if _, ok := top[field]; !ok {
					t.Errorf("JSON lacks field %q: %s", field, data)
				}
			}
			if _, ok := top["result"]; ok != (p.Result != nil) {
				t.Errorf("JSON has result = %v, want %v: %s", ok, p.Result != nil, data)
			}
		})
	}
}

// forbiddenFields lists the paths of fields that would give answers away.
func forbiddenFields(v any, path string, inResult bool) []string {
	var bad []string
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := path + "." + k
			if lk := strings.ToLower(k); lk == "key" || (strings.Contains(lk, "correct") && !inResult) {
				bad = append(bad, p)
			}
			bad = append(bad, forbiddenFields(child, p, inResult || (path == "$" && k == "result"))...)
		}
	case []any:
		for i, child := range v {
			bad = append(bad, forbiddenFields(child, fmt.Sprintf("%s[%d]", path, i), inResult)...)
		}
	}
	return bad
}

func TestPaperViewRejectsAPaperThatDoesNotMatchTheBank(t *testing.T) {
	tests := []struct {
		name string
		edit func(*contest.Paper)
	}{
		{name: "a question missing from the bank is an error", edit: func(p *contest.Paper) {
			p.Items[1] = contest.Item{QuestionID: "s999", Order: []uint8{0, 1, 2, 3}}
		}},
		{name: "an item with fewer options than the bank's question is an error", edit: func(p *contest.Paper) {
			p.Items[1] = contest.Item{QuestionID: "s001", Order: []uint8{0, 1, 2}}
		}},
		{name: "an item with more options than the bank's question is an error", edit: func(p *contest.Paper) {
			p.Items[2] = contest.Item{QuestionID: "s002", Order: []uint8{0, 1, 2}}
		}},
		// A stored item whose order names an option the question lacks
		// (ParseItem accepts "s002:05") must be an error, not a panic in a
		// request path.
		{name: "an item naming an option beyond the question's options is an error", edit: func(p *contest.Paper) {
			p.Items[2] = contest.Item{QuestionID: "s002", Order: []uint8{0, 5}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("View panicked: %v; want an error", r)
				}
			}()
			p := paperFixture()
			tt.edit(p)
			v, err := p.View(paperBank(t))
			if err == nil {
				t.Fatalf("View = %+v, nil; want an error", v)
			}
			if v.ID != "" || v.Questions != nil {
				t.Errorf("View = %+v alongside the error, want the zero PaperView", v)
			}
		})
	}
}

// TestDrawViewGrade plays a paper end to end: a participant who picks, in
// the view, the option whose text is the bank's correct answer scores full
// marks; one who always picks the next label scores nothing.
func TestDrawViewGrade(t *testing.T) {
	b := generatedBank(t, 30)
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprintf("with seed %d the right texts score full marks and the wrong ones nothing", seed), func(t *testing.T) {
			items, key, err := contest.Draw(b, 15, rand.New(rand.NewPCG(seed, seed)))
			if err != nil {
				t.Fatal(err)
			}
			started := week1Opens.Add(time.Hour)
			p := &contest.Paper{RoundID: "tuan-01", ParticipantID: contest.ParticipantID("hue-2025", "an@hue.gov.vn"),
				Attempt: 1, Items: items, Key: key, StartedAt: started, Deadline: started.Add(20 * time.Minute),
				Status: contest.PaperInProgress}
			v, err := p.View(b)
			if err != nil {
				t.Fatal(err)
			}
			right, wrong := map[string]string{}, map[string]string{}
			for _, qv := range v.Questions {
				q, _ := b.Question(qv.ID)
				for k, o := range qv.Options {
					if o.Text == q.Options[q.Correct] {
						right[qv.ID] = o.ID
						wrong[qv.ID] = qv.Options[(k+1)%len(qv.Options)].ID
					}
				}
			}
			for _, answers := range []map[string]string{right, wrong} {
				if err := p.CheckAnswers(answers); err != nil {
					t.Fatalf("CheckAnswers(%v) = %v", answers, err)
				}
			}
			now := started.Add(7 * time.Minute)
			if got, want := contest.Grade(p, right, 0, now).Correct, 15; got != want {
				t.Errorf("right answers %v with key %q: Correct = %d, want %d", right, key, got, want)
			}
			if got, want := contest.Grade(p, wrong, 0, now).Correct, 0; got != want {
				t.Errorf("wrong answers %v with key %q: Correct = %d, want %d", wrong, key, got, want)
			}
		})
	}
}

func TestPaperAutosave(t *testing.T) {
	// The fixture's items: s003, s001, s002; its deadline 20 minutes after the start.
	const grace = 30 * time.Second
	pred := func(n int) *int { return &n }
	tests := []struct {
		name     string
		saved    map[string]string
		sent     map[string]string
		pred     *int
		at       time.Duration // after the deadline
		status   contest.PaperStatus
		want     map[string]string
		wantCode string
	}{
		{name: "sent answers are merged over the saved ones", saved: map[string]string{"s001": "A"}, sent: map[string]string{"s002": "B"},
			at: -time.Minute, want: map[string]string{"s001": "A", "s002": "B"}},
		{name: "an empty answer clears a saved one", saved: map[string]string{"s001": "A"}, sent: map[string]string{"s001": ""},
			at: -time.Minute, want: map[string]string{}},
		{name: "a prediction alone is taken", saved: map[string]string{"s001": "A"}, pred: pred(40), at: -time.Minute, want: map[string]string{"s001": "A"}},
		{name: "within the grace answers are still taken", sent: map[string]string{"s001": "B"}, at: grace, want: map[string]string{"s001": "B"}},
		{name: "past the grace answers are refused", sent: map[string]string{"s001": "B"}, at: grace + time.Second, wantCode: "deadline_passed"},
		{name: "a submitted paper takes no answers", sent: map[string]string{"s001": "B"}, at: -time.Minute, status: contest.PaperSubmitted, wantCode: "paper_submitted"},
		{name: "an unknown option is refused", sent: map[string]string{"s001": "E"}, at: -time.Minute, wantCode: "unknown_option"},
		{name: "a negative prediction is refused", pred: pred(-1), at: -time.Minute, wantCode: "invalid_prediction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paperFixture()
			p.Answers = tt.saved
			if tt.status != "" {
				p.Status = tt.status
			}
			got, err := p.Autosave(tt.sent, tt.pred, p.Deadline.Add(tt.at), grace)
			if code := fault.CodeOf(err); code != tt.wantCode {
				t.Fatalf("Autosave error %v, want code %q", err, tt.wantCode)
			}
			if tt.wantCode == "" && !maps.Equal(got, tt.want) {
				t.Errorf("Autosave = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPaperSubmit(t *testing.T) {
	// The fixture's key is "BDA" for items s003, s001, s002; it was started 20 minutes before its deadline.
	const grace = 30 * time.Second
	pred := func(n int) *int { return &n }
	stored := &contest.Result{Correct: 1, Total: 3, Prediction: 9}
	tests := []struct {
		name           string
		saved          map[string]string
		savedPred      *int
		sent           map[string]string
		pred           *int
		at             time.Duration // after the deadline
		done           *contest.Result
		wantCorrect    int
		wantPrediction int
		wantSubmitted  bool
		wantCode       string
	}{
		{name: "the sent answers are merged over the saved ones and graded", saved: map[string]string{"s003": "B"}, sent: map[string]string{"s001": "D"},
			pred: pred(5), at: -time.Minute, wantCorrect: 2, wantPrediction: 5},
		{name: "an empty answer clears a saved right one before grading", saved: map[string]string{"s003": "B", "s001": "D"}, sent: map[string]string{"s003": ""},
			pred: pred(5), at: -time.Minute, wantCorrect: 1, wantPrediction: 5},
		{name: "without a prediction the saved one counts", savedPred: pred(70), at: -time.Minute, wantPrediction: 70},
		{name: "without a prediction sent or saved the submission is refused", at: -time.Minute, wantCode: "prediction_required"},
		{name: "within the grace a submission is graded", pred: pred(1), at: grace, wantPrediction: 1},
		{name: "past the grace a submission is refused", pred: pred(1), at: grace + time.Second, wantCode: "deadline_passed"},
		{name: "a submitted paper gives its stored result whatever is sent", sent: map[string]string{"s003": "B", "s001": "D", "s002": "A"},
			pred: pred(1), at: time.Hour, done: stored, wantCorrect: 1, wantPrediction: 9, wantSubmitted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paperFixture()
			p.Answers, p.SavedPrediction = tt.saved, tt.savedPred
			if tt.done != nil {
				p.Status, p.Result = contest.PaperSubmitted, tt.done
			}
			now := p.Deadline.Add(tt.at)
			_, r, submitted, err := p.Submit(tt.sent, tt.pred, now, grace)
			if code := fault.CodeOf(err); code != tt.wantCode {
				t.Fatalf("Submit error %v, want code %q", err, tt.wantCode)
			}
			if tt.wantCode != "" {
				return
			}
			if submitted != tt.wantSubmitted || r.Correct != tt.wantCorrect || r.Prediction != tt.wantPrediction {
				t.Errorf("Submit = %+v, submitted %v; want %d correct, prediction %d, submitted %v", r, submitted, tt.wantCorrect, tt.wantPrediction, tt.wantSubmitted)
			}
			if !submitted && !r.SubmittedAt.Equal(now) {
				t.Errorf("submitted at %v, want the server's clock %v", r.SubmittedAt, now)
			}
		})
	}
}

func TestPaperViewKeepsTheTeachingOutOfAnOpenPaper(t *testing.T) {
	// GIVEN a bank whose questions carry their explanation and legal basis
	b := paperBank(t)
	for i := range b.Questions {
		b.Questions[i].Explanation = "GIAI-THICH-BI-MAT"
		b.Questions[i].LegalBasis = "DIEU-7-BI-MAT"
		b.Questions[i].Topic = "thu-tuc"
	}
	// WHEN a paper is shown to its participant
	v, err := paperFixture().View(b)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	// THEN neither the key nor the teaching reaches the browser
	for _, secret := range []string{"GIAI-THICH-BI-MAT", "DIEU-7-BI-MAT", "explanation", "legalBasis", "correct\":"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the paper view has %q: %s", secret, data)
		}
	}
}
