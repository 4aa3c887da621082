package courses

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// CourseProgress is a learner's standing in a course against its current
// published revision. Completed stays true once the rule was met, whatever
// later editions of the course require.
type CourseProgress struct {
	CourseID             int64        `json:"course_id"`
	UserID               int64        `json:"user_id"`
	Revision             int          `json:"revision"`
	EnrolledAt           time.Time    `json:"enrolled_at"`
	DueAt                *time.Time   `json:"due_at"`
	Overdue              bool         `json:"overdue"`
	Completed            bool         `json:"completed"`
	CompletedAt          *time.Time   `json:"completed_at"`
	CompletedRevision    int          `json:"completed_revision"`
	Percent              int          `json:"percent"`
	LessonsDone          int          `json:"lessons_done"`
	LessonsTotal         int          `json:"lessons_total"`
	RequiredLessonsDone  int          `json:"required_lessons_done"`
	RequiredLessonsTotal int          `json:"required_lessons_total"`
	Quizzes              []QuizStatus `json:"quizzes"`
	AttendedHours        float64      `json:"attended_hours"`
	MinAttendedHours     float64      `json:"min_attended_hours"`
	RuleMet              bool         `json:"rule_met"`
	Next                 *NextStep    `json:"next"`
	// Cycle counts the times the learner has taken the course (see Retake);
	// CycleStartedAt is when the current one began.
	Cycle          int       `json:"cycle"`
	CycleStartedAt time.Time `json:"cycle_started_at"`
	// RetakeFrom is when a completed course may be taken again because the
	// completion's validity has passed (null: not completed, or never expires).
	RetakeFrom *time.Time `json:"retake_from"`
	// PreviousCycles are the finished cycles before the current one (in the
	// learner's own progress only).
	PreviousCycles []CompletedCycle `json:"previous_cycles,omitempty"`
}

func progressOf(e *enrolment, revision int, ev evaluation, now time.Time) *CourseProgress {
	p := &CourseProgress{
		CourseID: e.CourseID, UserID: e.UserID, Revision: revision, EnrolledAt: e.EnrolledAt.UTC(), DueAt: utcPtr(e.DueAt),
		Overdue: overdue(e, now), Completed: e.CompletedAt != nil, CompletedAt: utcPtr(e.CompletedAt),
		CompletedRevision: e.CompletedRevision, Percent: ev.Percent, LessonsDone: ev.LessonsDone, LessonsTotal: ev.LessonsTotal,
		RequiredLessonsDone: ev.RequiredLessonsDone, RequiredLessonsTotal: ev.RequiredLessonsTotal, Quizzes: ev.Quizzes,
		AttendedHours: ev.AttendedHours, MinAttendedHours: ev.MinAttendedHours, RuleMet: ev.Met, Next: ev.Next,
		Cycle: e.cycleNumber(), CycleStartedAt: e.cycleStart(),
	}
	if p.Completed {
		p.Percent = 100
	}
	if p.Quizzes == nil {
		p.Quizzes = []QuizStatus{}
	}
	return p
}

// lockEnrolment touches the enrolment row first in every transaction that
// changes what the completion rule sees. On Postgres that row lock queues
// concurrent changes for one learner and course, so the last of them
// evaluates the rule with all the others committed and a completion is
// never missed; SQLite's immediate transactions queue them anyway.
func lockEnrolment(tx *gorm.DB, userID, courseID int64, now time.Time) (*enrolment, error) {
	res := tx.Model(&enrolment{}).Where("user_id = ? AND course_id = ?", userID, courseID).Update("last_activity_at", now)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, errNotEnrolled
	}
	var e enrolment
	if err := tx.Where("user_id = ? AND course_id = ?", userID, courseID).Take(&e).Error; err != nil {
		return nil, err
	}
	return &e, nil
}

// evaluateLocked applies the rule for a locked enrolment and records a first
// completion. The event it returns is to be fired after the commit.
func (s *Service) evaluateLocked(tx *gorm.DB, e *enrolment, c *course) (evaluation, *CompletionEvent, error) {
	if c.PublishedRevision == 0 {
		return evaluation{}, nil, nil
	}
	o, err := s.publishedOutline(tx, c.ID, c.PublishedRevision)
	if err != nil {
		return evaluation{}, nil, err
	}
	states, err := loadStates(tx, []pairKey{{e.UserID, c.ID}})
	if err != nil {
		return evaluation{}, nil, err
	}
	ev := evaluate(o, states[pairKey{e.UserID, c.ID}])
	if !ev.Met || e.CompletedAt != nil {
		return ev, nil, nil
	}
	now := s.now()
	res := tx.Model(&enrolment{}).Where("id = ? AND completed_at IS NULL", e.ID).
		Updates(map[string]any{"completed_at": now, "completed_revision": c.PublishedRevision})
	if res.Error != nil {
		return ev, nil, res.Error
	}
	if res.RowsAffected != 1 {
		return ev, nil, nil
	}
	e.CompletedAt, e.CompletedRevision = &now, c.PublishedRevision
	return ev, &CompletionEvent{UserID: e.UserID, CourseID: c.ID, CourseVersion: c.PublishedRevision, Cycle: e.cycleNumber(), CompletedAt: now}, nil
}

// fire tells the listener of committed completions, and marks each as told.
// A listener's failure is logged; RedeliverCompletions retries.
func (s *Service) fire(ctx context.Context, events ...*CompletionEvent) {
	l := s.completionListener()
	for _, e := range events {
		if e == nil || l == nil {
			continue
		}
		if err := l.CourseCompleted(ctx, *e); err != nil {
			s.log.Error("completion listener failed", slog.Int64("user_id", e.UserID), slog.Int64("course_id", e.CourseID), slog.String("error", err.Error()))
			continue
		}
		if err := s.db.WithContext(ctx).Model(&enrolment{}).Where("user_id = ? AND course_id = ? AND cycle = ? AND completion_notified_at IS NULL", e.UserID, e.CourseID, e.Cycle).
			Update("completion_notified_at", s.now()).Error; err != nil {
			s.log.Error("mark completion notified", slog.String("error", err.Error()))
		}
	}
}

// RedeliverCompletions fires the completions whose listener failed (or whose
// process stopped between commit and notification) and that are older than
// grace. It returns how many it delivered. Listeners must be idempotent per
// learner and course version, as a crash after delivery repeats it.
func (s *Service) RedeliverCompletions(ctx context.Context, grace time.Duration) (int, error) {
	l := s.completionListener()
	if l == nil {
		return 0, nil
	}
	var rows []enrolment
	if err := s.db.WithContext(ctx).Where("completed_at IS NOT NULL AND completion_notified_at IS NULL AND completed_at < ?", s.now().Add(-grace)).
		Order("id").Limit(1000).Find(&rows).Error; err != nil {
		return 0, apperr.Internal(err)
	}
	n := 0
	for _, r := range rows {
		e := &CompletionEvent{UserID: r.UserID, CourseID: r.CourseID, CourseVersion: r.CompletedRevision, Cycle: r.cycleNumber(), CompletedAt: r.CompletedAt.UTC()}
		if err := l.CourseCompleted(ctx, *e); err != nil {
			s.log.Warn("completion redelivery failed", slog.Int64("user_id", e.UserID), slog.Int64("course_id", e.CourseID), slog.String("error", err.Error()))
			continue
		}
		if err := s.db.WithContext(ctx).Model(&enrolment{}).Where("id = ? AND cycle = ? AND completion_notified_at IS NULL", r.ID, r.Cycle).
			Update("completion_notified_at", s.now()).Error; err != nil {
			return n, apperr.Internal(err)
		}
		n++
	}
	return n, nil
}

// Progress returns p's own progress in a course.
func (s *Service) Progress(ctx context.Context, p *accounts.Principal, courseID int64) (*CourseProgress, error) {
	var out *CourseProgress
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, _, err := s.visibleCourseOrEnrolled(tx, p, courseID)
		if err != nil {
			return err
		}
		var e enrolment
		if err := tx.Where("user_id = ? AND course_id = ?", p.UserID, c.ID).Take(&e).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errNotEnrolled
			}
			return err
		}
		out, err = s.progressFor(tx, &e, c)
		return err
	})
	return out, err
}

// visibleCourseOrEnrolled also lets an enrolled learner see their standing
// in a course that has since been archived.
func (s *Service) visibleCourseOrEnrolled(tx *gorm.DB, p *accounts.Principal, id int64) (*course, bool, error) {
	c, edit, err := s.visibleCourse(tx, p, id)
	if err == nil || !apperr.IsKind(err, apperr.KindNotFound) {
		return c, edit, err
	}
	c2, err2 := loadCourse(tx, id)
	if err2 != nil || c2.PublishedRevision == 0 {
		return nil, false, err
	}
	var n int64
	if err := tx.Model(&enrolment{}).Where("user_id = ? AND course_id = ?", p.UserID, id).Count(&n).Error; err != nil {
		return nil, false, err
	}
	if n == 0 {
		return nil, false, errCourseNotFound
	}
	return c2, false, nil
}

// progressFor is one learner's full progress, with the cycles before.
func (s *Service) progressFor(tx *gorm.DB, e *enrolment, c *course) (*CourseProgress, error) {
	var out *CourseProgress
	if c.PublishedRevision == 0 {
		out = progressOf(e, 0, evaluation{}, s.now())
	} else {
		o, err := s.publishedOutline(tx, c.ID, c.PublishedRevision)
		if err != nil {
			return nil, err
		}
		states, err := loadStates(tx, []pairKey{{e.UserID, c.ID}})
		if err != nil {
			return nil, err
		}
		out = progressOf(e, c.PublishedRevision, evaluate(o, states[pairKey{e.UserID, c.ID}]), s.now())
	}
	validity, err := revisionValidity(tx, c.ID)
	if err != nil {
		return nil, err
	}
	out.RetakeFrom = retakeFrom(e, validity[e.CompletedRevision])
	if e.cycleNumber() > 1 {
		if out.PreviousCycles, err = completedCycles(tx, e.UserID, c.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CompleteLesson records that p finished a published lesson, and completes
// the course when that meets its rule.
func (s *Service) CompleteLesson(ctx context.Context, p *accounts.Principal, lessonID int64) (*CourseProgress, error) {
	var out *CourseProgress
	var event *CompletionEvent
	err := s.tx(ctx, func(tx *gorm.DB) error {
		l, c, _, _, _, err := s.publishedLesson(tx, p, lessonID)
		if err != nil {
			return err
		}
		now := s.now()
		e, err := lockEnrolment(tx, p.UserID, c.ID, now)
		if err != nil {
			return err
		}
		lp, err := progressRow(tx, p.UserID, c.ID, l.ID, now)
		if err != nil {
			return err
		}
		if lp.CompletedAt == nil {
			if err := tx.Model(&lessonProgress{}).Where("id = ?", lp.ID).Updates(map[string]any{"completed_at": now, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		if _, event, err = s.evaluateLocked(tx, e, c); err != nil {
			return err
		}
		out, err = s.progressFor(tx, e, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.fire(ctx, event)
	return out, nil
}

// progressRow returns the learner's row for a lesson, creating it. Callers
// hold the enrolment lock, so two requests cannot both create it.
func progressRow(tx *gorm.DB, userID, courseID, lessonID int64, now time.Time) (*lessonProgress, error) {
	var lp lessonProgress
	err := tx.Where("user_id = ? AND lesson_id = ?", userID, lessonID).Take(&lp).Error
	if err == nil {
		return &lp, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	lp = lessonProgress{UserID: userID, CourseID: courseID, LessonID: lessonID, UpdatedAt: now}
	return &lp, tx.Create(&lp).Error
}

// LessonTime is the time a learner has spent on a lesson.
type LessonTime struct {
	LessonID     int64 `json:"lesson_id"`
	SecondsSpent int   `json:"seconds_spent"`
	Credited     int   `json:"credited"`
}

// Heartbeat records that p is reading a lesson. Each beat credits the real
// time since the previous one, at most a minute, and nothing after a gap of
// more than 90 s or when active is false (the reader was idle): sending beats
// faster or more often earns nothing extra.
func (s *Service) Heartbeat(ctx context.Context, p *accounts.Principal, lessonID int64, active bool) (*LessonTime, error) {
	var out LessonTime
	err := s.tx(ctx, func(tx *gorm.DB) error {
		l, c, _, _, _, err := s.publishedLesson(tx, p, lessonID)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := lockEnrolment(tx, p.UserID, c.ID, now); err != nil {
			return err
		}
		lp, err := progressRow(tx, p.UserID, c.ID, l.ID, now)
		if err != nil {
			return err
		}
		credit := heartbeatCredit(lp.LastBeatAt, now, active)
		credit = max(0, min(credit, MaxLessonSeconds-lp.SecondsSpent))
		if err := tx.Model(&lessonProgress{}).Where("id = ?", lp.ID).Updates(map[string]any{
			"seconds_spent": lp.SecondsSpent + credit, "last_beat_at": now, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		out = LessonTime{LessonID: l.ID, SecondsSpent: lp.SecondsSpent + credit, Credited: credit}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RecordQuizResult is how the quiz package reports a graded attempt of a
// learner: score is the attempt's mark as a fraction of the maximum (0 to 1),
// passed whether it reached the quiz's pass mark. The best score and whether
// the quiz was ever passed are kept; the course's completion rule is then
// evaluated and a first completion fires the completion event after commit.
// A learner who is not enrolled answers not_enrolled.
func (s *Service) RecordQuizResult(ctx context.Context, userID, courseID, quizID int64, score float64, passed bool) error {
	if math.IsNaN(score) || score < 0 || score > 1 || quizID <= 0 {
		return invalid(apperr.Field("score", "out_of_range", "must be a fraction from 0 to 1"))
	}
	var event *CompletionEvent
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := loadCourse(tx, courseID)
		if err != nil {
			return err
		}
		now := s.now()
		e, err := lockEnrolment(tx, userID, courseID, now)
		if err != nil {
			return err
		}
		var qr quizResult
		err = tx.Where("user_id = ? AND quiz_id = ?", userID, quizID).Take(&qr).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			qr = quizResult{UserID: userID, CourseID: courseID, QuizID: quizID, BestScore: score, LastScore: score, Passed: passed, Attempts: 1, UpdatedAt: now}
			if err := tx.Create(&qr).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if err := tx.Model(&quizResult{}).Where("id = ?", qr.ID).Updates(map[string]any{
				"best_score": math.Max(qr.BestScore, score), "last_score": score, "passed": qr.Passed || passed,
				"attempts": qr.Attempts + 1, "updated_at": now,
			}).Error; err != nil {
				return err
			}
		}
		_, event, err = s.evaluateLocked(tx, e, c)
		return err
	})
	if err != nil {
		return err
	}
	s.fire(ctx, event)
	return nil
}

// reevaluate re-applies the rule for users of a course after something
// outside their own actions changed (attendance). Call inside the
// transaction; fire the events after it commits.
func (s *Service) reevaluate(tx *gorm.DB, courseID int64, userIDs []int64) ([]*CompletionEvent, error) {
	c, err := loadCourse(tx, courseID)
	if err != nil {
		return nil, err
	}
	var events []*CompletionEvent
	now := s.now()
	for _, uid := range userIDs {
		e, err := lockEnrolment(tx, uid, courseID, now)
		if errors.Is(err, errNotEnrolled) {
			continue
		}
		if err != nil {
			return nil, err
		}
		_, ev, err := s.evaluateLocked(tx, e, c)
		if err != nil {
			return nil, err
		}
		if ev != nil {
			events = append(events, ev)
		}
	}
	return events, nil
}

// MyCourse is one of the signed-in learner's enrolments.
type MyCourse struct {
	Course      CourseSummary `json:"course"`
	EnrolledAt  time.Time     `json:"enrolled_at"`
	DueAt       *time.Time    `json:"due_at"`
	Overdue     bool          `json:"overdue"`
	CompletedAt *time.Time    `json:"completed_at"`
	Percent     int           `json:"percent"`
	Next        *NextStep     `json:"next"`
}

// MyCourses lists p's enrolments, most recent first, with progress.
func (s *Service) MyCourses(ctx context.Context, p *accounts.Principal, locale lang.Locale, offset, limit int) ([]MyCourse, int64, error) {
	var out []MyCourse
	var total int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&enrolment{}).Where("user_id = ?", p.UserID)
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		var rows []enrolment
		if err := q.Order("enrolled_at DESC, id DESC").Offset(offset).Limit(limit).Find(&rows).Error; err != nil {
			return err
		}
		pairs := make([]pairKey, len(rows))
		cids := make([]int64, len(rows))
		for i, r := range rows {
			pairs[i], cids[i] = pairKey{p.UserID, r.CourseID}, r.CourseID
		}
		var cs []course
		if len(cids) > 0 {
			if err := tx.Where("id IN ?", cids).Find(&cs).Error; err != nil {
				return err
			}
		}
		byID := map[int64]*course{}
		for i := range cs {
			byID[cs[i].ID] = &cs[i]
		}
		states, err := loadStates(tx, pairs)
		if err != nil {
			return err
		}
		now := s.now()
		out = make([]MyCourse, 0, len(rows))
		for i := range rows {
			r := &rows[i]
			c := byID[r.CourseID]
			if c == nil || c.PublishedRevision == 0 {
				continue
			}
			var rev courseRevision
			if err := tx.Select("title_sr, title_en, summary_sr, summary_en, professions, languages, level, hours, validity_months, content_warning, self_enrol, revision").
				Where("course_id = ? AND revision = ?", c.ID, c.PublishedRevision).Take(&rev).Error; err != nil {
				return err
			}
			o, err := s.publishedOutline(tx, c.ID, c.PublishedRevision)
			if err != nil {
				return err
			}
			ev := evaluate(o, states[pairKey{p.UserID, c.ID}])
			pr := progressOf(r, c.PublishedRevision, ev, now)
			loc := contentLocale(rev.TitleEn, locale)
			out = append(out, MyCourse{
				Course: CourseSummary{ID: c.ID, Slug: c.Slug, Status: c.Status, Revision: c.PublishedRevision, Locale: string(loc),
					Title: localize(rev.TitleSr, rev.TitleEn, loc), Summary: localize(rev.SummarySr, rev.SummaryEn, loc),
					Professions: splitSet(rev.Professions), Languages: splitSet(rev.Languages), Level: rev.Level, Hours: rev.Hours,
					ValidityMonths: rev.ValidityMonths, ContentWarning: rev.ContentWarning, SelfEnrol: rev.SelfEnrol,
					PublishedAt: utcPtr(c.PublishedAt), Enrolled: true},
				EnrolledAt: pr.EnrolledAt, DueAt: pr.DueAt, Overdue: pr.Overdue, CompletedAt: pr.CompletedAt, Percent: pr.Percent, Next: pr.Next,
			})
		}
		return nil
	})
	return out, total, err
}

// CourseEnrolments lists a course's learners with their progress, for its
// editors.
func (s *Service) CourseEnrolments(ctx context.Context, p *accounts.Principal, courseID int64, offset, limit int) ([]CourseProgress, int64, error) {
	var out []CourseProgress
	var total int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		q := tx.Model(&enrolment{}).Where("course_id = ?", c.ID)
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		var rows []enrolment
		if err := q.Order("enrolled_at, id").Offset(offset).Limit(limit).Find(&rows).Error; err != nil {
			return err
		}
		out = make([]CourseProgress, 0, len(rows))
		if len(rows) == 0 || c.PublishedRevision == 0 {
			for i := range rows {
				out = append(out, *progressOf(&rows[i], 0, evaluation{}, s.now()))
			}
			return nil
		}
		o, err := s.publishedOutline(tx, c.ID, c.PublishedRevision)
		if err != nil {
			return err
		}
		pairs := make([]pairKey, len(rows))
		for i, r := range rows {
			pairs[i] = pairKey{r.UserID, c.ID}
		}
		states, err := loadStates(tx, pairs)
		if err != nil {
			return err
		}
		validity, err := revisionValidity(tx, c.ID)
		if err != nil {
			return err
		}
		for i := range rows {
			pr := progressOf(&rows[i], c.PublishedRevision, evaluate(o, states[pairs[i]]), s.now())
			pr.RetakeFrom = retakeFrom(&rows[i], validity[rows[i].CompletedRevision])
			out = append(out, *pr)
		}
		return nil
	})
	return out, total, err
}
