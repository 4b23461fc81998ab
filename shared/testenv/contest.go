package testenv

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
)

// Contest is a seeded demo contest on fresh local resources. Its Demo has
// the same store and banks, as the interfaces rule tests use.
type Contest struct {
	*Demo
	DB     *dynamodb.Client
	Table  string
	S3     *s3.Client
	Bucket string
	Store  *dynamo.Store
	Meter  *dynamo.Meter
	Banks  *blob.Banks
}

// SeededContest creates a table and a bucket and seeds the demo contest at
// the tests' clock (Now).
func SeededContest(t testing.TB) *Contest {
	t.Helper()
	return seededContestAt(t, Now())
}

// SeededContestWithRoom is SeededContest for a test whose story needs room
// to move its clock on inside this week's rounds (minutes or hours, as a
// participant's paper does): when this week closes within room of the tests'
// clock, the contest is seeded and the test runs room before it closes.
func SeededContestWithRoom(t testing.TB, room time.Duration) *Contest {
	t.Helper()
	return seededContestAt(t, WithRoom(Now(), room))
}

// WithRoom returns now, or the instant room before this week's rounds close
// (Sunday 24:00 ICT) when they close sooner.
func WithRoom(now time.Time, room time.Duration) time.Time {
	if closes := demo.WeekStart(now).AddDate(0, 0, 7); closes.Sub(now) < room {
		return closes.Add(-room)
	}
	return now
}

func seededContestAt(t testing.TB, now time.Time) *Contest {
	t.Helper()
	db, table := Table(t)
	obj, bucket := Bucket(t)
	c := &Contest{Demo: &Demo{Now: now}, DB: db, Table: table, S3: obj, Bucket: bucket, Meter: &dynamo.Meter{}}
	c.Store = dynamo.New(db, table, c.Meter)
	c.Banks = blob.NewBanks(obj, bucket)
	c.Demo.Store, c.Demo.Banks = c.Store, c.Banks
	c.sign(t)
	var err error
	if c.Accounts, err = demo.Seed(context.Background(), c.Store, blob.NewBankBucket(obj, bucket), c.Now); err != nil {
		t.Fatal(err)
	}
	return c
}

// Logger discards logs unless HOITHI_TEST_LOGS=1.
func Logger() *slog.Logger {
	if os.Getenv("HOITHI_TEST_LOGS") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}
