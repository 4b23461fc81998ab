// Command localdev runs HoiThi on this machine without an AWS account.
//
//	localdev dev              the whole contest with demo data (make dev)
//	localdev exec -- CMD...   local DynamoDB and S3 servers around CMD (make test)
//	localdev load [flags]     the peak through the function URLs, with figures (make load)
//
// State of `dev` lives in .local/ (git-ignored; -state picks another
// directory, one run per directory) and survives restarts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hoithi/hoithi/infra/localenv"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/platform"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	code := 0
	switch os.Args[1] {
	case "dev":
		err = dev(os.Args[2:])
	case "exec":
		code, err = execWithServers(os.Args[2:])
	case "load":
		err = load(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localdev:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: localdev dev [flags] | localdev exec -- command [args...] | localdev load [flags]")
	os.Exit(2)
}

// Endpoints is written to .local/endpoints.json for people and scripts.
type Endpoints struct {
	Site     string        `json:"site"`
	Auth     string        `json:"auth"`
	Quiz     string        `json:"quiz"`
	Grade    string        `json:"grade"`
	Tally    string        `json:"tally"`
	Units    string        `json:"units"`
	Contest  string        `json:"contest"`
	Table    string        `json:"table"`
	Outbox   string        `json:"outbox"`
	DynamoDB string        `json:"dynamodb"`
	S3       string        `json:"s3"`
	Accounts demo.Accounts `json:"accounts"`
}

func dev(args []string) error {
	fs := flag.NewFlagSet("dev", flag.ExitOnError)
	sitePort := fs.Int("site-port", 8080, "port of the static site")
	fnPort := fs.Int("function-port", 9001, "first port of the function URLs (one each, in the order of shared/platform: auth, quiz, grade, tally, clips, admin, units)")
	dynamoPort := fs.Int("dynamodb-port", 8000, "port of the local DynamoDB-compatible server")
	s3Port := fs.Int("s3-port", 9000, "port of the local S3-compatible server")
	stateDir := fs.String("state", "", "directory of this run's state (default .local/ of the checkout); one run per directory")
	_ = fs.Parse(args)
	// Every port first: a clash must show at once, not after seeding and building.
	ports := devPorts(*sitePort, *fnPort, *dynamoPort, *s3Port)
	if err := checkPorts(ports); err != nil {
		return fmt.Errorf("HoiThi cannot start:\n%w", err)
	}

	root, err := findRoot()
	if err != nil {
		return err
	}
	state := filepath.Join(root, ".local")
	if *stateDir != "" {
		if state, err = filepath.Abs(*stateDir); err != nil {
			return err
		}
	}
	lock, err := lockState(state)
	if err != nil {
		return fmt.Errorf("HoiThi cannot start:\n%w", err)
	}
	defer lock.release()
	key, err := persistentKey(filepath.Join(state, "token.key"))
	if err != nil {
		return err
	}
	p := &Platform{Root: root, StateDir: state, Persist: true, Table: localenv.Table, Bucket: localenv.Bucket, Contest: demo.ContestID, TokenKey: key}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer p.Stop()

	fmt.Println("HoiThi: starting the local DynamoDB and S3 servers…")
	if err := p.StartServers(ctx, ports); err != nil {
		return err
	}
	if err := p.CreateResources(ctx); err != nil {
		return p.Explain(err)
	}
	fmt.Println("HoiThi: seeding the demo contest…")
	db, obj := p.Clients()
	accounts, err := demo.Seed(ctx, dynamo.New(db, p.Table, nil), blob.NewBankBucket(obj, p.Bucket), time.Now())
	if err != nil {
		return p.Explain(fmt.Errorf("seed: %w", err))
	}
	fmt.Println("HoiThi: building and starting the functions…")
	if err := p.BuildFunctions(ctx); err != nil {
		return err
	}
	if err := p.StartFunctions(ctx, ports); err != nil {
		return p.Explain(err)
	}
	if err := p.Failure(); err != nil { // a server that answered once, and no more
		return err
	}
	ep := Endpoints{
		Site: p.SiteURL, Auth: p.FunctionURLs["auth"], Quiz: p.FunctionURLs["quiz"], Grade: p.FunctionURLs["grade"], Tally: p.FunctionURLs["tally"], Units: p.FunctionURLs["units"],
		Contest: p.Contest, Table: p.Table, Outbox: p.Outbox(), DynamoDB: p.DynamoURL, S3: p.S3URL, Accounts: accounts,
	}
	if err := writeEndpoints(filepath.Join(state, "endpoints.json"), ep, p.FunctionURLs); err != nil {
		return err
	}
	printSummary(ep, p, root)
	p.PlaySchedules(ctx, func(format string, args ...any) { fmt.Printf("HoiThi: "+format+"\n", args...) })
	select {
	case <-ctx.Done():
		fmt.Println("\nHoiThi: stopping…")
		return nil
	case <-p.Failed():
		return fmt.Errorf("stopped, because %w", p.Failure())
	}
}

// writeEndpoints writes every function URL by name (later functions included)
// plus the fixed fields.
func writeEndpoints(path string, ep Endpoints, fns map[string]string) error {
	data, err := json.Marshal(ep)
	if err != nil {
		return err
	}
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	for name, u := range fns {
		m[name] = u
	}
	out, _ := json.MarshalIndent(m, "", "  ")
	return os.WriteFile(path, append(out, '\n'), 0o644)
}

func printSummary(ep Endpoints, p *Platform, root string) {
	state := p.StateDir
	if rel, err := filepath.Rel(root, state); err == nil && !strings.HasPrefix(rel, "..") {
		state = rel
	}
	fmt.Printf("\nHoiThi is running (Ctrl+C to stop; state is kept in %s/).\n", state)
	fmt.Printf(`
  Site:          %s
  Unit banner:   %s/embed/banner.html?unit=%s   (for unit websites, in an iframe)
  Function URLs:`, ep.Site, ep.Site, demo.Units()[0].ID)
	for _, f := range platform.Functions {
		if f.HasURL {
			fmt.Printf("\n    %-6s       %s", f.Name, p.FunctionURLs[f.Name])
		}
	}
	fmt.Printf(`
  DynamoDB:      %s   (table %s)
  S3:            %s   (bucket %s)
  One-time codes are e-mailed to files in %s
  Endpoints and demo accounts: %s

  Try signing in as %s (participant), %s (unit admin),
  %s (organiser).
`, ep.DynamoDB, p.Table, ep.S3, p.Bucket, ep.Outbox, filepath.Join(state, "endpoints.json"), first(ep.Accounts.Participant), first(ep.Accounts.UnitAdmin), first(ep.Accounts.Organiser))
}

func first(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return s[0]
}

func persistentKey(path string) (string, error) {
	if data, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(data))) >= 32 {
		return strings.TrimSpace(string(data)), nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	key := randomHex(32)
	return key, os.WriteFile(path, []byte(key+"\n"), 0o600)
}

// execWithServers starts throwaway local servers, runs the command with the
// environment pointing at them, stops the servers and returns its exit code.
func execWithServers(args []string) (int, error) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		usage()
	}
	root, err := findRoot()
	if err != nil {
		return 0, err
	}
	state, err := os.MkdirTemp("", "hoithi-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(state)
	p := &Platform{Root: root, StateDir: state}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer p.Stop()
	if err := p.StartServers(ctx, Ports{}); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), p.AWSEnv()...)
	cmd.Env = append(cmd.Env, "HOITHI_REQUIRE_SERVERS=1", "HOITHI_ROOT="+root)
	return runWatched(p, cmd, os.Stderr)
}

// runWatched runs cmd while the platform's servers run. A server that dies
// during the run is reported (to report) when it happens, since the
// command's own failures follow from it, and fails the run even if the
// command succeeds. Else it returns the command's exit code.
func runWatched(p *Platform, cmd *exec.Cmd, report io.Writer) (int, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	ran, reported := make(chan struct{}), make(chan bool, 1)
	go func() {
		select {
		case <-p.Failed():
		case <-ran:
			// the command ended: a death seen before it did is still reported
			select {
			case <-p.Failed():
			default:
				reported <- false
				return
			}
		}
		fmt.Fprintf(report, "localdev: during %s: %v\n", filepath.Base(cmd.Path), p.Failure())
		reported <- true
	}()
	err := cmd.Wait()
	close(ran)
	if failure := p.Failure(); failure != nil {
		if <-reported {
			return 0, fmt.Errorf("a local server exited during %s (its log is shown above)", filepath.Base(cmd.Path))
		}
		return 0, fmt.Errorf("during %s: %w", filepath.Base(cmd.Path), failure)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}
