package results_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/testenv"
)

// pageCounter is the memory store, counting the batches of papers closed.
type pageCounter struct {
	*memstore.Store
	mu      sync.Mutex
	batches []int
}

func (p *pageCounter) ClosePapers(ctx context.Context, overdue []*contest.Paper) ([]*contest.Paper, error) {
	p.mu.Lock()
	p.batches = append(p.batches, len(overdue))
	p.mu.Unlock()
	return p.Store.ClosePapers(ctx, overdue)
}

func TestPublishingClosesManyOverduePapersAPageAtATime(t *testing.T) {
	objects, bucket := testenv.Bucket(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC) // an hour after the round closed
	c := contest.Contest{ID: "c1", Title: "Hội thi"}
	round := contest.Round{ContestID: "c1", ID: "tuan-1", Title: "Tuần 1", Audience: contest.AudienceStaff,
		OpensAt: now.Add(-7*24*time.Hour - time.Hour), ClosesAt: now.Add(-time.Hour), QuestionCount: 2, TimeLimit: 10 * time.Minute, Attempts: 1, BankID: "b"}
	store := &pageCounter{Store: memstore.New()}
	if err := store.PutContest(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := store.PutRound(ctx, round); err != nil {
		t.Fatal(err)
	}
	// GIVEN a closed round with 5,000 papers left in progress and 20 submitted
	const left, done = 5000, 20
	for i := range left + done {
		email := fmt.Sprintf("cb%05d@hue.gov.vn", i)
		started := round.OpensAt.Add(time.Duration(i) * time.Minute)
		p := &contest.Paper{ContestID: "c1", RoundID: round.ID, ParticipantID: contest.ParticipantID("c1", email), Attempt: 1,
			Email: email, Name: email, UnitID: "dv-01", Audience: contest.AudienceStaff, BankID: "b",
			Items: []contest.Item{{QuestionID: "q1", Order: []uint8{0, 1, 2, 3}}, {QuestionID: "q2", Order: []uint8{0, 1, 2, 3}}}, Key: "AB",
			StartedAt: started, Deadline: round.Deadline(started), Status: contest.PaperInProgress, Answers: map[string]string{"q1": "A"}}
		if _, _, err := store.CreatePaper(ctx, p); err != nil {
			t.Fatal(err)
		}
		if i >= left {
			r := contest.Grade(p, map[string]string{"q1": "A", "q2": "B"}, 3, started.Add(time.Minute))
			if _, _, err := store.SubmitPaper(ctx, p, map[string]string{"q1": "A", "q2": "B"}, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	svc := results.NewService(store, objects, bucket, 30*time.Second, func() time.Time { return now }, testenv.Logger())

	// WHEN the round is published
	got, err := svc.Run(ctx, c, round, true)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("every paper left is closed and counted", func(t *testing.T) {
		if got.Timings.Closed != left || got.Result.Papers != left+done {
			t.Errorf("closed %d, counted %d papers; want %d closed, %d counted", got.Timings.Closed, got.Result.Papers, left, left+done)
		}
		still := 0
		if err := store.EachInProgress(ctx, "c1", round.ID, now, func(page []*contest.Paper) error {
			for _, p := range page {
				if p.Status == contest.PaperInProgress {
					still++
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if still != 0 {
			t.Errorf("%d papers still in progress, want none", still)
		}
	})
	t.Run("they are closed a page at a time, never all at once", func(t *testing.T) {
		closed, largest := 0, 0
		for _, n := range store.batches {
			closed, largest = closed+n, max(largest, n)
		}
		if closed != left || largest > memstore.InProgressPage || len(store.batches) < left/memstore.InProgressPage {
			t.Errorf("closed %d papers in %d batches of at most %d; want %d in batches of at most %d", closed, len(store.batches), largest, left, memstore.InProgressPage)
		}
	})
}
