// Command tally publishes weekly results: on the weekly schedule it tallies
// every closed, unpublished round; through its function URL organisers run it
// on demand and unit admins follow their unit's participation. Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/token"
)

func main() {
	log := lambdacontext.NewLogger()
	if err := run(log); err != nil {
		log.Error("tally stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	ctx := context.Background()
	cfg, err := config.FromEnv()
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
	var sender mail.Sender = mail.SES{Client: sesv2.NewFromConfig(awsCfg), From: cfg.MailFrom}
	if cfg.Outbox != "" {
		sender = mail.Outbox{Dir: cfg.Outbox}
	}
	h := NewHandler(store, config.S3(awsCfg, cfg.S3PathStyle), cfg.Bucket, signer, nil, log).WithMail(sender, os.Getenv(platform.EnvSiteURL))
	return funcurl.StartWithEvents(h.Routes(), h.HandleEvent, log)
}
