package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
)

// The contests' registry: one item per contest in one partition, written
// with the contest's settings (PutContest), holding what the schedules'
// ticks and the functions' CORS answers need of every contest: its schedule
// and its site origins. One Query reads it (never a Scan); a deployment has
// tens of contests, so the partition stays small (registryPK).

type registryItem struct {
	PK       string   `dynamodbav:"PK"`
	SK       string   `dynamodbav:"SK"`
	ID       string   `dynamodbav:"id"`
	Schedule string   `dynamodbav:"schedule,omitempty"`
	Origins  []string `dynamodbav:"origins,omitempty"`
}

func scheduleJSON(s *contest.Schedule) (string, error) {
	if s == nil {
		return "", nil
	}
	b, err := json.Marshal(s)
	return string(b), err
}

func parseSchedule(s string) (*contest.Schedule, error) {
	if s == "" {
		return nil, nil
	}
	var out contest.Schedule
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	return &out, nil
}

// ListRegistry lists every contest's schedule and origins, in id order
// (contests with only ID, Schedule and Origins set).
func (s *Store) ListRegistry(ctx context.Context) ([]contest.Contest, error) {
	var out []contest.Contest
	err := s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: registryPK}},
	}, func(items []map[string]types.AttributeValue) error {
		for _, av := range items {
			var it registryItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return err
			}
			sched, err := parseSchedule(it.Schedule)
			if err != nil {
				return fmt.Errorf("contest %s: %w", it.ID, err)
			}
			out = append(out, contest.Contest{ID: it.ID, Schedule: sched, Origins: it.Origins})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("contests' registry: %w", err)
	}
	return out, nil
}

// RegisterContest puts the contest's registry entry, from its settings, if
// it has none (a contest written before the registry existed, which no tick
// would see): a conditional put, so it never overwrites the entry that
// PutContest keeps. added is false when the entry was there.
func (s *Store) RegisterContest(ctx context.Context, c contest.Contest) (added bool, err error) {
	sched, err := scheduleJSON(c.Schedule)
	if err != nil {
		return false, fmt.Errorf("register contest %s: %w", c.ID, err)
	}
	av, err := marshal(registryItem{PK: registryPK, SK: c.ID, ID: c.ID, Schedule: sched, Origins: c.Origins})
	if err != nil {
		return false, err
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)"), ReturnConsumedCapacity: s.capacity()})
	if _, failed := isConditionFailed(err); failed {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("register contest %s: %w", c.ID, err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return true, nil
}

// A claimed scheduled run (contest.DueRun) is an item named by the run's
// key: a reminder run's in its slot's claims partition (where the remind
// function may write), a tally's in its round's TALLY partition.
const scheduledPrefix = "#TICK#"

// scheduledKeep is how long a scheduled run's claim stays: longer than any
// run stays due (a round's tally is due until published, and then no more).
const scheduledKeep = 90 * 24 * time.Hour

func scheduledKey(r contest.DueRun) map[string]types.AttributeValue {
	pk := tallyClaimPK(r.Contest, r.Round)
	if r.Action == contest.ActionRemind {
		pk = reminderPK(r.Contest, r.Round, r.Slot)
	}
	return key(pk, scheduledPrefix+r.Key)
}

// ClaimRun claims a due run for lease (a conditional put): false if it is
// done, or claimed by another start whose lease has not run out.
func (s *Store) ClaimRun(ctx context.Context, r contest.DueRun, now time.Time, lease time.Duration) (bool, error) {
	item := scheduledKey(r)
	item["leaseUntil"] = &types.AttributeValueMemberN{Value: fmt.Sprint(now.Add(lease).UnixMilli())}
	item["ttl"] = &types.AttributeValueMemberN{Value: fmt.Sprint(now.Add(scheduledKeep).Unix())}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR (attribute_not_exists(doneAt) AND leaseUntil < :now)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: fmt.Sprint(now.UnixMilli())}},
		ReturnConsumedCapacity:    s.capacity(),
	})
	if _, failed := isConditionFailed(err); failed {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim scheduled run %s: %w", r.Key, err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return true, nil
}

// FinishRun marks a claimed run done: no tick starts it again.
func (s *Store) FinishRun(ctx context.Context, r contest.DueRun, now time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: scheduledKey(r),
		UpdateExpression:          aws.String("SET doneAt = :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: fmt.Sprint(now.UnixMilli())}},
	})
	if err != nil {
		return fmt.Errorf("finish scheduled run %s: %w", r.Key, err)
	}
	return nil
}

// ReleaseRun gives a claimed run that failed back to the next tick (its
// lease ends now).
func (s *Store) ReleaseRun(ctx context.Context, r contest.DueRun) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: scheduledKey(r),
		UpdateExpression:          aws.String("SET leaseUntil = :zero"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND attribute_not_exists(doneAt)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": &types.AttributeValueMemberN{Value: "0"}},
	})
	if _, failed := isConditionFailed(err); failed {
		return nil
	}
	if err != nil {
		return fmt.Errorf("release scheduled run %s: %w", r.Key, err)
	}
	return nil
}
