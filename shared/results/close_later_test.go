package results_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/results"
	"github.com/hoithi/hoithi/shared/testenv"
)

// TestPapersClosedAfterThePublicationEndAsClosingThemFirstWould checks the
// tally's order of work: it counts the overdue papers as closing them will
// leave them, publishes, and writes the closes after. Two identical stores:
// in one the overdue papers are closed first (ClosePapers, as a tally did
// before), then the round is published; in the other the round is published
// straight away.
func TestPapersClosedAfterThePublicationEndAsClosingThemFirstWould(t *testing.T) {
	t.Run("in the memory store", func(t *testing.T) {
		checkClosedAfterThePublication(t, func() closingStore { return memstore.New() })
	})
	t.Run("in DynamoDB", func(t *testing.T) {
		checkClosedAfterThePublication(t, func() closingStore {
			db, table := testenv.Table(t)
			return dynamo.New(db, table, nil)
		})
	})
}

// closingStore is a store the test seeds and reads back.
type closingStore interface {
	results.Store
	PutContest(ctx context.Context, c contest.Contest) error
	PutRound(ctx context.Context, r contest.Round) error
	PutUnit(ctx context.Context, contestID string, u contest.Unit) error
	CreatePaper(ctx context.Context, p *contest.Paper) (*contest.Paper, bool, error)
	SubmitPaper(ctx context.Context, p *contest.Paper, answers map[string]string, r contest.Result) (*contest.Paper, bool, error)
	ListSubmitted(ctx context.Context, contestID, roundID string) ([]contest.Submitted, error)
}

func checkClosedAfterThePublication(t *testing.T, newStore func() closingStore) {
	objects, bucket := testenv.Bucket(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC) // an hour after the round closed
	const grace = 30 * time.Second
	c := contest.Contest{ID: "c1", Title: "Hội thi"}
	round := contest.Round{ContestID: "c1", ID: "tuan-1", Title: "Tuần 1", Audience: contest.AudienceStaff,
		OpensAt: now.Add(-7*24*time.Hour - time.Hour), ClosesAt: now.Add(-time.Hour), QuestionCount: 3, TimeLimit: 10 * time.Minute, Attempts: 2, BankID: "b"}
	seed := func() closingStore {
		store := newStore()
		if err := store.PutContest(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := store.PutRound(ctx, round); err != nil {
			t.Fatal(err)
		}
		for _, u := range []contest.Unit{{ID: "dv-01", Name: "Sở Nội vụ", Block: contest.BlockAgency, Headcount: 40}, {ID: "dv-02", Name: "Phường An Cựu", Block: contest.BlockCommune, Headcount: 30}} {
			if err := store.PutUnit(ctx, c.ID, u); err != nil {
				t.Fatal(err)
			}
		}
		zero, guess := 0, 1234
		saved := []*int{nil, &zero, &guess}
		answerSets := []map[string]string{nil, {}, {"q1": "A"}, {"q1": "A", "q2": "B", "q3": "C"}, {"q2": "D"}}
		for i := range 40 {
			email := fmt.Sprintf("cb%02d@hue.gov.vn", i)
			started := round.OpensAt.Add(time.Duration(i) * time.Hour)
			p := &contest.Paper{ContestID: "c1", RoundID: round.ID, ParticipantID: contest.ParticipantID("c1", email), Attempt: 1 + i%2,
				Email: email, Name: fmt.Sprintf("Cán bộ %02d", i), UnitID: fmt.Sprintf("dv-%02d", 1+i%2), Audience: contest.AudienceStaff, BankID: "b",
				Items: []contest.Item{{QuestionID: "q1", Order: []uint8{0, 1, 2, 3}}, {QuestionID: "q2", Order: []uint8{3, 2, 1, 0}}, {QuestionID: "q3", Order: []uint8{1, 0, 3, 2}}},
				Key:   "AAC", StartedAt: started, Deadline: round.Deadline(started), Status: contest.PaperInProgress,
				Answers: answerSets[i%len(answerSets)], SavedPrediction: saved[i%len(saved)],
				StartedFrom: contest.Requester{Address: fmt.Sprintf("10.0.0.%d", i%7), UserAgent: "Mozilla/5.0"}}
			if _, _, err := store.CreatePaper(ctx, p); err != nil {
				t.Fatal(err)
			}
			if i%3 == 0 { // a third submitted, the rest left in progress
				answers := map[string]string{"q1": "A", "q2": "A", "q3": "C"}
				r := contest.Grade(p, answers, i*100, started.Add(time.Duration(i+1)*time.Minute))
				if _, _, err := store.SubmitPaper(ctx, p, answers, r); err != nil {
					t.Fatal(err)
				}
			}
		}
		return store
	}
	// GIVEN two identical stores of a closed round, two thirds of its
	// papers left in progress with every kind of saved state
	first, later := seed(), seed()
	svc := func(store closingStore) *results.Service {
		return results.NewService(store, objects, bucket, grace, func() time.Time { return now }, testenv.Logger())
	}
	// WHEN in one they are closed before the tally, and in the other the
	// tally publishes and closes them after
	var overdue []*contest.Paper
	if err := first.EachInProgress(ctx, c.ID, round.ID, now.Add(-grace), func(page []*contest.Paper) error {
		for _, p := range page {
			if p.Overdue(now, grace) {
				overdue = append(overdue, p)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := first.ClosePapers(ctx, overdue); err != nil {
		t.Fatal(err)
	}
	closedFirst, err := svc(first).Run(ctx, c, round, true)
	if err != nil {
		t.Fatal(err)
	}
	closedLater, err := svc(later).Run(ctx, c, round, true)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc(later).Run(ctx, c, round, true)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("every paper ends in the same state either way", func(t *testing.T) {
		if len(overdue) != 26 || closedLater.Timings.Closed != len(overdue) {
			t.Fatalf("%d papers overdue, the tally closed %d; want 26 both", len(overdue), closedLater.Timings.Closed)
		}
		for i := range 40 {
			email := fmt.Sprintf("cb%02d@hue.gov.vn", i)
			ref := contest.PaperRef{RoundID: round.ID, ParticipantID: contest.ParticipantID("c1", email), Attempt: 1 + i%2}
			want, err := first.GetPaper(ctx, c.ID, ref, true)
			if err != nil {
				t.Fatal(err)
			}
			got, err := later.GetPaper(ctx, c.ID, ref, true)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("paper %s closed after the publication:\n%+v\nclosed before it:\n%+v", ref.ID(), got, want)
			}
		}
	})
	t.Run("the ranking index lists them the same either way", func(t *testing.T) {
		want, err := first.ListSubmitted(ctx, c.ID, round.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := later.ListSubmitted(ctx, c.ID, round.ID)
		if err != nil {
			t.Fatal(err)
		}
		byID := func(a, b contest.Submitted) int { return strings.Compare(a.PaperID, b.PaperID) }
		slices.SortFunc(want, byID)
		slices.SortFunc(got, byID)
		if len(got) != 40 || !reflect.DeepEqual(got, want) {
			t.Errorf("ranking index lists %d papers after the publication's closes, %d after closing first, or not the same", len(got), len(want))
		}
	})
	t.Run("the published files are the same bytes either way, and again once closed", func(t *testing.T) {
		sums := func(out results.Tallied) []string {
			var s []string
			for _, a := range out.Artefacts {
				s = append(s, a.Name+" "+a.SHA256)
			}
			return s
		}
		if closedFirst.Result.Papers != 40 || !slices.Equal(sums(closedLater), sums(closedFirst)) || !slices.Equal(sums(again), sums(closedFirst)) {
			t.Errorf("published %d papers closing first, %d closing after, %d again; files differ:\n%v\n%v\n%v",
				closedFirst.Result.Papers, closedLater.Result.Papers, again.Result.Papers, sums(closedFirst), sums(closedLater), sums(again))
		}
		if again.Timings.Closed != 0 {
			t.Errorf("the second publication closed %d papers, want none", again.Timings.Closed)
		}
	})
}
