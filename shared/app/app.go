// Package app is the wiring every function's main shares: configuration from
// the environment, the AWS clients built once per container, the token
// signer, the store, and the choice between Lambda and a local HTTP server.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/cors"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/token"
)

// Env is what a function is built from.
type Env struct {
	Config config.Config
	AWS    aws.Config
	// TokenKey signs sessions (and keys the one-time code hashes).
	TokenKey []byte
	Signer   *token.Signer
	Store    *dynamo.Store
	Log      *slog.Logger
	// Now is the clock every rule of the function takes (Config.Now).
	Now func() time.Time
}

// Load reads the configuration and builds the clients and the token signer;
// sessionTTL is how long tokens the function issues live (0 for functions
// that only verify).
func Load(ctx context.Context, sessionTTL time.Duration, log *slog.Logger) (*Env, error) {
	env, err := loadWithoutKey(ctx, log)
	if err != nil {
		return nil, err
	}
	if env.TokenKey, err = config.TokenKey(ctx, env.AWS); err != nil {
		return nil, err
	}
	if env.Signer, err = token.NewSigner(env.TokenKey, sessionTTL, env.Now); err != nil {
		return nil, err
	}
	return env, nil
}

// loadWithoutKey is Load for functions that neither issue nor verify tokens.
func loadWithoutKey(ctx context.Context, log *slog.Logger) (*Env, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	awsCfg, err := config.AWS(ctx)
	if err != nil {
		return nil, err
	}
	store := dynamo.New(dynamodb.NewFromConfig(awsCfg), cfg.Table, nil)
	return &Env{Config: cfg, AWS: awsCfg, Store: store, Log: log, Now: cfg.Now}, nil
}

// Build makes a function's HTTP API and, for functions that also take other
// events (schedules, S3 notifications), its event handler.
type Build func(ctx context.Context, env *Env) (http.Handler, funcurl.EventHandler, error)

// Main runs a function: it builds it once per container and serves it until
// the process ends. A function that cannot start logs why and exits non-zero.
func Main(name string, sessionTTL time.Duration, build Build) {
	start(name, func(ctx context.Context, log *slog.Logger) error {
		env, err := Load(ctx, sessionTTL, log)
		if err != nil {
			return err
		}
		h, events, err := build(ctx, env)
		if err != nil {
			return fmt.Errorf("build: %w", err)
		}
		// CORS is the function's own answer: the site and every contest's origins.
		h = cors.New(os.Getenv(platform.EnvSiteURL), platform.FunctionURLCORS, env.Store.ListRegistry, platform.OriginsCacheTTL, nil, log).Wrap(h)
		return funcurl.StartWithEvents(h, events, log)
	})
}

// BuildEvents makes the event handler of a function without a URL.
type BuildEvents func(ctx context.Context, env *Env) (funcurl.EventHandler, error)

// MainEvents runs a function that only takes events (schedules): it has no
// function URL and no token key (Env.TokenKey and Env.Signer are nil).
func MainEvents(name string, build BuildEvents) {
	start(name, func(ctx context.Context, log *slog.Logger) error {
		env, err := loadWithoutKey(ctx, log)
		if err != nil {
			return err
		}
		events, err := build(ctx, env)
		if err != nil {
			return fmt.Errorf("build: %w", err)
		}
		return funcurl.StartEvents(events, log)
	})
}

// start runs a function's main with its logger; one that cannot start logs
// why and exits non-zero.
func start(name string, run func(ctx context.Context, log *slog.Logger) error) {
	log := lambdacontext.NewLogger()
	if err := run(context.Background(), log); err != nil {
		log.Error(name+" stopped", "err", err)
		os.Exit(1)
	}
}
