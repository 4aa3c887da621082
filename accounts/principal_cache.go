package accounts

import (
	"strconv"
	"strings"
	"time"

	"github.com/prepoznaj/prepoznaj/database"
)

// Every signed-in request turns its access token into a principal, and the
// lookup (the user, enabled, with the session alive) was most of what a
// simple read cost. principalCache keeps the answers in memory, keyed by user
// and session, with the rules of database.Cache: this instance forgets a
// user or a session after each write that changes them commits (profile,
// roles, institution, password, disabling, logout, a revoked session
// family), so the change holds from the next request on, and tells the
// other Postgres instances, which forget it too.
type principalCache struct {
	*database.Cache[sessionKey, Principal]
}

type sessionKey struct {
	uid int64
	sid string
}

const (
	principalMaxAge     = time.Minute
	principalMaxEntries = 50_000
	principalChannel    = "prepoznaj_principals"
)

func newPrincipalCache() principalCache {
	return principalCache{database.NewCache[sessionKey, Principal](principalMaxEntries, principalMaxAge)}
}

// get returns a copy: callers may change it.
func (c principalCache) get(uid int64, sid string) (*Principal, bool) {
	p, ok := c.Get(sessionKey{uid, sid})
	if !ok {
		return nil, false
	}
	return &p, true
}

func (c principalCache) put(gen uint64, p *Principal) {
	c.Put(gen, sessionKey{p.UserID, p.SessionID}, *p)
}

// forgetLocal drops the entries of user uid (any session) or of session sid
// (uid 0), on this instance only.
func (c principalCache) forgetLocal(uid int64, sid string) {
	c.ForgetWhere(func(k sessionKey) bool { return (uid != 0 && k.uid == uid) || (sid != "" && k.sid == sid) })
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
func (c principalCache) Notice(payload string) {
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
	c.Clear()
}

// EnablePrincipalCache turns the cache on, hearing of changes through ch: on
// SQLite at once; on Postgres while ch listens (see database.Changes).
func (s *Service) EnablePrincipalCache(ch *database.Changes) {
	s.changes = ch
	ch.Subscribe(principalChannel, s.principals)
}
