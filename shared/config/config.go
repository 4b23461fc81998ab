// Package config reads a function's settings from its environment (names in
// shared/platform) and builds the AWS clients once per container.
package config

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/hoithi/hoithi/shared/platform"
)

// Config is what every function may need; each takes what it uses.
type Config struct {
	Table    string
	Bucket   string
	Contest  string
	Grace    time.Duration
	MailFrom string
	Outbox   string
	// MailRate caps reminder e-mails a second: SES's sending rate is per
	// account (14 a second once out of the sandbox), shared with sign-in codes.
	MailRate int
	// MailDomains are the deployment's verified SES domains: a contest may
	// send from an address of one of them (and of its own domains).
	MailDomains []string
	S3PathStyle bool
	// SiteURL is the deployment's site origin; BucketOrigins are the
	// deploy's other origins of the data bucket's CORS rule.
	SiteURL       string
	BucketOrigins []string
	// Now is the functions' clock: the wall clock, shifted by CLOCK_OFFSET
	// on the local platform and in tests.
	Now func() time.Time
}

// DefaultMailRate leaves SES room for sign-in codes during a reminder run.
const DefaultMailRate = 8

// FromEnv reads the configuration; TABLE_NAME and CONTEST_ID are required.
func FromEnv() (Config, error) {
	c := Config{
		Table:       os.Getenv(platform.EnvTable),
		Bucket:      os.Getenv(platform.EnvBucket),
		Contest:     os.Getenv(platform.EnvContest),
		Grace:       60 * time.Second,
		MailFrom:    os.Getenv(platform.EnvMailFrom),
		Outbox:      os.Getenv(platform.EnvMailOutbox),
		MailRate:    DefaultMailRate,
		S3PathStyle: os.Getenv(platform.EnvS3PathStyle) == "true",
		SiteURL:     os.Getenv(platform.EnvSiteURL),
		Now:         time.Now,
	}
	if c.Table == "" {
		return c, fmt.Errorf("%s is not set", platform.EnvTable)
	}
	if c.Contest == "" {
		return c, fmt.Errorf("%s is not set", platform.EnvContest)
	}
	if v := os.Getenv(platform.EnvGraceSeconds); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3600 {
			return c, fmt.Errorf("%s=%q: want seconds from 0 to 3600", platform.EnvGraceSeconds, v)
		}
		c.Grace = time.Duration(n) * time.Second
	}
	if v := os.Getenv(platform.EnvMailRate); v != "" {
		n, err := ParseMailRate(v)
		if err != nil {
			return c, fmt.Errorf("%s: %w", platform.EnvMailRate, err)
		}
		c.MailRate = n
	}
	for _, d := range strings.Split(os.Getenv(platform.EnvMailDomains), ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			c.MailDomains = append(c.MailDomains, d)
		}
	}
	for _, o := range strings.Split(os.Getenv(platform.EnvBucketOrigins), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.BucketOrigins = append(c.BucketOrigins, o)
		}
	}
	if v := os.Getenv(platform.EnvClockOffset); v != "" {
		now, err := OffsetClock(v)
		if err != nil {
			return c, fmt.Errorf("%s: %w", platform.EnvClockOffset, err)
		}
		c.Now = now
	}
	return c, nil
}

// OffsetClock is the wall clock shifted by a Go duration ("-72h30m"), for
// running the contest at a chosen instant locally and in tests.
func OffsetClock(offset string) (func() time.Time, error) {
	d, err := time.ParseDuration(offset)
	if err != nil {
		return nil, fmt.Errorf("%q: want a duration such as -72h30m", offset)
	}
	if d == 0 {
		return time.Now, nil
	}
	return func() time.Time { return time.Now().Add(d) }, nil
}

// ParseMailRate reads a reminder sending rate: e-mails a second, 1 to 1000.
func ParseMailRate(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, fmt.Errorf("%q: want e-mails a second from 1 to 1000", v)
	}
	return n, nil
}

// AWS builds the SDK configuration from the environment alone, which is
// all a Lambda function has: the region (AWS_REGION), the execution role's
// credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)
// and, locally, the endpoint overrides the SDK clients honour
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
//
// It does not use the SDK's config.LoadDefaultConfig on purpose: the shared
// files, SSO, STS web identity and instance metadata it can also read are
// never there in Lambda, and linking them costs every function about 1.2 MB
// and 3 ms of cold start (make bench-coldstart).
func AWS(context.Context) (aws.Config, error) {
	region := cmp.Or(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
	if region == "" {
		return aws.Config{}, fmt.Errorf("load AWS config: AWS_REGION is not set")
	}
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("load AWS config: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
	}
	cfg := aws.Config{
		Region:        region,
		Credentials:   credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN")),
		ConfigSources: []any{envEndpoints{}},
		HTTPClient:    httpClient(),
	}
	if u := os.Getenv("AWS_ENDPOINT_URL"); u != "" {
		cfg.BaseEndpoint = aws.String(u)
	}
	return cfg, nil
}

// envEndpoints gives the SDK clients AWS_ENDPOINT_URL_<SERVICE ID> (upper
// case, spaces as underscores: AWS_ENDPOINT_URL_DYNAMODB,
// AWS_ENDPOINT_URL_SECRETS_MANAGER), as the SDK's own environment source does.
type envEndpoints struct{}

// GetServiceBaseEndpoint implements the SDK's service endpoint source.
func (envEndpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	name := "AWS_ENDPOINT_URL_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_")
	if u := os.Getenv(name); u != "" {
		return u, true, nil
	}
	return "", false, nil
}

// TokenKey returns the session-signing key: from Secrets Manager when
// TOKEN_SECRET_ARN is set (as on AWS), else from TOKEN_KEY (local runs).
func TokenKey(ctx context.Context, cfg aws.Config) ([]byte, error) {
	if arn := os.Getenv(platform.EnvTokenSecretARN); arn != "" {
		out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
		if err != nil {
			return nil, fmt.Errorf("read token secret: %w", err)
		}
		if out.SecretString == nil {
			return nil, fmt.Errorf("token secret has no string value")
		}
		return []byte(strings.TrimSpace(*out.SecretString)), nil
	}
	if k := os.Getenv(platform.EnvTokenKey); k != "" {
		return []byte(k), nil
	}
	return nil, fmt.Errorf("neither %s nor %s is set", platform.EnvTokenSecretARN, platform.EnvTokenKey)
}

// IdleConnsPerHost is how many idle connections the SDK clients keep to one
// endpoint (the SDK keeps 10): a process serving many requests at once (a
// function served locally under make load, the tally's parallel reads)
// otherwise opens, and leaves in TIME_WAIT, a new connection for most of its
// calls: 1.7 connections a paper at 100 in flight under make load.
const IdleConnsPerHost = 256

// httpClient is the SDK's own HTTP client (its timeouts, TLS settings and
// retryable errors) keeping IdleConnsPerHost idle connections per endpoint.
func httpClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = max(t.MaxIdleConns, IdleConnsPerHost)
		t.MaxIdleConnsPerHost = IdleConnsPerHost
	})
}
