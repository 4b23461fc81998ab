// Command importer loads a contest folder (docs/import.md) into a deployed
// HoiThi stack, or into the local platform of a running `make dev`:
//
//	make import DIR=contests/hue-2026 TABLE=<TableName> BUCKET=<DataBucketName>
//	make import DIR=contests/hue-2026 LOCAL=1
//	go run ./infra/importer -dir contests/hue-2026 -dry-run
//	make import REGISTER=hue-2026 TABLE=<TableName>
//
// It reads and checks the whole folder first and writes nothing when anything
// is wrong, listing every problem with its file and line. Importing again
// gives the same state. The rules are shared/importer's, the same the
// organiser API (functions/admin) applies; this command reads and writes.
//
// With -register (no folder), it only makes sure that contests already in
// the table have their entry in the contests' registry (a put if absent,
// from their settings as they are): a contest saved before the registry
// existed has none, and the schedules' ticks never see it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/infra/localenv"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/importer"
	"github.com/hoithi/hoithi/shared/platform"
)

// options are the command's flags.
type options struct {
	dir           string
	register      string // contest ids, comma-separated: register them, import nothing
	dryRun, local bool
	state         string
	table, bucket string
	timeout       time.Duration
}

// connectFunc builds the import's target once the folder is known to be valid.
type connectFunc func(ctx context.Context, o options) (Target, error)

func main() {
	var o options
	flag.StringVar(&o.dir, "dir", "", "the contest folder (docs/import.md)")
	flag.BoolVar(&o.dryRun, "dry-run", false, "check the folder and print what it holds; write nothing (needs no AWS access)")
	flag.BoolVar(&o.local, "local", false, "import into the running `make dev` (found through <state>/endpoints.json)")
	flag.StringVar(&o.state, "state", ".local", "the local platform's state folder (with -local)")
	flag.StringVar(&o.table, "table", "", "the DynamoDB table: the stack's TableName output (default $"+platform.EnvTable+"; with -local "+localenv.Table+")")
	flag.StringVar(&o.bucket, "bucket", "", "the data bucket: the stack's DataBucketName output (default $"+platform.EnvBucket+"; with -local "+localenv.Bucket+")")
	flag.StringVar(&o.register, "register", "", "contest ids (comma-separated) already in the table: add each to the contests' registry if it is not there (no folder; needs only the table)")
	flag.DurationVar(&o.timeout, "timeout", 15*time.Minute, "give up after this long (an import is safe to run again)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./infra/importer -dir <contest folder> [-dry-run] [-local] [-table T -bucket B]\n       go run ./infra/importer -register <contest id,...> [-local] [-table T]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if (o.dir == "") == (o.register == "") || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := run(ctx, o, connect, time.Now(), os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "nhập dữ liệu:", err)
		cancel()
		stop()
		os.Exit(1)
	}
}

// run checks the folder, prints what it holds and, unless dry, writes it.
func run(ctx context.Context, o options, connect connectFunc, now time.Time, stdout, stderr io.Writer) error {
	if o.register != "" {
		t, err := connect(ctx, o)
		if err != nil {
			return err
		}
		return register(ctx, t.Store, strings.Split(o.register, ","), stdout)
	}
	f, err := importer.Load(o.dir, now)
	if err != nil {
		return err
	}
	for _, w := range f.Warnings {
		fmt.Fprintln(stderr, "lưu ý:", w)
	}
	if !f.Valid() {
		for _, p := range f.Problems {
			fmt.Fprintln(stderr, "lỗi:", p)
		}
		return fmt.Errorf("thư mục %s có %d lỗi: chưa ghi gì; sửa các lỗi trên rồi chạy lại", o.dir, len(f.Problems))
	}
	f.Summary(stdout)
	if o.dryRun {
		fmt.Fprintln(stdout, "Chạy thử: thư mục hợp lệ; chưa ghi gì.")
		return nil
	}
	t, err := connect(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đang ghi vào bảng %s và kho %s (%s)…\n", t.Table, t.Bucket, t.Where)
	w, err := Import(ctx, t, f, now, stdout)
	if err != nil {
		if w != (Written{}) {
			err = fmt.Errorf("%w\nMới ghi được một phần (%d bộ câu hỏi, %d đơn vị, %d người, %d tuần thi): khắc phục nguyên nhân rồi chạy lại; chạy lại nhiều lần vẫn an toàn",
				err, w.Banks, w.Units, w.Members, w.Rounds)
		}
		return err
	}
	fmt.Fprintf(stdout, "Đã ghi: %d bộ câu hỏi, thiết lập cuộc thi, %d đơn vị, %d người, %d tuần thi", w.Banks, w.Units, w.Members, w.Rounds)
	if w.KeptPublished > 0 {
		fmt.Fprintf(stdout, " (%d tuần đã công bố kết quả, giữ nguyên)", w.KeptPublished)
	}
	fmt.Fprintln(stdout, ".")
	if t.Serves != "" && t.Serves != f.Contest.ID {
		fmt.Fprintf(stdout, "lưu ý: trang web chạy trên máy đang hiện cuộc thi %q; cuộc thi %q dùng được qua các địa chỉ chức năng khi ghi tên nó (?contest=%s)\n",
			t.Serves, f.Contest.ID, f.Contest.ID)
	}
	return nil
}

// connect reaches the deployed stack with the SDK's usual credentials
// (environment, AWS_PROFILE, SSO), or the local platform with -local.
func connect(ctx context.Context, o options) (Target, error) {
	if o.local {
		return connectLocal(o)
	}
	if o.table == "" {
		o.table = os.Getenv(platform.EnvTable)
	}
	if o.bucket == "" {
		o.bucket = os.Getenv(platform.EnvBucket)
	}
	if o.table == "" || (o.bucket == "" && o.register == "") {
		return Target{}, fmt.Errorf("which stack? give -table and -bucket (the stack's TableName and DataBucketName outputs; or %s and %s), or -local for `make dev`",
			platform.EnvTable, platform.EnvBucket)
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return Target{}, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return Target{}, errors.New("no AWS region: set AWS_REGION to the stack's region (e.g. ap-southeast-1) or use a profile that has one")
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return Target{}, fmt.Errorf("no usable AWS credentials (%w)\n  → set AWS_PROFILE (and run aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", err)
	}
	// local S3-compatible servers (AWS_ENDPOINT_URL_S3) need path-style addresses
	pathStyle := os.Getenv(platform.EnvS3PathStyle) == "true" || os.Getenv("AWS_ENDPOINT_URL_S3") != ""
	return Target{
		Store:   dynamo.New(dynamodb.NewFromConfig(cfg), o.table, nil),
		Objects: blob.NewClient(cfg, pathStyle),
		Table:   o.table, Bucket: o.bucket, Where: "region " + cfg.Region,
	}, nil
}

// localEndpoints is the part of .local/endpoints.json the import needs.
type localEndpoints struct {
	Contest  string `json:"contest"`
	DynamoDB string `json:"dynamodb"`
	S3       string `json:"s3"`
}

func connectLocal(o options) (Target, error) {
	var ep localEndpoints
	path := filepath.Join(o.state, "endpoints.json")
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, &ep)
	}
	if err != nil || ep.DynamoDB == "" || ep.S3 == "" {
		return Target{}, fmt.Errorf("no local platform in %s (%v): start `make dev` in another terminal", path, err)
	}
	if o.table == "" {
		o.table = localenv.Table
	}
	if o.bucket == "" {
		o.bucket = localenv.Bucket
	}
	cfg := aws.Config{Region: localenv.Region, Credentials: credentials.NewStaticCredentialsProvider(localenv.AccessKey, localenv.SecretKey, "")}
	db := dynamodb.NewFromConfig(cfg, func(opt *dynamodb.Options) { opt.BaseEndpoint = aws.String(ep.DynamoDB) })
	obj := s3.NewFromConfig(cfg, func(opt *s3.Options) { opt.BaseEndpoint = aws.String(ep.S3); opt.UsePathStyle = true })
	return Target{
		Store: dynamo.New(db, o.table, nil), Objects: obj,
		Table: o.table, Bucket: o.bucket, Where: "the local platform", Serves: ep.Contest,
	}, nil
}
