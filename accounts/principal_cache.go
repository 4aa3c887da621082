package accounts

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prepoznaj/prepoznaj/database"
)

// Every signed-in request turns its access token into a principal, and the
// lookup (the user, enabled, with the session alive) was most of what a
// simple read cost. principalCache keeps the answers in memory, keyed by user
// and session, and forgets them when anything a principal is made of
// changes:
//
//   - this instance forgets a user or a session after each write that
//     changes them commits (profile, roles, institution, password, disabling,
//     logout, a revoked session family), so the change holds from the next
//     request on, as before;
//   - a lookup that was under way while something was forgotten is not
//     stored (a generation counter), so a read from before a commit can never
//     be cached after it;
//   - on Postgres, where several instances may serve one database, every
//     forget is also sent to the others (database.Changes: NOTIFY and
//     LISTEN); while the listening connection is down the cache is off, and
//     it is emptied when the connection comes back, since notices may have
//     been missed;
//   - SQLite is served by one process; an entry also expires after maxAge,
//     which bounds the effect of a change made behind the service's back.
type principalCache struct {
	mu      sync.Mutex
	entries map[sessionKey]cachedPrincipal
	gen     atomic.Uint64
	on      atomic.Bool
}

type sessionKey struct {
	uid int64
	sid string
}

type cachedPrincipal struct {
	p  Principal
	at time.Time
}

const (
	principalMaxAge     = time.Minute
	principalMaxEntries = 50_000
	principalChannel    = "prepoznaj_principals"
)

func (c *principalCache) get(uid int64, sid string) (*Principal, bool) {
	if !c.on.Load() {
		return nil, false
	}
	c.mu.Lock()
	e, ok := c.entries[sessionKey{uid, sid}]
	c.mu.Unlock()
	if !ok || time.Since(e.at) > principalMaxAge {
		return nil, false
	}
	p := e.p
	return &p, true
}

// put stores p if nothing was forgotten since gen was read, before the lookup.
func (c *principalCache) put(gen uint64, p *Principal) {
	if !c.on.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if c.entries == nil || len(c.entries) >= principalMaxEntries {
		c.entries = make(map[sessionKey]cachedPrincipal)
	}
	c.entries[sessionKey{p.UserID, p.SessionID}] = cachedPrincipal{p: *p, at: time.Now()}
}

// forgetLocal drops the entries of user uid (any session) or of session sid
// (uid 0), on this instance only.
func (c *principalCache) forgetLocal(uid int64, sid string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for k := range c.entries {
		if (uid != 0 && k.uid == uid) || (sid != "" && k.sid == sid) {
			delete(c.entries, k)
		}
	}
}

// clear drops everything.
func (c *principalCache) clear() {
	c.mu.Lock()
	c.gen.Add(1)
	c.entries = nil
	c.mu.Unlock()
}

// forgetUser is called after a change to user uid commits.
func (s *Service) forgetUser(uid int64) {
	s.principals.forgetLocal(uid, "")
	s.changes.Publish(principalChannel, "u:"+strconv.FormatInt(uid, 10))
}

// forgetSession is called after session family sid is revoked.
func (s *Service) forgetSession(sid string) {
	s.principals.forgetLocal(0, sid)
	s.changes.Publish(principalChannel, "s:"+sid)
}

// Notice applies a forget sent by another instance (database.Listener).
func (c *principalCache) Notice(payload string) {
	kind, val, _ := strings.Cut(payload, ":")
	switch kind {
	case "u":
		if uid, err := strconv.ParseInt(val, 10, 64); err == nil {
			c.forgetLocal(uid, "")
			return
		}
	case "s":
		c.forgetLocal(0, val)
		return
	}
	c.clear()
}

// Live turns the cache on or off, empty either way (database.Listener).
func (c *principalCache) Live(on bool) {
	if !on {
		c.on.Store(false)
	}
	c.clear()
	if on {
		c.on.Store(true)
	}
}

// EnablePrincipalCache turns the cache on, hearing of changes through ch: on
// SQLite at once; on Postgres while ch listens (see database.Changes).
func (s *Service) EnablePrincipalCache(ch *database.Changes) {
	s.changes = ch
	ch.Subscribe(principalChannel, &s.principals)
}
