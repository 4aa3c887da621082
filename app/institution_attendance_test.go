package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/lang"
)

// queryCounter counts the statements the platform runs while on.
type queryCounter struct {
	on atomic.Bool
	n  atomic.Int64
}

func countQueries(t testing.TB, db *gorm.DB) *queryCounter {
	t.Helper()
	qc := &queryCounter{}
	count := func(*gorm.DB) {
		if qc.on.Load() {
			qc.n.Add(1)
		}
	}
	name := fmt.Sprintf("test:count:%p", qc)
	for _, err := range []error{
		db.Callback().Query().After("gorm:query").Register(name, count),
		db.Callback().Row().After("gorm:row").Register(name, count),
		db.Callback().Raw().After("gorm:raw").Register(name, count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return qc
}

func (qc *queryCounter) during(fn func()) int64 {
	qc.n.Store(0)
	qc.on.Store(true)
	fn()
	qc.on.Store(false)
	return qc.n.Load()
}

// attendedCourses publishes n courses, each with one closed session that
// the learner of A attended, starting at starts. The certificates are left
// out (the register listener is unset while seeding).
func attendedCourses(t testing.TB, s *apitest.Server, f *apitest.Fixture, from, n int, starts time.Time) {
	t.Helper()
	ctx := context.Background()
	crs := s.App.Courses
	tr := &accounts.Principal{UserID: f.Users["trainer"], Trainer: true}
	learner := f.Users["learner"]
	crs.SetRegisterListener(nil)
	defer crs.SetRegisterListener(s.App.Certs)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := from; i < from+n; i++ {
		d, err := crs.CreateCourse(ctx, tr, courses.CourseFields{Slug: fmt.Sprintf("obuka-%03d", i), Title: courses.LocalText{Sr: fmt.Sprintf("Обука %03d", i)},
			Professions: []string{"police"}, Level: "introductory", Hours: 2})
		must(err)
		m, err := crs.CreateModule(ctx, tr, d.ID, courses.LocalText{Sr: "Модул"})
		must(err)
		_, err = crs.CreateLesson(ctx, tr, m.ID, courses.LessonFields{Title: courses.LocalText{Sr: "Лекција"}, Body: courses.LocalText{Sr: "Текст."}, Required: true})
		must(err)
		_, err = crs.Publish(ctx, tr, d.ID)
		must(err)
		ses, err := crs.CreateSession(ctx, tr, d.ID, courses.SessionFields{Kind: courses.KindInPerson, Place: fmt.Sprintf("Сала %d", i),
			StartsAt: starts, DurationMinutes: 90, Capacity: 5})
		must(err)
		_, err = crs.RegisterForSession(ctx, tr, ses.ID, []int64{learner})
		must(err)
		_, err = crs.RecordAttendance(ctx, tr, ses.ID, []courses.AttendanceEntry{{UserID: learner, Status: courses.AttendPresent}})
		must(err)
		_, err = crs.CloseRegister(ctx, tr, ses.ID)
		must(err)
	}
}

// An institution's attendance report reads its attendances in a fixed
// number of queries, however many courses there are: the report over 40
// courses runs exactly the queries the report over one course runs (the
// adapter used to walk the catalogue, every course's sessions and every
// register).
func TestInstitutionAttendanceQueriesDoNotGrowWithCourses(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	t.Cleanup(s.App.Certs.Wait)
	f := s.NewFixture()
	starts := time.Now().UTC().Add(-2 * time.Hour)
	from, to := starts.AddDate(0, 0, -3).Format(time.DateOnly), starts.AddDate(0, 0, 3).Format(time.DateOnly)
	path := fmt.Sprintf("/api/v1/institutions/%d/attendance-report?from=%s&to=%s", f.InstA, from, to)
	qc := countQueries(t, s.DB.DB)
	report := func() int64 {
		t.Helper()
		return qc.during(func() {
			r := s.As(f, "manager_same", apitest.Request{Method: "GET", Path: path})
			r.WantStatus(200)
			if ct := r.Header().Get("Content-Type"); ct != "application/pdf" {
				t.Fatalf("Content-Type = %q", ct)
			}
		})
	}
	attendedCourses(t, s, f, 0, 1, starts)
	one := report()
	attendedCourses(t, s, f, 1, 39, starts)
	forty := report()
	t.Logf("queries: %d for 1 course, %d for 40", one, forty)
	if forty != one {
		t.Fatalf("the report ran %d queries over 40 courses and %d over one: it grows with the courses", forty, one)
	}
	var lines []courses.InstitutionAttendance
	var err error
	if n := qc.during(func() {
		lines, err = s.App.Courses.InstitutionAttendances(context.Background(), f.InstA, starts.Add(-time.Hour), starts.Add(time.Hour), lang.SerbianLatin, 1000)
	}); n != 1 || err != nil {
		t.Fatalf("the attendances of 40 courses took %d queries (%v), want 1", n, err)
	}
	if len(lines) != 40 || lines[0].CourseTitle != "Obuka 000" || lines[39].CourseTitle != "Obuka 039" || lines[0].Hours != 1.5 || lines[0].FullName != "Milica Jovanović" {
		t.Fatalf("%d lines: first %+v", len(lines), lines[0])
	}
	// Another institution's staff, and a period without sessions, see none of them.
	if other, _ := s.App.Courses.InstitutionAttendances(context.Background(), f.InstB, starts.Add(-time.Hour), starts.Add(time.Hour), lang.SerbianLatin, 1000); len(other) != 0 {
		t.Fatalf("institution B sees %d attendances of A's staff", len(other))
	}
	if none, _ := s.App.Courses.InstitutionAttendances(context.Background(), f.InstA, starts.Add(time.Hour), starts.Add(2*time.Hour), lang.SerbianLatin, 1000); len(none) != 0 {
		t.Fatalf("a period without sessions has %d attendances", len(none))
	}
}

// BenchmarkInstitutionAttendanceReport is a manager's attendance report
// over 200 courses, each with a session their staff attended.
func BenchmarkInstitutionAttendanceReport(b *testing.B) {
	s := apitest.New(b)
	b.Cleanup(s.App.Certs.Wait)
	f := s.NewFixture()
	starts := time.Now().UTC().Add(-2 * time.Hour)
	attendedCourses(b, s, f, 0, 200, starts)
	path := fmt.Sprintf("/api/v1/institutions/%d/attendance-report?from=%s&to=%s", f.InstA,
		starts.AddDate(0, 0, -3).Format(time.DateOnly), starts.AddDate(0, 0, 3).Format(time.DateOnly))
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+f.Tokens["manager_same"])
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.App.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}
