package courses

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database"
)

// Every catalogue a learner opens marks the courses they are enrolled in,
// and that one query was, on Postgres, most of what the catalogue cost.
// enrolmentCache keeps each learner's enrolled course ids in memory, and is
// told when they change, the way the sign-in cache is:
//
//   - enrolments are only ever added (self-enrolment, assignment, trainers'
//     enrolments, session registration); each of those forgets the learners
//     it enrolled after its transaction commits;
//   - a lookup that was under way while something was forgotten is not
//     stored (a generation counter), so a read from before a commit is never
//     cached after it;
//   - on Postgres, forgets reach the other instances through
//     database.Changes, and the cache is off while it cannot hear them;
//   - an entry expires after enrolmentMaxAge, which bounds the effect of a
//     row written behind the service's back.
type enrolmentCache struct {
	mu      sync.Mutex
	entries map[int64]cachedEnrolments
	gen     atomic.Uint64
	on      atomic.Bool
}

type cachedEnrolments struct {
	ids []int64
	at  time.Time
}

const (
	enrolmentMaxAge     = time.Minute
	enrolmentMaxEntries = 100_000
	enrolmentChannel    = "prepoznaj_enrolments"
	// A notice names at most this many learners; a larger change empties
	// the other instances' caches (NOTIFY payloads are short).
	enrolmentNoticeMax = 100
)

func (c *enrolmentCache) get(uid int64) ([]int64, bool) {
	if !c.on.Load() {
		return nil, false
	}
	c.mu.Lock()
	e, ok := c.entries[uid]
	c.mu.Unlock()
	if !ok || time.Since(e.at) > enrolmentMaxAge {
		return nil, false
	}
	return e.ids, true
}

// put stores ids if nothing was forgotten since gen was read, before the lookup.
func (c *enrolmentCache) put(gen uint64, uid int64, ids []int64) {
	if !c.on.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if c.entries == nil || len(c.entries) >= enrolmentMaxEntries {
		c.entries = make(map[int64]cachedEnrolments)
	}
	c.entries[uid] = cachedEnrolments{ids: slices.Clip(ids), at: time.Now()}
}

// forgetLocal drops the entries of uids on this instance only.
func (c *enrolmentCache) forgetLocal(uids ...int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for _, uid := range uids {
		delete(c.entries, uid)
	}
}

func (c *enrolmentCache) clear() {
	c.mu.Lock()
	c.gen.Add(1)
	c.entries = nil
	c.mu.Unlock()
}

// Notice applies a forget another instance published (database.Listener):
// "u:" and comma-separated user ids; anything else empties the cache.
func (c *enrolmentCache) Notice(payload string) {
	if list, ok := strings.CutPrefix(payload, "u:"); ok {
		var uids []int64
		for _, f := range strings.Split(list, ",") {
			uid, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				c.clear()
				return
			}
			uids = append(uids, uid)
		}
		c.forgetLocal(uids...)
		return
	}
	c.clear()
}

// Live turns the cache on or off, empty either way (database.Listener).
func (c *enrolmentCache) Live(on bool) {
	if !on {
		c.on.Store(false)
	}
	c.clear()
	if on {
		c.on.Store(true)
	}
}

// EnableEnrolmentCache turns the enrolment cache on, hearing of other
// instances' enrolments through ch (see database.Changes).
func (s *Service) EnableEnrolmentCache(ch *database.Changes) {
	s.changes = ch
	ch.Subscribe(enrolmentChannel, &s.enrolments)
}

// forgetEnrolments is called after enrolments of uids commit (or may have).
func (s *Service) forgetEnrolments(uids ...int64) {
	if len(uids) == 0 {
		return
	}
	s.enrolments.forgetLocal(uids...)
	if len(uids) > enrolmentNoticeMax {
		s.changes.Publish(enrolmentChannel, "*")
		return
	}
	var b strings.Builder
	b.WriteString("u:")
	for i, uid := range uids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(uid, 10))
	}
	s.changes.Publish(enrolmentChannel, b.String())
}

// enrolledCourses lists the courses userID is enrolled in (a learner has a
// handful). Callers must not modify the slice: it may be the cache's.
func (s *Service) enrolledCourses(ctx context.Context, userID int64) ([]int64, error) {
	if ids, ok := s.enrolments.get(userID); ok {
		return ids, nil
	}
	gen := s.enrolments.gen.Load()
	ids, err := s.queryEnrolledCourses(ctx, userID)
	if err != nil {
		return nil, err
	}
	s.enrolments.put(gen, userID, ids)
	return ids, nil
}

// queryEnrolledCourses goes to database/sql directly with a fixed statement
// ($1 is a parameter on both databases).
func (s *Service) queryEnrolledCourses(ctx context.Context, userID int64) ([]int64, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, apperr.Internal(err)
	}
	rows, err := sqlDB.QueryContext(ctx, "SELECT course_id FROM course_enrolments WHERE user_id = $1", userID)
	if err != nil {
		return nil, apperr.Internal(err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, apperr.Internal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Internal(err)
	}
	return ids, nil
}
