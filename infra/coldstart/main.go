// Command coldstart prints each function's cold start under the runtime
// interface emulator against a hello-world function built the same way, and
// the size of each arm64 bootstrap (make bench-coldstart):
//
//	function  init median  init min  ×hello  ×hello+ddb  arm64 bootstrap  zipped
//
// hello+ddb is a second reference: hello with a DynamoDB client, the least
// every HoiThi function links. The ×hello+ddb column is what is ours to cut;
// the difference between the two references is the SDK's package init.
//
// The init duration is the emulator's INIT REPORT: from starting the
// bootstrap to its first request for an event (main's wiring: configuration,
// SDK clients, the signing key). Runs are interleaved across functions so
// that a busy machine weighs on all alike. Targets (printed, not enforced):
// ×hello ≤ 1.3, arm64 bootstrap ≤ 10 MB.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hoithi/hoithi/infra/lambdarie"
	"github.com/hoithi/hoithi/shared/platform"
)

const (
	targetRatio = 1.3
	targetBytes = 10 << 20
)

// probe is a function URL request no function serves (404): it reaches the
// handler without touching DynamoDB or S3, so no servers are needed.
const probe = `{"version":"2.0","rawPath":"/coldstart-probe","rawQueryString":"","headers":{"host":"coldstart.lambda-url.ap-southeast-1.on.aws"},` +
	`"requestContext":{"accountId":"anonymous","requestId":"coldstart","http":{"method":"GET","path":"/coldstart-probe","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"coldstart"},"timeEpoch":0},"isBase64Encoded":false}`

type subject struct {
	name       string
	host, arm  string
	memoryMB   int
	timeout    time.Duration
	inits      []time.Duration
	armSize    int64
	zippedSize int64
}

func main() {
	hostDir := flag.String("host", ".local/build-host", "host builds: <dir>/<function>/bootstrap")
	armDir := flag.String("arm64", ".local/build", "arm64 builds: <dir>/<function>/bootstrap")
	helloHost := flag.String("hello-host", ".local/bench/hello/host/bootstrap", "the hello-world bootstrap for this machine")
	helloArm := flag.String("hello-arm64", ".local/bench/hello/arm64/bootstrap", "the hello-world bootstrap for arm64")
	ddbHost := flag.String("hellodynamo-host", ".local/bench/hellodynamo/host/bootstrap", "hello with a DynamoDB client, for this machine")
	ddbArm := flag.String("hellodynamo-arm64", ".local/bench/hellodynamo/arm64/bootstrap", "hello with a DynamoDB client, for arm64")
	rie := flag.String("rie", ".local/bin/aws-lambda-rie", "the runtime interface emulator")
	runs := flag.Int("runs", 7, "cold starts per function")
	flag.Parse()
	refs := []*subject{
		{name: "hello", host: *helloHost, arm: *helloArm, memoryMB: 128, timeout: 10 * time.Second},
		{name: "hello+ddb", host: *ddbHost, arm: *ddbArm, memoryMB: 128, timeout: 10 * time.Second},
	}
	if err := run(*hostDir, *armDir, refs, *rie, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

func run(hostDir, armDir string, refs []*subject, rie string, runs int) error {
	subjects := slices.Clone(refs)
	for _, f := range platform.Functions {
		subjects = append(subjects, &subject{name: f.Name, memoryMB: f.MemoryMB, timeout: f.Timeout,
			host: filepath.Join(hostDir, f.Name, "bootstrap"), arm: filepath.Join(armDir, f.Name, "bootstrap")})
	}
	for _, s := range subjects {
		if _, err := os.Stat(s.host); err != nil {
			return fmt.Errorf("%s: %w (make bench-coldstart builds it)", s.name, err)
		}
		var err error
		if s.armSize, s.zippedSize, err = sizes(s.arm); err != nil {
			return fmt.Errorf("%s arm64 build: %w", s.name, err)
		}
	}
	outbox, err := os.MkdirTemp("", "hoithi-coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(outbox)
	// Enough for every function's main to get through its wiring; nothing is
	// contacted at init (the endpoints are never reached by the probe).
	env := lambdarie.Local{
		DynamoDBURL: "http://127.0.0.1:1", S3URL: "http://127.0.0.1:1", AccessKey: "coldstart", SecretKey: "coldstart",
		Region: "ap-southeast-1", Table: "hoithi", Bucket: "hoithi-data", Contest: "demo",
		TokenKey: strings.Repeat("k", 64), MailOutbox: outbox, SiteURL: "http://127.0.0.1:8080",
	}.Env()

	fmt.Fprintf(os.Stderr, "cold starts under the emulator: %d runs of %d functions", runs, len(subjects))
	for i := 0; i < runs; i++ {
		for _, s := range subjects {
			d, err := coldStart(s, rie, env)
			if err != nil {
				return err
			}
			s.inits = append(s.inits, d)
		}
		fmt.Fprint(os.Stderr, ".")
	}
	fmt.Fprintln(os.Stderr)

	hello, ddb := median(subjects[0].inits), median(subjects[1].inits)
	fmt.Printf("%-9s %12s %10s %8s %11s %16s %10s\n", "function", "init median", "init min", "×hello", "×hello+ddb", "arm64 bootstrap", "zipped")
	for i, s := range subjects {
		m := median(s.inits)
		ratio := float64(m) / float64(hello)
		fmt.Printf("%-9s %9.1f ms %7.1f ms %7.2f%s %10.2f %13.1f MB%s %7.1f MB\n", s.name, ms(m), ms(slices.Min(s.inits)),
			ratio, mark(i < len(refs) || ratio <= targetRatio), float64(m)/float64(ddb), mb(s.armSize), mark(s.armSize <= targetBytes), mb(s.zippedSize))
	}
	fmt.Printf("targets: ×hello ≤ %.1f, arm64 bootstrap ≤ %d MB (* = over); %d runs each, host builds (%s) under aws-lambda-rie\n",
		targetRatio, targetBytes>>20, runs, hostDir)
	fmt.Printf("hello+ddb (hello with a DynamoDB client) is already %.2f× hello: the SDK's package init, paid by every function\n",
		float64(ddb)/float64(hello))
	return nil
}

// coldStart starts a fresh emulator, invokes the probe once and reads the init duration.
func coldStart(s *subject, rie string, env []string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	emu, err := lambdarie.Start(ctx, lambdarie.Options{RIE: rie, Bootstrap: s.host, Env: env, FunctionName: s.name, MemoryMB: s.memoryMB, Timeout: s.timeout})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", s.name, err)
	}
	defer emu.Stop()
	if _, err := emu.Invoke(ctx, []byte(probe), "coldstart"); err != nil {
		return 0, fmt.Errorf("%s: %w", s.name, err)
	}
	d, ok := emu.InitDuration()
	if !ok {
		return 0, fmt.Errorf("%s: the emulator reported no init duration:\n%s", s.name, emu.Logs())
	}
	return d, nil
}

// sizes returns a bootstrap's size and the size of the zip Lambda would get.
func sizes(path string) (int64, int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "bootstrap", Method: zip.Deflate})
	if err != nil {
		return 0, 0, err
	}
	if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
		return 0, 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, 0, err
	}
	return int64(len(data)), int64(buf.Len()), nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func mb(n int64) float64         { return float64(n) / (1 << 20) }

func mark(ok bool) string {
	if ok {
		return " "
	}
	return "*"
}
