package testenv

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/hoithi/hoithi/shared/platform"
)

// Clock is a handler's clock that tests set and move; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// EnvTestNow names the variable that runs the tests at a fixed instant
// (RFC 3339, e.g. 2026-12-31T23:59:30+07:00): make test runs the suites that
// seed rounds at several such instants, so none depends on the day it runs.
const EnvTestNow = "HOITHI_TEST_NOW"

var (
	offsetOnce sync.Once
	offset     time.Duration
	offsetErr  error
)

// Offset is how far the tests' clock stands from the wall clock: zero unless
// HOITHI_TEST_NOW is set, then that instant minus the moment it was first asked.
func Offset() time.Duration {
	offsetOnce.Do(func() {
		v := os.Getenv(EnvTestNow)
		if v == "" {
			return
		}
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			offsetErr = fmt.Errorf("%s=%q: want an RFC 3339 instant: %w", EnvTestNow, v, err)
			return
		}
		offset = time.Until(at)
	})
	if offsetErr != nil {
		panic(offsetErr) // a mistyped instant must not quietly run on the wall clock
	}
	return offset
}

// Now is the tests' clock: the wall clock, or HOITHI_TEST_NOW moving on from
// when the tests started. Every test that seeds rounds takes its time here.
func Now() time.Time { return time.Now().Add(Offset()) }

// ClockEnv is the environment that gives a function process the tests' clock
// (platform.EnvClockOffset), for tests that run the real binaries.
func ClockEnv() []string { return RunClock{}.Env() }

// RunClock is the tests' clock moved by a fixed shift, shared by a test
// process and the function processes it starts (through Env).
type RunClock struct{ shift time.Duration }

// ClockWithRoom is the tests' clock, moved back when this week's rounds close
// within room of it (see WithRoom): for a run of end-to-end tests that lasts
// minutes and must stay inside one week.
func ClockWithRoom(room time.Duration) RunClock {
	now := Now()
	return RunClock{shift: WithRoom(now, room).Sub(now)}
}

// Now is the run's time.
func (c RunClock) Now() time.Time { return Now().Add(c.shift) }

// Env is the environment that gives a function process the run's clock.
func (c RunClock) Env() []string {
	return []string{platform.EnvClockOffset + "=" + (Offset() + c.shift).String()}
}
