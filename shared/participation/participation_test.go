package participation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestCount(t *testing.T) {
	const c = "hue"
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, contest.ICT)
	staff := []contest.Role{contest.RoleParticipant}
	admin := []contest.Role{contest.RoleParticipant, contest.RoleUnitAdmin}
	member := func(email string, roles []contest.Role) contest.Member {
		return contest.Member{Email: email, Name: "Tên " + email, Roles: roles}
	}
	paper := func(email string, attempt int, status contest.PaperStatus, deadline time.Duration) *contest.Paper {
		return &contest.Paper{ContestID: c, ParticipantID: contest.ParticipantID(c, email), Attempt: attempt, Email: email,
			Status: status, Deadline: now.Add(deadline)}
	}
	person := func(email string) participation.Person {
		return participation.Person{Email: email, Name: "Tên " + email}
	}
	taking := func(email string, deadline time.Duration) participation.Person {
		p := person(email)
		p.Deadline = now.Add(deadline)
		return p
	}
	listed := func(email string) contest.Submitted { return contest.Submitted{Email: email, Name: "Tên " + email} }

	tests := []struct {
		name   string
		roster []contest.Member
		listed []contest.Submitted
		papers []*contest.Paper
		want   participation.Unit
	}{
		{name: "nobody yet",
			roster: []contest.Member{member("b@x.vn", staff), member("a@x.vn", admin)},
			want: participation.Unit{NotTakenPart: []participation.Person{person("a@x.vn"), person("b@x.vn")},
				Admins: []participation.Person{person("a@x.vn")}}},
		{name: "listed by the unit index, twice for two attempts",
			roster: []contest.Member{member("a@x.vn", staff), member("b@x.vn", staff)},
			listed: []contest.Submitted{listed("a@x.vn"), listed("a@x.vn")},
			want:   participation.Unit{TakenPart: []participation.Person{person("a@x.vn")}, NotTakenPart: []participation.Person{person("b@x.vn")}}},
		{name: "submitted, not yet in the index",
			roster: []contest.Member{member("a@x.vn", staff)},
			papers: []*contest.Paper{paper("a@x.vn", 1, contest.PaperSubmitted, -time.Hour)},
			want:   participation.Unit{TakenPart: []participation.Person{person("a@x.vn")}}},
		{name: "taking a paper now",
			roster: []contest.Member{member("a@x.vn", staff)},
			papers: []*contest.Paper{paper("a@x.vn", 1, contest.PaperInProgress, 5*time.Minute)},
			want:   participation.Unit{InProgress: []participation.Person{taking("a@x.vn", 5*time.Minute)}}},
		{name: "a second attempt in progress after an unlisted submission has taken part",
			roster: []contest.Member{member("a@x.vn", staff)},
			papers: []*contest.Paper{paper("a@x.vn", 2, contest.PaperInProgress, 5*time.Minute), paper("a@x.vn", 1, contest.PaperSubmitted, -time.Hour)},
			want:   participation.Unit{TakenPart: []participation.Person{person("a@x.vn")}}},
		{name: "two attempts in progress: the later deadline",
			roster: []contest.Member{member("a@x.vn", staff)},
			papers: []*contest.Paper{paper("a@x.vn", 1, contest.PaperInProgress, 9*time.Minute), paper("a@x.vn", 2, contest.PaperInProgress, 3*time.Minute)},
			want:   participation.Unit{InProgress: []participation.Person{taking("a@x.vn", 9*time.Minute)}}},
		{name: "organisers and their support staff may not take part: never missing",
			roster: []contest.Member{member("btc@x.vn", []contest.Role{contest.RoleOrganiser}), member("tgv@x.vn", []contest.Role{contest.RoleOrganiser, contest.RoleParticipant})},
			want:   participation.Unit{}},
		{name: "someone not on the roster took part for the unit; another's paper is ignored",
			roster: []contest.Member{member("a@x.vn", staff)},
			listed: []contest.Submitted{listed("moi@x.vn")},
			papers: []*contest.Paper{paper("khac@x.vn", 1, contest.PaperSubmitted, -time.Hour)},
			want:   participation.Unit{TakenPart: []participation.Person{person("moi@x.vn")}, NotTakenPart: []participation.Person{person("a@x.vn")}}},
		{name: "a unit admin who took part is still an admin",
			roster: []contest.Member{member("a@x.vn", admin)},
			listed: []contest.Submitted{listed("a@x.vn")},
			want:   participation.Unit{TakenPart: []participation.Person{person("a@x.vn")}, Admins: []participation.Person{person("a@x.vn")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := participation.Count(c, tt.roster, tt.listed, tt.papers)
			for _, l := range []struct {
				what      string
				got, want []participation.Person
			}{
				{"taken part", got.TakenPart, tt.want.TakenPart},
				{"in progress", got.InProgress, tt.want.InProgress},
				{"not taken part", got.NotTakenPart, tt.want.NotTakenPart},
				{"admins", got.Admins, tt.want.Admins},
			} {
				if !slices.EqualFunc(l.got, l.want, func(a, b participation.Person) bool {
					return a.Email == b.Email && a.Name == b.Name && a.Deadline.Equal(b.Deadline)
				}) {
					t.Errorf("%s = %+v, want %+v", l.what, l.got, l.want)
				}
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		participants, headcount int
		want                    float64
	}{
		{0, 10, 0},
		{5, 10, 0.5},
		{10, 10, 1},
		{12, 10, 1}, // people not on the imported roster took part
		{3, 0, 1},   // roster not imported yet
		{0, 0, 0},
	}
	for _, tt := range tests {
		if got := participation.Rate(tt.participants, tt.headcount); got != tt.want {
			t.Errorf("Rate(%d, %d) = %v, want %v", tt.participants, tt.headcount, got, tt.want)
		}
	}
}

// TestOf counts a unit against the local DynamoDB-compatible server: someone
// who started and left is closed and has taken part, someone taking the quiz
// now is in progress, and a second count closes nothing more.
func TestOf(t *testing.T) {
	c := testenv.SeededDemo(t)
	ctx := context.Background()
	r := c.OpenRound()
	const unit, grace = "so-noi-vu", 2 * time.Minute
	now := c.Now

	before, err := participation.Of(ctx, c.Store, demo.ContestID, r, unit, now, grace)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.NotTakenPart) < 2 || len(before.InProgress) != 0 || before.Closed != 0 {
		t.Fatalf("the demo unit should have people who have not taken part and nobody in progress: %+v", before)
	}
	members := map[string]contest.Member{}
	for _, m := range demo.Roster() {
		members[m.Email] = m
	}
	left, taking := members[before.NotTakenPart[0].Email], members[before.NotTakenPart[1].Email]
	leftPaper := c.StartPaper(t, r, left, now.Add(-r.TimeLimit-grace-time.Minute))
	if err := c.Store.SaveAnswers(ctx, leftPaper, testenv.AnswersFor(leftPaper, 3, 2), nil); err != nil {
		t.Fatal(err)
	}
	takingPaper := c.StartPaper(t, r, taking, now.Add(-time.Minute))

	for run := range 2 {
		got, err := participation.Of(ctx, c.Store, demo.ContestID, r, unit, now, grace)
		if err != nil {
			t.Fatal(err)
		}
		if wantClosed := 1 - run; got.Closed != wantClosed {
			t.Errorf("run %d closed %d papers, want %d", run, got.Closed, wantClosed)
		}
		if !slices.ContainsFunc(got.TakenPart, func(p participation.Person) bool { return p.Email == left.Email }) ||
			len(got.TakenPart) != len(before.TakenPart)+1 {
			t.Errorf("run %d: taken part %v, want %v and %s", run, got.TakenPart, before.TakenPart, left.Email)
		}
		if len(got.InProgress) != 1 || got.InProgress[0].Email != taking.Email || !got.InProgress[0].Deadline.Equal(takingPaper.Deadline) {
			t.Errorf("run %d: in progress %+v, want %s until %v", run, got.InProgress, taking.Email, takingPaper.Deadline)
		}
		if len(got.NotTakenPart) != len(before.NotTakenPart)-2 || slices.ContainsFunc(got.NotTakenPart, func(p participation.Person) bool {
			return p.Email == left.Email || p.Email == taking.Email
		}) {
			t.Errorf("run %d: not taken part %v", run, got.NotTakenPart)
		}
	}
	stored, err := c.Store.GetPaper(ctx, demo.ContestID, leftPaper.Ref(), true)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != contest.PaperSubmitted || stored.Result == nil || !stored.Result.Automatic || stored.Result.Correct != 2 ||
		!stored.Result.SubmittedAt.Equal(leftPaper.Deadline) {
		t.Errorf("the paper left behind is stored as %+v %+v; want it closed at its deadline on its 2 right answers", stored, stored.Result)
	}
}

func TestSoFar(t *testing.T) {
	asOf := time.Date(2026, 3, 11, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name      string
		listed    []contest.Submitted
		headcount int
		want      participation.SoFar
	}{
		{name: "nobody yet is a rate of nought", headcount: 8, want: participation.SoFar{Headcount: 8}},
		{name: "a person with two attempts counts once", headcount: 4,
			listed: []contest.Submitted{{Email: "an@x.vn", Attempt: 1}, {Email: "an@x.vn", Attempt: 2}, {Email: "binh@x.vn", Attempt: 1}},
			want:   participation.SoFar{Participants: 2, Headcount: 4, Rate: 0.5}},
		{name: "more people than the headcount is a rate of one", headcount: 1,
			listed: []contest.Submitted{{Email: "an@x.vn"}, {Email: "binh@x.vn"}},
			want:   participation.SoFar{Participants: 2, Headcount: 1, Rate: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := participation.CountSoFar(tt.listed, tt.headcount, asOf)
			if got.Participants != tt.want.Participants || got.Headcount != tt.want.Headcount || got.Rate != tt.want.Rate {
				t.Errorf("CountSoFar = %+v, want %+v", got, tt.want)
			}
			if _, off := got.AsOf.Zone(); off != 7*3600 || !got.AsOf.Equal(asOf) {
				t.Errorf("asOf %v, want %v in ICT", got.AsOf, asOf)
			}
		})
	}
	t.Run("the open round of an audience is found among the others", func(t *testing.T) {
		rounds := []contest.Round{
			{ID: "w1", Audience: contest.AudienceStaff, OpensAt: asOf.Add(-10 * 24 * time.Hour), ClosesAt: asOf.Add(-3 * 24 * time.Hour)},
			{ID: "w2-nd", Audience: contest.AudienceCitizen, OpensAt: asOf.Add(-24 * time.Hour), ClosesAt: asOf.Add(24 * time.Hour)},
			{ID: "w2", Audience: contest.AudienceStaff, OpensAt: asOf.Add(-24 * time.Hour), ClosesAt: asOf.Add(24 * time.Hour)},
		}
		if r, ok := participation.OpenRound(rounds, contest.AudienceStaff, asOf); !ok || r.ID != "w2" {
			t.Errorf("open staff round = %s, %v", r.ID, ok)
		}
		if _, ok := participation.OpenRound(rounds[:1], contest.AudienceStaff, asOf); ok {
			t.Error("a closed round is open")
		}
	})
}
