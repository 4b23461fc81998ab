package memstore_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/testenv"
)

// store is what the contract below checks.
type store = testenv.Store

var (
	_ store = (*memstore.Store)(nil)
	_ store = (*dynamo.Store)(nil)
)

// stores are the memory store and, with the local servers, the DynamoDB one:
// the contract holds for both.
func stores(t *testing.T) map[string]func(t *testing.T) store {
	out := map[string]func(t *testing.T) store{"in memory": func(*testing.T) store { return memstore.New() }}
	if testenv.ServersUp() {
		out["on the local DynamoDB server"] = func(t *testing.T) store {
			db, table := testenv.Table(t)
			return dynamo.New(db, table, nil)
		}
	}
	return out
}

const c = "hop-dong"

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, contest.ICT)

func newPaper(email string, key string) *contest.Paper {
	return &contest.Paper{ContestID: c, RoundID: "tuan-1", ParticipantID: contest.ParticipantID(c, email), Attempt: 1,
		Email: email, Name: "Tên " + email, UnitID: "so-noi-vu", Audience: contest.AudienceStaff, BankID: "bank",
		Items: []contest.Item{{QuestionID: "q1", Order: []uint8{0, 1, 2, 3}}, {QuestionID: "q2", Order: []uint8{1, 0}}},
		Key:   key, StartedAt: t0, Deadline: t0.Add(10 * time.Minute), Answers: map[string]string{}, Status: contest.PaperInProgress}
}

func TestStoresHonourTheConditionalWritesHandlersRelyOn(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			t.Run("a paper is created only if absent: a second start gets the first paper", func(t *testing.T) {
				first := newPaper("a@x.vn", "AB")
				if _, created, err := s.CreatePaper(ctx, first); err != nil || !created {
					t.Fatalf("first create: created %v, %v", created, err)
				}
				got, created, err := s.CreatePaper(ctx, newPaper("a@x.vn", "BA"))
				if err != nil || created || got.Key != "AB" {
					t.Errorf("second create: created %v, key %q, %v; want the first paper (key AB)", created, got.Key, err)
				}
			})
			t.Run("concurrent starts agree on one paper", func(t *testing.T) {
				var wg sync.WaitGroup
				keys, created := make([]string, 8), make([]bool, 8)
				for i := range 8 {
					wg.Go(func() {
						p, ok, err := s.CreatePaper(ctx, newPaper("b@x.vn", []string{"AA", "AB", "BA", "BB"}[i%4]))
						if err != nil {
							t.Error(err)
							return
						}
						keys[i], created[i] = p.Key, ok
					})
				}
				wg.Wait()
				n := 0
				for i := range keys {
					if created[i] {
						n++
					}
					if keys[i] != keys[0] {
						t.Errorf("starts got papers with keys %v, want one paper", keys)
						break
					}
				}
				if n != 1 {
					t.Errorf("%d starts created a paper, want 1", n)
				}
			})
			p := newPaper("a@x.vn", "AB")
			t.Run("answers and the prediction are saved while the paper is in progress", func(t *testing.T) {
				pred := 12
				if err := s.SaveAnswers(ctx, p, map[string]string{"q1": "A"}, &pred); err != nil {
					t.Fatal(err)
				}
				got, err := s.GetPaper(ctx, c, p.Ref(), true)
				if err != nil || !maps.Equal(got.Answers, map[string]string{"q1": "A"}) || got.SavedPrediction == nil || *got.SavedPrediction != 12 {
					t.Fatalf("stored %+v, %v", got, err)
				}
				got.Answers["q2"] = "B"
				if again, _ := s.GetPaper(ctx, c, p.Ref(), true); len(again.Answers) != 1 {
					t.Errorf("changing a paper read changed the stored one: %v", again.Answers)
				}
			})
			t.Run("sent answers merge into the saved ones in the store, an empty one clears its question", func(t *testing.T) {
				got, pred, err := s.MergeAnswers(ctx, p, map[string]string{"q2": "B"}, nil)
				if err != nil || !maps.Equal(got, map[string]string{"q1": "A", "q2": "B"}) || pred == nil || *pred != 12 {
					t.Fatalf("after merging q2: %v, prediction %v, %v", got, pred, err)
				}
				seven := 7
				got, pred, err = s.MergeAnswers(ctx, p, map[string]string{"q2": ""}, &seven)
				if err != nil || !maps.Equal(got, map[string]string{"q1": "A"}) || pred == nil || *pred != 7 {
					t.Fatalf("after clearing q2: %v, prediction %v, %v", got, pred, err)
				}
				got, pred, err = s.MergeAnswers(ctx, p, nil, nil)
				if err != nil || !maps.Equal(got, map[string]string{"q1": "A"}) || pred == nil || *pred != 7 {
					t.Fatalf("after merging nothing: %v, prediction %v, %v", got, pred, err)
				}
				stored, err := s.GetPaper(ctx, c, p.Ref(), true)
				if err != nil || !maps.Equal(stored.Answers, map[string]string{"q1": "A"}) || *stored.SavedPrediction != 7 {
					t.Fatalf("stored %+v, %v", stored, err)
				}
				if _, _, err := s.MergeAnswers(ctx, newPaper("nobody@x.vn", "AB"), map[string]string{"q1": "A"}, nil); fault.CodeOf(err) != "paper_not_found" {
					t.Errorf("merge into a paper never started: %v, want paper_not_found", err)
				}
			})
			t.Run("a paper is submitted once: a second submission gets the first result", func(t *testing.T) {
				first := contest.Result{Correct: 1, Total: 2, TimeTakenMs: 60_000, SubmittedAt: t0.Add(time.Minute), Prediction: 12}
				done, ok, err := s.SubmitPaper(ctx, p, map[string]string{"q1": "A"}, first)
				if err != nil || !ok || done.Status != contest.PaperSubmitted || done.Result.Correct != 1 {
					t.Fatalf("first submission: %+v, %v, %v", done, ok, err)
				}
				again, ok, err := s.SubmitPaper(ctx, p, map[string]string{"q1": "A", "q2": "A"}, contest.Result{Correct: 2, Total: 2, SubmittedAt: t0.Add(2 * time.Minute)})
				if err != nil || ok || again.Result == nil || again.Result.Correct != 1 || !again.Result.SubmittedAt.Equal(first.SubmittedAt) {
					t.Errorf("second submission: %+v, %v, %v; want the first result, false", again.Result, ok, err)
				}
			})
			t.Run("answers are refused once the paper is submitted", func(t *testing.T) {
				err := s.SaveAnswers(ctx, p, map[string]string{"q2": "B"}, nil)
				if fault.CodeOf(err) != "paper_submitted" {
					t.Errorf("save after submission: %v, want paper_submitted", err)
				}
				if _, _, err := s.MergeAnswers(ctx, p, map[string]string{"q2": "B"}, nil); fault.CodeOf(err) != "paper_submitted" {
					t.Errorf("merge after submission: %v, want paper_submitted", err)
				}
			})
			t.Run("an unknown paper is not found", func(t *testing.T) {
				_, err := s.GetPaper(ctx, c, contest.PaperRef{RoundID: "tuan-1", ParticipantID: contest.ParticipantID(c, "z@x.vn"), Attempt: 1}, true)
				if fault.CodeOf(err) != "paper_not_found" {
					t.Errorf("GetPaper = %v, want paper_not_found", err)
				}
			})
			t.Run("closing overdue papers closes the ones past the cutoff only, once", func(t *testing.T) {
				late := newPaper("c@x.vn", "AB")
				if _, _, err := s.CreatePaper(ctx, late); err != nil {
					t.Fatal(err)
				}
				cutoff := late.Deadline.Add(time.Second)
				if early, err := s.ListInProgress(ctx, c, "tuan-1", late.Deadline.Add(-time.Second)); err != nil || len(early) != 0 {
					t.Errorf("before their deadline %d papers are listed, %v; want none", len(early), err)
				}
				overdue, err := s.ListInProgress(ctx, c, "tuan-1", cutoff)
				if err != nil {
					t.Fatal(err)
				}
				closed, err := s.ClosePapers(ctx, overdue)
				if err != nil {
					t.Fatal(err)
				}
				// b@x.vn's paper has the same deadline: both are past the cutoff
				if len(closed) != 2 || !closed[0].Result.Automatic || !closed[1].Result.Automatic {
					t.Fatalf("closed %d papers (%+v), want b's and c's, automatic", len(closed), closed)
				}
				// the index may list a paper submitted a moment ago, but as stored: submitted
				again, err := s.ListInProgress(ctx, c, "tuan-1", cutoff)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range again {
					if p.Status == contest.PaperInProgress {
						t.Errorf("after closing, %s is still in progress", p.Email)
					}
				}
			})
			t.Run("submitted papers are listed for the ranking and for the unit", func(t *testing.T) {
				ranked, err := s.ListSubmitted(ctx, c, "tuan-1")
				if err != nil || len(ranked) != 3 {
					t.Fatalf("ranking lists %d papers, %v; want 3", len(ranked), err)
				}
				unit, err := s.ListUnitPapers(ctx, c, "tuan-1", "so-noi-vu")
				if err != nil || len(unit) != 3 || unit[0].Email == "" {
					t.Errorf("unit lists %+v, %v; want 3 with e-mails", unit, err)
				}
			})
			t.Run("the ranking's shards together list each submitted paper once, a participant's in one shard", func(t *testing.T) {
				ranked, err := s.ListSubmitted(ctx, c, "tuan-1")
				if err != nil {
					t.Fatal(err)
				}
				seen, shardOf := map[string]int{}, map[string]int{}
				for shard := range s.RankingShards() {
					err := s.EachSubmitted(ctx, c, "tuan-1", shard, func(p *contest.Submitted) error {
						seen[p.PaperID]++
						if was, ok := shardOf[p.ParticipantID]; ok && was != shard {
							t.Errorf("%s's papers are in shards %d and %d", p.ParticipantID, was, shard)
						}
						shardOf[p.ParticipantID] = shard
						if got := s.RankingShardOf(p.ParticipantID); got != shard {
							t.Errorf("%s's paper is in shard %d, RankingShardOf says %d", p.ParticipantID, shard, got)
						}
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
				}
				if len(seen) != len(ranked) {
					t.Errorf("shards list %d papers, ListSubmitted %d", len(seen), len(ranked))
				}
				for _, p := range ranked {
					if seen[p.PaperID] != 1 {
						t.Errorf("%s listed %d times by the shards", p.PaperID, seen[p.PaperID])
					}
				}
			})
			t.Run("a round marked published keeps its all-correct count", func(t *testing.T) {
				r := contest.Round{ContestID: c, ID: "tuan-1", Title: "Tuần 1", Audience: contest.AudienceStaff, OpensAt: t0, ClosesAt: t0.Add(time.Hour), Attempts: 1}
				if err := s.PutRound(ctx, r); err != nil {
					t.Fatal(err)
				}
				if err := s.MarkPublished(ctx, c, r.ID, t0.Add(2*time.Hour), 9); err != nil {
					t.Fatal(err)
				}
				got, err := s.GetRound(ctx, c, r.ID)
				if err != nil || got.KnownAllCorrect() != 9 || !got.PublishedAt.Equal(t0.Add(2*time.Hour)) {
					t.Errorf("round %+v, %v; want published with 9 all-correct", got, err)
				}
			})
		})
	}
}

func TestStoresKeepWhatTheOrganisersReviewNeeds(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			p := newPaper("r@x.vn", "CA")
			p.StartedFrom = contest.NewRequester("203.0.113.7", "Trình duyệt A")
			if _, _, err := s.CreatePaper(ctx, p); err != nil {
				t.Fatal(err)
			}
			t.Run("a paper in progress cannot be excluded", func(t *testing.T) {
				_, err := s.SetExclusion(ctx, c, p.Ref(), &contest.Exclusion{Reason: "x", At: t0})
				if fault.CodeOf(err) != "paper_not_submitted" {
					t.Errorf("err %v", err)
				}
			})
			answers := map[string]string{"q1": "C", "q2": "B"}
			p.SubmittedFrom = contest.NewRequester("198.51.100.9", "Trình duyệt B")
			if _, _, err := s.SubmitPaper(ctx, p, answers, contest.Grade(p, answers, 3, t0.Add(time.Minute))); err != nil {
				t.Fatal(err)
			}
			t.Run("the paper keeps where its start and submission came from, and its responses", func(t *testing.T) {
				got, err := s.GetPaper(ctx, c, p.Ref(), true)
				if err != nil {
					t.Fatal(err)
				}
				if got.StartedFrom != p.StartedFrom || got.SubmittedFrom != p.SubmittedFrom || got.Responses != "q1:22 q2:01" {
					t.Errorf("started %+v, submitted %+v, responses %q", got.StartedFrom, got.SubmittedFrom, got.Responses)
				}
			})
			t.Run("an exclusion is stored, listed for the tally, and lifted", func(t *testing.T) {
				e := &contest.Exclusion{Reason: "Làm bài quá nhanh", At: t0.Add(time.Hour), By: "btc@x.vn"}
				got, err := s.SetExclusion(ctx, c, p.Ref(), e)
				if err != nil || got.Exclusion == nil || got.Exclusion.Reason != e.Reason || !got.Exclusion.At.Equal(e.At) || got.Exclusion.By != e.By {
					t.Fatalf("exclusion %+v, %v", got, err)
				}
				listed, err := s.ListSubmitted(ctx, c, p.RoundID)
				if err != nil || len(listed) != 1 {
					t.Fatalf("listed %+v, %v", listed, err)
				}
				l := listed[0]
				if l.Excluded != e.Reason || l.Responses != "q1:22 q2:01" || l.StartedFrom != p.StartedFrom.Device() || l.SubmittedFrom != p.SubmittedFrom.Device() {
					t.Errorf("listed %+v", l)
				}
				if got, err := s.SetExclusion(ctx, c, p.Ref(), nil); err != nil || got.Exclusion != nil {
					t.Fatalf("lifted: %+v, %v", got, err)
				}
				if listed, _ := s.ListSubmitted(ctx, c, p.RoundID); listed[0].Excluded != "" {
					t.Errorf("still excluded: %+v", listed[0])
				}
			})
			t.Run("an unknown paper cannot be excluded", func(t *testing.T) {
				_, err := s.SetExclusion(ctx, c, newPaper("nobody@x.vn", "AA").Ref(), &contest.Exclusion{Reason: "x", At: t0})
				if fault.CodeOf(err) != "paper_not_found" {
					t.Errorf("err %v", err)
				}
			})
			t.Run("the staff list follows the members' roles", func(t *testing.T) {
				put := func(email string, roles ...contest.Role) {
					if err := s.PutMember(ctx, c, contest.Member{Email: email, Name: "Tên " + email, Roles: roles}); err != nil {
						t.Fatal(err)
					}
				}
				put("btc@x.vn", contest.RoleOrganiser)
				put("gk@x.vn", contest.RoleJury)
				put("cb@x.vn", contest.RoleParticipant)
				put("cu@x.vn", contest.RoleOrganiser)
				put("cu@x.vn", contest.RoleParticipant) // no longer staff
				staff, err := s.ListStaff(ctx, c)
				var emails []string
				for _, m := range staff {
					emails = append(emails, m.Email)
				}
				if err != nil || !slices.Equal(emails, []string{"btc@x.vn", "gk@x.vn"}) {
					t.Errorf("staff %v, %v", emails, err)
				}
			})
		})
	}
}

func TestStoresCountPracticeAnswersAnonymously(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s, ctx := open(t), context.Background()
			fb := contest.PracticeFeedback{BankID: "tuan-1", ID: "q1", Right: true}
			for _, right := range []bool{true, true, false} {
				fb.Right = right
				if err := s.CountPractice(ctx, c, fb.CountOf(t0)); err != nil {
					t.Fatal(err)
				}
			}
			t.Run("a day's answers and right answers of a question add up", func(t *testing.T) {
				answered, right, err := s.PracticeCount(ctx, c, "2026-01-05", "tuan-1", "q1")
				if err != nil || answered != 3 || right != 2 {
					t.Errorf("count = %d answered, %d right, %v; want 3, 2", answered, right, err)
				}
			})
			t.Run("another day starts from nothing", func(t *testing.T) {
				answered, right, err := s.PracticeCount(ctx, c, "2026-01-06", "tuan-1", "q1")
				if err != nil || answered != 0 || right != 0 {
					t.Errorf("count = %d, %d, %v; want 0, 0", answered, right, err)
				}
			})
			t.Run("a day's counts are read together, one per question, and no other day's", func(t *testing.T) {
				other := contest.PracticeFeedback{BankID: "tuan-2", ID: "q7", Right: false}
				if err := s.CountPractice(ctx, c, other.CountOf(t0)); err != nil {
					t.Fatal(err)
				}
				if err := s.CountPractice(ctx, c, other.CountOf(t0.AddDate(0, 0, 1))); err != nil {
					t.Fatal(err)
				}
				got, err := s.PracticeCounts(ctx, c, "2026-01-05")
				want := []contest.PracticeCount{{BankID: "tuan-1", QuestionID: "q1", Answered: 3, Right: 2}, {BankID: "tuan-2", QuestionID: "q7", Answered: 1}}
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("counts = %+v, %v; want %+v", got, err, want)
				}
			})
		})
	}
}

func TestStoresHandARoundsOverduePapersOverAPageAtATime(t *testing.T) {
	ctx := context.Background()
	if memstore.InProgressPage != dynamo.InProgressPage {
		t.Fatalf("pages of %d papers in memory, %d on DynamoDB; want the same", memstore.InProgressPage, dynamo.InProgressPage)
	}
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			// 5,000 abandoned papers in memory; 1,200 on the local server keep
			// the test short there (its pages are the index Query's Limit)
			n := 5000
			if name != "in memory" {
				n = 1200
			}
			var wg sync.WaitGroup
			emails := make(chan string)
			for range 16 {
				wg.Go(func() {
					for e := range emails {
						if _, _, err := s.CreatePaper(ctx, newPaper(e, "AB")); err != nil {
							t.Error(err)
						}
					}
				})
			}
			for i := range n {
				emails <- fmt.Sprintf("bo-do-%05d@x.vn", i)
			}
			close(emails)
			wg.Wait()
			cutoff := t0.Add(time.Hour)
			seen := map[string]int{}
			pages, largest, closed := 0, 0, 0
			var busy atomic.Int32
			err := s.EachInProgress(ctx, c, "tuan-1", cutoff, func(page []*contest.Paper) error {
				if busy.Add(1) != 1 {
					t.Error("two pages were handed over at once")
				}
				defer busy.Add(-1)
				pages, largest = pages+1, max(largest, len(page))
				for _, p := range page {
					seen[p.ParticipantID]++
				}
				done, err := s.ClosePapers(ctx, page)
				closed += len(done)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Run("every paper is handed over once, in pages of at most InProgressPage", func(t *testing.T) {
				if len(seen) != n || closed != n || largest > memstore.InProgressPage {
					t.Errorf("%d papers seen, %d closed, in %d pages of at most %d; want %d each, pages of at most %d", len(seen), closed, pages, largest, n, memstore.InProgressPage)
				}
				for id, k := range seen {
					if k != 1 {
						t.Errorf("paper of %s handed over %d times", id, k)
					}
				}
				if name == "in memory" && pages < n/memstore.InProgressPage {
					t.Errorf("%d pages, want at least %d", pages, n/memstore.InProgressPage)
				}
			})
			t.Run("once closed, none is left in progress", func(t *testing.T) {
				left := 0
				if err := s.EachInProgress(ctx, c, "tuan-1", cutoff, func(page []*contest.Paper) error {
					for _, p := range page {
						if p.Status == contest.PaperInProgress {
							left++
						}
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if left != 0 {
					t.Errorf("%d papers still in progress, want none", left)
				}
			})
		})
	}
}
