// Package config reads a function's settings from its environment (names in
// shared/platform) and builds the AWS clients once per container.
package config

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/hoithi/hoithi/shared/platform"
)

// Config is what every function may need; each takes what it uses.
type Config struct {
	Table       string
	Bucket      string
	Contest     string
	Grace       time.Duration
	MailFrom    string
	Outbox      string
	S3PathStyle bool
}

// FromEnv reads the configuration; TABLE_NAME and CONTEST_ID are required.
func FromEnv() (Config, error) {
	c := Config{
		Table:       os.Getenv(platform.EnvTable),
		Bucket:      os.Getenv(platform.EnvBucket),
		Contest:     os.Getenv(platform.EnvContest),
		Grace:       60 * time.Second,
		MailFrom:    os.Getenv(platform.EnvMailFrom),
		Outbox:      os.Getenv(platform.EnvMailOutbox),
		S3PathStyle: os.Getenv(platform.EnvS3PathStyle) == "true",
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
	return c, nil
}

// AWS loads the SDK configuration (region, credentials and, locally, the
// AWS_ENDPOINT_URL_* overrides the SDK honours).
func AWS(ctx context.Context) (aws.Config, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return cfg, fmt.Errorf("load AWS config: %w", err)
	}
	return cfg, nil
}

// S3 builds an S3 client; path-style addressing is needed by local S3 servers.
func S3(cfg aws.Config, pathStyle bool) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle })
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
