package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests start servers of their own (dynoxide) next to the ones of
// `make test`, and kill them, as a crash would.

// dynamoOnly is a platform that starts only its own DynamoDB server (its S3
// server is the shared one, which it never stops).
func dynamoOnly(t *testing.T) *Platform {
	t.Helper()
	e := need(t)
	p := &Platform{Root: e.p.Root, StateDir: t.TempDir(), S3URL: e.p.S3URL}
	t.Cleanup(p.Stop)
	return p
}

// waitFailed waits for the platform to report a child's exit; the bound only
// keeps a broken platform from hanging the test run.
func waitFailed(t *testing.T, p *Platform) error {
	t.Helper()
	select {
	case <-p.Failed():
		return p.Failure()
	case <-time.After(time.Minute):
		t.Fatal("the exit was never reported")
		return nil
	}
}

func TestAPortAnsweredByAnotherServerIsNotTakenForOurs(t *testing.T) {
	// GIVEN a foreign HTTP server on the port the DynamoDB server is to use
	// (another copy of make dev, any web server)
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<html>not dynamodb</html>"))
	}))
	defer foreign.Close()
	u, _ := url.Parse(foreign.URL)
	port, _ := strconv.Atoi(u.Port())
	p := dynamoOnly(t)
	// WHEN the platform starts its servers there
	err := p.StartServers(context.Background(), Ports{Dynamo: port})
	// THEN it fails with the exit of its own dynoxide and the end of its log
	if err == nil {
		t.Fatal("the foreign server was taken for the local DynamoDB server")
	}
	for _, want := range []string{"the local DynamoDB server (dynoxide) exited (exit status 1) before it answered at " + foreign.URL, "dynamodb.log", "already in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// AND the platform will not talk to the foreign server
	if p.DynamoURL != "" {
		t.Errorf("DynamoURL is %s, want none", p.DynamoURL)
	}
}

func TestAServerThatDiesIsReportedWithItsLog(t *testing.T) {
	// GIVEN the platform's DynamoDB server, up and answering
	p := dynamoOnly(t)
	if err := p.StartServers(context.Background(), Ports{}); err != nil {
		t.Fatal(err)
	}
	// WHEN it dies
	if err := syscall.Kill(p.procs[0].cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// THEN the platform reports which server, how, and the end of its log
	err := waitFailed(t, p)
	for _, want := range []string{"the local DynamoDB server (dynoxide) exited (signal: killed) while running", "dynamodb.log", "Dynoxide listening on " + p.DynamoURL} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("failure lacks %q:\n%v", want, err)
		}
	}
	// AND an error that followed from it (a seed, a table) is explained by it
	if got := p.Explain(context.DeadlineExceeded); !strings.Contains(got.Error(), "dynoxide) exited") || !strings.Contains(got.Error(), "deadline exceeded") {
		t.Errorf("Explain gave %v", got)
	}
}

func TestStoppingThePlatformIsNoFailure(t *testing.T) {
	// GIVEN the platform's DynamoDB server, up and answering
	p := dynamoOnly(t)
	if err := p.StartServers(context.Background(), Ports{}); err != nil {
		t.Fatal(err)
	}
	// WHEN the platform stops it
	p.Stop()
	// THEN no failure is reported
	if err := p.Failure(); err != nil {
		t.Errorf("got %v", err)
	}
	if err := p.Explain(context.Canceled); err != context.Canceled {
		t.Errorf("Explain gave %v", err)
	}
}

func TestExecReportsAServerThatDiesDuringTheRun(t *testing.T) {
	// GIVEN a command run next to the platform's servers (as make test runs go test)
	p := dynamoOnly(t)
	if err := p.StartServers(context.Background(), Ports{}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("cat") // runs until its input ends, then succeeds
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := runWatched(p, cmd, &report)
		done <- result{code, err}
	}()
	// WHEN a server dies during the run, and the command then succeeds
	if err := syscall.Kill(p.procs[0].cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFailed(t, p)
	stdin.Close()
	got := <-done
	// THEN the death is reported with the server's log, and the run fails
	if got.err == nil {
		t.Fatalf("the run succeeded (exit code %d)", got.code)
	}
	if !strings.Contains(report.String(), "the local DynamoDB server (dynoxide) exited (signal: killed) while running") || !strings.Contains(report.String(), "Dynoxide listening") {
		t.Errorf("report: %q", report.String())
	}
	if !strings.Contains(got.err.Error(), "exited during cat") {
		t.Errorf("error: %v", got.err)
	}
}
