package database

import (
	"sync"
	"sync/atomic"
	"time"
)

// Cache keeps in memory what a hot path would otherwise read from the
// database on every request, with the rules every such cache needs to never
// outlive a change:
//
//   - the code that changes rows forgets the keys they touch after its
//     transaction commits (Forget, ForgetWhere), then tells other instances
//     (Changes.Publish), whose caches forget them on hearing it (a Listener);
//   - a lookup that was under way while something was forgotten is not
//     stored: it reads Gen before the database and hands it to Put, which
//     refuses it if anything was forgotten since, so a read from before a
//     commit is never cached after it;
//   - the cache answers only while Live (always on SQLite; on Postgres while
//     Changes listens), and starts empty each time it is turned on or off,
//     since notices may have been missed;
//   - an entry answers for at most maxAge, which bounds the effect of a row
//     written behind the platform's back, and the map starts afresh when it
//     holds maxEntries.
type Cache[K comparable, V any] struct {
	maxEntries int
	maxAge     time.Duration

	mu      sync.Mutex
	entries map[K]cacheEntry[V]
	gen     atomic.Uint64
	on      atomic.Bool
}

type cacheEntry[V any] struct {
	v  V
	at time.Time
}

// NewCache returns an empty cache, off until Live(true).
func NewCache[K comparable, V any](maxEntries int, maxAge time.Duration) *Cache[K, V] {
	return &Cache[K, V]{maxEntries: maxEntries, maxAge: maxAge}
}

// Get is the value kept for k, if the cache is on and it is fresh.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	var zero V
	if !c.on.Load() {
		return zero, false
	}
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if !ok || time.Since(e.at) > c.maxAge {
		return zero, false
	}
	return e.v, true
}

// Gen is read before a lookup and given to Put with its result.
func (c *Cache[K, V]) Gen() uint64 { return c.gen.Load() }

// Put stores v for k if nothing was forgotten since gen was read.
func (c *Cache[K, V]) Put(gen uint64, k K, v V) {
	if !c.on.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if c.entries == nil || len(c.entries) >= c.maxEntries {
		c.entries = make(map[K]cacheEntry[V])
	}
	c.entries[k] = cacheEntry[V]{v: v, at: time.Now()}
}

// Forget drops keys, on this instance only.
func (c *Cache[K, V]) Forget(keys ...K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for _, k := range keys {
		delete(c.entries, k)
	}
}

// ForgetWhere drops every key drop selects, on this instance only.
func (c *Cache[K, V]) ForgetWhere(drop func(K) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for k := range c.entries {
		if drop(k) {
			delete(c.entries, k)
		}
	}
}

// Clear drops everything.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	c.gen.Add(1)
	c.entries = nil
	c.mu.Unlock()
}

// Live turns the cache on or off, empty either way (half of a Listener).
func (c *Cache[K, V]) Live(on bool) {
	if !on {
		c.on.Store(false)
	}
	c.Clear()
	if on {
		c.on.Store(true)
	}
}
