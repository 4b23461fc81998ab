package contest_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
)

var benchResult contest.Result

// BenchmarkGrade15 grades a 15-question paper drawn from a 70-question bank,
// with every other question answered right: the submit path's hot loop.
func BenchmarkGrade15(b *testing.B) {
	bank := generatedBank(b, 70)
	items, key, err := contest.Draw(bank, 15, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	started := week1Opens.Add(time.Hour)
	p := &contest.Paper{Items: items, Key: key, StartedAt: started, Deadline: started.Add(20 * time.Minute)}
	answers := make(map[string]string, len(items))
	for i, it := range items {
		label := key[i]
		if i%2 == 1 {
			label = 'A' + (label-'A'+1)%byte(len(it.Order))
		}
		answers[it.QuestionID] = string(label)
	}
	now := started.Add(9 * time.Minute)
	if got, want := contest.Grade(p, answers, 100, now).Correct, 8; got != want {
		b.Fatalf("setup: Correct = %d, want %d", got, want)
	}

	b.ReportAllocs()
	for b.Loop() {
		benchResult = contest.Grade(p, answers, 100, now)
	}
}

var benchKey string

// BenchmarkDraw15 draws a 15-question paper from a 70-question bank: the
// start-paper path.
func BenchmarkDraw15(b *testing.B) {
	bank := generatedBank(b, 70)
	rng := rand.New(rand.NewPCG(1, 2))

	b.ReportAllocs()
	for b.Loop() {
		_, key, err := contest.Draw(bank, 15, rng)
		if err != nil {
			b.Fatal(err)
		}
		benchKey = key
	}
}
