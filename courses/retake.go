package courses

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// Recertification. A completion is valid for the validity period of the
// revision completed (validity_months; 0: for ever). Once that period has
// passed the learner may take the course again: Retake starts a new cycle
// of the same enrolment. The finished cycle is copied into
// course_completions (when it started and was completed, the revision, the
// lessons completed and the quiz results), then the enrolment's completion,
// its lessons' completions and its quiz results start again, and only
// sessions starting from the new cycle count towards the attended hours.
// Time spent on lessons keeps adding up. Completing the new cycle fires a
// completion event with the new cycle number: the certificates package
// issues a new certificate that supersedes the previous one.

// retakeFrom is when a completed enrolment may be re-taken: validity months
// after its completion (nil when not completed, or the completion never
// expires).
func retakeFrom(e *enrolment, validityMonths int) *time.Time {
	if e.CompletedAt == nil || validityMonths <= 0 {
		return nil
	}
	t := e.CompletedAt.UTC().AddDate(0, validityMonths, 0)
	return &t
}

// revisionValidity maps a course's revisions to their validity months.
func revisionValidity(tx *gorm.DB, courseID int64) (map[int]int, error) {
	var rows []struct {
		Revision       int
		ValidityMonths int
	}
	if err := tx.Model(&courseRevision{}).Select("revision, validity_months").Where("course_id = ?", courseID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int]int, len(rows))
	for _, r := range rows {
		out[r.Revision] = r.ValidityMonths
	}
	return out, nil
}

// Retake starts p's next cycle of a course whose completion has expired,
// and returns the fresh progress. It answers not_completed (409) before a
// completion, completion_valid (409) while the completion is still valid,
// and completion_pending (409) while its certificate is still being issued.
func (s *Service) Retake(ctx context.Context, p *accounts.Principal, courseID int64) (*CourseProgress, error) {
	var out *CourseProgress
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, _, err := s.visibleCourseOrEnrolled(tx, p, courseID)
		if err != nil {
			return err
		}
		now := s.now()
		e, err := lockEnrolment(tx, p.UserID, c.ID, now)
		if err != nil {
			return err
		}
		if e.CompletedAt == nil {
			return apperr.Conflict("not_completed", "You have not completed this course yet; there is nothing to re-take.")
		}
		validity, err := revisionValidity(tx, c.ID)
		if err != nil {
			return err
		}
		from := retakeFrom(e, validity[e.CompletedRevision])
		if from == nil {
			return apperr.Conflict("completion_valid", "Your completion of this course does not expire.")
		}
		if now.Before(*from) {
			return apperr.Conflict("completion_valid", "Your completion is still valid; you can re-take the course from "+from.Format(time.DateOnly)+".")
		}
		if e.CompletionNotifiedAt == nil {
			return apperr.Conflict("completion_pending", "The certificate for your last completion is still being issued; try again in a few minutes.")
		}
		if c.Status != StatusPublished {
			return apperr.Unprocessable("course_not_published", "Only a published course can be taken.")
		}
		if err := startNextCycle(tx, e, now, map[string]any{"due_at": nil, "last_activity_at": now}); err != nil {
			return err
		}
		var fresh enrolment
		if err := tx.Where("id = ?", e.ID).Take(&fresh).Error; err != nil {
			return err
		}
		out, err = s.progressFor(tx, &fresh, c)
		return err
	})
	return out, err
}

// renewable says whether a completed enrolment may start its next cycle
// now: its validity has passed and its completion was delivered.
func renewable(e *enrolment, validityMonths int, now time.Time) bool {
	from := retakeFrom(e, validityMonths)
	return from != nil && !now.Before(*from) && e.CompletionNotifiedAt != nil
}

// startNextCycle keeps e's finished cycle and starts the next one, with
// more column updates. Two requests renewing the same cycle: one wins, the
// other gets version_conflict.
func startNextCycle(tx *gorm.DB, e *enrolment, now time.Time, more map[string]any) error {
	if err := archiveCycle(tx, e, now); err != nil {
		return err
	}
	updates := map[string]any{"cycle": e.cycleNumber() + 1, "cycle_started_at": now, "completed_at": nil, "completed_revision": 0,
		"completion_notified_at": nil}
	for k, v := range more {
		updates[k] = v
	}
	res := tx.Model(&enrolment{}).Where("id = ? AND cycle = ? AND completed_at IS NOT NULL", e.ID, e.Cycle).Updates(updates)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errVersionConflict
	}
	return nil
}

// archiveCycle copies the finished cycle into course_completions and clears
// what the next cycle must earn again. Call with the enrolment locked.
func archiveCycle(tx *gorm.DB, e *enrolment, now time.Time) error {
	var lps []lessonProgress
	if err := tx.Where("user_id = ? AND course_id = ? AND completed_at IS NOT NULL", e.UserID, e.CourseID).Order("lesson_id").Find(&lps).Error; err != nil {
		return err
	}
	lessons := make([]cycleLesson, len(lps))
	for i, lp := range lps {
		lessons[i] = cycleLesson{LessonID: lp.LessonID, CompletedAt: lp.CompletedAt.UTC()}
	}
	var qrs []quizResult
	if err := tx.Where("user_id = ? AND course_id = ?", e.UserID, e.CourseID).Order("quiz_id").Find(&qrs).Error; err != nil {
		return err
	}
	quizzes := make([]cycleQuiz, len(qrs))
	for i, q := range qrs {
		quizzes[i] = cycleQuiz{QuizID: q.QuizID, BestScore: q.BestScore, LastScore: q.LastScore, Passed: q.Passed, Attempts: q.Attempts}
	}
	states, err := loadStates(tx, []pairKey{{e.UserID, e.CourseID}})
	if err != nil {
		return err
	}
	lj, err := json.Marshal(lessons)
	if err != nil {
		return err
	}
	qj, err := json.Marshal(quizzes)
	if err != nil {
		return err
	}
	rec := completionRecord{UserID: e.UserID, CourseID: e.CourseID, Cycle: e.cycleNumber(), StartedAt: e.cycleStart(),
		CompletedAt: e.CompletedAt.UTC(), CompletedRevision: e.CompletedRevision, Lessons: string(lj), QuizResults: string(qj),
		AttendedMinutes: states[pairKey{e.UserID, e.CourseID}].AttendedMinutes, EndedAt: now}
	if err := tx.Create(&rec).Error; err != nil {
		return err
	}
	if err := tx.Model(&lessonProgress{}).Where("user_id = ? AND course_id = ? AND completed_at IS NOT NULL", e.UserID, e.CourseID).
		Updates(map[string]any{"completed_at": nil, "updated_at": now}).Error; err != nil {
		return err
	}
	return tx.Model(&quizResult{}).Where("user_id = ? AND course_id = ?", e.UserID, e.CourseID).
		Updates(map[string]any{"best_score": 0, "last_score": 0, "passed": false, "attempts": 0, "updated_at": now}).Error
}

// CompletedCycle is a finished cycle of an enrolment, kept when the next
// one began.
type CompletedCycle struct {
	Cycle             int       `json:"cycle"`
	StartedAt         time.Time `json:"started_at"`
	CompletedAt       time.Time `json:"completed_at"`
	CompletedRevision int       `json:"completed_revision"`
	AttendedHours     float64   `json:"attended_hours"`
}

// completedCycles reads the finished cycles of one enrolment.
func completedCycles(tx *gorm.DB, userID, courseID int64) ([]CompletedCycle, error) {
	var recs []completionRecord
	if err := tx.Where("user_id = ? AND course_id = ?", userID, courseID).Order("cycle").Find(&recs).Error; err != nil {
		return nil, err
	}
	out := make([]CompletedCycle, len(recs))
	for i, r := range recs {
		out[i] = CompletedCycle{Cycle: r.Cycle, StartedAt: r.StartedAt.UTC(), CompletedAt: r.CompletedAt.UTC(),
			CompletedRevision: r.CompletedRevision, AttendedHours: roundHours(float64(r.AttendedMinutes) / 60)}
	}
	return out, nil
}
