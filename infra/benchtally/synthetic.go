package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/results"
)

// generatedIndex is a store whose ranking index is generated as it is read
// (the same papers at every read, nothing kept): the tally's own memory can
// be measured at any size without filling a local DynamoDB first, which takes
// an hour for 400,000 papers on a loaded machine. The rest of the store is a
// memstore (contest, round, units).
type generatedIndex struct {
	*memstore.Store
	papers int
	units  []contest.Unit
	cum    []float64
}

const generatedShards = 16

func (g *generatedIndex) RankingShards() int { return generatedShards }

// RankingShardOf places the papers the tally closes: there are none here
// (no paper is in progress), so any shard will do.
func (g *generatedIndex) RankingShardOf(participantID string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(participantID))
	return int(h.Sum32() % generatedShards)
}

// EachSubmitted generates the papers of shard: participant i is in shard i %
// generatedShards, its paper drawn from a generator seeded with i.
func (g *generatedIndex) EachSubmitted(ctx context.Context, contestID, roundID string, shard int, each func(*contest.Submitted) error) error {
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, contest.ICT)
	var b strings.Builder
	for i := shard; i < g.papers; i += generatedShards {
		rng := rand.New(rand.NewPCG(uint64(i), 54))
		u := g.units[search(g.cum, rng.Float64())]
		correct := 15
		if rng.Float64() >= 0.54 {
			correct = 14 - min(14, int(rng.ExpFloat64()*1.5))
		}
		b.Reset()
		wrong := rng.Perm(15)[:15-correct]
		for q := range 15 {
			key := rng.IntN(4)
			chosen := key
			for _, w := range wrong {
				if w == q {
					chosen = (key + 1 + rng.IntN(3)) % 4
				}
			}
			fmt.Fprintf(&b, "q%03d:%d%d ", 1+rng.IntN(87), chosen, key)
		}
		submitted := opens.Add(time.Duration(rng.IntN(7*24*3600)) * time.Second)
		pid := contest.ParticipantID(contestID, fmt.Sprintf("cb%07d@bench.gov.vn", i))
		p := contest.Submitted{PaperID: roundID + "." + pid + ".1", ParticipantID: pid, Name: fmt.Sprintf("Cán bộ %06d", i),
			UnitID: u.ID, Attempt: 1, Correct: correct, Total: 15, Prediction: rng.IntN(120000), TimeTakenMs: int64(60000 + rng.IntN(540000)),
			SubmittedAt: submitted, Responses: contest.Responses(strings.TrimSpace(b.String())), StartedFrom: "desktop", SubmittedFrom: "desktop"}
		if err := each(&p); err != nil {
			return err
		}
	}
	return nil
}

// GetPaper is a prize winner's paper, for the organisers' check: nobody in
// the generated round is on the roster.
func (g *generatedIndex) GetPaper(ctx context.Context, contestID string, ref contest.PaperRef, consistent bool) (*contest.Paper, error) {
	return &contest.Paper{ContestID: contestID, RoundID: ref.RoundID, ParticipantID: ref.ParticipantID, Attempt: ref.Attempt, Email: ref.ParticipantID + "@bench.gov.vn"}, nil
}

// memoryOnly tallies and publishes a generated round of n papers over units
// (to the local S3 server), and prints the tally's peak memory.
func memoryOnly(n, nUnits int) error {
	ctx := context.Background()
	awsCfg, err := config.AWS(ctx)
	if err != nil {
		return err
	}
	objects := blob.NewClient(awsCfg, true)
	name := fmt.Sprintf("hoithi-bench-%d", time.Now().UnixNano())
	if _, err := objects.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return err
	}
	store := memstore.New()
	units, weights := makeUnits(nUnits, n)
	g := &generatedIndex{Store: store, papers: n, units: units}
	acc := 0.0
	for _, w := range weights {
		acc += w
		g.cum = append(g.cum, acc)
	}
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, contest.ICT)
	round := contest.Round{ContestID: contestID, ID: "tuan-1", Title: "Tuần 1 (dữ liệu sinh tự động)", Audience: contest.AudienceStaff,
		OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 7), QuestionCount: 15, TimeLimit: 10 * time.Minute, Attempts: 1, BankID: "bench"}
	c := contest.Contest{ID: contestID, Title: "Benchmark"}
	for _, err := range []error{store.PutContest(ctx, c), store.PutRound(ctx, round)} {
		if err != nil {
			return err
		}
	}
	for _, u := range units {
		if err := store.PutUnit(ctx, contestID, u); err != nil {
			return err
		}
	}
	if _, err := putBank(ctx, objects, name); err != nil {
		return err
	}
	svc := results.NewService(g, objects, name, 0, func() time.Time { return round.ClosesAt.Add(time.Hour) }, slog.New(slog.DiscardHandler))
	runtime.GC()
	heap := sampleHeap()
	t0 := time.Now()
	out, err := svc.Run(ctx, c, round, true)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	heapPeak := heap()
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf(`
Tally of a generated index (no DynamoDB) of %d papers over %d units, published %d artefacts:
  time taken:     %s   (generating the papers included; load average %s)
  peak memory:    %.0f MB resident (VmHWM), %.0f MB Go heap (sampled)
`, out.Result.Papers, len(units), len(out.Artefacts), took.Round(time.Millisecond), strings.TrimSpace(string(load)),
		float64(vmHWM())/1e6, float64(heapPeak)/1e6)
	return nil
}
