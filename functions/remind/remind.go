package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/participation"
)

// RemindOutcome counts what one reminder run did.
type RemindOutcome struct {
	Round     string `json:"round"`
	Slot      string `json:"slot"`
	Reminded  int    `json:"reminded"`
	Summaries int    `json:"summaries"`
	Skipped   int    `json:"skipped"` // already sent in this slot
	Failed    int    `json:"failed"`  // not sent; the claim is released for the next run
	Closed    int    `json:"closed"`  // overdue papers closed before counting who took part
	Remaining int    `json:"remaining,omitempty"`
}

// Reminder pacing: e-mails go out at most MailRate a second (SES's sending
// rate is per account and auth's sign-in codes share it) from a few workers,
// and no new e-mail starts once less than reminderMargin is left before the
// invocation's deadline.
const (
	reminderWorkers = 8
	reminderMargin  = 20 * time.Second
)

// unitsAtOnce is how many units' participation a run counts at once (a
// national contest has thousands of units).
const unitsAtOnce = 8

// ErrRemindersIncomplete is returned when a run could not send every e-mail
// (out of time, or sends failed). Lambda retries a failed scheduled
// invocation; the claims make the retry send only what is left.
var ErrRemindersIncomplete = errors.New("reminders incomplete")

// reminder is one e-mail of a run: its claim (one per person, round and
// slot) and the outcome it counts towards.
type reminder struct {
	round   contest.Round
	claim   string
	summary bool
	msg     mail.Message
	out     *RemindOutcome
}

// remind e-mails every roster member of every unit who has not taken part
// in the open staff rounds yet (unless adminsOnly), and each unit admin a
// summary of the unit with the list of who has not taken part. A claim per
// person, round and slot makes a repeated run send nothing twice.
func (h *Handler) remind(ctx context.Context, c contest.Contest, slot string, adminsOnly bool) ([]RemindOutcome, error) {
	rounds, err := h.store.ListRounds(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	units, err := h.store.ListUnits(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := h.now()
	var open []contest.Round
	for _, r := range rounds {
		if r.Status(now) == contest.StatusOpen && r.Audience == contest.AudienceStaff {
			open = append(open, r)
		}
	}
	outcomes := make([]RemindOutcome, len(open))
	// the unit admins' summaries go first: fewer, and what units act on
	var summaries, reminders []reminder
	for i, r := range open {
		o := &outcomes[i]
		*o = RemindOutcome{Round: r.ID, Slot: slot}
		// Someone who started and left (a closed tab) has taken part: their
		// paper is closed on what they saved, as the final tally would.
		// Someone taking the quiz right now is not reminded.
		counts := make([]participation.Unit, len(units))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(unitsAtOnce)
		for j, u := range units {
			g.Go(func() (err error) {
				counts[j], err = participation.Of(gctx, h.store, c.ID, r, u.ID, now, h.grace)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		for j, u := range units {
			p := counts[j]
			o.Closed += p.Closed
			if !adminsOnly {
				for _, m := range p.NotTakenPart {
					reminders = append(reminders, reminder{round: r, claim: m.Email, out: o, msg: mail.Message{
						To:      m.Email,
						Subject: "Nhắc nhở: bạn chưa tham gia " + r.Title,
						Text: fmt.Sprintf("Kính gửi %s,\n\n%s đang diễn ra và sẽ kết thúc lúc %s. Theo danh sách của %s, bạn chưa tham gia tuần thi này.\n\n"+
							"Mời bạn đăng nhập bằng email công vụ để dự thi%s.\n\nTrân trọng,\nBan Tổ chức %s",
							m.Name, r.Title, closing(r), u.Name, h.linkText(), c.Title),
					}})
				}
			}
			for _, a := range p.Admins {
				summaries = append(summaries, reminder{round: r, claim: "admin:" + a.Email, summary: true, out: o, msg: mail.Message{
					To:      a.Email,
					Subject: fmt.Sprintf("%s: %s — %d/%d người đã tham gia", u.Name, r.Title, len(p.TakenPart), u.Headcount),
					Text:    summary(u, r, p, h.unitPage()),
				}})
			}
		}
	}
	h.deliver(ctx, h.store, c, slot, append(summaries, reminders...))
	return outcomes, incomplete(outcomes)
}

// incomplete is ErrRemindersIncomplete for the first round of a run with
// failed or unstarted e-mails, nil when everything went.
func incomplete(outcomes []RemindOutcome) error {
	for _, o := range outcomes {
		if o.Remaining > 0 || o.Failed > 0 {
			return fmt.Errorf("%w: round %s slot %s: %d failed, %d not started before the deadline",
				ErrRemindersIncomplete, o.Round, o.Slot, o.Failed, o.Remaining)
		}
	}
	return nil
}

// deliver sends the reminders from a few workers, e-mails paced at the mail
// rate (a retry walks past what was already sent without waiting), and stops
// starting new ones when the invocation's deadline is near; what it did not
// start is counted as Remaining.
func (h *Handler) deliver(ctx context.Context, rs reminderStore, c contest.Contest, slot string, todo []reminder) {
	tick := time.NewTicker(h.mailEvery)
	defer tick.Stop()
	next := make(chan reminder)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(reminderWorkers, max(1, len(todo))) {
		wg.Go(func() {
			for j := range next {
				got := h.send(ctx, rs, c, slot, j, tick.C)
				mu.Lock()
				switch {
				case got == skipped:
					j.out.Skipped++
				case got == failed:
					j.out.Failed++
				case got == unsent:
					j.out.Remaining++
				case j.summary:
					j.out.Summaries++
				default:
					j.out.Reminded++
				}
				mu.Unlock()
			}
		})
	}
	deadline, hasDeadline := ctx.Deadline()
	started := 0
	for _, j := range todo {
		if ctx.Err() != nil || (hasDeadline && time.Until(deadline) < reminderMargin) {
			break
		}
		next <- j
		started++
	}
	close(next)
	wg.Wait()
	for _, j := range todo[started:] {
		j.out.Remaining++
	}
	if started < len(todo) {
		h.log.Warn("reminders stopped before the deadline", "slot", slot, "started", started, "remaining", len(todo)-started)
	}
}

// What became of one reminder.
type sendOutcome int

const (
	sent    sendOutcome = iota
	skipped             // it had already gone in this slot
	failed              // the claim or the e-mail failed; the claim is released
	unsent              // the run ended before its turn; the claim is released
)

// send claims one reminder, waits for its turn (pace) and sends it.
func (h *Handler) send(ctx context.Context, rs reminderStore, c contest.Contest, slot string, j reminder, pace <-chan time.Time) sendOutcome {
	ok, err := rs.ClaimReminder(ctx, c.ID, j.round.ID, slot, j.claim, j.round.ClosesAt.Add(30*24*time.Hour))
	if err != nil {
		h.log.Error("claim reminder", "round", j.round.ID, "err", err)
		return failed
	}
	if !ok {
		return skipped
	}
	// release with a context of its own: the run's may be what ended
	release := func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := rs.ReleaseReminder(rctx, c.ID, j.round.ID, slot, j.claim); err != nil {
			h.log.Error("release reminder", "err", err)
		}
	}
	select {
	case <-pace:
	case <-ctx.Done():
		release()
		return unsent
	}
	m := j.msg
	m.SentAt = h.now()
	if err := h.mail.Send(ctx, m); err != nil {
		h.log.Error("send reminder", "round", j.round.ID, "err", err)
		release()
		return failed
	}
	return sent
}

func (h *Handler) linkText() string {
	if h.siteURL == "" {
		return ""
	}
	return " tại " + h.siteURL
}

func closing(r contest.Round) string {
	return r.ClosesAt.In(contest.ICT).Add(-time.Second).Format("15:04 ngày 02/01/2006")
}

// unitPage is the site's page where unit admins follow their unit live.
func (h *Handler) unitPage() string {
	if h.siteURL == "" {
		return ""
	}
	return strings.TrimSuffix(h.siteURL, "/") + "/#/don-vi"
}

func summary(u contest.Unit, r contest.Round, p participation.Unit, page string) string {
	var b strings.Builder
	took, missing := len(p.TakenPart), p.NotTakenPart
	fmt.Fprintf(&b, "Tình hình tham gia %s của %s (đến thời điểm gửi thư):\n\n", r.Title, u.Name)
	fmt.Fprintf(&b, "- Số CBCCVC: %d\n- Đã tham gia: %d (%.1f%%)\n", u.Headcount, took, participation.Rate(took, u.Headcount)*100)
	if len(p.InProgress) > 0 {
		fmt.Fprintf(&b, "- Đang làm bài: %d\n", len(p.InProgress))
	}
	fmt.Fprintf(&b, "- Chưa tham gia: %d\n\n", len(missing))
	if len(missing) > 0 {
		b.WriteString("Danh sách chưa tham gia:\n")
		for i, m := range missing {
			fmt.Fprintf(&b, "%d. %s <%s>\n", i+1, m.Name, m.Email)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Tuần thi kết thúc lúc %s. Đề nghị đơn vị đôn đốc để đạt 100%% CBCCVC tham gia.\n", closing(r))
	if page != "" {
		fmt.Fprintf(&b, "\nDanh sách được cập nhật liên tục tại %s (đăng nhập bằng email công vụ của quản trị đơn vị).\n", page)
	}
	return b.String()
}
