package quiz

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// CourseRef is what the quiz engine needs to know about a course a principal asked for.
type CourseRef struct {
	ID      int64
	OwnerID int64
	// Edit is true for the course's owner, its co-authors and admins: they author its question
	// bank and quizzes and see every attempt and all analytics.
	Edit bool
}

// Courses is what the quiz engine needs from the courses package. The quiz package sits above
// courses in the dependency order, but declaring the interface here keeps it testable alone;
// the app wires *courses.Service into it.
type Courses interface {
	// CourseAccess returns the course when p may see it, and an apperr NotFound otherwise.
	CourseAccess(ctx context.Context, p *accounts.Principal, courseID int64) (CourseRef, error)
	// ModuleCourse returns the course a module belongs to (apperr NotFound when none).
	ModuleCourse(ctx context.Context, moduleID int64) (int64, error)
	// RecordQuizResult tells courses a learner's quiz grade changed (score in 0..1); the course's
	// completion rule decides what it means.
	RecordQuizResult(ctx context.Context, userID, courseID, quizID int64, score float64, passed bool) error
	// Enrolled reports whether the user is enrolled in the course.
	Enrolled(ctx context.Context, userID, courseID int64) (bool, error)
	// CycleStart is when the learner's current cycle of the course began (zero: the first
	// cycle). Attempts started before it neither count against the attempts allowed nor into
	// the grade: a re-take after a certificate expired starts the quiz afresh.
	CycleStart(ctx context.Context, userID, courseID int64) (time.Time, error)
}

// Options configures a Service.
type Options struct {
	// DefaultCatalogue is loaded as catalogue version 1 when the database holds none.
	DefaultCatalogue []byte
	// Audit records admin edits of the catalogue; optional.
	Audit *accounts.Auditor
	// Log receives the sweeper's and result recording's problems; optional.
	Log *slog.Logger
}

// Service holds the quiz rules: catalogue, scenarios, question bank, quizzes, attempts, grading,
// review and analytics.
type Service struct {
	db      *gorm.DB
	courses Courses
	opts    Options

	clockMu sync.RWMutex
	now     func() time.Time

	// Catalogue and question versions never change once written, so any instance may cache
	// them for good.
	catalogues sync.Map // int version -> *Catalogue
	versions   sync.Map // int64 question version id -> *storedVersion
	htmlCache  sync.Map // string key -> rendered HTML of a version's Markdown

	// gradeHook, when set (tests only), runs before each question's mark is written inside the
	// grading transaction; an error aborts the grading.
	gradeHook func(attemptID int64, position int) error
}

// NewService builds the service.
func NewService(db *gorm.DB, courses Courses, now func() time.Time, opts Options) *Service {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Service{db: db, courses: courses, now: now, opts: opts}
}

// SetClock replaces the service's clock; tests use it to move past deadlines and close times.
func (s *Service) SetClock(now func() time.Time) {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	s.now = now
}

func (s *Service) clock() time.Time {
	s.clockMu.RLock()
	defer s.clockMu.RUnlock()
	// Postgres keeps microseconds; truncating keeps Go and database times comparable.
	return s.now().UTC().Truncate(time.Microsecond)
}

func invalid(fields ...apperr.FieldError) error {
	return apperr.Invalid("validation_failed", "Some fields are missing or invalid.", fields...)
}

func unprocessable(fields ...apperr.FieldError) error {
	return apperr.Unprocessable("validation_failed", "Some fields name things that do not exist or do not fit together.", fields...)
}

func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain data types are marshalled here; a failure is a programming error.
		panic(err)
	}
	return string(b)
}

func fromJSON[T any](s string) T {
	var v T
	if s != "" {
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			panic("quiz: corrupt JSON column: " + err.Error())
		}
	}
	return v
}

func pointer[T any](v T) *T { return &v }

func actor(p *accounts.Principal) *int64 {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return pointer(p.UserID)
}

var (
	errCourseNotFound   = apperr.NotFound("course_not_found", "No such course.")
	errQuizNotFound     = apperr.NotFound("quiz_not_found", "No such quiz.")
	errQuestionNotFound = apperr.NotFound("question_not_found", "No such question.")
	errScenarioNotFound = apperr.NotFound("scenario_not_found", "No such scenario.")
	errAttemptNotFound  = apperr.NotFound("attempt_not_found", "No such attempt.")
)

// editableCourse returns the course when p may author it; a course p may see but not edit is as
// absent as one that does not exist.
func (s *Service) editableCourse(ctx context.Context, p *accounts.Principal, courseID int64) (CourseRef, error) {
	if courseID <= 0 {
		return CourseRef{}, errCourseNotFound
	}
	ref, err := s.courses.CourseAccess(ctx, p, courseID)
	if err != nil {
		return CourseRef{}, courseErr(err)
	}
	if !ref.Edit {
		return CourseRef{}, errCourseNotFound
	}
	return ref, nil
}

// courseErr keeps a course's NotFound as the quiz package's own, so clients see one code.
func courseErr(err error) error {
	if apperr.IsKind(err, apperr.KindNotFound) {
		return errCourseNotFound
	}
	return apperr.Wrap(err)
}
