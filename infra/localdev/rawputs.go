package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/infra/localenv"
)

// dynamoClient is an SDK client of the DynamoDB-compatible server at u that
// keeps a connection per request in flight (the SDK's default keeps ten).
func dynamoClient(u string) *dynamodb.Client {
	cfg := aws.Config{
		Region:      localenv.Region,
		Credentials: credentials.NewStaticCredentialsProvider(localenv.AccessKey, localenv.SecretKey, ""),
		HTTPClient:  &http.Client{Transport: localTransport()},
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(u) })
}

// rawPutItemBytes is the size of the raw write measure's items, about a
// paper's.
const rawPutItemBytes = 1000

// rawPutRate measures the server's raw write rate: n PutItem of 1 KB items,
// conc at a time, into a scratch table it creates and deletes. It is the
// physical limit the load's papers per second are set against.
func rawPutRate(ctx context.Context, db *dynamodb.Client, n, conc int) (float64, error) {
	table := "hoithi-load-raw-" + randomHex(4)
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		return 0, fmt.Errorf("raw puts: create the scratch table: %w", err)
	}
	defer func() {
		del, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = db.DeleteTable(del, &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	}()
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 30*time.Second); err != nil {
		return 0, fmt.Errorf("raw puts: the scratch table: %w", err)
	}
	filler := strings.Repeat("x", rawPutItemBytes-50)
	var next atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	start := time.Now()
	for range conc {
		g.Go(func() error {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return nil
				}
				_, err := db.PutItem(gctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
					"pk":   &types.AttributeValueMemberS{Value: "raw#" + strconv.FormatInt(i, 10)},
					"at":   &types.AttributeValueMemberN{Value: strconv.FormatInt(time.Now().UnixNano(), 10)},
					"data": &types.AttributeValueMemberS{Value: filler},
				}})
				if err != nil {
					return fmt.Errorf("raw puts: %w", err)
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
