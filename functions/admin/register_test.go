package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/testenv"
	"github.com/hoithi/hoithi/shared/token"
)

func TestTheSettingsRegisterAContestSavedBeforeTheRegistry(t *testing.T) {
	// GIVEN the demo contest in memory, as saved before the registry existed
	ctx := context.Background()
	now := testenv.Now()
	st := memstore.New()
	accounts, err := demo.Seed(ctx, st, memstore.NewBanks(), now)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.GetContest(ctx, demo.ContestID)
	if err != nil {
		t.Fatal(err)
	}
	st.PutContestBeforeRegistry(c)
	signer, err := token.NewSigner([]byte("test-key-0123456789abcdef0123456789abcdef"), time.Hour, testenv.Now)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := st.GetMember(ctx, demo.ContestID, accounts.Organiser[0])
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := signer.Issue(token.ClaimsFor(demo.ContestID, m))
	if err != nil {
		t.Fatal(err)
	}
	routes := NewHandler(st, nil, nil, "", signer, func() time.Time { return now }, testenv.Logger()).Routes()
	registered := func() bool {
		reg, err := st.ListRegistry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(reg) == 1 && reg[0].ID == demo.ContestID
	}
	if registered() {
		t.Fatal("the contest is in the registry already")
	}
	// WHEN an organiser opens the settings page
	testenv.Call(t, routes, http.MethodGet, "/contest", tok, nil)
	// THEN the contest is in the registry, and the ticks see it
	t.Run("the contest is in the registry from its settings", func(t *testing.T) {
		if !registered() {
			t.Error("not registered")
		}
	})
	t.Run("checking unchanged settings registers it too", func(t *testing.T) {
		st.PutContestBeforeRegistry(c)
		testenv.Call(t, routes, http.MethodPut, "/contest?dryRun=1", tok, c)
		if !registered() {
			t.Error("not registered")
		}
	})
}
