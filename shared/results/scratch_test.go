package results_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestATallyRefusesClearlyWhenItsScratchFolderLacksRoom(t *testing.T) {
	objects, bucket := testenv.Bucket(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)
	c := contest.Contest{ID: "c1", Title: "Hội thi"}
	round := contest.Round{ContestID: "c1", ID: "tuan-1", Title: "Tuần 1", Audience: contest.AudienceStaff,
		OpensAt: now.Add(-7*24*time.Hour - time.Hour), ClosesAt: now.Add(-time.Hour), QuestionCount: 2, TimeLimit: 10 * time.Minute, Attempts: 1, BankID: "b"}
	store := memstore.New()
	if err := store.PutContest(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := store.PutRound(ctx, round); err != nil {
		t.Fatal(err)
	}
	// GIVEN a closed round of 100 submitted papers
	const papers = 100
	for i := range papers {
		email := fmt.Sprintf("cb%03d@hue.gov.vn", i)
		started := round.OpensAt.Add(time.Duration(i) * time.Minute)
		p := &contest.Paper{ContestID: "c1", RoundID: round.ID, ParticipantID: contest.ParticipantID("c1", email), Attempt: 1,
			Email: email, Name: email, UnitID: "dv-01", Audience: contest.AudienceStaff, BankID: "b",
			Items: []contest.Item{{QuestionID: "q1", Order: []uint8{0, 1, 2, 3}}, {QuestionID: "q2", Order: []uint8{0, 1, 2, 3}}}, Key: "AB",
			StartedAt: started, Deadline: round.Deadline(started), Status: contest.PaperInProgress, Answers: map[string]string{}}
		if _, _, err := store.CreatePaper(ctx, p); err != nil {
			t.Fatal(err)
		}
		answers := map[string]string{"q1": "A", "q2": []string{"A", "B"}[i%2]}
		if _, _, err := store.SubmitPaper(ctx, p, answers, contest.Grade(p, answers, 3, started.Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	svc := results.NewService(store, objects, bucket, 30*time.Second, func() time.Time { return now }, testenv.Logger())
	published := func(t *testing.T) int {
		out, err := objects.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(blob.ResultsPrefix("c1", round.ID))})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Contents)
	}
	for _, tc := range []struct {
		name    string
		free    uint64
		refused bool
	}{
		{"below the minimum it refuses before reading, naming the folder and the bytes free", results.ScratchMin - 1, true},
		{"with room to read but not for the round's runs and lines, it refuses once the round is read", results.ScratchMin + papers*results.ScratchPerPaper - 1, true},
		{"with room for the round, it publishes", results.ScratchMin + papers*results.ScratchPerPaper, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer results.ScratchFree(tc.free)()
			got, err := svc.Run(ctx, c, round, true)
			if !tc.refused {
				if err != nil || !got.Published || got.Result.Papers != papers {
					t.Fatalf("published %v, %d papers, %v; want published, %d papers", got.Published, got.Result.Papers, err, papers)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "hoithi-tally-") || !strings.Contains(err.Error(), fmt.Sprintf("has %d bytes free", tc.free)) {
				t.Errorf("Run = %v; want a refusal naming the scratch folder and %d bytes free", err, tc.free)
			}
			if n := published(t); n != 0 {
				t.Errorf("%d files published, want none", n)
			}
		})
	}
}
