package main

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/testenv"
)

// eventsDir holds the function's sample events (events/remind/*.json).
const eventsDir = "../../events/remind"

// testGrace is the submit grace the handler is given.
const testGrace = time.Minute

// world is a seeded contest, the handler on it and its outbox.
type world struct {
	c      *testenv.Demo
	h      *Handler
	outbox string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	c := testenv.SeededDemo(t)
	box := t.TempDir()
	h := NewHandler(c.Store, mail.Outbox{Dir: box}, 1000, "http://127.0.0.1:8080", testGrace, func() time.Time { return c.Now }, testenv.Logger())
	return &world{c: c, h: h, outbox: box}
}

// messages reads the outbox.
func (w *world) messages(t *testing.T) []mail.Message { return testenv.Outbox(t, w.outbox) }

// sent lists the recipients of the outbox's messages.
func (w *world) sent(t *testing.T) []string {
	t.Helper()
	var to []string
	for _, m := range w.messages(t) {
		to = append(to, m.To)
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

func TestSampleEvents(t *testing.T) {
	wants := map[string]struct {
		audience    string
		everyoneToo bool
	}{
		"reminder-midweek.json":  {audience: platform.RemindUnitAdmins},
		"reminder-last-day.json": {audience: platform.RemindEveryone, everyoneToo: true},
	}
	files := testenv.EventFiles(t, eventsDir)
	testenv.CheckOutcomes(t, eventsDir, files, wants)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			want, ok := wants[name]
			if !ok {
				t.Fatalf("events/remind/%s has no expected outcome: add one", name)
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
			// WHEN it runs twice (a retry)
			for run := 1; run <= 2; run++ {
				out, err := w.h.HandleEvent(context.Background(), raw)
				if err != nil {
					t.Fatalf("run %d: %v", run, err)
				}
				res := out.(Result)
				if len(res.Reminders) != 1 || res.Reminders[0].Round != w.c.OpenRound().ID {
					t.Fatalf("run %d: %+v, want one outcome, for the open staff round", run, res.Reminders)
				}
				got := res.Reminders[0]
				wantOut := RemindOutcome{Round: got.Round, Slot: d.Slot, Summaries: len(admins)}
				if want.everyoneToo {
					wantOut.Reminded = len(missing)
				}
				if run == 2 {
					wantOut = RemindOutcome{Round: got.Round, Slot: d.Slot, Skipped: wantOut.Reminded + wantOut.Summaries}
				}
				if got != wantOut {
					t.Errorf("run %d: outcome %+v, want %+v", run, got, wantOut)
				}
			}
			// THEN each admin has one summary and, on the last day, each one
			// missing one reminder; nobody else hears
			wantTo := slices.Clone(admins)
			if want.everyoneToo {
				wantTo = append(wantTo, missing...)
			}
			slices.Sort(wantTo)
			if got := w.sent(t); !slices.Equal(got, wantTo) {
				t.Errorf("sent to %d addresses, want %d: %v", len(got), len(wantTo), got)
			}
			// and each summary links to the unit's live page on the site
			for _, m := range w.messages(t) {
				if strings.Contains(m.Subject, "người đã tham gia") && !strings.Contains(m.Text, "http://127.0.0.1:8080/#/don-vi") {
					t.Errorf("summary to %s has no link to the unit page:\n%s", m.To, m.Text)
				}
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
	out, err := w.h.HandleEvent(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	res := out.(Result)

	t.Run("the paper left past its time is closed on its saved answers", func(t *testing.T) {
		p, err := w.c.Store.GetPaper(context.Background(), demo.ContestID, abandoned.Ref(), true)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != contest.PaperSubmitted || p.Result == nil || !p.Result.Automatic || p.Result.Correct != 1 {
			t.Errorf("paper status %s result %+v; want closed automatically with 1 correct", p.Status, p.Result)
		}
		if len(res.Reminders) != 1 || res.Reminders[0].Closed != 1 {
			t.Errorf("outcome %+v; want one paper closed", res.Reminders)
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
		for _, m := range w.messages(t) {
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
		t.Errorf("rejected events sent %d e-mails", len(got))
	}
}
