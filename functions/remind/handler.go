package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/tick"
)

type store interface {
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	GetRound(ctx context.Context, contestID, roundID string) (contest.Round, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	participation.Store
	runStore
	tick.Store // the registry and the scheduled runs' claims
}

// runStore is what runs and jobs write.
type runStore interface {
	// StartReminderRun records a run's progress and inserts its jobs (each
	// insert hands a job to this function through the table's stream).
	StartReminderRun(ctx context.Context, r reminder.Run, jobs []reminder.Job) error
	// QueueReminders queues each e-mail with its claim, skipping (and
	// counting) those whose claim exists.
	QueueReminders(ctx context.Context, r contest.Round, slot string, emails []reminder.Queued) (queued, skipped int, err error)
	// FinishReminderJob counts a job in its run's progress, once.
	FinishReminderJob(ctx context.Context, j reminder.Job, queued, skipped int) (bool, error)
	// TakeReminderToken spends a token of the reminders' bucket, or returns
	// a fault.RateLimited saying how long to wait.
	TakeReminderToken(ctx context.Context, contestID string, b signin.Bucket, now time.Time) error
}

// Handler takes the reminder schedules' events (a run starts: one job per
// unit) and the table's stream of reminder jobs (each job counts its unit
// and queues its e-mails for the mailer).
type Handler struct {
	store store
	rate  float64 // e-mails a second for every mailer together (reminders get half)
	site  reminder.Site
	grace time.Duration // the submit grace: papers past deadline plus grace are closed first
	// chunkSize, if set, replaces reminder.ChunkSize (tests)
	chunkSize int
	now       func() time.Time
	log       *slog.Logger
}

// NewHandler builds the handler: e-mails are queued at the reminders' share
// of rate e-mails a second (config.DefaultMailRate when 0), with links to
// siteURL; grace is the submit grace; now is the clock (time.Now when nil).
func NewHandler(s store, rate int, siteURL string, grace time.Duration, now func() time.Time, log *slog.Logger) *Handler {
	if rate <= 0 {
		rate = config.DefaultMailRate
	}
	if now == nil {
		now = time.Now
	}
	return &Handler{store: s, rate: float64(rate), site: reminder.Site(siteURL), grace: grace, now: now, log: log}
}

// Detail is what a reminder schedule sends (platform.Schedule.Detail).
type Detail struct {
	Contest  string `json:"contest"`
	Action   string `json:"action"` // "remind"
	Slot     string `json:"slot"`   // the schedule's name: one e-mail per person per slot
	Audience string `json:"audience,omitempty"`
}

// Result is a schedule's invocation's result: the runs it started, one per
// open staff round.
type Result struct {
	Contest string       `json:"contest"`
	Runs    []RunStarted `json:"runs"`
}

// RunStarted is a run as it starts: its jobs (one per unit) and its plan.
type RunStarted struct {
	Round string `json:"round"`
	Slot  string `json:"slot"`
	Run   string `json:"run"`
	Units int    `json:"units"`
	// Headcount bounds the e-mails to people; PlannedSeconds is how long
	// that many take at the reminders' share of the SES rate.
	Headcount      int   `json:"headcount"`
	PlannedSeconds int64 `json:"plannedSeconds"`
}

// HandleEvent takes a batch of the table's stream (reminder jobs), or a
// reminder schedule's event. Anything else is rejected with the reason
// logged.
func (h *Handler) HandleEvent(ctx context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		Records json.RawMessage `json:"Records"`
	}
	if json.Unmarshal(raw, &probe) == nil && probe.Records != nil {
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			h.log.Warn("not a stream batch: ignored", "err", err)
			return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}, nil
		}
		return h.handleJobs(ctx, ev), nil
	}
	detail, err := funcurl.ScheduledDetail(raw)
	if err != nil {
		h.log.Warn("event rejected", "reason", funcurl.Reason(err), "err", err)
		return nil, fmt.Errorf("reject event: %w", err)
	}
	var d Detail
	if err := json.Unmarshal(detail, &d); err == nil && d.Action == ActionTick && d.Contest == "" {
		return h.tick(ctx)
	}
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
	runs, err := h.start(ctx, c, d.Slot, d.Audience == platform.RemindUnitAdmins)
	if err != nil {
		h.log.Error("reminder run not started", "contest", c.ID, "slot", d.Slot, "err", err)
		return nil, err
	}
	h.log.Info("reminder runs started", "contest", c.ID, "slot", d.Slot, "runs", runs)
	return Result{Contest: c.ID, Runs: runs}, nil
}

// start splits the slot's reminders of every open staff round into one job
// per unit. It waits for nothing: the jobs run from the table's stream.
func (h *Handler) start(ctx context.Context, c contest.Contest, slot string, adminsOnly bool) ([]RunStarted, error) {
	rounds, err := h.store.ListRounds(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	units, err := h.store.ListUnits(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := h.now()
	runs := []RunStarted{}
	for _, r := range rounds {
		if r.Status(now) != contest.StatusOpen || r.Audience != contest.AudienceStaff {
			continue
		}
		started, err := h.startRound(ctx, c, r, units, slot, adminsOnly, now)
		if err != nil {
			return runs, err
		}
		runs = append(runs, started)
	}
	return runs, nil
}

// startRound starts the slot's run for one round: one job per unit, or
// per chunk of a unit too large for one job at the contest's mail rate.
func (h *Handler) startRound(ctx context.Context, c contest.Contest, r contest.Round, units []contest.Unit, slot string, adminsOnly bool, now time.Time) (RunStarted, error) {
	headcount := 0
	for _, u := range units {
		headcount += u.Headcount
	}
	id, err := reminder.NewRunID()
	if err != nil {
		return RunStarted{}, err
	}
	rate := mailq.ContestRate(c.MailPerSecond, h.rate)
	chunk := h.chunkSize
	if chunk <= 0 {
		chunk = reminder.ChunkSize(rate)
	}
	run := reminder.Run{Contest: c.ID, Round: r.ID, Slot: slot, ID: id, AdminsOnly: adminsOnly, StartedAt: now, Headcount: headcount}
	jobs := reminder.Jobs(run, units, chunk)
	run.Units = len(jobs)
	for i := range jobs {
		jobs[i].Run = run
	}
	if err := h.store.StartReminderRun(ctx, run, jobs); err != nil {
		return RunStarted{}, err
	}
	return RunStarted{Round: r.ID, Slot: slot, Run: id, Units: len(jobs), Headcount: headcount,
		PlannedSeconds: int64(reminder.Plan(headcount, rate).Seconds())}, nil
}
