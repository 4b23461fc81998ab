// Command benchtally fills the local DynamoDB with a realistic closed round
// (by default Thừa Thiên Huế 2024's size: 107,737 papers over 209 units,
// ~54% all correct, 1% of the papers left in progress) and then closes the
// overdue papers, tallies and publishes it, printing the time taken and the
// capacity consumed, the closing step's apart. Run it through
// `make bench-tally`, which starts the local servers around it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/results"
)

func main() {
	papers := flag.Int("papers", 107737, "papers in the round")
	units := flag.Int("units", 209, "units")
	allCorrect := flag.Float64("all-correct", 0.54, "share of papers with every answer right")
	abandoned := flag.Float64("abandoned", 0.01, "share of papers left in progress (closed by the tally)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the tally to this file")
	tallyOnly := flag.String("tally", "", "(internal) tally the generated round of this table and bucket, in a process of its own")
	memory := flag.Bool("memory-only", false, "tally a ranking index generated as it is read (no DynamoDB: the tally's memory only)")
	flag.BoolVar(&dryClose, "dry-close", false, "(profiling) count the overdue papers but leave them in progress, so that the kept round can be tallied again")
	generateOnly := flag.Bool("generate-only", false, "generate the round, print its table's name and keep it (to tally it with -tally, e.g. again and again while profiling)")
	flag.Parse()
	profile = *cpuProfile
	keep = *generateOnly
	if *memory {
		if err := memoryOnly(*papers, *units); err != nil {
			fmt.Fprintln(os.Stderr, "benchtally:", err)
			os.Exit(1)
		}
		return
	}
	if *tallyOnly != "" {
		if err := tallyRound(*tallyOnly); err != nil {
			fmt.Fprintln(os.Stderr, "benchtally:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*papers, *units, *allCorrect, *abandoned); err != nil {
		fmt.Fprintln(os.Stderr, "benchtally:", err)
		os.Exit(1)
	}
}

const contestID = "bench"

var (
	profile  string
	keep     bool // -generate-only
	dryClose bool
)

func run(nPapers, nUnits int, allCorrect, abandoned float64) error {
	ctx := context.Background()
	awsCfg, err := config.AWS(ctx)
	if err != nil {
		return err
	}
	db := dynamodb.NewFromConfig(awsCfg)
	objects := blob.NewClient(awsCfg, true)
	name := fmt.Sprintf("hoithi-bench-%d", time.Now().UnixNano())
	if err := dynamo.CreateTestTable(ctx, db, name); err != nil { // no stream: nothing reads it here
		return err
	}
	if !keep {
		defer db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	}
	if _, err := objects.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return err
	}
	meter := &dynamo.Meter{}
	store := dynamo.New(db, name, meter)

	now := time.Now()
	opens := now.AddDate(0, 0, -8).Truncate(24 * time.Hour)
	round := contest.Round{ContestID: contestID, ID: "tuan-1", Title: "Tuần 1 (dữ liệu sinh tự động)", Audience: contest.AudienceStaff,
		OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 7), QuestionCount: 15, TimeLimit: 10 * time.Minute, Attempts: 1, BankID: "bench"}
	if err := store.PutContest(ctx, contest.Contest{ID: contestID, Title: "Benchmark"}); err != nil {
		return err
	}
	if err := store.PutRound(ctx, round); err != nil {
		return err
	}
	bank, err := putBank(ctx, objects, name)
	if err != nil {
		return err
	}
	unitList, weights := makeUnits(nUnits, nPapers)
	for _, u := range unitList {
		if err := store.PutUnit(ctx, contestID, u); err != nil {
			return err
		}
	}
	fmt.Printf("Generating %d papers over %d units (%.0f%% all correct, %.1f%% left in progress)…\n", nPapers, nUnits, allCorrect*100, abandoned*100)
	start := time.Now()
	if err := generate(ctx, store, round, bank, unitList, weights, nPapers, allCorrect, abandoned); err != nil {
		return err
	}
	fmt.Printf("\rGenerated %d papers in %s.%s\n", nPapers, time.Since(start).Round(time.Millisecond), "                    ")
	if keep {
		fmt.Println("table:", name)
		return nil
	}

	// The tally runs in a process of its own, so that its peak memory is
	// the tally's, not the generator's.
	args := []string{"-tally", name}
	if profile != "" {
		args = append(args, "-cpuprofile", profile)
	}
	if dryClose {
		args = append(args, "-dry-close")
	}
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// tallyRound closes the overdue papers of the generated round in table
// (and bucket) name, tallies and publishes it, and prints what it took: time,
// capacity, and memory at its peak (the process's resident set, VmHWM, and
// the Go heap's objects, sampled).
func tallyRound(name string) error {
	ctx := context.Background()
	awsCfg, err := config.AWS(ctx)
	if err != nil {
		return err
	}
	db := dynamodb.NewFromConfig(awsCfg)
	objects := blob.NewClient(awsCfg, true)
	meter := &dynamo.Meter{}
	store := dynamo.New(db, name, meter)
	round, err := store.GetRound(ctx, contestID, "tuan-1")
	if err != nil {
		return err
	}
	// Closing runs alongside the tally's reads: it goes through a store of
	// its own, with its own meter, so that its capacity can be told apart.
	closeMeter := &dynamo.Meter{}
	closing := &closingStore{Store: store, closer: dynamo.New(db, name, closeMeter)}
	svc := results.NewService(closing, objects, name, 0, nil, slog.New(slog.DiscardHandler))
	c, err := store.GetContest(ctx, contestID)
	if err != nil {
		return err
	}
	meter.Reset()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	heap := sampleHeap()
	t0 := time.Now()
	out, err := svc.Run(ctx, c, round, true)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	heapPeak := heap()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	closeRCU, closeWCU := closeMeter.Totals()
	rcu, wcu := meter.Totals()
	rcu, wcu = rcu+closeRCU, wcu+closeWCU
	load, _ := os.ReadFile("/proc/loadavg")
	tm := out.Timings
	fmt.Printf(`
Tally of %d papers (%d participants, %d all correct) over %d units, published %d artefacts:
  time taken:               %s   (overdue papers counted + tally + publish: all the published files wait for; target <= 5 s on an idle 2-core machine)
  overdue papers counted:   %s   (%d papers left in progress: the round's in-progress index, then those papers by key, graded; alongside the read)
  closing them, after:      %s   (%d conditional writes once the files are published: nothing published waits for them%s)
  whole run:                %s   (the two above)
  overdue papers' capacity: %.0f RCU, %.0f WCU
  counting and reading:     %s   (together)
  read capacity consumed:   %.0f RCU   (%.3f per paper; overdue papers %.0f)
  write capacity consumed:  %.0f WCU
  peak memory:              %.0f MB resident (VmHWM of the tally's process), %.0f MB Go heap (sampled)
  memory allocated:         %.0f MB
  phases:                   read %s, rank %s, render and publish the ranking %s, publish the rest %s
  question statistics:      %s   (the report and its file, counted while reading, on %d papers)
  load average:             %s`, out.Result.Papers, out.Result.Participants, out.Result.AllCorrect, len(out.Result.Units), len(out.Artefacts),
		tm.Published.Round(time.Millisecond), tm.Overdue.Round(time.Millisecond), tm.Closed,
		tm.Close.Round(time.Millisecond), tm.Closed, map[bool]string{true: "; -dry-close: not written"}[dryClose], took.Round(time.Millisecond),
		closeRCU, closeWCU, tm.Gather.Round(time.Millisecond),
		rcu, rcu/float64(max(1, out.Result.Papers)), closeRCU, wcu,
		float64(vmHWM())/1e6, float64(heapPeak)/1e6, float64(after.TotalAlloc-before.TotalAlloc)/1e6,
		tm.Read.Round(time.Millisecond), tm.Compute.Round(time.Millisecond), tm.Render.Round(time.Millisecond), tm.Publish.Round(time.Millisecond),
		tm.Statistics.Round(time.Millisecond), out.Result.Papers, load)
	return nil
}

// vmHWM is the process's peak resident set in bytes (Linux), 0 if unknown.
func vmHWM() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb << 10
		}
	}
	return 0
}

// sampleHeap samples the Go heap's live and not yet collected objects every
// few milliseconds until the function it returns is called, which returns
// the highest figure seen.
func sampleHeap() func() uint64 {
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}

// closingStore is the store as the tally sees it, with the papers in progress
// listed and closed through a store of its own, whose meter counts what
// closing the overdue papers costs (it runs at the same time as the reads).
type closingStore struct {
	*dynamo.Store
	closer *dynamo.Store
}

func (c *closingStore) EachInProgress(ctx context.Context, contestID, roundID string, deadlineBy time.Time, each func([]*contest.Paper) error) error {
	return c.closer.EachInProgress(ctx, contestID, roundID, deadlineBy, each)
}

func (c *closingStore) ClosePapers(ctx context.Context, overdue []*contest.Paper) ([]*contest.Paper, error) {
	if dryClose {
		return overdue, nil
	}
	return c.closer.ClosePapers(ctx, overdue)
}

var blocks = []contest.Block{contest.BlockAgency, contest.BlockService, contest.BlockCommune}

// makeUnits returns units of very different sizes (a few large ones, many
// small) and each unit's share of the papers.
func makeUnits(n, papers int) ([]contest.Unit, []float64) {
	rng := rand.New(rand.NewPCG(209, 2024))
	units := make([]contest.Unit, n)
	weights := make([]float64, n)
	total := 0.0
	for i := range n {
		weights[i] = math.Exp(rng.NormFloat64() * 0.9)
		total += weights[i]
	}
	for i := range n {
		weights[i] /= total
		expected := weights[i] * float64(papers)
		// turnout 70–105% of the roster: some rosters are out of date
		rate := 0.7 + 0.35*rng.Float64()
		units[i] = contest.Unit{ID: fmt.Sprintf("don-vi-%03d", i+1), Name: fmt.Sprintf("Đơn vị %03d", i+1),
			Block: blocks[i%len(blocks)], Headcount: max(1, int(expected/rate))}
	}
	return units, weights
}

func generate(ctx context.Context, store *dynamo.Store, r contest.Round, bank *contest.Bank, units []contest.Unit, weights []float64, n int, allCorrect, abandoned float64) error {
	cum := make([]float64, len(weights))
	acc := 0.0
	for i, w := range weights {
		acc += w
		cum[i] = acc
	}
	const workers = 4
	jobs := make(chan []*contest.Paper, workers)
	var done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range jobs {
				if err := store.ImportSubmitted(ctx, batch); err != nil {
					errs <- err
					return
				}
				d := done.Add(int64(len(batch)))
				if prev := d - int64(len(batch)); prev*50/int64(n) != d*50/int64(n) {
					fmt.Printf("\r  %d/%d papers (%d%%)", d, n, d*100/int64(n))
				}
			}
		}()
	}
	rng := rand.New(rand.NewPCG(107737, 54))
	week := r.ClosesAt.Sub(r.OpensAt)
	batch := make([]*contest.Paper, 0, 100)
	for i := range n {
		u := units[search(cum, rng.Float64())]
		email := fmt.Sprintf("cb%06d@%s.bench.gov.vn", i, u.ID)
		pid := contest.ParticipantID(contestID, email)
		correct := 15
		if rng.Float64() >= allCorrect {
			correct = 14 - min(14, int(rng.ExpFloat64()*1.5))
		}
		// the peaks: the first day and the last hours of the week
		var at time.Duration
		switch x := rng.Float64(); {
		case x < 0.4:
			at = time.Duration(rng.Float64() * float64(24*time.Hour))
		case x < 0.7:
			at = week - time.Duration(rng.Float64()*float64(6*time.Hour)) - 15*time.Minute
		default:
			at = time.Duration(rng.Float64() * float64(week-15*time.Minute))
		}
		started := r.OpensAt.Add(at).Truncate(time.Millisecond)
		taken := time.Duration(60+rng.IntN(540))*time.Second + time.Duration(rng.IntN(1000))*time.Millisecond
		h := fnv.New32a()
		_, _ = h.Write([]byte(email))
		if rng.Float64() < abandoned {
			// started and left: 15 questions, some answers saved, in progress
			if err := leave(ctx, store, r, rng, email, fmt.Sprintf("Cán bộ %06d", i), u.ID, started); err != nil {
				return err
			}
			continue
		}
		items, key, err := contest.Draw(bank, 15, rng)
		if err != nil {
			return err
		}
		p := &contest.Paper{ContestID: contestID, RoundID: r.ID, ParticipantID: pid, Attempt: 1, Email: email,
			Name: fmt.Sprintf("Cán bộ %06d", i), UnitID: u.ID, Audience: contest.AudienceStaff, BankID: r.BankID,
			Items: items, Key: key, Answers: answer(rng, items, key, correct),
			StartedFrom: contest.Requester{Address: fmt.Sprintf("10.%d.%d.%d", i%7, h.Sum32()%250, rng.IntN(250)), UserAgent: "Mozilla/5.0 (bench)"},
			StartedAt:   started, Deadline: r.Deadline(started), Status: contest.PaperSubmitted,
			Result: &contest.Result{Correct: correct, Total: 15, TimeTakenMs: taken.Milliseconds(), SubmittedAt: started.Add(taken),
				Prediction: int(h.Sum32() % 120000)}}
		batch = append(batch, p)
		if len(batch) == cap(batch) {
			select {
			case jobs <- batch:
			case err := <-errs:
				close(jobs)
				return err
			}
			batch = make([]*contest.Paper, 0, 100)
		}
	}
	if len(batch) > 0 {
		jobs <- batch
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// leave stores a paper started and left in progress, with answers saved to
// some of its 15 questions and, for half of them, a prediction.
func leave(ctx context.Context, store *dynamo.Store, r contest.Round, rng *rand.Rand, email, name, unitID string, started time.Time) error {
	p := &contest.Paper{ContestID: contestID, RoundID: r.ID, ParticipantID: contest.ParticipantID(contestID, email), Attempt: 1, Email: email,
		Name: name, UnitID: unitID, Audience: contest.AudienceStaff, BankID: r.BankID,
		StartedAt: started, Deadline: r.Deadline(started), Status: contest.PaperInProgress, Answers: map[string]string{}}
	key := make([]byte, 15)
	for q := range 15 {
		p.Items = append(p.Items, contest.Item{QuestionID: fmt.Sprintf("q%03d", q+1), Order: []uint8{0, 1, 2, 3}})
		key[q] = "ABCD"[rng.IntN(4)]
		if q < rng.IntN(16) {
			p.Answers[p.Items[q].QuestionID] = string("ABCD"[rng.IntN(4)])
		}
	}
	p.Key = string(key)
	if rng.IntN(2) == 0 {
		guess := rng.IntN(120000)
		p.SavedPrediction = &guess
	}
	_, _, err := store.CreatePaper(ctx, p)
	return err
}

// putBank stores the benchmark's bank: 87 questions of 4 options.
func putBank(ctx context.Context, objects *s3.Client, bucket string) (*contest.Bank, error) {
	b := contest.Bank{ID: "bench", Title: "Ngân hàng câu hỏi sinh tự động", Demo: true}
	for q := range 87 {
		b.Questions = append(b.Questions, contest.Question{ID: fmt.Sprintf("q%03d", q+1), Text: fmt.Sprintf("Câu hỏi %d", q+1),
			Options: []string{"Phương án 1", "Phương án 2", "Phương án 3", "Phương án 4"}, Correct: q % 4})
	}
	data, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	return blob.PutBank(ctx, objects, bucket, contestID, data)
}

// answer answers every item, right exactly `correct` times: the items
// answered wrong are drawn at random, each with a wrong label.
func answer(rng *rand.Rand, items []contest.Item, key string, correct int) map[string]string {
	answers := make(map[string]string, len(items))
	wrong := rng.Perm(len(items))[:len(items)-correct]
	for i, it := range items {
		answers[it.QuestionID] = key[i : i+1]
	}
	for _, i := range wrong {
		k := strings.IndexByte("ABCD", key[i])
		answers[items[i].QuestionID] = string("ABCD"[(k+1+rng.IntN(3))%4])
	}
	return answers
}

func search(cum []float64, x float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}
