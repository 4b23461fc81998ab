package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
)

// The load command's core, small: 20 participants. No timing is asserted,
// only that the figures are printed and plausible and nothing is lost.

// loadFigure reads the number after label in the load's report.
func loadFigure(t *testing.T, out, label string) float64 {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(label) + `:\s+([0-9.]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q figure in the report:\n%s", label, out)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// smallLoad is a run of 20 participants on the tests' clock (the functions
// get it through the platform's ExtraEnv).
func smallLoad(out *bytes.Buffer, e *e2eEnv) loadOptions {
	return loadOptions{participants: 20, concurrency: 5, saves: 2, signIn: true, rawPuts: 200, count: true,
		datastoreTimeout: 10 * time.Second, out: out, now: e.clock.Now, unitViewRate: 20, unitViewLength: time.Second}
}

func TestLoadMeasuresPapersAgainstTheDatastoresRawWriteRate(t *testing.T) {
	e := need(t)
	// GIVEN a throwaway platform of the load's own on the test servers
	base := &Platform{Root: e.p.Root, StateDir: t.TempDir(), DynamoURL: e.p.DynamoURL, S3URL: e.p.S3URL, ExtraEnv: e.clock.Env()}
	if err := os.Symlink(e.p.path("bin"), base.path("bin")); err != nil { // the binaries TestMain built
		t.Fatal(err)
	}
	var out bytes.Buffer

	// WHEN 20 participants sign in and take their paper, the requests counted
	err := runLoad(context.Background(), smallLoad(&out, e), base)

	// THEN nothing is lost and the figures are there
	report := out.String()
	if err != nil {
		t.Fatalf("load: %v\n%s", err, report)
	}
	for _, want := range []string{"failures:          none", "20 of 20 participants have a submitted paper in the ranking index, 0 more than one"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report does not say %q:\n%s", want, report)
		}
	}
	t.Run("the unit pages' rate is printed, and every view asked for was answered", func(t *testing.T) {
		if v := loadFigure(t, report, "unit views/s"); v <= 0 {
			t.Errorf("unit views/s %v", v)
		}
		if !regexp.MustCompile(`\((?:[^)]*): (\d+) asked, (\d+) answered, 0 refused 429, 0 failed, 0 not sent `).MatchString(report) {
			t.Errorf("the unit pages were not all answered:\n%s", report)
		}
	})
	t.Run("every figure of the ratio is measured and plausible", func(t *testing.T) {
		if v := loadFigure(t, report, "papers/s"); v <= 0 {
			t.Errorf("papers/s %v", v)
		}
		if v := loadFigure(t, report, "raw puts/s"); v <= 0 {
			t.Errorf("raw puts/s %v", v)
		}
		// a paper with its sign-in writes at least the code, the session's use
		// of it, the paper, two autosaves and the submission
		if v := loadFigure(t, report, "write requests per paper"); v < 6 {
			t.Errorf("write requests per paper %v, want at least 6", v)
		}
		if v := loadFigure(t, report, "read requests per paper"); v <= 0 {
			t.Errorf("read requests per paper %v", v)
		}
		if v := loadFigure(t, report, "ratio"); v <= 0 {
			t.Errorf("ratio %v", v)
		}
		if v := loadFigure(t, report, "CPU ms per paper"); v <= 0 {
			t.Errorf("CPU ms per paper %v", v)
		}
	})
	t.Run("the scratch table of the raw puts is gone", func(t *testing.T) {
		db, _ := base.Clients()
		tables, err := db.ListTables(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range tables.TableNames {
			if strings.HasPrefix(name, "hoithi-load-raw-") {
				t.Errorf("scratch table %s left behind", name)
			}
		}
	})
}

// runningPlatform starts a platform as make dev would, with its own
// datastore (so that a test may kill it), and writes its endpoints.json.
func runningPlatform(t *testing.T) (*Platform, string) {
	t.Helper()
	e := need(t)
	ctx := context.Background()
	suffix := randomHex(4)
	p := &Platform{Root: e.p.Root, StateDir: t.TempDir(), Table: "hoithi-running-" + suffix, Bucket: "hoithi-running-" + suffix,
		Contest: demo.ContestID, TokenKey: randomHex(32), S3URL: e.p.S3URL, ExtraEnv: e.clock.Env()}
	t.Cleanup(p.Stop)
	if err := p.StartServers(ctx, Ports{}); err != nil { // its own dynoxide
		t.Fatal(err)
	}
	if err := p.CreateResources(ctx); err != nil {
		t.Fatal(err)
	}
	db, obj := p.Clients()
	store := dynamo.New(db, p.Table, nil)
	accounts, err := demo.Seed(ctx, store, blob.NewBankBucket(obj, p.Bucket), e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	// raised before its functions start, so the load need not wait for them
	// to see it
	if _, err := liftSignInBudgets(ctx, store, p.Contest); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(e.p.path("bin"), p.path("bin")); err != nil {
		t.Fatal(err)
	}
	if err := p.StartFunctions(ctx, Ports{}); err != nil {
		t.Fatal(err)
	}
	ep := Endpoints{Site: p.SiteURL, Auth: p.FunctionURLs["auth"], Quiz: p.FunctionURLs["quiz"], Grade: p.FunctionURLs["grade"],
		Contest: p.Contest, Table: p.Table, Outbox: p.Outbox(), DynamoDB: p.DynamoURL, S3: p.S3URL, Accounts: accounts}
	file := filepath.Join(p.StateDir, "endpoints.json")
	if err := writeEndpoints(file, ep, p.FunctionURLs); err != nil {
		t.Fatal(err)
	}
	return p, file
}

func TestLoadDrivesARunningPlatform(t *testing.T) {
	p, endpoints := runningPlatform(t)

	t.Run("it measures the raw puts there and says the requests are not counted", func(t *testing.T) {
		var out bytes.Buffer
		o := smallLoad(&out, need(t))
		o.endpoints = endpoints
		err := runLoad(context.Background(), o, nil)
		report := out.String()
		if err != nil {
			t.Fatalf("load: %v\n%s", err, report)
		}
		if !strings.Contains(report, "20 of 20 participants have a submitted paper in the ranking index, 0 more than one") {
			t.Errorf("participants lost:\n%s", report)
		}
		if v := loadFigure(t, report, "raw puts/s"); v <= 0 {
			t.Errorf("raw puts/s %v", v)
		}
		if !strings.Contains(report, "write requests per paper:  not counted") {
			t.Errorf("the report does not say the requests were not counted:\n%s", report)
		}
	})

	t.Run("when the datastore dies mid-run it prints the figures so far and fails", func(t *testing.T) {
		var out bytes.Buffer
		o := smallLoad(&out, need(t))
		o.endpoints, o.participants, o.concurrency, o.datastoreTimeout = endpoints, 400, 4, time.Second
		var kill sync.Once
		o.progress = func(submitted int64) {
			if submitted >= 3 {
				kill.Do(func() {
					if err := p.KillDatastore(); err != nil {
						t.Error(err)
					}
				})
			}
		}
		err := runLoad(context.Background(), o, nil)
		report := out.String()
		if err == nil || !strings.Contains(err.Error(), "has not answered") {
			t.Fatalf("err %v, want the datastore named as the reason\n%s", err, report)
		}
		if v := loadFigure(t, report, "papers/s"); v <= 0 {
			t.Errorf("papers/s %v: the papers submitted before the datastore died are not counted", v)
		}
		if !strings.Contains(report, "check:             not made") {
			t.Errorf("the report does not say the check was not made:\n%s", report)
		}
	})
}
