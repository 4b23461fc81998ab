package demo_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/testenv"
)

// lastWeekPapers reads every roster member's papers in the round, by e-mail.
func lastWeekPapers(t *testing.T, st *dynamo.Store, roundID string) map[string][]*contest.Paper {
	t.Helper()
	out := map[string][]*contest.Paper{}
	for _, m := range demo.Roster() {
		ps, err := st.ListPapers(context.Background(), demo.ContestID, roundID, contest.ParticipantID(demo.ContestID, m.Email))
		if err != nil {
			t.Fatalf("ListPapers(%s): %v", m.Email, err)
		}
		if len(ps) > 0 {
			out[m.Email] = ps
		}
	}
	return out
}

func TestSeed(t *testing.T) {
	db, table := testenv.Table(t)
	obj, bucket := testenv.Bucket(t)
	st := dynamo.New(db, table, nil)
	ctx := context.Background()
	now := time.Date(2025, time.March, 5, 10, 0, 0, 0, contest.ICT) // a Wednesday
	rounds := demo.Rounds(now)
	last := rounds[0]
	roster := demo.Roster()

	firstAccounts, err := demo.Seed(ctx, st, blob.NewBankBucket(obj, bucket), now)
	if err != nil {
		t.Fatalf("first Seed: %v", err)
	}
	first := lastWeekPapers(t, st, last.ID)

	t.Run("about 80% of the roster submitted a paper last week", func(t *testing.T) {
		got := float64(len(first)) / float64(len(roster))
		if math.Abs(got-0.80) > 0.15 {
			t.Errorf("%d of %d members (%.0f%%) have a paper, want 80%% ± 15%%", len(first), len(roster), 100*got)
		}
	})
	t.Run("about 54% of last week's papers are all correct", func(t *testing.T) {
		all, right := 0, 0
		for _, ps := range first {
			for _, p := range ps {
				all++
				if p.Result != nil && p.Result.AllCorrect() {
					right++
				}
			}
		}
		if all == 0 {
			t.Fatal("no papers")
		}
		got := float64(right) / float64(all)
		if math.Abs(got-0.54) > 0.15 {
			t.Errorf("%d of %d papers (%.0f%%) are all correct, want 54%% ± 15%%", right, all, 100*got)
		}
	})
	t.Run("every seeded paper is a submitted, graded first attempt inside last week", func(t *testing.T) {
		byEmail := map[string]contest.Member{}
		for _, m := range roster {
			byEmail[m.Email] = m
		}
		for email, ps := range first {
			if len(ps) != 1 {
				t.Errorf("%s has %d papers last week, want 1", email, len(ps))
				continue
			}
			p, m := ps[0], byEmail[email]
			switch {
			case p.Status != contest.PaperSubmitted || p.Result == nil:
				t.Errorf("%s: paper status %q, result %v; want submitted with a result", email, p.Status, p.Result)
			case p.Attempt != 1 || p.BankID != last.BankID || p.UnitID != m.UnitID || p.Name != m.Name:
				t.Errorf("%s: paper attempt %d, bank %q, unit %q, name %q; want 1, %q, %q, %q",
					email, p.Attempt, p.BankID, p.UnitID, p.Name, last.BankID, m.UnitID, m.Name)
			case p.Result.Total != last.QuestionCount || len(p.Items) != last.QuestionCount:
				t.Errorf("%s: %d items, total %d; want %d", email, len(p.Items), p.Result.Total, last.QuestionCount)
			case p.StartedAt.Before(last.OpensAt) || !p.Result.SubmittedAt.Before(last.ClosesAt):
				t.Errorf("%s: started %v, submitted %v; want inside %v – %v", email, p.StartedAt, p.Result.SubmittedAt, last.OpensAt, last.ClosesAt)
			case p.Result.SubmittedAt.After(p.Deadline):
				t.Errorf("%s: submitted %v after the deadline %v", email, p.Result.SubmittedAt, p.Deadline)
			}
		}
	})

	// Seeding again, as `make dev` does on every start (same instant, then
	// a day later in the same week), must leave last week's papers as they are.
	reseeds := []struct {
		name string
		at   time.Time
	}{
		{name: "seeding again at the same instant", at: now},
		{name: "seeding again a day later in the same week", at: now.Add(24 * time.Hour)},
	}
	for _, rs := range reseeds {
		t.Run(rs.name+" succeeds and keeps last week's papers unchanged", func(t *testing.T) {
			acc, err := demo.Seed(ctx, st, blob.NewBankBucket(obj, bucket), rs.at)
			if err != nil {
				t.Fatalf("Seed: %v", err)
			}
			if !reflect.DeepEqual(acc, firstAccounts) {
				t.Errorf("Seed accounts = %+v, want the first run's %+v", acc, firstAccounts)
			}
			again := lastWeekPapers(t, st, last.ID)
			var added, removed, changed []string
			for email, ps := range again {
				prev, ok := first[email]
				switch {
				case !ok:
					added = append(added, email)
				case !reflect.DeepEqual(ps, prev):
					changed = append(changed, email)
				}
			}
			for email := range first {
				if _, ok := again[email]; !ok {
					removed = append(removed, email)
				}
			}
			slices.Sort(added)
			slices.Sort(changed)
			if len(added)+len(removed)+len(changed) > 0 {
				t.Errorf("after seeding again: %d members with papers, want %d;\n %d gained a paper %v\n %d lost theirs %v\n %d papers changed %v",
					len(again), len(first), len(added), head(added), len(removed), head(removed), len(changed), head(changed))
			}
		})
	}

	t.Run("rounds, units and members are stored once", func(t *testing.T) {
		got, err := st.ListRounds(ctx, demo.ContestID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		var want []string
		for _, r := range rounds {
			want = append(want, r.ID)
		}
		slices.Sort(ids)
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("stored rounds %v, want %v", ids, want)
		}
		units, err := st.ListUnits(ctx, demo.ContestID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(units), len(demo.Units()); got != want {
			t.Errorf("stored %d units, want %d", got, want)
		}
		for _, m := range append(demo.Roster(), demo.Staff()...) {
			got, ok, err := st.GetMember(ctx, demo.ContestID, m.Email)
			if err != nil || !ok {
				t.Errorf("member %s: found %v, err %v", m.Email, ok, err)
				continue
			}
			if got.Name != m.Name || got.UnitID != m.UnitID || !slices.Equal(got.Roles, m.Roles) {
				t.Errorf("member %s stored as %+v, want %+v", m.Email, got, m)
			}
		}
	})

	t.Run("this week's and next week's rounds have no papers", func(t *testing.T) {
		for _, r := range rounds[2:] {
			for _, m := range roster[:10] {
				ps, err := st.ListPapers(ctx, demo.ContestID, r.ID, contest.ParticipantID(demo.ContestID, m.Email))
				if err != nil {
					t.Fatal(err)
				}
				if len(ps) != 0 {
					t.Errorf("%s has %d papers in round %s, want none", m.Email, len(ps), r.ID)
				}
			}
		}
	})

	t.Run("the accounts list people of each role", func(t *testing.T) {
		checks := []struct {
			role  string
			got   []string
			check func(contest.Member) bool
		}{
			{"participant", firstAccounts.Participant, func(m contest.Member) bool { return contest.MayCompete(m.Roles) && !m.Has(contest.RoleUnitAdmin) }},
			{"unitAdmin", firstAccounts.UnitAdmin, func(m contest.Member) bool { return m.Has(contest.RoleUnitAdmin) }},
			{"organiser", firstAccounts.Organiser, func(m contest.Member) bool { return m.Has(contest.RoleOrganiser) }},
			{"jury", firstAccounts.Jury, func(m contest.Member) bool { return m.Has(contest.RoleJury) }},
			{"citizen", firstAccounts.Citizen, func(m contest.Member) bool { return m.Audience == contest.AudienceCitizen }},
		}
		for _, c := range checks {
			if len(c.got) == 0 {
				t.Errorf("no %s account", c.role)
			}
			for _, email := range c.got {
				m, ok, err := st.GetMember(ctx, demo.ContestID, email)
				if err != nil || !ok || !c.check(m) {
					t.Errorf("%s account %s: member %+v (found %v, err %v) does not fit the role", c.role, email, m, ok, err)
				}
			}
		}
		if got, want := len(firstAccounts.UnitAdmin), len(demo.Units()); got != want {
			t.Errorf("%d unit admin accounts, want %d (one per unit)", got, want)
		}
	})
}

func head(s []string) string {
	if len(s) > 5 {
		return fmt.Sprint(s[:5]) + "…"
	}
	return fmt.Sprint(s)
}
