package courses

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// What the certificates need to know, read without a principal: the
// platform itself asks, app adapts the answers. Each is one or a few
// queries, whatever the number of courses, sessions or learners.

// CertificateCourse is a published revision of a course as a certificate
// prints it.
type CertificateCourse struct {
	CourseID       int64
	Revision       int
	Title          string // in the locale asked for; Serbian in the locale's script
	Hours          float64
	ValidityMonths int
	OwnerID        int64
	// RequiredQuizzes are the quizzes the revision's completion rule names.
	RequiredQuizzes []int64
}

// CertificateCourse returns a course's revision as certificates print it:
// revision 0 is the one published now. A course never published, or a
// revision it does not have, answers course_not_found.
func (s *Service) CertificateCourse(ctx context.Context, courseID int64, revision int, locale lang.Locale) (*CertificateCourse, error) {
	var out *CertificateCourse
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := loadCourse(tx, courseID)
		if err != nil {
			return err
		}
		if revision <= 0 {
			revision = c.PublishedRevision
		}
		if revision <= 0 || revision > c.PublishedRevision {
			return errCourseNotFound
		}
		var rev courseRevision
		if err := tx.Select("title_sr, title_en, hours, validity_months, revision").
			Where("course_id = ? AND revision = ?", c.ID, revision).Take(&rev).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errCourseNotFound
			}
			return err
		}
		o, err := s.publishedOutline(tx, c.ID, revision)
		if err != nil {
			return err
		}
		loc := contentLocale(rev.TitleEn, locale)
		out = &CertificateCourse{CourseID: c.ID, Revision: rev.Revision, Title: localize(rev.TitleSr, rev.TitleEn, loc),
			Hours: rev.Hours, ValidityMonths: rev.ValidityMonths, OwnerID: c.OwnerID, RequiredQuizzes: []int64{}}
		for _, q := range o.Rule.Quizzes {
			out.RequiredQuizzes = append(out.RequiredQuizzes, q.QuizID)
		}
		return nil
	})
	return out, err
}

// LearnerCycle is one cycle of a learner's enrolment in a course.
type LearnerCycle struct {
	Cycle             int
	StartedAt         time.Time
	CompletedAt       *time.Time
	CompletedRevision int
	// BestScores are the learner's best quiz results in the cycle, as
	// fractions of the maximum, by quiz id (quizzes attempted only).
	BestScores map[int64]float64
}

type cycleLesson struct {
	LessonID    int64     `json:"lesson_id"`
	CompletedAt time.Time `json:"completed_at"`
}

type cycleQuiz struct {
	QuizID    int64   `json:"quiz_id"`
	BestScore float64 `json:"best_score"`
	LastScore float64 `json:"last_score"`
	Passed    bool    `json:"passed"`
	Attempts  int     `json:"attempts"`
}

// LearnerCycle returns cycle of a learner's enrolment in a course (0: the
// current one); a finished cycle is read from the record kept when the next
// began. Not enrolled, or no such cycle, answers not_enrolled.
func (s *Service) LearnerCycle(ctx context.Context, userID, courseID int64, cycle int) (*LearnerCycle, error) {
	var out *LearnerCycle
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var e enrolment
		if err := tx.Where("user_id = ? AND course_id = ?", userID, courseID).Take(&e).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errNotEnrolled
			}
			return err
		}
		if cycle <= 0 || cycle == e.cycleNumber() {
			out = &LearnerCycle{Cycle: e.cycleNumber(), StartedAt: e.cycleStart(), CompletedAt: utcPtr(e.CompletedAt),
				CompletedRevision: e.CompletedRevision, BestScores: map[int64]float64{}}
			var qs []quizResult
			if err := tx.Where("user_id = ? AND course_id = ? AND attempts > 0", userID, courseID).Find(&qs).Error; err != nil {
				return err
			}
			for _, q := range qs {
				out.BestScores[q.QuizID] = q.BestScore
			}
			return nil
		}
		var rec completionRecord
		if err := tx.Where("user_id = ? AND course_id = ? AND cycle = ?", userID, courseID, cycle).Take(&rec).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errNotEnrolled
			}
			return err
		}
		out = &LearnerCycle{Cycle: rec.Cycle, StartedAt: rec.StartedAt.UTC(), CompletedAt: utcPtr(&rec.CompletedAt),
			CompletedRevision: rec.CompletedRevision, BestScores: map[int64]float64{}}
		var qs []cycleQuiz
		if err := json.Unmarshal([]byte(rec.QuizResults), &qs); err != nil {
			return err
		}
		for _, q := range qs {
			if q.Attempts > 0 {
				out.BestScores[q.QuizID] = q.BestScore
			}
		}
		return nil
	})
	return out, err
}

// AttendedSession is one session of a course a learner attended (more than
// zero minutes), whose register is closed.
type AttendedSession struct {
	SessionID int64
	StartsAt  time.Time
	Place     string // empty for an online session
	Minutes   int
	Hours     float64
	TrainerID int64
}

// AttendedSessions lists, in one query, the closed sessions of a course a
// learner attended, by start. An unknown course answers course_not_found.
func (s *Service) AttendedSessions(ctx context.Context, courseID, userID int64) ([]AttendedSession, error) {
	var out []AttendedSession
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if _, err := loadCourse(tx, courseID); err != nil {
			return err
		}
		var rows []struct {
			SessionID int64
			StartsAt  time.Time
			Place     string
			Minutes   int
			TrainerID int64
		}
		if err := tx.Table("session_registrations AS r").
			Select("s.id AS session_id, s.starts_at AS starts_at, s.place AS place, r.minutes AS minutes, s.trainer_id AS trainer_id").
			Joins("JOIN live_sessions s ON s.id = r.session_id").
			Where("s.course_id = ? AND r.user_id = ? AND r.minutes > 0 AND s.closed_at IS NOT NULL AND s.cancelled_at IS NULL", courseID, userID).
			Order("s.starts_at, s.id").Scan(&rows).Error; err != nil {
			return err
		}
		out = make([]AttendedSession, len(rows))
		for i, r := range rows {
			out[i] = AttendedSession{SessionID: r.SessionID, StartsAt: r.StartsAt.UTC(), Place: r.Place, Minutes: r.Minutes,
				Hours: roundHours(float64(r.Minutes) / 60), TrainerID: r.TrainerID}
		}
		return nil
	})
	return out, err
}

// InstitutionAttendance is one member of an institution at one session.
type InstitutionAttendance struct {
	UserID      int64
	FullName    string
	Profession  string
	CourseID    int64
	CourseTitle string // the published title in the locale asked for (the draft's before publication)
	SessionID   int64
	StartsAt    time.Time
	Place       string // empty for an online session
	Minutes     int
	Hours       float64
}

// InstitutionAttendances lists, in one query, every attendance (more than
// zero minutes, register closed, session not cancelled) of an institution's
// current members at sessions of any course starting in [from, to), by
// start, at most limit of them (limit+1 tells the caller there are more).
func (s *Service) InstitutionAttendances(ctx context.Context, instID int64, from, to time.Time, locale lang.Locale, limit int) ([]InstitutionAttendance, error) {
	var rows []struct {
		UserID     int64
		FullName   string
		Profession string
		CourseID   int64
		DraftSr    string
		DraftEn    string
		PubSr      *string
		PubEn      *string
		SessionID  int64
		StartsAt   time.Time
		Place      string
		Minutes    int
	}
	err := s.db.WithContext(ctx).Table("session_registrations AS r").
		Select("r.user_id AS user_id, u.full_name AS full_name, u.profession AS profession, s.course_id AS course_id, "+
			"c.title_sr AS draft_sr, c.title_en AS draft_en, cr.title_sr AS pub_sr, cr.title_en AS pub_en, "+
			"s.id AS session_id, s.starts_at AS starts_at, s.place AS place, r.minutes AS minutes").
		Joins("JOIN live_sessions s ON s.id = r.session_id").
		Joins("JOIN users u ON u.id = r.user_id").
		Joins("JOIN courses c ON c.id = s.course_id").
		Joins("LEFT JOIN course_revisions cr ON cr.course_id = c.id AND cr.revision = c.published_revision").
		Where("u.institution_id = ? AND r.minutes > 0 AND s.closed_at IS NOT NULL AND s.cancelled_at IS NULL AND s.starts_at >= ? AND s.starts_at < ?",
			instID, from.UTC(), to.UTC()).
		Order("s.starts_at, s.id, u.full_name, r.user_id").Limit(max(limit, 1)).Scan(&rows).Error
	if err != nil {
		return nil, apperr.Internal(err)
	}
	out := make([]InstitutionAttendance, len(rows))
	for i, r := range rows {
		sr, en := r.DraftSr, r.DraftEn
		if r.PubSr != nil {
			sr, en = *r.PubSr, deref(r.PubEn)
		}
		out[i] = InstitutionAttendance{UserID: r.UserID, FullName: r.FullName, Profession: r.Profession, CourseID: r.CourseID,
			CourseTitle: localize(sr, en, contentLocale(en, locale)), SessionID: r.SessionID, StartsAt: r.StartsAt.UTC(),
			Place: r.Place, Minutes: r.Minutes, Hours: roundHours(float64(r.Minutes) / 60)}
	}
	return out, nil
}
