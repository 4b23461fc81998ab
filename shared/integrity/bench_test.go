package integrity_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/integrity"
)

// benchRound is a Huế-2024-sized round: 107,737 papers of 15 questions
// drawn from 87, from 2,000 office addresses, 54% all right (made once: its
// callers read it, or clone it to change it).
var benchRound = sync.OnceValue(makeBenchRound)

func makeBenchRound() []contest.Submitted {
	rng := rand.New(rand.NewPCG(107737, 14))
	papers := make([]contest.Submitted, 107737)
	for i := range papers {
		var sb strings.Builder
		correct := 0
		for k, q := range rng.Perm(87)[:15] {
			if k > 0 {
				sb.WriteByte(' ')
			}
			key, chosen := q%4, q%4
			if rng.Float64() < 0.08 {
				chosen = (key + 1 + rng.IntN(3)) % 4
			} else {
				correct++
			}
			fmt.Fprintf(&sb, "q%03d:%d%d", q, chosen, key)
		}
		taken := int64(60_000 + rng.IntN(540_000))
		addr := fmt.Sprintf("10.%d.%d.1", i%2000/250, i%250)
		papers[i] = contest.Submitted{PaperID: fmt.Sprintf("tuan-1.%020d.1", i), ParticipantID: fmt.Sprintf("%020d", i), Name: fmt.Sprintf("Cán bộ %d", i),
			UnitID: fmt.Sprintf("don-vi-%03d", i%209), Correct: correct, Total: 15, TimeTakenMs: taken,
			SubmittedAt: time.Date(2026, 1, 5, 0, 0, 0, 0, contest.ICT).Add(time.Duration(rng.Int64N(int64(7 * 24 * time.Hour)))), Responses: contest.Responses(sb.String()),
			StartedFrom: addr + "|0000000" + fmt.Sprint(i%7), SubmittedFrom: addr + "|0000000" + fmt.Sprint(i%7)}
	}
	return papers
}

// BenchmarkReview reviews the 107,737-paper round: go test -bench Review ./shared/integrity.
func BenchmarkReview(b *testing.B) {
	papers := benchRound()
	b.ReportAllocs()
	for b.Loop() {
		integrity.Review(papers, nil, nil, integrity.Rules{})
	}
}
