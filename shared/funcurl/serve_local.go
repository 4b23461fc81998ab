//go:build !lambda.norpc

package funcurl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
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
	if pa := os.Getenv(EnvPprofAddr); pa != "" {
		if err := servePprof(pa); err != nil {
			return err
		}
		log.Info("serving pprof locally", "addr", pa)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

// servePprof serves net/http/pprof on addr, a loopback address only.
func servePprof(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return fmt.Errorf("%s=%q: profiles are served on a loopback address only", EnvPprofAddr, addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: %w", EnvPprofAddr, err)
	}
	go func() { _ = http.Serve(l, mux) }()
	return nil
}
