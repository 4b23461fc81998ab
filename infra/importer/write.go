package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/importer"
)

// Store is what the import writes to the table.
type Store interface {
	PutContest(ctx context.Context, c contest.Contest) error
	PutUnit(ctx context.Context, contestID string, u contest.Unit) error
	PutMember(ctx context.Context, contestID string, m contest.Member) error
	PutRound(ctx context.Context, r contest.Round) error
	// GetRound returns a fault.NotFound error "round_not_found" for a new round.
	GetRound(ctx context.Context, contestID, roundID string) (contest.Round, error)
	ListRounds(ctx context.Context, contestID string) ([]contest.Round, error)
	GetContest(ctx context.Context, id string) (contest.Contest, error)
	// RegisterContest puts the contest's registry entry if it has none.
	RegisterContest(ctx context.Context, c contest.Contest) (bool, error)
}

var _ Store = (*dynamo.Store)(nil)

// Objects is what the import needs of S3: uploads, and a look at the bucket first.
type Objects interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, opts ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
}

// Target is where a folder is imported: a deployed stack or the local platform.
type Target struct {
	Store   Store
	Objects Objects
	Table   string
	Bucket  string
	Where   string // for messages: "region ap-southeast-1", "the local platform"
	Serves  string // the contest the local site shows (local platform only)
}

// memberWriters is how many roster entries are written at once: a Huế-sized
// roster (26,000 people) takes well under a minute, far below the table's
// on-demand write limits.
const memberWriters = 16

// Written counts what an import wrote.
type Written struct {
	Banks, Units, Members, Rounds int
	// KeptPublished counts rounds whose published results stay published.
	KeptPublished int
}

// Import writes a valid folder: banks, then the contest, units and roster,
// rounds last, so that no round is visible before what it needs. Every item
// is put whole, keyed by its id (e-mail for people), so importing again gives
// the same state; a round that exists keeps its publication. Nothing is
// deleted: people, units and rounds not in the folder stay as they are.
func Import(ctx context.Context, t Target, f *importer.Folder, now time.Time, out io.Writer) (Written, error) {
	var w Written
	if !f.Valid() {
		return w, fmt.Errorf("the folder has %d problems: nothing written", len(f.Problems))
	}
	c := f.Contest

	// look before writing: both resources are there and the credentials may use them
	if _, err := t.Objects.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(t.Bucket)}); err != nil {
		return w, explain(err, fmt.Sprintf("bucket %s (%s)", t.Bucket, t.Where))
	}
	existing, err := t.Store.ListRounds(ctx, c.ID)
	if err != nil {
		return w, explain(err, fmt.Sprintf("table %s (%s)", t.Table, t.Where))
	}
	warnStartedChanges(existing, f.Rounds, now, out)

	for _, b := range f.Banks {
		if _, err := blob.PutBank(ctx, t.Objects, t.Bucket, c.ID, b.Data); err != nil {
			return w, explain(err, fmt.Sprintf("upload %s to bucket %s", b.File, t.Bucket))
		}
		w.Banks++
	}
	if err := t.Store.PutContest(ctx, c); err != nil {
		return w, explain(err, "write the contest")
	}
	for _, u := range f.Units {
		if err := t.Store.PutUnit(ctx, c.ID, u); err != nil {
			return w, explain(err, "write the units")
		}
		w.Units++
	}
	n, err := putMembers(ctx, t.Store, c.ID, f.Members, out)
	w.Members = n
	if err != nil {
		return w, explain(err, "write the roster")
	}
	for _, r := range f.Rounds {
		// read just before the put, so that a publication is kept
		old, err := t.Store.GetRound(ctx, c.ID, r.ID)
		switch {
		case err == nil:
			r.KeepPublication(old)
			if !r.PublishedAt.IsZero() {
				w.KeptPublished++
			}
		case fault.CodeOf(err) != "round_not_found":
			return w, explain(err, "read round "+r.ID)
		}
		if err := t.Store.PutRound(ctx, r); err != nil {
			return w, explain(err, "write the rounds")
		}
		w.Rounds++
	}
	return w, nil
}

// putMembers writes the roster a few entries at a time, reporting progress
// on large rosters.
func putMembers(ctx context.Context, st Store, contestID string, members []contest.Member, out io.Writer) (int, error) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(memberWriters)
	var done atomic.Int64
	for _, m := range members {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := st.PutMember(gctx, contestID, m); err != nil {
				return fmt.Errorf("%s: %w", m.Email, err)
			}
			if n := done.Add(1); n%5000 == 0 {
				fmt.Fprintf(out, "  roster: %d of %d written\n", n, len(members))
			}
			return nil
		})
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return int(done.Load()), err
}

// warnStartedChanges points out rounds that have opened and would change in
// what their papers depend on: allowed (an organiser fixing a round), but
// worth a second look.
func warnStartedChanges(existing, rounds []contest.Round, now time.Time, out io.Writer) {
	old := map[string]contest.Round{}
	for _, r := range existing {
		old[r.ID] = r
	}
	for _, r := range rounds {
		o, ok := old[r.ID]
		if !ok || now.Before(o.OpensAt) {
			continue
		}
		var what []string
		if o.Audience != r.Audience {
			what = append(what, "audience")
		}
		if o.BankID != r.BankID {
			what = append(what, "bank")
		}
		if o.QuestionCount != r.QuestionCount {
			what = append(what, "question count")
		}
		if o.TimeLimit != r.TimeLimit {
			what = append(what, "time limit")
		}
		if o.Attempts != r.Attempts {
			what = append(what, "attempts")
		}
		if !o.OpensAt.Equal(r.OpensAt) || !o.ClosesAt.Equal(r.ClosesAt) {
			what = append(what, "times")
		}
		if len(what) > 0 {
			fmt.Fprintf(out, "note: round %s has already opened; this import changes its %v (papers already taken keep theirs)\n", r.ID, what)
		}
	}
}

// explain wraps an AWS error with what was being done and, for the usual
// causes, what to check.
func explain(err error, doing string) error {
	hint := ""
	var ae smithy.APIError
	var ne *net.OpError
	switch {
	case errors.As(err, &ae):
		switch ae.ErrorCode() {
		case "ResourceNotFoundException":
			hint = "the table does not exist there: check -table (the stack's TableName output) and the region (AWS_REGION)"
		case "NotFound", "NoSuchBucket":
			hint = "the bucket does not exist there: check -bucket (the stack's DataBucketName output) and the region (AWS_REGION)"
		case "AccessDenied", "AccessDeniedException", "Forbidden":
			hint = "these credentials may not do that: use an account role that may write the stack's table and data bucket"
		case "UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch",
			"ExpiredToken", "ExpiredTokenException", "InvalidSignatureException":
			hint = "the AWS credentials are not valid (expired?): sign in again (aws sso login) or check AWS_PROFILE"
		case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded":
			hint = "the table is busy: run the import again (it is safe to repeat)"
		}
	case errors.As(err, &ne):
		hint = "cannot reach AWS (or the local platform): check the network, or that `make dev` runs"
	case errors.Is(err, context.DeadlineExceeded):
		hint = "the import took longer than -timeout; run it again (it is safe to repeat), with a longer -timeout"
	}
	if hint == "" {
		return fmt.Errorf("%s: %w", doing, err)
	}
	return fmt.Errorf("%s: %w\n  → %s", doing, err, hint)
}

// register makes sure each contest already in the table has its entry in
// the contests' registry, from its settings as they are (a put if absent:
// an entry there is kept, and running it again changes nothing). An import
// needs none of this: writing the settings writes the entry too.
func register(ctx context.Context, st Store, ids []string, out io.Writer) error {
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		c, err := st.GetContest(ctx, id)
		if err != nil {
			return fmt.Errorf("cuộc thi %s: %w", id, err)
		}
		added, err := st.RegisterContest(ctx, c)
		if err != nil {
			return explain(err, "register contest "+id)
		}
		if added {
			fmt.Fprintf(out, "%s: đã thêm vào danh sách cuộc thi; lịch công bố kết quả và nhắc thi chạy từ lượt kiểm tra tiếp theo.\n", id)
		} else {
			fmt.Fprintf(out, "%s: đã có trong danh sách cuộc thi; không đổi gì.\n", id)
		}
	}
	return nil
}
