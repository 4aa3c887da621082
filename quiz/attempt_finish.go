package quiz

import (
	"context"
	"log/slog"
	"math"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// finishOverdue submits the learner's overdue attempts of a quiz.
func (s *Service) finishOverdue(ctx context.Context, quizID, userID int64) error {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&attemptRow{}).
		Where("quiz_id = ? AND user_id = ? AND state = ? AND deadline IS NOT NULL AND deadline <= ?", quizID, userID, StateOpen, s.clock()).
		Pluck("id", &ids).Error
	if err != nil {
		return apperr.Internal(err)
	}
	for _, id := range ids {
		if _, err := s.finish(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func roundScore(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// finish submits and grades an open attempt in one transaction. The conditional update from
// open to submitted lets exactly one caller grade; the others find nothing to do. An attempt past
// its deadline counts as submitted at the deadline. A failure anywhere leaves the attempt open
// and unmarked, as it was.
func (s *Service) finish(ctx context.Context, id int64) (bool, error) {
	now := s.clock()
	var a attemptRow
	graded := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&a).Error; err != nil {
			return err
		}
		at, auto := now, false
		if a.Deadline != nil && !now.Before(*a.Deadline) {
			at, auto = *a.Deadline, true
		}
		res := tx.Model(&attemptRow{}).Where("id = ? AND state = ?", id, StateOpen).Updates(map[string]any{
			"state": StateSubmitted, "submitted_at": at, "auto_submitted": auto, "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil // submitted by someone else
		}
		var pub publicationRow
		if err := tx.Where("id = ?", a.PublicationID).Take(&pub).Error; err != nil {
			return err
		}
		cat, err := s.catalogueVersion(ctx, tx, pub.CatalogueVersion)
		if err != nil {
			return err
		}
		var qs []attemptQuestionRow
		if err := tx.Where("attempt_id = ?", id).Order("position").Find(&qs).Error; err != nil {
			return err
		}
		points := 0.0
		for _, q := range qs {
			v, err := s.version(ctx, tx, q.QuestionVersionID)
			if err != nil {
				return err
			}
			var r Response
			if q.Response != nil {
				r = fromJSON[Response](*q.Response)
			}
			mark, err := v.Def.grade(cat, a.Lang, r)
			if err != nil {
				// Responses were checked when saved; one that no longer grades earns nothing
				// rather than blocking the submission.
				s.opts.Log.Warn("ungradable saved response", slog.Int64("attempt", id), slog.Int("position", q.Position), slog.String("error", err.Error()))
				mark = Mark{Fraction: 0}
			}
			if s.gradeHook != nil {
				if err := s.gradeHook(id, q.Position); err != nil {
					return err
				}
			}
			if err := tx.Model(&attemptQuestionRow{}).Where("id = ?", q.ID).Updates(map[string]any{
				"fraction": mark.Fraction, "mark": mustJSON(mark),
			}).Error; err != nil {
				return err
			}
			points += mark.Fraction * q.Points
		}
		score := 0.0
		if a.MaxPoints > 0 {
			score = roundScore(points / a.MaxPoints)
		}
		st := fromJSON[Settings](pub.Settings)
		graded = true
		return tx.Model(&attemptRow{}).Where("id = ?", id).UpdateColumns(map[string]any{
			"score": score, "points": roundScore(points), "passed": score >= st.PassMark,
		}).Error
	})
	if err != nil {
		return false, apperr.Wrap(err)
	}
	if graded {
		s.recordResult(ctx, a.QuizID, a.UserID, a.CourseID)
	}
	return graded, nil
}

// recordResult tells courses the learner's quiz grade. A failure is logged and left for the
// sweeper, which retries attempts whose result was not recorded.
func (s *Service) recordResult(ctx context.Context, quizID, userID, courseID int64) {
	if err := s.tryRecord(ctx, quizID, userID, courseID); err != nil {
		s.opts.Log.Warn("quiz result not recorded; the sweeper retries", slog.Int64("quiz", quizID), slog.Int64("user", userID), slog.String("error", err.Error()))
	}
}

func (s *Service) tryRecord(ctx context.Context, quizID, userID, courseID int64) error {
	db := s.db.WithContext(ctx)
	var q quizRow
	if err := db.Select("id", "publication_id").Where("id = ?", quizID).Take(&q).Error; err != nil {
		return err
	}
	pub, err := s.publication(ctx, q.PublicationID)
	if err != nil || pub == nil {
		return err
	}
	st := fromJSON[Settings](pub.Settings)
	cycle, err := s.courses.CycleStart(ctx, userID, courseID)
	if err != nil {
		return err
	}
	// The grade is over this cycle's attempts: a re-take is passed by passing it again.
	var attempts []attemptRow
	if err := db.Where("quiz_id = ? AND user_id = ? AND state = ? AND started_at >= ?", quizID, userID, StateSubmitted, cycle).Order("number").Find(&attempts).Error; err != nil {
		return err
	}
	grade, ok := quizGrade(attempts, st.GradingMethod)
	if !ok {
		return nil
	}
	// A learner who is not enrolled (an author trying the quiz out) has no course result to keep.
	if err := s.courses.RecordQuizResult(ctx, userID, courseID, quizID, grade, grade >= st.PassMark); err != nil && !apperr.IsKind(err, apperr.KindNotFound) {
		return err
	}
	ids := make([]int64, len(attempts))
	for i, a := range attempts {
		ids[i] = a.ID
	}
	return db.Model(&attemptRow{}).Where("id IN ? AND recorded_at IS NULL", ids).UpdateColumn("recorded_at", s.clock()).Error
}

// Sweep submits every overdue open attempt and retries recording results courses has not
// acknowledged. It returns how many attempts it submitted.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&attemptRow{}).
		Where("state = ? AND deadline IS NOT NULL AND deadline <= ?", StateOpen, s.clock()).
		Order("deadline").Limit(500).Pluck("id", &ids).Error
	if err != nil {
		return 0, apperr.Internal(err)
	}
	n := 0
	for _, id := range ids {
		graded, err := s.finish(ctx, id)
		if err != nil {
			return n, err
		}
		if graded {
			n++
		}
	}
	// A result graded in the last minute may be on its way to courses right now; telling courses
	// twice would count the attempt twice.
	var pending []attemptRow
	err = s.db.WithContext(ctx).Model(&attemptRow{}).Distinct("quiz_id", "user_id", "course_id").
		Where("state = ? AND score IS NOT NULL AND recorded_at IS NULL AND updated_at <= ?", StateSubmitted, s.clock().Add(-time.Minute)).
		Limit(500).Find(&pending).Error
	if err != nil {
		return n, apperr.Internal(err)
	}
	for _, a := range pending {
		s.recordResult(ctx, a.QuizID, a.UserID, a.CourseID)
	}
	return n, nil
}

// RunSweeper calls Sweep every interval until ctx ends; the app starts it beside the server so
// overdue attempts are submitted even when nobody opens them.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.opts.Log.Error("quiz sweeper", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
