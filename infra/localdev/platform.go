package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/infra/localenv"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/platform"
)

// Platform is the local stand-in for AWS: a DynamoDB-compatible server
// (dynoxide), an S3-compatible server (versitygw), each function's real binary
// behind its own "function URL" (a CORS layer configured like the stack's),
// and the static site.
type Platform struct {
	Root      string // repository root
	StateDir  string // where state, logs and binaries live (.local or a temp dir)
	Persist   bool   // keep DynamoDB and S3 state in StateDir across restarts
	Table     string
	Bucket    string
	Contest   string
	TokenKey  string
	DynamoURL string // set by StartServers, or given to reuse a running server
	S3URL     string
	ExtraEnv  []string // more environment for the functions (tests)
	// FunctionEnv is more environment for one function's process (the load
	// command's counting datastore address and profiling port), after ExtraEnv.
	FunctionEnv map[string][]string

	SiteURL      string
	FunctionURLs map[string]string

	mu       sync.Mutex
	procs    []*child
	dynamo   *child        // the dynoxide process StartServers started, if any
	stopping bool          // Stop is ending the children: their exits are expected
	failed   chan struct{} // closed by the first unexpected exit (Failed)
	failure  error
	servers  []*http.Server
	fnEnv    []string
	notifier *s3Notifier // the bucket's event notifications (notify.go)

	// mappings play the event source mappings of stream-fed functions
	// (streams.go), by function name.
	mappings    map[string]*streamMapping
	stopStreams context.CancelFunc
	clientsOnce sync.Once
	db          *dynamodb.Client
	obj         *s3.Client
}

func (p *Platform) path(parts ...string) string {
	return filepath.Join(append([]string{p.StateDir}, parts...)...)
}

// Outbox is where e-mails are delivered locally.
func (p *Platform) Outbox() string { return p.path("outbox") }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// portOr returns want if it is non-zero, else a free port.
func portOr(want int) (int, error) {
	if want != 0 {
		return want, nil
	}
	return freePort()
}

// child is a process the platform started (a server or a function),
// watched from its start to its exit.
type child struct {
	name string // "dynamodb", "s3", a function's name: its log's and CPU time's
	what string // for people: "the local DynamoDB server (dynoxide)"
	log  string // its log file, StateDir/logs/<name>.log
	cmd  *exec.Cmd
	done chan struct{} // closed once it has exited
	err  error         // how it exited, once done is closed
}

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// exitError says that the child exited (when) and shows the end of its log.
func (c *child) exitError(when string) error { return &childExit{c: c, when: when} }

// childExit is the error of a child's exit.
type childExit struct {
	c    *child
	when string
}

func (e *childExit) Error() string {
	how := "exit status 0"
	if e.c.err != nil {
		how = e.c.err.Error()
	}
	return fmt.Sprintf("%s exited (%s) %s; the last lines of its log (%s):\n%s", e.c.what, how, e.when, e.c.log, logTail(e.c.log, 15))
}

// logTail returns the last n lines of a log file, indented.
func logTail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "    (" + err.Error() + ")"
	}
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return "    (empty)"
	}
	return "    " + strings.Join(lines, "\n    ")
}

// start runs a child with its output in StateDir/logs/<name>.log. Its exit,
// unless Stop caused it, is the platform's failure (see Failed).
func (p *Platform) start(name, what string, env []string, bin string, args ...string) (*child, error) {
	if err := os.MkdirAll(p.path("logs"), 0o755); err != nil {
		return nil, err
	}
	c := &child{name: name, what: what, log: p.path("logs", name+".log"), done: make(chan struct{})}
	logf, err := os.Create(c.log)
	if err != nil {
		return nil, err
	}
	c.cmd = exec.Command(bin, args...)
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := c.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", what, err)
	}
	p.mu.Lock()
	p.procs = append(p.procs, c)
	p.mu.Unlock()
	go func() {
		c.err = c.cmd.Wait()
		logf.Close()
		close(c.done)
		p.childExited(c)
	}()
	return c, nil
}

// childExited records the first child that exited on its own.
func (p *Platform) childExited(c *child) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopping || p.failure != nil {
		return
	}
	p.failure = c.exitError("while running")
	close(p.failedChan())
}

// failedChan must be called with p.mu held.
func (p *Platform) failedChan() chan struct{} {
	if p.failed == nil {
		p.failed = make(chan struct{})
	}
	return p.failed
}

// Failed is closed when a server or function the platform started exits
// without Stop asking it to; Failure then says which, how, and its log's end.
func (p *Platform) Failed() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failedChan()
}

// Failure is the exit that closed Failed, or nil.
func (p *Platform) Failure() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failure
}

// Explain returns the exit of a server or function, if one has exited by
// now or does in a moment, with err as its consequence: "connection refused"
// from a seed says less than the dead server's log. Else it returns err.
func (p *Platform) Explain(err error) error {
	if ce := (*childExit)(nil); errors.As(err, &ce) {
		return err // explained already
	}
	select {
	case <-p.Failed():
	case <-time.After(300 * time.Millisecond):
		return err
	}
	return fmt.Errorf("%w\n(and so: %v)", p.Failure(), err)
}

// waitHTTP waits until the child answers HTTP at u. An answer counts only
// while the child runs and holds the listening socket itself: another
// server on that port (a copy of make dev, anything) is never taken for it.
func waitHTTP(ctx context.Context, u string, c *child) error {
	parsed, err := url.Parse(u)
	if err != nil {
		return err
	}
	port, _ := strconv.Atoi(parsed.Port())
	deadline := time.Now().Add(30 * time.Second)
	foreign := ""
	for time.Now().Before(deadline) {
		if c.exited() {
			return c.exitError("before it answered at " + u + foreign)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			inodes, ok := listenInodes(port)
			switch {
			case !ok && !c.exited(): // no /proc: its being alive has to do
				return nil
			case ok && holdsSocket(c.cmd.Process.Pid, inodes):
				return nil
			}
			foreign = " (another server answers there)"
			if pid, cmdline := listenerProcess(port); pid != 0 {
				foreign = fmt.Sprintf(" (process %d answers there: %s)", pid, cmdline)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not come up at %s%s within 30 s; the last lines of its log (%s):\n%s", c.what, u, foreign, c.log, logTail(c.log, 15))
}

// StartServers starts dynoxide and versitygw unless DynamoURL/S3URL are set.
func (p *Platform) StartServers(ctx context.Context, ports Ports) error {
	if p.DynamoURL == "" {
		port, err := portOr(ports.Dynamo)
		if err != nil {
			return err
		}
		args := []string{"serve", "--host", "127.0.0.1", "--port", strconv.Itoa(port)}
		if p.Persist {
			if err := os.MkdirAll(p.path("dynamodb"), 0o755); err != nil {
				return err
			}
			args = append(args, "--db-path", p.path("dynamodb", "hoithi.sqlite"))
		}
		c, err := p.start("dynamodb", "the local DynamoDB server (dynoxide)", nil, filepath.Join(p.Root, "node_modules/@dynoxide/linux-x64/dynoxide"), args...)
		if err != nil {
			return err
		}
		p.mu.Lock()
		p.dynamo = c
		p.mu.Unlock()
		u := fmt.Sprintf("http://127.0.0.1:%d", port)
		if err := waitHTTP(ctx, u, c); err != nil {
			return err
		}
		p.DynamoURL = u
	}
	if p.S3URL == "" {
		port, err := portOr(ports.S3)
		if err != nil {
			return err
		}
		dir := p.path("s3")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		// The webhook first: versitygw exits if it cannot reach it.
		hook, err := p.startNotifier()
		if err != nil {
			return err
		}
		c, err := p.start("s3", "the local S3 server (versitygw)", nil, filepath.Join(p.Root, ".local/bin/versitygw"),
			"--access", localenv.AccessKey, "--secret", localenv.SecretKey, "--region", localenv.Region, "--port", fmt.Sprintf("127.0.0.1:%d", port),
			"--event-webhook-url", hook, "posix", dir)
		if err != nil {
			return err
		}
		u := fmt.Sprintf("http://127.0.0.1:%d", port)
		if err := waitHTTP(ctx, u, c); err != nil {
			return err
		}
		p.S3URL = u
	}
	return nil
}

// AWSEnv is the environment that points SDK clients at the local servers.
func (p *Platform) AWSEnv() []string {
	return []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + p.DynamoURL,
		"AWS_ENDPOINT_URL_S3=" + p.S3URL,
		"AWS_REGION=" + localenv.Region,
		"AWS_ACCESS_KEY_ID=" + localenv.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + localenv.SecretKey,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

func (p *Platform) awsConfig() aws.Config {
	return aws.Config{
		Region:      localenv.Region,
		Credentials: credentials.NewStaticCredentialsProvider(localenv.AccessKey, localenv.SecretKey, ""),
	}
}

// Clients returns SDK clients for the local servers.
// They are built once, when the servers' addresses are known.
func (p *Platform) Clients() (*dynamodb.Client, *s3.Client) {
	p.clientsOnce.Do(func() {
		cfg := p.awsConfig()
		p.db = dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(p.DynamoURL) })
		p.obj = s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(p.S3URL); o.UsePathStyle = true })
	})
	return p.db, p.obj
}

// CreateResources creates the table (from platform.Table) and the bucket if missing.
func (p *Platform) CreateResources(ctx context.Context) error {
	db, obj := p.Clients()
	err := dynamo.CreateTable(ctx, db, p.Table)
	if errors.Is(err, dynamo.ErrTableDiffers) {
		// kept state from an older version: its indexes would answer wrongly
		fmt.Printf("HoiThi: the local table in %s was made by an older version (its indexes differ): making it again, with the demo data afresh\n", p.StateDir)
		if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(p.Table)}); err != nil {
			return fmt.Errorf("delete the outdated table: %w", err)
		}
		if err := dynamodb.NewTableNotExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(p.Table)}, 30*time.Second); err != nil {
			return fmt.Errorf("delete the outdated table: %w", err)
		}
		err = dynamo.CreateTable(ctx, db, p.Table)
	}
	if err != nil {
		return err
	}
	_, err = obj.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(p.Bucket)})
	if err != nil && !strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") && !strings.Contains(err.Error(), "BucketAlreadyExists") {
		return fmt.Errorf("create bucket %s: %w", p.Bucket, err)
	}
	return nil
}

// BuildFunctions compiles every function for this machine into StateDir/bin.
func (p *Platform) BuildFunctions(ctx context.Context) error {
	args := []string{"build", "-o", p.path("bin") + "/"}
	for _, f := range platform.Functions {
		args = append(args, "./functions/"+f.Name)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = p.Root, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build functions: %w", err)
	}
	return nil
}

// StartFunctions runs each function's binary (the code that runs on Lambda,
// in its local HTTP mode) and puts its own CORS-configured origin in front.
func (p *Platform) StartFunctions(ctx context.Context, ports Ports) error {
	sitePort, err := portOr(ports.Site)
	if err != nil {
		return err
	}
	p.SiteURL = fmt.Sprintf("http://127.0.0.1:%d", sitePort)
	p.FunctionURLs = map[string]string{}
	env := append(p.AWSEnv(),
		platform.EnvTable+"="+p.Table,
		platform.EnvBucket+"="+p.Bucket,
		platform.EnvContest+"="+p.Contest,
		platform.EnvTokenKey+"="+p.TokenKey,
		platform.EnvMailOutbox+"="+p.Outbox(),
		platform.EnvMailRate+"=1000", // the outbox is a folder, not SES
		platform.EnvMailDomains+"="+demo.Domain,
		platform.EnvS3PathStyle+"=true",
		platform.EnvSiteURL+"="+p.SiteURL,
		"AWS_LAMBDA_LOG_FORMAT=JSON",
	)
	env = append(env, p.ExtraEnv...)
	p.fnEnv = env
	for _, f := range platform.Functions {
		if !f.HasURL {
			continue // event-only: RunEvent runs its binary per event
		}
		inner, err := freePort()
		if err != nil {
			return err
		}
		innerAddr := fmt.Sprintf("127.0.0.1:%d", inner)
		fnEnv := append(slices.Clip(env), p.FunctionEnv[f.Name]...)
		c, err := p.start(f.Name, "the function "+f.Name, append(fnEnv, platform.EnvListen+"="+innerAddr), p.path("bin", f.Name))
		if err != nil {
			return err
		}
		public, err := portOr(ports.Functions[f.Name])
		if err != nil {
			return err
		}
		target, _ := url.Parse("http://" + innerAddr)
		if err := p.serve(fmt.Sprintf("127.0.0.1:%d", public), localProxy(target)); err != nil {
			return ports.listenError(public, fmt.Errorf("function URL of %s: %w", f.Name, err))
		}
		p.FunctionURLs[f.Name] = fmt.Sprintf("http://127.0.0.1:%d", public)
		if err := waitHTTP(ctx, "http://"+innerAddr+"/", c); err != nil {
			return err
		}
	}
	if err := p.connectClipUploads(ctx); err != nil {
		return err
	}
	streams, stop := context.WithCancel(context.WithoutCancel(ctx))
	p.mappings, p.stopStreams = map[string]*streamMapping{}, stop
	p.startStreams(streams)
	if err := p.serve(fmt.Sprintf("127.0.0.1:%d", sitePort), p.siteHandler()); err != nil {
		return ports.listenError(sitePort, fmt.Errorf("site: %w", err))
	}
	return nil
}

// localTransport is the HTTP transport of the local layers in front of a
// server (the function URLs, the load's counting proxies): it keeps as many
// idle connections to the one server as there are requests in flight. Go's
// default keeps two, so at a peak every other request would open (and leave
// in TIME_WAIT) a new connection.
func localTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost, t.IdleConnTimeout = 1024, 1024, time.Minute
	return t
}

// localProxy is a reverse proxy to target over localTransport, copying
// bodies through pooled buffers (by default it allocates 32 KB per response).
func localProxy(target *url.URL) *httputil.ReverseProxy {
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = localTransport()
	proxy.BufferPool = proxyBuffers
	proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if !errors.Is(err, context.Canceled) { // a caller that went away is no error of the server's
			log.Printf("proxy to %s: %v", target.Host, err)
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	return proxy
}

var proxyBuffers = &bufferPool{sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}

// bufferPool is httputil.BufferPool over a sync.Pool.
type bufferPool struct{ pool sync.Pool }

func (b *bufferPool) Get() []byte  { return *b.pool.Get().(*[]byte) }
func (b *bufferPool) Put(p []byte) { b.pool.Put(&p) }

func (p *Platform) serve(addr string, h http.Handler) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	p.servers = append(p.servers, srv)
	go func() { _ = srv.Serve(l) }()
	return nil
}

// embedPath is the folder of the site other sites may frame (the banner of the
// unit websites, web/embed/): the stack's /embed/* behavior.
const embedPath = "/embed/"

// siteHandler serves web/ and the generated config.js naming the function URLs,
// with the framing headers CloudFront adds (see siteSecurityHeaders).
func (p *Platform) siteHandler() http.Handler {
	files := http.FileServer(http.Dir(filepath.Join(p.Root, "web")))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/"+platform.PrefixResults) {
			siteSecurityHeaders(w.Header(), r.URL.Path)
		}
		if r.URL.Path == "/config.js" {
			cfg := map[string]string{"contest": p.Contest}
			for k, v := range p.FunctionURLs {
				cfg[k] = v
			}
			data, _ := json.Marshal(cfg)
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			fmt.Fprintf(w, "window.HOITHI_CONFIG = %s;\n", data)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/"+platform.PrefixResults) {
			p.serveResult(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// siteSecurityHeaders sets the headers of the stack's response headers
// policies that matter to a browser over plain HTTP: /embed/* may be framed
// by any site (Content-Security-Policy frame-ancestors *), every other page
// by the site itself only (X-Frame-Options SAMEORIGIN, against clickjacking
// of the sign-in and quiz pages), and nothing is MIME-sniffed. /results/* is
// left alone: on AWS its policy (CORS_ALLOW_ALL_ORIGINS) adds none of these.
func siteSecurityHeaders(h http.Header, urlPath string) {
	h.Set("X-Content-Type-Options", "nosniff")
	// The file server cleans the path: /embed/../index.html is index.html.
	if strings.HasPrefix(urlPath, embedPath) && strings.HasPrefix(path.Clean(urlPath)+"/", embedPath) {
		h.Set("Content-Security-Policy", "frame-ancestors *")
		return
	}
	h.Set("X-Frame-Options", "SAMEORIGIN")
}

// serveResult serves published results from the bucket's results/ prefix, as
// the CDN does on AWS: nothing else of the bucket is reachable.
func (p *Platform) serveResult(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if !strings.HasPrefix(key, platform.PrefixResults) || strings.Contains(key, "..") || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	_, obj := p.Clients()
	out, err := obj.GetObject(r.Context(), &s3.GetObjectInput{Bucket: aws.String(p.Bucket), Key: aws.String(key)})
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer out.Body.Close()
	if out.ContentType != nil {
		w.Header().Set("Content-Type", *out.ContentType)
	}
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = io.Copy(w, out.Body)
}

// Stop ends every process and server the platform started.
func (p *Platform) Stop() {
	p.mu.Lock()
	p.stopping = true
	procs := p.procs
	p.procs = nil
	p.mu.Unlock()
	if p.stopStreams != nil {
		p.stopStreams()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for _, s := range p.servers {
		_ = s.Shutdown(ctx)
	}
	if p.notifier != nil {
		p.notifier.stop()
		p.notifier = nil
	}
	for i := len(procs) - 1; i >= 0; i-- {
		c := procs[i]
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(3 * time.Second):
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
			<-c.done
		}
	}
	p.servers = nil
}

// KillDatastore ends the dynoxide process StartServers started, as a crash
// would (SIGKILL): the load's fault injection in tests. Its exit is the
// platform's failure, as any child's.
func (p *Platform) KillDatastore() error {
	p.mu.Lock()
	c := p.dynamo
	p.mu.Unlock()
	if c == nil {
		return errors.New("no datastore process started here")
	}
	return syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// findRoot walks up from the working directory to the repository root.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(data), "module github.com/hoithi/hoithi\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the HoiThi repository")
		}
		dir = parent
	}
}

// ScheduledEvent is the event EventBridge Scheduler sends for a schedule.
func ScheduledEvent(s platform.Schedule, contestID string, at time.Time) []byte {
	ev := map[string]any{
		"version": "0", "id": randomHex(16), "detail-type": "Scheduled Event", "source": "aws.scheduler",
		"account": "000000000000", "time": at.UTC().Format(time.RFC3339), "region": localenv.Region,
		"resources": []string{"arn:aws:scheduler:" + localenv.Region + ":000000000000:schedule/default/" + s.Name},
		"detail":    s.Detail(contestID),
	}
	data, _ := json.Marshal(ev)
	return data
}

// RunEvent invokes a function's binary once with an event, as Lambda would
// for a schedule, and returns what it printed as its result.
func (p *Platform) RunEvent(ctx context.Context, fn string, event []byte) ([]byte, error) {
	f, err := os.CreateTemp(p.StateDir, "event-*.json")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(event); err != nil {
		return nil, err
	}
	f.Close()
	cmd := exec.CommandContext(ctx, p.path("bin", fn))
	cmd.Env = append(append(os.Environ(), p.fnEnv...), "LOCAL_EVENT_FILE="+f.Name())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s event: %w; %s", fn, err, stderr.String())
	}
	return out, nil
}

// TickEvent is the event EventBridge Scheduler sends for a function's tick
// (platform.TickDetail).
func TickEvent(fn string, at time.Time) []byte {
	ev := map[string]any{
		"version": "0", "id": randomHex(16), "detail-type": "Scheduled Event", "source": "aws.scheduler",
		"account": "000000000000", "time": at.UTC().Format(time.RFC3339), "region": localenv.Region,
		"resources": []string{"arn:aws:scheduler:" + localenv.Region + ":000000000000:schedule/default/" + fn + "-tick"},
		"detail":    platform.TickDetail(),
	}
	data, _ := json.Marshal(ev)
	return data
}

// PlaySchedules plays every function's tick, as the stack schedules it:
// once at start (catching up on tallies due while the platform was stopped,
// and a reminder slot of the last hours) and every platform.TickEvery until
// ctx ends. What each tick starts comes from the contests' own schedules.
func (p *Platform) PlaySchedules(ctx context.Context, logf func(string, ...any)) {
	for _, f := range platform.Functions {
		if !f.Ticks {
			continue
		}
		go func() {
			wait := time.Duration(0)
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
				wait = platform.TickEvery
				out, err := p.RunEvent(ctx, f.Name, TickEvent(f.Name, time.Now()))
				switch {
				case err != nil:
					logf("%s tick: %v", f.Name, err)
				case !strings.Contains(string(out), `"runs":[]`):
					logf("%s tick ran: %s", f.Name, strings.TrimSpace(string(out)))
				}
			}
		}()
	}
}
