package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
)

// TestBrowserSite drives the static site in Debian's Chromium (playwright-core,
// web/tests/) against the functions this package's TestMain started.
func TestBrowserSite(t *testing.T) {
	e := need(t)
	required := os.Getenv("HOITHI_REQUIRE_SERVERS") == "1"
	missing := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	if _, err := os.Stat(filepath.Join(e.p.Root, "node_modules", "playwright-core", "package.json")); err != nil {
		missing("playwright-core is not installed (npm ci): %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed: %v", err)
	}
	chromium := os.Getenv("HOITHI_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("Chromium is not installed (apt-get install -y chromium): %v", err)
	}
	accounts, err := json.Marshal(e.accounts)
	if err != nil {
		t.Fatal(err)
	}

	// A participant who left this week's paper open past its time: the site
	// shows the result the server closed it with.
	left := e.accounts.Participant[7]
	const leftRight = 2
	if !e.leavePaper(t, left, 3, leftRight) {
		left = "" // the week began minutes ago: no paper can be overdue yet
	}

	// Someone with a paper in last week's round (the demo seeds 55–100% of
	// each unit), for their place in the published ranking.
	ranked := e.withPaperLastWeek(t, e.accounts.UnitAdmin[5:])

	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute) // about 5 minutes on an idle 2-core machine; a loaded one needs more
	defer cancel()
	// HOITHI_WEB_TESTS narrows the run to some files (e.g. web/tests/phone.test.mjs); default: all of web/tests/.
	files := strings.Fields(os.Getenv("HOITHI_WEB_TESTS"))
	if len(files) == 0 {
		files = []string{"web/tests/"}
	}
	cmd := exec.CommandContext(ctx, node, append([]string{"--test"}, files...)...)
	cmd.Dir = e.p.Root
	cmd.Env = append(os.Environ(),
		"HOITHI_SITE_URL="+e.p.SiteURL,
		"HOITHI_OUTBOX="+e.p.Outbox(),
		"HOITHI_ACCOUNTS="+string(accounts),
		"HOITHI_OPEN_ROUND="+e.openRound(),
		"HOITHI_CHROMIUM="+chromium,
		"HOITHI_LEFT_PAPER="+left, "HOITHI_LEFT_PAPER_CORRECT="+strconv.Itoa(leftRight),
		"HOITHI_RANKED="+ranked,
	)
	cmd.Env = append(cmd.Env, e.consoleContest(t)...) // the organiser console's own contest (web/tests/console.test.mjs)
	cmd.Env = append(cmd.Env, e.insightSeed(t)...)    // a flagged paper, accepted clips with a partial sheet (web/tests/insight.test.mjs)
	cmd.Env = append(cmd.Env, e.setupContest(t)...)   // the set-up pages' own contest (web/tests/setup.test.mjs)
	cmd.Env = append(cmd.Env, e.learnContest(t)...)   // review and practice's own contest (web/tests/learn.test.mjs)
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test web/tests/ failed after %s: %v\n%s", time.Since(start).Round(time.Millisecond), err, out)
	}
	t.Logf("node --test web/tests/ passed in %s:\n%s", time.Since(start).Round(time.Millisecond), out)
}

// leavePaper stores a paper of email in this week's open staff round that was
// started and left: its time and the grace are over, it is still in progress
// with the first `answered` answers saved, the first `right` of them right.
// It stores nothing and returns false when the round opened too recently for
// any paper to be past its time.
func (e *e2eEnv) leavePaper(t *testing.T, email string, answered, right int) bool {
	t.Helper()
	ctx := context.Background()
	r := demo.Rounds(e.now)[2]
	m, ok, err := e.store.GetMember(ctx, demo.ContestID, email)
	if err != nil || !ok {
		t.Fatalf("member %s: %v %v", email, ok, err)
	}
	_, obj := e.p.Clients()
	bank, err := blob.NewBanks(obj, e.p.Bucket).Load(ctx, demo.ContestID, r.BankID)
	if err != nil {
		t.Fatal(err)
	}
	items, key, err := contest.Draw(bank, r.QuestionCount, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	start := e.clock.Now().Add(-r.TimeLimit - e2eGraceSeconds*time.Second - 2*time.Minute).Truncate(time.Millisecond)
	if start.Before(r.OpensAt) {
		return false
	}
	p := &contest.Paper{
		ContestID: demo.ContestID, RoundID: r.ID, ParticipantID: contest.ParticipantID(demo.ContestID, email), Attempt: 1,
		Email: email, Name: m.Name, UnitID: m.UnitID, Audience: m.Audience, BankID: r.BankID,
		Items: items, Key: key, StartedAt: start, Deadline: r.Deadline(start), Answers: map[string]string{}, Status: contest.PaperInProgress,
	}
	if _, created, err := e.store.CreatePaper(ctx, p); err != nil || !created {
		t.Fatalf("CreatePaper: created %v, err %v", created, err)
	}
	answers := map[string]string{}
	for i, it := range items[:answered] {
		a := key[i]
		if i >= right {
			a = "ABCD"[(int(a-'A')+1)%4]
		}
		answers[it.QuestionID] = string(a)
	}
	if err := e.store.SaveAnswers(ctx, p, answers, nil); err != nil {
		t.Fatal(err)
	}
	return true
}

// withPaperLastWeek is the first of emails with a submitted paper in last
// week's staff round.
func (e *e2eEnv) withPaperLastWeek(t *testing.T, emails []string) string {
	t.Helper()
	r := demo.Rounds(e.now)[0]
	for _, email := range emails {
		papers, err := e.store.ListPapers(context.Background(), demo.ContestID, r.ID, contest.ParticipantID(demo.ContestID, email))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range papers {
			if p.Status == contest.PaperSubmitted {
				return email
			}
		}
	}
	t.Fatalf("none of %v has a paper in %s", emails, r.ID)
	return ""
}
