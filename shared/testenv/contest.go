package testenv

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/token"
)

// Contest is a seeded demo contest on fresh local resources.
type Contest struct {
	DB       *dynamodb.Client
	Table    string
	S3       *s3.Client
	Bucket   string
	Store    *dynamo.Store
	Meter    *dynamo.Meter
	Banks    *blob.Banks
	Key      []byte
	Signer   *token.Signer
	Accounts demo.Accounts
	Now      time.Time
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
	c := &Contest{DB: db, Table: table, S3: obj, Bucket: bucket, Meter: &dynamo.Meter{}, Now: now}
	c.Store = dynamo.New(db, table, c.Meter)
	c.Banks = blob.NewBanks(obj, bucket)
	c.Key = []byte("test-key-0123456789abcdef0123456789abcdef")
	var err error
	if c.Signer, err = token.NewSigner(c.Key, time.Hour, Now); err != nil {
		t.Fatal(err)
	}
	if c.Accounts, err = demo.Seed(context.Background(), c.Store, blob.NewBankBucket(obj, bucket), c.Now); err != nil {
		t.Fatal(err)
	}
	return c
}

// OpenRound is this week's open staff round of the demo.
func (c *Contest) OpenRound() contest.Round {
	return demo.Rounds(c.Now)[2]
}

// TokenFor signs a session token for a seeded member, as the auth function would.
func (c *Contest) TokenFor(t testing.TB, email string) string {
	t.Helper()
	m, ok, err := c.Store.GetMember(context.Background(), demo.ContestID, email)
	if err != nil || !ok {
		t.Fatalf("member %s: found=%v err=%v", email, ok, err)
	}
	tok, _, err := c.Signer.Issue(token.ClaimsFor(demo.ContestID, m))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Logger discards logs unless HOITHI_TEST_LOGS=1.
func Logger() *slog.Logger {
	if os.Getenv("HOITHI_TEST_LOGS") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// StartPaper stores a paper m started in round r at start, drawn from the
// round's bank (a fixed draw), in progress, as the quiz function would.
func (c *Contest) StartPaper(t testing.TB, r contest.Round, m contest.Member, start time.Time) *contest.Paper {
	t.Helper()
	ctx := context.Background()
	bank, err := c.Banks.Load(ctx, demo.ContestID, r.BankID)
	if err != nil {
		t.Fatal(err)
	}
	items, key, err := contest.Draw(bank, r.QuestionCount, rand.New(rand.NewPCG(7, 7)))
	if err != nil {
		t.Fatal(err)
	}
	start = start.Truncate(time.Millisecond)
	p := &contest.Paper{
		ContestID: demo.ContestID, RoundID: r.ID, ParticipantID: contest.ParticipantID(demo.ContestID, m.Email), Attempt: 1,
		Email: m.Email, Name: m.Name, UnitID: m.UnitID, Audience: m.Audience, BankID: r.BankID,
		Items: items, Key: key, StartedAt: start, Deadline: r.Deadline(start), Answers: map[string]string{}, Status: contest.PaperInProgress,
	}
	if _, created, err := c.Store.CreatePaper(ctx, p); err != nil || !created {
		t.Fatalf("CreatePaper: created %v, err %v", created, err)
	}
	return p
}

// AnswersFor answers the first n questions of p, the first right of them
// right and the others wrong.
func AnswersFor(p *contest.Paper, n, right int) map[string]string {
	answers := map[string]string{}
	for i, it := range p.Items[:n] {
		a := p.Key[i]
		if i >= right {
			a = "ABCD"[(strings.IndexByte("ABCD", a)+1)%4]
		}
		answers[it.QuestionID] = string(a)
	}
	return answers
}
