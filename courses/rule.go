package courses

import (
	"math"
	"time"
)

// learnerState is what the completion rule looks at for one learner.
type learnerState struct {
	Completed       map[int64]bool // lesson id -> completed
	Quizzes         map[int64]quizState
	AttendedMinutes int
}

type quizState struct {
	BestScore float64
	Passed    bool
	Attempts  int
}

// QuizStatus is one required quiz as the learner stands with it.
type QuizStatus struct {
	QuizID    int64    `json:"quiz_id"`
	MinScore  float64  `json:"min_score"`
	BestScore *float64 `json:"best_score"`
	Passed    bool     `json:"passed"`
	Met       bool     `json:"met"`
}

// NextStep is what the learner should do next.
type NextStep struct {
	Kind     string `json:"kind"` // lesson, quiz, session
	LessonID int64  `json:"lesson_id,omitempty"`
	QuizID   int64  `json:"quiz_id,omitempty"`
}

// evaluation is the completion rule applied to a learner.
type evaluation struct {
	Met                  bool
	Percent              int
	LessonsDone          int
	LessonsTotal         int
	RequiredLessonsDone  int
	RequiredLessonsTotal int
	Quizzes              []QuizStatus
	AttendedHours        float64
	MinAttendedHours     float64
	HoursMet             bool
	Next                 *NextStep
}

// evaluate applies o's completion rule to st. Lessons flagged required must
// be completed; when nothing at all is required (no required lesson, quiz or
// hours), every lesson is. A required quiz is met once passed with at least
// its minimum score. Percent counts the required items, hours pro rata.
func evaluate(o *outline, st learnerState) evaluation {
	var ev evaluation
	all := o.lessons()
	anyRequired := len(o.Rule.Quizzes) > 0 || o.Rule.MinAttendedHours > 0
	for _, l := range all {
		if l.Required {
			anyRequired = true
		}
	}
	for _, l := range all {
		required := l.Required || !anyRequired
		done := st.Completed[l.ID]
		ev.LessonsTotal++
		if done {
			ev.LessonsDone++
		}
		if required {
			ev.RequiredLessonsTotal++
			if done {
				ev.RequiredLessonsDone++
			}
		}
		if !done && ev.Next == nil {
			ev.Next = &NextStep{Kind: "lesson", LessonID: l.ID}
		}
	}
	quizzesMet := 0
	ev.Quizzes = make([]QuizStatus, 0, len(o.Rule.Quizzes))
	for _, q := range o.Rule.Quizzes {
		qs := QuizStatus{QuizID: q.QuizID, MinScore: q.MinScore}
		if r, ok := st.Quizzes[q.QuizID]; ok && r.Attempts > 0 {
			best := r.BestScore
			qs.BestScore = &best
			qs.Passed = r.Passed
			qs.Met = r.Passed && r.BestScore+1e-9 >= q.MinScore
		}
		if qs.Met {
			quizzesMet++
		} else if ev.Next == nil {
			ev.Next = &NextStep{Kind: "quiz", QuizID: q.QuizID}
		}
		ev.Quizzes = append(ev.Quizzes, qs)
	}
	ev.AttendedHours = roundHours(float64(st.AttendedMinutes) / 60)
	ev.MinAttendedHours = o.Rule.MinAttendedHours
	ev.HoursMet = float64(st.AttendedMinutes)+1e-9 >= o.Rule.MinAttendedHours*60
	if !ev.HoursMet && ev.Next == nil {
		ev.Next = &NextStep{Kind: "session"}
	}

	items := float64(ev.RequiredLessonsTotal + len(o.Rule.Quizzes))
	done := float64(ev.RequiredLessonsDone + quizzesMet)
	if o.Rule.MinAttendedHours > 0 {
		items++
		done += math.Min(1, float64(st.AttendedMinutes)/(o.Rule.MinAttendedHours*60))
	}
	ev.Met = ev.RequiredLessonsDone == ev.RequiredLessonsTotal && quizzesMet == len(o.Rule.Quizzes) && ev.HoursMet
	switch {
	case ev.Met:
		ev.Percent = 100
	case items > 0:
		ev.Percent = min(99, int(math.Floor(100*done/items)))
	}
	return ev
}

func roundHours(h float64) float64 { return math.Round(h*100) / 100 }

// Heartbeat bounds: a beat credits the real time since the previous one, at
// most HeartbeatMaxCredit, and nothing when the gap is longer than
// HeartbeatMaxGap (the reader left) or the client says the reader was idle.
const (
	HeartbeatMaxGap    = 90 * time.Second
	HeartbeatMaxCredit = 60 * time.Second
	MaxLessonSeconds   = 8 * 3600
)

// heartbeatCredit is the whole seconds one beat adds.
func heartbeatCredit(last *time.Time, now time.Time, active bool) int {
	if !active || last == nil {
		return 0
	}
	gap := now.Sub(*last)
	if gap <= 0 || gap > HeartbeatMaxGap {
		return 0
	}
	return int(min(gap, HeartbeatMaxCredit) / time.Second)
}
