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

	"github.com/hoithi/hoithi/shared/clip"
)

const (
	preClip  = "CLIP#"
	preQuota = "QUOTA#"
	preScore = "SCORE#"
	// scoreAttr prefixes a criterion's attribute on a score item: one
	// attribute per criterion, so scoring a criterion again overwrites it.
	scoreAttr = "s_"
)

type clipItem struct {
	PK             string `dynamodbav:"PK"`
	SK             string `dynamodbav:"SK"`
	ID             string `dynamodbav:"id"`
	UnitID         string `dynamodbav:"unitId"`
	UnitName       string `dynamodbav:"unitName"`
	Block          string `dynamodbav:"block"`
	Title          string `dynamodbav:"title"`
	Genre          string `dynamodbav:"genre"`
	ContentType    string `dynamodbav:"contentType"`
	DeclaredSize   int64  `dynamodbav:"declaredSize"`
	UploaderEmail  string `dynamodbav:"uploaderEmail"`
	UploaderName   string `dynamodbav:"uploaderName"`
	Key            string `dynamodbav:"objectKey"`
	Method         string `dynamodbav:"method"`
	UploadID       string `dynamodbav:"uploadId,omitempty"`
	PartSize       int64  `dynamodbav:"partSize,omitempty"`
	Status         string `dynamodbav:"status"`
	Reason         string `dynamodbav:"reason,omitempty"`
	Size           int64  `dynamodbav:"size,omitempty"`
	ETag           string `dynamodbav:"etag,omitempty"`
	DurationMs     int64  `dynamodbav:"durationMs,omitempty"`
	MoovAtEnd      bool   `dynamodbav:"moovAtEnd,omitempty"`
	CreatedAt      int64  `dynamodbav:"createdAt"`
	UploadDeadline int64  `dynamodbav:"uploadDeadline"`
	CheckedAt      int64  `dynamodbav:"checkedAt,omitempty"`
}

func toClipItem(c clip.Clip) clipItem {
	return clipItem{
		PK: clipsPK(c.ContestID), SK: preClip + c.ID, ID: c.ID, UnitID: c.UnitID, UnitName: c.UnitName, Block: c.Block,
		Title: c.Title, Genre: c.Genre, ContentType: c.ContentType, DeclaredSize: c.DeclaredSize,
		UploaderEmail: c.UploaderEmail, UploaderName: c.UploaderName, Key: c.Key, Method: c.Method,
		UploadID: c.UploadID, PartSize: c.PartSize, Status: c.Status, Reason: c.Reason, Size: c.Size, ETag: c.ETag,
		DurationMs: c.DurationMs, MoovAtEnd: c.MoovAtEnd, CreatedAt: c.CreatedAt.UnixMilli(),
		UploadDeadline: c.UploadDeadline.UnixMilli(), CheckedAt: unixMilliOrZero(c.CheckedAt),
	}
}

func fromClipItem(contestID string, av map[string]types.AttributeValue) (clip.Clip, error) {
	var it clipItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return clip.Clip{}, fmt.Errorf("unmarshal clip: %w", err)
	}
	c := clip.Clip{
		ContestID: contestID, ID: it.ID, UnitID: it.UnitID, UnitName: it.UnitName, Block: it.Block, Title: it.Title,
		Genre: it.Genre, ContentType: it.ContentType, DeclaredSize: it.DeclaredSize, UploaderEmail: it.UploaderEmail,
		UploaderName: it.UploaderName, Key: it.Key, Method: it.Method, UploadID: it.UploadID, PartSize: it.PartSize,
		Status: it.Status, Reason: it.Reason, Size: it.Size, ETag: it.ETag, DurationMs: it.DurationMs, MoovAtEnd: it.MoovAtEnd,
		CreatedAt: time.UnixMilli(it.CreatedAt), UploadDeadline: time.UnixMilli(it.UploadDeadline),
	}
	if it.CheckedAt != 0 {
		c.CheckedAt = time.UnixMilli(it.CheckedAt)
	}
	return c, nil
}

// CreateClip records a new upload, taking one of the unit's quota slots
// first: a unit holds at most quota clips that are uploading or accepted
// (rejected ones give their slot back). Concurrent requests cannot overrun
// the quota: the slot is a conditional add to the unit's set of live clips.
// Errors: fault.Conflict "clip_quota_reached".
func (s *Store) CreateClip(ctx context.Context, c clip.Clip, quota int) error {
	expr, err := expression.NewBuilder().
		WithUpdate(expression.Add(expression.Name("live"), expression.Value(&types.AttributeValueMemberSS{Value: []string{c.ID}}))).
		WithCondition(expression.AttributeNotExists(expression.Name("live")).
			Or(expression.Size(expression.Name("live")).LessThan(expression.Value(quota)))).Build()
	if err != nil {
		return err
	}
	err = s.update(ctx, clipsPK(c.ContestID), preQuota+c.UnitID, expr, "take clip slot")
	if _, failed := isConditionFailed(err); failed {
		return clip.ErrQuotaReached(quota)
	}
	if err != nil {
		return err
	}
	av, err := marshal(toClipItem(c))
	if err != nil {
		return err
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table), Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		ReturnConsumedCapacity: s.capacity(),
	})
	if err != nil {
		if rerr := s.ReleaseClipSlot(ctx, c.ContestID, c.UnitID, c.ID); rerr != nil {
			return fmt.Errorf("create clip %s: %w (and release its slot: %v)", c.ID, err, rerr)
		}
		return fmt.Errorf("create clip %s: %w", c.ID, err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return nil
}

// ReleaseClipSlot gives a clip's quota slot back (idempotent).
func (s *Store) ReleaseClipSlot(ctx context.Context, contestID, unitID, clipID string) error {
	expr, err := expression.NewBuilder().
		WithUpdate(expression.Delete(expression.Name("live"), expression.Value(&types.AttributeValueMemberSS{Value: []string{clipID}}))).Build()
	if err != nil {
		return err
	}
	return s.update(ctx, clipsPK(contestID), preQuota+unitID, expr, "release clip slot")
}

// ClipSlots returns the ids of the unit's clips holding quota slots.
func (s *Store) ClipSlots(ctx context.Context, contestID, unitID string) ([]string, error) {
	var it struct {
		Live []string `dynamodbav:"live,stringset"`
	}
	if _, err := s.get(ctx, clipsPK(contestID), preQuota+unitID, true, &it); err != nil {
		return nil, fmt.Errorf("clip slots of %s: %w", unitID, err)
	}
	return it.Live, nil
}

// GetClip reads a clip. Errors: fault.NotFound "clip_not_found".
func (s *Store) GetClip(ctx context.Context, contestID, clipID string, consistent bool) (clip.Clip, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: key(clipsPK(contestID), preClip+clipID),
		ConsistentRead: aws.Bool(consistent), ReturnConsumedCapacity: s.capacity(),
	})
	if err != nil {
		return clip.Clip{}, fmt.Errorf("get clip %s: %w", clipID, err)
	}
	s.meter.add(out.ConsumedCapacity, false)
	if out.Item == nil {
		return clip.Clip{}, clip.ErrNotFound()
	}
	return fromClipItem(contestID, out.Item)
}

// ListClips returns a contest's clips by id (a unit's ids share the unit's
// prefix, so a unit's clips are one key range): unitID "" lists every unit's,
// status "" every status.
func (s *Store) ListClips(ctx context.Context, contestID, unitID, status string) ([]clip.Clip, error) {
	prefix := preClip
	if unitID != "" {
		prefix += unitID + "."
	}
	kc := expression.Key("PK").Equal(expression.Value(clipsPK(contestID))).And(expression.Key("SK").BeginsWith(prefix))
	b := expression.NewBuilder().WithKeyCondition(kc)
	if status != "" {
		b = b.WithFilter(expression.Name("status").Equal(expression.Value(status)))
	}
	expr, err := b.Build()
	if err != nil {
		return nil, err
	}
	clips := []clip.Clip{}
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: expr.KeyCondition(), FilterExpression: expr.Filter(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}, func(items []map[string]types.AttributeValue) error {
		for _, av := range items {
			c, err := fromClipItem(contestID, av)
			if err != nil {
				return err
			}
			clips = append(clips, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list clips: %w", err)
	}
	return clips, nil
}

// DecideClip records the verdict on a clip that is still uploading, once: if
// another check decided first, it returns the stored clip and false, so every
// caller reports the same verdict. A rejected clip gives its quota slot back.
// Errors: fault.NotFound "clip_not_found".
func (s *Store) DecideClip(ctx context.Context, contestID, clipID string, v clip.Verdict) (clip.Clip, bool, error) {
	upd := expression.Set(expression.Name("status"), expression.Value(v.Status)).
		Set(expression.Name("checkedAt"), expression.Value(v.CheckedAt.UnixMilli())).
		Set(expression.Name("size"), expression.Value(v.Size)).
		Set(expression.Name("durationMs"), expression.Value(v.DurationMs)).
		Set(expression.Name("moovAtEnd"), expression.Value(v.MoovAtEnd))
	if v.Reason != "" {
		upd = upd.Set(expression.Name("reason"), expression.Value(v.Reason))
	}
	if v.ETag != "" {
		upd = upd.Set(expression.Name("etag"), expression.Value(v.ETag))
	}
	cond := expression.Name("status").Equal(expression.Value(clip.Uploading))
	return s.setVerdict(ctx, contestID, clipID, upd, cond, v.Status == clip.Rejected)
}

// RevokeClip rejects an accepted clip whose object was replaced after the
// check (its ETag changed): the clip stands only with the object that was
// checked. It reports false, with the stored clip, if the clip is no longer
// accepted with that ETag.
func (s *Store) RevokeClip(ctx context.Context, contestID, clipID, checkedETag, reason string, at time.Time) (clip.Clip, bool, error) {
	upd := expression.Set(expression.Name("status"), expression.Value(clip.Rejected)).
		Set(expression.Name("reason"), expression.Value(reason)).
		Set(expression.Name("checkedAt"), expression.Value(at.UnixMilli()))
	cond := expression.Name("status").Equal(expression.Value(clip.Accepted)).
		And(expression.Name("etag").Equal(expression.Value(checkedETag)))
	return s.setVerdict(ctx, contestID, clipID, upd, cond, true)
}

func (s *Store) setVerdict(ctx context.Context, contestID, clipID string, upd expression.UpdateBuilder, cond expression.ConditionBuilder, release bool) (clip.Clip, bool, error) {
	expr, err := expression.NewBuilder().WithUpdate(upd).
		WithCondition(expression.AttributeExists(expression.Name("PK")).And(cond)).Build()
	if err != nil {
		return clip.Clip{}, false, err
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(clipsPK(contestID), preClip+clipID),
		UpdateExpression: expr.Update(), ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              s.capacity(),
	})
	if old, failed := isConditionFailed(err); failed {
		if old == nil {
			c, err := s.GetClip(ctx, contestID, clipID, true)
			return c, false, err
		}
		c, err := fromClipItem(contestID, old)
		return c, false, err
	}
	if err != nil {
		return clip.Clip{}, false, fmt.Errorf("record verdict on clip %s: %w", clipID, err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	c, err := fromClipItem(contestID, out.Attributes)
	if err != nil {
		return clip.Clip{}, false, err
	}
	if release {
		if err := s.ReleaseClipSlot(ctx, contestID, c.UnitID, c.ID); err != nil {
			return c, true, err
		}
	}
	return c, true, nil
}

// PutClipScores records a juror's scores of a clip: one value per juror and
// criterion, so scoring a criterion again replaces the earlier score (and
// leaves the juror's other criteria as they were). It returns all of the
// juror's scores of the clip.
func (s *Store) PutClipScores(ctx context.Context, contestID, clipID, jurorID, jurorName string, scores map[string]int, at time.Time) (clip.Scores, error) {
	upd := expression.Set(expression.Name("clipId"), expression.Value(clipID)).
		Set(expression.Name("jurorId"), expression.Value(jurorID)).
		Set(expression.Name("jurorName"), expression.Value(jurorName)).
		Set(expression.Name("updatedAt"), expression.Value(at.UnixMilli()))
	for criterion, v := range scores {
		upd = upd.Set(expression.Name(scoreAttr+criterion), expression.Value(v))
	}
	expr, err := expression.NewBuilder().WithUpdate(upd).Build()
	if err != nil {
		return clip.Scores{}, err
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(clipsPK(contestID), preScore+clipID+"#"+jurorID),
		UpdateExpression: expr.Update(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnValues: types.ReturnValueAllNew, ReturnConsumedCapacity: s.capacity(),
	})
	if err != nil {
		return clip.Scores{}, fmt.Errorf("score clip %s: %w", clipID, err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	return decodeScores(out.Attributes)
}

// ListClipScores returns every juror's scores of every clip of the contest.
func (s *Store) ListClipScores(ctx context.Context, contestID string) ([]clip.Scores, error) {
	expr, err := beginsWith(clipsPK(contestID), preScore)
	if err != nil {
		return nil, err
	}
	out := []clip.Scores{}
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}, func(items []map[string]types.AttributeValue) error {
		for _, av := range items {
			sc, err := decodeScores(av)
			if err != nil {
				return err
			}
			out = append(out, sc)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list clip scores: %w", err)
	}
	return out, nil
}

func decodeScores(av map[string]types.AttributeValue) (clip.Scores, error) {
	var d avDecoder
	sc := clip.Scores{ClipID: d.s(av, "clipId"), JurorID: d.s(av, "jurorId"), JurorName: d.s(av, "jurorName"),
		UpdatedAt: time.UnixMilli(d.n(av, "updatedAt")), Scores: map[string]int{}}
	for name, v := range av {
		criterion, ok := strings.CutPrefix(name, scoreAttr)
		if !ok {
			continue
		}
		n, isN := v.(*types.AttributeValueMemberN)
		if !isN {
			return sc, fmt.Errorf("score %s is not a number", name)
		}
		x, err := strconv.Atoi(n.Value)
		if err != nil {
			return sc, fmt.Errorf("score %s: %w", name, err)
		}
		sc.Scores[criterion] = x
	}
	return sc, d.err
}
