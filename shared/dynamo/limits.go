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

func limitPK(contestID, bucket, key string) string {
	return "C#" + contestID + "#LIMIT#" + bucket + "#" + key
}

const skLimit = "LIMIT"

// takeRetries bounds the rounds of a contended bucket (each lost race hands
// back the winner's state, so a round costs one write).
const takeRetries = 8

// TakeToken spends a token of bucket b for key (a requester's key, or "all"
// for the contest) at now, or returns b's fault.RateLimited. The write is
// conditional on the state it read, so two concurrent takes never spend the
// same token.
func (s *Store) TakeToken(ctx context.Context, contestID string, b signin.Bucket, key string, now time.Time) error {
	return s.takeToken(ctx, limitPK(contestID, b.Name, key), b, now)
}

// takeToken spends a token of bucket b, whose state is the item pk.
func (s *Store) takeToken(ctx context.Context, pk string, b signin.Bucket, now time.Time) error {
	var it bucketItem
	found, err := s.get(ctx, pk, skLimit, true, &it)
	if err != nil {
		return fmt.Errorf("read %s bucket: %w", b.Name, err)
	}
	for range takeRetries {
		var full time.Time
		if found {
			full = time.UnixMilli(it.Full)
		}
		next, err := b.Take(full, now)
		if err != nil {
			return err
		}
		cond := expression.AttributeNotExists(expression.Name("PK"))
		if found {
			cond = expression.Name("full").Equal(expression.Value(it.Full))
		}
		expr, err := expression.NewBuilder().WithCondition(cond).Build()
		if err != nil {
			return err
		}
		av, err := marshal(bucketItem{PK: pk, SK: skLimit, Full: next.UnixMilli(), TTL: next.Unix() + 1})
		if err != nil {
			return err
		}
		out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(s.table), Item: av, ConditionExpression: expr.Condition(),
			ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
			ReturnConsumedCapacity:              s.capacity(),
		})
		if old, lost := isConditionFailed(err); lost {
			// someone took a token meanwhile: go again from their state
			it, found = bucketItem{}, len(old) > 0
			if found {
				if err := attributevalue.UnmarshalMap(old, &it); err != nil {
					return fmt.Errorf("read %s bucket: %w", b.Name, err)
				}
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("take from %s bucket: %w", b.Name, err)
		}
		s.meter.add(out.ConsumedCapacity, true)
		return nil
	}
	return fault.RateLimited("signin_busy", "Hệ thống đang nhận rất nhiều yêu cầu cùng lúc. Vui lòng thử lại sau giây lát.").After(time.Second)
}
