package quiz

import (
	"context"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// AttemptSummary is one attempt in a list; the score is there only when the review settings
// let the viewer see marks.
type AttemptSummary struct {
	ID            int64      `json:"id"`
	QuizID        int64      `json:"quiz_id"`
	UserID        int64      `json:"user_id"`
	Number        int        `json:"number"`
	State         string     `json:"state"`
	StartedAt     time.Time  `json:"started_at"`
	Deadline      *time.Time `json:"deadline"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	AutoSubmitted bool       `json:"auto_submitted"`
	Score         *float64   `json:"score"`
	Passed        *bool      `json:"passed"`
}

// MyStanding is the learner's own position in a quiz.
type MyStanding struct {
	Attempts []AttemptSummary `json:"attempts"`
	// Grade is the quiz grade by the quiz's grading method, when marks may be shown.
	Grade        *float64 `json:"grade"`
	Passed       *bool    `json:"passed"`
	AttemptsLeft *int     `json:"attempts_left"`
	CanStart     bool     `json:"can_start"`
	// Reason says why the learner cannot start: quiz_not_open, quiz_closed, no_attempts_left,
	// not_enrolled.
	Reason string `json:"reason,omitempty"`
}

// GetQuiz returns a quiz as p may see it: authors see the draft and every publication; anyone
// who may see the course sees a published quiz and their own standing.
func (s *Service) GetQuiz(ctx context.Context, p *accounts.Principal, id int64) (*QuizView, error) {
	row, err := s.quizRow(ctx, id)
	if err != nil {
		return nil, err
	}
	ref, err := s.courses.CourseAccess(ctx, p, row.CourseID)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return nil, errQuizNotFound
		}
		return nil, apperr.Wrap(err)
	}
	if row.PublicationID == nil && !ref.Edit {
		return nil, errQuizNotFound
	}
	pub, err := s.publication(ctx, row.PublicationID)
	if err != nil {
		return nil, err
	}
	v := quizView(row, pub, ref.Edit)
	if pub != nil {
		me, err := s.standing(ctx, p, row, pub, ref)
		if err != nil {
			return nil, err
		}
		v.Me = me
	}
	return &v, nil
}

// ListQuizzes lists a course's quizzes: all of them for its authors, the published ones for
// everyone else who may see the course.
func (s *Service) ListQuizzes(ctx context.Context, p *accounts.Principal, courseID int64) ([]QuizView, error) {
	ref, err := s.courses.CourseAccess(ctx, p, courseID)
	if err != nil {
		return nil, courseErr(err)
	}
	q := s.db.WithContext(ctx).Where("course_id = ?", courseID)
	if !ref.Edit {
		q = q.Where("publication_id IS NOT NULL")
	}
	var rows []quizRow
	if err := q.Order("module_id, id").Find(&rows).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	out := make([]QuizView, 0, len(rows))
	for _, r := range rows {
		pub, err := s.publication(ctx, r.PublicationID)
		if err != nil {
			return nil, err
		}
		out = append(out, quizView(r, pub, ref.Edit))
	}
	return out, nil
}

// standing computes the learner's attempts, grade and whether another attempt may start.
func (s *Service) standing(ctx context.Context, p *accounts.Principal, row quizRow, pub *publicationRow, ref CourseRef) (*MyStanding, error) {
	var attempts []attemptRow
	if err := s.db.WithContext(ctx).Where("quiz_id = ? AND user_id = ?", row.ID, p.UserID).Order("number").Find(&attempts).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	st := fromJSON[Settings](pub.Settings)
	now := s.clock()
	// Every attempt is listed; the grade and the attempts left are this cycle's (see CycleStart).
	cycle, err := s.courses.CycleStart(ctx, p.UserID, row.CourseID)
	if err != nil {
		return nil, err
	}
	var current []attemptRow
	for _, a := range attempts {
		if !a.StartedAt.Before(cycle) {
			current = append(current, a)
		}
	}
	me := &MyStanding{Attempts: make([]AttemptSummary, len(attempts))}
	marks := ref.Edit || visible(st.Review.Marks, true, st, now)
	open := false
	for i, a := range attempts {
		me.Attempts[i] = summary(a, marks)
		open = open || a.State == StateOpen
	}
	if marks {
		if g, ok := quizGrade(current, st.GradingMethod); ok {
			me.Grade, me.Passed = &g, pointer(g >= st.PassMark)
		}
	}
	if st.AttemptsAllowed > 0 {
		me.AttemptsLeft = pointer(max(0, st.AttemptsAllowed-len(current)))
	}
	switch {
	case open:
		me.CanStart = true // starting continues the open attempt
	case st.OpenAt != nil && now.Before(*st.OpenAt):
		me.Reason = "quiz_not_open"
	case st.CloseAt != nil && !now.Before(*st.CloseAt):
		me.Reason = "quiz_closed"
	case me.AttemptsLeft != nil && *me.AttemptsLeft == 0:
		me.Reason = "no_attempts_left"
	default:
		me.CanStart = true
		if !ref.Edit {
			enrolled, err := s.courses.Enrolled(ctx, p.UserID, row.CourseID)
			if err != nil {
				return nil, apperr.Wrap(err)
			}
			if !enrolled {
				me.CanStart, me.Reason = false, "not_enrolled"
			}
		}
	}
	return me, nil
}

func summary(a attemptRow, marks bool) AttemptSummary {
	out := AttemptSummary{ID: a.ID, QuizID: a.QuizID, UserID: a.UserID, Number: a.Number, State: a.State, StartedAt: a.StartedAt.UTC(),
		Deadline: utcPtr(a.Deadline), SubmittedAt: utcPtr(a.SubmittedAt), AutoSubmitted: a.AutoSubmitted}
	if marks {
		out.Score, out.Passed = a.Score, a.Passed
	}
	return out
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	return pointer(t.UTC())
}

// visible says whether a part of the review set to when may be shown: done is true when the
// attempt is submitted (or, for one question, its answer was checked and locked).
func visible(when string, done bool, st Settings, now time.Time) bool {
	switch when {
	case ShowAfterSubmit:
		return done
	case ShowAfterClose:
		return done && st.CloseAt != nil && !now.Before(*st.CloseAt)
	}
	return false
}

// quizGrade combines the graded attempts by the grading method; ok is false without any.
func quizGrade(attempts []attemptRow, method string) (grade float64, ok bool) {
	var scores []float64
	for _, a := range attempts { // in attempt order
		if a.State == StateSubmitted && a.Score != nil {
			scores = append(scores, *a.Score)
		}
	}
	if len(scores) == 0 {
		return 0, false
	}
	switch method {
	case GradeFirst:
		return scores[0], true
	case GradeLast:
		return scores[len(scores)-1], true
	case GradeAverage:
		sum := 0.0
		for _, x := range scores {
			sum += x
		}
		return roundScore(sum / float64(len(scores))), true
	}
	best := scores[0]
	for _, x := range scores {
		best = max(best, x)
	}
	return best, true
}

// ListAttempts lists a quiz's attempts: the learner's own, or, for the course's authors with
// all set, everyone's.
func (s *Service) ListAttempts(ctx context.Context, p *accounts.Principal, quizID int64, all bool, offset, limit int) ([]AttemptSummary, int64, error) {
	row, err := s.quizRow(ctx, quizID)
	if err != nil {
		return nil, 0, err
	}
	ref, err := s.courses.CourseAccess(ctx, p, row.CourseID)
	if err != nil || (row.PublicationID == nil && !ref.Edit) {
		if err != nil && !apperr.IsKind(err, apperr.KindNotFound) {
			return nil, 0, apperr.Wrap(err)
		}
		return nil, 0, errQuizNotFound
	}
	if all && !ref.Edit {
		return nil, 0, errQuizNotFound
	}
	pub, err := s.publication(ctx, row.PublicationID)
	if err != nil {
		return nil, 0, err
	}
	marks := ref.Edit
	if pub != nil && !marks {
		marks = visible(fromJSON[Settings](pub.Settings).Review.Marks, true, fromJSON[Settings](pub.Settings), s.clock())
	}
	q := s.db.WithContext(ctx).Model(&attemptRow{}).Where("quiz_id = ?", quizID)
	if !all {
		q = q.Where("user_id = ?", p.UserID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var rows []attemptRow
	if err := q.Order("id").Offset(offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	out := make([]AttemptSummary, len(rows))
	for i, a := range rows {
		out[i] = summary(a, marks)
	}
	return out, total, nil
}
