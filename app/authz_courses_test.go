package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
)

func init() { setups["course"] = courseSetup }

// courseSetup gives the courses rows a published course owned by the
// fixture's trainer (one module, one lesson), a second trainer as co-author,
// the learner of A enrolled and registered for a live session that started
// an hour ago.
func courseSetup(t *testing.T, s *apitest.Server, f *apitest.Fixture) map[string]string {
	t.Helper()
	ctx := context.Background()
	svc := s.App.Courses
	tr := &accounts.Principal{UserID: f.Users["trainer"], Trainer: true}
	learner := &accounts.Principal{UserID: f.Users["learner"], InstitutionID: f.InstA}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	d, err := svc.CreateCourse(ctx, tr, courses.CourseFields{Slug: "prepoznavanje", Title: courses.LocalText{Sr: "Препознавање"},
		Professions: []string{"police"}, Level: "introductory", Hours: 2, SelfEnrol: true})
	must(err)
	m, err := svc.CreateModule(ctx, tr, d.ID, courses.LocalText{Sr: "Основе"})
	must(err)
	l, err := svc.CreateLesson(ctx, tr, m.ID, courses.LessonFields{Title: courses.LocalText{Sr: "Увод"}, Body: courses.LocalText{Sr: "Текст **лекције**."}, Required: true})
	must(err)
	_, err = svc.Publish(ctx, tr, d.ID)
	must(err)
	t2, err := s.App.Accounts.CreateUserHashed(ctx, "trainer2@ngo.test", "Друга Тренерка", "unused-hash", "other", accounts.RolesInput{Trainer: true})
	must(err)
	_, err = svc.AddAuthor(ctx, tr, d.ID, t2)
	must(err)
	_, _, err = svc.Enrol(ctx, learner, d.ID)
	must(err)
	sess, err := svc.CreateSession(ctx, tr, d.ID, courses.SessionFields{Kind: courses.KindInPerson, Place: "Нови Сад, Булевар 1",
		StartsAt: time.Now().Add(-time.Hour), DurationMinutes: 120, Capacity: 10})
	must(err)
	_, err = svc.RegisterForSession(ctx, learner, sess.ID, nil)
	must(err)
	d, err = svc.GetDraft(ctx, tr, d.ID)
	must(err)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return map[string]string{
		"{course}": id(d.ID), "{module}": id(m.ID), "{lesson}": id(l.ID), "{session}": id(sess.ID),
		"{trainer}": id(f.Users["trainer"]), "{trainer2}": id(t2),
		"{course_version}": strconv.Itoa(d.Version), "{module_version}": strconv.Itoa(d.Modules[0].Version),
		"{lesson_version}": strconv.Itoa(d.Modules[0].Lessons[0].Version),
		"{future}":         time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339),
	}
}
