package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/testenv"
)

// indexed returns the ids of the papers the in-progress index lists for a
// round, every shard read, sorted.
func indexed(t *testing.T, db dynamo.Client, table, contestID, roundID string) []string {
	t.Helper()
	var ids []string
	for shard := range platform.InProgressShards {
		expr, err := expression.NewBuilder().WithKeyCondition(
			expression.Key(platform.AttrGSI3PK).Equal(expression.Value(dynamo.InProgressPK(contestID, roundID, shard)))).Build()
		if err != nil {
			t.Fatal(err)
		}
		out, err := db.Query(context.Background(), &dynamodb.QueryInput{
			TableName: aws.String(table), IndexName: aws.String(platform.IndexInProgress),
			KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			ids = append(ids, it[platform.AttrPK].(*types.AttributeValueMemberS).Value+"/"+it[platform.AttrSK].(*types.AttributeValueMemberS).Value)
		}
	}
	slices.Sort(ids)
	return ids
}

// keyOf is a paper's table key as indexed returns it.
func keyOf(p *contest.Paper) string {
	return fmt.Sprintf("C#%s#R#%s#P#%s/PAPER#%02d", p.ContestID, p.RoundID, p.ParticipantID, p.Attempt)
}

func keysOf(papers ...*contest.Paper) []string {
	var out []string
	for _, p := range papers {
		out = append(out, keyOf(p))
	}
	slices.Sort(out)
	return out
}

// inProgress builds a paper in progress of email with a deadline relative
// to at and one saved answer.
func inProgress(contestID, roundID, email string, at time.Time, deadline time.Duration) *contest.Paper {
	p := samplePaper(contestID)
	p.RoundID, p.Email = roundID, email
	p.ParticipantID = contest.ParticipantID(contestID, email)
	p.StartedAt, p.Deadline = at.Add(deadline-10*time.Minute), at.Add(deadline)
	p.Answers = map[string]string{"s001": "B"}
	return p
}

func TestInProgressIndex(t *testing.T) {
	db, table := testenv.Table(t)
	s := dynamo.New(db, table, nil)
	ctx := context.Background()
	cutoff := time.Now().Truncate(time.Millisecond)
	var (
		overdue      = inProgress("c1", "tuan-1", "qua-han@hue.gov.vn", cutoff, -time.Hour)
		justOverdue  = inProgress("c1", "tuan-1", "vua-qua@hue.gov.vn", cutoff, -time.Millisecond)
		atCutoff     = inProgress("c1", "tuan-1", "dung-han@hue.gov.vn", cutoff, 0)
		taking       = inProgress("c1", "tuan-1", "dang-lam@hue.gov.vn", cutoff, 5*time.Minute)
		submitted    = inProgress("c1", "tuan-1", "nop@hue.gov.vn", cutoff, -time.Hour)
		closed       = inProgress("c1", "tuan-1", "da-dong@hue.gov.vn", cutoff, -time.Hour)
		otherRound   = inProgress("c1", "tuan-10", "tuan-khac@hue.gov.vn", cutoff, -time.Hour) // a round whose id starts alike
		otherContest = inProgress("c2", "tuan-1", "cuoc-thi-khac@hue.gov.vn", cutoff, -time.Hour)
	)
	for _, p := range []*contest.Paper{overdue, justOverdue, atCutoff, taking, submitted, closed, otherRound, otherContest} {
		if _, ok, err := s.CreatePaper(ctx, p); err != nil || !ok {
			t.Fatalf("CreatePaper %s: %v %v", p.Email, ok, err)
		}
	}
	t.Run("every paper started is listed in its own round's partitions", func(t *testing.T) {
		if got, want := indexed(t, db, table, "c1", "tuan-1"), keysOf(overdue, justOverdue, atCutoff, taking, submitted, closed); !slices.Equal(got, want) {
			t.Errorf("index lists %v, want %v", got, want)
		}
		if got, want := indexed(t, db, table, "c1", "tuan-10"), keysOf(otherRound); !slices.Equal(got, want) {
			t.Errorf("index lists %v for tuan-10, want %v", got, want)
		}
	})

	// WHEN one paper is submitted by its owner and another closed overdue
	if _, _, err := s.SubmitPaper(ctx, submitted, submitted.Answers, contest.Grade(submitted, submitted.Answers, 3, submitted.Deadline)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClosePapers(ctx, []*contest.Paper{closed}); err != nil {
		t.Fatal(err)
	}
	t.Run("a submitted paper and a closed one leave the index", func(t *testing.T) {
		if got, want := indexed(t, db, table, "c1", "tuan-1"), keysOf(overdue, justOverdue, atCutoff, taking); !slices.Equal(got, want) {
			t.Errorf("index lists %v, want %v", got, want)
		}
	})
	t.Run("and enter the ranking index", func(t *testing.T) {
		listed, err := s.ListSubmitted(ctx, "c1", "tuan-1")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range listed {
			ids = append(ids, p.PaperID)
		}
		slices.Sort(ids)
		want := []string{submitted.ID(), closed.ID()}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("ranking lists %v, want %v", ids, want)
		}
	})
	t.Run("an autosave keeps a paper listed and is what the listing reads", func(t *testing.T) {
		if err := s.SaveAnswers(ctx, taking, map[string]string{"s001": "C", "s002": "D"}, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.ListInProgress(ctx, "c1", "tuan-1", cutoff.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(got, func(p *contest.Paper) bool { return p.ID() == taking.ID() })
		if i < 0 || got[i].Answers["s002"] != "D" {
			t.Errorf("listing with a later deadline %v; want %s with its autosaved answers", got, taking.ID())
		}
	})
	t.Run("the listing reads the round's papers due by the cutoff, whole and in progress", func(t *testing.T) {
		got, err := s.ListInProgress(ctx, "c1", "tuan-1", cutoff)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got {
			if p.Status != contest.PaperInProgress || p.Answers["s001"] != "B" || len(p.Items) != 2 || p.Key != "BA" {
				t.Errorf("paper %s read as %+v; want it whole, in progress", p.Email, p)
			}
		}
		if got, want := keysOf(got...), keysOf(overdue, justOverdue, atCutoff); !slices.Equal(got, want) {
			t.Errorf("ListInProgress = %v, want %v", got, want)
		}
	})
}

func TestListingInProgressReadsOnlyTheRoundsDuePapers(t *testing.T) {
	s, m := newStore(t)
	ctx := context.Background()
	cutoff := time.Now().Truncate(time.Millisecond)
	// GIVEN a round where three people left their papers and two are taking it
	for i := range 5 {
		deadline := -time.Duration(i+1) * time.Hour
		if i >= 3 {
			deadline = time.Duration(i) * time.Minute
		}
		if _, _, err := s.CreatePaper(ctx, inProgress("c1", "tuan-2", fmt.Sprintf("nguoi-%d@hue.gov.vn", i), cutoff, deadline)); err != nil {
			t.Fatal(err)
		}
	}
	listing := func(t *testing.T) (float64, int) {
		t.Helper()
		m.Reset()
		got, err := s.ListInProgress(ctx, "c1", "tuan-2", cutoff)
		if err != nil {
			t.Fatal(err)
		}
		rcu, _ := m.Totals()
		return rcu, len(got)
	}
	before, n := listing(t)
	if n != 3 || before == 0 {
		t.Fatalf("%d papers listed for %.1f RCU, want the 3 overdue ones (and the capacity reported)", n, before)
	}

	// WHEN the table fills with other rounds' papers, submitted and left in
	// progress, and with the round's own submitted papers and papers still
	// being taken
	var history []*contest.Paper
	for i := range 400 {
		round := []string{"tuan-1", "tuan-3", "tuan-2"}[i%3]
		p := inProgress("c1", round, fmt.Sprintf("lich-su-%03d@hue.gov.vn", i), cutoff, -2*time.Hour)
		r := contest.Grade(p, p.Answers, 5, p.Deadline)
		p.Status, p.Result = contest.PaperSubmitted, &r
		history = append(history, p)
	}
	if err := s.ImportSubmitted(ctx, history); err != nil {
		t.Fatal(err)
	}
	for i := range 150 {
		round, deadline := []string{"tuan-1", "tuan-3"}[i%2], -3*time.Hour
		if i%3 == 0 {
			round, deadline = "tuan-2", time.Duration(i+1)*time.Minute
		}
		if _, _, err := s.CreatePaper(ctx, inProgress("c1", round, fmt.Sprintf("bo-do-%03d@hue.gov.vn", i), cutoff, deadline)); err != nil {
			t.Fatal(err)
		}
	}
	after, n := listing(t)

	// THEN listing reads as much as before: the round's three overdue papers
	t.Logf("listing the round's overdue papers: %.1f RCU before, %.1f RCU after 550 more papers elsewhere", before, after)
	if n != 3 || after != before {
		t.Errorf("after the table filled: %d papers for %.1f RCU, want 3 for %.1f RCU as before", n, after, before)
	}
}

func TestSubmissionRacingTheCloserGradesOnce(t *testing.T) {
	db, table := testenv.Table(t)
	s := dynamo.New(db, table, nil)
	ctx := context.Background()
	cutoff := time.Now().Truncate(time.Millisecond)
	// GIVEN papers past their deadline whose owners submit just as the
	// closer closes them (the owner's request passed the grace check a moment
	// before)
	var papers []*contest.Paper
	for i := range 24 {
		p := inProgress("c1", "tuan-1", fmt.Sprintf("dua-%02d@hue.gov.vn", i), cutoff, -time.Second)
		if _, _, err := s.CreatePaper(ctx, p); err != nil {
			t.Fatal(err)
		}
		papers = append(papers, p)
	}
	owners := make([]*contest.Paper, len(papers))
	closers := make([]*contest.Paper, len(papers))
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 2*len(papers))
	for i, p := range papers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			answers := map[string]string{"s001": "B", "s002": "A"}
			stored, _, err := s.SubmitPaper(ctx, p, answers, contest.Grade(p, answers, 9, p.Deadline.Add(-time.Millisecond)))
			owners[i] = stored
			errs <- err
		}()
		go func() {
			defer wg.Done()
			<-start
			closed, err := s.ClosePapers(ctx, []*contest.Paper{p})
			if err == nil {
				closers[i] = closed[0]
			}
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range papers {
		stored, err := s.GetPaper(ctx, "c1", p.Ref(), true)
		if err != nil {
			t.Fatal(err)
		}
		if *owners[i].Result != *stored.Result || *closers[i].Result != *stored.Result {
			t.Errorf("paper %s: the owner got %+v, the closer %+v, stored %+v; want one result for all", p.ID(), owners[i].Result, closers[i].Result, stored.Result)
		}
	}
	t.Run("each paper is ranked once", func(t *testing.T) {
		listed, err := s.ListSubmitted(ctx, "c1", "tuan-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(listed) != len(papers) {
			t.Errorf("%d papers ranked, want %d", len(listed), len(papers))
		}
	})
	t.Run("none is left in the in-progress index", func(t *testing.T) {
		if got := indexed(t, db, table, "c1", "tuan-1"); len(got) != 0 {
			t.Errorf("index still lists %v", got)
		}
	})
}
