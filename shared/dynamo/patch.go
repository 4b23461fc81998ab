package dynamo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

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

// A roster patch (docs/data-model.md, "Re-importing a roster"): a re-import
// that changes few people writes only them, as a patch on the roster's
// version, under keys of its own like a version's (rosterVersionPK,
// rosterVersionUnitPK with the patch's id), and switches the contest's
// pointer to it with one conditional update, as a whole version does:
// readers see the old patch or the new one whole. A patch holds every
// person changed since the version (each new patch folds in the previous
// one, which is then deleted), so readers read at most the version and one
// patch. Past maxPatch people, a whole version is written instead.

// maxPatch bounds the people a patch holds.
const maxPatch = 3000

// wasSuffix is the sort key's suffix of a patch's mark of a person's unit in
// the version: the person is no longer there (moved or gone).
const wasSuffix = " was"

// patchItem is a person as a patch holds them: their entry now, or Gone;
// InBase and BaseUnit say whether the version holds them and in which unit.
// A mark (Mark) stands in the unit index of BaseUnit for a person the
// version lists there who has left it.
type patchItem struct {
	memberItem
	Gone     bool   `dynamodbav:"gone,omitempty"`
	Mark     bool   `dynamodbav:"mark,omitempty"`
	InBase   bool   `dynamodbav:"inBase,omitempty"`
	BaseUnit string `dynamodbav:"baseUnit,omitempty"`
}

func samePatch(patch string) expression.ConditionBuilder {
	if patch == "" {
		return expression.AttributeNotExists(expression.Name("patch"))
	}
	return expression.Name("patch").Equal(expression.Value(patch))
}

// patchItems are a patch's items: the person's entry (or Gone) and, when
// the version lists them in a unit they have left, its mark there.
func patchItems(contestID, patch string, p patchItem) []patchItem {
	shard := shardOf(p.Email, rosterShards)
	main := p
	main.PK, main.SK, main.GSI2PK, main.GSI2SK, main.Mark = rosterVersionPK(contestID, patch, shard), p.Email, "", "", false
	if !p.Gone && p.UnitID != "" {
		main.GSI2PK, main.GSI2SK = rosterVersionUnitPK(contestID, patch, p.UnitID), p.Email
	}
	out := []patchItem{main}
	if p.InBase && p.BaseUnit != "" && (p.Gone || p.UnitID != p.BaseUnit) {
		mark := patchItem{memberItem: memberItem{PK: main.PK, SK: p.Email + wasSuffix, GSI2PK: rosterVersionUnitPK(contestID, patch, p.BaseUnit), GSI2SK: p.Email,
			Email: p.Email, Audience: p.Audience, Roles: []string{}}, Mark: true, Gone: true, InBase: true, BaseUnit: p.BaseUnit}
		out = append(out, mark)
	}
	return out
}

func patchOf(m contest.Member) patchItem {
	it := patchItem{memberItem: memberItem{Email: m.Email, Name: m.Name, UnitID: m.UnitID, Ward: m.Ward, Audience: string(m.Audience), Roles: []string{}}}
	for _, r := range m.Roles {
		it.Roles = append(it.Roles, string(r))
	}
	return it
}

// readPatch reads a patch's people (their entries, not their marks) by
// e-mail, and every key it has.
func (s *Store) readPatch(ctx context.Context, contestID, patch string) (map[string]patchItem, []map[string]types.AttributeValue, error) {
	people := map[string]patchItem{}
	var keys []map[string]types.AttributeValue
	if patch == "" {
		return people, nil, nil
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	for shard := range rosterShards {
		g.Go(func() error {
			return s.queryAll(gctx, &dynamodb.QueryInput{
				KeyConditionExpression:    aws.String("PK = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: rosterVersionPK(contestID, patch, shard)}},
			}, func(items []map[string]types.AttributeValue) error {
				var page []patchItem
				if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				for i, it := range page {
					keys = append(keys, key(it.PK, it.SK))
					if !it.Mark {
						people[it.Email] = page[i]
					}
				}
				return nil
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, fmt.Errorf("read roster patch of %s: %w", contestID, err)
	}
	return people, keys, nil
}

// UpdateRoster makes members the contest's roster, changes being what
// differs from the roster now (contest.DiffRoster): a patch of the changed
// people when they are few, else a whole version (ReplaceRoster). Either is
// all or nothing for readers; a re-import that changes 1% of 30,000 people
// writes a few hundred items instead of 30,000 (and deletes as many).
func (s *Store) UpdateRoster(ctx context.Context, contestID, version string, members []contest.Member, changes []contest.RosterChange) error {
	cur, err := s.versions(ctx, contestID)
	if err != nil {
		return err
	}
	if cur.Roster == "" || len(changes) > maxPatch {
		return s.ReplaceRoster(ctx, contestID, version, members)
	}
	if !contest.ValidID(version) || version == cur.Roster || version == cur.Patch {
		return fmt.Errorf("patch roster: version %q is not a fresh valid id", version)
	}
	people, oldKeys, err := s.readPatch(ctx, contestID, cur.Patch)
	if err != nil {
		return err
	}
	for _, c := range changes {
		prev, patched := people[c.Email]
		base := patchItem{InBase: c.Before != nil}
		if c.Before != nil {
			base.BaseUnit = c.Before.UnitID
		}
		if patched { // the version's own, as the patch kept it
			base.InBase, base.BaseUnit = prev.InBase, prev.BaseUnit
		}
		switch {
		case c.After == nil && !base.InBase:
			delete(people, c.Email) // added since the version, gone again
		case c.After == nil:
			gone := patchItem{memberItem: memberItem{Email: c.Email, Audience: string(contest.AudienceStaff), Roles: []string{}}, Gone: true}
			gone.InBase, gone.BaseUnit = true, base.BaseUnit
			people[c.Email] = gone
		default:
			p := patchOf(*c.After)
			p.InBase, p.BaseUnit = base.InBase, base.BaseUnit
			people[c.Email] = p
		}
	}
	if len(people) > maxPatch {
		return s.ReplaceRoster(ctx, contestID, version, members)
	}
	reqs := make([]types.WriteRequest, 0, len(people)+len(people)/4)
	for _, p := range people {
		for _, it := range patchItems(contestID, version, p) {
			av, err := attributevalue.MarshalMap(it)
			if err != nil {
				return fmt.Errorf("marshal patch item: %w", err)
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		}
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		s.undo(reqs)
		return fmt.Errorf("write roster patch %s: %w", version, err)
	}
	expr, err := expression.NewBuilder().
		WithUpdate(expression.Set(expression.Name("patch"), expression.Value(version))).
		WithCondition(expression.Name("roster").Equal(expression.Value(cur.Roster)).And(samePatch(cur.Patch))).Build()
	if err != nil {
		return err
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key(contestPK(contestID), skVersions),
		UpdateExpression: expr.Update(), ConditionExpression: expr.Condition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	})
	if err != nil {
		s.undo(reqs)
		if _, ok := isConditionFailed(err); ok {
			return fault.Conflict("import_conflict", "Có người vừa nhập dữ liệu khác cùng lúc; hãy xem lại rồi nhập lại.")
		}
		return fmt.Errorf("switch roster patch to %s: %w", version, err)
	}
	// the previous patch is no longer read (a failure leaves items nobody reads)
	dels := make([]types.WriteRequest, len(oldKeys))
	for i, k := range oldKeys {
		dels[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
	}
	_ = s.batchWrite(ctx, dels)
	return nil
}

// patchedMember reads a person from the roster's patch: found false when
// the patch does not hold them (the version says), gone when they left.
func (s *Store) patchedMember(ctx context.Context, contestID, patch, email string) (m contest.Member, found, gone bool, err error) {
	var it patchItem
	ok, err := s.get(ctx, rosterVersionPK(contestID, patch, shardOf(email, rosterShards)), email, false, &it)
	if err != nil || !ok {
		return contest.Member{}, false, false, err
	}
	return memberFromItem(it.memberItem), true, it.Gone, nil
}

// putPatched writes a person's entry into the roster's patch when the patch
// holds them (a role changed from the console); false when it does not (the
// version's entry is then the one to write).
func (s *Store) putPatched(ctx context.Context, contestID, patch string, m contest.Member) (bool, error) {
	var prev patchItem
	ok, err := s.get(ctx, rosterVersionPK(contestID, patch, shardOf(m.Email, rosterShards)), m.Email, true, &prev)
	if err != nil || !ok {
		return false, err
	}
	p := patchOf(m)
	p.InBase, p.BaseUnit = prev.InBase, prev.BaseUnit
	items := patchItems(contestID, patch, p)
	for _, it := range items {
		if err := s.put(ctx, it); err != nil {
			return true, fmt.Errorf("put patched member: %w", err)
		}
	}
	if len(items) == 1 && prev.InBase && prev.BaseUnit != "" {
		// back in the version's unit: its mark goes
		_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table),
			Key: key(rosterVersionPK(contestID, patch, shardOf(m.Email, rosterShards)), m.Email+wasSuffix)})
		if err != nil {
			return true, fmt.Errorf("delete patch mark: %w", err)
		}
	}
	return true, nil
}

// patchedRoster is a unit's roster from the version's index (base) read
// over the patch's: the patch's entries and marks replace the version's.
func (s *Store) patchedRoster(ctx context.Context, contestID, patch, unitID string, base []contest.Member) ([]contest.Member, error) {
	type indexed struct {
		rosterItem
		SK string `dynamodbav:"SK"` // a mark's ends in wasSuffix (the index projects keys, not "mark")
	}
	items, err := queryIndex[indexed](ctx, s, platform.IndexUnit, platform.AttrGSI2PK, rosterVersionUnitPK(contestID, patch, unitID))
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return base, nil
	}
	patched := make(map[string]bool, len(items))
	for _, it := range items {
		patched[it.Email] = true
	}
	out := make([]contest.Member, 0, len(base)+len(items))
	for _, m := range base {
		if !patched[m.Email] {
			out = append(out, m)
		}
	}
	for _, it := range items {
		if !strings.HasSuffix(it.SK, wasSuffix) {
			out = append(out, contest.Member{Email: it.Email, Name: it.Name, UnitID: unitID, Roles: it.Roles})
		}
	}
	sortMembers(out)
	return out, nil
}

func sortMembers(ms []contest.Member) {
	slices.SortFunc(ms, func(a, b contest.Member) int { return strings.Compare(a.Email, b.Email) })
}
