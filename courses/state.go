package courses

import (
	"time"

	"gorm.io/gorm"
)

type pairKey struct{ user, course int64 }

// loadStates reads, in three queries, what the completion rule needs for
// each (user, course) pair.
func loadStates(tx *gorm.DB, pairs []pairKey) (map[pairKey]learnerState, error) {
	out := make(map[pairKey]learnerState, len(pairs))
	if len(pairs) == 0 {
		return out, nil
	}
	users, courses := map[int64]bool{}, map[int64]bool{}
	for _, p := range pairs {
		users[p.user], courses[p.course] = true, true
		out[p] = learnerState{Completed: map[int64]bool{}, Quizzes: map[int64]quizState{}}
	}
	uids, cids := keys(users), keys(courses)
	var done []struct{ UserID, CourseID, LessonID int64 }
	if err := tx.Model(&lessonProgress{}).Select("user_id, course_id, lesson_id").
		Where("user_id IN ? AND course_id IN ? AND completed_at IS NOT NULL", uids, cids).Scan(&done).Error; err != nil {
		return nil, err
	}
	for _, d := range done {
		if st, ok := out[pairKey{d.UserID, d.CourseID}]; ok {
			st.Completed[d.LessonID] = true
		}
	}
	var quizzes []quizResult
	if err := tx.Where("user_id IN ? AND course_id IN ?", uids, cids).Find(&quizzes).Error; err != nil {
		return nil, err
	}
	for _, q := range quizzes {
		if st, ok := out[pairKey{q.UserID, q.CourseID}]; ok {
			st.Quizzes[q.QuizID] = quizState{BestScore: q.BestScore, Passed: q.Passed, Attempts: q.Attempts}
		}
	}
	var minutes []struct {
		UserID, CourseID int64
		Minutes          int
	}
	// Sessions count for the enrolment's current cycle: those starting
	// before a re-take belong to the cycle it closed.
	if err := tx.Table("session_registrations AS r").Select("r.user_id AS user_id, s.course_id AS course_id, SUM(r.minutes) AS minutes").
		Joins("JOIN live_sessions s ON s.id = r.session_id").
		Joins("LEFT JOIN course_enrolments e ON e.user_id = r.user_id AND e.course_id = s.course_id").
		Where("r.user_id IN ? AND s.course_id IN ? AND s.cancelled_at IS NULL AND (e.cycle_started_at IS NULL OR s.starts_at >= e.cycle_started_at)", uids, cids).
		Group("r.user_id, s.course_id").Scan(&minutes).Error; err != nil {
		return nil, err
	}
	for _, m := range minutes {
		k := pairKey{m.UserID, m.CourseID}
		if st, ok := out[k]; ok {
			st.AttendedMinutes = m.Minutes
			out[k] = st
		}
	}
	return out, nil
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// overdue: assigned with a due date that has passed, not completed.
func overdue(e *enrolment, now time.Time) bool {
	return e.CompletedAt == nil && e.DueAt != nil && e.DueAt.Before(now)
}
