package dynamo

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/platform"
)

// paperItem is a paper as stored. Items are encoded compactly ("s042:2031 …")
// so a 15-question paper stays under 1 KB (1 WCU per write).
type paperItem struct {
	PK            string            `dynamodbav:"PK"`
	SK            string            `dynamodbav:"SK"`
	RoundID       string            `dynamodbav:"roundId"`
	ParticipantID string            `dynamodbav:"participantId"`
	Attempt       int               `dynamodbav:"attempt"`
	Email         string            `dynamodbav:"email"`
	Name          string            `dynamodbav:"name"`
	UnitID        string            `dynamodbav:"unitId,omitempty"`
	Audience      string            `dynamodbav:"audience"`
	BankID        string            `dynamodbav:"bankId"`
	Items         string            `dynamodbav:"items"`
	Key           string            `dynamodbav:"key"`
	StartedAt     int64             `dynamodbav:"startedAt"`
	Deadline      int64             `dynamodbav:"deadline"`
	Answers       map[string]string `dynamodbav:"answers"`
	Status        string            `dynamodbav:"status"`
	Correct       *int              `dynamodbav:"correct,omitempty"`
	Total         *int              `dynamodbav:"total,omitempty"`
	TimeTakenMs   *int64            `dynamodbav:"timeTakenMs,omitempty"`
	SubmittedAt   *int64            `dynamodbav:"submittedAt,omitempty"`
	Prediction    *int              `dynamodbav:"prediction,omitempty"`
	SavedPred     *int              `dynamodbav:"savedPrediction,omitempty"`
	Automatic     bool              `dynamodbav:"automatic,omitempty"`
	// Where the start and the submission came from (never published), and
	// each one's contest.Requester.Device, which the ranking index lists.
	StartedAddress     string `dynamodbav:"startedAddress,omitempty"`
	StartedUserAgent   string `dynamodbav:"startedUserAgent,omitempty"`
	StartedDevice      string `dynamodbav:"startedDevice,omitempty"`
	SubmittedAddress   string `dynamodbav:"submittedAddress,omitempty"`
	SubmittedUserAgent string `dynamodbav:"submittedUserAgent,omitempty"`
	SubmittedDevice    string `dynamodbav:"submittedDevice,omitempty"`
	// Responses (contest.Responses), written with the result.
	Responses string `dynamodbav:"responses,omitempty"`
	// An organiser's exclusion (contest.Exclusion).
	ExcludedReason string `dynamodbav:"excludedReason,omitempty"`
	ExcludedAt     int64  `dynamodbav:"excludedAt,omitempty"`
	ExcludedBy     string `dynamodbav:"excludedBy,omitempty"`
	// InProgressPK and InProgressSK list the paper in the in-progress index
	// while it is in progress (removed on submission).
	InProgressPK string `dynamodbav:"GSI3PK,omitempty"`
	InProgressSK string `dynamodbav:"GSI3SK,omitempty"`
}

func marshal(item any) (map[string]types.AttributeValue, error) {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return nil, fmt.Errorf("marshal item: %w", err)
	}
	return av, nil
}

func toPaperItem(p *contest.Paper) paperItem {
	enc := make([]string, len(p.Items))
	for i, it := range p.Items {
		enc[i] = it.String()
	}
	answers := p.Answers
	if answers == nil {
		answers = map[string]string{}
	}
	it := paperItem{
		PK: paperPK(p.ContestID, p.RoundID, p.ParticipantID), SK: paperSK(p.Attempt),
		RoundID: p.RoundID, ParticipantID: p.ParticipantID, Attempt: p.Attempt,
		Email: p.Email, Name: p.Name, UnitID: p.UnitID, Audience: string(p.Audience), BankID: p.BankID,
		Items: strings.Join(enc, " "), Key: p.Key,
		StartedAt: p.StartedAt.UnixMilli(), Deadline: p.Deadline.UnixMilli(),
		Answers: answers, Status: string(p.Status), SavedPred: p.SavedPrediction,
		StartedAddress: p.StartedFrom.Address, StartedUserAgent: p.StartedFrom.UserAgent, StartedDevice: p.StartedFrom.Device(),
		SubmittedAddress: p.SubmittedFrom.Address, SubmittedUserAgent: p.SubmittedFrom.UserAgent, SubmittedDevice: p.SubmittedFrom.Device(),
		Responses: string(p.Responses),
	}
	if e := p.Exclusion; e != nil {
		it.ExcludedReason, it.ExcludedAt, it.ExcludedBy = e.Reason, e.At.UnixMilli(), e.By
	}
	if p.Status == contest.PaperInProgress {
		it.InProgressPK = inProgressPK(p.ContestID, p.RoundID, InProgressShard(p.ParticipantID))
		it.InProgressSK = InProgressSortKey(p.Deadline)
	}
	return it
}

func fromPaperItem(contestID string, av map[string]types.AttributeValue) (*contest.Paper, error) {
	var it paperItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return nil, fmt.Errorf("unmarshal paper: %w", err)
	}
	p := &contest.Paper{
		ContestID: contestID, RoundID: it.RoundID, ParticipantID: it.ParticipantID, Attempt: it.Attempt,
		Email: it.Email, Name: it.Name, UnitID: it.UnitID, Audience: contest.Audience(it.Audience), BankID: it.BankID,
		Key: it.Key, StartedAt: time.UnixMilli(it.StartedAt), Deadline: time.UnixMilli(it.Deadline),
		Answers: it.Answers, Status: contest.PaperStatus(it.Status), SavedPrediction: it.SavedPred,
		StartedFrom:   contest.Requester{Address: it.StartedAddress, UserAgent: it.StartedUserAgent},
		SubmittedFrom: contest.Requester{Address: it.SubmittedAddress, UserAgent: it.SubmittedUserAgent},
		Responses:     contest.Responses(it.Responses),
	}
	if it.ExcludedReason != "" {
		p.Exclusion = &contest.Exclusion{Reason: it.ExcludedReason, At: time.UnixMilli(it.ExcludedAt), By: it.ExcludedBy}
	}
	for _, s := range strings.Fields(it.Items) {
		item, err := contest.ParseItem(s)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, item)
	}
	if it.Correct != nil && it.Total != nil && it.TimeTakenMs != nil && it.SubmittedAt != nil {
		p.Result = &contest.Result{Correct: *it.Correct, Total: *it.Total, TimeTakenMs: *it.TimeTakenMs, SubmittedAt: time.UnixMilli(*it.SubmittedAt)}
		if it.Prediction != nil {
			p.Result.Prediction = *it.Prediction
		}
		p.Result.Automatic = it.Automatic
	}
	return p, nil
}

// CreatePaper stores a new paper unless one with the same round, participant
// and attempt exists. It returns the stored paper and whether it is p: under
// concurrent starts exactly one caller creates, the others get the winner's.
// A paper in progress enters the in-progress index (a sparse GSI) until it
// is submitted.
func (s *Store) CreatePaper(ctx context.Context, p *contest.Paper) (*contest.Paper, bool, error) {
	av, err := marshal(toPaperItem(p))
	if err != nil {
		return nil, false, err
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table), Item: av,
		ConditionExpression:                 aws.String("attribute_not_exists(PK)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              s.capacity(),
	})
	if old, failed := isConditionFailed(err); failed {
		if old == nil {
			existing, err := s.GetPaper(ctx, p.ContestID, p.Ref(), true)
			return existing, false, err
		}
		existing, err := fromPaperItem(p.ContestID, old)
		return existing, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("create paper %s: %w", p.ID(), err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return p, true, nil
}

// GetPaper reads a paper; unknown papers are fault.NotFound.
func (s *Store) GetPaper(ctx context.Context, contestID string, ref contest.PaperRef, consistent bool) (*contest.Paper, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: key(paperPK(contestID, ref.RoundID, ref.ParticipantID), paperSK(ref.Attempt)),
		ConsistentRead: aws.Bool(consistent), ReturnConsumedCapacity: s.capacity(),
	})
	if err != nil {
		return nil, fmt.Errorf("get paper %s: %w", ref.ID(), err)
	}
	s.meter.add(out.ConsumedCapacity, false)
	if out.Item == nil {
		return nil, fault.NotFound("paper_not_found", "Không tìm thấy bài thi.")
	}
	return fromPaperItem(contestID, out.Item)
}

// ListPapers returns a participant's papers in a round, by attempt (strongly
// consistent: used to decide whether another attempt may start).
func (s *Store) ListPapers(ctx context.Context, contestID, roundID, participantID string) ([]*contest.Paper, error) {
	expr, err := beginsWith(paperPK(contestID, roundID, participantID), prePaper)
	if err != nil {
		return nil, err
	}
	var papers []*contest.Paper
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ConsistentRead: aws.Bool(true),
	}, func(items []map[string]types.AttributeValue) error {
		for _, av := range items {
			p, err := fromPaperItem(contestID, av)
			if err != nil {
				return err
			}
			papers = append(papers, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list papers: %w", err)
	}
	return papers, nil
}

// SaveAnswers replaces the paper's saved answers (and the saved prediction,
// when given) while it is in progress; a submitted paper is a fault.Conflict.
func (s *Store) SaveAnswers(ctx context.Context, p *contest.Paper, answers map[string]string, prediction *int) error {
	upd := expression.Set(expression.Name("answers"), expression.Value(answers))
	if prediction != nil {
		upd = upd.Set(expression.Name("savedPrediction"), expression.Value(*prediction))
	}
	expr, err := expression.NewBuilder().
		WithUpdate(upd).
		WithCondition(expression.Name("status").Equal(expression.Value(string(contest.PaperInProgress)))).Build()
	if err != nil {
		return err
	}
	err = s.update(ctx, paperPK(p.ContestID, p.RoundID, p.ParticipantID), paperSK(p.Attempt), expr, "save answers")
	if _, failed := isConditionFailed(err); failed {
		return fault.Conflict("paper_submitted", "Bài thi đã được nộp.")
	}
	return err
}

// MergeAnswers merges the sent answers (checked by contest.Paper.CheckAutosave)
// into the stored ones in one conditional write, contest.MergeAnswers's way
// (an empty answer clears its question), and saves the prediction when
// given, while the paper is in progress. It returns the answers and the
// saved prediction after the write: nothing is read before, and two devices
// saving at once lose none of each other's answers. A submitted paper is a
// fault.Conflict, an unknown one a fault.NotFound.
func (s *Store) MergeAnswers(ctx context.Context, p *contest.Paper, sent map[string]string, prediction *int) (map[string]string, *int, error) {
	answers := expression.Name("answers")
	var upd expression.UpdateBuilder
	for q, a := range sent {
		if a == "" {
			upd = upd.Remove(answers.AppendName(expression.Name(q)))
		} else {
			upd = upd.Set(answers.AppendName(expression.Name(q)), expression.Value(a))
		}
	}
	if prediction != nil {
		upd = upd.Set(expression.Name("savedPrediction"), expression.Value(*prediction))
	}
	if len(sent) == 0 && prediction == nil { // nothing to change: the write still checks the status
		upd = upd.Set(answers, expression.IfNotExists(answers, expression.Value(map[string]string{})))
	}
	expr, err := expression.NewBuilder().WithUpdate(upd).
		WithCondition(expression.Name("status").Equal(expression.Value(string(contest.PaperInProgress)))).Build()
	if err != nil {
		return nil, nil, err
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(paperPK(p.ContestID, p.RoundID, p.ParticipantID), paperSK(p.Attempt)),
		UpdateExpression: expr.Update(), ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              s.capacity(),
	})
	if old, failed := isConditionFailed(err); failed {
		if old == nil {
			return nil, nil, fault.NotFound("paper_not_found", "Không tìm thấy bài thi.")
		}
		return nil, nil, fault.Conflict("paper_submitted", "Bài thi đã được nộp.")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("save answers of %s: %w", p.ID(), err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	var it paperItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return nil, nil, fmt.Errorf("unmarshal paper: %w", err)
	}
	if it.Answers == nil {
		it.Answers = map[string]string{}
	}
	return it.Answers, it.SavedPred, nil
}

// SubmitPaper stores the graded result once. If the paper was already
// submitted (a retry, or a concurrent submit that won), it returns the stored
// paper with its result and false; otherwise the submitted paper and true.
// The submission enters the ranking and unit indexes and leaves the
// in-progress index (sparse GSIs), in the same write.
func (s *Store) SubmitPaper(ctx context.Context, p *contest.Paper, answers map[string]string, r contest.Result) (*contest.Paper, bool, error) {
	ref := p.Ref()
	responses := contest.ResponsesOf(p, answers)
	upd := expression.Set(expression.Name("status"), expression.Value(string(contest.PaperSubmitted))).
		Set(expression.Name("responses"), expression.Value(string(responses))).
		Set(expression.Name("answers"), expression.Value(answers)).
		Set(expression.Name("correct"), expression.Value(r.Correct)).
		Set(expression.Name("total"), expression.Value(r.Total)).
		Set(expression.Name("timeTakenMs"), expression.Value(r.TimeTakenMs)).
		Set(expression.Name("submittedAt"), expression.Value(r.SubmittedAt.UnixMilli())).
		Set(expression.Name("prediction"), expression.Value(r.Prediction)).
		Set(expression.Name("GSI1PK"), expression.Value(rankingPK(p.ContestID, p.RoundID, RankingShard(p.ParticipantID)))).
		Set(expression.Name("GSI1SK"), expression.Value(contest.RankingIndexKey(r, ref))).
		Remove(expression.Name(platform.AttrGSI3PK)).
		Remove(expression.Name(platform.AttrGSI3SK))
	if r.Automatic {
		upd = upd.Set(expression.Name("automatic"), expression.Value(true))
	}
	if from := p.SubmittedFrom; from.Address != "" {
		upd = upd.Set(expression.Name("submittedAddress"), expression.Value(from.Address)).
			Set(expression.Name("submittedDevice"), expression.Value(from.Device()))
		if from.UserAgent != "" {
			upd = upd.Set(expression.Name("submittedUserAgent"), expression.Value(from.UserAgent))
		}
	}
	if p.UnitID != "" {
		upd = upd.Set(expression.Name("GSI2PK"), expression.Value(unitPK(p.ContestID, p.RoundID, p.UnitID))).
			Set(expression.Name("GSI2SK"), expression.Value(ref.ID()))
	}
	expr, err := expression.NewBuilder().WithUpdate(upd).
		WithCondition(expression.Name("status").Equal(expression.Value(string(contest.PaperInProgress)))).Build()
	if err != nil {
		return nil, false, err
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(paperPK(p.ContestID, p.RoundID, p.ParticipantID), paperSK(p.Attempt)),
		UpdateExpression: expr.Update(), ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              s.capacity(),
	})
	if old, failed := isConditionFailed(err); failed {
		var stored *contest.Paper
		if old != nil {
			stored, err = fromPaperItem(p.ContestID, old)
		} else {
			stored, err = s.GetPaper(ctx, p.ContestID, ref, true)
		}
		if err != nil {
			return nil, false, err
		}
		if stored.Result == nil {
			return nil, false, fmt.Errorf("submit paper %s: condition failed but no stored result", ref.ID())
		}
		return stored, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("submit paper %s: %w", ref.ID(), err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	done := *p
	done.Status, done.Answers, done.Result, done.Responses = contest.PaperSubmitted, answers, &r, responses
	return &done, true, nil
}

// ListInProgress returns a round's papers that the in-progress index
// (platform.IndexInProgress) lists with a deadline at or before deadlineBy,
// read whole and strongly consistent: the candidates for closing overdue
// papers (contest.Paper.Overdue decides). It reads the index's shards of
// that round only, then the papers it lists by key (BatchGetItem, 1 RCU a
// paper), so its cost follows the round's open papers, not the table.
//
// The index is eventually consistent: a paper submitted a moment ago may
// still be listed (it comes back submitted, as stored), and one started a
// moment ago may not be yet (its deadline is still ahead).
func (s *Store) ListInProgress(ctx context.Context, contestID, roundID string, deadlineBy time.Time) ([]*contest.Paper, error) {
	var out []*contest.Paper
	err := s.EachInProgress(ctx, contestID, roundID, deadlineBy, func(page []*contest.Paper) error {
		out = append(out, page...)
		return nil
	})
	return out, err
}

// EachInProgress hands each a page of what ListInProgress lists (at most
// InProgressPage papers: one page of an in-progress index shard, its papers
// read by key), one page at a time (never two calls at once), so that a
// caller closing them holds a page, not the round's abandoned papers. The
// shards are read inProgressShardsAtOnce at a time; an error from each stops
// the reading and is returned.
func (s *Store) EachInProgress(ctx context.Context, contestID, roundID string, deadlineBy time.Time, each func([]*contest.Paper) error) error {
	var mu sync.Mutex // each is called for one page at a time
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(inProgressShardsAtOnce)
	for shard := range platform.InProgressShards {
		g.Go(func() error {
			expr, err := expression.NewBuilder().WithKeyCondition(
				expression.Key(platform.AttrGSI3PK).Equal(expression.Value(inProgressPK(contestID, roundID, shard))).
					And(expression.Key(platform.AttrGSI3SK).LessThanEqual(expression.Value(InProgressSortKey(deadlineBy))))).Build()
			if err != nil {
				return err
			}
			return s.queryAll(gctx, &dynamodb.QueryInput{
				IndexName: aws.String(platform.IndexInProgress), KeyConditionExpression: expr.KeyCondition(),
				ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
				Limit: aws.Int32(InProgressPage),
			}, func(items []map[string]types.AttributeValue) error {
				if len(items) == 0 {
					return nil
				}
				keys := make([]map[string]types.AttributeValue, len(items))
				for i, av := range items {
					keys[i] = map[string]types.AttributeValue{platform.AttrPK: av[platform.AttrPK], platform.AttrSK: av[platform.AttrSK]}
				}
				papers, err := s.getPapers(gctx, contestID, keys, true)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				return each(papers)
			})
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("list papers in progress of %s: %w", roundID, err)
	}
	return nil
}

// InProgressPage is how many papers in progress EachInProgress hands over
// at most at a time (the in-progress index's page); inProgressShardsAtOnce
// is how many of its shards are read at once.
const (
	InProgressPage         = 500
	inProgressShardsAtOnce = 8
)

// ClosePapers closes papers found overdue (contest.Paper.Overdue) as the
// site's automatic submission would have (contest.CloseOverdue),
// closeAtOnce at a time, and returns them as stored. A paper submitted meanwhile (its owner came
// back, another closer won) comes back with its stored result.
func (s *Store) ClosePapers(ctx context.Context, overdue []*contest.Paper) ([]*contest.Paper, error) {
	closed := make([]*contest.Paper, len(overdue))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(closeAtOnce)
	for i, p := range overdue {
		g.Go(func() error {
			stored, _, err := s.SubmitPaper(gctx, p, p.Answers, contest.CloseOverdue(p))
			if err != nil {
				return fmt.Errorf("close overdue paper: %w", err)
			}
			closed[i] = stored
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return closed, nil
}

// closeAtOnce is how many overdue papers ClosePapers writes at the same
// time: each is one conditional write to its own key, so the time to close a
// round's abandoned papers is that of a write times their number over this.
const closeAtOnce = 32

// GetPapers reads the papers of the given participants in a round, attempts
// 1 to attempts of each, with BatchGetItem (100 keys a request, 4 requests at
// a time, eventually consistent: 0.5 RCU a paper, nothing for a key without
// one). Keys the server leaves unprocessed are asked again after a backoff.
// Papers that do not exist are left out; the order is not the input's.
func (s *Store) GetPapers(ctx context.Context, contestID, roundID string, participantIDs []string, attempts int) ([]*contest.Paper, error) {
	var keys []map[string]types.AttributeValue
	for _, pid := range participantIDs {
		for a := 1; a <= attempts; a++ {
			keys = append(keys, key(paperPK(contestID, roundID, pid), paperSK(a)))
		}
	}
	papers, err := s.getPapers(ctx, contestID, keys, false)
	if err != nil {
		return nil, fmt.Errorf("get papers of %s: %w", roundID, err)
	}
	return papers, nil
}

// getPapers reads papers by key, batchGetKeys to a request, 4 requests at a
// time; consistent reads cost 1 RCU a paper, eventually consistent ones 0.5.
func (s *Store) getPapers(ctx context.Context, contestID string, keys []map[string]types.AttributeValue, consistent bool) ([]*contest.Paper, error) {
	batches := make([][]*contest.Paper, (len(keys)+batchGetKeys-1)/batchGetKeys)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range batches {
		g.Go(func() error {
			items, err := s.batchGet(gctx, keys[i*batchGetKeys:min((i+1)*batchGetKeys, len(keys))], consistent)
			if err != nil {
				return err
			}
			for _, av := range items {
				p, err := fromPaperItem(contestID, av)
				if err != nil {
					return err
				}
				batches[i] = append(batches[i], p)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []*contest.Paper
	for _, b := range batches {
		out = append(out, b...)
	}
	return out, nil
}

// batchGetKeys is BatchGetItem's limit of keys per request.
const batchGetKeys = 100

// batchGet reads up to batchGetKeys items, asking again for the keys the
// server leaves unprocessed (throttling, the 16 MB response limit) after a
// growing pause, up to batchGetTries requests in all.
func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue, consistent bool) ([]map[string]types.AttributeValue, error) {
	var items []map[string]types.AttributeValue
	req := map[string]types.KeysAndAttributes{s.table: {Keys: keys, ConsistentRead: aws.Bool(consistent)}}
	for try := 0; ; try++ {
		out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req, ReturnConsumedCapacity: s.capacity()})
		if err != nil {
			return nil, err
		}
		for i := range out.ConsumedCapacity {
			s.meter.add(&out.ConsumedCapacity[i], false)
		}
		items = append(items, out.Responses[s.table]...)
		if len(out.UnprocessedKeys[s.table].Keys) == 0 {
			return items, nil
		}
		if try+1 == batchGetTries {
			return nil, fmt.Errorf("%d keys still unprocessed after %d requests", len(out.UnprocessedKeys[s.table].Keys), batchGetTries)
		}
		// ask again for the rest, as consistently as the first time
		rest := out.UnprocessedKeys[s.table]
		rest.ConsistentRead = aws.Bool(consistent)
		req = map[string]types.KeysAndAttributes{s.table: rest}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(25<<try) * time.Millisecond):
		}
	}
}

// batchGetTries bounds the requests for one batch: with pauses of 25 ms
// doubling, the last is asked about 3 s after the first.
const batchGetTries = 8

// ImportSubmitted writes already-graded papers as they would be after
// submission (index keys included), 25 to a batch, retrying what the server
// leaves unprocessed. It is for generated data (benchmarks, demos), not for
// the contest's own path, which goes through CreatePaper and SubmitPaper.
func (s *Store) ImportSubmitted(ctx context.Context, papers []*contest.Paper) error {
	for start := 0; start < len(papers); start += 25 {
		var reqs []types.WriteRequest
		for _, p := range papers[start:min(start+25, len(papers))] {
			if p.Result == nil {
				return fmt.Errorf("import paper %s: no result", p.ID())
			}
			it := toPaperItem(p)
			r := *p.Result
			it.Responses = string(contest.ResponsesOf(p, p.Answers))
			it.Automatic = r.Automatic
			it.Status = string(contest.PaperSubmitted)
			it.InProgressPK, it.InProgressSK = "", ""
			it.Correct, it.Total, it.TimeTakenMs, it.Prediction = &r.Correct, &r.Total, &r.TimeTakenMs, &r.Prediction
			at := r.SubmittedAt.UnixMilli()
			it.SubmittedAt = &at
			av, err := marshal(it)
			if err != nil {
				return err
			}
			av["GSI1PK"] = &types.AttributeValueMemberS{Value: rankingPK(p.ContestID, p.RoundID, RankingShard(p.ParticipantID))}
			av["GSI1SK"] = &types.AttributeValueMemberS{Value: contest.RankingIndexKey(r, p.Ref())}
			if p.UnitID != "" {
				av["GSI2PK"] = &types.AttributeValueMemberS{Value: unitPK(p.ContestID, p.RoundID, p.UnitID)}
				av["GSI2SK"] = &types.AttributeValueMemberS{Value: p.ID()}
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		}
		pending := map[string][]types.WriteRequest{s.table: reqs}
		for try := 0; len(pending) > 0; try++ {
			if try > 8 {
				return fmt.Errorf("import papers: server keeps %d writes unprocessed", len(pending[s.table]))
			}
			if try > 0 {
				time.Sleep(time.Duration(1<<try) * 10 * time.Millisecond)
			}
			out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending, ReturnConsumedCapacity: s.capacity()})
			if err != nil {
				return fmt.Errorf("import papers: %w", err)
			}
			for i := range out.ConsumedCapacity {
				s.meter.add(&out.ConsumedCapacity[i], true)
			}
			pending = out.UnprocessedItems
		}
	}
	return nil
}

// SetExclusion records an organiser's exclusion of a submitted paper (nil:
// lifts it) and returns the paper as stored. The ranking index lists the
// reason, so the next tally leaves the paper out of the ranking. A paper not
// submitted is a fault.Conflict, an unknown one fault.NotFound.
func (s *Store) SetExclusion(ctx context.Context, contestID string, ref contest.PaperRef, e *contest.Exclusion) (*contest.Paper, error) {
	var upd expression.UpdateBuilder
	if e != nil {
		upd = expression.Set(expression.Name("excludedReason"), expression.Value(e.Reason)).
			Set(expression.Name("excludedAt"), expression.Value(e.At.UnixMilli())).
			Set(expression.Name("excludedBy"), expression.Value(e.By))
	} else {
		upd = expression.Remove(expression.Name("excludedReason")).Remove(expression.Name("excludedAt")).Remove(expression.Name("excludedBy"))
	}
	expr, err := expression.NewBuilder().WithUpdate(upd).
		WithCondition(expression.Name("status").Equal(expression.Value(string(contest.PaperSubmitted)))).Build()
	if err != nil {
		return nil, err
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(paperPK(contestID, ref.RoundID, ref.ParticipantID), paperSK(ref.Attempt)),
		UpdateExpression: expr.Update(), ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnValues: types.ReturnValueAllNew, ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity: s.capacity(),
	})
	if old, failed := isConditionFailed(err); failed {
		if old == nil {
			return nil, fault.NotFound("paper_not_found", "Không tìm thấy bài thi.")
		}
		return nil, fault.Conflict("paper_not_submitted", "Bài thi chưa được nộp; chỉ bài đã nộp mới có thể bị loại khỏi bảng xếp hạng.")
	}
	if err != nil {
		return nil, fmt.Errorf("set exclusion of paper %s: %w", ref.ID(), err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return fromPaperItem(contestID, out.Attributes)
}
