package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the function's sample events (events/remind/*.json).
const eventsDir = "../../events/remind"

// testGrace is the submit grace the handler is given.
const testGrace = time.Minute

// testStore is the seeded store as the remind function and the tests see it.
type testStore interface {
	store
	Outbox(ctx context.Context, contestID string) ([]mailq.Entry, error)
	ReminderRuns(ctx context.Context, contestID, roundID, slot string) ([]reminder.Progress, error)
	SaveAnswers(ctx context.Context, p *contest.Paper, answers map[string]string, prediction *int) error
	GetPaper(ctx context.Context, contestID string, ref contest.PaperRef, consistent bool) (*contest.Paper, error)
}

// recorder keeps the jobs each run starts, which the table's stream hands
// to the function on AWS and locally (infra/localdev); here the test runs
// them.
type recorder struct {
	testStore
	mu   sync.Mutex
	jobs []reminder.Job
}

func (r *recorder) StartReminderRun(ctx context.Context, run reminder.Run, jobs []reminder.Job) error {
	r.mu.Lock()
	r.jobs = append(r.jobs, jobs...)
	r.mu.Unlock()
	return r.testStore.StartReminderRun(ctx, run, jobs)
}

// world is a seeded contest (in memory under go test, on the local servers
// under make test) and the handler on it.
type world struct {
	c   *testenv.Demo
	s   *recorder
	h   *Handler
	now func() time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	c := testenv.SeededDemoWithRoom(t, time.Hour)
	s, ok := c.Store.(testStore)
	if !ok {
		t.Fatalf("the seeded store %T cannot run reminders", c.Store)
	}
	// the clock moves with the wall clock from the seeding instant: the
	// reminders' pace is a token bucket
	start := time.Now()
	now := func() time.Time { return c.Now.Add(time.Since(start)) }
	w := &world{c: c, s: &recorder{testStore: s}, now: now}
	w.h = NewHandler(w.s, 1000, "http://127.0.0.1:8080", testGrace, now, testenv.Logger())
	return w
}

// run plays a schedule's event, then every job it started, as the stream would.
func (w *world) run(t *testing.T, raw []byte) (Result, []JobOutcome) {
	t.Helper()
	out, jobs := w.event(t, raw)
	return out.(Result), jobs
}

// event plays a scheduled event, then every job it started, as the stream
// would, and returns the event's result and the jobs' outcomes.
func (w *world) event(t *testing.T, raw []byte) (any, []JobOutcome) {
	t.Helper()
	before := len(w.s.jobs)
	out, err := w.h.HandleEvent(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []JobOutcome
	for _, j := range w.s.jobs[before:] {
		o, err := w.h.RunJob(context.Background(), j)
		if err != nil {
			t.Fatalf("job %s/%s: %v", j.Run.ID, j.Unit.ID, err)
		}
		jobs = append(jobs, o)
	}
	return out, jobs
}

// queued is the contest's outbox.
func (w *world) queued(t *testing.T) []mailq.Entry {
	t.Helper()
	entries, err := w.s.Outbox(context.Background(), demo.ContestID)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// sent lists the recipients of the queued e-mails.
func (w *world) sent(t *testing.T) []string {
	t.Helper()
	var to []string
	for _, e := range w.queued(t) {
		to = append(to, e.To)
	}
	slices.Sort(to)
	return to
}

// expected is who should hear in the open staff round: the unit admins, and
// the roster members allowed to compete who have not taken part yet.
func (w *world) expected(t *testing.T) (admins, missing []string) {
	t.Helper()
	took := map[string]bool{}
	for _, u := range demo.Units() {
		papers, err := w.c.Store.ListUnitPapers(context.Background(), demo.ContestID, w.c.OpenRound().ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range papers {
			took[p.Email] = true
		}
	}
	for _, m := range demo.Roster() {
		if m.Has(contest.RoleUnitAdmin) {
			admins = append(admins, m.Email)
		}
		if m.Audience == contest.AudienceStaff && contest.MayCompete(m.Roles) && !took[m.Email] {
			missing = append(missing, m.Email)
		}
	}
	return admins, missing
}

func sum(jobs []JobOutcome) (queued, skipped, closed int) {
	for _, j := range jobs {
		queued, skipped, closed = queued+j.Queued, skipped+j.Skipped, closed+j.Closed
	}
	return
}

// sampleWant is what running one of the remind function's sample events
// must give.
type sampleWant struct {
	audience    string
	everyoneToo bool
	job         bool
	tick        bool
}

func TestSampleEvents(t *testing.T) {
	wants := map[string]sampleWant{
		"tick.json":              {tick: true},
		"reminder-midweek.json":  {audience: platform.RemindUnitAdmins},
		"reminder-last-day.json": {audience: platform.RemindEveryone, everyoneToo: true},
		"job-insert.json":        {job: true},
	}
	files := testenv.EventFiles(t, eventsDir)
	testenv.CheckOutcomes(t, eventsDir, files, wants)
	testenv.RunEvents(t, eventsDir, wants, "HandleEvent", func(t *testing.T, f string, want sampleWant) {
		if want.job || want.tick {
			t.Skip("run by TestAJobFromTheStream and TestTickStartsEachDueReminderRunOnce")
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// GIVEN the schedule's event, as the platform's schedule makes it
		ev := testenv.CheckScheduledEventShape(t, f)
		var d Detail
		var asMap map[string]string
		if err := json.Unmarshal(ev.Detail, &d); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ev.Detail, &asMap); err != nil {
			t.Fatal(err)
		}
		fn, _ := platform.FunctionNamed("remind")
		i := slices.IndexFunc(fn.Schedules, func(s platform.Schedule) bool { return s.Name == d.Slot })
		if i < 0 || d.Audience != want.audience || !maps.Equal(fn.Schedules[i].Detail(demo.ContestID), asMap) {
			t.Fatalf("detail %+v is not the platform schedule %q's detail with audience %s", d, d.Slot, want.audience)
		}
		w := newWorld(t)
		admins, missing := w.expected(t)
		if len(missing) == 0 || len(admins) == 0 {
			t.Fatalf("the demo has %d unit admins and %d people missing: nothing to test", len(admins), len(missing))
		}
		wantQueued := len(admins)
		if want.everyoneToo {
			wantQueued += len(missing)
		}
		// WHEN it runs twice (a retry of the schedule, or a re-run)
		var runs []string
		for run := 1; run <= 2; run++ {
			res, jobs := w.run(t, raw)
			if len(res.Runs) != 1 || res.Runs[0].Round != w.c.OpenRound().ID || res.Runs[0].Units != len(demo.Units()) {
				t.Fatalf("run %d: %+v, want one run of %d units, for the open staff round", run, res.Runs, len(demo.Units()))
			}
			runs = append(runs, res.Runs[0].Run)
			queued, skipped, _ := sum(jobs)
			t.Run(fmt.Sprintf("run %d is split into one job per unit", run), func(t *testing.T) {
				if len(jobs) != len(demo.Units()) {
					t.Errorf("%d jobs, want %d", len(jobs), len(demo.Units()))
				}
			})
			t.Run(fmt.Sprintf("run %d queues each e-mail of the slot once", run), func(t *testing.T) {
				if wantQ, wantS := map[int]int{1: wantQueued, 2: 0}[run], map[int]int{1: 0, 2: wantQueued}[run]; queued != wantQ || skipped != wantS {
					t.Errorf("queued %d, skipped %d; want %d and %d", queued, skipped, wantQ, wantS)
				}
			})
		}
		// THEN each admin has one summary and, on the last day, each one
		// missing one reminder; nobody else hears
		wantTo := slices.Clone(admins)
		if want.everyoneToo {
			wantTo = append(wantTo, missing...)
		}
		slices.Sort(wantTo)
		t.Run("each person hears once in the slot; nobody else hears", func(t *testing.T) {
			if got := w.sent(t); !slices.Equal(got, wantTo) {
				t.Errorf("queued to %d addresses, want %d: %v", len(got), len(wantTo), got)
			}
		})
		t.Run("every e-mail is a reminder of the run that queued it, for the mailer", func(t *testing.T) {
			for _, e := range w.queued(t) {
				if err := e.Validate(); err != nil || e.Kind != mailq.KindReminder || e.Run.ID != runs[0] || e.Status != mailq.StatusQueued ||
					!e.ExpiresAt.Equal(w.c.OpenRound().ClosesAt) {
					t.Errorf("outbox entry %+v (%v)", e, err)
				}
			}
		})
		t.Run("each summary links to the unit's live page on the site", func(t *testing.T) {
			for _, e := range w.queued(t) {
				if strings.Contains(e.Subject, "người đã tham gia") && !strings.Contains(e.Text, "http://127.0.0.1:8080/#/don-vi") {
					t.Errorf("summary to %s has no link to the unit page:\n%s", e.To, e.Text)
				}
			}
		})
		t.Run("the organiser sees both runs' progress: every unit done, the e-mails queued by the first", func(t *testing.T) {
			got, err := w.s.ReminderRuns(context.Background(), demo.ContestID, w.c.OpenRound().ID, d.Slot)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("%d runs, want 2", len(got))
			}
			byID := map[string]reminder.Progress{got[0].ID: got[0], got[1].ID: got[1]}
			first, second := byID[runs[0]], byID[runs[1]]
			if first.UnitsDone != len(demo.Units()) || first.Queued != wantQueued || first.Skipped != 0 || first.Sent != 0 {
				t.Errorf("first run %+v", first)
			}
			if second.UnitsDone != len(demo.Units()) || second.Queued != 0 || second.Skipped != wantQueued || !second.Done() {
				t.Errorf("second run %+v", second)
			}
		})
	})
}

func TestARetriedJobQueuesNothingTwiceAndCountsOnce(t *testing.T) {
	w := newWorld(t)
	raw, err := os.ReadFile(filepath.Join(eventsDir, "reminder-last-day.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, first := w.run(t, raw)
	j := w.s.jobs[0]
	// WHEN the stream hands the first job again (a retried batch)
	again, err := w.h.RunJob(context.Background(), j)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("it queues nothing: its e-mails are skipped", func(t *testing.T) {
		if again.Queued != 0 || again.Skipped != first[0].Queued {
			t.Errorf("again %+v, first %+v", again, first[0])
		}
	})
	t.Run("the run's progress counts the unit once", func(t *testing.T) {
		runs, err := w.s.ReminderRuns(context.Background(), demo.ContestID, res.Runs[0].Round, "reminder-last-day")
		if err != nil || len(runs) != 1 {
			t.Fatalf("runs %+v, %v", runs, err)
		}
		q, _, _ := sum(first)
		if p := runs[0]; p.UnitsDone != len(demo.Units()) || p.Queued != q || p.Skipped != 0 {
			t.Errorf("progress %+v, want %d units, %d queued, 0 skipped", p, len(demo.Units()), q)
		}
	})
}

func TestAJobFromTheStream(t *testing.T) {
	w := newWorld(t)
	round := w.c.OpenRound()
	// GIVEN the run the sample job belongs to
	run := reminder.Run{Contest: demo.ContestID, Round: round.ID, Slot: "reminder-last-day", ID: "0123456789abcdef", StartedAt: w.now(), Units: 1, Headcount: 10}
	if err := w.s.testStore.StartReminderRun(context.Background(), run, nil); err != nil {
		t.Fatal(err)
	}
	raw := testenv.FillEvent(t, filepath.Join(eventsDir, "job-insert.json"), map[string]string{"roundId": round.ID})
	// WHEN the stream hands it to the function, and then something else
	// (a job of another shape, a change of a job)
	out, err := w.h.HandleEvent(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the job is handled: no record comes again", func(t *testing.T) {
		if r, ok := out.(events.DynamoDBEventResponse); !ok || len(r.BatchItemFailures) != 0 {
			t.Errorf("result %#v, want no batch item failures", out)
		}
	})
	t.Run("the unit's admin and everyone of it who has not taken part are queued once", func(t *testing.T) {
		var roster []string
		for _, m := range demo.Roster() {
			if m.UnitID == "so-tu-phap" {
				roster = append(roster, m.Email)
			}
		}
		got := w.sent(t)
		if len(got) == 0 {
			t.Fatal("nothing queued")
		}
		for _, to := range got {
			if !slices.Contains(roster, to) {
				t.Errorf("%s is not of the unit", to)
			}
		}
	})
	before := len(w.queued(t))
	modified := strings.Replace(string(raw), `"eventName": "INSERT"`, `"eventName": "MODIFY"`, 1)
	forged := strings.Replace(string(raw), `"unitId": {"S": "so-tu-phap"}`, `"unitId": {"S": "so-noi-vu"}`, 1)
	for name, ev := range map[string]string{"a change of a job is ignored": modified, "a job whose keys do not match it is ignored": forged} {
		t.Run(name, func(t *testing.T) {
			out, err := w.h.HandleEvent(context.Background(), json.RawMessage(ev))
			if r, ok := out.(events.DynamoDBEventResponse); err != nil || !ok || len(r.BatchItemFailures) != 0 {
				t.Errorf("%#v, %v", out, err)
			}
			if n := len(w.queued(t)); n != before {
				t.Errorf("%d e-mails queued, want %d", n, before)
			}
		})
	}
}

func TestSomeoneWhoStartedAndLeftHasTakenPart(t *testing.T) {
	w := newWorld(t)
	round := w.c.OpenRound()
	_, missing := w.expected(t)
	member := func(email string) contest.Member {
		i := slices.IndexFunc(demo.Roster(), func(m contest.Member) bool { return m.Email == email })
		return demo.Roster()[i]
	}
	var people []contest.Member // missing, and not unit admins (who get a summary anyway)
	for _, e := range missing {
		if m := member(e); !m.Has(contest.RoleUnitAdmin) {
			people = append(people, m)
		}
	}
	if len(people) < 2 {
		t.Fatalf("%d people missing in the demo: nothing to test", len(people))
	}
	// GIVEN one person left a paper whose time ran out two minutes before
	// the grace, and another is taking the quiz right now
	left, taking := people[0], people[1]
	if left.UnitID != taking.UnitID {
		t.Fatalf("%s and %s are in different units: the summary check needs one", left.Email, taking.Email)
	}
	abandoned := w.c.StartPaper(t, round, left, w.c.Now.Add(-round.TimeLimit-testGrace-2*time.Minute))
	if err := w.c.Store.SaveAnswers(context.Background(), abandoned, testenv.AnswersFor(abandoned, 1, 1), nil); err != nil {
		t.Fatal(err)
	}
	w.c.StartPaper(t, round, taking, w.c.Now.Add(-time.Minute))
	unit := slices.IndexFunc(demo.Units(), func(u contest.Unit) bool { return u.ID == left.UnitID })

	// WHEN the last day's reminders run
	raw, err := os.ReadFile(filepath.Join(eventsDir, "reminder-last-day.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, jobs := w.run(t, raw)

	t.Run("the paper left past its time is closed on its saved answers", func(t *testing.T) {
		p, err := w.c.Store.GetPaper(context.Background(), demo.ContestID, abandoned.Ref(), true)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != contest.PaperSubmitted || p.Result == nil || !p.Result.Automatic || p.Result.Correct != 1 {
			t.Errorf("paper status %s result %+v; want closed automatically with 1 correct", p.Status, p.Result)
		}
		if _, _, closed := sum(jobs); closed != 1 {
			t.Errorf("%d papers closed; want one", closed)
		}
	})
	t.Run("neither who left nor who is taking the quiz is reminded; the others are", func(t *testing.T) {
		sent := w.sent(t)
		if slices.Contains(sent, left.Email) {
			t.Errorf("%s, whose paper was closed, was reminded", left.Email)
		}
		if slices.Contains(sent, taking.Email) {
			t.Errorf("%s, who is taking the quiz, was reminded", taking.Email)
		}
		for _, m := range people[2:] {
			if !slices.Contains(sent, m.Email) {
				t.Errorf("%s, who has not started, was not reminded", m.Email)
			}
		}
	})
	t.Run("the unit admin's summary counts who left as taken part and who is taking it as in progress", func(t *testing.T) {
		u := demo.Units()[unit]
		for _, m := range w.queued(t) {
			if !strings.HasPrefix(m.Subject, u.Name+":") {
				continue
			}
			for _, p := range []contest.Member{left, taking} {
				if strings.Contains(m.Text, p.Email) || strings.Contains(m.Text, p.Name) {
					t.Errorf("summary for %s lists %s as not taken part:\n%s", u.Name, p.Email, m.Text)
				}
			}
			if !strings.Contains(m.Text, "- Đang làm bài: 1\n") {
				t.Errorf("summary for %s does not count %s as taking the quiz:\n%s", u.Name, taking.Email, m.Text)
			}
			return
		}
		t.Errorf("no summary for %s", u.Name)
	})
}

func TestMalformedEventsAreRejected(t *testing.T) {
	event := func(source, detailType, detail string) string {
		return `{"version":"0","id":"e1","detail-type":"` + detailType + `","source":"` + source +
			`","account":"123456789012","time":"2026-01-11T17:30:00Z","region":"ap-southeast-1","resources":[],"detail":` + detail + `}`
	}
	const good = `{"contest":"demo","action":"remind","slot":"reminder-last-day","audience":"everyone"}`
	tests := []struct {
		name    string
		raw     string
		errText string
	}{
		{name: "text that is not JSON is rejected", raw: `remind everyone`, errText: "not an EventBridge event"},
		{name: "an S3 notification is rejected", raw: event("aws.s3", "Object Created", good), errText: "not a scheduled event"},
		{name: "a custom source is rejected", raw: event("hoithi.admin", "Scheduled Event", good), errText: "not a scheduled event"},
		{name: "the tally's detail is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"demo","action":"tally"}`), errText: "must name"},
		{name: "a reminder without a slot is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"demo","action":"remind","audience":"everyone"}`), errText: "must name"},
		{name: "a slot with forbidden characters is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"demo","action":"remind","slot":"../x"}`), errText: "must name"},
		{name: "an unknown audience is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"demo","action":"remind","slot":"x","audience":"citizens"}`), errText: "must name"},
		{name: "an unknown contest is rejected", raw: event("aws.scheduler", "Scheduled Event", `{"contest":"khong-ton-tai","action":"remind","slot":"x"}`), errText: "reject event"},
	}
	w := newWorld(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := w.h.HandleEvent(context.Background(), json.RawMessage(tt.raw))
			if err == nil || !strings.Contains(err.Error(), tt.errText) || out != nil {
				t.Fatalf("HandleEvent = %v, %v; want nil and an error containing %q", out, err, tt.errText)
			}
		})
	}
	if got := w.sent(t); len(got) != 0 {
		t.Errorf("rejected events queued %d e-mails", len(got))
	}
}

func TestALargeUnitIsRemindedInChunksEachPersonOnce(t *testing.T) {
	w := newWorld(t)
	// GIVEN jobs of at most 2 people (a unit of the demo has more)
	w.h.chunkSize = 2
	raw, err := os.ReadFile(filepath.Join(eventsDir, "reminder-last-day.json"))
	if err != nil {
		t.Fatal(err)
	}
	// WHEN the last day's run starts and its jobs run
	before := len(w.s.jobs)
	res, jobs := w.run(t, raw)
	mine := w.s.jobs[before:]
	admins, missing := w.expected(t)
	t.Run("a unit larger than a chunk is split into jobs of its own", func(t *testing.T) {
		if len(mine) <= len(demo.Units()) || res.Runs[0].Units != len(mine) {
			t.Errorf("%d jobs (the run says %d) for %d units, want more jobs than units", len(mine), res.Runs[0].Units, len(demo.Units()))
		}
	})
	t.Run("everyone is reminded once and each unit admin summarised once, across the chunks", func(t *testing.T) {
		want := append(slices.Clone(admins), missing...)
		slices.Sort(want)
		if got := w.sent(t); !slices.Equal(got, want) {
			t.Errorf("sent %d e-mails, want %d: %v", len(got), len(want), got)
		}
	})
	// AND every chunk runs again (a retried batch), then the slot again (a re-run)
	for _, j := range mine {
		if _, err := w.h.RunJob(context.Background(), j); err != nil {
			t.Fatal(err)
		}
	}
	_, again := w.run(t, raw)
	t.Run("retries and a re-run queue nothing more", func(t *testing.T) {
		q, _, _ := sum(again)
		first, _, _ := sum(jobs)
		if q != 0 || len(w.queued(t)) != first {
			t.Errorf("the re-run queued %d; outbox %d, want %d", q, len(w.queued(t)), first)
		}
	})
	t.Run("the run's progress counts each job once", func(t *testing.T) {
		runs, err := w.s.ReminderRuns(context.Background(), demo.ContestID, res.Runs[0].Round, "reminder-last-day")
		if err != nil || len(runs) == 0 {
			t.Fatalf("runs %+v, %v", runs, err)
		}
		if p := runs[0]; p.UnitsDone != len(mine) || !p.Done() && p.Queued != len(admins)+len(missing) {
			t.Errorf("progress %+v, want %d jobs done, %d queued", p, len(mine), len(admins)+len(missing))
		}
	})
}
