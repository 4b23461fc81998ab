package dynamo

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
)

func practiceSK(bank, q string) string { return "Q#" + bank + "#" + q }

type practiceItem struct {
	PK       string `dynamodbav:"PK"`
	SK       string `dynamodbav:"SK"`
	Answered int    `dynamodbav:"answered"`
	Right    int    `dynamodbav:"right"`
	TTL      int64  `dynamodbav:"ttl"`
}

// CountPractice adds one practice answer (right or not) to the question's
// anonymous count of the day (contest.PracticeDay), with one UpdateItem.
func (s *Store) CountPractice(ctx context.Context, contestID string, a contest.PracticeAnswer) error {
	right := 0
	if a.Right {
		right = 1
	}
	upd := expression.Add(expression.Name("answered"), expression.Value(1)).
		Add(expression.Name("right"), expression.Value(right)).
		Set(expression.Name(platform.AttrTTL), expression.Value(a.Expires.Unix()))
	expr, err := expression.NewBuilder().WithUpdate(upd).Build()
	if err != nil {
		return err
	}
	return s.update(ctx, practicePK(contestID, a.Day), practiceSK(a.BankID, a.QuestionID), expr, "count practice")
}

// PracticeCount reads a question's practice count of a day (for the
// organisers' statistics and tests).
func (s *Store) PracticeCount(ctx context.Context, contestID, day, bankID, questionID string) (answered, right int, err error) {
	var it practiceItem
	if _, err := s.get(ctx, practicePK(contestID, day), practiceSK(bankID, questionID), true, &it); err != nil {
		return 0, 0, fmt.Errorf("read practice count: %w", err)
	}
	return it.Answered, it.Right, nil
}

// PracticeCounts reads every question's practice count of a day: one query
// of the day's partition.
func (s *Store) PracticeCounts(ctx context.Context, contestID, day string) ([]contest.PracticeCount, error) {
	expr, err := beginsWith(practicePK(contestID, day), "Q#")
	if err != nil {
		return nil, err
	}
	out := []contest.PracticeCount{}
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}, func(items []map[string]types.AttributeValue) error {
		for _, av := range items {
			var it practiceItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return err
			}
			bank, q, ok := strings.Cut(strings.TrimPrefix(it.SK, "Q#"), "#")
			if !ok {
				continue
			}
			out = append(out, contest.PracticeCount{BankID: bank, QuestionID: q, Answered: it.Answered, Right: it.Right})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read practice counts of %s: %w", day, err)
	}
	return out, nil
}
