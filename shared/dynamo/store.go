// Package dynamo is HoiThi's DynamoDB store: one table (shared/platform.Table),
// every key scoped by contest. docs/data-model.md describes keys, indexes and
// item shapes; this file is the code of that design.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/platform"
)

// Client is the part of the DynamoDB API the store uses. It has no Scan: no
// schedule or request may read the whole table, whose size grows with every
// past round (TestNoScan keeps it so).
type Client interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

var _ Client = (*dynamodb.Client)(nil)

// Store reads and writes contest data in one table.
type Store struct {
	db    Client
	table string
	meter *Meter
}

// New returns a store on the named table. meter may be nil.
func New(db Client, table string, meter *Meter) *Store {
	return &Store{db: db, table: table, meter: meter}
}

// Meter adds up the capacity DynamoDB reports as consumed (figures for the
// capacity-per-paper benchmark and the cost estimate).
type Meter struct {
	mu          sync.Mutex
	read, write float64
}

// Totals returns the read and write capacity units consumed so far.
func (m *Meter) Totals() (rcu, wcu float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.read, m.write
}

// Reset zeroes the totals.
func (m *Meter) Reset() {
	m.mu.Lock()
	m.read, m.write = 0, 0
	m.mu.Unlock()
}

func (m *Meter) add(cc *types.ConsumedCapacity, write bool) {
	if m == nil || cc == nil || cc.CapacityUnits == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case cc.ReadCapacityUnits != nil || cc.WriteCapacityUnits != nil:
		if cc.ReadCapacityUnits != nil {
			m.read += *cc.ReadCapacityUnits
		}
		if cc.WriteCapacityUnits != nil {
			m.write += *cc.WriteCapacityUnits
		}
	case write:
		m.write += *cc.CapacityUnits
	default:
		m.read += *cc.CapacityUnits
	}
}

func (s *Store) capacity() types.ReturnConsumedCapacity {
	if s.meter == nil {
		return types.ReturnConsumedCapacityNone
	}
	return types.ReturnConsumedCapacityTotal
}

// isConditionFailed reports a failed condition and returns the item DynamoDB
// sent back with it (ReturnValuesOnConditionCheckFailure), if any.
func isConditionFailed(err error) (map[string]types.AttributeValue, bool) {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return ccf.Item, true
	}
	return nil, false
}

// ErrTableDiffers is CreateTable's error for a table that exists with other
// indexes than platform.Table (made by an older version of HoiThi).
var ErrTableDiffers = errors.New("the table exists with other indexes than shared/platform's")

// CreateTable creates the table from platform.Table (on-demand), as the CDK
// stack does, and waits until it is active; a table that exists must have
// the same indexes (ErrTableDiffers otherwise). Local platform and tests only.
func CreateTable(ctx context.Context, db *dynamodb.Client, name string) error {
	return createTable(ctx, db, name, platform.Table)
}

// CreateTestTable is CreateTable without the table's stream, for a test's
// or a benchmark's own table: nothing reads its stream, and the local server's stream records
// outlive the table (a test package run several times on one server took
// twice as long at its fourth run with them).
func CreateTestTable(ctx context.Context, db *dynamodb.Client, name string) error {
	spec := platform.Table
	spec.StreamNewImages = false
	return createTable(ctx, db, name, spec)
}

func createTable(ctx context.Context, db *dynamodb.Client, name string, spec platform.TableSpec) error {
	attrs := map[string]bool{spec.PartitionKey: true, spec.SortKey: true}
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(spec.PartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(spec.SortKey), KeyType: types.KeyTypeRange},
		},
	}
	for _, ix := range spec.Indexes {
		attrs[ix.PartitionKey], attrs[ix.SortKey] = true, true
		proj := &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}
		if len(ix.Projected) > 0 {
			proj = &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: ix.Projected}
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange},
			},
			Projection: proj,
		})
	}
	if spec.StreamNewImages {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage}
	}
	for a := range attrs {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
	}
	if _, err := db.CreateTable(ctx, in); err != nil {
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return fmt.Errorf("create table %s: %w", name, err)
		}
		if err := sameIndexes(ctx, db, name, in.GlobalSecondaryIndexes); err != nil {
			return err
		}
		if err := ensureStream(ctx, db, name, in.StreamSpecification); err != nil {
			return err
		}
	}
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30e9); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	// TTL is declared as on AWS; local servers may accept it without sweeping,
	// which is why reads treat expired items as gone.
	_, _ = db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(spec.TTLAttribute), Enabled: aws.Bool(true)},
	})
	return nil
}

// sameIndexes compares an existing table's indexes (keys and projections)
// with the ones CreateTable would make.
func sameIndexes(ctx context.Context, db *dynamodb.Client, name string, want []types.GlobalSecondaryIndex) error {
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	shape := func(name *string, keys []types.KeySchemaElement, p *types.Projection) string {
		var b strings.Builder
		b.WriteString(aws.ToString(name))
		for _, k := range keys {
			fmt.Fprintf(&b, " %s:%s", aws.ToString(k.AttributeName), k.KeyType)
		}
		if p != nil {
			attrs := slices.Clone(p.NonKeyAttributes)
			slices.Sort(attrs)
			fmt.Fprintf(&b, " %s%v", p.ProjectionType, attrs)
		}
		return b.String()
	}
	var have, need []string
	for _, ix := range out.Table.GlobalSecondaryIndexes {
		have = append(have, shape(ix.IndexName, ix.KeySchema, ix.Projection))
	}
	for _, ix := range want {
		need = append(need, shape(ix.IndexName, ix.KeySchema, ix.Projection))
	}
	slices.Sort(have)
	slices.Sort(need)
	if !slices.Equal(have, need) {
		return fmt.Errorf("%w: table %s has %q, want %q", ErrTableDiffers, name, have, need)
	}
	return nil
}

// ensureStream turns on the table's stream, if it should have one and a
// kept table (made before the outbox) has none.
func ensureStream(ctx context.Context, db *dynamodb.Client, name string, want *types.StreamSpecification) error {
	if want == nil {
		return nil
	}
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	if sp := out.Table.StreamSpecification; sp != nil && aws.ToBool(sp.StreamEnabled) && sp.StreamViewType == want.StreamViewType {
		return nil
	}
	if _, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(name), StreamSpecification: want}); err != nil {
		return fmt.Errorf("turn on the stream of table %s: %w", name, err)
	}
	return nil
}
