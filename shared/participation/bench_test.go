package participation_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/testenv"
)

// BenchmarkOfLargeUnit counts a 2,000-person unit (a large hospital or
// department of a national contest) mid-week: 1,000 have submitted, 100 are
// taking the quiz, 900 have not started, so 1,000 papers are read by key.
// It reports the read capacity of one count (make bench-participation).
func BenchmarkOfLargeUnit(b *testing.B) {
	db, table := testenv.Table(b)
	meter := &dynamo.Meter{}
	s := dynamo.New(db, table, meter)
	ctx := context.Background()
	const c, unit, staff = "bench", "benh-vien", 2000
	now := time.Now().Truncate(time.Millisecond)
	r := contest.Round{ContestID: c, ID: "2026-w48", OpensAt: now.Add(-48 * time.Hour), ClosesAt: now.Add(48 * time.Hour), Attempts: 1, TimeLimit: 10 * time.Minute}

	var submitted []*contest.Paper
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i := range staff {
		email := fmt.Sprintf("nv%04d@benhvien.gov.vn", i)
		m := contest.Member{Email: email, Name: fmt.Sprintf("Nhân viên %04d", i), UnitID: unit, Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}
		p := &contest.Paper{ContestID: c, RoundID: r.ID, ParticipantID: contest.ParticipantID(c, email), Attempt: 1, Email: email, Name: m.Name,
			UnitID: unit, Audience: contest.AudienceStaff, BankID: "demo-staff", Key: "ABCDABCDABCDABC",
			Items:     []contest.Item{{QuestionID: "s001", Order: []uint8{0, 1, 2, 3}}},
			StartedAt: now.Add(-time.Minute), Deadline: now.Add(9 * time.Minute), Status: contest.PaperInProgress, Answers: map[string]string{}}
		switch {
		case i < 1000:
			p.Status = contest.PaperSubmitted
			p.Result = &contest.Result{Correct: i % 16, Total: 15, TimeTakenMs: 300_000, SubmittedAt: now.Add(-time.Hour)}
			submitted = append(submitted, p)
		case i < 1100:
			g.Go(func() error { _, _, err := s.CreatePaper(gctx, p); return err })
		}
		g.Go(func() error { return s.PutMember(gctx, c, m) })
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	if err := s.ImportSubmitted(ctx, submitted); err != nil {
		b.Fatal(err)
	}

	meter.Reset()
	b.ResetTimer()
	for b.Loop() {
		u, err := participation.Of(ctx, s, c, r, unit, now, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if len(u.TakenPart) != 1000 || len(u.InProgress) != 100 || len(u.NotTakenPart) != 900 {
			b.Fatalf("counted %d / %d / %d", len(u.TakenPart), len(u.InProgress), len(u.NotTakenPart))
		}
	}
	rcu, _ := meter.Totals()
	b.ReportMetric(rcu/float64(b.N), "RCU/op")
}
