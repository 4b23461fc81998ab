// Package warm keeps what a warm Lambda container read, for a while: at a
// peak every request would otherwise read the same item (a round, a
// contest's settings, its units), and organisers' edits still show within
// the cache's time.
package warm

import (
	"sync"
	"time"
)

// Cache keeps values by key for TTL; the zero value is not usable (New).
type Cache[T any] struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]entry[T]
}

type entry[T any] struct {
	v  T
	at time.Time
}

// New returns a cache whose values are trusted for ttl, by the clock now
// (nil: the wall clock; it measures the cache's age, not the contest's time).
func New[T any](ttl time.Duration, now func() time.Time) *Cache[T] {
	if now == nil {
		now = time.Now
	}
	return &Cache[T]{ttl: ttl, now: now, m: map[string]entry[T]{}}
}

// Get returns the value kept under k if it was read less than the TTL ago,
// else read's answer, which it keeps (an error is returned, not kept).
func (c *Cache[T]) Get(k string, read func() (T, error)) (T, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl && now.Sub(e.at) >= 0 {
		return e.v, nil
	}
	v, err := read()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	c.m[k] = entry[T]{v: v, at: now}
	c.mu.Unlock()
	return v, nil
}
