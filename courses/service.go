package courses

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database"
)

// Service holds the course rules. It owns every transaction it runs.
type Service struct {
	db  *gorm.DB
	acc *accounts.Service
	now func() time.Time
	log *slog.Logger

	mu               sync.RWMutex
	listener         CompletionListener
	registerListener RegisterListener
	quizzes          QuizDirectory

	outlines   outlineCache
	catalogue  catalogueCache
	enrolments enrolmentCache
	// changes tells other instances which learners' enrolments changed (nil: nobody to tell).
	changes *database.Changes
}

// NewService builds the service; now is the clock (UTC).
func NewService(db *gorm.DB, acc *accounts.Service, now func() time.Time) *Service {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Service{db: db, acc: acc, now: now, log: slog.Default(), enrolments: newEnrolmentCache()}
}

// SetLogger sets where failures after a commit (a completion listener's
// error) are reported.
func (s *Service) SetLogger(l *slog.Logger) {
	if l != nil {
		s.log = l
	}
}

var (
	errCourseNotFound     = apperr.NotFound("course_not_found", "No such course.")
	errModuleNotFound     = apperr.NotFound("module_not_found", "No such module.")
	errLessonNotFound     = apperr.NotFound("lesson_not_found", "No such lesson.")
	errSessionNotFound    = apperr.NotFound("session_not_found", "No such session.")
	errNotEnrolled        = apperr.NotFound("not_enrolled", "You are not enrolled in this course.")
	errInstitutionMissing = apperr.NotFound("institution_not_found", "No such institution.")
	errVersionConflict    = apperr.Conflict("version_conflict", "Someone else changed this since you loaded it; reload and apply your change again.")
)

func invalid(fields ...apperr.FieldError) error {
	return apperr.Invalid("validation_failed", "Some fields are missing or invalid.", fields...)
}

// tx runs fn in a transaction and maps what escapes it to a coded error.
func (s *Service) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return apperr.Wrap(s.db.WithContext(ctx).Transaction(fn))
}

// CourseRef is what other packages need to know about a course for a
// principal. Version is the published revision learners see (0 before the
// first publication); Edit is true for the owner, co-authors and admins.
type CourseRef struct {
	ID, OwnerID int64
	Slug        string
	Status      string
	Edit        bool
	Version     int
}

// CourseAccess answers 404 (course_not_found) unless p may see the course:
// published, or p is its owner, a co-author or an admin.
func (s *Service) CourseAccess(ctx context.Context, p *accounts.Principal, courseID int64) (CourseRef, error) {
	var ref CourseRef
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, edit, err := s.visibleCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		ref = CourseRef{ID: c.ID, OwnerID: c.OwnerID, Slug: c.Slug, Status: c.Status, Edit: edit, Version: c.PublishedRevision}
		return nil
	})
	return ref, err
}

// loadCourse reads a course row or answers course_not_found.
func loadCourse(tx *gorm.DB, id int64) (*course, error) {
	var c course
	if err := tx.Where("id = ?", id).Take(&c).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errCourseNotFound
		}
		return nil, err
	}
	return &c, nil
}

// canEdit: admins, and the owner or a co-author who still holds the trainer role.
func canEdit(tx *gorm.DB, p *accounts.Principal, c *course) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.Admin {
		return true, nil
	}
	if !p.Trainer {
		return false, nil
	}
	if c.OwnerID == p.UserID {
		return true, nil
	}
	var n int64
	if err := tx.Model(&courseAuthor{}).Where("course_id = ? AND user_id = ?", c.ID, p.UserID).Count(&n).Error; err != nil {
		return false, err
	}
	return n > 0, nil
}

// visibleCourse loads a course p may see; a course p may not see does not exist.
func (s *Service) visibleCourse(tx *gorm.DB, p *accounts.Principal, id int64) (*course, bool, error) {
	c, err := loadCourse(tx, id)
	if err != nil {
		return nil, false, err
	}
	edit, err := canEdit(tx, p, c)
	if err != nil {
		return nil, false, err
	}
	if !edit && c.Status != StatusPublished {
		return nil, false, errCourseNotFound
	}
	return c, edit, nil
}

// editableCourse loads a course p may edit; any other answers 404.
func (s *Service) editableCourse(tx *gorm.DB, p *accounts.Principal, id int64) (*course, error) {
	c, err := loadCourse(tx, id)
	if err != nil {
		return nil, err
	}
	edit, err := canEdit(tx, p, c)
	if err != nil {
		return nil, err
	}
	if !edit {
		return nil, errCourseNotFound
	}
	return c, nil
}

// ModuleCourse returns the course a module belongs to (module_not_found).
func (s *Service) ModuleCourse(ctx context.Context, moduleID int64) (int64, error) {
	var m module
	err := s.db.WithContext(ctx).Where("id = ?", moduleID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, errModuleNotFound
	}
	if err != nil {
		return 0, apperr.Internal(err)
	}
	return m.CourseID, nil
}

// Enrolled reports whether userID is enrolled in courseID.
func (s *Service) Enrolled(ctx context.Context, userID, courseID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&enrolment{}).Where("user_id = ? AND course_id = ?", userID, courseID).Count(&n).Error
	if err != nil {
		return false, apperr.Internal(err)
	}
	return n > 0, nil
}

// CycleStart is when userID's current cycle of courseID began, so that quiz attempts are
// counted and graded per cycle: after a re-take the old attempts neither use up the attempts
// allowed nor pass the quiz again. Zero in the first cycle (every attempt counts) and when the
// user is not enrolled.
func (s *Service) CycleStart(ctx context.Context, userID, courseID int64) (time.Time, error) {
	var e enrolment
	err := s.db.WithContext(ctx).Where("user_id = ? AND course_id = ?", userID, courseID).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, apperr.Internal(err)
	}
	if e.cycleNumber() <= 1 {
		return time.Time{}, nil
	}
	return e.cycleStart(), nil
}

// CompletionEvent says a learner met a course's completion rule: in cycle
// Cycle of their enrolment (1, then one more for each re-take after the
// previous completion's validity ran out), at CourseVersion.
type CompletionEvent struct {
	UserID, CourseID int64
	CourseVersion    int
	Cycle            int
	CompletedAt      time.Time
}

// CompletionListener is told of each completion after the commit that
// recorded it (the certificates package issues a certificate). Deliveries may
// repeat (RedeliverCompletions), so listeners must be idempotent per learner,
// course and cycle.
type CompletionListener interface {
	CourseCompleted(ctx context.Context, e CompletionEvent) error
}

// SetCompletionListener installs l (app wires it).
func (s *Service) SetCompletionListener(l CompletionListener) {
	s.mu.Lock()
	s.listener = l
	s.mu.Unlock()
}

func (s *Service) completionListener() CompletionListener {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.listener
}

func ptr[T any](v T) *T { return &v }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
