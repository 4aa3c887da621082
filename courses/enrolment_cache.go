package courses

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database"
)

// Every catalogue a learner opens marks the courses they are enrolled in,
// and that one query was, on Postgres, most of what the catalogue cost.
// enrolmentCache keeps each learner's enrolled course ids in memory, with
// the rules of database.Cache (as the sign-in cache does). Enrolments are
// only ever added (self-enrolment, assignment, trainers' enrolments, session
// registration); each of those forgets the learners it enrolled after its
// transaction commits, and tells the other Postgres instances.
type enrolmentCache struct {
	*database.Cache[int64, []int64]
}

const (
	enrolmentMaxAge     = time.Minute
	enrolmentMaxEntries = 100_000
	enrolmentChannel    = "prepoznaj_enrolments"
	// A notice names at most this many learners; a larger change empties
	// the other instances' caches (NOTIFY payloads are short).
	enrolmentNoticeMax = 100
)

func newEnrolmentCache() enrolmentCache {
	return enrolmentCache{database.NewCache[int64, []int64](enrolmentMaxEntries, enrolmentMaxAge)}
}

// Notice applies a forget another instance published (database.Listener):
// "u:" and comma-separated user ids; anything else empties the cache.
func (c enrolmentCache) Notice(payload string) {
	if list, ok := strings.CutPrefix(payload, "u:"); ok {
		var uids []int64
		for _, f := range strings.Split(list, ",") {
			uid, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				c.Clear()
				return
			}
			uids = append(uids, uid)
		}
		c.Forget(uids...)
		return
	}
	c.Clear()
}

// EnableEnrolmentCache turns the enrolment cache on, hearing of other
// instances' enrolments through ch (see database.Changes).
func (s *Service) EnableEnrolmentCache(ch *database.Changes) {
	s.changes = ch
	ch.Subscribe(enrolmentChannel, s.enrolments)
}

// forgetEnrolments is called after enrolments of uids commit (or may have).
func (s *Service) forgetEnrolments(uids ...int64) {
	if len(uids) == 0 {
		return
	}
	s.enrolments.Forget(uids...)
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
	if ids, ok := s.enrolments.Get(userID); ok {
		return ids, nil
	}
	gen := s.enrolments.Gen()
	ids, err := s.queryEnrolledCourses(ctx, userID)
	if err != nil {
		return nil, err
	}
	s.enrolments.Put(gen, userID, slices.Clip(ids))
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
