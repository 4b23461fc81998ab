// Package lambdarie runs a function's real `bootstrap` under the AWS Lambda
// Runtime Interface Emulator (aws-lambda-rie, the runtime SAM uses inside its
// containers), on loopback ports, and reads what it answers: the streamed
// function URL response (lambdaurl's RESPONSE_STREAM mode) or a plain result.
// make invoke, make bench-coldstart and the events test use it.
package lambdarie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hoithi/hoithi/shared/platform"
)

// InvokePath is the emulator's invoke endpoint.
const InvokePath = "/2015-03-31/functions/function/invocations"

// Options say what to run.
type Options struct {
	// RIE is the emulator binary (.local/bin/aws-lambda-rie, built by make deps).
	RIE string
	// Bootstrap is the function's executable, built for this machine.
	Bootstrap string
	// Env is the function's whole environment besides PATH, HOME and TMPDIR:
	// nothing else of the caller's environment leaks in.
	Env []string
	// FunctionName, MemoryMB and Timeout are reported to the function as on Lambda.
	FunctionName string
	MemoryMB     int
	Timeout      time.Duration
}

// Emulator is one running emulator with one function.
type Emulator struct {
	// URL is the emulator's base URL (http://127.0.0.1:port).
	URL  string
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan struct{}
}

// Start starts the emulator around the bootstrap and waits until it listens.
// The function itself starts (its init) on the first invocation, as on Lambda.
func Start(ctx context.Context, o Options) (*Emulator, error) {
	rie, err := filepath.Abs(o.RIE)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(rie); err != nil {
		return nil, fmt.Errorf("runtime interface emulator: %w (run `make deps`)", err)
	}
	boot, err := filepath.Abs(o.Bootstrap)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(boot); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	// Two free loopback ports: the emulator's HTTP API, and the Runtime API it
	// offers the function (its default, 127.0.0.1:9001, is make dev's auth URL).
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", ports[0])
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}
	if o.FunctionName != "" {
		env = append(env, "AWS_LAMBDA_FUNCTION_NAME="+o.FunctionName)
	}
	if o.MemoryMB > 0 {
		env = append(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(o.MemoryMB))
	}
	if o.Timeout > 0 {
		env = append(env, "AWS_LAMBDA_FUNCTION_TIMEOUT="+strconv.Itoa(int(o.Timeout.Seconds())))
	}
	env = append(env, o.Env...)

	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"--log-level", "info",
		boot)
	cmd.Dir = filepath.Dir(boot)
	cmd.Env = env
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start emulator: %w", err)
	}
	e := &Emulator{URL: "http://" + addr, cmd: cmd, logs: logs, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(e.done) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return e, nil
		}
		select {
		case <-e.done:
			return nil, fmt.Errorf("emulator exited at start: %s", e.Logs())
		case <-ctx.Done():
			e.Stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			e.Stop()
			return nil, fmt.Errorf("emulator not listening on %s after 15 s: %s", addr, e.Logs())
		}
	}
}

// Stop ends the emulator and the function (its process group).
func (e *Emulator) Stop() {
	if e == nil || e.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-e.done:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
		<-e.done
	}
}

// Logs is everything the emulator and the function printed so far.
func (e *Emulator) Logs() string { return e.logs.String() }

// Result is the emulator's answer to one invocation.
type Result struct {
	// Status is the emulator's HTTP status (200 unless the invocation failed).
	Status int
	// Body is the payload: a streamed HTTP response or a JSON result.
	Body []byte
}

// Invoke sends one event. requestID, if set, becomes the invocation's request
// id (lambdacontext's AwsRequestID).
func (e *Emulator) Invoke(ctx context.Context, event []byte, requestID string) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+InvokePath, bytes.NewReader(event))
	if err != nil {
		return Result{}, err
	}
	if requestID != "" {
		req.Header.Set("X-Amzn-RequestId", requestID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Result{}, fmt.Errorf("read invocation result: %w", err)
	}
	return Result{Status: resp.StatusCode, Body: body}, nil
}

// HTTPResponse is a function URL response in Lambda's streaming format
// (application/vnd.awslambda.http-integration-response): a JSON prelude with
// the status and headers, eight NUL bytes, then the body.
type HTTPResponse struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Cookies    []string          `json:"cookies"`
	Body       []byte            `json:"-"`
}

// streamDelimiter separates the prelude from the body.
var streamDelimiter = make([]byte, 8)

// ErrNotStreamed says an invocation's payload is not a streamed HTTP response
// (a plain JSON result, or an error).
var ErrNotStreamed = errors.New("not a streamed function URL response")

// ParseHTTP reads a streamed function URL response.
func ParseHTTP(payload []byte) (HTTPResponse, error) {
	i := bytes.Index(payload, streamDelimiter)
	if i < 0 {
		return HTTPResponse{}, ErrNotStreamed
	}
	var r HTTPResponse
	if err := json.Unmarshal(payload[:i], &r); err != nil || r.StatusCode == 0 {
		return HTTPResponse{}, fmt.Errorf("%w: prelude %q", ErrNotStreamed, payload[:i])
	}
	r.Body = payload[i+len(streamDelimiter):]
	return r, nil
}

// FunctionError is the payload of a failed invocation ({"errorMessage","errorType"}).
type FunctionError struct {
	Message string `json:"errorMessage"`
	Type    string `json:"errorType"`
}

// AsFunctionError reports whether a payload is a function error.
func AsFunctionError(payload []byte) (FunctionError, bool) {
	var fe FunctionError
	if json.Unmarshal(payload, &fe) != nil || (fe.Type == "" && fe.Message == "") {
		return fe, false
	}
	return fe, true
}

var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// InitDuration is the function's init phase as the emulator measured it (from
// starting the bootstrap to its first request for an event), once the first
// invocation has run. The emulator's output arrives through a pipe, so it
// waits a little for the line.
func (e *Emulator) InitDuration() (time.Duration, bool) {
	var m []string
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if m = initReport.FindStringSubmatch(e.Logs()); m != nil || time.Now().After(deadline) {
			break
		}
	}
	if m == nil {
		return 0, false
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(ms * float64(time.Millisecond)), true
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// lockedBuffer collects output from two writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Clone(l.b.String())
}

// Local is what a function needs to run against the local platform's
// servers (make dev, make test) instead of AWS.
type Local struct {
	DynamoDBURL, S3URL            string
	AccessKey, SecretKey, Region  string
	Table, Bucket, Contest        string
	TokenKey, MailOutbox, SiteURL string
}

// Env is the function's environment for l: the names of shared/platform, as
// the stack sets them on AWS, but the signing key in TOKEN_KEY (no Secrets
// Manager locally), e-mails to an outbox folder and path-style S3.
func (l Local) Env() []string {
	env := []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + l.DynamoDBURL,
		"AWS_ENDPOINT_URL_S3=" + l.S3URL,
		"AWS_ACCESS_KEY_ID=" + l.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + l.SecretKey,
		"AWS_REGION=" + l.Region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_LOG_FORMAT=JSON", // the stack's LoggingFormat JSON
		platform.EnvTable + "=" + l.Table,
		platform.EnvBucket + "=" + l.Bucket,
		platform.EnvContest + "=" + l.Contest,
		platform.EnvTokenKey + "=" + l.TokenKey,
		platform.EnvS3PathStyle + "=true",
	}
	if l.MailOutbox != "" {
		env = append(env, platform.EnvMailOutbox+"="+l.MailOutbox, platform.EnvMailRate+"=1000")
	}
	if l.SiteURL != "" {
		env = append(env, platform.EnvSiteURL+"="+l.SiteURL)
	}
	return env
}

// WaitLog waits until the output contains s (the emulator's output arrives
// through a pipe, after the invocation's answer), at most timeout.
func (e *Emulator) WaitLog(s string, timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); ; time.Sleep(5 * time.Millisecond) {
		if strings.Contains(e.Logs(), s) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
