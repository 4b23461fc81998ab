package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/signin"
)

// bucketItem is a token bucket's state (signin.Bucket): when it is full
// again. It expires then, carrying nothing more.
type bucketItem struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Full int64  `dynamodbav:"full"` // Unix milliseconds
	TTL  int64  `dynamodbav:"ttl"`
}

const skLimit = "LIMIT"

// takeRetries bounds the rounds of a take (a round loses only when the
// bucket turns from full to busy, or back, between its two writes).
const takeRetries = 8

// TakeToken spends a token of bucket b for holder (a requester's key, or "all"
// for the contest) at now, or returns b's fault.RateLimited. It reads
// nothing first: a busy bucket's state is advanced by one conditional update
// (signin.Bucket.Latest bounds it), which concurrent takes cannot lose to
// each other; a full bucket (no item, or a state in the past) is started by
// a conditional put. So many sign-ins behind one address, or the whole
// contest's at a week's opening, do not retry against each other.
func (s *Store) TakeToken(ctx context.Context, contestID string, b signin.Bucket, holder string, now time.Time) error {
	return s.takeToken(ctx, limitPK(contestID, b.Name, holder), b, now)
}

// takeToken spends a token of bucket b, whose state is the item pk.
func (s *Store) takeToken(ctx context.Context, pk string, b signin.Bucket, now time.Time) error {
	nowMs, every := now.UnixMilli(), b.Every.Milliseconds()
	latest := b.Latest(now).UnixMilli()
	ttl := b.Latest(now).Add(b.Every).Unix() + 1 // the latest the state can be after this take
	for range takeRetries {
		// a busy bucket with a token left: advance its state by one token
		expr, err := expression.NewBuilder().
			WithCondition(expression.Name("full").Between(expression.Value(nowMs), expression.Value(latest))).
			WithUpdate(expression.Set(expression.Name("full"), expression.Name("full").Plus(expression.Value(every))).
				Set(expression.Name("ttl"), expression.Value(ttl))).Build()
		if err != nil {
			return err
		}
		out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(s.table), Key: key(pk, skLimit), UpdateExpression: expr.Update(),
			ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
			ReturnConsumedCapacity:              s.capacity(),
		})
		if err == nil {
			s.meter.add(out.ConsumedCapacity, true)
			return nil
		}
		old, lost := isConditionFailed(err)
		if !lost {
			return fmt.Errorf("take from %s bucket: %w", b.Name, err)
		}
		var it bucketItem
		if len(old) > 0 {
			if err := attributevalue.UnmarshalMap(old, &it); err != nil {
				return fmt.Errorf("read %s bucket: %w", b.Name, err)
			}
			if full := time.UnixMilli(it.Full); !full.Before(now) {
				if _, err := b.Take(full, now); err != nil {
					return err // empty: the wait comes from the rule
				}
				continue // it changed in between: go again
			}
		}
		// a full bucket (no item, or a state in the past): start it
		if ok, err := s.startBucket(ctx, pk, b, nowMs, now.Add(b.Every)); err != nil || ok {
			return err
		}
	}
	return fault.RateLimited("signin_busy", "Hệ thống đang nhận rất nhiều yêu cầu cùng lúc. Vui lòng thử lại sau giây lát.").After(time.Second)
}

// startBucket puts a full bucket's state after one take, next, unless another
// take got there first (false).
func (s *Store) startBucket(ctx context.Context, pk string, b signin.Bucket, nowMs int64, next time.Time) (bool, error) {
	expr, err := expression.NewBuilder().WithCondition(expression.Or(
		expression.AttributeNotExists(expression.Name("PK")),
		expression.Name("full").LessThan(expression.Value(nowMs)))).Build()
	if err != nil {
		return false, err
	}
	av, err := marshal(bucketItem{PK: pk, SK: skLimit, Full: next.UnixMilli(), TTL: next.Unix() + 1})
	if err != nil {
		return false, err
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table), Item: av, ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnConsumedCapacity: s.capacity(),
	})
	if _, lost := isConditionFailed(err); lost {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("start %s bucket: %w", b.Name, err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return true, nil
}
