package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/audit"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/platform"
)

// Versioned units and roster (docs/data-model.md, "Replacing the roster").
// A replacement writes the new version's items under keys of their own, then
// switches the contest's pointer to it with one conditional update: readers
// see the old version or the new one whole, never a mix, and a write that
// fails part-way leaves the old one live.
const (
	skVersions   = "VERSIONS"
	rosterShards = 16
	// batchWriters is how many BatchWriteItem requests a replacement has in
	// flight (25 items each).
	batchWriters = 32
)

// versionsItem is the contest's pointer to its current units and roster
// versions; empty: the items of before versions (UNIT#, #M#…/MEMBER).
type versionsItem struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	Units  string `dynamodbav:"units,omitempty"`
	Roster string `dynamodbav:"roster,omitempty"`
	// Patch is the roster's patch on its version (patch.go): the people
	// changed since, read over the version's entries.
	Patch string `dynamodbav:"patch,omitempty"`
}

// versions reads the contest's current versions (strongly consistent, so a
// switch is seen at once).
func (s *Store) versions(ctx context.Context, contestID string) (versionsItem, error) {
	var v versionsItem
	if _, err := s.get(ctx, contestPK(contestID), skVersions, true, &v); err != nil {
		return v, fmt.Errorf("read versions of %s: %w", contestID, err)
	}
	return v, nil
}

func memberFromItem(it memberItem) contest.Member {
	m := contest.Member{Email: it.Email, Name: it.Name, UnitID: it.UnitID, Ward: it.Ward, Audience: contest.Audience(it.Audience)}
	for _, r := range it.Roles {
		m.Roles = append(m.Roles, contest.Role(r))
	}
	return m
}

func versionedMemberItem(contestID, version string, m contest.Member) memberItem {
	it := memberItem{PK: rosterVersionPK(contestID, version, shardOf(m.Email, rosterShards)), SK: m.Email,
		Email: m.Email, Name: m.Name, UnitID: m.UnitID, Ward: m.Ward, Audience: string(m.Audience)}
	if m.UnitID != "" {
		it.GSI2PK, it.GSI2SK = rosterVersionUnitPK(contestID, version, m.UnitID), m.Email
	}
	for _, r := range m.Roles {
		it.Roles = append(it.Roles, string(r))
	}
	return it
}

// ListMembers returns the contest's roster: every person of the current
// version, in no particular order. Before the first replacement it lists the
// people of each unit (through the unit index) and the staff partition's
// people without a unit (the board's organisers, the jury); citizens who
// signed up are not listed then.
func (s *Store) ListMembers(ctx context.Context, contestID string) ([]contest.Member, error) {
	v, err := s.versions(ctx, contestID)
	if err != nil {
		return nil, err
	}
	if v.Roster == "" {
		// the unit index holds e-mail, name and roles; people with a unit are staff
		units, err := s.ListUnits(ctx, contestID)
		if err != nil {
			return nil, err
		}
		var out []contest.Member
		for _, u := range units {
			ms, err := s.ListRoster(ctx, contestID, u.ID)
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				m.Audience = contest.AudienceStaff
				out = append(out, m)
			}
		}
		staff, err := s.staffPartition(ctx, contestID)
		if err != nil {
			return nil, err
		}
		for _, m := range staff {
			if m.UnitID == "" {
				m.Audience = contest.AudienceStaff
				out = append(out, m)
			}
		}
		return out, nil
	}
	var mu sync.Mutex
	var out []contest.Member
	g, gctx := errgroup.WithContext(ctx)
	for shard := range rosterShards {
		g.Go(func() error {
			return s.queryAll(gctx, &dynamodb.QueryInput{
				KeyConditionExpression:    aws.String("PK = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: rosterVersionPK(contestID, v.Roster, shard)}},
			}, func(items []map[string]types.AttributeValue) error {
				var page []memberItem
				if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
					return err
				}
				mu.Lock()
				for _, it := range page {
					out = append(out, memberFromItem(it))
				}
				mu.Unlock()
				return nil
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("list members of %s: %w", contestID, err)
	}
	if v.Patch == "" {
		return out, nil
	}
	// the patch's people replace the version's
	people, _, err := s.readPatch(ctx, contestID, v.Patch)
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, m := range out {
		if _, patched := people[m.Email]; !patched {
			kept = append(kept, m)
		}
	}
	for _, p := range people {
		if !p.Gone {
			kept = append(kept, memberFromItem(p.memberItem))
		}
	}
	return kept, nil
}

// ReplaceRoster makes members the contest's roster, all or nothing for
// readers: they are written as version (a fresh id the caller chooses, e.g.
// from the time), the pointer is switched to it on condition that nobody
// switched it meanwhile (fault.Conflict "import_conflict" otherwise), then
// the previous version's items are deleted. A failure before the switch
// leaves the previous roster live and deletes what was written. Citizens who
// signed up on the site (not versioned) stay.
func (s *Store) ReplaceRoster(ctx context.Context, contestID, version string, members []contest.Member) error {
	items := make([]any, len(members))
	for i, m := range members {
		items[i] = versionedMemberItem(contestID, version, m)
	}
	return s.replace(ctx, contestID, "roster", version, items, func(old versionsItem) ([]map[string]types.AttributeValue, error) {
		keys, err := s.rosterKeys(ctx, contestID, old.Roster)
		if err != nil || old.Patch == "" {
			return keys, err
		}
		patch, err := s.rosterKeys(ctx, contestID, old.Patch) // its patch goes with it
		return append(keys, patch...), err
	})
}

// rosterKeys lists the keys of a roster version's (or patch's) shards, in
// parallel.
func (s *Store) rosterKeys(ctx context.Context, contestID, version string) ([]map[string]types.AttributeValue, error) {
	var shards [rosterShards][]map[string]types.AttributeValue
	g, gctx := errgroup.WithContext(ctx)
	for shard := range rosterShards {
		g.Go(func() error {
			k, err := s.keysOf(gctx, rosterVersionPK(contestID, version, shard))
			shards[shard] = k
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var keys []map[string]types.AttributeValue
	for _, k := range shards {
		keys = append(keys, k...)
	}
	return keys, nil
}

// ReplaceUnits makes units the contest's units, all or nothing for readers
// (as ReplaceRoster).
func (s *Store) ReplaceUnits(ctx context.Context, contestID, version string, units []contest.Unit) error {
	items := make([]any, len(units))
	for i, u := range units {
		items[i] = unitItem{PK: unitVersionPK(contestID, version), SK: preUnit + u.ID, ID: u.ID, Name: u.Name, Block: string(u.Block), Headcount: u.Headcount}
	}
	return s.replace(ctx, contestID, "units", version, items, func(old versionsItem) ([]map[string]types.AttributeValue, error) {
		return s.keysOf(ctx, unitVersionPK(contestID, old.Units))
	})
}

// replace writes a version's items, switches the pointer attr to it, and
// deletes the previous version's items (oldKeys lists them, while the new
// ones are written).
func (s *Store) replace(ctx context.Context, contestID, attr, version string, items []any, oldKeys func(old versionsItem) ([]map[string]types.AttributeValue, error)) error {
	if !contest.ValidID(version) {
		return fmt.Errorf("replace %s: version %q is not a valid id", attr, version)
	}
	cur, err := s.versions(ctx, contestID)
	if err != nil {
		return err
	}
	old := cur.Units
	if attr == "roster" {
		old = cur.Roster
	}
	if old == version {
		return fault.Conflict("import_conflict", "Phiên bản này đã được ghi; hãy nhập lại.")
	}
	reqs := make([]types.WriteRequest, 0, len(items))
	for _, it := range items {
		av, err := attributevalue.MarshalMap(it)
		if err != nil {
			return fmt.Errorf("marshal %s item: %w", attr, err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
	}
	// The previous version's keys are listed while the new one is written
	// (nobody reads either meanwhile): its deletion after the switch then
	// waits for no query. An item put into the previous version after its
	// listing is left unread, as after a failed deletion.
	var (
		oldList []map[string]types.AttributeValue
		listErr error
	)
	listed := make(chan struct{})
	if old == "" {
		close(listed)
	} else {
		go func() {
			defer close(listed)
			oldList, listErr = oldKeys(cur)
		}()
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		<-listed
		s.undo(reqs)
		return fmt.Errorf("write %s version %s: %w", attr, version, err)
	}

	cond := expression.AttributeNotExists(expression.Name(attr))
	if old != "" {
		cond = expression.Name(attr).Equal(expression.Value(old))
	}
	update := expression.Set(expression.Name(attr), expression.Value(version))
	if attr == "roster" {
		// a whole version replaces the old one and its patch
		cond = cond.And(samePatch(cur.Patch))
		update = update.Remove(expression.Name("patch"))
	}
	expr, err := expression.NewBuilder().WithUpdate(update).WithCondition(cond).Build()
	if err != nil {
		return err
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(contestPK(contestID), skVersions),
		UpdateExpression: expr.Update(), ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	})
	<-listed
	if err != nil {
		s.undo(reqs)
		if _, ok := isConditionFailed(err); ok {
			return fault.Conflict("import_conflict", "Có người vừa nhập dữ liệu khác cùng lúc; hãy xem lại rồi nhập lại.")
		}
		return fmt.Errorf("switch %s to version %s: %w", attr, version, err)
	}
	if old == "" {
		return nil // (a patch needs a version: none either)
	}
	// the previous version is no longer read: delete it (a failure leaves
	// items nobody reads, deleted by the next replacement's caller at worst)
	if listErr != nil {
		return nil
	}
	dels := make([]types.WriteRequest, len(oldList))
	for i, k := range oldList {
		dels[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
	}
	_ = s.batchWrite(ctx, dels)
	return nil
}

// undo deletes what a failed replacement wrote, on its own clock (the
// request's context may be what failed).
func (s *Store) undo(puts []types.WriteRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dels := make([]types.WriteRequest, len(puts))
	for i, p := range puts {
		dels[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(p.PutRequest.Item["PK"].(*types.AttributeValueMemberS).Value, p.PutRequest.Item["SK"].(*types.AttributeValueMemberS).Value)}}
	}
	_ = s.batchWrite(ctx, dels)
}

// keysOf lists the keys of a partition.
func (s *Store) keysOf(ctx context.Context, pk string) ([]map[string]types.AttributeValue, error) {
	var keys []map[string]types.AttributeValue
	err := s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		ProjectionExpression:      aws.String("PK, SK"),
	}, func(items []map[string]types.AttributeValue) error {
		keys = append(keys, items...)
		return nil
	})
	return keys, err
}

// batchWrite writes requests 25 at a time, batchWriters at once, retrying
// what DynamoDB leaves unprocessed.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(batchWriters)
	for start := 0; start < len(reqs); start += 25 {
		chunk := reqs[start:min(start+25, len(reqs))]
		g.Go(func() error {
			pending := map[string][]types.WriteRequest{s.table: chunk}
			for try := 0; len(pending[s.table]) > 0; try++ {
				if try > 0 {
					select {
					case <-gctx.Done():
						return gctx.Err()
					case <-time.After(time.Duration(min(try*try, 64)) * 25 * time.Millisecond):
					}
				}
				if try == 12 {
					return errors.New("batch write: items left unprocessed after 12 tries")
				}
				out, err := s.db.BatchWriteItem(gctx, &dynamodb.BatchWriteItemInput{RequestItems: pending, ReturnConsumedCapacity: s.capacity()})
				if err != nil {
					return err
				}
				for i := range out.ConsumedCapacity {
					s.meter.add(&out.ConsumedCapacity[i], true)
				}
				pending = out.UnprocessedItems
			}
			return nil
		})
	}
	return g.Wait()
}

// auditItem is an audit entry: the contest's audit partition, sorted by time.
type auditItem struct {
	PK      string `dynamodbav:"PK"`
	SK      string `dynamodbav:"SK"`
	ID      string `dynamodbav:"id"`
	At      int64  `dynamodbav:"at"`
	Actor   string `dynamodbav:"actor"`
	Action  string `dynamodbav:"action"`
	Summary string `dynamodbav:"summary"`
	Before  string `dynamodbav:"before,omitempty"`
	After   string `dynamodbav:"after,omitempty"`
}

func auditSK(at time.Time, id string) string { return fmt.Sprintf("%013d#%s", at.UnixMilli(), id) }

// AppendAudit appends an entry to the contest's audit log. It only ever
// puts, on condition that the item does not exist: an entry is never
// overwritten (fault.Conflict "audit_exists" if its id was used).
func (s *Store) AppendAudit(ctx context.Context, contestID string, e audit.Entry) error {
	av, err := attributevalue.MarshalMap(auditItem{PK: auditPK(contestID), SK: auditSK(e.At, e.ID), ID: e.ID, At: e.At.UnixMilli(),
		Actor: e.Actor, Action: e.Action, Summary: e.Summary, Before: e.Before, After: e.After})
	if err != nil {
		return err
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)"), ReturnConsumedCapacity: s.capacity()})
	if _, ok := isConditionFailed(err); ok {
		return fault.Conflict("audit_exists", "Mục nhật ký này đã có.")
	}
	if err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	return nil
}

// ListAudit returns the contest's audit entries the query selects, newest
// first (at most limit); a query's cursor starts the Query after its entry
// (ExclusiveStartKey), never a Scan.
func (s *Store) ListAudit(ctx context.Context, contestID string, q audit.Query, limit int) ([]audit.Entry, error) {
	from, to := "0", "9"
	if !q.From.IsZero() {
		from = fmt.Sprintf("%013d", q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		to = fmt.Sprintf("%013d~", q.To.UnixMilli())
	}
	expr, err := expression.NewBuilder().WithKeyCondition(
		expression.Key(platform.AttrPK).Equal(expression.Value(auditPK(contestID))).And(expression.Key(platform.AttrSK).Between(expression.Value(from), expression.Value(to))),
	).Build()
	if err != nil {
		return nil, err
	}
	in := &dynamodb.QueryInput{
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ScanIndexForward: aws.Bool(false),
	}
	if !q.After.IsZero() {
		// the next page: from the entry after the cursor's, in the key's order
		in.ExclusiveStartKey = key(auditPK(contestID), auditSK(q.After.At, q.After.ID))
	}
	var out []audit.Entry
	errStop := errors.New("enough")
	err = s.queryAll(ctx, in, func(items []map[string]types.AttributeValue) error {
		var page []auditItem
		if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
			return err
		}
		for _, it := range page {
			e := audit.Entry{ID: it.ID, At: time.UnixMilli(it.At).In(contest.ICT), Actor: it.Actor, Action: it.Action, Summary: it.Summary, Before: it.Before, After: it.After}
			if q.Match(e) {
				out = append(out, e)
				if len(out) == limit {
					return errStop
				}
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, fmt.Errorf("list audit of %s: %w", contestID, err)
	}
	return out, nil
}
