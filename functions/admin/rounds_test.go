package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestSetupPagesAreOrganisersOnly(t *testing.T) {
	a := newAdminAPI(t)
	acc := a.env.Accounts
	open := demo.Rounds(a.env.Now)[2]
	for _, who := range []struct{ role, email string }{
		{"a participant", acc.Participant[0]}, {"a unit admin", acc.UnitAdmin[0]}, {"a juror", acc.Jury[0]},
	} {
		tok := a.env.TokenFor(t, who.email)
		for _, call := range []struct {
			method, path string
			body         any
		}{
			{http.MethodGet, "/contest", nil}, {http.MethodPut, "/contest?dryRun=1", map[string]any{"title": "x"}},
			{http.MethodGet, "/roles", nil}, {http.MethodPut, "/roles/" + acc.Participant[1], map[string]any{"roles": []string{"jury"}}},
			{http.MethodGet, "/rounds", nil}, {http.MethodPost, "/rounds/weekly?dryRun=1", importer.WeeklySpec{Weeks: 1}},
			{http.MethodPut, "/rounds/" + open.ID, importer.RoundEdit{Title: "x"}},
			{http.MethodPost, "/imports/roster/uploads", map[string]any{"name": "a.csv", "size": 10}},
		} {
			t.Run(who.role+" is refused "+call.method+" "+call.path, func(t *testing.T) {
				testenv.Serve(a.routes, call.method, call.path, tok, call.body).Expect(t, http.StatusForbidden, "organiser_only")
			})
		}
	}
}

// farMonday is the Monday a year after now's week (no demo round there).
func farMonday(now time.Time) time.Time {
	return demo.WeekStart(now).AddDate(0, 0, 7*52)
}

func TestWeeklyRoundsInOneStep(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	monday := farMonday(a.env.Now)
	spec := importer.WeeklySpec{Weeks: 4, FirstMonday: monday.Format("2006-01-02"), QuestionCount: 15, TimeLimitMinutes: 10, Attempts: 1, BankID: "demo-staff", Audience: "staff", IDPrefix: "xa"}

	t.Run("a dry run lists the four weeks and writes nothing", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodPost, "/rounds/weekly?dryRun=1", a.token, spec)
		var body struct {
			OK, Written bool
			Summary     struct{ Rounds []importer.RoundSummary }
		}
		r.Decode(t, &body)
		if !body.OK || body.Written || len(body.Summary.Rounds) != 4 || body.Summary.Rounds[3].ID != "xa-4" ||
			body.Summary.Rounds[0].OpensAt != monday.Format(time.RFC3339) || body.Summary.Rounds[3].ClosesAt != monday.AddDate(0, 0, 28).Format(time.RFC3339) {
			t.Fatalf("body %s", r.Body)
		}
		if _, err := a.env.Store.GetRound(ctx, demo.ContestID, "xa-1"); err == nil {
			t.Error("a dry run wrote a round")
		}
	})
	t.Run("a day that is not a Monday is answered 422 with its field", func(t *testing.T) {
		bad := spec
		bad.FirstMonday = monday.AddDate(0, 0, 2).Format("02/01/2006")
		r := testenv.Serve(a.routes, http.MethodPost, "/rounds/weekly", a.token, bad)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"column":"firstMonday"`) || !strings.Contains(string(r.Body), "không phải thứ Hai") {
			t.Errorf("status %d body %s", r.Status, r.Body)
		}
	})
	t.Run("the weeks are written together and audited", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodPost, "/rounds/weekly", a.token, spec)
		if r.JSON["written"] != true {
			t.Fatalf("body %s", r.Body)
		}
		for _, id := range []string{"xa-1", "xa-2", "xa-3", "xa-4"} {
			got, err := a.env.Store.GetRound(ctx, demo.ContestID, id)
			if err != nil || got.TimeLimit != 10*time.Minute || got.QuestionCount != 15 {
				t.Errorf("round %s: %+v, %v", id, got, err)
			}
		}
		log := testenv.Call(t, a.routes, http.MethodGet, "/audit?kind=rounds", a.token, nil)
		entries, _ := log.JSON["entries"].([]any)
		if len(entries) != 1 || !strings.Contains(entries[0].(map[string]any)["summary"].(string), "Tạo 4 tuần thi") {
			t.Errorf("entries %s", log.Body)
		}
	})
	t.Run("the same weeks again overlap nothing but themselves and change nothing", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodPost, "/rounds/weekly?dryRun=1", a.token, spec)
		var body struct{ Changes importer.Changes }
		r.Decode(t, &body)
		if body.Changes.Added != 0 || body.Changes.Updated != 0 {
			t.Errorf("body %s", r.Body)
		}
	})
	t.Run("the rounds list shows them as upcoming and editable, with the banks", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodGet, "/rounds", a.token, nil)
		var body struct {
			Rounds []console.Round
			Banks  []console.Bank
		}
		r.Decode(t, &body)
		last := body.Rounds[len(body.Rounds)-1]
		if last.ID != "xa-4" || last.Status != contest.StatusUpcoming || !last.Editable || len(body.Banks) < 2 {
			t.Errorf("body %s", r.Body)
		}
	})
}

func TestEditRoundUntilItOpens(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	rounds := demo.Rounds(a.env.Now)
	open, next := rounds[2], rounds[4]
	edit := func(r contest.Round) importer.RoundEdit {
		return importer.RoundEdit{Title: r.Title, Audience: string(r.Audience), OpensAt: r.OpensAt.Format(time.RFC3339), ClosesAt: r.ClosesAt.Format(time.RFC3339),
			QuestionCount: r.QuestionCount, TimeLimitMinutes: r.TimeLimit.Minutes(), Attempts: r.Attempts, BankID: r.BankID}
	}
	t.Run("an upcoming round takes a new time limit and attempts, audited", func(t *testing.T) {
		ed := edit(next)
		ed.TimeLimitMinutes, ed.Attempts = 7, 2
		testenv.Call(t, a.routes, http.MethodPut, "/rounds/"+next.ID, a.token, ed)
		got, _ := a.env.Store.GetRound(ctx, demo.ContestID, next.ID)
		if got.TimeLimit != 7*time.Minute || got.Attempts != 2 {
			t.Errorf("round %+v", got)
		}
		log := testenv.Call(t, a.routes, http.MethodGet, "/audit?kind=rounds", a.token, nil)
		if entries, _ := log.JSON["entries"].([]any); len(entries) != 1 {
			t.Errorf("entries %s", log.Body)
		}
	})
	t.Run("an open round may not change its time limit: 409 in Vietnamese", func(t *testing.T) {
		ed := edit(open)
		ed.TimeLimitMinutes++
		r := testenv.Serve(a.routes, http.MethodPut, "/rounds/"+open.ID, a.token, ed)
		r.Expect(t, http.StatusConflict, "round_opened")
		if !strings.Contains(string(r.Body), "không đổi được thời gian làm bài") || !strings.Contains(string(r.Body), `"column":"timeLimitMinutes"`) {
			t.Errorf("body %s", r.Body)
		}
		got, _ := a.env.Store.GetRound(ctx, demo.ContestID, open.ID)
		if got.TimeLimit != open.TimeLimit {
			t.Errorf("the time limit changed: %v", got.TimeLimit)
		}
	})
	t.Run("an open round may not change its bank either", func(t *testing.T) {
		ed := edit(open)
		ed.BankID = "demo-citizen"
		testenv.Serve(a.routes, http.MethodPut, "/rounds/"+open.ID, a.token, ed).Expect(t, http.StatusConflict, "round_opened")
	})
	t.Run("an open round may change its title", func(t *testing.T) {
		ed := edit(open)
		ed.Title = "Tuần này (đã sửa tên)"
		testenv.Call(t, a.routes, http.MethodPut, "/rounds/"+open.ID, a.token, ed)
		if got, _ := a.env.Store.GetRound(ctx, demo.ContestID, open.ID); got.Title != ed.Title {
			t.Errorf("title %q", got.Title)
		}
	})
	t.Run("an unknown round is not found", func(t *testing.T) {
		testenv.Serve(a.routes, http.MethodPut, "/rounds/khong-co", a.token, edit(open)).Expect(t, http.StatusNotFound, "round_not_found")
	})
}
