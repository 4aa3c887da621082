package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
)

// Re-taking a course after its certificate expired starts its required quiz afresh: the
// attempts of the first cycle use up none of the new cycle's, and their pass does not pass it
// again. Only passing it anew completes the course and issues the new certificate.
func TestRetakeStartsTheRequiredQuizAfresh(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	clock := apitest.NewClock(time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC))
	s := apitest.NewWithClock(t, clock.Now)
	t.Cleanup(s.App.Certs.Wait)
	f := s.NewFixture()
	ctx := context.Background()
	do := func(who, method, p string, body any) *apitest.Response {
		t.Helper()
		return s.As(f, who, apitest.Request{Method: method, Path: "/api/v1" + p, Body: body})
	}
	tr := &accounts.Principal{UserID: f.Users["trainer"], Trainer: true}
	crs := s.App.Courses
	d, err := crs.CreateCourse(ctx, tr, courses.CourseFields{Slug: "obnova-kviz", Title: courses.LocalText{Sr: "Обнова с квизом"},
		Professions: []string{"police"}, Level: "introductory", Hours: 2, ValidityMonths: 6, SelfEnrol: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := crs.CreateModule(ctx, tr, d.ID, courses.LocalText{Sr: "Основе"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crs.CreateLesson(ctx, tr, m.ID, courses.LessonFields{Title: courses.LocalText{Sr: "Увод"}, Body: courses.LocalText{Sr: "Текст."}}); err != nil {
		t.Fatal(err)
	}
	var q struct{ ID int64 }
	do("trainer", "POST", "/questions", map[string]any{"course_id": d.ID, "content": map[string]any{
		"type": "true_false", "stem": map[string]string{"sr": "Пратиоца треба суочити пред жртвом."}, "answer": false}}).WantStatus(201).JSON(&q)
	var qz struct{ ID int64 }
	do("trainer", "POST", "/quizzes", map[string]any{"module_id": m.ID, "settings": map[string]any{
		"title": map[string]string{"sr": "Провера"}, "pass_mark": 1, "attempts_allowed": 2, "grading_method": "highest"},
		"slots": []any{map[string]any{"question_id": q.ID}}}).WantStatus(201).JSON(&qz)
	do("trainer", "POST", fmt.Sprintf("/quizzes/%d/publish", qz.ID), nil).WantStatus(200)
	draft, err := crs.GetDraft(ctx, tr, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	do("trainer", "PATCH", fmt.Sprintf("/courses/%d", d.ID), map[string]any{"version": draft.Version,
		"completion": map[string]any{"quizzes": []map[string]any{{"quiz_id": qz.ID, "min_score": 1}}}}).WantStatus(200)
	do("trainer", "POST", fmt.Sprintf("/courses/%d/publish", d.ID), nil).WantStatus(200)
	do("learner", "POST", fmt.Sprintf("/courses/%d/enrolment", d.ID), nil).WantStatus(201)

	take := func(right bool) {
		t.Helper()
		var a struct{ ID int64 }
		do("learner", "POST", fmt.Sprintf("/quizzes/%d/attempts", qz.ID), nil).WantStatus(201).JSON(&a)
		do("learner", "PUT", fmt.Sprintf("/attempts/%d/answers/1", a.ID), map[string]any{"answer": !right}).WantStatus(200)
		do("learner", "POST", fmt.Sprintf("/attempts/%d/submit", a.ID), nil).WantStatus(200)
	}
	type standing struct {
		Me struct {
			AttemptsLeft *int     `json:"attempts_left"`
			Grade        *float64 `json:"grade"`
			Attempts     []any    `json:"attempts"`
		} `json:"me"`
	}
	stand := func() standing {
		t.Helper()
		var st standing
		do("learner", "GET", fmt.Sprintf("/quizzes/%d", qz.ID), nil).WantStatus(200).JSON(&st)
		return st
	}
	progress := func() courses.CourseProgress {
		t.Helper()
		var p courses.CourseProgress
		do("learner", "GET", fmt.Sprintf("/courses/%d/progress", d.ID), nil).WantStatus(200).JSON(&p)
		return p
	}
	certificates := func() int {
		t.Helper()
		s.App.Certs.Wait()
		var list struct {
			Items []any `json:"items"`
		}
		do("learner", "GET", "/me/certificates", nil).WantStatus(200).JSON(&list)
		return len(list.Items)
	}

	take(false)
	take(true)
	if p := progress(); !p.Completed || p.Cycle != 1 {
		t.Fatalf("first cycle = %+v", p)
	}
	if st := stand(); st.Me.AttemptsLeft == nil || *st.Me.AttemptsLeft != 0 {
		t.Fatalf("first cycle standing = %+v", st.Me)
	}
	if n := certificates(); n != 1 {
		t.Fatalf("%d certificates after the first cycle", n)
	}

	clock.Advance(7 * 31 * 24 * time.Hour)
	s.Refresh(f)
	do("learner", "POST", fmt.Sprintf("/courses/%d/retake", d.ID), nil).WantStatus(200)
	st := stand()
	if st.Me.AttemptsLeft == nil || *st.Me.AttemptsLeft != 2 || st.Me.Grade != nil || len(st.Me.Attempts) != 2 {
		t.Fatalf("after the re-take the quiz should start afresh (2 attempts left, no grade, history kept): %+v", st.Me)
	}
	// A failed attempt in the new cycle: the first cycle's pass does not carry over.
	take(false)
	if p := progress(); p.Completed || p.Cycle != 2 {
		t.Fatalf("the first cycle's pass completed the re-take: %+v", p)
	}
	if n := certificates(); n != 1 {
		t.Fatalf("%d certificates before passing again", n)
	}
	take(true)
	if p := progress(); !p.Completed || p.Cycle != 2 {
		t.Fatalf("passing again did not complete the re-take: %+v", p)
	}
	if n := certificates(); n != 2 {
		t.Fatalf("%d certificates after recertifying, want 2", n)
	}
	do("learner", "POST", fmt.Sprintf("/quizzes/%d/attempts", qz.ID), nil).WantProblem(409, "no_attempts_left")
}
