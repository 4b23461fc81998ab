package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/mail"
)

// claims is an in-memory reminderStore.
type claims struct {
	mu      sync.Mutex
	held    map[string]bool
	failFor string // ClaimReminder fails for this claim
}

func (c *claims) ClaimReminder(_ context.Context, contestID, roundID, slot, email string, _ time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if email == c.failFor {
		return false, errors.New("throttled")
	}
	k := contestID + "/" + roundID + "/" + slot + "/" + email
	if c.held[k] {
		return false, nil
	}
	c.held[k] = true
	return true, nil
}

func (c *claims) ReleaseReminder(_ context.Context, contestID, roundID, slot, email string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.held, contestID+"/"+roundID+"/"+slot+"/"+email)
	return nil
}

// outbox records what was sent, fails for one address, and tracks how many
// sends were in flight at once.
type outbox struct {
	mu       sync.Mutex
	sent     []string
	failTo   string
	inFlight int
	maxSeen  int
}

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	o.inFlight++
	o.maxSeen = max(o.maxSeen, o.inFlight)
	o.mu.Unlock()
	time.Sleep(2 * time.Millisecond) // let sends overlap
	o.mu.Lock()
	defer o.mu.Unlock()
	o.inFlight--
	if m.To == o.failTo {
		return errors.New("SES refused")
	}
	o.sent = append(o.sent, m.To)
	return nil
}

func TestDeliverReminders(t *testing.T) {
	round := contest.Round{ID: "tuan-1", ClosesAt: time.Date(2026, 1, 12, 0, 0, 0, 0, contest.ICT)}
	c := contest.Contest{ID: "demo"}
	jobs := func(out *RemindOutcome, people, admins int) []reminder {
		var js []reminder
		for i := range people {
			to := fmt.Sprintf("nv%02d@hue.gov.vn", i)
			js = append(js, reminder{round: round, claim: to, out: out, msg: mail.Message{To: to}})
		}
		for i := range admins {
			to := fmt.Sprintf("admin%d@hue.gov.vn", i)
			js = append(js, reminder{round: round, claim: "admin:" + to, summary: true, out: out, msg: mail.Message{To: to}})
		}
		return js
	}
	tests := []struct {
		name        string
		deadline    time.Duration // 0: none
		failTo      string
		failClaim   string
		runs        int
		want        RemindOutcome // after the last run
		wantSent    int           // e-mails the outbox holds after all runs
		wantClaimed int
	}{
		{name: "every reminder and summary goes once",
			runs: 1, want: RemindOutcome{Reminded: 20, Summaries: 3}, wantSent: 23, wantClaimed: 23},
		{name: "a repeated run sends nothing more",
			runs: 2, want: RemindOutcome{Skipped: 23}, wantSent: 23, wantClaimed: 23},
		{name: "a refused e-mail is counted failed and its claim released for the next run",
			failTo: "nv07@hue.gov.vn", runs: 1, want: RemindOutcome{Reminded: 19, Summaries: 3, Failed: 1}, wantSent: 22, wantClaimed: 22},
		{name: "a claim that cannot be written sends nothing for that person",
			failClaim: "nv03@hue.gov.vn", runs: 1, want: RemindOutcome{Reminded: 19, Summaries: 3, Failed: 1}, wantSent: 22, wantClaimed: 22},
		{name: "with the deadline too near nothing starts and everything remains",
			deadline: 5 * time.Second, runs: 1, want: RemindOutcome{Remaining: 23}, wantSent: 0, wantClaimed: 0},
		{name: "with time to spare everything goes",
			deadline: 10 * time.Minute, runs: 1, want: RemindOutcome{Reminded: 20, Summaries: 3}, wantSent: 23, wantClaimed: 23},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			box := &outbox{failTo: tt.failTo}
			store := &claims{held: map[string]bool{}, failFor: tt.failClaim}
			h := NewHandler(nil, box, 1000, "", 0, nil, log)
			var out RemindOutcome
			for range tt.runs {
				ctx := context.Background()
				if tt.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.deadline)
					defer cancel()
				}
				out = RemindOutcome{}
				h.deliver(ctx, store, c, "reminder-last-day", jobs(&out, 20, 3))
			}
			if out != tt.want {
				t.Errorf("outcome %+v, want %+v", out, tt.want)
			}
			if len(box.sent) != tt.wantSent || len(store.held) != tt.wantClaimed {
				t.Errorf("%d sent and %d claimed, want %d and %d", len(box.sent), len(store.held), tt.wantSent, tt.wantClaimed)
			}
			slices.Sort(box.sent)
			if len(slices.Compact(box.sent)) != len(box.sent) {
				t.Errorf("someone got two e-mails: %v", box.sent)
			}
			if box.maxSeen > reminderWorkers {
				t.Errorf("%d sends in flight at once, want at most %d", box.maxSeen, reminderWorkers)
			}
		})
	}
}

func TestRemindReportsAnIncompleteRun(t *testing.T) {
	// GIVEN a run that could not send everything WHEN remind returns THEN the
	// error says so (Lambda retries the scheduled invocation; claims make the
	// retry send only what is left)
	out := []RemindOutcome{{Round: "tuan-1", Reminded: 3}, {Round: "tuan-2", Remaining: 2}}
	err := incomplete(out)
	if !errors.Is(err, ErrRemindersIncomplete) {
		t.Fatalf("error %v, want ErrRemindersIncomplete", err)
	}
	if err := incomplete(out[:1]); err != nil {
		t.Errorf("a complete run gave %v", err)
	}
}

func TestDeliverPacesOnlyWhatItSends(t *testing.T) {
	round := contest.Round{ID: "tuan-1", ClosesAt: time.Date(2026, 1, 12, 0, 0, 0, 0, contest.ICT)}
	c := contest.Contest{ID: "demo"}
	jobs := func(out *RemindOutcome) []reminder {
		var js []reminder
		for i := range 12 {
			to := fmt.Sprintf("nv%02d@hue.gov.vn", i)
			js = append(js, reminder{round: round, claim: to, out: out, msg: mail.Message{To: to}})
		}
		return js
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// one e-mail an hour: a reminder that waited for its turn would hang the test
	slow := func(box *outbox) *Handler {
		h := NewHandler(nil, box, 1, "", 0, nil, log)
		h.mailEvery = time.Hour
		return h
	}
	run := func(t *testing.T, h *Handler, ctx context.Context, store *claims) RemindOutcome {
		t.Helper()
		var out RemindOutcome
		done := make(chan struct{})
		go func() {
			h.deliver(ctx, store, c, "reminder-last-day", jobs(&out))
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("deliver waited for the mail pace")
		}
		return out
	}
	t.Run("a retry walks past what already went without waiting for the pace", func(t *testing.T) {
		store := &claims{held: map[string]bool{}}
		for i := range 12 {
			store.held[fmt.Sprintf("demo/tuan-1/reminder-last-day/nv%02d@hue.gov.vn", i)] = true
		}
		box := &outbox{}
		if out := run(t, slow(box), context.Background(), store); out != (RemindOutcome{Skipped: 12}) || len(box.sent) != 0 {
			t.Errorf("outcome %+v, %d sent; want 12 skipped, none sent", out, len(box.sent))
		}
	})
	t.Run("reminders still waiting for their turn when the run ends are released and remain", func(t *testing.T) {
		store := &claims{held: map[string]bool{}}
		box := &outbox{}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		out := run(t, slow(box), ctx, store)
		if out != (RemindOutcome{Remaining: 12}) || len(box.sent) != 0 || len(store.held) != 0 {
			t.Errorf("outcome %+v, %d sent, %d claims held; want 12 remaining, none sent, no claims", out, len(box.sent), len(store.held))
		}
	})
}
