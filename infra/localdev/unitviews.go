package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/token"
)

// unitViews is the unit pages' share of make load (issue #17 §5): unit admins
// (here the organiser, who may see every unit) open their units'
// participation pages at a fixed rate, whatever the answers' speed (an open
// loop, as people at their desks do), on the units function. It prints the
// rate of answers that came back 200 and their latencies; a 429 (the
// function's reserved concurrency on AWS) or an error is counted, never
// retried, so the rate printed is what held.
type unitViews struct {
	url, contest, round string
	rate                int           // views a second asked for
	length              time.Duration // how long
	maxInFlight         int           // views waiting for an answer at most (beyond: counted as refused here)
}

// unitViewFigures is what a run of unit views measured.
type unitViewFigures struct {
	asked, ok, tooMany, failed, dropped int64
	elapsed                             time.Duration
	latencies                           []time.Duration
}

// run drives the views with tok (a session that may see every unit) over
// the demo's units.
func (v unitViews) run(ctx context.Context, client *http.Client, tok string) unitViewFigures {
	var f unitViewFigures
	var mu sync.Mutex
	var inFlight atomic.Int64
	var wg sync.WaitGroup
	units := demo.Units()
	tick := time.NewTicker(time.Second / time.Duration(v.rate))
	defer tick.Stop()
	start := time.Now()
	for i := 0; time.Since(start) < v.length; i++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			f.elapsed = time.Since(start)
			return f
		case <-tick.C:
		}
		f.asked++
		if inFlight.Load() >= int64(v.maxInFlight) {
			f.dropped++
			continue
		}
		inFlight.Add(1)
		wg.Add(1)
		unit := units[i%len(units)].ID
		go func() {
			defer wg.Done()
			defer inFlight.Add(-1)
			u := v.url + "/rounds/" + url.PathEscape(v.round) + "/units/" + url.PathEscape(unit) + "/participation"
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				return
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			began := time.Now()
			res, err := client.Do(req)
			status := 0
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				status = res.StatusCode
			}
			took := time.Since(began)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case status == http.StatusOK:
				f.ok++
				f.latencies = append(f.latencies, took)
			case status == http.StatusTooManyRequests:
				f.tooMany++
			default:
				f.failed++
			}
		}()
	}
	wg.Wait()
	f.elapsed = time.Since(start)
	return f
}

// organiserToken signs a session for the demo's organiser with the
// platform's token key.
func organiserToken(ctx context.Context, store *dynamo.Store, contestID, key string, now func() time.Time) (string, error) {
	signer, err := token.NewSigner([]byte(key), time.Hour, now)
	if err != nil {
		return "", err
	}
	m, ok, err := store.GetMember(ctx, contestID, "btc@"+demo.Domain)
	if err != nil || !ok {
		return "", fmt.Errorf("unit views: the demo's organiser: found %v, %v", ok, err)
	}
	tok, _, err := signer.Issue(token.ClaimsFor(contestID, m))
	return tok, err
}

// report prints the figures.
func (f unitViewFigures) report(out io.Writer, v unitViews) {
	rate := float64(f.ok) / max(f.elapsed.Seconds(), 1e-9)
	fmt.Fprintf(out, "\nUnit pages (GET …/units/{unitId}/participation on the units function, %d units, open loop):\n", len(demo.Units()))
	fmt.Fprintf(out, "  unit views/s:      %.1f answered 200 (asked %d/s for %s: %d asked, %d answered, %d refused 429, %d failed, %d not sent (%d views already waiting))\n",
		rate, v.rate, v.length, f.asked, f.ok, f.tooMany, f.failed, f.dropped, v.maxInFlight)
	if len(f.latencies) == 0 {
		return
	}
	ds := slices.Clone(f.latencies)
	slices.Sort(ds)
	q := func(p float64) time.Duration {
		return ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(100 * time.Microsecond)
	}
	fmt.Fprintf(out, "  unit view latency: p50 %s, p95 %s, p99 %s, max %s\n", q(0.50), q(0.95), q(0.99), ds[len(ds)-1].Round(100*time.Microsecond))
}
