package tally_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/tally"
)

// t0 is a moment in a round's week (Monday 09:00 in Huế).
var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, contest.ICT)

// paper is a one-attempt staff paper of 15 questions for participant id.
func paper(id string, correct, prediction int, timeMs int64, submitted time.Time) contest.Submitted {
	return attempt(id, 1, correct, prediction, timeMs, submitted)
}

// attempt is participant id's n-th paper of 15 questions.
func attempt(id string, n, correct, prediction int, timeMs int64, submitted time.Time) contest.Submitted {
	return contest.Submitted{
		PaperID: fmt.Sprintf("%s.%d", id, n), ParticipantID: id, Email: id + "@demo.hue.gov.vn", Name: "Người " + id,
		UnitID: "so-noi-vu", Audience: contest.AudienceStaff, Attempt: n,
		Correct: correct, Total: 15, Prediction: prediction, TimeTakenMs: timeMs, SubmittedAt: submitted,
	}
}

// placed is what a test checks of a ranking entry.
type placed struct {
	Who      string
	Paper    string
	Rank     int
	Prize    string
	Excluded bool
}

func placesOf(entries []tally.Entry) []placed {
	out := make([]placed, len(entries))
	for i, e := range entries {
		out[i] = placed{Who: e.ParticipantID, Paper: e.PaperID, Rank: e.Rank, Prize: e.Prize, Excluded: e.Excluded}
	}
	return out
}

// p builds the placed entry of a one-attempt participant.
func p(who string, rank int, prize ...string) placed {
	pl := placed{Who: who, Paper: who + ".1", Rank: rank}
	if len(prize) > 0 {
		pl.Prize = prize[0]
	}
	return pl
}

// excluded builds the placed entry of an excluded one-attempt participant.
func excluded(who string, rank int) placed {
	return placed{Who: who, Paper: who + ".1", Rank: rank, Excluded: true}
}

func checkPlaces(t *testing.T, got []tally.Entry, want []placed) {
	t.Helper()
	if g := placesOf(got); !slices.Equal(g, want) {
		t.Errorf("ranking:\n got  %+v\n want %+v", g, want)
	}
}

func TestRankingTies(t *testing.T) {
	const actual = 10
	at := t0.Add(3 * time.Hour).Add(250 * time.Millisecond)
	tests := []struct {
		name   string
		papers []contest.Submitted
		want   []placed
	}{
		{
			name: "papers equal on every key down to the millisecond share a rank and the next rank skips",
			papers: []contest.Submitted{
				paper("c", 14, 10, 300_000, at), paper("a", 14, 10, 300_000, at),
				paper("d", 13, 10, 300_000, at), paper("b", 14, 10, 300_000, at),
			},
			want: []placed{p("a", 1), p("b", 1), p("c", 1), p("d", 4)},
		},
		{
			name: "two ties in one ranking each share their rank",
			papers: []contest.Submitted{
				paper("a", 15, 10, 200_000, at), paper("b", 15, 10, 200_000, at),
				paper("c", 14, 10, 200_000, at), paper("d", 14, 10, 200_000, at), paper("e", 14, 10, 200_000, at),
				paper("f", 13, 10, 200_000, at),
			},
			want: []placed{p("a", 1), p("b", 1), p("c", 3), p("d", 3), p("e", 3), p("f", 6)},
		},
		{
			name: "predictions the same distance above and below the actual count tie",
			papers: []contest.Submitted{
				paper("above", 15, actual+2, 200_000, at), paper("below", 15, actual-2, 200_000, at),
			},
			want: []placed{p("above", 1), p("below", 1)},
		},
		{
			name: "the same instant written in two time zones ties",
			papers: []contest.Submitted{
				paper("hue", 15, actual, 200_000, at), paper("utc", 15, actual, 200_000, at.UTC()),
			},
			want: []placed{p("hue", 1), p("utc", 1)},
		},
		{
			name: "submissions one millisecond apart do not tie",
			papers: []contest.Submitted{
				paper("later", 15, actual, 200_000, at.Add(time.Millisecond)), paper("earlier", 15, actual, 200_000, at),
			},
			want: []placed{p("earlier", 1), p("later", 2)},
		},
		{
			name: "times taken one millisecond apart do not tie",
			papers: []contest.Submitted{
				paper("slower", 15, actual, 200_001, at), paper("faster", 15, actual, 200_000, at),
			},
			want: []placed{p("faster", 1), p("slower", 2)},
		},
		{
			name: "predictions one apart in distance do not tie",
			papers: []contest.Submitted{
				paper("off-by-3", 15, actual+3, 200_000, at), paper("off-by-2", 15, actual-2, 200_000, at),
			},
			want: []placed{p("off-by-2", 1), p("off-by-3", 2)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkPlaces(t, tally.Ranking(tt.papers, actual, tally.Rules{}), tt.want)
		})
	}
}

func TestRankingEachKeyDecidesInTurn(t *testing.T) {
	const actual = 20
	early, late := t0, t0.Add(48*time.Hour)
	tests := []struct {
		name   string
		order  []contest.TieBreakKey
		papers []contest.Submitted
		want   []placed
	}{
		{
			name: "more correct answers win over a closer prediction, a shorter time and an earlier submission",
			papers: []contest.Submitted{
				paper("b", 14, actual, 60_000, early), paper("a", 15, actual+50, 600_000, late),
			},
			want: []placed{p("a", 1), p("b", 2)},
		},
		{
			name: "with correct answers equal, the closer prediction wins over a shorter time and an earlier submission",
			papers: []contest.Submitted{
				paper("b", 15, actual+1, 60_000, early), paper("a", 15, actual, 600_000, late),
			},
			want: []placed{p("a", 1), p("b", 2)},
		},
		{
			name: "with correct answers and prediction distance equal, the shorter time wins over an earlier submission",
			papers: []contest.Submitted{
				paper("b", 15, actual+4, 300_000, early), paper("a", 15, actual-4, 299_999, late),
			},
			want: []placed{p("a", 1), p("b", 2)},
		},
		{
			name: "with everything else equal, the earlier submission wins",
			papers: []contest.Submitted{
				paper("b", 15, actual, 300_000, late), paper("a", 15, actual, 300_000, early),
			},
			want: []placed{p("a", 1), p("b", 2)},
		},
		{
			name:  "with time before prediction, the faster paper wins over the closer prediction",
			order: []contest.TieBreakKey{contest.ByCorrect, contest.ByTime, contest.ByPrediction, contest.BySubmitted},
			papers: []contest.Submitted{
				paper("close", 15, actual, 400_000, early), paper("fast", 15, actual+30, 100_000, late),
			},
			want: []placed{p("fast", 1), p("close", 2)},
		},
		{
			name: "with the usual order, the same two papers rank the other way round",
			papers: []contest.Submitted{
				paper("close", 15, actual, 400_000, early), paper("fast", 15, actual+30, 100_000, late),
			},
			want: []placed{p("close", 1), p("fast", 2)},
		},
		{
			name:  "with submission first, the earliest paper wins even with fewer correct answers",
			order: []contest.TieBreakKey{contest.BySubmitted, contest.ByCorrect, contest.ByPrediction, contest.ByTime},
			papers: []contest.Submitted{
				paper("best", 15, actual, 60_000, late), paper("first", 3, actual+99, 600_000, early),
			},
			want: []placed{p("first", 1), p("best", 2)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkPlaces(t, tally.Ranking(tt.papers, actual, tally.Rules{Order: tt.order}), tt.want)
		})
	}
}

func TestRankingEntriesCarryTheDecidingNumbers(t *testing.T) {
	at := time.Date(2026, 1, 6, 2, 30, 15, 125_000_000, time.UTC)
	pp := paper("a", 13, 7, 412_345, at)
	got := tally.Ranking([]contest.Submitted{pp}, 10, tally.Rules{})
	if len(got) != 1 {
		t.Fatalf("len(ranking) = %d, want 1", len(got))
	}
	e := got[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"the correct answers are kept", e.Correct, 13},
		{"the question count is kept", e.Total, 15},
		{"the prediction is kept", e.Prediction, 7},
		{"the distance is |prediction - actual|", e.Distance, 3},
		{"the time taken is kept to the millisecond", e.TimeTakenMs, int64(412_345)},
		{"the submission is the same instant", e.SubmittedAt.Equal(at), true},
		{"the submission is shown in Huế time", e.SubmittedAt.Format("2006-01-02 15:04:05.000 -0700"), "2026-01-06 09:30:15.125 +0700"},
		{"the name is kept", e.Name, "Người a"},
		{"the unit is kept", e.UnitID, "so-noi-vu"},
		{"the paper is named", e.PaperID, "a.1"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestRankingSeveralAttempts(t *testing.T) {
	const actual = 10
	timeFirst := []contest.TieBreakKey{contest.ByCorrect, contest.ByTime, contest.ByPrediction, contest.BySubmitted}
	tests := []struct {
		name   string
		order  []contest.TieBreakKey
		papers []contest.Submitted
		want   []placed
	}{
		{
			name: "the attempt with more correct answers counts, whichever came first",
			papers: []contest.Submitted{
				attempt("a", 1, 15, actual, 500_000, t0), attempt("a", 2, 12, actual, 100_000, t0.Add(time.Hour)),
			},
			want: []placed{{Who: "a", Paper: "a.1", Rank: 1}},
		},
		{
			name: "with correct answers equal, the attempt with the closer prediction counts over a faster one",
			papers: []contest.Submitted{
				attempt("a", 1, 15, actual+30, 100_000, t0), attempt("a", 2, 15, actual-1, 500_000, t0.Add(time.Hour)),
			},
			want: []placed{{Who: "a", Paper: "a.2", Rank: 1}},
		},
		{
			name:  "with time before prediction, the faster attempt counts over the closer prediction",
			order: timeFirst,
			papers: []contest.Submitted{
				attempt("a", 1, 15, actual+30, 100_000, t0), attempt("a", 2, 15, actual-1, 500_000, t0.Add(time.Hour)),
			},
			want: []placed{{Who: "a", Paper: "a.1", Rank: 1}},
		},
		{
			name: "with everything else equal, the earlier attempt counts",
			papers: []contest.Submitted{
				attempt("a", 2, 14, actual, 300_000, t0.Add(time.Hour)), attempt("a", 1, 14, actual, 300_000, t0),
			},
			want: []placed{{Who: "a", Paper: "a.1", Rank: 1}},
		},
		{
			name: "each participant appears once, ranked by their best attempt",
			papers: []contest.Submitted{
				attempt("a", 1, 9, actual, 300_000, t0), attempt("b", 1, 12, actual, 300_000, t0),
				attempt("a", 2, 14, actual, 300_000, t0.Add(time.Hour)), attempt("c", 1, 10, actual, 300_000, t0),
				attempt("c", 2, 11, actual, 300_000, t0.Add(time.Hour)), attempt("c", 3, 8, actual, 300_000, t0.Add(2*time.Hour)),
			},
			want: []placed{
				{Who: "a", Paper: "a.2", Rank: 1}, {Who: "b", Paper: "b.1", Rank: 2}, {Who: "c", Paper: "c.2", Rank: 3},
			},
		},
		{
			name: "a weaker later attempt does not pull a participant down",
			papers: []contest.Submitted{
				attempt("a", 1, 15, actual, 200_000, t0), attempt("b", 1, 14, actual, 200_000, t0),
				attempt("a", 2, 2, actual+90, 600_000, t0.Add(time.Hour)),
			},
			want: []placed{{Who: "a", Paper: "a.1", Rank: 1}, {Who: "b", Paper: "b.1", Rank: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkPlaces(t, tally.Ranking(tt.papers, actual, tally.Rules{Order: tt.order}), tt.want)
		})
	}
}

// prizes names the prize levels in tests.
var (
	first  = contest.Prize{Name: "Giải Nhất", Count: 1}
	second = contest.Prize{Name: "Giải Nhì", Count: 2}
	third  = contest.Prize{Name: "Giải Ba", Count: 3}
)

// ladder returns one-attempt papers whose ranks follow ranks in order (equal
// ranks tie on every key), named p1, p2, … so ties sort by name.
func ladder(ranks ...int) []contest.Submitted {
	out := make([]contest.Submitted, len(ranks))
	for i, r := range ranks {
		out[i] = paper(fmt.Sprintf("p%d", i+1), 15, 10, int64(100_000+1_000*r), t0)
	}
	return out
}

func TestRankingPrizes(t *testing.T) {
	one := []contest.Prize{{Name: "Giải Nhất", Count: 1}, {Name: "Giải Nhì", Count: 1}}
	tests := []struct {
		name     string
		papers   []contest.Submitted
		prizes   []contest.Prize
		excluded []string
		want     []placed
	}{
		{
			name:   "prizes go down the ranking level by level and stop when given out",
			papers: ladder(1, 2, 3, 4, 5, 6, 7, 8), prizes: tally.DefaultPrizes,
			want: []placed{
				p("p1", 1, "Giải Nhất"), p("p2", 2, "Giải Nhì"), p("p3", 3, "Giải Nhì"), p("p4", 4, "Giải Ba"),
				p("p5", 5, "Giải Ba"), p("p6", 6, "Giải Ba"), p("p7", 7), p("p8", 8),
			},
		},
		{
			name:   "an excluded organiser is ranked but the first prize goes to the next person",
			papers: ladder(1, 2, 3, 4), prizes: one, excluded: []string{"p1"},
			want: []placed{excluded("p1", 1), p("p2", 2, "Giải Nhất"), p("p3", 3, "Giải Nhì"), p("p4", 4)},
		},
		{
			name:   "excluded people in a row are all skipped",
			papers: ladder(1, 2, 3, 4, 5), prizes: one, excluded: []string{"p2", "p3"},
			want: []placed{p("p1", 1, "Giải Nhất"), excluded("p2", 2), excluded("p3", 3), p("p4", 4, "Giải Nhì"), p("p5", 5)},
		},
		{
			name:   "an excluded person below the prizes changes nothing",
			papers: ladder(1, 2, 3), prizes: one, excluded: []string{"p3"},
			want: []placed{p("p1", 1, "Giải Nhất"), p("p2", 2, "Giải Nhì"), excluded("p3", 3)},
		},
		{
			name:   "a tie for first gives every tied person the first prize",
			papers: ladder(1, 1, 3, 4, 5, 6, 7, 8), prizes: []contest.Prize{first, second, third},
			want: []placed{
				p("p1", 1, "Giải Nhất"), p("p2", 1, "Giải Nhất"), p("p3", 3, "Giải Nhì"), p("p4", 4, "Giải Nhì"),
				p("p5", 5, "Giải Ba"), p("p6", 6, "Giải Ba"), p("p7", 7, "Giải Ba"), p("p8", 8),
			},
		},
		{
			name:   "a tie across the second/third boundary gives both tied people the second prize",
			papers: ladder(1, 2, 3, 3, 5, 6, 7, 8), prizes: []contest.Prize{first, second, third},
			want: []placed{
				p("p1", 1, "Giải Nhất"), p("p2", 2, "Giải Nhì"), p("p3", 3, "Giải Nhì"), p("p4", 3, "Giải Nhì"),
				p("p5", 5, "Giải Ba"), p("p6", 6, "Giải Ba"), p("p7", 7, "Giải Ba"), p("p8", 8),
			},
		},
		{
			name:   "a tie at the last prize place gives every tied person the prize",
			papers: ladder(1, 2, 2, 2, 5), prizes: one,
			want: []placed{p("p1", 1, "Giải Nhất"), p("p2", 2, "Giải Nhì"), p("p3", 2, "Giải Nhì"), p("p4", 2, "Giải Nhì"), p("p5", 5)},
		},
		{
			name:   "an excluded person tied at a prize place leaves the prize to the others tied with them",
			papers: ladder(1, 1, 3), prizes: one, excluded: []string{"p1"},
			want: []placed{excluded("p1", 1), p("p2", 1, "Giải Nhất"), p("p3", 3, "Giải Nhì")},
		},
		{
			name:   "people tied with a prize winner share the prize even with an excluded person sorted between them",
			papers: ladder(1, 1, 1, 4), prizes: one, excluded: []string{"p2"},
			want: []placed{p("p1", 1, "Giải Nhất"), excluded("p2", 1), p("p3", 1, "Giải Nhất"), p("p4", 4, "Giải Nhì")},
		},
		{
			name:   "no prize levels give no prizes",
			papers: ladder(1, 2), prizes: nil,
			want: []placed{p("p1", 1), p("p2", 2)},
		},
		{
			name:   "fewer people than prizes each get one, highest first",
			papers: ladder(1, 2), prizes: tally.DefaultPrizes,
			want: []placed{p("p1", 1, "Giải Nhất"), p("p2", 2, "Giải Nhì")},
		},
		{
			name:   "when everyone is excluded nobody gets a prize",
			papers: ladder(1, 2), prizes: tally.DefaultPrizes, excluded: []string{"p1", "p2"},
			want: []placed{excluded("p1", 1), excluded("p2", 2)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := tally.Rules{Prizes: tt.prizes, Excluded: map[string]bool{}}
			for _, id := range tt.excluded {
				rules.Excluded[id] = true
			}
			checkPlaces(t, tally.Ranking(tt.papers, 10, rules), tt.want)
			// the same through Exclude on a ranking made before the exclusions
			// were known (everybody excluded then, so that stale marks would show)
			everyone := map[string]bool{}
			for _, pp := range tt.papers {
				everyone[pp.ParticipantID] = true
			}
			before := tally.Ranking(tt.papers, 10, tally.Rules{Prizes: tt.prizes, Excluded: everyone})
			tally.Exclude(before, rules.Excluded, tt.prizes)
			checkPlaces(t, before, tt.want)
		})
	}
}

func TestRankingSmallRounds(t *testing.T) {
	tests := []struct {
		name     string
		papers   []contest.Submitted
		excluded []string
		want     []placed
	}{
		{name: "a round without papers has an empty ranking", papers: nil, want: []placed{}},
		{name: "a round with an empty list of papers has an empty ranking", papers: []contest.Submitted{}, want: []placed{}},
		{name: "the only participant ranks first and gets the first prize",
			papers: []contest.Submitted{paper("a", 4, 0, 600_000, t0)}, want: []placed{p("a", 1, "Giải Nhất")}},
		{name: "the only participant with several attempts appears once",
			papers: []contest.Submitted{attempt("a", 1, 4, 0, 600_000, t0), attempt("a", 2, 9, 0, 600_000, t0.Add(time.Hour))},
			want:   []placed{{Who: "a", Paper: "a.2", Rank: 1, Prize: "Giải Nhất"}}},
		{name: "the only participant, excluded, ranks first without a prize",
			papers: []contest.Submitted{paper("a", 15, 1, 60_000, t0)}, excluded: []string{"a"}, want: []placed{excluded("a", 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := tally.Rules{Prizes: tally.DefaultPrizes, Excluded: map[string]bool{}}
			for _, id := range tt.excluded {
				rules.Excluded[id] = true
			}
			got := tally.Ranking(tt.papers, tally.CountAllCorrect(tt.papers), rules)
			if got == nil {
				t.Errorf("Ranking = nil, want an empty, non-nil list")
			}
			checkPlaces(t, got, tt.want)
		})
	}
}

func TestCountAllCorrect(t *testing.T) {
	full := func(id string, n, total int) contest.Submitted {
		pp := attempt(id, n, total, 0, 1, t0)
		pp.Total = total
		return pp
	}
	tests := []struct {
		name   string
		papers []contest.Submitted
		want   int
	}{
		{name: "no papers, no all-correct papers", papers: nil, want: 0},
		{name: "a paper with one mistake is not all correct", papers: []contest.Submitted{paper("a", 14, 0, 1, t0)}, want: 0},
		{name: "papers of different lengths count when every answer is right",
			papers: []contest.Submitted{full("a", 1, 15), full("b", 1, 10), paper("c", 14, 0, 1, t0), full("d", 1, 20)}, want: 3},
		{name: "a paper with no questions is not all correct",
			papers: []contest.Submitted{{PaperID: "e.1", ParticipantID: "e", Correct: 0, Total: 0}}, want: 0},
		{name: "all-correct papers are counted per paper, so two attempts of one person count twice",
			papers: []contest.Submitted{full("a", 1, 15), full("a", 2, 15), paper("b", 3, 0, 1, t0)}, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tally.CountAllCorrect(tt.papers); got != tt.want {
				t.Errorf("CountAllCorrect = %d, want %d", got, tt.want)
			}
		})
	}
}

// generated returns n papers over units units, ~54% all correct, 2–10
// minutes each, submitted over a week: the Huế 2024 shape.
func generated(n, units int) []contest.Submitted {
	rng := rand.New(rand.NewPCG(2024, 107_737))
	out := make([]contest.Submitted, n)
	for i := range out {
		correct := 15
		if rng.Float64() >= 0.54 {
			correct = 5 + rng.IntN(10)
		}
		id := fmt.Sprintf("%020x", rng.Uint64())
		out[i] = contest.Submitted{
			PaperID: "2026-w02." + id + ".1", ParticipantID: id, Email: id + "@demo.hue.gov.vn", Name: "Người dự thi",
			UnitID: fmt.Sprintf("don-vi-%03d", i%units), Audience: contest.AudienceStaff, Attempt: 1,
			Correct: correct, Total: 15, Prediction: rng.IntN(100_000), TimeTakenMs: int64(120_000 + rng.IntN(480_000)),
			SubmittedAt: t0.Add(time.Duration(rng.Int64N(int64(7 * 24 * time.Hour)))).Truncate(time.Millisecond),
		}
	}
	return out
}

func BenchmarkRanking100k(b *testing.B) {
	papers := generated(100_000, 209)
	all := tally.CountAllCorrect(papers)
	rules := tally.Rules{Prizes: tally.DefaultPrizes, Excluded: map[string]bool{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if got := tally.Ranking(papers, all, rules); len(got) != len(papers) {
			b.Fatalf("ranked %d, want %d", len(got), len(papers))
		}
	}
}

func BenchmarkComputeAndArtefacts100k(b *testing.B) {
	papers := generated(100_000, 209)
	units := make([]contest.Unit, 209)
	blocks := []contest.Block{contest.BlockAgency, contest.BlockService, contest.BlockCommune}
	for i := range units {
		units[i] = contest.Unit{ID: fmt.Sprintf("don-vi-%03d", i), Name: fmt.Sprintf("Đơn vị %03d", i), Block: blocks[i%3], Headcount: 520}
	}
	r := contest.Round{ID: "2026-w02", Title: "Tuần 2", Audience: contest.AudienceStaff, OpensAt: t0, ClosesAt: t0.Add(7 * 24 * time.Hour)}
	rules := tally.Rules{Prizes: tally.DefaultPrizes, Excluded: map[string]bool{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := tally.Compute("demo", r, units, papers, rules, r.ClosesAt)
		if _, err := tally.Artefacts(res, tally.ReportOptions{Threshold: 0.8}); err != nil {
			b.Fatal(err)
		}
	}
}
