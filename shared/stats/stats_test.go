package stats_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/stats"
)

// bank: q1's key is its first option, q2's the second, q3's the third.
var bank = &contest.Bank{ID: "b", Title: "b", Questions: []contest.Question{
	{ID: "q1", Text: "Câu 1", Options: []string{"a", "b", "c", "d"}, Correct: 0},
	{ID: "q2", Text: "Câu 2", Options: []string{"a", "b", "c", "d"}, Correct: 1},
	{ID: "q3", Text: "Câu 3", Options: []string{"a", "b", "c", "d"}, Correct: 2},
}}

// paper is a submitted paper whose responses are "<question>:<chosen><key>".
func paper(id, responses string) contest.Submitted {
	return contest.Submitted{PaperID: id, Responses: contest.Responses(responses)}
}

// The small round, worked by hand (x: the question's score, r: the rest):
//
//	paper  q1   q2   q3   total
//	P1     A ✓  B ✓  C ✓  3      (agencies)
//	P2     A ✓  B ✓  A ✗  2      (agencies)
//	P3     A ✓  A ✗  –    1      (communes)
//	P4     B ✗  A ✗  C ✓  1      (communes)
//
// q1: x 1,1,1,0, r 2,1,0,1: facility 3/4; n·Σxr − Σx·Σr = 4·3 − 3·4 = 0, so
// the discrimination is 0 (near zero).
// q2: x 1,1,0,0, r 2,1,1,1: facility 1/2; (4·3 − 2·5) / √((4·2 − 4)(4·7 − 25))
// = 2/√12 = 0.5774; A (wrong) chosen as often as B (the key): no flag.
// q3: x 1,0,0,1, r 2,2,1,0: facility 1/2; (4·2 − 2·5) / √(4·(4·9 − 25))
// = −2/√44 = −0.3015; one blank.
var round = []struct {
	p     contest.Submitted
	block contest.Block
}{
	{paper("P1", "q1:00 q2:11 q3:22"), contest.BlockAgency},
	{paper("P2", "q2:11 q1:00 q3:02"), contest.BlockAgency}, // the paper's own order does not matter
	{paper("P3", "q1:00 q2:01 q3:-2"), contest.BlockCommune},
	{paper("P4", "q1:10 q2:01 q3:22"), contest.BlockCommune},
}

func f(x float64) *float64 { return &x }

func TestStatisticsOfASmallRound(t *testing.T) {
	st := stats.New(contest.AudienceStaff)
	for _, r := range round {
		st.Add(&r.p, r.block)
	}
	rep := st.Report(bank)
	tests := []struct {
		name           string
		got            stats.Question
		attempts       int
		unanswered     int
		facility       float64
		discrimination *float64
		chosen         []int
		flags          []stats.Flag
	}{
		{"q1 is answered right by 3 of 4, and its discrimination is zero", rep.Questions[0], 4, 0, 0.75, f(0), []int{3, 1, 0, 0}, []stats.Flag{stats.FlagLowDiscrimination}},
		{"q2 is answered right by half, and discriminates", rep.Questions[1], 4, 0, 0.5, f(0.5774), []int{2, 2, 0, 0}, []stats.Flag{}},
		{"q3's discrimination is negative, a blank counts wrong", rep.Questions[2], 4, 1, 0.5, f(-0.3015), []int{1, 0, 2, 0}, []stats.Flag{stats.FlagNegativeDiscrimination}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.got
			if q.Attempts != tt.attempts || q.Unanswered != tt.unanswered || q.Facility != tt.facility {
				t.Errorf("attempts %d, unanswered %d, facility %v; want %d, %d, %v", q.Attempts, q.Unanswered, q.Facility, tt.attempts, tt.unanswered, tt.facility)
			}
			if (q.Discrimination == nil) != (tt.discrimination == nil) || (q.Discrimination != nil && *q.Discrimination != *tt.discrimination) {
				t.Errorf("discrimination %v, want %v", deref(q.Discrimination), deref(tt.discrimination))
			}
			var chosen []int
			for _, o := range q.Options {
				chosen = append(chosen, o.Chosen)
			}
			if !slices.Equal(chosen, tt.chosen) {
				t.Errorf("options chosen %v, want %v", chosen, tt.chosen)
			}
			if !slices.Equal(q.Flags, tt.flags) {
				t.Errorf("flags %v, want %v", q.Flags, tt.flags)
			}
		})
	}
	t.Run("the round counts its four papers, questions in the bank's order with their texts", func(t *testing.T) {
		var ids []string
		for _, q := range rep.Questions {
			ids = append(ids, q.QuestionID+" "+q.Text)
		}
		if rep.Papers != 4 || !slices.Equal(ids, []string{"q1 Câu 1", "q2 Câu 2", "q3 Câu 3"}) {
			t.Errorf("papers %d, questions %v", rep.Papers, ids)
		}
	})
	t.Run("each option carries its bank letter and text, the key marked", func(t *testing.T) {
		o := rep.Questions[1].Options
		if o[1] != (stats.Option{OptionID: "B", Text: "b", Chosen: 2, Correct: true}) || o[0].OptionID != "A" || o[0].Correct {
			t.Errorf("q2's options %+v", o)
		}
	})
	t.Run("each block has its own figures: agencies got q1 all right, so it cannot discriminate there", func(t *testing.T) {
		if len(rep.Blocks) != 2 || rep.Blocks[0].Block != contest.BlockAgency || rep.Blocks[1].Block != contest.BlockCommune {
			t.Fatalf("blocks %+v", rep.Blocks)
		}
		q1 := rep.Blocks[0].Questions[0]
		if rep.Blocks[0].Papers != 2 || q1.Facility != 1 || q1.Discrimination != nil || !slices.Equal(q1.Flags, []stats.Flag{stats.FlagTooEasy}) {
			t.Errorf("agencies' q1: papers %d, facility %v, discrimination %v, flags %v", rep.Blocks[0].Papers, q1.Facility, deref(q1.Discrimination), q1.Flags)
		}
		// communes: P3 (q1 ✓, total 1) and P4 (q1 ✗, total 1): r 0,1
		// → (2·0 − 1·1) / √((2−1)(2·1 − 1)) = −1
		c1 := rep.Blocks[1].Questions[0]
		if c1.Facility != 0.5 || c1.Discrimination == nil || *c1.Discrimination != -1 {
			t.Errorf("communes' q1: facility %v, discrimination %v", c1.Facility, deref(c1.Discrimination))
		}
	})
	t.Run("the report encodes the API's field names, an undefined discrimination as null", func(t *testing.T) {
		b, _ := json.Marshal(rep.Blocks[0].Questions[0])
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		for _, k := range []string{"questionId", "text", "attempts", "facility", "discrimination", "options", "flags"} {
			if _, ok := m[k]; !ok {
				t.Errorf("no %q in %s", k, b)
			}
		}
		if m["discrimination"] != nil {
			t.Errorf("discrimination %v, want null", m["discrimination"])
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name   string
		papers []string // q1's response and a second question's, per paper
		want   []stats.Flag
	}{
		{"a question everybody gets right is too easy", []string{"q1:00 q2:11", "q1:00 q2:01", "q1:00 q2:11"}, []stats.Flag{stats.FlagTooEasy}},
		{"a question nobody gets right is too hard, and a wrong option chosen more than the key is flagged",
			[]string{"q1:10 q2:11", "q1:10 q2:01", "q1:20 q2:11"}, []stats.Flag{stats.FlagDistractorOverKey, stats.FlagTooHard}},
		{"a question strong papers miss and weak ones get has a negative discrimination",
			[]string{"q1:10 q2:11 q3:22", "q1:10 q2:11 q3:22", "q1:00 q2:01 q3:02", "q1:00 q2:11 q3:02"}, []stats.Flag{stats.FlagNegativeDiscrimination}},
		{"a wrong option chosen as often as the key is not flagged", []string{"q1:00 q2:11", "q1:10 q2:01"}, []stats.Flag{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := stats.New(contest.AudienceStaff)
			for i, r := range tt.papers {
				p := paper(string(rune('a'+i)), r)
				st.Add(&p, "")
			}
			got := st.Report(bank).Questions[0]
			if !slices.Equal(got.Flags, tt.want) {
				t.Errorf("flags %v, want %v (facility %v, discrimination %v)", got.Flags, tt.want, got.Facility, deref(got.Discrimination))
			}
		})
	}
	t.Run("a paper an organiser excluded is left out", func(t *testing.T) {
		st := stats.New(contest.AudienceStaff)
		in, out := paper("a", "q1:00"), paper("b", "q1:10")
		out.Excluded = "chép bài"
		st.Add(&in, "")
		st.Add(&out, "")
		if rep := st.Report(bank); rep.Papers != 1 || rep.Questions[0].Attempts != 1 {
			t.Errorf("papers %d, attempts %d; want 1, 1", rep.Papers, rep.Questions[0].Attempts)
		}
	})
}

func TestStatisticsCountedInPartsAndMergedAreTheSame(t *testing.T) {
	whole := stats.New(contest.AudienceStaff)
	for _, r := range round {
		whole.Add(&r.p, r.block)
	}
	want, _ := json.Marshal(whole.Report(bank))
	tests := []struct {
		name  string
		parts [][]int // indexes into round
	}{
		{"two parts of two papers", [][]int{{0, 1}, {2, 3}}},
		{"a part per paper, out of order", [][]int{{3}, {1}, {0}, {2}}},
		{"an empty part and one with every block", [][]int{{}, {0, 2, 1, 3}}},
		{"one block's papers apart from the other's", [][]int{{2, 3}, {0, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			merged := stats.New(contest.AudienceStaff)
			for _, part := range tt.parts {
				st := stats.New(contest.AudienceStaff)
				for _, i := range part {
					st.Add(&round[i].p, round[i].block)
				}
				merged.Merge(st)
			}
			if got, _ := json.Marshal(merged.Report(bank)); string(got) != string(want) {
				t.Errorf("merged report\n%s\nwant\n%s", got, want)
			}
		})
	}
}
