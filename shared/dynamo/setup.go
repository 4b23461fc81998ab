package dynamo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/platform"
)

type contestItem struct {
	PK              string      `dynamodbav:"PK"`
	SK              string      `dynamodbav:"SK"`
	Title           string      `dynamodbav:"title"`
	AllowedDomains  []string    `dynamodbav:"allowedDomains"`
	OpenSignUp      []string    `dynamodbav:"openSignUp"`
	TieBreak        []string    `dynamodbav:"tieBreak,omitempty"`
	Prizes          []prizeItem `dynamodbav:"prizes,omitempty"`
	ReportThreshold float64     `dynamodbav:"reportThreshold,omitempty"`
	AllowUnlisted   bool        `dynamodbav:"allowUnlisted,omitempty"`
	KeepPlusTags    bool        `dynamodbav:"keepPlusTags,omitempty"`
	CodesPerSecond  float64     `dynamodbav:"codesPerSecond,omitempty"`
	CodesPerReqHour int         `dynamodbav:"codesPerRequesterHour,omitempty"`
	PublicKeys      bool        `dynamodbav:"publicKeysAfterClose,omitempty"`
	Practice        string      `dynamodbav:"practice,omitempty"`
	// Schedule is the contest's contest.Schedule as JSON ("": the default).
	Schedule      string   `dynamodbav:"schedule,omitempty"`
	Origins       []string `dynamodbav:"origins,omitempty"`
	MailFrom      string   `dynamodbav:"mailFrom,omitempty"`
	MailPerSecond float64  `dynamodbav:"mailPerSecond,omitempty"`
}

// prizeItem is a contest.Prize as stored in its contest's item.
type prizeItem struct {
	Name  string `dynamodbav:"name"`
	Count int    `dynamodbav:"count"`
}

type roundItem struct {
	PK            string `dynamodbav:"PK"`
	SK            string `dynamodbav:"SK"`
	ID            string `dynamodbav:"id"`
	Title         string `dynamodbav:"title"`
	Audience      string `dynamodbav:"audience"`
	OpensAt       int64  `dynamodbav:"opensAt"`
	ClosesAt      int64  `dynamodbav:"closesAt"`
	QuestionCount int    `dynamodbav:"questionCount"`
	TimeLimitSec  int64  `dynamodbav:"timeLimitSec"`
	Attempts      int    `dynamodbav:"attempts"`
	BankID        string `dynamodbav:"bankId"`
	PublishedAt   int64  `dynamodbav:"publishedAt,omitempty"`
	AllCorrect    *int   `dynamodbav:"allCorrect,omitempty"`
}

type unitItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	ID        string `dynamodbav:"id"`
	Name      string `dynamodbav:"name"`
	Block     string `dynamodbav:"block"`
	Headcount int    `dynamodbav:"headcount"`
}

type memberItem struct {
	PK       string   `dynamodbav:"PK"`
	SK       string   `dynamodbav:"SK"`
	GSI2PK   string   `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK   string   `dynamodbav:"GSI2SK,omitempty"`
	Email    string   `dynamodbav:"email"`
	Name     string   `dynamodbav:"name"`
	UnitID   string   `dynamodbav:"unitId,omitempty"`
	Ward     string   `dynamodbav:"ward,omitempty"`
	Audience string   `dynamodbav:"audience"`
	Roles    []string `dynamodbav:"roles"`
}

func (s *Store) put(ctx context.Context, item any) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return fmt.Errorf("marshal item: %w", err)
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av, ReturnConsumedCapacity: s.capacity()})
	if err != nil {
		return err
	}
	s.meter.add(out.ConsumedCapacity, true)
	return nil
}

func (s *Store) get(ctx context.Context, pk, sk string, consistent bool, dst any) (bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:              aws.String(s.table),
		Key:                    key(pk, sk),
		ConsistentRead:         aws.Bool(consistent),
		ReturnConsumedCapacity: s.capacity(),
	})
	if err != nil {
		return false, err
	}
	s.meter.add(out.ConsumedCapacity, false)
	if out.Item == nil {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(out.Item, dst); err != nil {
		return false, fmt.Errorf("unmarshal %s/%s: %w", pk, sk, err)
	}
	return true, nil
}

// queryAll runs a query to the end, calling each for every page's items.
func (s *Store) queryAll(ctx context.Context, in *dynamodb.QueryInput, each func([]map[string]types.AttributeValue) error) error {
	in.TableName = aws.String(s.table)
	in.ReturnConsumedCapacity = s.capacity()
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		s.meter.add(out.ConsumedCapacity, false)
		if err := each(out.Items); err != nil {
			return err
		}
	}
	return nil
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk},
		"SK": &types.AttributeValueMemberS{Value: sk},
	}
}

func beginsWith(pk, prefix string) (expression.Expression, error) {
	return expression.NewBuilder().WithKeyCondition(
		expression.Key("PK").Equal(expression.Value(pk)).And(expression.Key("SK").BeginsWith(prefix)),
	).Build()
}

// PutContest writes a contest's settings.
func (s *Store) PutContest(ctx context.Context, c contest.Contest) error {
	item := contestItem{PK: contestPK(c.ID), SK: skContest, Title: c.Title, AllowedDomains: c.AllowedDomains,
		TieBreak: c.TieBreak, ReportThreshold: c.ReportThreshold,
		AllowUnlisted: c.AllowUnlisted, KeepPlusTags: c.KeepPlusTags, CodesPerSecond: c.CodesPerSecond, CodesPerReqHour: c.CodesPerRequesterHour,
		PublicKeys: c.PublicKeysAfterClose, Practice: string(c.Practice), MailFrom: c.MailFrom, MailPerSecond: c.MailPerSecond}
	for _, p := range c.Prizes {
		item.Prizes = append(item.Prizes, prizeItem(p))
	}
	for _, a := range c.OpenSignUp {
		item.OpenSignUp = append(item.OpenSignUp, string(a))
	}
	var err error
	if item.Schedule, err = scheduleJSON(c.Schedule); err != nil {
		return fmt.Errorf("put contest %s: %w", c.ID, err)
	}
	item.Origins = c.Origins
	// the settings and the registry's copy, together
	contestAV, err := marshal(item)
	if err != nil {
		return err
	}
	registryAV, err := marshal(registryItem{PK: registryPK, SK: c.ID, ID: c.ID, Schedule: item.Schedule, Origins: c.Origins})
	if err != nil {
		return err
	}
	out, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(s.table), Item: contestAV}},
		{Put: &types.Put{TableName: aws.String(s.table), Item: registryAV}},
	}, ReturnConsumedCapacity: s.capacity()})
	if err != nil {
		return fmt.Errorf("put contest %s: %w", c.ID, err)
	}
	for _, cc := range out.ConsumedCapacity {
		s.meter.add(&cc, true)
	}
	return nil
}

// GetContest reads a contest's settings; unknown contests are fault.NotFound.
func (s *Store) GetContest(ctx context.Context, id string) (contest.Contest, error) {
	var it contestItem
	ok, err := s.get(ctx, contestPK(id), skContest, false, &it)
	if err != nil {
		return contest.Contest{}, fmt.Errorf("get contest %s: %w", id, err)
	}
	if !ok {
		return contest.Contest{}, fault.NotFound("contest_not_found", "Không tìm thấy cuộc thi.")
	}
	c := contest.Contest{ID: id, Title: it.Title, AllowedDomains: it.AllowedDomains,
		TieBreak: it.TieBreak, ReportThreshold: it.ReportThreshold,
		AllowUnlisted: it.AllowUnlisted, KeepPlusTags: it.KeepPlusTags, CodesPerSecond: it.CodesPerSecond, CodesPerRequesterHour: it.CodesPerReqHour,
		PublicKeysAfterClose: it.PublicKeys, Practice: contest.Practice(it.Practice), MailFrom: it.MailFrom, MailPerSecond: it.MailPerSecond}
	for _, p := range it.Prizes {
		c.Prizes = append(c.Prizes, contest.Prize(p))
	}
	for _, a := range it.OpenSignUp {
		c.OpenSignUp = append(c.OpenSignUp, contest.Audience(a))
	}
	if c.Schedule, err = parseSchedule(it.Schedule); err != nil {
		return contest.Contest{}, fmt.Errorf("get contest %s: %w", id, err)
	}
	c.Origins = it.Origins
	return c, nil
}

func toRoundItem(r contest.Round) roundItem {
	return roundItem{
		PK: contestPK(r.ContestID), SK: preRound + r.ID, ID: r.ID, Title: r.Title, Audience: string(r.Audience),
		OpensAt: r.OpensAt.Unix(), ClosesAt: r.ClosesAt.Unix(), QuestionCount: r.QuestionCount,
		TimeLimitSec: int64(r.TimeLimit / time.Second), Attempts: r.Attempts, BankID: r.BankID, PublishedAt: unixMilliOrZero(r.PublishedAt),
		AllCorrect: r.AllCorrect,
	}
}

// PutRounds writes rounds of one contest in one transaction (at most
// MaxRoundsAtOnce): all or none.
func (s *Store) PutRounds(ctx context.Context, rounds []contest.Round) error {
	if len(rounds) == 0 {
		return nil
	}
	if len(rounds) > MaxRoundsAtOnce {
		return fault.Invalid("too_many_rounds", fmt.Sprintf("Mỗi lần nhập tối đa %d tuần thi.", MaxRoundsAtOnce))
	}
	items := make([]types.TransactWriteItem, len(rounds))
	for i, r := range rounds {
		av, err := attributevalue.MarshalMap(toRoundItem(r))
		if err != nil {
			return err
		}
		items[i] = types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: av}}
	}
	if _, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
		return fmt.Errorf("put %d rounds: %w", len(rounds), err)
	}
	return nil
}

// MaxRoundsAtOnce is how many rounds PutRounds writes (DynamoDB's
// transaction limit).
const MaxRoundsAtOnce = 100

// PutRound writes a round.
func (s *Store) PutRound(ctx context.Context, r contest.Round) error {
	if err := s.put(ctx, toRoundItem(r)); err != nil {
		return fmt.Errorf("put round %s: %w", r.ID, err)
	}
	return nil
}

func (it roundItem) round(contestID string) contest.Round {
	r := contest.Round{
		ContestID: contestID, ID: it.ID, Title: it.Title, Audience: contest.Audience(it.Audience),
		OpensAt: time.Unix(it.OpensAt, 0), ClosesAt: time.Unix(it.ClosesAt, 0), QuestionCount: it.QuestionCount,
		TimeLimit: time.Duration(it.TimeLimitSec) * time.Second, Attempts: max(it.Attempts, 1), BankID: it.BankID,
		AllCorrect: it.AllCorrect,
	}
	if it.PublishedAt != 0 {
		r.PublishedAt = time.UnixMilli(it.PublishedAt)
	}
	return r
}

// GetRound reads a round; unknown rounds are fault.NotFound.
func (s *Store) GetRound(ctx context.Context, contestID, roundID string) (contest.Round, error) {
	var it roundItem
	ok, err := s.get(ctx, contestPK(contestID), preRound+roundID, false, &it)
	if err != nil {
		return contest.Round{}, fmt.Errorf("get round %s: %w", roundID, err)
	}
	if !ok {
		return contest.Round{}, fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
	}
	return it.round(contestID), nil
}

// ListRounds returns a contest's rounds in id order.
func (s *Store) ListRounds(ctx context.Context, contestID string) ([]contest.Round, error) {
	expr, err := beginsWith(contestPK(contestID), preRound)
	if err != nil {
		return nil, err
	}
	var rounds []contest.Round
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}, func(items []map[string]types.AttributeValue) error {
		var page []roundItem
		if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
			return err
		}
		for _, it := range page {
			rounds = append(rounds, it.round(contestID))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list rounds of %s: %w", contestID, err)
	}
	return rounds, nil
}

// PutUnit writes a unit (into the current units version, if any).
func (s *Store) PutUnit(ctx context.Context, contestID string, u contest.Unit) error {
	v, err := s.versions(ctx, contestID)
	if err != nil {
		return err
	}
	pk := contestPK(contestID)
	if v.Units != "" {
		pk = unitVersionPK(contestID, v.Units)
	}
	if err := s.put(ctx, unitItem{PK: pk, SK: preUnit + u.ID, ID: u.ID, Name: u.Name, Block: string(u.Block), Headcount: u.Headcount}); err != nil {
		return fmt.Errorf("put unit %s: %w", u.ID, err)
	}
	return nil
}

// ListUnits returns a contest's units in id order.
func (s *Store) ListUnits(ctx context.Context, contestID string) ([]contest.Unit, error) {
	v, err := s.versions(ctx, contestID)
	if err != nil {
		return nil, err
	}
	pk := contestPK(contestID)
	if v.Units != "" {
		pk = unitVersionPK(contestID, v.Units)
	}
	expr, err := beginsWith(pk, preUnit)
	if err != nil {
		return nil, err
	}
	var units []contest.Unit
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}, func(items []map[string]types.AttributeValue) error {
		var page []unitItem
		if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
			return err
		}
		for _, it := range page {
			units = append(units, contest.Unit{ID: it.ID, Name: it.Name, Block: contest.Block(it.Block), Headcount: it.Headcount})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list units of %s: %w", contestID, err)
	}
	return units, nil
}

// PutMember writes a roster entry (into the current roster version, if
// any), or a citizen's sign-up (never versioned: a replacement of the roster
// keeps it).
func (s *Store) PutMember(ctx context.Context, contestID string, m contest.Member) error {
	if m.Audience != contest.AudienceCitizen {
		v, err := s.versions(ctx, contestID)
		if err != nil {
			return err
		}
		if v.Patch != "" {
			if patched, err := s.putPatched(ctx, contestID, v.Patch, m); patched || err != nil {
				return err
			}
		}
		if v.Roster != "" {
			if err := s.put(ctx, versionedMemberItem(contestID, v.Roster, m)); err != nil {
				return fmt.Errorf("put member: %w", err)
			}
			return nil
		}
	}
	item := memberItem{PK: memberPK(contestID, m.Email), SK: skMember, Email: m.Email, Name: m.Name, UnitID: m.UnitID, Ward: m.Ward, Audience: string(m.Audience)}
	if m.UnitID != "" {
		// the unit's roster, listed through the unit index
		item.GSI2PK, item.GSI2SK = rosterPK(contestID, m.UnitID), m.Email
	}
	for _, r := range m.Roles {
		item.Roles = append(item.Roles, string(r))
	}
	av, err := marshal(item)
	if err != nil {
		return err
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av,
		ReturnValues: types.ReturnValueAllOld, ReturnConsumedCapacity: s.capacity()})
	if err != nil {
		return fmt.Errorf("put member: %w", err)
	}
	s.meter.add(out.ConsumedCapacity, true)
	// The contest's staff are also listed in one partition (ListStaff): the
	// listing follows the member's roles, written when they are staff and
	// removed when they no longer are (the old item says whether they were).
	var old memberItem
	_ = attributevalue.UnmarshalMap(out.Attributes, &old)
	wasStaff := staffRoles(old.Roles)
	switch {
	case m.IsStaff():
		if err := s.put(ctx, staffItem{PK: staffPK(contestID), SK: m.Email, Email: m.Email, Name: m.Name, UnitID: m.UnitID, Roles: item.Roles}); err != nil {
			return fmt.Errorf("put staff member: %w", err)
		}
	case wasStaff:
		if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: key(staffPK(contestID), m.Email)}); err != nil {
			return fmt.Errorf("delete staff member: %w", err)
		}
	}
	return nil
}

func staffRoles(roles []string) bool {
	m := contest.Member{}
	for _, r := range roles {
		m.Roles = append(m.Roles, contest.Role(r))
	}
	return m.IsStaff()
}

// staffItem lists one of the contest's staff (organisers, support staff,
// jury) under staffPK, for the integrity review.
type staffItem struct {
	PK     string   `dynamodbav:"PK"`
	SK     string   `dynamodbav:"SK"`
	Email  string   `dynamodbav:"email"`
	Name   string   `dynamodbav:"name"`
	UnitID string   `dynamodbav:"unitId,omitempty"`
	Roles  []string `dynamodbav:"roles"`
}

// ListStaff returns the contest's organisers, support staff and jury
// (contest.Member.IsStaff), by e-mail: one query of one partition.
//
// A roster imported from the console (a version, ReplaceRoster) is the
// staff's source instead: its members are read and the staff kept, which
// costs the roster, not the table (an organiser's review, not a hot path).
func (s *Store) ListStaff(ctx context.Context, contestID string) ([]contest.Member, error) {
	v, err := s.versions(ctx, contestID)
	if err != nil {
		return nil, err
	}
	if v.Roster != "" {
		members, err := s.ListMembers(ctx, contestID)
		if err != nil {
			return nil, err
		}
		var out []contest.Member
		for _, m := range members {
			if m.IsStaff() {
				out = append(out, contest.Member{Email: m.Email, Name: m.Name, UnitID: m.UnitID, Roles: m.Roles})
			}
		}
		slices.SortFunc(out, func(a, b contest.Member) int { return strings.Compare(a.Email, b.Email) })
		return out, nil
	}
	return s.staffPartition(ctx, contestID)
}

// staffPartition reads the contest's staff partition (organisers, support
// staff and jury as PutMember keeps them), by e-mail.
func (s *Store) staffPartition(ctx context.Context, contestID string) ([]contest.Member, error) {
	expr, err := expression.NewBuilder().WithKeyCondition(expression.Key(platform.AttrPK).Equal(expression.Value(staffPK(contestID)))).Build()
	if err != nil {
		return nil, err
	}
	var out []contest.Member
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	}, func(items []map[string]types.AttributeValue) error {
		var page []staffItem
		if err := attributevalue.UnmarshalListOfMaps(items, &page); err != nil {
			return err
		}
		for _, it := range page {
			m := contest.Member{Email: it.Email, Name: it.Name, UnitID: it.UnitID}
			for _, r := range it.Roles {
				m.Roles = append(m.Roles, contest.Role(r))
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list staff of %s: %w", contestID, err)
	}
	return out, nil
}

// GetMember reads a person by e-mail; found is false when unknown. With a
// roster version, it is the version's entry, or else a citizen's sign-up.
func (s *Store) GetMember(ctx context.Context, contestID, email string) (m contest.Member, found bool, err error) {
	v, err := s.versions(ctx, contestID)
	if err != nil {
		return contest.Member{}, false, err
	}
	var it memberItem
	gone := false
	if v.Patch != "" {
		m, found, left, err := s.patchedMember(ctx, contestID, v.Patch, email)
		if err != nil {
			return contest.Member{}, false, fmt.Errorf("get member: %w", err)
		}
		if found && !left {
			return m, true, nil
		}
		gone = left
	}
	if v.Roster != "" && !gone {
		ok, err := s.get(ctx, rosterVersionPK(contestID, v.Roster, shardOf(email, rosterShards)), email, false, &it)
		if err != nil {
			return contest.Member{}, false, fmt.Errorf("get member: %w", err)
		}
		if ok {
			return memberFromItem(it), true, nil
		}
	}
	ok, err := s.get(ctx, memberPK(contestID, email), skMember, false, &it)
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("get member: %w", err)
		}
		return contest.Member{}, false, err
	}
	if v.Roster != "" && contest.Audience(it.Audience) != contest.AudienceCitizen {
		return contest.Member{}, false, nil // left with an earlier roster
	}
	return memberFromItem(it), true, nil
}

func unixMilliOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
