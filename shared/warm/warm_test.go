package warm_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/warm"
)

func TestAWarmCacheReadsOncePerTTL(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		after     time.Duration // when the second Get comes
		firstErr  error
		wantReads int
	}{
		{"a second get within the TTL is served from the cache", 29 * time.Second, nil, 1},
		{"a second get once the TTL is over reads again", 30 * time.Second, nil, 2},
		{"a clock gone backwards reads again", -time.Second, nil, 2},
		{"an error is not kept: the next get reads again", time.Second, errors.New("down"), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			c := warm.New[int](30*time.Second, func() time.Time { return now })
			reads := 0
			read := func() (int, error) {
				reads++
				if reads == 1 && tt.firstErr != nil {
					return 0, tt.firstErr
				}
				return reads, nil
			}
			if _, err := c.Get("k", read); !errors.Is(err, tt.firstErr) {
				t.Fatalf("first get: %v, want %v", err, tt.firstErr)
			}
			now = t0.Add(tt.after)
			v, err := c.Get("k", read)
			if err != nil || reads != tt.wantReads || v != tt.wantReads {
				t.Errorf("second get: %d, %v after %d reads; want %d reads", v, err, reads, tt.wantReads)
			}
			if other, _ := c.Get("other", read); other != reads {
				t.Errorf("another key was served %d, not its own read", other)
			}
		})
	}
}
