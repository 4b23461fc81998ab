// Command clips runs the clip contest: unit admins get presigned uploads
// (POST or multipart) of their clips straight to S3; each upload is checked
// (MP4, at most five minutes) on the bucket's ObjectCreated notification or
// when the unit confirms; the jury scores accepted clips. Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/token"
)

func main() {
	log := lambdacontext.NewLogger()
	if err := run(log); err != nil {
		log.Error("clips stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	ctx := context.Background()
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	settings, err := SettingsFromEnv(cfg.Bucket)
	if err != nil {
		return err
	}
	awsCfg, err := config.AWS(ctx)
	if err != nil {
		return err
	}
	key, err := config.TokenKey(ctx, awsCfg)
	if err != nil {
		return err
	}
	signer, err := token.NewSigner(key, 0, nil)
	if err != nil {
		return err
	}
	store := dynamo.New(dynamodb.NewFromConfig(awsCfg), cfg.Table, nil)
	objects := config.S3(awsCfg, cfg.S3PathStyle)
	h := NewHandler(store, objects, s3.NewPresignClient(objects), signer, settings, cfg.Contest, nil, log)
	return funcurl.StartWithEvents(h.Routes(), h.HandleEvent, log)
}
