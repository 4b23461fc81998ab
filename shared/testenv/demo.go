package testenv

import (
	"context"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/memstore"
	"github.com/hoithi/hoithi/shared/participation"
	"github.com/hoithi/hoithi/shared/signin"
	"github.com/hoithi/hoithi/shared/token"
)

// Store is what the handlers' rule tests use of a contest store: both
// shared/dynamo's Store and shared/memstore's have it.
type Store interface {
	demo.Store
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error)
	GetMember(ctx context.Context, contestID, email string) (contest.Member, bool, error)
	GetPaper(ctx context.Context, contestID string, ref contest.PaperRef, consistent bool) (*contest.Paper, error)
	ListPapers(ctx context.Context, contestID, roundID, participantID string) ([]*contest.Paper, error)
	SaveAnswers(ctx context.Context, p *contest.Paper, answers map[string]string, prediction *int) error
	MergeAnswers(ctx context.Context, p *contest.Paper, sent map[string]string, prediction *int) (map[string]string, *int, error)
	MarkPublished(ctx context.Context, contestID, roundID string, at time.Time, allCorrect int) error
	ListSubmitted(ctx context.Context, contestID, roundID string) ([]contest.Submitted, error)
	RankingShards() int
	RankingShardOf(participantID string) int
	EachSubmitted(ctx context.Context, contestID, roundID string, shard int, each func(*contest.Submitted) error) error
	ListInProgress(ctx context.Context, contestID, roundID string, deadlineBy time.Time) ([]*contest.Paper, error)
	EachInProgress(ctx context.Context, contestID, roundID string, deadlineBy time.Time, each func([]*contest.Paper) error) error
	participation.Store
	ClaimReminder(ctx context.Context, contestID, roundID, slot, email string, expires time.Time) (bool, error)
	ReleaseReminder(ctx context.Context, contestID, roundID, slot, email string) error
	SetExclusion(ctx context.Context, contestID string, ref contest.PaperRef, e *contest.Exclusion) (*contest.Paper, error)
	ListStaff(ctx context.Context, contestID string) ([]contest.Member, error)
	AppendAudit(ctx context.Context, contestID string, e audit.Entry) error
	ListAudit(ctx context.Context, contestID string, q audit.Query, limit int) ([]audit.Entry, error)
	CountPractice(ctx context.Context, contestID string, a contest.PracticeAnswer) error
	PracticeCount(ctx context.Context, contestID, day, bankID, questionID string) (answered, right int, err error)
	PracticeCounts(ctx context.Context, contestID, day string) ([]contest.PracticeCount, error)
	ListRegistry(ctx context.Context) ([]contest.Contest, error)
	RegisterContest(ctx context.Context, c contest.Contest) (bool, error)
	ClaimRun(ctx context.Context, r contest.DueRun, now time.Time, lease time.Duration) (bool, error)
	FinishRun(ctx context.Context, r contest.DueRun, now time.Time) error
	ReleaseRun(ctx context.Context, r contest.DueRun) error
	TakeToken(ctx context.Context, contestID string, b signin.Bucket, holder string, now time.Time) error
}

// BankLoader loads question banks (blob.Banks, memstore.Banks).
type BankLoader interface {
	Load(ctx context.Context, contestID, bankID string) (*contest.Bank, error)
}

// Demo is the demo contest seeded at Now on a store, with a token signer.
type Demo struct {
	Store    Store
	Banks    BankLoader
	Key      []byte
	Signer   *token.Signer
	Accounts demo.Accounts
	Now      time.Time
	// InMemory: the store is shared/memstore's, not the local servers'.
	InMemory bool
}

// ServersUp reports whether the local DynamoDB-compatible server is there
// (make test, localdev exec).
func ServersUp() bool { return os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") != "" }

// SeededDemo seeds the demo contest on the local servers under make test
// (AWS_ENDPOINT_URL_DYNAMODB set: SeededContest) and in memory otherwise
// (shared/memstore), so a rule test runs under plain go test and against the
// real store alike.
func SeededDemo(t testing.TB) *Demo {
	t.Helper()
	return seededDemoAt(t, Now())
}

// SeededDemoWithRoom is SeededDemo for a test whose story needs room to move
// its clock on inside this week's rounds (SeededContestWithRoom).
func SeededDemoWithRoom(t testing.TB, room time.Duration) *Demo {
	t.Helper()
	return seededDemoAt(t, WithRoom(Now(), room))
}

func seededDemoAt(t testing.TB, now time.Time) *Demo {
	t.Helper()
	if ServersUp() {
		return seededContestAt(t, now).Demo
	}
	banks := memstore.NewBanks()
	d := &Demo{Store: memstore.New(), Banks: banks, Now: now, InMemory: true}
	d.sign(t)
	var err error
	if d.Accounts, err = demo.Seed(context.Background(), d.Store, banks, d.Now); err != nil {
		t.Fatal(err)
	}
	return d
}

// sign makes the demo's token signer.
func (d *Demo) sign(t testing.TB) {
	t.Helper()
	d.Key = []byte("test-key-0123456789abcdef0123456789abcdef")
	var err error
	if d.Signer, err = token.NewSigner(d.Key, time.Hour, Now); err != nil {
		t.Fatal(err)
	}
}

// OpenRound is this week's open staff round of the demo.
func (d *Demo) OpenRound() contest.Round {
	return demo.Rounds(d.Now)[2]
}

// TokenFor signs a session token for a seeded member, as the auth function would.
func (d *Demo) TokenFor(t testing.TB, email string) string {
	t.Helper()
	m, ok, err := d.Store.GetMember(context.Background(), demo.ContestID, email)
	if err != nil || !ok {
		t.Fatalf("member %s: found=%v err=%v", email, ok, err)
	}
	tok, _, err := d.Signer.Issue(token.ClaimsFor(demo.ContestID, m))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// StartPaper stores a paper m started in round r at start, drawn from the
// round's bank (a fixed draw), in progress, as the quiz function would.
func (d *Demo) StartPaper(t testing.TB, r contest.Round, m contest.Member, start time.Time) *contest.Paper {
	t.Helper()
	ctx := context.Background()
	bank, err := d.Banks.Load(ctx, demo.ContestID, r.BankID)
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
	if _, created, err := d.Store.CreatePaper(ctx, p); err != nil || !created {
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
