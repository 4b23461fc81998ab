// Command auth is the sign-in function: one-time codes by e-mail and session
// tokens. Wiring only; the API is in handler.go.
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
	"github.com/hoithi/hoithi/shared/token"
)

func main() {
	log := lambdacontext.NewLogger()
	if err := run(log); err != nil {
		log.Error("auth stopped", "err", err)
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
	signer, err := token.NewSigner(key, SessionTTL, nil)
	if err != nil {
		return err
	}
	var sender mail.Sender = mail.SES{Client: sesv2.NewFromConfig(awsCfg), From: cfg.MailFrom}
	if cfg.Outbox != "" {
		sender = mail.Outbox{Dir: cfg.Outbox}
	}
	store := dynamo.New(dynamodb.NewFromConfig(awsCfg), cfg.Table, nil)
	return funcurl.Start(NewHandler(store, sender, signer, key, cfg.Contest, nil, log).Routes(), log)
}
