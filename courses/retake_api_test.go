package courses_test

import (
	"context"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
)

// A re-take starts a new cycle: what the completion rule counted in the
// previous one (lessons, quiz results, sessions attended) must be earned
// again, and the previous cycle is kept.
func TestRetakeStartsAFreshCycle(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	clock := apitest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	s := apitest.NewWithClock(t, clock.Now)
	t.Cleanup(s.App.Certs.Wait)
	w := &world{t: t, s: s, f: s.NewFixture()}
	ctx := context.Background()
	bc := w.course("obnova", []int{2}, false)
	d := w.draft(bc.ID)
	const quizID = 9001 // courses keeps results by the quiz package's ids without checking them
	w.do("trainer", "PATCH", path("/courses/%d", bc.ID), map[string]any{"version": d.Version, "validity_months": 6,
		"completion": map[string]any{"min_attended_hours": 1, "quizzes": []map[string]any{{"quiz_id": quizID, "min_score": 0.5}}}}).WantStatus(200)
	w.do("trainer", "POST", path("/courses/%d/publish", bc.ID), nil).WantStatus(200)
	w.do("learner", "POST", path("/courses/%d/enrolment", bc.ID), nil).WantStatus(201)

	attend := func() {
		t.Helper()
		ses, err := s.App.Courses.CreateSession(ctx, w.principal("trainer"), bc.ID, courses.SessionFields{Kind: courses.KindOnline,
			Link: "https://meet.example.org/obnova", StartsAt: clock.Now().Add(-time.Hour), DurationMinutes: 90, Capacity: 10})
		if err != nil {
			t.Fatal(err)
		}
		w.do("learner", "POST", path("/sessions/%d/registrations", ses.ID), nil).WantStatus(200)
		w.do("trainer", "PUT", path("/sessions/%d/attendance", ses.ID), map[string]any{"entries": []map[string]any{
			{"user_id": w.f.Users["learner"], "status": "present"}}}).WantStatus(200)
		w.do("trainer", "POST", path("/sessions/%d/close", ses.ID), nil).WantStatus(200)
	}
	completeAll := func() courses.CourseProgress {
		t.Helper()
		for _, id := range bc.Lessons[0] {
			w.do("learner", "POST", path("/lessons/%d/complete", id), nil).WantStatus(200)
		}
		if err := s.App.Courses.RecordQuizResult(ctx, w.f.Users["learner"], bc.ID, quizID, 0.8, true); err != nil {
			t.Fatal(err)
		}
		return w.progress("learner", bc.ID)
	}

	attend()
	first := completeAll()
	if !first.Completed || first.Cycle != 1 || first.AttendedHours != 1.5 || first.RetakeFrom == nil {
		t.Fatalf("first cycle = %+v", first)
	}
	retakeFrom := *first.RetakeFrom
	if want := first.CompletedAt.AddDate(0, 6, 0); !retakeFrom.Equal(want) {
		t.Fatalf("retake_from = %v, want %v", retakeFrom, want)
	}
	// The course's editors see it too.
	var list struct {
		Items []courses.CourseProgress `json:"items"`
	}
	w.do("trainer", "GET", path("/courses/%d/enrolments", bc.ID), nil).WantStatus(200).JSON(&list)
	if len(list.Items) != 1 || list.Items[0].RetakeFrom == nil || !list.Items[0].RetakeFrom.Equal(retakeFrom) || list.Items[0].Cycle != 1 {
		t.Fatalf("enrolments = %+v", list.Items)
	}

	clock.Set(retakeFrom.Add(-time.Minute))
	s.Refresh(w.f)
	w.do("learner", "POST", path("/courses/%d/retake", bc.ID), nil).WantProblem(409, "completion_valid")
	clock.Advance(time.Minute)
	var p courses.CourseProgress
	w.do("learner", "POST", path("/courses/%d/retake", bc.ID), nil).WantStatus(200).JSON(&p)
	if p.Cycle != 2 || p.Completed || p.LessonsDone != 0 || p.AttendedHours != 0 || p.RuleMet || len(p.Quizzes) != 1 || p.Quizzes[0].BestScore != nil ||
		!p.CycleStartedAt.Equal(clock.Now()) || len(p.PreviousCycles) != 1 || p.PreviousCycles[0].AttendedHours != 1.5 {
		t.Fatalf("after the re-take = %+v", p)
	}
	// Lessons and the quiz again are not enough: the hours attended before
	// the re-take belong to the first cycle.
	again := completeAll()
	if again.Completed || again.AttendedHours != 0 || again.LessonsDone != 2 || !again.Quizzes[0].Met || again.Next == nil || again.Next.Kind != "session" {
		t.Fatalf("second cycle without a session = %+v", again)
	}
	// A session that started before the re-take does not count either.
	attend()
	if p := w.progress("learner", bc.ID); p.Completed || p.AttendedHours != 0 {
		t.Fatalf("a session from before the re-take counted: %+v", p)
	}
	clock.Advance(3 * time.Hour)
	s.Refresh(w.f)
	attend()
	done := w.progress("learner", bc.ID)
	if !done.Completed || done.Cycle != 2 || done.AttendedHours != 1.5 || !done.CompletedAt.Equal(clock.Now()) {
		t.Fatalf("second cycle = %+v", done)
	}
	// Others cannot re-take what they never took.
	w.do("learner_b", "POST", path("/courses/%d/retake", bc.ID), nil).WantProblem(404, "not_enrolled")

	// A manager's assignment renews a completion that has expired (and
	// leaves one that has not alone), with the due date given.
	assign := func(due time.Time) courses.EnrolReport {
		t.Helper()
		var rep courses.EnrolReport
		w.do("manager_same", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": bc.ID,
			"user_ids": []int64{w.f.Users["learner"]}, "due_at": due}).WantStatus(200).JSON(&rep)
		return rep
	}
	if rep := assign(clock.Now().AddDate(0, 1, 0)); len(rep.Renewed) != 0 || len(rep.AlreadyEnrolled) != 1 {
		t.Fatalf("assigning a valid completion: %+v", rep)
	}
	clock.Advance(200 * 24 * time.Hour)
	s.Refresh(w.f)
	due := clock.Now().AddDate(0, 1, 0).Truncate(time.Second)
	if rep := assign(due); len(rep.Renewed) != 1 || rep.Renewed[0] != w.f.Users["learner"] || len(rep.AlreadyEnrolled) != 0 {
		t.Fatalf("assigning an expired completion: %+v", rep)
	}
	third := w.progress("learner", bc.ID)
	if third.Cycle != 3 || third.Completed || third.DueAt == nil || !third.DueAt.Equal(due) || len(third.PreviousCycles) != 2 {
		t.Fatalf("after the renewing assignment = %+v", third)
	}
	if rep := assign(due); len(rep.Renewed) != 0 || len(rep.AlreadyEnrolled) != 1 {
		t.Fatalf("assigning again: %+v", rep)
	}
}
