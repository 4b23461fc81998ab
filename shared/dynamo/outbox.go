package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/signin"
)

// outboxItem is one mail request (shared/mailq) in the outbox partition of
// its contest and kind (OutboxPK), sorted by when it was queued: the table's
// stream hands the inserts to the mailer in that order, codes and reminders
// each through its own mapping (platform.MailerStream, MailerReminderStream).
type outboxItem struct {
	PK         string `dynamodbav:"PK"`
	SK         string `dynamodbav:"SK"`
	ID         string `dynamodbav:"id"`
	Contest    string `dynamodbav:"contest"`
	Kind       string `dynamodbav:"kind"`
	To         string `dynamodbav:"to"`
	Subject    string `dynamodbav:"subject,omitempty"`
	Text       string `dynamodbav:"text,omitempty"`
	Code       string `dynamodbav:"code,omitempty"`
	EnqueuedAt int64  `dynamodbav:"enqueuedAt"` // Unix milliseconds
	ExpiresAt  int64  `dynamodbav:"expiresAt,omitempty"`
	Status     string `dynamodbav:"status"`
	SentAt     int64  `dynamodbav:"sentAt,omitempty"`
	TTL        int64  `dynamodbav:"ttl"`
	// Run is a reminder's run, "<round>#<slot>#<run id>" (mailq.RunRef).
	Run string `dynamodbav:"run,omitempty"`
	// From and Rate are the contest's sender and share of the SES rate.
	From string  `dynamodbav:"from,omitempty"`
	Rate float64 `dynamodbav:"rate,omitempty"`
}

// outboxKeep is how long a request stays in the table once queued (its
// status answers "was it sent?" for a week).
const outboxKeep = 7 * 24 * time.Hour

// outboxSK begins with the kind (what the mailer's mappings filter on),
// then the time queued.
func outboxSK(r mailq.Request) string {
	kind := platform.OutboxCodeSK
	if r.Kind == mailq.KindReminder {
		kind = platform.OutboxReminderSK
	}
	return fmt.Sprintf("%s%013d#%s", kind, r.EnqueuedAt.UnixMilli(), r.ID)
}

func outboxPK(r mailq.Request) string { return OutboxPK(r.Contest, r.Kind) }

func newOutboxItem(r mailq.Request) outboxItem {
	it := outboxItem{PK: outboxPK(r), SK: outboxSK(r), ID: r.ID, Contest: r.Contest, Kind: string(r.Kind), To: r.To,
		Subject: r.Subject, Text: r.Text, Code: r.Code, EnqueuedAt: r.EnqueuedAt.UnixMilli(), Status: string(mailq.StatusQueued),
		TTL: r.EnqueuedAt.Add(outboxKeep).Unix(), From: r.From, Rate: r.Rate}
	if !r.ExpiresAt.IsZero() {
		it.ExpiresAt = r.ExpiresAt.UnixMilli()
	}
	if !r.Run.IsZero() {
		it.Run = r.Run.Round + "#" + r.Run.Slot + "#" + r.Run.ID
	}
	return it
}

func (it outboxItem) entry() mailq.Entry {
	e := mailq.Entry{Request: mailq.Request{ID: it.ID, Contest: it.Contest, Kind: mailq.Kind(it.Kind), To: it.To, Subject: it.Subject,
		Text: it.Text, Code: it.Code, EnqueuedAt: time.UnixMilli(it.EnqueuedAt), From: it.From, Rate: it.Rate}, Status: mailq.Status(it.Status)}
	if it.ExpiresAt != 0 {
		e.ExpiresAt = time.UnixMilli(it.ExpiresAt)
	}
	if it.SentAt != 0 {
		e.SentAt = time.UnixMilli(it.SentAt)
	}
	if parts := strings.Split(it.Run, "#"); len(parts) == 3 {
		e.Run = mailq.RunRef{Round: parts[0], Slot: parts[1], ID: parts[2]}
	}
	return e
}

// OutboxRequest reads a mail request from an outbox item's image (the
// stream's NewImage): the image must be a queued outbox item whose keys
// match its content. It maps and checks the shape; mailq.Request.Validate
// judges the content.
func OutboxRequest(image map[string]types.AttributeValue) (mailq.Request, error) {
	var it outboxItem
	if err := attributevalue.UnmarshalMap(image, &it); err != nil {
		return mailq.Request{}, fmt.Errorf("outbox item: %w", err)
	}
	e := it.entry()
	switch {
	case !strings.HasPrefix(it.PK, platform.OutboxPrefix):
		return mailq.Request{}, errors.New("outbox item: not in an outbox partition")
	case it.PK != outboxPK(e.Request) || it.SK != outboxSK(e.Request):
		return mailq.Request{}, errors.New("outbox item: keys do not match its content")
	case e.Status != mailq.StatusQueued:
		return mailq.Request{}, fmt.Errorf("outbox item: status %q, want %q", e.Status, mailq.StatusQueued)
	}
	return e.Request, nil
}

// PutCodeAndMail is PutCode and the e-mail that carries the code, in one
// transaction: the code is stored if and only if its e-mail is queued. A
// lost race (the code state changed since prev) is a fault.RateLimited, and
// nothing is written.
func (s *Store) PutCodeAndMail(ctx context.Context, contestID, email string, prev *signin.CodeState, st signin.CodeState, now time.Time, r mailq.Request) error {
	code, err := marshal(newCodeItem(contestID, email, st))
	if err != nil {
		return err
	}
	mail, err := marshal(newOutboxItem(r))
	if err != nil {
		return err
	}
	var cond expression.ConditionBuilder
	if prev == nil {
		cond = expression.AttributeNotExists(expression.Name("PK")).Or(expression.Name("ttl").LessThanEqual(expression.Value(now.Unix())))
	} else {
		cond = expression.Name("lastSentAt").Equal(expression.Value(prev.LastSentAt.UnixMilli()))
	}
	codeExpr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return err
	}
	newMail, err := expression.NewBuilder().WithCondition(expression.AttributeNotExists(expression.Name("PK"))).Build()
	if err != nil {
		return err
	}
	out, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(s.table), Item: code, ConditionExpression: codeExpr.Condition(),
				ExpressionAttributeNames: codeExpr.Names(), ExpressionAttributeValues: codeExpr.Values()}},
			{Put: &types.Put{TableName: aws.String(s.table), Item: mail, ConditionExpression: newMail.Condition(),
				ExpressionAttributeNames: newMail.Names()}},
		},
		ReturnConsumedCapacity: s.capacity(),
	})
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) && conditionFailedAt(canceled, 0) {
		return fault.RateLimited("code_rate_limited", "Mã vừa được gửi. Vui lòng đợi giây lát rồi yêu cầu lại.")
	}
	if err != nil {
		return fmt.Errorf("put code and its e-mail: %w", err)
	}
	if out != nil {
		for i := range out.ConsumedCapacity {
			s.meter.add(&out.ConsumedCapacity[i], true)
		}
	}
	return nil
}

// conditionFailedAt reports whether the transaction was canceled because
// the condition of its item i failed (or DynamoDB gave no reasons).
func conditionFailedAt(e *types.TransactionCanceledException, i int) bool {
	if len(e.CancellationReasons) <= i {
		return len(e.CancellationReasons) == 0
	}
	return aws.ToString(e.CancellationReasons[i].Code) == "ConditionalCheckFailed"
}

// moveMail changes r's status from one to another, and reports false when r
// was not in status from (someone moved it first: a replayed batch).
func (s *Store) moveMail(ctx context.Context, r mailq.Request, from, to mailq.Status, update expression.UpdateBuilder, what string) (bool, error) {
	expr, err := expression.NewBuilder().
		WithUpdate(update.Set(expression.Name("status"), expression.Value(string(to)))).
		WithCondition(expression.Name("status").Equal(expression.Value(string(from)))).Build()
	if err != nil {
		return false, err
	}
	err = s.update(ctx, outboxPK(r), outboxSK(r), expr, what)
	if _, failed := isConditionFailed(err); failed {
		return false, nil
	}
	return err == nil, err
}

// ClaimMail takes r for sending (queued → sending). It reports false when
// r is not queued: sent, being sent, or given up by an earlier delivery of
// the same record, which must then send nothing.
func (s *Store) ClaimMail(ctx context.Context, r mailq.Request, now time.Time) (bool, error) {
	return s.moveMail(ctx, r, mailq.StatusQueued, mailq.StatusSending,
		expression.Set(expression.Name("claimedAt"), expression.Value(now.UnixMilli())), "claim mail")
}

// ReleaseMail hands a claimed request back (sending → queued) when SES
// refused it outright, so that a retry sends it.
func (s *Store) ReleaseMail(ctx context.Context, r mailq.Request) error {
	_, err := s.moveMail(ctx, r, mailq.StatusSending, mailq.StatusQueued,
		expression.Remove(expression.Name("claimedAt")), "release mail")
	return err
}

// FinishMail records how a claimed request ended (mailq.StatusSent or
// StatusExpired) at now and drops its subject, text and code.
func (s *Store) FinishMail(ctx context.Context, r mailq.Request, st mailq.Status, now time.Time) error {
	_, err := s.moveMail(ctx, r, mailq.StatusSending, st,
		expression.Set(expression.Name("sentAt"), expression.Value(now.UnixMilli())).
			Remove(expression.Name("subject")).Remove(expression.Name("text")).Remove(expression.Name("code")), "finish mail")
	return err
}

// mailPacePK is the token bucket of the SES rate (mailq.Pacing): one for
// the account, whichever contest the e-mail is for; a contest's share of it
// has its own, mailPacePK#<contest> (mailq.Buckets).
const mailPacePK = platform.OutboxPrefix + "PACE"

// TakeMailToken spends a token of bucket b at now, the deployment's
// (contestID "") or a contest's, or returns b's fault.RateLimited, which
// says how long to wait.
func (s *Store) TakeMailToken(ctx context.Context, contestID string, b signin.Bucket, now time.Time) error {
	if contestID == "" {
		return s.takeToken(ctx, mailPacePK, b, now)
	}
	return s.takeToken(ctx, mailPacePK+"#"+contestID, b, now)
}

// Outbox lists a contest's outbox (codes and reminders), oldest first:
// tests and the load run's figures read it; no request path does.
func (s *Store) Outbox(ctx context.Context, contestID string) ([]mailq.Entry, error) {
	var entries []mailq.Entry
	for _, k := range []mailq.Kind{mailq.KindCode, mailq.KindReminder} {
		err := s.queryAll(ctx, &dynamodb.QueryInput{
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: OutboxPK(contestID, k)}},
			ConsistentRead:            aws.Bool(true),
		}, func(items []map[string]types.AttributeValue) error {
			for _, av := range items {
				var it outboxItem
				if err := attributevalue.UnmarshalMap(av, &it); err != nil {
					return err
				}
				entries = append(entries, it.entry())
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read outbox of %s: %w", contestID, err)
		}
	}
	slices.SortStableFunc(entries, func(a, b mailq.Entry) int { return a.EnqueuedAt.Compare(b.EnqueuedAt) })
	return entries, nil
}
