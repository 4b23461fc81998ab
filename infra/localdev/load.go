package main

// localdev load: the contest's peak (a whole week's papers arriving within
// minutes, most people signing in first) through the function URLs, and the
// figures it gives (make load): papers per second against the physical limit
// of the same local DynamoDB-compatible server, measured in the same run.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/infra/localenv"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/token"
)

// loadOptions are the load command's flags.
type loadOptions struct {
	participants, concurrency, saves int
	signIn                           bool
	rawPuts                          int    // PutItem of the raw write measure (0: not measured)
	count                            bool   // count the functions' datastore requests (throwaway platform only)
	endpoints                        string // drive a running platform (its endpoints.json) instead of a throwaway one
	writesPerPaper                   float64
	datastoreTimeout                 time.Duration
	profileDir                       string
	profileSeconds                   int
	unitViewRate                     int           // unit pages a second after the papers (0: none)
	unitViewLength                   time.Duration // for how long

	out      io.Writer
	now      func() time.Time      // the demo's clock (tests give theirs); nil: the wall clock
	progress func(submitted int64) // tests: after each paper submitted
}

func load(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	o := loadOptions{out: os.Stdout}
	fs.IntVar(&o.participants, "participants", 2000, "participants, each taking one paper")
	fs.IntVar(&o.concurrency, "concurrency", 100, "participants taking their paper at the same time")
	fs.IntVar(&o.saves, "saves", 2, "autosaves per paper before the submission")
	fs.BoolVar(&o.signIn, "signin", true, "each participant first signs in: a code by e-mail (the local outbox), then a session")
	fs.IntVar(&o.rawPuts, "raw-puts", 20000, "PutItem of 1 KB items (at the same concurrency, into a scratch table) to measure the datastore's raw write rate; 0 skips it")
	fs.BoolVar(&o.count, "count", true, "count the functions' DynamoDB requests through a counting proxy (the throwaway platform only)")
	fs.StringVar(&o.endpoints, "endpoints", "", "drive the running platform this endpoints.json describes (make dev's .local/endpoints.json) instead of a throwaway one")
	fs.Float64Var(&o.writesPerPaper, "writes-per-paper", 0, "with -endpoints, where requests cannot be counted: the write requests per paper of a counted run, for the ratio")
	fs.DurationVar(&o.datastoreTimeout, "datastore-timeout", 10*time.Second, "stop the run when the datastore has not answered for this long")
	fs.StringVar(&o.profileDir, "profile", "", "write CPU profiles here: the load driver's, and each function's (throwaway platform, served on a loopback PPROF_ADDR)")
	fs.IntVar(&o.profileSeconds, "profile-seconds", 20, "length of the functions' CPU profiles, from the start of the run")
	fs.IntVar(&o.unitViewRate, "unit-views", 100, "then unit participation pages a second (the units function, every unit in turn); 0 skips them")
	fs.DurationVar(&o.unitViewLength, "unit-views-for", 10*time.Second, "for how long the unit pages are asked for")
	_ = fs.Parse(args)
	if o.participants < 1 || o.concurrency < 1 || o.saves < 0 || o.rawPuts < 0 {
		return fmt.Errorf("load: -participants and -concurrency must be positive, -saves and -raw-puts not negative")
	}
	// This process also plays the function URLs and the counters: fewer
	// collections of their short-lived buffers leave more CPU to the platform.
	debug.SetGCPercent(400)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runLoad(ctx, o, nil)
}

// loadTarget is what a run drives: the function URLs, the datastore behind
// them and, on a throwaway platform, the counters and processes.
type loadTarget struct {
	auth, quiz, grade, contest string
	units                      string // the units function's URL ("": not known, no unit views)
	dynamoURL                  string
	store                      *dynamo.Store
	outbox                     string
	tokenKey                   string                     // "": unknown, participants must sign in
	counters                   map[string]*requestCounter // nil: requests not counted
	platform                   *Platform                  // nil with -endpoints
	pprof                      map[string]string          // function → its pprof address
}

// runLoad is the load command: it starts a throwaway platform (on base's
// servers if it names them: tests) or reads o.endpoints, measures the raw
// write rate, runs the participants and prints the figures, also those
// gathered so far when the run stops early.
func runLoad(ctx context.Context, o loadOptions, base *Platform) error {
	var t *loadTarget
	var err error
	if o.endpoints != "" {
		if t, err = readEndpoints(o.endpoints); err == nil && o.signIn {
			err = liftRunningBudgets(ctx, o, t)
		}
	} else {
		var p *Platform
		if p, err = throwawayPlatform(base); err != nil {
			return err
		}
		defer p.Stop()
		if base == nil {
			defer os.RemoveAll(p.StateDir)
		}
		t, err = startLoadPlatform(ctx, o, p)
	}
	if err != nil {
		return err
	}
	out := o.out
	db := dynamoClient(t.dynamoURL)

	var rawRate float64
	var rawCPU time.Duration // the datastore's CPU time per raw put (throwaway platform)
	if o.rawPuts > 0 {
		fmt.Fprintf(out, "load: the datastore's raw write rate: %d PutItem of 1 KB, %d at a time…\n", o.rawPuts, o.concurrency)
		before := t.cpuTimes()
		if rawRate, err = rawPutRate(ctx, db, o.rawPuts, o.concurrency); err != nil {
			return err
		}
		if d, ok := diffCPU(t.cpuTimes(), before)["dynamodb"]; ok {
			rawCPU = d / time.Duration(o.rawPuts)
		}
	}

	round, err := openStaffRound(ctx, t.quiz, t.contest)
	if err != nil {
		return err
	}
	tag := randomHex(3) // each run's participants are new people: a running platform keeps the last run's
	fmt.Fprintf(out, "load: enrolling %d participants (tai.%s.*)…\n", o.participants, tag)
	tokens, err := enrol(ctx, t.store, t.contest, t.tokenKey, o.clock(), tag, o.participants)
	if err != nil {
		return err
	}
	if !o.signIn && t.tokenKey == "" {
		return errors.New("load: -signin=false needs the platform's token key (token.key next to the endpoints file)")
	}

	run := &loadRun{
		auth: t.auth, quiz: t.quiz, grade: t.grade, contest: t.contest, round: round, saves: o.saves,
		client:    &http.Client{Timeout: 30 * time.Second, Transport: localTransport()},
		latencies: map[string][]time.Duration{}, failures: map[string]int{}, progress: o.progress,
	}
	if o.signIn {
		run.codes = newOutboxCodes(t.outbox, tag)
	}
	fmt.Fprintf(out, "load: %d participants, %d at a time, each %sstarting a paper, autosaving %d times and submitting…\n",
		o.participants, o.concurrency, map[bool]string{true: "signing in, ", false: ""}[o.signIn], o.saves)

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go watchDatastore(runCtx, cancel, t.dynamoURL, o.datastoreTimeout)
	if t.platform != nil { // a server or function of the throwaway platform that exits ends the run
		go func() {
			select {
			case <-t.platform.Failed():
				cancel(t.platform.Failure())
			case <-runCtx.Done():
			}
		}()
	}
	stopProfiles, err := startProfiles(runCtx, o, t)
	if err != nil {
		return err
	}
	countsBefore := t.counts()
	cpuBefore := t.cpuTimes()
	start := time.Now()
	go run.printProgress(runCtx, out, start)
	g, gctx := errgroup.WithContext(runCtx)
	g.SetLimit(o.concurrency)
	for i, tok := range tokens {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			run.started.Add(1)
			if run.codes != nil {
				var ok bool
				if tok, ok = run.signIn(gctx, loadEmail(tag, i)); !ok {
					return nil
				}
			}
			run.takePaper(gctx, tok, rand.New(rand.NewPCG(uint64(i), 2026)))
			return nil
		})
	}
	_ = g.Wait()
	elapsed := time.Since(start)
	stopped := context.Cause(runCtx) // nil unless the datastore or a function died, or the run was interrupted
	if stopped == nil && t.platform != nil {
		stopped = t.platform.Failure() // the figures are not the platform's
	}
	counts := t.counts()
	for fn, c := range counts {
		counts[fn] = c.minus(countsBefore[fn])
	}
	cpu := diffCPU(t.cpuTimes(), cpuBefore)
	stopProfiles()

	f := loadFigures{participants: o.participants, concurrency: o.concurrency, elapsed: elapsed, rawPutRate: rawRate,
		rawPuts: o.rawPuts, counted: t.counters != nil, counts: counts, givenWrites: o.writesPerPaper, cpu: cpu, rawCPU: rawCPU}
	if stopped == nil {
		f.withPaper, f.twice, err = checkSubmitted(ctx, t.store, t.contest, round, tag, o.participants)
		f.checked = err == nil
		if err != nil {
			stopped = fmt.Errorf("check the submitted papers: %w", err)
		}
	}
	run.report(out, f)
	if run.codes != nil && stopped == nil {
		if err := reportMailQueue(ctx, out, t.store, t.contest); err != nil {
			return err
		}
	}
	if stopped == nil && o.unitViewRate > 0 {
		cancel(nil) // the papers' progress and watchers are done
		if err := runUnitViews(ctx, o, t, round, run.client); err != nil {
			return err
		}
	}
	if stopped != nil {
		return fmt.Errorf("load: stopped after %s with %d papers submitted: %w", elapsed.Round(10*time.Millisecond), run.submitted.Load(), stopped)
	}
	if f.withPaper != o.participants || f.twice > 0 || len(run.failures) > 0 {
		return fmt.Errorf("load: %d of %d participants have a submitted paper, %d have more than one, %d kinds of failure",
			f.withPaper, o.participants, f.twice, len(run.failures))
	}
	return nil
}

// clock is the demo's clock: o.now, or the wall clock.
func (o loadOptions) clock() func() time.Time {
	if o.now != nil {
		return o.now
	}
	return time.Now
}

// throwawayPlatform is a platform of its own for one run: fresh table,
// bucket and key, its own servers unless base names some.
func throwawayPlatform(base *Platform) (*Platform, error) {
	p := base
	if p == nil {
		root, err := findRoot()
		if err != nil {
			return nil, err
		}
		state, err := os.MkdirTemp("", "hoithi-load-")
		if err != nil {
			return nil, err
		}
		p = &Platform{Root: root, StateDir: state}
	}
	suffix := randomHex(4)
	p.Table, p.Bucket = cmp.Or(p.Table, "hoithi-load-"+suffix), cmp.Or(p.Bucket, "hoithi-load-"+suffix)
	p.Contest, p.TokenKey = demo.ContestID, cmp.Or(p.TokenKey, randomHex(32))
	return p, nil
}

// startLoadPlatform starts p with the demo contest, its functions talking to
// the datastore through counting proxies (o.count) and serving pprof
// (o.profileDir).
func startLoadPlatform(ctx context.Context, o loadOptions, p *Platform) (*loadTarget, error) {
	fmt.Fprintln(o.out, "load: starting a throwaway local platform…")
	if err := p.StartServers(ctx, Ports{}); err != nil {
		return nil, err
	}
	if err := p.CreateResources(ctx); err != nil {
		return nil, p.Explain(err)
	}
	db, obj := p.Clients()
	store := dynamo.New(db, p.Table, nil)
	if _, err := demo.Seed(ctx, store, blob.NewBankBucket(obj, p.Bucket), o.clock()()); err != nil {
		return nil, p.Explain(fmt.Errorf("seed: %w", err))
	}
	if _, err := liftSignInBudgets(ctx, store, p.Contest); err != nil {
		return nil, p.Explain(err)
	}
	t := &loadTarget{contest: p.Contest, dynamoURL: p.DynamoURL, store: store, outbox: p.Outbox(), tokenKey: p.TokenKey, platform: p}
	fns := []string{"auth", "quiz", "grade"}
	if o.count {
		var err error
		if t.counters, err = p.countingProxies(fns); err != nil {
			return nil, err
		}
	}
	if o.profileDir != "" {
		t.pprof = map[string]string{}
		for _, fn := range fns {
			port, err := freePort()
			if err != nil {
				return nil, err
			}
			t.pprof[fn] = fmt.Sprintf("127.0.0.1:%d", port)
			if p.FunctionEnv == nil {
				p.FunctionEnv = map[string][]string{}
			}
			p.FunctionEnv[fn] = append(p.FunctionEnv[fn], funcurl.EnvPprofAddr+"="+t.pprof[fn])
		}
	}
	if _, err := os.Stat(p.path("bin", "grade")); err != nil { // tests lend theirs
		if err := p.BuildFunctions(ctx); err != nil {
			return nil, err
		}
	}
	if err := p.StartFunctions(ctx, Ports{}); err != nil {
		return nil, p.Explain(err)
	}
	t.auth, t.quiz, t.grade, t.units = p.FunctionURLs["auth"], p.FunctionURLs["quiz"], p.FunctionURLs["grade"], p.FunctionURLs["units"]
	return t, nil
}

// liftSignInBudgets raises the contest's sign-in e-mail budgets
// (shared/signin) out of the load's way, as a contest would raise them with
// its SES quota: every participant signs in from this one machine, and the
// outbox is a folder, not SES. It reports whether it changed them.
func liftSignInBudgets(ctx context.Context, store *dynamo.Store, contestID string) (bool, error) {
	c, err := store.GetContest(ctx, contestID)
	if err != nil {
		return false, fmt.Errorf("load: contest limits: %w", err)
	}
	if c.CodesPerSecond >= loadCodesPerSecond && c.CodesPerRequesterHour >= loadCodesPerRequesterHour {
		return false, nil
	}
	c.CodesPerSecond, c.CodesPerRequesterHour = loadCodesPerSecond, loadCodesPerRequesterHour
	if err := store.PutContest(ctx, c); err != nil {
		return false, fmt.Errorf("load: contest limits: %w", err)
	}
	return true, nil
}

const (
	loadCodesPerSecond        = 100_000
	loadCodesPerRequesterHour = 100_000_000
)

// liftRunningBudgets lifts a running platform's sign-in budgets for the
// load and, when it changed them, waits until its functions' containers have
// let go of the settings they hold (platform.SettingsCacheTTL). make dev
// seeds them back when it starts again.
func liftRunningBudgets(ctx context.Context, o loadOptions, t *loadTarget) error {
	changed, err := liftSignInBudgets(ctx, t.store, t.contest)
	if err != nil || !changed {
		return err
	}
	fmt.Fprintf(o.out, "load: raised contest %s's sign-in e-mail budgets for the load (every participant signs in from this machine; make dev sets them back when it starts again); waiting %s for its functions to see them…\n",
		t.contest, platform.SettingsCacheTTL)
	select {
	case <-time.After(platform.SettingsCacheTTL):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readEndpoints is a running platform from its endpoints.json (make dev's
// .local/endpoints.json); its token key is read from token.key beside it, if
// there.
func readEndpoints(path string) (*loadTarget, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	var ep Endpoints
	if err := json.Unmarshal(data, &ep); err != nil {
		return nil, fmt.Errorf("load: %s: %w", path, err)
	}
	if ep.Auth == "" || ep.Quiz == "" || ep.Grade == "" || ep.DynamoDB == "" || ep.Outbox == "" {
		return nil, fmt.Errorf("load: %s names no auth, quiz, grade, dynamodb or outbox", path)
	}
	t := &loadTarget{auth: ep.Auth, quiz: ep.Quiz, grade: ep.Grade, units: ep.Units, contest: cmp.Or(ep.Contest, demo.ContestID),
		dynamoURL: ep.DynamoDB, outbox: ep.Outbox}
	t.store = dynamo.New(dynamoClient(ep.DynamoDB), cmp.Or(ep.Table, localenv.Table), nil)
	if key, err := os.ReadFile(filepath.Join(filepath.Dir(path), "token.key")); err == nil {
		t.tokenKey = strings.TrimSpace(string(key))
	}
	return t, nil
}

// cpuTimes is the CPU time so far of the throwaway platform's processes and
// this one; nil with -endpoints.
func (t *loadTarget) cpuTimes() map[string]time.Duration {
	if t.platform == nil {
		return nil
	}
	return t.platform.cpuTimes()
}

// counts is what the counters have seen, all functions together.
func (t *loadTarget) counts() map[string]requestCount {
	out := map[string]requestCount{}
	for fn, c := range t.counters {
		out[fn] = c.count()
	}
	return out
}

// openStaffRound asks the quiz function for the contest's open staff round.
func openStaffRound(ctx context.Context, quiz, contestID string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, quiz+"/rounds?contest="+contestID, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("load: list the rounds: %w", err)
	}
	defer res.Body.Close()
	var body struct {
		Rounds []struct{ ID, Audience, Status string }
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("load: list the rounds: %d %v", res.StatusCode, err)
	}
	for _, r := range body.Rounds {
		if r.Status == "open" && r.Audience == string(contest.AudienceStaff) {
			return r.ID, nil
		}
	}
	return "", fmt.Errorf("load: contest %s has no open staff round", contestID)
}

// watchDatastore stops the run (cancel) when the datastore has not answered
// for timeout: the figures so far are printed, and the error says why.
func watchDatastore(ctx context.Context, cancel context.CancelCauseFunc, u string, timeout time.Duration) {
	client := &http.Client{Timeout: time.Second}
	lastOK := time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if res, err := client.Do(req); err == nil {
			res.Body.Close()
			lastOK = time.Now()
			continue
		}
		if time.Since(lastOK) >= timeout {
			cancel(fmt.Errorf("the datastore at %s has not answered for %s", u, timeout))
			return
		}
	}
}

// startProfiles starts the CPU profiles of o.profileDir: this process's for
// the whole run, each function's for o.profileSeconds; the returned func
// stops this process's and waits for the functions'.
func startProfiles(ctx context.Context, o loadOptions, t *loadTarget) (func(), error) {
	if o.profileDir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(o.profileDir, "load.cpu.pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	var wg sync.WaitGroup
	for fn, addr := range t.pprof {
		wg.Go(func() {
			u := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, o.profileSeconds)
			req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, u, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				fmt.Fprintf(o.out, "load: profile of %s: %v\n", fn, err)
				return
			}
			defer res.Body.Close()
			data, _ := io.ReadAll(res.Body)
			_ = os.WriteFile(filepath.Join(o.profileDir, fn+".cpu.pprof"), data, 0o644)
		})
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		wg.Wait()
		fmt.Fprintf(o.out, "load: CPU profiles in %s (go tool pprof -top %s)\n", o.profileDir, filepath.Join(o.profileDir, "grade.cpu.pprof"))
	}, nil
}

func perPaperMs(d time.Duration, papers int64) float64 {
	return float64(d) / 1e6 / float64(papers)
}

func diffCPU(after, before map[string]time.Duration) map[string]time.Duration {
	if after == nil {
		return nil
	}
	out := map[string]time.Duration{}
	for k, v := range after {
		out[k] = v - before[k]
	}
	return out
}

// checkSubmitted counts, in the ranking index, the run's participants with a
// submitted paper and those with more than one: nothing lost, nothing twice.
func checkSubmitted(ctx context.Context, store *dynamo.Store, contestID, round, tag string, n int) (withPaper, twice int, err error) {
	papers, err := store.ListSubmitted(ctx, contestID, round)
	if err != nil {
		return 0, 0, err
	}
	ours := map[string]bool{} // the ranking index holds participant ids, not e-mails
	for i := range n {
		ours[contest.ParticipantID(contestID, loadEmail(tag, i))] = true
	}
	per := map[string]int{}
	for _, sp := range papers {
		if ours[sp.ParticipantID] {
			per[sp.ParticipantID]++
		}
	}
	for _, c := range per {
		if c > 1 {
			twice++
		}
	}
	return len(per), twice, nil
}

// loadEmail is the e-mail address of participant i of the run tagged tag.
func loadEmail(tag string, i int) string { return fmt.Sprintf("tai.%s.%05d@%s", tag, i, demo.Domain) }

// enrol adds n staff members spread over the demo units and, when the
// token key is known, signs a session token for each, as the auth function
// would after a sign-in (for -signin=false).
func enrol(ctx context.Context, store *dynamo.Store, contestID, key string, now func() time.Time, tag string, n int) ([]string, error) {
	var signer *token.Signer
	if key != "" {
		var err error
		if signer, err = token.NewSigner([]byte(key), 2*time.Hour, now); err != nil {
			return nil, err
		}
	}
	units := demo.Units()
	tokens := make([]string, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i := range n {
		g.Go(func() error {
			m := contest.Member{Email: loadEmail(tag, i), Name: fmt.Sprintf("Người dự thi %05d", i),
				UnitID: units[i%len(units)].ID, Audience: contest.AudienceStaff, Roles: []contest.Role{contest.RoleParticipant}}
			if err := store.PutMember(gctx, contestID, m); err != nil {
				return fmt.Errorf("enrol: %w", err)
			}
			if signer == nil {
				return nil
			}
			tok, _, err := signer.Issue(token.ClaimsFor(contestID, m))
			tokens[i] = tok
			return err
		})
	}
	return tokens, g.Wait()
}

// loadRun is one run's participants and what they measured.
type loadRun struct {
	auth, quiz, grade string
	contest, round    string
	saves             int
	client            *http.Client
	codes             *outboxCodes // nil: tokens are signed here, no sign-in
	progress          func(submitted int64)

	mu        sync.Mutex
	latencies map[string][]time.Duration // by step: code, session, start, autosave, submit
	failures  map[string]int             // "step: status or error" → count
	retries   atomic.Int64
	started   atomic.Int64
	submitted atomic.Int64
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
		if ctx.Err() == nil {
			l.fail("code", err.Error())
		}
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

// outboxCodes finds the run's sign-in codes in the local outbox (one JSON
// file per e-mail). It reads each new file once and removes the run's own
// (e-mails to its participants, tai.<tag>.*), so the folder stays as small as
// the number of sign-ins in flight: listing a folder that grows with every
// participant made the lookups quadratic.
type outboxCodes struct {
	dir    string
	prefix string // the run's participants' addresses begin with it
	mu     sync.Mutex
	codes  map[string]string // e-mail → code
	seen   map[string]bool   // files read and kept (not the run's)
}

func newOutboxCodes(dir, tag string) *outboxCodes {
	return &outboxCodes{dir: dir, prefix: "tai." + tag + ".", codes: map[string]string{}, seen: map[string]bool{}}
}

func (o *outboxCodes) lookup(ctx context.Context, email string) (string, error) {
	for try := 0; ; try++ {
		o.mu.Lock()
		code, ok := o.codes[email]
		if !ok {
			o.scan()
			code, ok = o.codes[email]
		}
		delete(o.codes, email)
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
	d, err := os.Open(o.dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1) // unsorted: cheaper than os.ReadDir
	d.Close()
	for _, name := range names {
		if o.seen[name] || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(o.dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var m struct{ To, Code string }
		if json.Unmarshal(data, &m) == nil && m.Code != "" && strings.HasPrefix(m.To, o.prefix) {
			o.codes[m.To] = m.Code
			_ = os.Remove(path)
			continue
		}
		o.seen[name] = true
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
	if l.call(ctx, "submit", http.MethodPost, l.grade+"/papers/"+view.Paper.ID+"/submission", tok, body, nil) {
		n := l.submitted.Add(1)
		if l.progress != nil {
			l.progress(n)
		}
	}
}

// call makes one request of a step, retrying what the site retries, and
// records its latency (the last attempt's) or its failure. Requests cut
// short by the run's end are neither.
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
		if ctx.Err() != nil {
			return false
		}
		retry := err != nil || status == http.StatusTooManyRequests || status >= 500
		if retry && attempt < 4 {
			l.retries.Add(1)
			wait := time.Duration(200<<attempt) * time.Millisecond
			if err == nil { // the server's Retry-After, if longer, as the site waits (web/api.js, web/quiz.js)
				if secs, perr := strconv.Atoi(res.Header.Get("Retry-After")); perr == nil && secs > 0 {
					wait = max(wait, time.Duration(secs)*time.Second)
				}
			}
			wait = time.Duration(float64(wait) * (0.8 + 0.4*rand.Float64())) // ±20 %, as web/util.js backoffDelay: refused together, not again together
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return false
			}
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

// printProgress prints the papers submitted so far every five seconds (a
// person injecting faults watches it).
func (l *loadRun) printProgress(ctx context.Context, out io.Writer, start time.Time) {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			n := l.submitted.Load()
			fmt.Fprintf(out, "load: %s: %d papers submitted (%.0f/s), %d retries so far\n",
				time.Since(start).Round(time.Second), n, float64(n)/time.Since(start).Seconds(), l.retries.Load())
		}
	}
}

// loadFigures is what a run measured besides the latencies.
type loadFigures struct {
	participants, concurrency int
	elapsed                   time.Duration
	rawPutRate                float64 // PutItem/s of the raw measure (0: not measured)
	rawPuts                   int
	counted                   bool
	counts                    map[string]requestCount  // by function, during the run
	givenWrites               float64                  // -writes-per-paper
	cpu                       map[string]time.Duration // by process, during the run
	rawCPU                    time.Duration            // the datastore's CPU per raw put
	checked                   bool                     // the ranking index was read
	withPaper, twice          int
}

func (l *loadRun) report(out io.Writer, f loadFigures) {
	requests := 0
	for _, ds := range l.latencies {
		requests += len(ds)
	}
	fmt.Fprintf(out, "\nLoad through the local function URLs: %d participants, %d at a time, %d autosaves each%s\n", f.participants, f.concurrency, l.saves,
		map[bool]string{true: ", each signing in first", false: " (tokens signed here, no sign-in)"}[l.codes != nil])
	submitted := l.submitted.Load()
	papersPerSecond := float64(submitted) / f.elapsed.Seconds()
	fmt.Fprintf(out, "  papers submitted:  %d in %s (%d participants started; %.0f requests/s)\n",
		submitted, f.elapsed.Round(10*time.Millisecond), l.started.Load(), float64(requests)/f.elapsed.Seconds())
	fmt.Fprintf(out, "  %-9s %8s %8s %8s %8s %8s\n", "step", "count", "p50", "p95", "p99", "max")
	for _, step := range []string{"code", "session", "start", "autosave", "submit"} {
		ds := slices.Clone(l.latencies[step])
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		q := func(f float64) string {
			return ds[min(len(ds)-1, int(f*float64(len(ds))))].Round(100 * time.Microsecond).String()
		}
		fmt.Fprintf(out, "  %-9s %8d %8s %8s %8s %8s\n", step, len(ds), q(0.50), q(0.95), q(0.99), ds[len(ds)-1].Round(100*time.Microsecond))
	}
	fmt.Fprintf(out, "  retries:           %d (network errors, 429, 5xx, after the server's Retry-After if longer; the site retries the same way)\n", l.retries.Load())
	if len(l.failures) == 0 {
		fmt.Fprintln(out, "  failures:          none")
	}
	for what, c := range l.failures {
		fmt.Fprintf(out, "  failure ×%d:       %s\n", c, what)
	}
	if f.checked {
		fmt.Fprintf(out, "  check:             %d of %d participants have a submitted paper in the ranking index, %d more than one\n", f.withPaper, f.participants, f.twice)
	} else {
		fmt.Fprintln(out, "  check:             not made (the run stopped early)")
	}

	fmt.Fprintln(out, "\nAgainst the datastore's own limit (same server, same machine, same run):")
	fmt.Fprintf(out, "  papers/s:                  %.1f\n", papersPerSecond)
	if f.rawPutRate > 0 {
		fmt.Fprintf(out, "  raw puts/s:                %.0f (%d PutItem of 1 KB, %d at a time, into a scratch table, before the run)\n", f.rawPutRate, f.rawPuts, f.concurrency)
	} else {
		fmt.Fprintln(out, "  raw puts/s:                not measured (-raw-puts 0)")
	}
	writes := f.givenWrites
	switch {
	case f.counted && submitted > 0:
		var total requestCount
		var byFn []string
		for _, fn := range []string{"auth", "quiz", "grade"} {
			c := f.counts[fn]
			total.Writes, total.Reads, total.Other = total.Writes+c.Writes, total.Reads+c.Reads, total.Other+c.Other
			byFn = append(byFn, fmt.Sprintf("%s %.2f/%.2f", fn, float64(c.Writes)/float64(submitted), float64(c.Reads)/float64(submitted)))
		}
		writes = float64(total.Writes) / float64(submitted)
		fmt.Fprintf(out, "  write requests per paper:  %.2f\n", writes)
		fmt.Fprintf(out, "  read requests per paper:   %.2f\n", float64(total.Reads)/float64(submitted))
		fmt.Fprintf(out, "    by function (writes/reads per paper, the whole participant: sign-in in auth): %s\n", strings.Join(byFn, ", "))
		if total.Other > 0 {
			fmt.Fprintf(out, "    other requests: %d\n", total.Other)
		}
	case f.counted:
		fmt.Fprintln(out, "  write requests per paper:  no paper submitted")
	case writes > 0:
		fmt.Fprintf(out, "  write requests per paper:  %.2f (given by -writes-per-paper: not counted in this run)\n", writes)
		fmt.Fprintln(out, "  read requests per paper:   not counted (the running platform's functions talk to the datastore directly)")
	default:
		fmt.Fprintln(out, "  write requests per paper:  not counted (the running platform's functions talk to the datastore directly; -writes-per-paper gives it)")
		fmt.Fprintln(out, "  read requests per paper:   not counted")
	}
	if f.rawPutRate > 0 && writes > 0 && submitted > 0 {
		bound := f.rawPutRate / writes
		fmt.Fprintf(out, "  ratio:                     %.2f  = papers/s ÷ (raw puts/s ÷ write requests per paper) = %.1f ÷ %.1f\n", papersPerSecond/bound, papersPerSecond, bound)
	} else {
		fmt.Fprintln(out, "  ratio:                     not known (needs raw puts/s and write requests per paper)")
	}
	if len(f.cpu) > 0 && submitted > 0 {
		// CPU time per paper by process: unlike papers/s, barely moved by
		// other work on the machine.
		label := map[string]string{"load": "localdev (driver, URL layers, counters)", "dynamodb": "dynoxide", "s3": "versitygw"}
		var parts []string
		var total time.Duration
		for _, k := range slices.Sorted(maps.Keys(f.cpu)) {
			total += f.cpu[k]
			if f.cpu[k] > 0 {
				parts = append(parts, fmt.Sprintf("%s %.2f", cmp.Or(label[k], k), perPaperMs(f.cpu[k], submitted)))
			}
		}
		fmt.Fprintf(out, "  CPU ms per paper:          %.1f in all: %s\n", perPaperMs(total, submitted), strings.Join(parts, ", "))
		if f.rawCPU > 0 {
			fmt.Fprintf(out, "  the datastore's CPU:       %.3f ms per raw put, %.2f ms per paper (as much as %.0f raw puts)\n",
				float64(f.rawCPU)/1e6, perPaperMs(f.cpu["dynamodb"], submitted), float64(f.cpu["dynamodb"])/float64(submitted)/float64(f.rawCPU))
		}
	}
	if f.counted {
		var conns int64
		for _, c := range f.counts {
			conns += c.Conns
		}
		fmt.Fprintf(out, "  datastore connections:     %d opened by the functions during the run\n", conns)
	}
	fmt.Fprintln(out, "  (one process per function on this machine; on Lambda each request gets its own instance up to the reserved concurrency)")
}

// reportMailQueue prints how long the sign-in e-mails waited in the outbox
// (queued by POST /codes, sent by the mailer at the local rate).
func reportMailQueue(ctx context.Context, out io.Writer, store *dynamo.Store, contestID string) error {
	entries, err := store.Outbox(ctx, contestID)
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
		fmt.Fprintln(out, "  mail queue:        nothing sent")
		return nil
	}
	slices.Sort(waits)
	q := func(f float64) string {
		return waits[min(len(waits)-1, int(f*float64(len(waits))))].Round(time.Millisecond).String()
	}
	fmt.Fprintf(out, "  mail queue delay:  p50 %s, p95 %s, max %s over %d e-mails (%d not sent); at the SES rate the peak's delay is its backlog over the rate\n",
		q(0.5), q(0.95), waits[len(waits)-1].Round(time.Millisecond), len(waits), unsent)
	return nil
}

// runUnitViews asks for unit pages at o.unitViewRate a second on the units
// function (after the papers: the units have papers to count) and prints the
// rate that held.
func runUnitViews(ctx context.Context, o loadOptions, t *loadTarget, round string, client *http.Client) error {
	if t.units == "" || t.tokenKey == "" {
		fmt.Fprintln(o.out, "\nUnit pages: not measured (the units function's URL or the token key is not known)")
		return nil
	}
	tok, err := organiserToken(ctx, t.store, t.contest, t.tokenKey, o.clock())
	if err != nil {
		return err
	}
	v := unitViews{url: t.units, contest: t.contest, round: round, rate: o.unitViewRate, length: o.unitViewLength, maxInFlight: 400}
	fmt.Fprintf(o.out, "load: unit pages, %d a second for %s…\n", v.rate, v.length)
	v.run(ctx, client, tok).report(o.out, v)
	return nil
}
