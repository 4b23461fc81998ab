package dynamo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
)

// decodeRanked reads a ranking-index item without reflection: a national
// round has a million of them and the tally reads them all. The sort key
// (contest.RankingIndexKey) carries what the projection does not.
func decodeRanked(av map[string]types.AttributeValue, roundID string) (contest.Submitted, error) {
	var d avDecoder
	sk := d.s(av, platform.AttrGSI1SK)
	name, unit, total, prediction := d.s(av, "name"), d.s(av, "unitId"), int(d.n(av, "total")), int(d.n(av, "prediction"))
	responses, started, submitted, excluded := d.s(av, "responses"), d.s(av, "startedDevice"), d.s(av, "submittedDevice"), d.s(av, "excludedReason")
	automatic := false
	if b, ok := av["automatic"].(*types.AttributeValueMemberBOOL); ok {
		automatic = b.Value
	}
	if d.err != nil {
		return contest.Submitted{}, d.err
	}
	p, err := contest.ParseRankingIndexKey(sk)
	if err != nil {
		return contest.Submitted{}, err
	}
	if !strings.HasPrefix(p.PaperID, roundID+".") {
		return contest.Submitted{}, fmt.Errorf("ranking key %q is not of round %s", sk, roundID)
	}
	p.Name, p.UnitID, p.Total, p.Prediction = name, unit, total, prediction
	p.Responses, p.StartedFrom, p.SubmittedFrom, p.Excluded, p.Automatic = contest.Responses(responses), started, submitted, excluded, automatic
	return p, nil
}

type avDecoder struct{ err error }

func (d *avDecoder) s(av map[string]types.AttributeValue, name string) string {
	switch v := av[name].(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case nil:
		return ""
	}
	if d.err == nil {
		d.err = fmt.Errorf("attribute %s is not a string", name)
	}
	return ""
}

func (d *avDecoder) n(av map[string]types.AttributeValue, name string) int64 {
	v, ok := av[name].(*types.AttributeValueMemberN)
	if !ok {
		if d.err == nil {
			d.err = fmt.Errorf("attribute %s is not a number", name)
		}
		return 0
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("attribute %s: %w", name, err)
	}
	return n
}

// RankingShards is how many shards the ranking index splits a round into
// (EachSubmitted): a participant's papers are all in one.
func (s *Store) RankingShards() int { return platform.RankingShards }

// RankingShardOf is the ranking shard of a participant's papers.
func (s *Store) RankingShardOf(participantID string) int { return RankingShard(participantID) }

// EachSubmitted reads one shard of a round's ranking index a page at a time,
// calling each for every paper: the caller keeps what it needs, never the
// whole round. The paper passed is reused after each returns.
func (s *Store) EachSubmitted(ctx context.Context, contestID, roundID string, shard int, each func(*contest.Submitted) error) error {
	expr, err := expression.NewBuilder().WithKeyCondition(
		expression.Key(platform.AttrGSI1PK).Equal(expression.Value(rankingPK(contestID, roundID, shard)))).Build()
	if err != nil {
		return err
	}
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		IndexName: aws.String(platform.IndexRanking), KeyConditionExpression: expr.KeyCondition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}, func(items []map[string]types.AttributeValue) error {
		for _, av := range items {
			p, err := decodeRanked(av, roundID)
			if err != nil {
				return err
			}
			if err := each(&p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read ranking shard %d of %s: %w", shard, roundID, err)
	}
	return nil
}

// ListSubmitted reads every submitted paper of a round from the ranking
// index, its shards in parallel.
func (s *Store) ListSubmitted(ctx context.Context, contestID, roundID string) ([]contest.Submitted, error) {
	shards := make([][]contest.Submitted, platform.RankingShards)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8) // shards read at once
	for shard := range platform.RankingShards {
		g.Go(func() error {
			return s.EachSubmitted(gctx, contestID, roundID, shard, func(p *contest.Submitted) error {
				shards[shard] = append(shards[shard], *p)
				return nil
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("list submitted papers of %s: %w", roundID, err)
	}
	var out []contest.Submitted
	for _, s := range shards {
		out = append(out, s...)
	}
	return out, nil
}

// rosterItem is a roster member as the unit index lists it.
type rosterItem struct {
	Email string         `dynamodbav:"email"`
	Name  string         `dynamodbav:"name"`
	Roles []contest.Role `dynamodbav:"roles"`
}

// ListRoster returns a unit's roster members (e-mail, name, roles), by e-mail.
func (s *Store) ListRoster(ctx context.Context, contestID, unitID string) ([]contest.Member, error) {
	v, err := s.versions(ctx, contestID)
	if err != nil {
		return nil, err
	}
	pk := rosterPK(contestID, unitID)
	if v.Roster != "" {
		pk = rosterVersionUnitPK(contestID, v.Roster, unitID)
	}
	items, err := queryIndex[rosterItem](ctx, s, platform.IndexUnit, platform.AttrGSI2PK, pk)
	if err != nil {
		return nil, err
	}
	out := make([]contest.Member, len(items))
	for i, it := range items {
		out[i] = contest.Member{Email: it.Email, Name: it.Name, UnitID: unitID, Roles: it.Roles}
	}
	if v.Patch != "" {
		return s.patchedRoster(ctx, contestID, v.Patch, unitID, out)
	}
	return out, nil
}

// unitPaperItem is a submitted paper as the unit index lists it.
type unitPaperItem struct {
	PaperID     string `dynamodbav:"GSI2SK"`
	Email       string `dynamodbav:"email"`
	Name        string `dynamodbav:"name"`
	Correct     int    `dynamodbav:"correct"`
	Total       int    `dynamodbav:"total"`
	SubmittedAt int64  `dynamodbav:"submittedAt"`
}

// ListUnitPapers returns a unit's submitted papers in a round, with what the
// unit index projects: paper id, e-mail, name, correct, total, submission time.
func (s *Store) ListUnitPapers(ctx context.Context, contestID, roundID, unitID string) ([]contest.Submitted, error) {
	items, err := queryIndex[unitPaperItem](ctx, s, platform.IndexUnit, platform.AttrGSI2PK, unitPK(contestID, roundID, unitID))
	if err != nil {
		return nil, err
	}
	out := make([]contest.Submitted, len(items))
	for i, it := range items {
		ref, err := contest.ParsePaperID(it.PaperID)
		if err != nil {
			return nil, fmt.Errorf("unit index key %q: %w", it.PaperID, err)
		}
		out[i] = contest.Submitted{PaperID: it.PaperID, ParticipantID: ref.ParticipantID, Attempt: ref.Attempt, Email: it.Email, Name: it.Name,
			UnitID: unitID, Correct: it.Correct, Total: it.Total, SubmittedAt: time.UnixMilli(it.SubmittedAt)}
	}
	return out, nil
}

func queryIndex[T any](ctx context.Context, s *Store, index, attr, pk string) ([]T, error) {
	expr, err := expression.NewBuilder().WithKeyCondition(expression.Key(attr).Equal(expression.Value(pk))).Build()
	if err != nil {
		return nil, err
	}
	var out []T
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		IndexName: aws.String(index), KeyConditionExpression: expr.KeyCondition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}, func(items []map[string]types.AttributeValue) error {
		var page []T
		if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
			return err
		}
		out = append(out, page...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("query %s %s: %w", index, strings.SplitN(pk, "#", 3)[1], err)
	}
	return out, nil
}

// MarkPublished records that a round's final results were published, with
// their all-correct count (contest.Round.AllCorrect).
func (s *Store) MarkPublished(ctx context.Context, contestID, roundID string, at time.Time, allCorrect int) error {
	expr, err := expression.NewBuilder().
		WithUpdate(expression.Set(expression.Name("publishedAt"), expression.Value(at.UnixMilli())).
			Set(expression.Name("allCorrect"), expression.Value(allCorrect))).
		WithCondition(expression.AttributeExists(expression.Name("PK"))).Build()
	if err != nil {
		return err
	}
	return s.update(ctx, contestPK(contestID), preRound+roundID, expr, "mark round published")
}

// ClaimReminder records that a reminder of the slot goes to email for the
// round; it reports false if one already went (a repeated run sends nothing).
func (s *Store) ClaimReminder(ctx context.Context, contestID, roundID, slot, email string, expires time.Time) (bool, error) {
	av, err := marshal(struct {
		PK  string `dynamodbav:"PK"`
		SK  string `dynamodbav:"SK"`
		TTL int64  `dynamodbav:"ttl"`
	}{reminderPK(contestID, roundID, slot), email, expires.Unix()})
	if err != nil {
		return false, err
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		ReturnConsumedCapacity: s.capacity(),
	})
	if _, failed := isConditionFailed(err); failed {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim reminder: %w", err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return true, nil
}

// ReleaseReminder forgets a claim whose e-mail could not be sent, so the next
// run of the slot tries again.
func (s *Store) ReleaseReminder(ctx context.Context, contestID, roundID, slot, email string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: key(reminderPK(contestID, roundID, slot), email)})
	if err != nil {
		return fmt.Errorf("release reminder: %w", err)
	}
	return nil
}
