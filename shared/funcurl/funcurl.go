// Package funcurl runs an http.Handler as a Lambda function URL (response
// streaming, through aws-lambda-go's lambdaurl) or, outside Lambda, as a plain
// HTTP server on LISTEN_ADDR: one code path for both.
package funcurl

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambdaurl"

	"github.com/hoithi/hoithi/shared/platform"
)

// Start serves h until the process ends. It returns an error only when it
// cannot serve at all.
func Start(h http.Handler, log *slog.Logger) error {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambdaurl.Start(h)
		return nil
	}
	addr := os.Getenv(platform.EnvListen)
	if addr == "" {
		return errors.New("not running on Lambda and " + platform.EnvListen + " is not set")
	}
	srv := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving locally", "addr", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}
