//go:build !lambda.norpc

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

	"github.com/hoithi/hoithi/shared/platform"
)

// serveLocal serves h on LISTEN_ADDR until the process is interrupted.
func serveLocal(h http.Handler, log *slog.Logger) error {
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
