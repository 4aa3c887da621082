package courses_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/courses"
)

// The progress report gives course and quiz titles in the asked locale, and
// its summary totals the same rows per course, for the manager's own
// institution only.
func TestInstitutionProgressTitlesAndSummary(t *testing.T) {
	w := newWorld(t)
	c := w.course("izvestaj", []int{2}, true)
	other := w.course("drugi", []int{1}, true)
	var quiz struct {
		ID int64 `json:"id"`
	}
	w.do("trainer", "POST", "/quizzes", map[string]any{"module_id": c.Modules[0], "settings": map[string]any{
		"title": map[string]string{"sr": "Провера знања", "en": "Knowledge check"}}}).WantStatus(201).JSON(&quiz)
	w.addUser("cop", "cop@a.test", "Петар Петровић", "police", accounts.RolesInput{InstitutionID: &w.f.InstA})
	w.addUser("nurse", "nurse@a.test", "Ана Анић", "health", accounts.RolesInput{InstitutionID: &w.f.InstA})
	// learner: started c; cop: overdue in c; nurse: not started c; learner also enrolled in other.
	w.do("manager_same", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": c.ID,
		"user_ids": []int64{w.f.Users["learner"], w.f.Users["cop"], w.f.Users["nurse"]}}).WantStatus(200)
	w.s.DB.Exec("UPDATE course_enrolments SET due_at = ? WHERE user_id = ?", time.Now().UTC().Add(-48*time.Hour), w.f.Users["cop"])
	w.do("learner", "POST", path("/lessons/%d/complete", c.Lessons[0][0]), nil).WantStatus(200)
	if err := w.s.App.Courses.RecordQuizResult(context.Background(), w.f.Users["learner"], c.ID, quiz.ID, 0.6, false); err != nil {
		t.Fatal(err)
	}
	w.do("learner", "POST", path("/courses/%d/enrolment", other.ID), nil).WantStatus(201)

	type page struct {
		Items []courses.MemberProgress `json:"items"`
	}
	row := func(locale string) courses.MemberProgress {
		t.Helper()
		var p page
		w.do("manager_same", "GET", path("/institutions/%d/progress?course_id=%d&q=learner%s", w.f.InstA, c.ID, locale), nil).WantStatus(200).JSON(&p)
		for _, r := range p.Items {
			if r.UserID == w.f.Users["learner"] {
				return r
			}
		}
		t.Fatalf("no learner row in %+v", p.Items)
		return courses.MemberProgress{}
	}
	for _, tc := range []struct{ locale, course, quiz string }{
		{"", "Курс izvestaj", "Провера знања"}, // the manager's own locale (sr-Cyrl)
		{"&locale=sr-Cyrl", "Курс izvestaj", "Провера знања"},
		{"&locale=sr-Latn", "Kurs izvestaj", "Provera znanja"},
		{"&locale=en", "Course izvestaj", "Knowledge check"},
	} {
		r := row(tc.locale)
		if r.CourseTitle != tc.course || len(r.QuizResults) != 1 || r.QuizResults[0].Title != tc.quiz || r.QuizResults[0].QuizID != quiz.ID {
			t.Fatalf("%q: row = %+v", tc.locale, r)
		}
	}
	w.do("manager_same", "GET", path("/institutions/%d/progress?locale=de", w.f.InstA), nil).WantProblem(400, "invalid_query")
	res := w.raw("manager_same", "GET", path("/institutions/%d/progress?course_id=%d&format=csv&locale=sr-Latn", w.f.InstA, c.ID), "", nil, nil).WantStatus(200)
	if body := res.Body.String(); !strings.Contains(body, "Provera znanja: 60% not passed") || !strings.Contains(body, "Kurs izvestaj") {
		t.Fatalf("csv = %s", body)
	}

	type summary struct {
		Items []courses.CourseProgressSummary `json:"items"`
	}
	sum := func(who, query string) summary {
		t.Helper()
		var s summary
		w.do(who, "GET", path("/institutions/%d/progress/summary%s", w.f.InstA, query), nil).WantStatus(200).JSON(&s)
		return s
	}
	all := sum("manager_same", "?locale=en")
	if len(all.Items) != 2 {
		t.Fatalf("summary = %+v", all.Items)
	}
	// Ordered by title: "Course drugi" before "Course izvestaj".
	want := courses.CourseProgressSummary{CourseID: c.ID, Title: "Course izvestaj", InProgress: 1, NotStarted: 1, Overdue: 1}
	if got := all.Items[1]; got != want {
		t.Fatalf("summary of the course = %+v, want %+v", got, want)
	}
	if got := all.Items[0]; got.CourseID != other.ID || got.NotStarted != 1 || got.Title != "Course drugi" {
		t.Fatalf("summary of the other course = %+v", got)
	}
	// One course: members not enrolled are counted too (manager_same is a member of A).
	one := sum("manager_same", path("?course_id=%d&locale=sr-Latn", other.ID))
	if len(one.Items) != 1 || one.Items[0].NotStarted != 1 || one.Items[0].NotEnrolled != 3 || one.Items[0].Title != "Kurs drugi" {
		t.Fatalf("summary of one course = %+v", one.Items)
	}
	if s := sum("manager_same", "?profession=health"); len(s.Items) != 1 || s.Items[0].NotStarted != 1 {
		t.Fatalf("health summary = %+v", s.Items)
	}
	if s := sum("admin", "?status=overdue"); len(s.Items) != 1 || s.Items[0].Overdue != 1 {
		t.Fatalf("overdue summary = %+v", s.Items)
	}
	w.do("manager_other", "GET", path("/institutions/%d/progress/summary", w.f.InstA), nil).WantProblem(404, "institution_not_found")
	w.do("learner", "GET", path("/institutions/%d/progress/summary", w.f.InstA), nil).WantProblem(404, "institution_not_found")
	w.do("manager_same", "GET", path("/institutions/%d/progress/summary?status=not_enrolled", w.f.InstA), nil).WantProblem(400, "invalid_query")
}

// A trainer lists the sessions they run: those not yet over first, soonest
// first, then the past ones, latest first.
func TestMySessions(t *testing.T) {
	w := newWorld(t)
	c := w.course("sesije", []int{1}, true)
	now := time.Now().UTC()
	mk := func(offset time.Duration, trainer int64) int64 {
		t.Helper()
		var v courses.SessionView
		w.do("admin", "POST", path("/courses/%d/sessions", c.ID), map[string]any{"kind": "in_person", "place": "Београд",
			"starts_at": now.Add(offset), "duration_minutes": 120, "capacity": 10, "trainer_id": trainer}).WantStatus(201).JSON(&v)
		return v.ID
	}
	tr := w.f.Users["trainer"]
	later := mk(72*time.Hour, tr)
	running := mk(-time.Hour, tr) // started an hour ago, lasts two: not over
	soon := mk(24*time.Hour, tr)
	lastWeek := mk(-7*24*time.Hour, tr)
	yesterday := mk(-26*time.Hour, tr)
	w.addUser("trainer2", "t2@example.test", "Друга Тренерка", "other", rolesTrainer())
	mk(48*time.Hour, w.f.Users["trainer2"])
	w.do("admin", "DELETE", path("/sessions/%d", later), nil).WantStatus(204)

	type page struct {
		Items []courses.TrainerSession `json:"items"`
		Total int64                    `json:"total"`
	}
	get := func(who, query string) page {
		t.Helper()
		var p page
		w.do(who, "GET", "/me/sessions"+query, nil).WantStatus(200).JSON(&p)
		return p
	}
	all := get("trainer", "?locale=sr-Latn")
	want := []int64{running, soon, later, yesterday, lastWeek}
	if all.Total != 5 || len(all.Items) != 5 {
		t.Fatalf("my sessions = %+v", all)
	}
	for i, id := range want {
		it := all.Items[i]
		if it.ID != id || it.Upcoming != (i < 3) || it.CourseTitle != "Kurs sesije" || !it.CanManage {
			t.Fatalf("item %d = %+v, want session %d", i, it, id)
		}
	}
	if all.Items[2].CancelledAt == nil {
		t.Fatalf("the cancelled session is not marked: %+v", all.Items[2])
	}
	// Pages cut across the two parts.
	for _, tc := range []struct {
		query string
		ids   []int64
	}{
		{"?limit=2", []int64{running, soon}},
		{"?limit=2&offset=2", []int64{later, yesterday}},
		{"?limit=2&offset=4", []int64{lastWeek}},
		{"?limit=2&offset=6", nil},
	} {
		p := get("trainer", tc.query)
		if p.Total != 5 || len(p.Items) != len(tc.ids) {
			t.Fatalf("%s: %+v", tc.query, p)
		}
		for i, id := range tc.ids {
			if p.Items[i].ID != id {
				t.Fatalf("%s: item %d is %d, want %d", tc.query, i, p.Items[i].ID, id)
			}
		}
	}
	if p := get("trainer2", ""); p.Total != 1 || p.Items[0].CourseTitle != "Курс sesije" {
		t.Fatalf("trainer2's sessions = %+v", p)
	}
	// An admin sees only the sessions they run: none here.
	if p := get("admin", ""); p.Total != 0 || len(p.Items) != 0 {
		t.Fatalf("admin's sessions = %+v", p)
	}
	w.do("learner", "GET", "/me/sessions", nil).WantProblem(403, "forbidden")
	w.do("trainer", "GET", "/me/sessions?locale=xx", nil).WantProblem(400, "invalid_query")
}
