package accounts

import (
	"strings"
	"sync"
	"time"
)

// verifiedTokens remembers the access tokens verify accepted: a client sends
// the same token with every request for 15 minutes, and parsing it (base64,
// JSON, HMAC) each time was a tenth of a signed-in read.
//
// The key is the raw token, so a token that differs in any byte misses and
// gets the full check. Everything verify checks except the time depends only
// on those bytes and the signer's one key, so a hit re-checks only the time
// window, exactly as the parser would. Only accepted tokens are stored: junk
// cannot fill the cache, and only tokens this signer issued get in, so an
// entry is the size of one of our tokens, well under maxTokenLen.
type verifiedTokens struct {
	mu      sync.RWMutex
	entries map[string]verifiedToken
	max     int
}

// maxVerifiedTokens is a few thousand active users' worth of 15-minute tokens.
const maxVerifiedTokens = 20_000

type verifiedToken struct {
	userID    int64
	sessionID string
	// from is the later of iat and nbf, until is exp, each widened by the
	// parser's leeway.
	from, until time.Time
}

// validAt compares as jwt v5's validator does: exp holds while now is before
// exp+leeway; iat and nbf hold from their value-leeway on, inclusive.
func (v *verifiedToken) validAt(now time.Time) bool {
	return !now.Before(v.from) && now.Before(v.until)
}

func (c *verifiedTokens) get(raw string) (verifiedToken, bool) {
	c.mu.RLock()
	v, ok := c.entries[raw]
	c.mu.RUnlock()
	return v, ok
}

func (c *verifiedTokens) drop(raw string) {
	c.mu.Lock()
	delete(c.entries, raw)
	c.mu.Unlock()
}

func (c *verifiedTokens) put(raw string, v verifiedToken, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]verifiedToken)
	}
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
		// A sweep that freed little would be repeated within a few inserts,
		// costing the whole map each time: start afresh instead.
		if len(c.entries) > c.max*3/4 {
			clear(c.entries)
		}
	}
	// A copy, so the entry does not keep alive whatever string raw was cut from.
	c.entries[strings.Clone(raw)] = v
}

func (c *verifiedTokens) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
