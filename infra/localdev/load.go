package main

// localdev load: the contest's peak (a whole week's papers arriving within
// minutes, most people signing in first) against a throwaway local platform,
// through the function URLs, and the figures it gives (make load).

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/token"
)

// loadRun is one load run's settings and what it measured.
type loadRun struct {
	auth, quiz, grade string
	contest, round    string
	saves             int
	client            *http.Client
	codes             *outboxCodes // nil: tokens are signed here, no sign-in

	mu        sync.Mutex
	latencies map[string][]time.Duration // by step: code, session, start, autosave, submit
	failures  map[string]int             // "step: status or error" → count
	retries   atomic.Int64
}

func load(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	n := fs.Int("participants", 2000, "participants, each taking one paper")
	conc := fs.Int("concurrency", 100, "participants taking their paper at the same time")
	saves := fs.Int("saves", 2, "autosaves per paper before the submission")
	signIn := fs.Bool("signin", true, "each participant first signs in: a code by e-mail (the local outbox), then a session")
	_ = fs.Parse(args)
	if *n < 1 || *conc < 1 || *saves < 0 {
		return fmt.Errorf("load: -participants and -concurrency must be positive, -saves not negative")
	}

	root, err := findRoot()
	if err != nil {
		return err
	}
	state, err := os.MkdirTemp("", "hoithi-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(state)
	suffix := randomHex(4)
	p := &Platform{Root: root, StateDir: state, Table: "hoithi-load-" + suffix, Bucket: "hoithi-load-" + suffix,
		Contest: demo.ContestID, TokenKey: randomHex(32)}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer p.Stop()

	fmt.Println("load: starting a throwaway local platform…")
	if err := p.StartServers(ctx, Ports{}); err != nil {
		return err
	}
	if err := p.CreateResources(ctx); err != nil {
		return err
	}
	db, obj := p.Clients()
	store := dynamo.New(db, p.Table, nil)
	now := time.Now()
	if _, err := demo.Seed(ctx, store, blob.NewBankBucket(obj, p.Bucket), now); err != nil {
		return p.Explain(fmt.Errorf("seed: %w", err))
	}
	// Every participant signs in from this one machine, and the outbox is a
	// folder, not SES: lift the sign-in e-mail budgets (shared/signin), as a
	// contest would raise them with its SES quota.
	c := demo.Contest()
	c.CodesPerSecond, c.CodesPerRequesterHour = 100_000, 100_000_000
	if err := store.PutContest(ctx, c); err != nil {
		return fmt.Errorf("contest limits: %w", err)
	}
	if err := p.BuildFunctions(ctx); err != nil {
		return err
	}
	if err := p.StartFunctions(ctx, Ports{}); err != nil {
		return p.Explain(err)
	}
	round := demo.Rounds(now)[2] // this week's open staff round

	fmt.Printf("load: enrolling %d participants…\n", *n)
	tokens, err := enrol(ctx, store, p.TokenKey, *n)
	if err != nil {
		return err
	}

	run := &loadRun{
		auth: p.FunctionURLs["auth"], quiz: p.FunctionURLs["quiz"], grade: p.FunctionURLs["grade"],
		contest: demo.ContestID, round: round.ID, saves: *saves,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: *conc, MaxIdleConnsPerHost: *conc, IdleConnTimeout: time.Minute,
		}},
		latencies: map[string][]time.Duration{}, failures: map[string]int{},
	}
	if *signIn {
		run.codes = &outboxCodes{dir: p.Outbox(), byEmail: map[string]string{}, seen: map[string]bool{}}
	}
	fmt.Printf("load: %d participants, %d at a time, each %sstarting a paper, autosaving %d times and submitting…\n",
		*n, *conc, map[bool]string{true: "signing in, ", false: ""}[*signIn], *saves)
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(*conc)
	for i, tok := range tokens {
		g.Go(func() error {
			if run.codes != nil {
				var ok bool
				if tok, ok = run.signIn(gctx, loadEmail(i)); !ok {
					return gctx.Err()
				}
			}
			run.takePaper(gctx, tok, rand.New(rand.NewPCG(uint64(i), 2026)))
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	elapsed := time.Since(start)

	// Nothing lost: every participant has exactly one paper in the ranking index.
	papers, err := store.ListSubmitted(ctx, demo.ContestID, round.ID)
	if err != nil {
		return err
	}
	ours := map[string]bool{} // the ranking index holds participant ids, not e-mails
	for i := range *n {
		ours[contest.ParticipantID(demo.ContestID, loadEmail(i))] = true
	}
	per := map[string]int{}
	for _, sp := range papers {
		if ours[sp.ParticipantID] {
			per[sp.ParticipantID]++
		}
	}
	twice := 0
	for _, c := range per {
		if c > 1 {
			twice++
		}
	}
	run.report(*n, *conc, elapsed, len(per), twice)
	if run.codes != nil {
		if err := reportMailQueue(ctx, store); err != nil {
			return err
		}
	}
	if err := p.Failure(); err != nil { // the figures are not the platform's
		return fmt.Errorf("load: during the run, %w", err)
	}
	if len(per) != *n || twice > 0 || len(run.failures) > 0 {
		return fmt.Errorf("load: %d of %d participants have a submitted paper, %d have more than one, %d kinds of failure",
			len(per), *n, twice, len(run.failures))
	}
	return nil
}

// loadEmail is the e-mail address of the load's participant i.
func loadEmail(i int) string { return fmt.Sprintf("tai.%05d@%s", i, demo.Domain) }

// enrol adds n staff members spread over the demo units and signs a session
// token for each, as the auth function would after a sign-in (codes are not
// part of the peak: sessions last 12 hours).
func enrol(ctx context.Context, store *dynamo.Store, key string, n int) ([]string, error) {
	signer, err := token.NewSigner([]byte(key), 2*time.Hour, nil)
	if err != nil {
		return nil, err
	}
	units := demo.Units()
	tokens := make([]string, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i := range n {
		g.Go(func() error {
			m := contest.Member{Email: loadEmail(i), Name: fmt.Sprintf("Người dự thi %05d", i),
				UnitID: units[i%len(units)].ID, Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}
			if err := store.PutMember(gctx, demo.ContestID, m); err != nil {
				return err
			}
			tok, _, err := signer.Issue(token.ClaimsFor(demo.ContestID, m))
			tokens[i] = tok
			return err
		})
	}
	return tokens, g.Wait()
}

type paperView struct {
	Paper struct {
		ID        string `json:"id"`
		Questions []struct {
			ID      string `json:"id"`
			Options []struct {
				ID string `json:"id"`
			} `json:"options"`
		} `json:"questions"`
	} `json:"paper"`
}

// signIn asks for a code, reads it from the local outbox (where the auth
// function's mail goes locally) and opens a session, as a person at the site.
func (l *loadRun) signIn(ctx context.Context, email string) (string, bool) {
	if !l.call(ctx, "code", http.MethodPost, l.auth+"/codes", "", map[string]string{"contest": l.contest, "email": email}, nil) {
		return "", false
	}
	code, err := l.codes.lookup(ctx, email)
	if err != nil {
		l.fail("code", err.Error())
		return "", false
	}
	var session struct {
		Token string `json:"token"`
	}
	if !l.call(ctx, "session", http.MethodPost, l.auth+"/sessions", "", map[string]string{"contest": l.contest, "email": email, "code": code}, &session) {
		return "", false
	}
	return session.Token, true
}

// outboxCodes finds sign-in codes in the local outbox (one JSON file per
// e-mail), reading each file once.
type outboxCodes struct {
	dir     string
	mu      sync.Mutex
	byEmail map[string]string
	seen    map[string]bool
}

func (o *outboxCodes) lookup(ctx context.Context, email string) (string, error) {
	for try := 0; ; try++ {
		o.mu.Lock()
		code, ok := o.byEmail[email]
		if !ok {
			o.scan()
			code, ok = o.byEmail[email]
		}
		o.mu.Unlock()
		if ok {
			return code, nil
		}
		if try == 3000 || ctx.Err() != nil { // a minute: the mailer sends it from the outbox
			return "", fmt.Errorf("no code for %s in %s", email, o.dir)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// scan reads the outbox files not read yet (called with mu held).
func (o *outboxCodes) scan() {
	entries, _ := os.ReadDir(o.dir)
	for _, e := range entries {
		name := e.Name()
		if o.seen[name] || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(o.dir, name))
		if err != nil {
			continue
		}
		o.seen[name] = true
		var m struct{ To, Code string }
		if json.Unmarshal(data, &m) == nil && m.Code != "" {
			o.byEmail[m.To] = m.Code
		}
	}
}

// takePaper is one participant: start, autosave, submit, as the site does
// (a failed request is retried like the site's, on network errors, 429 and 5xx).
func (l *loadRun) takePaper(ctx context.Context, tok string, rng *rand.Rand) {
	var view paperView
	if !l.call(ctx, "start", http.MethodPost, l.quiz+"/rounds/"+l.round+"/papers", tok, nil, &view) {
		return
	}
	answers := map[string]string{}
	qs := view.Paper.Questions
	for i, q := range qs {
		answers[q.ID] = q.Options[rng.IntN(len(q.Options))].ID
		// autosave after each share of the questions, as answers come in
		if l.saves > 0 && (i+1)%max(1, len(qs)/l.saves) == 0 && i+1 < len(qs) {
			body := map[string]any{"answers": map[string]string{q.ID: answers[q.ID]}}
			if !l.call(ctx, "autosave", http.MethodPut, l.grade+"/papers/"+view.Paper.ID+"/answers", tok, body, nil) {
				return
			}
		}
	}
	body := map[string]any{"answers": answers, "prediction": rng.IntN(30000)}
	l.call(ctx, "submit", http.MethodPost, l.grade+"/papers/"+view.Paper.ID+"/submission", tok, body, nil)
}

// call makes one request of a step, retrying what the site retries, and
// records its latency (the last attempt's) or its failure.
func (l *loadRun) call(ctx context.Context, step, method, url, tok string, body, out any) bool {
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(data))
		if err != nil {
			l.fail(step, err.Error())
			return false
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		began := time.Now()
		res, err := l.client.Do(req)
		var status int
		var raw []byte
		if err == nil {
			raw, err = io.ReadAll(res.Body)
			res.Body.Close()
			status = res.StatusCode
		}
		took := time.Since(began)
		retry := err != nil || status == http.StatusTooManyRequests || status >= 500
		if retry && attempt < 4 && ctx.Err() == nil {
			l.retries.Add(1)
			time.Sleep(time.Duration(200<<attempt) * time.Millisecond)
			continue
		}
		switch {
		case err != nil:
			l.fail(step, err.Error())
			return false
		case status >= 300:
			l.fail(step, fmt.Sprintf("%d %s", status, bytes.TrimSpace(raw)))
			return false
		}
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				l.fail(step, "unreadable answer: "+err.Error())
				return false
			}
		}
		l.mu.Lock()
		l.latencies[step] = append(l.latencies[step], took)
		l.mu.Unlock()
		return true
	}
}

func (l *loadRun) fail(step, what string) {
	if len(what) > 160 {
		what = what[:160] + "…"
	}
	l.mu.Lock()
	l.failures[step+": "+what]++
	l.mu.Unlock()
}

func (l *loadRun) report(n, conc int, elapsed time.Duration, withPaper, twice int) {
	requests := 0
	for _, ds := range l.latencies {
		requests += len(ds)
	}
	fmt.Printf("\nLoad through the local function URLs: %d participants, %d at a time, %d autosaves each%s\n", n, conc, l.saves,
		map[bool]string{true: ", each signing in first", false: " (tokens signed here, no sign-in)"}[l.codes != nil])
	submitted := len(l.latencies["submit"]) // a latency is kept for each request that succeeded
	fmt.Printf("  papers submitted:  %d in %s (%.0f papers/s, %.0f requests/s)\n",
		submitted, elapsed.Round(10*time.Millisecond), float64(submitted)/elapsed.Seconds(), float64(requests)/elapsed.Seconds())
	fmt.Printf("  %-9s %8s %8s %8s %8s %8s\n", "step", "count", "p50", "p95", "p99", "max")
	for _, step := range []string{"code", "session", "start", "autosave", "submit"} {
		ds := slices.Clone(l.latencies[step])
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		q := func(f float64) string {
			return ds[min(len(ds)-1, int(f*float64(len(ds))))].Round(100 * time.Microsecond).String()
		}
		fmt.Printf("  %-9s %8d %8s %8s %8s %8s\n", step, len(ds), q(0.50), q(0.95), q(0.99), ds[len(ds)-1].Round(100*time.Microsecond))
	}
	fmt.Printf("  retries:           %d (network errors, 429, 5xx; the site retries the same way)\n", l.retries.Load())
	if len(l.failures) == 0 {
		fmt.Println("  failures:          none")
	}
	for what, c := range l.failures {
		fmt.Printf("  failure ×%d:       %s\n", c, what)
	}
	fmt.Printf("  check:             %d of %d participants have a submitted paper in the ranking index, %d more than one\n", withPaper, n, twice)
	fmt.Println("  (one process per function on this machine; on Lambda each request gets its own instance up to the reserved concurrency)")
}

// reportMailQueue prints how long the sign-in e-mails waited in the outbox
// (queued by POST /codes, sent by the mailer at the local rate).
func reportMailQueue(ctx context.Context, store *dynamo.Store) error {
	entries, err := store.Outbox(ctx, demo.ContestID)
	if err != nil {
		return err
	}
	var waits []time.Duration
	unsent := 0
	for _, e := range entries {
		if e.Status != mailq.StatusSent {
			unsent++
			continue
		}
		waits = append(waits, e.SentAt.Sub(e.EnqueuedAt))
	}
	if len(waits) == 0 {
		fmt.Println("  mail queue:        nothing sent")
		return nil
	}
	slices.Sort(waits)
	q := func(f float64) string {
		return waits[min(len(waits)-1, int(f*float64(len(waits))))].Round(time.Millisecond).String()
	}
	fmt.Printf("  mail queue delay:  p50 %s, p95 %s, max %s over %d e-mails (%d not sent); at the SES rate the peak's delay is its backlog over the rate\n",
		q(0.5), q(0.95), waits[len(waits)-1].Round(time.Millisecond), len(waits), unsent)
	return nil
}
