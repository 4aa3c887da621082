package courses_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
)

// Benchmark world: 200 published courses (one module, three lessons each),
// 10,000 learners in ten institutions, each enrolled in two courses with
// some lessons done. Seeded once per benchmark (b.Loop runs the body once).
const (
	benchCourses      = 200
	benchLearners     = 10_000
	benchInstitutions = 10
)

type benchWorld struct {
	s        *apitest.Server
	token    string // a learner
	mgrToken string // a manager of an institution with 1,000 members
	inst     int64
	course   int64
}

type benchUser struct {
	ID            int64 `gorm:"primaryKey"`
	Email         string
	EmailKey      string
	FullName      string
	Locale        string
	Profession    string
	InstitutionID *int64
	PasswordHash  string
	IsManager     bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (benchUser) TableName() string { return "users" }

type benchEnrolment struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	CourseID   int64
	Source     string
	EnrolledAt time.Time
}

func (benchEnrolment) TableName() string { return "course_enrolments" }

type benchProgress struct {
	ID          int64 `gorm:"primaryKey"`
	UserID      int64
	CourseID    int64
	LessonID    int64
	CompletedAt *time.Time
	UpdatedAt   time.Time
}

func (benchProgress) TableName() string { return "lesson_progress" }

func seedBench(b *testing.B) *benchWorld {
	b.Helper()
	ctx := context.Background()
	s := apitest.New(b)
	svc := s.App.Courses
	trainerID, err := s.App.Accounts.CreateUserHashed(ctx, "bench-trainer@ngo.test", "Тренер", "x", "other", accounts.RolesInput{Trainer: true})
	if err != nil {
		b.Fatal(err)
	}
	tr := &accounts.Principal{UserID: trainerID, Trainer: true}
	professions := []string{"police", "judge", "prosecutor", "education", "health", "labour_inspection", "social_work"}
	courseIDs := make([]int64, benchCourses)
	lessonIDs := make([][]int64, benchCourses)
	for i := range benchCourses {
		d, err := svc.CreateCourse(ctx, tr, courses.CourseFields{Slug: fmt.Sprintf("kurs-%03d", i),
			Title:       courses.LocalText{Sr: fmt.Sprintf("Курс број %d о трговини људима", i), En: fmt.Sprintf("Course %d on trafficking", i)},
			Summary:     courses.LocalText{Sr: "Препознавање жртава трговине људима.", En: "Recognising victims."},
			Professions: []string{professions[i%len(professions)]}, Level: "introductory", Hours: float64(1 + i%8), SelfEnrol: true})
		if err != nil {
			b.Fatal(err)
		}
		m, err := svc.CreateModule(ctx, tr, d.ID, courses.LocalText{Sr: "Модул", En: "Module"})
		if err != nil {
			b.Fatal(err)
		}
		for j := range 3 {
			l, err := svc.CreateLesson(ctx, tr, m.ID, courses.LessonFields{Title: courses.LocalText{Sr: fmt.Sprintf("Лекција %d", j), En: "Lesson"},
				Body: courses.LocalText{Sr: "Текст.", En: "Text."}, Required: true})
			if err != nil {
				b.Fatal(err)
			}
			lessonIDs[i] = append(lessonIDs[i], l.ID)
		}
		if _, err := svc.Publish(ctx, tr, d.ID); err != nil {
			b.Fatal(err)
		}
		courseIDs[i] = d.ID
	}
	var insts []int64
	admin := &accounts.Principal{Admin: true}
	for i := range benchInstitutions {
		inst, err := s.App.Accounts.CreateInstitution(ctx, admin, accounts.InstitutionInput{Name: fmt.Sprintf("Установа %d", i), Kind: "police_directorate"})
		if err != nil {
			b.Fatal(err)
		}
		insts = append(insts, inst.ID)
	}
	now := time.Now().UTC()
	users := make([]benchUser, benchLearners)
	for i := range users {
		inst := insts[i%benchInstitutions]
		users[i] = benchUser{Email: fmt.Sprintf("l%05d@bench.test", i), EmailKey: fmt.Sprintf("l%05d@bench.test", i), FullName: fmt.Sprintf("Полазник %05d", i),
			Locale: "sr-Cyrl", Profession: professions[i%len(professions)], InstitutionID: &inst, PasswordHash: "x", IsManager: i == 0, CreatedAt: now, UpdatedAt: now}
	}
	if err := s.DB.CreateInBatches(&users, 1000).Error; err != nil {
		b.Fatal(err)
	}
	var enrols []benchEnrolment
	var progress []benchProgress
	for i, u := range users {
		for k := range 2 {
			ci := (i*7 + k*13) % benchCourses
			enrols = append(enrols, benchEnrolment{UserID: u.ID, CourseID: courseIDs[ci], Source: "manager", EnrolledAt: now})
			for j := 0; j < (i+k)%4 && j < 3; j++ {
				progress = append(progress, benchProgress{UserID: u.ID, CourseID: courseIDs[ci], LessonID: lessonIDs[ci][j], CompletedAt: &now, UpdatedAt: now})
			}
		}
	}
	if err := s.DB.CreateInBatches(&enrols, 1000).Error; err != nil {
		b.Fatal(err)
	}
	if err := s.DB.CreateInBatches(&progress, 1000).Error; err != nil {
		b.Fatal(err)
	}
	learner, err := s.App.Accounts.SessionFor(ctx, users[7].ID)
	if err != nil {
		b.Fatal(err)
	}
	mgr, err := s.App.Accounts.SessionFor(ctx, users[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("dialect %s: %d courses, %d learners, %d enrolments, %d lessons done", apitest.DialectName(), benchCourses, len(users), len(enrols), len(progress))
	return &benchWorld{s: s, token: learner.AccessToken, mgrToken: mgr.AccessToken, inst: insts[0], course: enrols[14].CourseID}
}

func (w *benchWorld) get(b *testing.B, token, p string) {
	req := httptest.NewRequest("GET", p, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	w.s.App.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body.String())
	}
}

// BenchmarkCatalogue is GET /api/v1/courses for a signed-in learner over the
// full router (authentication included), with /healthz on the same router
// as the yardstick.
func BenchmarkCatalogue(b *testing.B) {
	w := seedBench(b)
	for _, bc := range []struct{ name, token, path string }{
		{"healthz", "", "/healthz"},
		{"me", w.token, "/api/v1/me"},
		{"default", w.token, "/api/v1/courses"},
		{"profession", w.token, "/api/v1/courses?profession=health&sort=-hours"},
		{"search", w.token, "/api/v1/courses?q=%D1%82%D1%80%D0%B3%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8&limit=20&offset=40"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				w.get(b, bc.token, bc.path)
			}
		})
	}
}

// BenchmarkProgress is a learner's course progress and a manager's page of
// the institution report (1,000 members, 2,000 enrolments).
func BenchmarkProgress(b *testing.B) {
	w := seedBench(b)
	for _, bc := range []struct{ name, token, path string }{
		{"learner", w.token, fmt.Sprintf("/api/v1/courses/%d/progress", w.course)},
		{"institution_page", w.mgrToken, fmt.Sprintf("/api/v1/institutions/%d/progress?limit=50&offset=500", w.inst)},
		{"institution_course", w.mgrToken, fmt.Sprintf("/api/v1/institutions/%d/progress?course_id=%d&limit=50", w.inst, w.course)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				w.get(b, bc.token, bc.path)
			}
		})
	}
}
