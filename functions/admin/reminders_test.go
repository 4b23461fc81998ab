package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestOrganisersFollowAReminderRun(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	round := demo.Rounds(a.env.Now)[2]
	// GIVEN a last-day run of the 12 units, 3 of them done with 7 e-mails
	// queued (2 skipped), 5 of them sent
	id, err := reminder.NewRunID()
	if err != nil {
		t.Fatal(err)
	}
	run := reminder.Run{Contest: demo.ContestID, Round: round.ID, Slot: "reminder-last-day", ID: id, StartedAt: a.env.Now, Units: len(demo.Units()), Headcount: 131}
	jobs := reminder.Jobs(run, demo.Units(), 0)
	if err := a.env.Store.StartReminderRun(ctx, run, jobs); err != nil {
		t.Fatal(err)
	}
	for i, counts := range [][2]int{{3, 0}, {4, 2}, {0, 0}} {
		if _, err := a.env.Store.FinishReminderJob(ctx, jobs[i], counts[0], counts[1]); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		if err := a.env.Store.CountReminderSent(ctx, demo.ContestID, run.Ref()); err != nil {
			t.Fatal(err)
		}
	}
	path := "/rounds/" + round.ID + "/reminders"
	t.Run("an organiser sees each slot and the run's counts", func(t *testing.T) {
		r := testenv.Call(t, a.routes, http.MethodGet, path, a.token, nil)
		r.Expect(t, http.StatusOK, "")
		var got struct {
			Round string         `json:"round"`
			Slots []console.Slot `json:"slots"`
		}
		r.Decode(t, &got)
		if want, _ := console.ReminderSlots(demo.Contest()); len(got.Slots) != len(want) {
			t.Fatalf("slots %+v, want %d", got.Slots, len(want))
		}
		for _, s := range got.Slots {
			switch s.Slot {
			case "reminder-last-day":
				want := console.Run{Run: id, UnitsTotal: len(demo.Units()), UnitsDone: 3, Queued: 7, Skipped: 2, Sent: 5}
				if len(s.Runs) != 1 {
					t.Fatalf("runs %+v, want one", s.Runs)
				}
				g := s.Runs[0]
				g.StartedAt = want.StartedAt
				if g != want {
					t.Errorf("run %+v, want %+v", g, want)
				}
			default:
				if len(s.Runs) != 0 {
					t.Errorf("slot %s has runs %+v", s.Slot, s.Runs)
				}
			}
		}
	})
	t.Run("a unit admin may not see it", func(t *testing.T) {
		testenv.Call(t, a.routes, http.MethodGet, path, a.env.TokenFor(t, a.env.Accounts.UnitAdmin[0]), nil).Expect(t, http.StatusForbidden, "organiser_only")
	})
	t.Run("an unknown round is not found", func(t *testing.T) {
		testenv.Call(t, a.routes, http.MethodGet, "/rounds/2020-w01/reminders", a.token, nil).Expect(t, http.StatusNotFound, "round_not_found")
	})
}
