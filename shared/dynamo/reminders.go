package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/mailq"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/reminder"
	"github.com/hoithi/hoithi/shared/signin"
)

// A reminder run (shared/reminder) lives in its slot's claims partition
// (reminderPK), beside the claims (sort key: the person's address): its
// progress under "#RUN#<run>" and one job per unit under
// "#JOB#<run>#<unit>". Inserting a job is what hands it to the remind
// function: the table's stream, filtered on the job sort keys
// (platform.RemindJobStream).
const (
	runPrefix = "#RUN#"
	jobPrefix = platform.RemindJobPrefix
)

// runKeep is how long a run's progress and jobs stay in the table.
const runKeep = 30 * 24 * time.Hour

// runItem is a run's progress.
type runItem struct {
	PK         string `dynamodbav:"PK"`
	SK         string `dynamodbav:"SK"`
	Contest    string `dynamodbav:"contest"`
	Round      string `dynamodbav:"round"`
	Slot       string `dynamodbav:"slot"`
	Run        string `dynamodbav:"run"`
	AdminsOnly bool   `dynamodbav:"adminsOnly,omitempty"`
	StartedAt  int64  `dynamodbav:"startedAt"` // Unix milliseconds
	Units      int    `dynamodbav:"units"`
	Headcount  int    `dynamodbav:"headcount"`
	UnitsDone  int    `dynamodbav:"unitsDone"`
	Queued     int    `dynamodbav:"queued"`
	Skipped    int    `dynamodbav:"skipped"`
	Sent       int    `dynamodbav:"sent"`
	TTL        int64  `dynamodbav:"ttl"`
}

// jobItem is one unit's job of a run.
type jobItem struct {
	PK         string `dynamodbav:"PK"`
	SK         string `dynamodbav:"SK"`
	Contest    string `dynamodbav:"contest"`
	Round      string `dynamodbav:"round"`
	Slot       string `dynamodbav:"slot"`
	Run        string `dynamodbav:"run"`
	AdminsOnly bool   `dynamodbav:"adminsOnly,omitempty"`
	StartedAt  int64  `dynamodbav:"startedAt"`
	UnitID     string `dynamodbav:"unitId"`
	UnitName   string `dynamodbav:"unitName"`
	Block      string `dynamodbav:"block,omitempty"`
	Headcount  int    `dynamodbav:"headcount"`
	// Chunk of Chunks: a large unit's share (reminder.Job); none for a whole unit.
	Chunk  int   `dynamodbav:"chunk,omitempty"`
	Chunks int   `dynamodbav:"chunks,omitempty"`
	TTL    int64 `dynamodbav:"ttl"`
}

func runSK(id string) string        { return runPrefix + id }
func jobSK(run, unit string) string { return jobPrefix + run + "#" + unit }

// jobKey is a job's sort key: a chunk of a unit has its own, after the unit's.
func jobKey(j reminder.Job) string {
	if j.Chunks > 1 {
		return fmt.Sprintf("%s#%d", jobSK(j.Run.ID, j.Unit.ID), j.Chunk)
	}
	return jobSK(j.Run.ID, j.Unit.ID)
}
func runPK(r reminder.Run) string              { return reminderPK(r.Contest, r.Round, r.Slot) }
func runRefPK(c string, r mailq.RunRef) string { return reminderPK(c, r.Round, r.Slot) }

func (it runItem) progress() reminder.Progress {
	return reminder.Progress{
		Run: reminder.Run{Contest: it.Contest, Round: it.Round, Slot: it.Slot, ID: it.Run, AdminsOnly: it.AdminsOnly,
			StartedAt: time.UnixMilli(it.StartedAt), Units: it.Units, Headcount: it.Headcount},
		UnitsDone: it.UnitsDone, Queued: it.Queued, Skipped: it.Skipped, Sent: it.Sent,
	}
}

// StartReminderRun writes run's progress and its jobs (batch writes): each
// job's insert hands it to the remind function through the stream.
func (s *Store) StartReminderRun(ctx context.Context, r reminder.Run, jobs []reminder.Job) error {
	ttl := r.StartedAt.Add(runKeep).Unix()
	progress, err := marshal(runItem{PK: runPK(r), SK: runSK(r.ID), Contest: r.Contest, Round: r.Round, Slot: r.Slot, Run: r.ID,
		AdminsOnly: r.AdminsOnly, StartedAt: r.StartedAt.UnixMilli(), Units: r.Units, Headcount: r.Headcount, TTL: ttl})
	if err != nil {
		return err
	}
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: progress,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}); err != nil {
		return fmt.Errorf("start reminder run %s: %w", r.ID, err)
	}
	reqs := make([]types.WriteRequest, 0, len(jobs))
	for _, j := range jobs {
		av, err := marshal(jobItem{PK: runPK(j.Run), SK: jobKey(j), Contest: j.Run.Contest, Round: j.Run.Round, Slot: j.Run.Slot,
			Run: j.Run.ID, AdminsOnly: j.Run.AdminsOnly, StartedAt: j.Run.StartedAt.UnixMilli(),
			UnitID: j.Unit.ID, UnitName: j.Unit.Name, Block: string(j.Unit.Block), Headcount: j.Unit.Headcount, Chunk: j.Chunk, Chunks: j.Chunks, TTL: ttl})
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("reminder run %s's jobs: %w", r.ID, err)
	}
	return nil
}

// ReminderJob reads a job from its item's image (the stream's NewImage):
// keys that match its content, a valid contest, round, slot, run and unit.
func ReminderJob(image map[string]types.AttributeValue) (reminder.Job, error) {
	var it jobItem
	if err := attributevalue.UnmarshalMap(image, &it); err != nil {
		return reminder.Job{}, fmt.Errorf("reminder job: %w", err)
	}
	run := reminder.Run{Contest: it.Contest, Round: it.Round, Slot: it.Slot, ID: it.Run, AdminsOnly: it.AdminsOnly, StartedAt: time.UnixMilli(it.StartedAt)}
	switch {
	case !contest.ValidID(it.Contest) || !contest.ValidID(it.Round) || !contest.ValidID(it.Slot) || !reminder.ValidRunID(it.Run) || !contest.ValidID(it.UnitID):
		return reminder.Job{}, errors.New("reminder job: not a contest, round, slot, run and unit")
	case it.Chunks < 0 || it.Chunks > reminder.MaxChunks || it.Chunk < 0 || (it.Chunk > 0 && it.Chunk >= it.Chunks):
		return reminder.Job{}, errors.New("reminder job: not a chunk of its unit")
	}
	j := reminder.Job{Run: run, Unit: contest.Unit{ID: it.UnitID, Name: it.UnitName, Block: contest.Block(it.Block), Headcount: it.Headcount},
		Chunk: it.Chunk, Chunks: it.Chunks}
	if it.PK != runPK(run) || it.SK != jobKey(j) {
		return reminder.Job{}, errors.New("reminder job: keys do not match its content")
	}
	return j, nil
}

// QueueReminders writes each e-mail's claim and outbox request together, a
// batch (reminder.BatchSize) in one transaction. An e-mail whose claim
// exists (queued before in the slot) is skipped and the rest written again;
// queued and skipped count them.
func (s *Store) QueueReminders(ctx context.Context, r contest.Round, slot string, emails []reminder.Queued) (queued, skipped int, err error) {
	pending := emails
	expires := reminder.ClaimExpiry(r).Unix()
	for len(pending) > 0 {
		items := make([]types.TransactWriteItem, 0, 2*len(pending))
		for _, e := range pending {
			claim, err := marshal(struct {
				PK  string `dynamodbav:"PK"`
				SK  string `dynamodbav:"SK"`
				TTL int64  `dynamodbav:"ttl"`
			}{reminderPK(r.ContestID, r.ID, slot), e.Claim, expires})
			if err != nil {
				return queued, skipped, err
			}
			mail, err := marshal(newOutboxItem(e.Mail))
			if err != nil {
				return queued, skipped, err
			}
			items = append(items,
				types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: claim, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
				types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: mail, ConditionExpression: aws.String("attribute_not_exists(PK)")}})
		}
		out, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items, ReturnConsumedCapacity: s.capacity()})
		var canceled *types.TransactionCanceledException
		if errors.As(err, &canceled) {
			var rest []reminder.Queued
			for i, e := range pending {
				if claimed := len(canceled.CancellationReasons) > 2*i && aws.ToString(canceled.CancellationReasons[2*i].Code) == "ConditionalCheckFailed"; claimed {
					skipped++
					continue
				}
				rest = append(rest, e)
			}
			if len(rest) == len(pending) { // not a claim that was there: a conflict, throttling…
				return queued, skipped, fmt.Errorf("queue reminders: %w", err)
			}
			pending = rest
			continue
		}
		if err != nil {
			return queued, skipped, fmt.Errorf("queue reminders: %w", err)
		}
		for i := range out.ConsumedCapacity {
			s.meter.add(&out.ConsumedCapacity[i], true)
		}
		queued += len(pending)
		pending = nil
	}
	return queued, skipped, nil
}

// FinishReminderJob marks j done and adds its counts to its run's progress,
// once: it reports false (and changes nothing) for a job done before (a
// retried batch).
func (s *Store) FinishReminderJob(ctx context.Context, j reminder.Job, queued, skipped int) (bool, error) {
	done, err := expression.NewBuilder().
		WithUpdate(expression.Set(expression.Name("done"), expression.Value(true))).
		WithCondition(expression.AttributeExists(expression.Name("PK")).And(expression.AttributeNotExists(expression.Name("done")))).Build()
	if err != nil {
		return false, err
	}
	add, err := expression.NewBuilder().
		WithUpdate(expression.Add(expression.Name("unitsDone"), expression.Value(1)).
			Add(expression.Name("queued"), expression.Value(queued)).Add(expression.Name("skipped"), expression.Value(skipped))).
		WithCondition(expression.AttributeExists(expression.Name("PK"))).Build()
	if err != nil {
		return false, err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: aws.String(s.table), Key: key(runPK(j.Run), jobKey(j)), UpdateExpression: done.Update(),
			ConditionExpression: done.Condition(), ExpressionAttributeNames: done.Names(), ExpressionAttributeValues: done.Values()}},
		{Update: &types.Update{TableName: aws.String(s.table), Key: key(runPK(j.Run), runSK(j.Run.ID)), UpdateExpression: add.Update(),
			ConditionExpression: add.Condition(), ExpressionAttributeNames: add.Names(), ExpressionAttributeValues: add.Values()}},
	}})
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) && len(canceled.CancellationReasons) > 0 && aws.ToString(canceled.CancellationReasons[0].Code) == "ConditionalCheckFailed" {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("finish reminder job %s/%s: %w", j.Run.ID, j.Unit.ID, err)
	}
	return true, nil
}

// CountReminderSent adds one e-mail sent to its run's progress.
func (s *Store) CountReminderSent(ctx context.Context, contestID string, r mailq.RunRef) error {
	expr, err := expression.NewBuilder().WithUpdate(expression.Add(expression.Name("sent"), expression.Value(1))).
		WithCondition(expression.AttributeExists(expression.Name("PK"))).Build()
	if err != nil {
		return err
	}
	err = s.update(ctx, runRefPK(contestID, r), runSK(r.ID), expr, "count reminder sent")
	if _, failed := isConditionFailed(err); failed {
		return nil // the run's progress is gone (kept a month): nothing to count
	}
	return err
}

// ReminderRuns lists the runs of a round's slot, oldest first.
func (s *Store) ReminderRuns(ctx context.Context, contestID, roundID, slot string) ([]reminder.Progress, error) {
	var out []reminder.Progress
	err := s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :run)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: reminderPK(contestID, roundID, slot)}, ":run": &types.AttributeValueMemberS{Value: runPrefix},
		},
		ConsistentRead: aws.Bool(true),
	}, func(items []map[string]types.AttributeValue) error {
		for _, av := range items {
			var it runItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return err
			}
			out = append(out, it.progress())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reminder runs of %s %s: %w", roundID, slot, err)
	}
	slices.SortStableFunc(out, func(a, b reminder.Progress) int { return a.StartedAt.Compare(b.StartedAt) })
	return out, nil
}

// remindPacePK is the token bucket of reminder batches (reminder.Pacing):
// one per contest, remindPacePK#<contest>, at its reminders' share of its
// rate (mailq.ContestRate).
const remindPacePK = platform.OutboxPrefix + "REMINDPACE"

// TakeReminderToken spends a token of the reminders' bucket b at now, or
// returns b's fault.RateLimited, which says how long to wait.
func (s *Store) TakeReminderToken(ctx context.Context, contestID string, b signin.Bucket, now time.Time) error {
	return s.takeToken(ctx, remindPacePK+"#"+contestID, b, now)
}
