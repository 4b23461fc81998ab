package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/platform"
)

type store interface {
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	participation.Store
	reminderStore
}

type reminderStore interface {
	ClaimReminder(ctx context.Context, contestID, roundID, slot, email string, expires time.Time) (bool, error)
	ReleaseReminder(ctx context.Context, contestID, roundID, slot, email string) error
}

// Handler takes the reminder schedules' events.
type Handler struct {
	store     store
	mail      mail.Sender
	mailEvery time.Duration // the pace of e-mails
	siteURL   string
	grace     time.Duration // the submit grace: papers past deadline plus grace are closed first
	now       func() time.Time
	log       *slog.Logger
}

// NewHandler builds the handler: e-mails go through sender at most rate a
// second (config.DefaultMailRate when 0), with links to siteURL; grace is the
// submit grace; now is the clock (time.Now when nil).
func NewHandler(s store, sender mail.Sender, rate int, siteURL string, grace time.Duration, now func() time.Time, log *slog.Logger) *Handler {
	if rate <= 0 {
		rate = config.DefaultMailRate
	}
	if now == nil {
		now = time.Now
	}
	return &Handler{store: s, mail: sender, mailEvery: time.Second / time.Duration(rate), siteURL: siteURL, grace: grace, now: now, log: log}
}

// Detail is what a reminder schedule sends (platform.Schedule.Detail).
type Detail struct {
	Contest  string `json:"contest"`
	Action   string `json:"action"` // "remind"
	Slot     string `json:"slot"`   // the schedule's name: one e-mail per person per slot
	Audience string `json:"audience,omitempty"`
}

// Result is the invocation's result: what each open staff round's run did.
type Result struct {
	Contest   string          `json:"contest"`
	Reminders []RemindOutcome `json:"reminders"`
}

// HandleEvent takes a reminder schedule's event. Anything else is rejected
// with the reason logged. A run that could not send everything fails, so
// that Lambda retries it; the claims keep the retry to what is left.
func (h *Handler) HandleEvent(ctx context.Context, raw json.RawMessage) (any, error) {
	detail, err := funcurl.ScheduledDetail(raw)
	if err != nil {
		h.log.Warn("event rejected", "reason", funcurl.Reason(err), "err", err)
		return nil, fmt.Errorf("reject event: %w", err)
	}
	var d Detail
	if err := json.Unmarshal(detail, &d); err != nil || !contest.ValidID(d.Contest) || d.Action != "remind" || !contest.ValidID(d.Slot) ||
		(d.Audience != "" && d.Audience != platform.RemindEveryone && d.Audience != platform.RemindUnitAdmins) {
		h.log.Warn("event rejected", "reason", "bad detail", "detail", string(detail))
		return nil, fmt.Errorf("reject event: detail %s must name a contest, action \"remind\", a slot and an audience %q or %q",
			detail, platform.RemindEveryone, platform.RemindUnitAdmins)
	}
	c, err := h.store.GetContest(ctx, d.Contest)
	if err != nil {
		h.log.Warn("event rejected", "reason", "unknown contest", "contest", d.Contest)
		return nil, fmt.Errorf("reject event: %w", err)
	}
	outcomes, err := h.remind(ctx, c, d.Slot, d.Audience == platform.RemindUnitAdmins)
	if err != nil {
		h.log.Error("reminder run incomplete", "contest", c.ID, "slot", d.Slot, "outcomes", outcomes, "err", err)
		return nil, err
	}
	h.log.Info("reminders sent", "contest", c.ID, "slot", d.Slot, "outcomes", outcomes)
	return Result{Contest: c.ID, Reminders: outcomes}, nil
}
