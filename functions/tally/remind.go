package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/mail"
)

type reminderStore interface {
	ClaimReminder(ctx context.Context, contestID, roundID, slot, email string, expires time.Time) (bool, error)
	ReleaseReminder(ctx context.Context, contestID, roundID, slot, email string) error
}

// RemindOutcome counts what one reminder run did.
type RemindOutcome struct {
	Round     string `json:"round"`
	Slot      string `json:"slot"`
	Reminded  int    `json:"reminded"`
	Summaries int    `json:"summaries"`
	Skipped   int    `json:"skipped"` // already reminded in this slot
	Failed    int    `json:"failed"`
}

// WithMail lets the handler send reminders: through sender, with links to the site.
func (h *Handler) WithMail(sender mail.Sender, siteURL string) *Handler {
	h.mail, h.siteURL = sender, siteURL
	return h
}

// remind e-mails every roster member of every unit who has not taken part
// in the open staff rounds yet (unless adminsOnly), and each unit admin a
// summary of the unit with the list of who has not taken part. A claim per
// person, round and slot makes a repeated run send nothing twice.
func (h *Handler) remind(ctx context.Context, c contest.Contest, slot string, adminsOnly bool) ([]RemindOutcome, error) {
	rs, ok := h.store.(reminderStore)
	if !ok || h.mail == nil {
		return nil, fmt.Errorf("reminders are not configured (no mail sender)")
	}
	rounds, err := h.store.ListRounds(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	units, err := h.store.ListUnits(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := h.svc.Now()
	var outcomes []RemindOutcome
	for _, r := range rounds {
		if r.Status(now) != contest.StatusOpen || r.Audience != contest.AudienceStaff {
			continue
		}
		o := RemindOutcome{Round: r.ID, Slot: slot}
		expires := r.ClosesAt.Add(30 * 24 * time.Hour)
		for _, u := range units {
			roster, err := h.store.ListRoster(ctx, c.ID, u.ID)
			if err != nil {
				return nil, err
			}
			papers, err := h.store.ListUnitPapers(ctx, c.ID, r.ID, u.ID)
			if err != nil {
				return nil, err
			}
			took := map[string]bool{}
			for _, p := range papers {
				took[p.Email] = true
			}
			var missing, admins []dynamo.RosterEntry
			for _, m := range roster {
				if slices.Contains(m.Roles, contest.RoleUnitAdmin) {
					admins = append(admins, m)
				}
				if !took[m.Email] && contest.MayCompete(m.Roles) {
					missing = append(missing, m)
				}
			}
			if !adminsOnly {
				for _, m := range missing {
					h.send(ctx, rs, c, r, slot, m.Email, expires, &o.Reminded, &o.Skipped, &o.Failed, mail.Message{
						To:      m.Email,
						Subject: "Nhắc nhở: bạn chưa tham gia " + r.Title,
						Text: fmt.Sprintf("Kính gửi %s,\n\n%s đang diễn ra và sẽ kết thúc lúc %s. Theo danh sách của %s, bạn chưa tham gia tuần thi này.\n\n"+
							"Mời bạn đăng nhập bằng email công vụ để dự thi%s.\n\nTrân trọng,\nBan Tổ chức %s",
							m.Name, r.Title, closing(r), u.Name, h.linkText(), c.Title),
					})
				}
			}
			for _, a := range admins {
				h.send(ctx, rs, c, r, slot, "admin:"+a.Email, expires, &o.Summaries, &o.Skipped, &o.Failed, mail.Message{
					To:      a.Email,
					Subject: fmt.Sprintf("%s: %s — %d/%d người đã tham gia", u.Name, r.Title, len(took), u.Headcount),
					Text:    summary(u, r, len(took), missing),
				})
			}
		}
		outcomes = append(outcomes, o)
	}
	return outcomes, nil
}

func (h *Handler) send(ctx context.Context, rs reminderStore, c contest.Contest, r contest.Round, slot, claim string, expires time.Time, sent, skipped, failed *int, m mail.Message) {
	ok, err := rs.ClaimReminder(ctx, c.ID, r.ID, slot, claim, expires)
	if err != nil {
		h.log.Error("claim reminder", "round", r.ID, "err", err)
		*failed++
		return
	}
	if !ok {
		*skipped++
		return
	}
	m.SentAt = h.svc.Now()
	if err := h.mail.Send(ctx, m); err != nil {
		h.log.Error("send reminder", "round", r.ID, "err", err)
		*failed++
		if err := rs.ReleaseReminder(ctx, c.ID, r.ID, slot, claim); err != nil {
			h.log.Error("release reminder", "err", err)
		}
		return
	}
	*sent++
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

func summary(u contest.Unit, r contest.Round, took int, missing []dynamo.RosterEntry) string {
	var b strings.Builder
	rate := 0.0
	if u.Headcount > 0 {
		rate = min(1, float64(took)/float64(u.Headcount)) * 100
	}
	fmt.Fprintf(&b, "Tình hình tham gia %s của %s (đến thời điểm gửi thư):\n\n", r.Title, u.Name)
	fmt.Fprintf(&b, "- Số CBCCVC: %d\n- Đã tham gia: %d (%.1f%%)\n- Chưa tham gia: %d\n\n", u.Headcount, took, rate, len(missing))
	if len(missing) > 0 {
		b.WriteString("Danh sách chưa tham gia:\n")
		for i, m := range missing {
			fmt.Fprintf(&b, "%d. %s <%s>\n", i+1, m.Name, m.Email)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Tuần thi kết thúc lúc %s. Đề nghị đơn vị đôn đốc để đạt 100%% CBCCVC tham gia.\n", closing(r))
	return b.String()
}
