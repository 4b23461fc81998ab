// Package cors is how every function with a URL answers CORS itself: the
// deployment's site origin is always allowed, and so is every origin a
// contest's settings list (read from the contests' registry, kept a short
// while in the warm container), so that a contest's own site needs no
// redeploy. On AWS the function URLs carry no CORS configuration (preflights
// reach the function); the local platform adds none either: one code path.
package cors

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/warm"
)

// Registry lists every contest's origins (the store's ListRegistry).
type Registry func(ctx context.Context) ([]contest.Contest, error)

// Layer answers CORS for a function.
type Layer struct {
	site     string
	rule     platform.CORS
	registry Registry
	cache    *warm.Cache[map[string]bool]
	log      *slog.Logger
	methods  string
	headers  string
	expose   string
	maxAge   string
}

// New returns the layer for the site origin (always allowed), the rule's
// methods and headers, and the contests' origins from registry (nil: the
// site only), kept for ttl by the clock now (nil: the wall clock).
func New(site string, rule platform.CORS, registry Registry, ttl time.Duration, now func() time.Time, log *slog.Logger) *Layer {
	expose := rule.ExposeHeaders
	if len(expose) == 0 {
		expose = []string{"x-request-id"}
	}
	site, _ = contest.NormalizeOrigin(site)
	return &Layer{site: site, rule: rule, registry: registry, cache: warm.New[map[string]bool](ttl, now), log: log,
		methods: strings.Join(rule.AllowMethods, ","), headers: strings.Join(rule.AllowHeaders, ","),
		expose: strings.Join(expose, ","), maxAge: strconv.Itoa(int(rule.MaxAge.Seconds()))}
}

// Allowed reports whether a browser page of origin may call the function.
func (l *Layer) Allowed(ctx context.Context, origin string) bool {
	if origin == "" {
		return false
	}
	if origin == l.site {
		return true
	}
	if l.registry == nil {
		return false
	}
	allowed, err := l.cache.Get("origins", func() (map[string]bool, error) {
		reg, err := l.registry(ctx)
		if err != nil {
			return nil, err
		}
		out := map[string]bool{}
		for _, c := range reg {
			for _, o := range c.Origins {
				out[o] = true
			}
		}
		return out, nil
	})
	if err != nil {
		// the site still works; contests' own origins wait for the next read
		l.log.Error("contests' origins not read", "err", err)
		return false
	}
	return allowed[origin]
}

// Wrap answers preflights itself and adds the CORS headers to the answers
// of next, for allowed origins only: an origin not allowed gets no CORS
// header at all (the browser then refuses the answer). No credentials are
// allowed: sessions are bearer tokens, never cookies. Every answer to a
// request with an Origin varies by it (caches, the rounds' edge, key on it).
func (l *Layer) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		allowed := l.Allowed(r.Context(), origin)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if allowed && slices.Contains(l.rule.AllowMethods, r.Header.Get("Access-Control-Request-Method")) {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Access-Control-Allow-Methods", l.methods)
				w.Header().Set("Access-Control-Allow-Headers", l.headers)
				w.Header().Set("Access-Control-Max-Age", l.maxAge)
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", l.expose)
		}
		next.ServeHTTP(w, r)
	})
}
