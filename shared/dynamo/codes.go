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

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/signin"
)

type codeItem struct {
	PK          string         `dynamodbav:"PK"`
	SK          string         `dynamodbav:"SK"`
	Hash        string         `dynamodbav:"hash"`
	ExpiresAt   int64          `dynamodbav:"expiresAt"`
	Tries       int            `dynamodbav:"tries"`
	TriesBy     map[string]int `dynamodbav:"triesBy"`
	Used        bool           `dynamodbav:"used"`
	WindowStart int64          `dynamodbav:"windowStart"`
	Sends       int            `dynamodbav:"sends"`
	LastSentAt  int64          `dynamodbav:"lastSentAt"`
	SignUpAud   string         `dynamodbav:"signUpAudience,omitempty"`
	SignUpName  string         `dynamodbav:"signUpName,omitempty"`
	SignUpWard  string         `dynamodbav:"signUpWard,omitempty"`
	TTL         int64          `dynamodbav:"ttl"`
}

func newCodeItem(contestID, email string, st signin.CodeState) codeItem {
	it := codeItem{
		PK: memberPK(contestID, email), SK: skCode, Hash: st.Hash, ExpiresAt: st.ExpiresAt.UnixMilli(), Tries: st.Tries,
		TriesBy: map[string]int{}, Used: st.Used, WindowStart: st.WindowStart.UnixMilli(), Sends: st.Sends, LastSentAt: st.LastSentAt.UnixMilli(),
		TTL: max(st.WindowStart.Add(signin.SendWindow).Unix(), st.ExpiresAt.Unix()) + 1,
	}
	for k, n := range st.TriesBy {
		it.TriesBy[k] = n
	}
	if su := st.SignUp; su != nil {
		it.SignUpAud, it.SignUpName, it.SignUpWard = string(su.Audience), su.Name, su.Ward
	}
	return it
}

func (it codeItem) state() *signin.CodeState {
	st := &signin.CodeState{
		Hash: it.Hash, ExpiresAt: time.UnixMilli(it.ExpiresAt), Tries: it.Tries, TriesBy: it.TriesBy, Used: it.Used,
		WindowStart: time.UnixMilli(it.WindowStart), Sends: it.Sends, LastSentAt: time.UnixMilli(it.LastSentAt),
	}
	if it.SignUpAud != "" {
		st.SignUp = &contest.SignUp{Audience: contest.Audience(it.SignUpAud), Name: it.SignUpName, Ward: it.SignUpWard}
	}
	return st
}

// GetCode reads a person's code state; nil when there is none or its item has
// expired (local servers do not sweep TTL, so expiry is checked here).
func (s *Store) GetCode(ctx context.Context, contestID, email string, now time.Time) (*signin.CodeState, error) {
	var it codeItem
	ok, err := s.get(ctx, memberPK(contestID, email), skCode, true, &it)
	if err != nil {
		return nil, fmt.Errorf("get code: %w", err)
	}
	if !ok || now.Unix() >= it.TTL {
		return nil, nil
	}
	return it.state(), nil
}

// AddCodeTry counts a wrong try by requester (a signin.RequesterKey) against
// the code with the given hash.
func (s *Store) AddCodeTry(ctx context.Context, contestID, email, hash, requester string) error {
	by := expression.Name("triesBy." + requester)
	expr, err := expression.NewBuilder().
		WithUpdate(expression.Add(expression.Name("tries"), expression.Value(1)).
			Set(by, expression.Plus(expression.IfNotExists(by, expression.Value(0)), expression.Value(1)))).
		WithCondition(expression.Name("hash").Equal(expression.Value(hash))).Build()
	if err != nil {
		return err
	}
	return s.update(ctx, memberPK(contestID, email), skCode, expr, "count wrong code")
}

// UseCode marks the code used, if at now it is still the code with that
// hash, unused, not expired and not locked for requester (signin.Check's
// rules, so that a right code needs no read before). It returns the code's
// state and whether it was used: on success the state after (its sign-up),
// else the state as stored (nil for none or an expired item), for
// signin.Check to say why not.
func (s *Store) UseCode(ctx context.Context, contestID, email, hash, requester string, now time.Time) (*signin.CodeState, bool, error) {
	by := expression.Name("triesBy." + requester)
	expr, err := expression.NewBuilder().
		WithUpdate(expression.Set(expression.Name("used"), expression.Value(true))).
		WithCondition(expression.Name("hash").Equal(expression.Value(hash)).
			And(expression.Name("used").Equal(expression.Value(false))).
			And(expression.Name("expiresAt").GreaterThanEqual(expression.Value(now.UnixMilli()))).
			And(expression.Name("tries").LessThan(expression.Value(signin.MaxTriesPerCode))).
			And(expression.AttributeNotExists(by).Or(by.LessThan(expression.Value(signin.MaxTries))))).Build()
	if err != nil {
		return nil, false, err
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(memberPK(contestID, email), skCode),
		UpdateExpression: expr.Update(), ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              s.capacity(),
	})
	if old, failed := isConditionFailed(err); failed {
		st, err := codeState(old, now)
		return st, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("use code: %w", err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	st, err := codeState(out.Attributes, now)
	return st, err == nil, err
}

// codeState reads a code item as GetCode does: nil when there is none or it
// has expired.
func codeState(av map[string]types.AttributeValue, now time.Time) (*signin.CodeState, error) {
	if av == nil {
		return nil, nil
	}
	var it codeItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return nil, fmt.Errorf("unmarshal code: %w", err)
	}
	if now.Unix() >= it.TTL {
		return nil, nil
	}
	return it.state(), nil
}

func (s *Store) update(ctx context.Context, pk, sk string, expr expression.Expression, what string) error {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(pk, sk),
		UpdateExpression: expr.Update(), ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnConsumedCapacity: s.capacity(),
	})
	if err != nil {
		if _, failed := isConditionFailed(err); failed {
			return err
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return nil
}
