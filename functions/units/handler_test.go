package main

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/tally"
	"github.com/hoithi/hoithi/shared/testenv"
)

// testGrace is the submit grace the tests' handler is given.
const testGrace = time.Minute

// unitsAPI is the units function on a freshly seeded demo contest (in memory
// under plain go test, on the local servers under make test).
type unitsAPI struct {
	env    *testenv.Demo
	clock  *testenv.Clock
	h      *Handler
	routes http.Handler
}

func newUnitsAPI(t *testing.T) *unitsAPI {
	t.Helper()
	env := testenv.SeededDemoWithRoom(t, 3*time.Hour) // the tests move the clock on by up to a paper's time
	a := &unitsAPI{env: env, clock: testenv.NewClock(env.Now)}
	a.h = NewHandler(env.Store, env.Signer, testGrace, a.clock.Now, testenv.Logger())
	a.routes = a.h.Routes()
	return a
}

// The demo's rounds: last week's are closed (the staff one has papers), this
// week's are open.
func (a *unitsAPI) closedRound() contest.Round { return demo.Rounds(a.env.Now)[0] }
func (a *unitsAPI) openRound() contest.Round   { return demo.Rounds(a.env.Now)[2] }

// organiser is the board's account (organiser role only).
func (a *unitsAPI) organiser(t *testing.T) string { return a.env.TokenFor(t, "btc@"+demo.Domain) }

// call serves one request through the routes.
func (a *unitsAPI) call(t *testing.T, method, path, tok string) testenv.Response {
	t.Helper()
	return testenv.Call(t, a.routes, method, path, tok, nil)
}

// rosterOf is a unit's roster in the demo.
func rosterOf(unitID string) []contest.Member {
	var out []contest.Member
	for _, m := range demo.Roster() {
		if m.UnitID == unitID {
			out = append(out, m)
		}
	}
	return out
}

// unitAdmin is the admin (first roster member) of a unit.
func unitAdmin(unitID string) contest.Member { return rosterOf(unitID)[0] }

// submitPaper stores a paper of m in round r, submitted with `correct` right
// answers after `took`.
func submitPaper(t *testing.T, a *unitsAPI, r contest.Round, m contest.Member, correct, prediction int, took time.Duration) {
	t.Helper()
	p := a.env.StartPaper(t, r, m, r.OpensAt.Add(2*time.Hour))
	answers := testenv.AnswersFor(p, len(p.Items), correct)
	res := contest.Grade(p, answers, prediction, p.StartedAt.Add(took))
	if _, ok, err := a.env.Store.SubmitPaper(context.Background(), p, answers, res); err != nil || !ok {
		t.Fatalf("SubmitPaper: ok %v, err %v", ok, err)
	}
}

// abandonPaper stores a paper m started in round r at start and left in
// progress, with the first `right` of `answered` answers right.
func abandonPaper(t *testing.T, a *unitsAPI, r contest.Round, m contest.Member, start time.Time, answered, right int) *contest.Paper {
	t.Helper()
	p := a.env.StartPaper(t, r, m, start)
	answers := testenv.AnswersFor(p, answered, right)
	if err := a.env.Store.SaveAnswers(context.Background(), p, answers, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// person is someone on a participation list.
type person struct {
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Deadline time.Time `json:"deadline"`
}

// participationAnswer is the participation endpoint's answer.
type participationAnswer struct {
	Round        string         `json:"round"`
	Unit         contest.Unit   `json:"unit"`
	Participants int            `json:"participants"`
	Rate         float64        `json:"rate"`
	TakenPart    []person       `json:"takenPart"`
	InProgress   []person       `json:"inProgress"`
	NotTakenPart []person       `json:"notTakenPart"`
	Status       contest.Status `json:"status"`
}

func emailsOf(ps []person) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Email)
	}
	slices.Sort(out)
	return out
}

func TestParticipation(t *testing.T) {
	a := newUnitsAPI(t)
	ctx := context.Background()
	closed, open := a.closedRound(), a.openRound()
	admin := unitAdmin("so-noi-vu")
	path := func(round, unit string) string { return "/rounds/" + round + "/units/" + unit + "/participation" }

	denied := []struct {
		name   string
		email  string
		unit   string
		round  string
		status int
		code   string
	}{
		{name: "a unit admin cannot read another unit's list", email: admin.Email, unit: "so-tu-phap", round: closed.ID,
			status: http.StatusForbidden, code: "not_your_unit"},
		{name: "a unit admin cannot read another block's unit either", email: admin.Email, unit: "phuong-phu-hoi", round: closed.ID,
			status: http.StatusForbidden, code: "not_your_unit"},
		{name: "a participant who is not the admin cannot read their own unit's list", email: rosterOf("so-noi-vu")[1].Email, unit: "so-noi-vu",
			round: closed.ID, status: http.StatusForbidden, code: "not_your_unit"},
		{name: "an organiser gets 404 for an unknown unit", email: "btc@" + demo.Domain, unit: "so-khong-co", round: closed.ID,
			status: http.StatusNotFound, code: "unit_not_found"},
		{name: "a unit admin gets 404 for an unknown round", email: admin.Email, unit: "so-noi-vu", round: "2020-w01",
			status: http.StatusNotFound, code: "round_not_found"},
	}
	for _, tt := range denied {
		t.Run(tt.name, func(t *testing.T) {
			a.call(t, http.MethodGet, path(tt.round, tt.unit), a.env.TokenFor(t, tt.email)).Expect(t, tt.status, tt.code)
		})
	}
	t.Run("nobody signed in gets 401", func(t *testing.T) {
		a.call(t, http.MethodGet, path(closed.ID, "so-noi-vu"), "").Expect(t, http.StatusUnauthorized, "token_missing")
	})
	t.Run("the tally's other routes are not served here", func(t *testing.T) {
		a.call(t, http.MethodPost, "/rounds/"+closed.ID+"/tally", a.organiser(t)).Expect(t, http.StatusNotFound, "route_not_found")
	})

	// the tally's view of last week, to check the counts against
	papers, err := a.env.Store.ListSubmitted(ctx, demo.ContestID, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	res := tally.Compute(demo.ContestID, closed, demo.Units(), papers, tally.Rules{}, a.clock.Now())
	tallied := map[string]tally.UnitStats{}
	for _, u := range res.Units {
		tallied[u.UnitID] = u
	}

	readers := []struct {
		name  string
		email string
		unit  string
		round contest.Round
	}{
		{name: "a unit admin reads their own unit's list for last week", email: admin.Email, unit: "so-noi-vu", round: closed},
		{name: "a unit admin reads their own unit's list for this week", email: admin.Email, unit: "so-noi-vu", round: open},
		{name: "an organiser reads a service unit's list", email: "btc@" + demo.Domain, unit: "trung-tam-y-te", round: closed},
		{name: "an organiser reads a commune's list", email: "btc@" + demo.Domain, unit: "xa-phu-vang", round: closed},
		{name: "a commune's admin reads their own list", email: unitAdmin("phuong-kim-long").Email, unit: "phuong-kim-long", round: closed},
	}
	for _, tt := range readers {
		t.Run(tt.name, func(t *testing.T) {
			r := a.call(t, http.MethodGet, path(tt.round.ID, tt.unit), a.env.TokenFor(t, tt.email))
			r.Expect(t, http.StatusOK, "")
			var got participationAnswer
			r.Decode(t, &got)
			roster := rosterOf(tt.unit)
			var want []string
			for _, m := range roster {
				want = append(want, m.Email)
			}
			slices.Sort(want)
			all := slices.Concat(emailsOf(got.TakenPart), emailsOf(got.InProgress), emailsOf(got.NotTakenPart))
			slices.Sort(all)
			if !slices.Equal(all, want) {
				t.Errorf("taken part + in progress + not taken part = %v, want the roster %v", all, want)
			}
			if got.InProgress == nil || len(got.InProgress) != 0 {
				t.Errorf("in progress %v, want [] (nobody is taking a paper)", got.InProgress)
			}
			unitPapers, err := a.env.Store.ListUnitPapers(ctx, demo.ContestID, tt.round.ID, tt.unit)
			if err != nil {
				t.Fatal(err)
			}
			var took []string
			for _, p := range unitPapers {
				if !slices.Contains(took, p.Email) {
					took = append(took, p.Email)
				}
			}
			slices.Sort(took)
			if got := emailsOf(got.TakenPart); !slices.Equal(got, took) {
				t.Errorf("taken part %v, want the authors of the unit's papers %v", got, took)
			}
			if got.Participants != len(took) {
				t.Errorf("participants %d, want %d", got.Participants, len(took))
			}
			if want := float64(len(took)) / float64(len(roster)); got.Rate != want {
				t.Errorf("rate %v, want %d/%d = %v", got.Rate, len(took), len(roster), want)
			}
			if got.Unit.ID != tt.unit || got.Unit.Headcount != len(roster) || got.Round != tt.round.ID {
				t.Errorf("unit %+v round %s, want %s (headcount %d) %s", got.Unit, got.Round, tt.unit, len(roster), tt.round.ID)
			}
			if tt.round.ID == closed.ID {
				if got.Status != contest.StatusClosed {
					t.Errorf("status %s, want closed", got.Status)
				}
				if s := tallied[tt.unit]; s.Participants != got.Participants {
					t.Errorf("participants %d, but the tally counts %d for %s", got.Participants, s.Participants, tt.unit)
				}
				if len(took) == 0 {
					t.Errorf("the seeded unit %s has no papers last week: the check proves little", tt.unit)
				}
			} else if got.Status != contest.StatusOpen || len(got.TakenPart) != 0 {
				t.Errorf("this week: status %s, %d taken part; want open, 0", got.Status, len(got.TakenPart))
			}
		})
	}

	t.Run("a paper submitted this week moves its author to the taken-part list", func(t *testing.T) {
		member := rosterOf("so-noi-vu")[2]
		submitPaper(t, a, open, member, 10, 5, 4*time.Minute)
		r := a.call(t, http.MethodGet, path(open.ID, "so-noi-vu"), a.env.TokenFor(t, admin.Email))
		r.Expect(t, http.StatusOK, "")
		var got participationAnswer
		r.Decode(t, &got)
		if e := emailsOf(got.TakenPart); !slices.Equal(e, []string{member.Email}) {
			t.Errorf("taken part %v, want [%s]", e, member.Email)
		}
		if slices.Contains(emailsOf(got.NotTakenPart), member.Email) {
			t.Errorf("%s is still on the not-taken-part list", member.Email)
		}
		if len(got.NotTakenPart) != len(rosterOf("so-noi-vu"))-1 {
			t.Errorf("%d not taken part, want %d", len(got.NotTakenPart), len(rosterOf("so-noi-vu"))-1)
		}
	})

	// The unit index lists submitted papers only: the roster members it does
	// not list have their papers read by key.
	t.Run("someone taking a paper now is in progress, not missing; someone who left past the deadline has taken part", func(t *testing.T) {
		roster := rosterOf("so-noi-vu")
		taking, left := roster[3], roster[4]
		now := a.clock.Now()
		takingPaper := a.env.StartPaper(t, open, taking, now.Add(-time.Minute))
		leftPaper := abandonPaper(t, a, open, left, now.Add(-open.TimeLimit-testGrace-time.Second), 4, 3)

		r := a.call(t, http.MethodGet, path(open.ID, "so-noi-vu"), a.env.TokenFor(t, admin.Email))
		r.Expect(t, http.StatusOK, "")
		var got participationAnswer
		r.Decode(t, &got)
		if len(got.InProgress) != 1 || got.InProgress[0].Email != taking.Email || got.InProgress[0].Name != taking.Name ||
			!got.InProgress[0].Deadline.Equal(takingPaper.Deadline) {
			t.Errorf("in progress %+v, want %s until %v", got.InProgress, taking.Email, takingPaper.Deadline)
		}
		if e := emailsOf(got.TakenPart); !slices.Equal(e, emailsOf([]person{{Email: roster[2].Email}, {Email: left.Email}})) {
			t.Errorf("taken part %v, want %s (submitted) and %s (closed)", e, roster[2].Email, left.Email)
		}
		if n := len(roster) - 3; len(got.NotTakenPart) != n || slices.ContainsFunc(got.NotTakenPart, func(p person) bool {
			return p.Email == taking.Email || p.Email == left.Email
		}) {
			t.Errorf("not taken part %v, want the %d others", emailsOf(got.NotTakenPart), n)
		}
		if got.Participants != 2 || got.Rate != 2/float64(len(roster)) {
			t.Errorf("participants %d rate %v, want 2 and 2/%d", got.Participants, got.Rate, len(roster))
		}
		stored, err := a.env.Store.GetPaper(ctx, demo.ContestID, leftPaper.Ref(), true)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Result == nil || !stored.Result.Automatic || stored.Result.Correct != 3 {
			t.Errorf("the paper left behind is stored with %+v; want it closed automatically with 3 right", stored.Result)
		}

		// once their time is up (grace included), the one taking it is closed too
		a.clock.Set(takingPaper.Deadline.Add(testGrace + time.Second))
		defer a.clock.Set(now)
		r = a.call(t, http.MethodGet, path(open.ID, "so-noi-vu"), a.env.TokenFor(t, admin.Email))
		r.Expect(t, http.StatusOK, "")
		r.Decode(t, &got)
		if len(got.InProgress) != 0 || !slices.Contains(emailsOf(got.TakenPart), taking.Email) || got.Participants != 3 {
			t.Errorf("after the deadline: in progress %v, taken part %v; want %s to have taken part", got.InProgress, emailsOf(got.TakenPart), taking.Email)
		}
	})
}
