package dynamo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestCreateTableChecksAnExistingTable(t *testing.T) {
	ctx := context.Background()
	t.Run("a table made from shared/platform is accepted again", func(t *testing.T) {
		db, table := testenv.Table(t) // made by dynamo.CreateTable
		if err := dynamo.CreateTable(ctx, db, table); err != nil {
			t.Fatalf("CreateTable on its own table: %v", err)
		}
	})
	t.Run("a table whose index projects other attributes is refused", func(t *testing.T) {
		db, table := testenv.Table(t)
		other := table + "-old"
		// GIVEN a table as an older version made it: the first index projects less
		spec := platform.Table
		in := &dynamodb.CreateTableInput{
			TableName: aws.String(other), BillingMode: types.BillingModePayPerRequest,
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(spec.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(spec.SortKey), KeyType: types.KeyTypeRange},
			},
		}
		attrs := map[string]bool{spec.PartitionKey: true, spec.SortKey: true}
		for i, ix := range spec.Indexes {
			attrs[ix.PartitionKey], attrs[ix.SortKey] = true, true
			proj := &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}
			if len(ix.Projected) > 0 && i > 0 {
				proj = &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: ix.Projected}
			}
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
				IndexName: aws.String(ix.Name), Projection: proj,
				KeySchema: []types.KeySchemaElement{
					{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
					{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange},
				},
			})
		}
		for a := range attrs {
			in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
		}
		if _, err := db.CreateTable(ctx, in); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(other)})
		})
		// WHEN CreateTable meets it THEN it says the table differs
		if err := dynamo.CreateTable(ctx, db, other); !errors.Is(err, dynamo.ErrTableDiffers) {
			t.Fatalf("CreateTable on an older table: %v, want ErrTableDiffers", err)
		}
	})
}
