package dynamo_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/testenv"
)

func newStore(t *testing.T) (*dynamo.Store, *dynamo.Meter) {
	db, table := testenv.Table(t)
	m := &dynamo.Meter{}
	return dynamo.New(db, table, m), m
}

func samplePaper(contestID string) *contest.Paper {
	now := time.Now().Truncate(time.Millisecond)
	return &contest.Paper{
		ContestID: contestID, RoundID: "tuan-1", ParticipantID: contest.ParticipantID(contestID, "a@hue.gov.vn"), Attempt: 1,
		Email: "a@hue.gov.vn", Name: "Nguyễn Văn A", UnitID: "so-noi-vu", Audience: contest.AudienceStaff, BankID: "demo-staff",
		Items:     []contest.Item{{QuestionID: "s001", Order: []uint8{2, 0, 3, 1}}, {QuestionID: "s002", Order: []uint8{0, 1, 2, 3}}},
		Key:       "BA",
		StartedAt: now, Deadline: now.Add(10 * time.Minute), Status: contest.PaperInProgress,
		Answers: map[string]string{},
	}
}

func TestConcurrentCreatesStoreOnePaper(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	const n = 50
	var wg sync.WaitGroup
	created := make(chan bool, n)
	ids := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := samplePaper("c1")
			p.Key = string("ABCD"[i%4]) + "A"
			got, ok, err := s.CreatePaper(ctx, p)
			if err != nil {
				t.Error(err)
				return
			}
			created <- ok
			ids <- got.Key
		}()
	}
	wg.Wait()
	close(created)
	close(ids)
	wins := 0
	for ok := range created {
		if ok {
			wins++
		}
	}
	if wins != 1 {
		t.Fatalf("created %d papers, want 1", wins)
	}
	keys := map[string]bool{}
	for k := range ids {
		keys[k] = true
	}
	if len(keys) != 1 {
		t.Fatalf("callers saw %d different papers, want 1: %v", len(keys), keys)
	}
}

func TestSubmitStoresOneResultAndRetriesGetIt(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	p := samplePaper("c1")
	if _, _, err := s.CreatePaper(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswers(ctx, p, map[string]string{"s001": "C"}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetPaper(ctx, "c1", p.Ref(), true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Answers["s001"] != "C" || len(got.Items) != 2 || got.Items[0].String() != "s001:2031" {
		t.Fatalf("paper after autosave = %+v", got)
	}
	first := contest.Result{Correct: 2, Total: 2, TimeTakenMs: 1234, SubmittedAt: time.Now().Truncate(time.Millisecond), Prediction: 7}
	stored, ok, err := s.SubmitPaper(ctx, p, map[string]string{"s001": "B", "s002": "A"}, first)
	if err != nil || !ok {
		t.Fatalf("first submit: ok=%v err=%v", ok, err)
	}
	if *stored.Result != first {
		t.Fatalf("stored %+v, want %+v", stored.Result, first)
	}
	second := first
	second.Correct, second.SubmittedAt = 0, first.SubmittedAt.Add(time.Second)
	again, ok, err := s.SubmitPaper(ctx, p, map[string]string{}, second)
	if err != nil || ok {
		t.Fatalf("second submit: ok=%v err=%v, want the stored result", ok, err)
	}
	if *again.Result != first {
		t.Fatalf("second submit returned %+v, want the first %+v", again.Result, first)
	}
	if err := s.SaveAnswers(ctx, p, map[string]string{"s001": "A"}, nil); fault.CodeOf(err) != "paper_submitted" {
		t.Fatalf("autosave after submit: %v, want paper_submitted", err)
	}
}

func TestCapacityPerPaper(t *testing.T) {
	s, m := newStore(t)
	ctx := context.Background()
	p := samplePaper("c1")
	for i := range 15 {
		p.Items = append(p.Items, contest.Item{QuestionID: "s1" + string(rune('a'+i)), Order: []uint8{3, 2, 1, 0}})
	}
	round := contest.Round{ContestID: "c1", ID: "tuan-1", Title: "Tuần 1", Audience: contest.AudienceStaff,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour), QuestionCount: 15, Attempts: 1, BankID: "demo-staff"}
	if err := s.PutRound(ctx, round); err != nil {
		t.Fatal(err)
	}
	// What quiz (start) and grade (submit) do for one paper; the quiz function
	// caches the round per warm container, so its read is shared by many papers.
	m.Reset()
	if _, err := s.GetRound(ctx, "c1", "tuan-1"); err != nil {
		t.Fatal(err)
	}
	roundRCU, _ := m.Totals()
	m.Reset()
	if _, _, err := s.CreatePaper(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetPaper(ctx, "c1", p.Ref(), false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SubmitPaper(ctx, p, map[string]string{"s001": "B"}, contest.Result{Correct: 1, Total: 17, SubmittedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	rcu, wcu := m.Totals()
	// The writes: the paper and its in-progress index entry at the start;
	// the paper, its ranking and unit index entries and the removal of its
	// in-progress entry at the submission.
	t.Logf("capacity per paper (start + submit, %d questions): %.1f RCU, %.1f WCU (targets: <= 1 RCU, <= 6 WCU); "+
		"round read on a cold container: %.1f RCU", len(p.Items), rcu, wcu, roundRCU)
	if rcu == 0 || wcu == 0 {
		t.Fatalf("the server reported no consumed capacity (rcu=%v wcu=%v)", rcu, wcu)
	}
	if rcu > 1 || wcu > 6 {
		t.Errorf("%.1f RCU and %.1f WCU per paper, over the targets of 1 RCU and 6 WCU (README, docs/data-model.md)", rcu, wcu)
	}
}

func TestTakeToken(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, contest.ICT)
	b := signin.Bucket{Name: "requester", Burst: 5, Every: 6 * time.Second}
	t.Run("a bucket gives its burst at once, then refuses with the wait", func(t *testing.T) {
		for i := range 5 {
			if err := s.TakeToken(ctx, "c1", b, "k1", now); err != nil {
				t.Fatalf("token %d: %v", i+1, err)
			}
		}
		err := s.TakeToken(ctx, "c1", b, "k1", now)
		if fe, ok := fault.As(err); !ok || fe.Kind != fault.KindRateLimited || fe.RetryAfter != 6*time.Second {
			t.Fatalf("sixth token: %v, want rate limited for 6 s", err)
		}
	})
	t.Run("another key has its own bucket", func(t *testing.T) {
		if err := s.TakeToken(ctx, "c1", b, "k2", now); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a token comes back after its interval", func(t *testing.T) {
		if err := s.TakeToken(ctx, "c1", b, "k1", now.Add(6*time.Second)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("concurrent takes never spend one token twice", func(t *testing.T) {
		const takers = 40
		var granted atomic.Int32
		var wg sync.WaitGroup
		for range takers {
			wg.Go(func() {
				if err := s.TakeToken(ctx, "c1", b, "race", now); err == nil {
					granted.Add(1)
				} else if fault.CodeOf(err) == "" {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := granted.Load(); got != int32(b.Burst) {
			t.Errorf("%d of %d concurrent takes granted, want exactly the burst %d", got, takers, b.Burst)
		}
	})
	t.Run("concurrent takes within the burst are all granted, none sent back as busy", func(t *testing.T) {
		wide := signin.Bucket{Name: "contest", Burst: 1000, Every: time.Millisecond}
		const takers = 200
		var wg sync.WaitGroup
		for i := range takers {
			wg.Go(func() {
				// the takers' clocks differ by a few milliseconds, as requests' do
				if err := s.TakeToken(ctx, "c1", wide, "all", now.Add(time.Duration(i%7)*time.Millisecond)); err != nil {
					t.Errorf("take %d: %v", i, err)
				}
			})
		}
		wg.Wait()
	})
	t.Run("a bucket whose state has passed is full again", func(t *testing.T) {
		later := now.Add(time.Hour)
		for i := range b.Burst {
			if err := s.TakeToken(ctx, "c1", b, "k1", later); err != nil {
				t.Fatalf("token %d an hour later: %v", i+1, err)
			}
		}
		if err := s.TakeToken(ctx, "c1", b, "k1", later); fault.CodeOf(err) != "too_many_codes" {
			t.Fatalf("one past the burst an hour later: %v, want too_many_codes", err)
		}
	})
}

// halfProcessed is a DynamoDB client that, like a throttled table, processes
// only the first half of a BatchGetItem request of more than 25 keys and
// returns the rest as unprocessed.
type halfProcessed struct {
	dynamo.Client
	mu       sync.Mutex
	requests int
}

func (c *halfProcessed) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.mu.Lock()
	c.requests++
	c.mu.Unlock()
	for table, ka := range in.RequestItems {
		if len(ka.Keys) <= 25 {
			return c.Client.BatchGetItem(ctx, in, opts...)
		}
		half := (len(ka.Keys) + 1) / 2
		first := ka
		first.Keys = ka.Keys[:half]
		out, err := c.Client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{table: first}}, opts...)
		if err != nil {
			return out, err
		}
		rest := ka
		rest.Keys = ka.Keys[half:]
		out.UnprocessedKeys = map[string]types.KeysAndAttributes{table: rest}
		return out, nil
	}
	return &dynamodb.BatchGetItemOutput{}, nil
}

func TestGetPapers(t *testing.T) {
	db, table := testenv.Table(t)
	client := &halfProcessed{Client: db}
	s := dynamo.New(client, table, nil)
	ctx := context.Background()

	// 130 people asked about, two attempts each (260 keys, three requests'
	// worth): every third has started a first paper, every sixth a second too;
	// papers of another round and another contest must not come back.
	var asked []string
	want := map[string]bool{} // "<participant>/<attempt>"
	for i := range 130 {
		email := fmt.Sprintf("nguoi-%03d@hue.gov.vn", i)
		pid := contest.ParticipantID("c1", email)
		asked = append(asked, pid)
		for a := 1; a <= 2 && i%(3*a) == 0; a++ {
			p := samplePaper("c1")
			p.Email, p.ParticipantID, p.Attempt = email, pid, a
			if _, ok, err := s.CreatePaper(ctx, p); err != nil || !ok {
				t.Fatalf("CreatePaper %s/%d: %v %v", email, a, ok, err)
			}
			want[fmt.Sprintf("%s/%d", pid, a)] = true
		}
		other := samplePaper("c1")
		other.RoundID, other.Email, other.ParticipantID = "tuan-2", email, pid
		if _, _, err := s.CreatePaper(ctx, other); err != nil {
			t.Fatal(err)
		}
	}
	elsewhere := samplePaper("c2")
	elsewhere.ParticipantID = asked[0]
	if _, _, err := s.CreatePaper(ctx, elsewhere); err != nil {
		t.Fatal(err)
	}

	got, err := s.GetPapers(ctx, "c1", "tuan-1", asked, 2)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range got {
		id := fmt.Sprintf("%s/%d", p.ParticipantID, p.Attempt)
		if !want[id] || seen[id] || p.ContestID != "c1" || p.RoundID != "tuan-1" || len(p.Items) != 2 || p.Key != "BA" {
			t.Errorf("unexpected or duplicate paper %s: %+v", id, p)
		}
		seen[id] = true
	}
	if len(seen) != len(want) {
		t.Errorf("GetPapers returned %d papers, want %d", len(seen), len(want))
	}
	// 100 keys are answered in three requests (50, 25, 25), 60 in three (30, 15, 15).
	if client.requests != 3+3+3 {
		t.Errorf("%d BatchGetItem requests; the unprocessed keys were not asked again", client.requests)
	}

	if got, err := s.GetPapers(ctx, "c1", "tuan-1", nil, 2); err != nil || len(got) != 0 {
		t.Errorf("GetPapers of nobody = %v, %v; want none", got, err)
	}
}
