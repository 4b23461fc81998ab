package results_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestPublishingClosesTheRoundsOverduePapersOnce(t *testing.T) {
	db, table := testenv.Table(t)
	objects, bucket := testenv.Bucket(t)
	store := dynamo.New(db, table, nil)
	ctx := context.Background()
	now := time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC) // an hour after the round closed
	const grace = 30 * time.Second
	c := contest.Contest{ID: "c1", Title: "Hội thi"}
	round := contest.Round{ContestID: "c1", ID: "tuan-1", Title: "Tuần 1", Audience: contest.AudienceStaff,
		OpensAt: now.Add(-7*24*time.Hour - time.Hour), ClosesAt: now.Add(-time.Hour), QuestionCount: 2, TimeLimit: 10 * time.Minute, Attempts: 1, BankID: "b"}
	next := round
	next.ID, next.OpensAt, next.ClosesAt = "tuan-2", round.ClosesAt, round.ClosesAt.Add(7*24*time.Hour)
	for _, r := range []contest.Round{round, next} {
		if err := store.PutRound(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.PutContest(ctx, c); err != nil {
		t.Fatal(err)
	}
	paper := func(r contest.Round, email string, started time.Time) *contest.Paper {
		return &contest.Paper{ContestID: "c1", RoundID: r.ID, ParticipantID: contest.ParticipantID("c1", email), Attempt: 1,
			Email: email, Name: email, Audience: contest.AudienceStaff, BankID: "b",
			Items: []contest.Item{{QuestionID: "q1", Order: []uint8{0, 1, 2, 3}}, {QuestionID: "q2", Order: []uint8{0, 1, 2, 3}}}, Key: "AB",
			StartedAt: started, Deadline: r.Deadline(started), Status: contest.PaperInProgress, Answers: map[string]string{"q1": "A"}}
	}
	// GIVEN a closed round with 4 submitted papers and 3 left in progress, and
	// this week's round with a paper left and one being taken
	var done []*contest.Paper
	for i := range 4 {
		p := paper(round, fmt.Sprintf("nop-%d@hue.gov.vn", i), round.OpensAt.Add(time.Duration(i+1)*time.Hour))
		answers := map[string]string{"q1": "A", "q2": "B"}
		r := contest.Grade(p, answers, 3, p.StartedAt.Add(time.Minute))
		p.Status, p.Result, p.Answers = contest.PaperSubmitted, &r, answers
		done = append(done, p)
	}
	if err := store.ImportSubmitted(ctx, done); err != nil {
		t.Fatal(err)
	}
	var left []*contest.Paper
	for i := range 3 {
		left = append(left, paper(round, fmt.Sprintf("bo-do-%d@hue.gov.vn", i), round.OpensAt.Add(time.Duration(i+1)*time.Hour)))
	}
	thisWeek := []*contest.Paper{paper(next, "tuan-nay@hue.gov.vn", next.OpensAt.Add(time.Minute)), paper(next, "dang-lam@hue.gov.vn", now.Add(-time.Minute))}
	for _, p := range append(left, thisWeek...) {
		if _, _, err := store.CreatePaper(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	svc := results.NewService(store, objects, bucket, grace, func() time.Time { return now }, testenv.Logger())

	// WHEN the round is published, and published again
	first, err := svc.Run(ctx, c, round, true)
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.Run(ctx, c, round, true)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the first publication closes the three papers left and counts them", func(t *testing.T) {
		if first.Timings.Closed != 3 || first.Result.Papers != 7 {
			t.Errorf("closed %d, counted %d papers; want 3 closed, 7 counted", first.Timings.Closed, first.Result.Papers)
		}
		for _, p := range left {
			got, err := store.GetPaper(ctx, "c1", p.Ref(), true)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != contest.PaperSubmitted || got.Result == nil || !got.Result.Automatic || got.Result.Correct != 1 {
				t.Errorf("paper %s stored as %s %+v; want closed on its saved answer (1 correct), automatic", p.ID(), got.Status, got.Result)
			}
		}
	})
	t.Run("the second closes nothing and counts the same", func(t *testing.T) {
		if second.Timings.Closed != 0 || second.Result.Papers != 7 || second.Result.AllCorrect != first.Result.AllCorrect {
			t.Errorf("closed %d, counted %d papers (%d all correct); want none closed, 7 counted (%d)",
				second.Timings.Closed, second.Result.Papers, second.Result.AllCorrect, first.Result.AllCorrect)
		}
	})
	t.Run("this week's papers are left in progress", func(t *testing.T) {
		for _, p := range thisWeek {
			got, err := store.GetPaper(ctx, "c1", p.Ref(), true)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != contest.PaperInProgress {
				t.Errorf("paper %s of the open round is %s, want in progress", p.ID(), got.Status)
			}
		}
	})
}
