package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/testenv"
)

// The outbox end to end: POST /codes on the auth function's URL, the
// table's stream, the local event source mapping, the mailer's binary, the
// local outbox folder.

// waitFor polls cond until it holds, failing the test after mailWait (a
// failure bound, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitUntil(t, what, mailWait, cond)
}

// waitUntil is waitFor with its own bound.
func waitUntil(t *testing.T, what string, bound time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, bound)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sentTo(t *testing.T, e *e2eEnv, email string) int {
	n := 0
	for _, m := range testenv.Outbox(t, e.p.Outbox()) {
		if m.To == email {
			n++
		}
	}
	return n
}

// ownContest is a contest of one test: any official address of the demo
// domain may sign in, and its budgets allow bursts from one machine.
func ownContest(t *testing.T, e *e2eEnv, name string) contest.Contest {
	t.Helper()
	c := contest.Contest{ID: name + "-" + randomHex(3), Title: "Hội thi thử (dữ liệu minh hoạ)", AllowedDomains: []string{demo.Domain},
		AllowUnlisted: true, CodesPerSecond: 100_000, CodesPerRequesterHour: 100_000_000}
	if err := e.store.PutContest(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestASignInWhoseMailerIsDownIsSentWhenItComesBack(t *testing.T) {
	e := need(t)
	m := e.p.mappings["mailer"]
	// a contest and an address of this test's own: other tests sign people in meanwhile
	c := ownContest(t, e, "down")
	email := "cho." + c.ID + "@" + demo.Domain
	// GIVEN the mailer down (every invocation fails)
	m.SetDown(true)
	defer m.SetDown(false)
	_, failedBefore, _ := m.Stats()
	// WHEN someone asks for a code THEN the answer is 202 at once
	r := e.call(t, nil, http.MethodPost, "auth", "/codes", "", map[string]string{"contest": c.ID, "email": email})
	if r.status != http.StatusAccepted {
		t.Fatalf("POST /codes with the mailer down: %d %s, want 202", r.status, r.raw)
	}
	// AND the mapping tries and fails, again and again, and nothing is sent
	waitFor(t, "the mapping retries the failing mailer", func() bool {
		_, failed, _ := m.Stats()
		return failed >= failedBefore+3
	})
	if n := sentTo(t, e, email); n != 0 {
		t.Fatalf("%d e-mails to %s while the mailer was down", n, email)
	}
	// WHEN the mailer comes back THEN the e-mail goes out, once, and its code opens a session
	m.SetDown(false)
	code := e.readCode(t, email)
	if s := e.call(t, nil, http.MethodPost, "auth", "/sessions", "", map[string]string{"contest": c.ID, "email": email, "code": code}); s.status != http.StatusCreated {
		t.Errorf("the code sent late: %d %s, want 201", s.status, s.raw)
	}
	if n := sentTo(t, e, email); n != 1 {
		t.Errorf("%d e-mails to %s, want exactly 1", n, email)
	}
	if _, _, given := m.Stats(); given != 0 {
		t.Errorf("%d batches given up", given)
	}
}

func TestABurstOfCodesIsSentInOrderWithNoneLost(t *testing.T) {
	e := need(t)
	const n = 2000
	ctx := context.Background()
	// GIVEN a contest whose sign-in budgets allow a burst from one machine
	// (the platform's mailer runs at 1,000 e-mails a second)
	c := ownContest(t, e, "burst")
	email := func(i int) string { return fmt.Sprintf("dot.%04d.%s@%s", i, c.ID, demo.Domain) }
	// WHEN 2,000 people ask for a code, one after another
	for i := range n {
		r := e.call(t, nil, http.MethodPost, "auth", "/codes", "", map[string]string{"contest": c.ID, "email": email(i)})
		if r.status != http.StatusAccepted {
			t.Fatalf("code %d: %d %s", i, r.status, r.raw)
		}
	}
	asked := time.Now()
	// THEN every one is sent, once, in the order asked
	want := map[string]int{}
	for i := range n {
		want[email(i)] = i
	}
	var order []int
	waitFor(t, fmt.Sprintf("%d e-mails sent", n), func() bool {
		order = order[:0]
		for _, m := range testenv.Outbox(t, e.p.Outbox()) {
			if i, ok := want[m.To]; ok {
				order = append(order, i)
			}
		}
		return len(order) >= n
	})
	inv, failed, _ := e.p.mappings["mailer"].Stats()
	t.Logf("sent %d in %s after the last request; the mailer was invoked %d times (%d failed)", len(order), time.Since(asked).Round(time.Millisecond), inv, failed)
	if len(order) != n {
		t.Fatalf("%d e-mails for %d requests", len(order), n)
	}
	for k, i := range order {
		if i != k {
			t.Fatalf("e-mail %d went to request %d: not in order", k, i)
		}
	}
	entries, err := e.store.Outbox(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var slowest time.Duration
	for _, en := range entries {
		if en.Status != mailq.StatusSent || en.Text != "" || en.Code != "" {
			t.Fatalf("outbox entry %s: %s, text kept %v, code kept %v; want sent, neither kept", en.ID, en.Status, en.Text != "", en.Code != "")
		}
		slowest = max(slowest, en.SentAt.Sub(en.EnqueuedAt))
	}
	t.Logf("%d codes: the last waited %s in the queue", n, slowest.Round(time.Millisecond))
}
