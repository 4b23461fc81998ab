// Command hellodynamo is make bench-coldstart's second reference: hello plus
// a DynamoDB client built from the environment, the least any HoiThi function
// links and initialises (the SDK's service packages build their schemas at
// package init). It shows how much of a function's cold start is the SDK's.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/hoithi/hoithi/shared/config"
)

func main() {
	cfg, err := config.AWS(context.Background())
	if err != nil {
		panic(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	lambda.Start(func(context.Context, events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
		_ = db
		return events.LambdaFunctionURLResponse{StatusCode: 200, Body: "hello"}, nil
	})
}
