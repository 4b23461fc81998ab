package mailq

import (
	"testing"
	"time"
)

// lane is one of the mailer's stream mappings as the pacing rule sees it:
// e-mails in order, each sent at its turn once the rule gives a token.
type lane struct {
	contest string
	rate    float64 // the contest's share (0: the deployment's rate)
	kind    Kind
	arrives []time.Duration // when each e-mail is queued, from the start
	next    int
	at      time.Duration // the lane's clock
	waited  []time.Duration
	sent    []time.Duration
}

// simulate runs the lanes against one Pacer until each has sent its e-mails
// or the clock reaches until, always moving the lane that is furthest behind
// (the lanes run at once; the buckets are shared).
func simulate(deploymentRate float64, until time.Duration, lanes ...*lane) {
	start := time.Date(2026, 3, 7, 8, 0, 0, 0, time.UTC)
	var p Pacer
	for {
		var l *lane
		for _, c := range lanes {
			if c.next < len(c.arrives) && (l == nil || max(c.at, c.arrives[c.next]) < max(l.at, l.arrives[l.next])) {
				l = c
			}
		}
		if l == nil || max(l.at, l.arrives[l.next]) > until {
			return
		}
		l.at = max(l.at, l.arrives[l.next])
		if wait := p.Take(l.contest, l.rate, deploymentRate, l.kind, start.Add(l.at)); wait > 0 {
			l.at += wait
			continue
		}
		l.waited = append(l.waited, l.at-l.arrives[l.next])
		l.sent = append(l.sent, l.at)
		l.at += time.Millisecond // handing it to SES
		l.next++
	}
}

// every is n e-mails queued one each interval from the start.
func every(n int, interval time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i) * interval
	}
	return out
}

func TestPacingKeepsOneContestsRemindersFromStarvingAnothersSignIns(t *testing.T) {
	const window = 60 * time.Second
	for _, c := range []struct {
		name       string
		deployment float64
		backlog    *lane // contest A: a large run's reminders, all queued at once
		codes      *lane // sign-in codes arriving while it is sent
		// codes may wait at most this long; A's reminders go at most at
		// this rate over the window
		maxCodeWait   time.Duration
		reminderShare float64
	}{
		{name: "contest A's run of 20,000 at the whole SES rate leaves contest B's sign-ins without a wait",
			deployment: 14, backlog: &lane{contest: "a", kind: KindReminder, arrives: make([]time.Duration, 20000)},
			codes:       &lane{contest: "b", kind: KindCode, arrives: every(200, 300*time.Millisecond)},
			maxCodeWait: 0, reminderShare: 14},
		{name: "with shares, A's run keeps to A's share and B's sign-ins at B's pace wait for nothing",
			deployment: 14, backlog: &lane{contest: "a", rate: 4, kind: KindReminder, arrives: make([]time.Duration, 20000)},
			codes:       &lane{contest: "b", rate: 10, kind: KindCode, arrives: every(500, 120*time.Millisecond)},
			maxCodeWait: 0, reminderShare: 4},
		{name: "a contest's own sign-ins go ahead of its own run's reminders",
			deployment: 14, backlog: &lane{contest: "a", rate: 4, kind: KindReminder, arrives: make([]time.Duration, 20000)},
			codes:       &lane{contest: "a", rate: 4, kind: KindCode, arrives: every(30, 2*time.Second)},
			maxCodeWait: 0, reminderShare: 4},
		{name: "a share above the deployment's rate is held to the deployment's",
			deployment: 8, backlog: &lane{contest: "a", rate: 1000, kind: KindReminder, arrives: make([]time.Duration, 20000)},
			codes:       &lane{contest: "b", kind: KindCode, arrives: every(100, 500*time.Millisecond)},
			maxCodeWait: 0, reminderShare: 8},
		{name: "sign-ins above their contest's share wait for its tokens, whatever the other contest's run",
			deployment: 14, backlog: &lane{contest: "a", rate: 2, kind: KindReminder, arrives: make([]time.Duration, 20000)},
			codes:       &lane{contest: "b", rate: 2, kind: KindCode, arrives: every(60, 400*time.Millisecond)},
			maxCodeWait: 30 * time.Second, reminderShare: 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			simulate(c.deployment, window, c.backlog, c.codes)
			if len(c.codes.sent) == 0 {
				t.Fatal("no code sent")
			}
			worst := time.Duration(0)
			for _, w := range c.codes.waited {
				worst = max(worst, w)
			}
			if worst > c.maxCodeWait {
				t.Errorf("a code waited %s, want at most %s", worst, c.maxCodeWait)
			}
			// the bucket's burst at once, then its rate
			limit := int(c.reminderShare*window.Seconds()) + int(c.reminderShare) + 1
			if n := len(c.backlog.sent); n > limit || n == 0 {
				t.Errorf("%d reminders sent in %s, want some and at most %d (%.0f a second)", n, window, limit, c.reminderShare)
			}
		})
	}
}
