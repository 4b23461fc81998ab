package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestTheOutbox(t *testing.T) {
	db, table := testenv.Table(t)
	s := dynamo.New(db, table, nil)
	ctx := context.Background()
	now := testenv.Now()
	const to = "an.nguyen@demo.hue.gov.vn"
	request := func(at time.Time) mailq.Request {
		id, _ := mailq.NewID()
		return mailq.Request{ID: id, Contest: "demo", Kind: mailq.KindCode, To: to, Subject: "Mã: 123456", Text: "123456",
			Code: "123456", EnqueuedAt: at, ExpiresAt: at.Add(signin.CodeTTL)}
	}
	first, _ := signin.Issue(nil, "h1", now)
	r1 := request(now)
	if err := s.PutCodeAndMail(ctx, "demo", to, nil, first, now, r1); err != nil {
		t.Fatal(err)
	}
	t.Run("a code written over a state that changed writes neither the code nor its e-mail", func(t *testing.T) {
		later := now.Add(2 * time.Minute)
		next, _ := signin.Issue(&first, "h2", later)
		stale := first
		stale.LastSentAt = now.Add(-time.Hour) // not the stored state
		err := s.PutCodeAndMail(ctx, "demo", to, &stale, next, later, request(later))
		if fe, ok := fault.As(err); !ok || fe.Kind != fault.KindRateLimited {
			t.Fatalf("err = %v, want rate limited", err)
		}
		entries, _ := s.Outbox(ctx, "demo")
		st, _ := s.GetCode(ctx, "demo", to, later)
		if len(entries) != 1 || st.Hash != "h1" {
			t.Errorf("outbox %d entries, code %q; want 1 and the first code", len(entries), st.Hash)
		}
	})
	t.Run("a request is claimed once: a second claim finds it taken", func(t *testing.T) {
		for i, want := range []bool{true, false} {
			got, err := s.ClaimMail(ctx, r1, now)
			if err != nil || got != want {
				t.Fatalf("claim %d = %v, %v; want %v", i+1, got, err, want)
			}
		}
	})
	t.Run("a released request may be claimed again", func(t *testing.T) {
		if err := s.ReleaseMail(ctx, r1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ClaimMail(ctx, r1, now); err != nil || !got {
			t.Fatalf("claim after release = %v, %v", got, err)
		}
	})
	t.Run("a sent request keeps no code, text or subject, and cannot be claimed", func(t *testing.T) {
		if err := s.FinishMail(ctx, r1, mailq.StatusSent, now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		entries, _ := s.Outbox(ctx, "demo")
		e := entries[0]
		if e.Status != mailq.StatusSent || e.Code != "" || e.Text != "" || e.Subject != "" || !e.SentAt.Equal(now.Add(time.Second).Truncate(time.Millisecond)) {
			t.Errorf("entry %+v", e)
		}
		if got, _ := s.ClaimMail(ctx, r1, now); got {
			t.Error("a sent request was claimed again")
		}
	})
}
