package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestTheBannersFigureOfThisWeek(t *testing.T) {
	a := newUnitsAPI(t)
	ctx := context.Background()
	open := demo.Rounds(a.env.Now)[2]
	var unit []contest.Member
	for _, m := range demo.Roster() {
		if m.UnitID == "phuong-kim-long" {
			unit = append(unit, m)
		}
	}
	get := func(path string) testenv.Response {
		return testenv.Call(t, a.routes, http.MethodGet, path, "", nil)
	}
	path := "/units/phuong-kim-long/this-week?contest=" + demo.ContestID

	t.Run("a unit nobody of has taken this week's paper shows nought of its headcount, for anyone", func(t *testing.T) {
		r := get(path)
		if r.Status != http.StatusOK || r.JSON["participants"] != float64(0) || r.JSON["headcount"] != float64(8) || r.JSON["rate"] != float64(0) {
			t.Fatalf("this week: %d %s", r.Status, r.Body)
		}
		if rd, _ := r.JSON["round"].(map[string]any); rd["id"] != open.ID {
			t.Errorf("round %v, want this week's %s", rd, open.ID)
		}
	})
	p := a.env.StartPaper(t, open, unit[0], a.clock.Now())
	answers := testenv.AnswersFor(p, 15, 15)
	if _, _, err := a.env.Store.SubmitPaper(ctx, p, answers, contest.Grade(p, answers, 1, a.clock.Now().Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	t.Run("a paper submitted within the next five minutes shows then, not at each view", func(t *testing.T) {
		if r := get(path); r.JSON["participants"] != float64(0) {
			t.Errorf("a cached figure was computed again: %s", r.Body)
		}
		a.clock.Advance(thisWeekTTL)
		r := get(path)
		if r.JSON["participants"] != float64(1) || r.JSON["rate"] != float64(1)/8 {
			t.Errorf("after %s: %s", thisWeekTTL, r.Body)
		}
		asOf, err := time.Parse(time.RFC3339, r.JSON["asOf"].(string))
		if err != nil || !asOf.Equal(a.clock.Now()) {
			t.Errorf("asOf %v (%v), want %v", r.JSON["asOf"], err, a.clock.Now())
		}
	})
	t.Run("no name or e-mail is in the figure", func(t *testing.T) {
		r := get(path)
		if bytes.Contains(r.Body, []byte(unit[0].Email)) || bytes.Contains(r.Body, []byte(unit[0].Name)) {
			t.Errorf("the banner's figure names someone: %s", r.Body)
		}
	})
	t.Run("an unknown unit is not found", func(t *testing.T) {
		if r := get("/units/khong-co/this-week?contest=" + demo.ContestID); r.Status != http.StatusNotFound {
			t.Errorf("unknown unit: %d %s", r.Status, r.Body)
		}
	})
}
