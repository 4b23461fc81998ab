package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
)

// tickEvent is the tally tick's scheduled event.
var tickEvent = json.RawMessage(`{"version":"0","id":"1","detail-type":"Scheduled Event","source":"aws.scheduler","account":"1",
	"time":"2026-01-11T17:35:00Z","region":"ap-southeast-1","resources":[],"detail":{"action":"tick"}}`)

func (a *tallyAPI) tick(t *testing.T) map[string]string {
	t.Helper()
	out, err := a.h.HandleEvent(context.Background(), tickEvent)
	if err != nil {
		t.Fatalf("tick: %v", err)
	}
	got := map[string]string{}
	for _, r := range out.(TickResult).Runs {
		got[r.Round] = r.Outcome
	}
	return got
}

func TestTickRunsEachDueTallyOnce(t *testing.T) {
	ctx := context.Background()
	a := newTallyAPI(t, nil)
	staff, citizens := a.closedRound().ID, a.closedCitizenRound().ID
	a.pastTallyDelay()
	// Another tick (a retried event, a slow one) has claimed the staff round's tally.
	run := contest.DueRun{Contest: demo.ContestID, Action: contest.ActionTally, Round: staff, Key: contest.ActionTally + "#" + staff}
	if ok, err := a.env.Store.ClaimRun(ctx, run, a.clock.Now(), tickLease); err != nil || !ok {
		t.Fatalf("claim: %v, %v", ok, err)
	}

	t.Run("a run claimed by another tick is left to it", func(t *testing.T) {
		got := a.tick(t)
		if got[staff] != "already-started" || got[citizens] != "published" {
			t.Errorf("outcomes %v", got)
		}
		if r, err := a.env.Store.GetRound(ctx, demo.ContestID, staff); err != nil || !r.PublishedAt.IsZero() {
			t.Errorf("the claimed round was published by this tick (%v)", err)
		}
	})
	t.Run("a claim whose start died is taken again once its lease runs out", func(t *testing.T) {
		a.clock.Advance(tickLease + time.Second)
		if got := a.tick(t); got[staff] != "published" || got[citizens] != "" {
			t.Errorf("outcomes %v, want the staff round published and the citizens' not run again", got)
		}
	})
	t.Run("a later tick finds nothing due and the audit log has one publication per round", func(t *testing.T) {
		if got := a.tick(t); len(got) != 0 {
			t.Errorf("outcomes %v, want none", got)
		}
		pubs, err := a.env.Store.ListAudit(ctx, demo.ContestID, audit.Query{Kind: "publication"}, 100)
		if err != nil || len(pubs) != 2 {
			t.Errorf("%d publications, want 2 (%v)", len(pubs), err)
		}
	})
}
