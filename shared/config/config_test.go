package config_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/platform"
)

// setEnv sets every variable FromEnv reads: the given values, the others empty.
func setEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, k := range []string{platform.EnvTable, platform.EnvBucket, platform.EnvContest, platform.EnvGraceSeconds,
		platform.EnvMailFrom, platform.EnvMailOutbox, platform.EnvMailRate, platform.EnvS3PathStyle, platform.EnvTokenKey, platform.EnvTokenSecretARN, platform.EnvClockOffset} {
		t.Setenv(k, env[k])
	}
}

func TestFromEnv(t *testing.T) {
	base := func(extra map[string]string) map[string]string {
		env := map[string]string{"TABLE_NAME": "hoithi-table", "CONTEST_ID": "hue-2025"}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	tests := []struct {
		name      string
		env       map[string]string
		want      config.Config
		wantErrIn string // substring of the error; "" for success
	}{
		{name: "the two required variables are enough, with a 60 second grace",
			env:  base(nil),
			want: config.Config{Table: "hoithi-table", Contest: "hue-2025", Grace: 60 * time.Second, MailRate: 8}},
		{name: "every variable is read",
			env: base(map[string]string{"DATA_BUCKET": "hoithi-data", "MAIL_FROM": "no-reply@hue.gov.vn", "MAIL_OUTBOX_DIR": "/tmp/outbox",
				"S3_FORCE_PATH_STYLE": "true", "SUBMIT_GRACE_SECONDS": "90", "MAIL_RATE_PER_SECOND": "20"}),
			want: config.Config{Table: "hoithi-table", Bucket: "hoithi-data", Contest: "hue-2025", Grace: 90 * time.Second,
				MailFrom: "no-reply@hue.gov.vn", Outbox: "/tmp/outbox", MailRate: 20, S3PathStyle: true}},
		{name: "path-style S3 is off unless the variable is true",
			env:  base(map[string]string{"S3_FORCE_PATH_STYLE": "yes"}),
			want: config.Config{Table: "hoithi-table", Contest: "hue-2025", Grace: 60 * time.Second, MailRate: 8}},
		{name: "a grace of 0 seconds is allowed",
			env:  base(map[string]string{"SUBMIT_GRACE_SECONDS": "0"}),
			want: config.Config{Table: "hoithi-table", Contest: "hue-2025", Grace: 0, MailRate: 8}},
		{name: "a grace of 3600 seconds is allowed",
			env:  base(map[string]string{"SUBMIT_GRACE_SECONDS": "3600"}),
			want: config.Config{Table: "hoithi-table", Contest: "hue-2025", Grace: time.Hour, MailRate: 8}},
		{name: "a grace of 3601 seconds is refused", env: base(map[string]string{"SUBMIT_GRACE_SECONDS": "3601"}), wantErrIn: "SUBMIT_GRACE_SECONDS"},
		{name: "a negative grace is refused", env: base(map[string]string{"SUBMIT_GRACE_SECONDS": "-1"}), wantErrIn: "SUBMIT_GRACE_SECONDS"},
		{name: "a grace that is not a number is refused", env: base(map[string]string{"SUBMIT_GRACE_SECONDS": "sixty"}), wantErrIn: "SUBMIT_GRACE_SECONDS"},
		{name: "a grace with a unit is refused", env: base(map[string]string{"SUBMIT_GRACE_SECONDS": "60s"}), wantErrIn: "SUBMIT_GRACE_SECONDS"},
		{name: "a fractional grace is refused", env: base(map[string]string{"SUBMIT_GRACE_SECONDS": "1.5"}), wantErrIn: "SUBMIT_GRACE_SECONDS"},
		{name: "a mail rate of 1 a second is allowed",
			env:  base(map[string]string{"MAIL_RATE_PER_SECOND": "1"}),
			want: config.Config{Table: "hoithi-table", Contest: "hue-2025", Grace: 60 * time.Second, MailRate: 1}},
		{name: "a clock offset that is not a duration is refused", env: base(map[string]string{"CLOCK_OFFSET": "yesterday"}), wantErrIn: "CLOCK_OFFSET"},
		{name: "a clock offset without a unit is refused", env: base(map[string]string{"CLOCK_OFFSET": "3600"}), wantErrIn: "CLOCK_OFFSET"},
		{name: "a mail rate of 0 is refused", env: base(map[string]string{"MAIL_RATE_PER_SECOND": "0"}), wantErrIn: "MAIL_RATE_PER_SECOND"},
		{name: "a mail rate over 1000 is refused", env: base(map[string]string{"MAIL_RATE_PER_SECOND": "1001"}), wantErrIn: "MAIL_RATE_PER_SECOND"},
		{name: "a mail rate that is not a number is refused", env: base(map[string]string{"MAIL_RATE_PER_SECOND": "fast"}), wantErrIn: "MAIL_RATE_PER_SECOND"},
		{name: "a missing table is refused", env: map[string]string{"CONTEST_ID": "hue-2025"}, wantErrIn: "TABLE_NAME"},
		{name: "a missing contest is refused", env: map[string]string{"TABLE_NAME": "hoithi-table"}, wantErrIn: "CONTEST_ID"},
		{name: "an empty environment is refused", env: map[string]string{}, wantErrIn: "is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, tt.env)
			got, err := config.FromEnv()
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("FromEnv error = %v, want one naming %q", err, tt.wantErrIn)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromEnv error = %v, want nil", err)
			}
			if got.Now == nil {
				t.Fatal("FromEnv gave no clock")
			}
			if d := time.Since(got.Now()); d < -time.Second || d > time.Second {
				t.Errorf("without CLOCK_OFFSET the clock stands %s from the wall clock, want the wall clock", d)
			}
			got.Now = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromEnv =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestClockOffset(t *testing.T) {
	tests := []struct {
		name   string
		offset string
		want   time.Duration
	}{
		{name: "a negative offset runs the functions in the past", offset: "-2400h", want: -2400 * time.Hour},
		{name: "a positive offset runs them in the future", offset: "72h30m", want: 72*time.Hour + 30*time.Minute},
		{name: "a zero offset is the wall clock", offset: "0s", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, map[string]string{"TABLE_NAME": "hoithi-table", "CONTEST_ID": "hue-2025", "CLOCK_OFFSET": tt.offset})
			got, err := config.FromEnv()
			if err != nil {
				t.Fatal(err)
			}
			// the shift, to within the second the two readings may straddle
			if d := got.Now().Sub(time.Now()) - tt.want; d < -time.Second || d > time.Second {
				t.Errorf("the clock stands %s from the wall clock, want %s", got.Now().Sub(time.Now()), tt.want)
			}
		})
	}
}

func TestTokenKey(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr bool
	}{
		{name: "the local key comes from TOKEN_KEY", env: map[string]string{"TOKEN_KEY": "local-key-0123456789abcdef012345"}, want: "local-key-0123456789abcdef012345"},
		{name: "no key at all is an error", env: map[string]string{}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, tt.env)
			got, err := config.TokenKey(context.Background(), aws.Config{})
			if tt.wantErr {
				if err == nil {
					t.Fatalf("TokenKey = %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("TokenKey error = %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("TokenKey = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAWS(t *testing.T) {
	vars := []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_SESV2"}
	creds := map[string]string{"AWS_REGION": "ap-southeast-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
	with := func(extra map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range creds {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	endpoint := func(p *string) string { return aws.ToString(p) }
	tests := []struct {
		name       string
		env        map[string]string
		wantErrIn  string
		wantRegion string
		wantToken  string
		// the base endpoint each client ends up with ("" = the AWS default)
		wantDynamo, wantS3, wantSecrets, wantSES string
	}{
		{name: "Lambda's environment: region and session credentials, AWS endpoints",
			env: with(map[string]string{"AWS_SESSION_TOKEN": "session"}), wantRegion: "ap-southeast-1", wantToken: "session"},
		{name: "AWS_DEFAULT_REGION is the fallback region",
			env: map[string]string{"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}, wantRegion: "us-east-1"},
		{name: "per-service endpoints go to their own clients only",
			env:        with(map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"}),
			wantRegion: "ap-southeast-1", wantDynamo: "http://127.0.0.1:8000", wantS3: "http://127.0.0.1:9000"},
		{name: "service ids with spaces use underscores",
			env:        with(map[string]string{"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:4566"}),
			wantRegion: "ap-southeast-1", wantSecrets: "http://127.0.0.1:4566"},
		{name: "the global endpoint applies to every client, a service's own wins",
			env:        with(map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"}),
			wantRegion: "ap-southeast-1", wantDynamo: "http://127.0.0.1:4566", wantS3: "http://127.0.0.1:9000",
			wantSecrets: "http://127.0.0.1:4566", wantSES: "http://127.0.0.1:4566"},
		{name: "no region is an error", env: map[string]string{"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}, wantErrIn: "AWS_REGION"},
		{name: "no access key is an error", env: map[string]string{"AWS_REGION": "x", "AWS_SECRET_ACCESS_KEY": "b"}, wantErrIn: "AWS_ACCESS_KEY_ID"},
		{name: "no secret key is an error", env: map[string]string{"AWS_REGION": "x", "AWS_ACCESS_KEY_ID": "a"}, wantErrIn: "AWS_SECRET_ACCESS_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range vars {
				t.Setenv(k, tt.env[k])
			}
			cfg, err := config.AWS(context.Background())
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("AWS error = %v, want one naming %s", err, tt.wantErrIn)
				}
				return
			}
			if err != nil {
				t.Fatalf("AWS error = %v", err)
			}
			if cfg.Region != tt.wantRegion {
				t.Errorf("region %q, want %q", cfg.Region, tt.wantRegion)
			}
			got, err := cfg.Credentials.Retrieve(context.Background())
			if err != nil {
				t.Fatalf("credentials: %v", err)
			}
			if got.AccessKeyID != tt.env["AWS_ACCESS_KEY_ID"] || got.SecretAccessKey != tt.env["AWS_SECRET_ACCESS_KEY"] || got.SessionToken != tt.wantToken {
				t.Errorf("credentials %q/%q/%q, want the environment's", got.AccessKeyID, got.SecretAccessKey, got.SessionToken)
			}
			for _, c := range []struct{ client, got, want string }{
				{"DynamoDB", endpoint(dynamodb.NewFromConfig(cfg).Options().BaseEndpoint), tt.wantDynamo},
				{"S3", endpoint(s3.NewFromConfig(cfg).Options().BaseEndpoint), tt.wantS3},
				{"Secrets Manager", endpoint(secretsmanager.NewFromConfig(cfg).Options().BaseEndpoint), tt.wantSecrets},
				{"SES", endpoint(sesv2.NewFromConfig(cfg).Options().BaseEndpoint), tt.wantSES},
			} {
				if c.got != c.want {
					t.Errorf("%s endpoint %q, want %q", c.client, c.got, c.want)
				}
			}
		})
	}
}

func TestAWSClientsKeepAConnectionPerRequestInFlight(t *testing.T) {
	for k, v := range map[string]string{"AWS_REGION": "ap-southeast-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"} {
		t.Setenv(k, v)
	}
	cfg, err := config.AWS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		t.Fatalf("HTTP client %T, want the SDK's buildable client (its timeouts and retryable errors)", cfg.HTTPClient)
	}
	tr := c.GetTransport()
	if tr.MaxIdleConnsPerHost != config.IdleConnsPerHost || tr.MaxIdleConns < config.IdleConnsPerHost {
		t.Errorf("idle connections %d per host, %d in all; want %d per host", tr.MaxIdleConnsPerHost, tr.MaxIdleConns, config.IdleConnsPerHost)
	}
	if tr.TLSHandshakeTimeout != awshttp.DefaultHTTPTransportTLSHandleshakeTimeout {
		t.Errorf("TLS handshake timeout %s: the SDK's other settings are to stay", tr.TLSHandshakeTimeout)
	}
}
