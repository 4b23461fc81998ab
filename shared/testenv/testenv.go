// Package testenv gives integration tests a fresh table on the local
// DynamoDB-compatible server and a fresh bucket on the local S3-compatible
// server that `make test` starts (infra/localdev). Without those servers the
// tests skip, unless HOITHI_REQUIRE_SERVERS=1 (as in make test), when they fail.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/mail"
)

func need(t testing.TB, env string) {
	t.Helper()
	if os.Getenv(env) != "" {
		return
	}
	if os.Getenv("HOITHI_REQUIRE_SERVERS") == "1" {
		t.Fatalf("%s is not set although HOITHI_REQUIRE_SERVERS=1", env)
	}
	t.Skipf("%s not set: run through `make test` for the local servers", env)
}

// Suffix returns a random name suffix.
func Suffix() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func awsConfig(t testing.TB) aws.Config {
	t.Helper()
	cfg, err := config.AWS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Table creates a fresh table (from platform.Table) and deletes it after the test.
func Table(t testing.TB) (*dynamodb.Client, string) {
	t.Helper()
	need(t, "AWS_ENDPOINT_URL_DYNAMODB")
	db := dynamodb.NewFromConfig(awsConfig(t))
	name := "hoithi-test-" + Suffix()
	if err := dynamo.CreateTestTable(context.Background(), db, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return db, name
}

// Bucket creates a fresh bucket and empties and deletes it after the test.
func Bucket(t testing.TB) (*s3.Client, string) {
	t.Helper()
	need(t, "AWS_ENDPOINT_URL_S3")
	client := blob.NewClient(awsConfig(t), true)
	name := "hoithi-test-" + Suffix()
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				break
			}
			for _, o := range page.Contents {
				_, _ = client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: o.Key})
			}
		}
		_, _ = client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)})
	})
	return client, name
}

// Outbox returns the messages a mail.Outbox wrote to dir, oldest first (file
// names start with the send time); a file that is not a message fails the test.
func Outbox(t testing.TB, dir string) []mail.Message {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	var out []mail.Message
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m mail.Message
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("outbox file %s: %v", f, err)
		}
		out = append(out, m)
	}
	return out
}
