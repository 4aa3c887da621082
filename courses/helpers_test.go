package courses_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
)

// world is a test platform with the standard fixture.
type world struct {
	t *testing.T
	s *apitest.Server
	f *apitest.Fixture
}

func newWorld(t *testing.T) *world {
	t.Helper()
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	return &world{t: t, s: s, f: s.NewFixture()}
}

func (w *world) do(who, method, path string, body any) *apitest.Response {
	w.t.Helper()
	return w.s.As(w.f, who, apitest.Request{Method: method, Path: "/api/v1" + path, Body: body})
}

func (w *world) raw(who, method, path, contentType string, body []byte, header map[string]string) *apitest.Response {
	w.t.Helper()
	h := map[string]string{}
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	for k, v := range header {
		h[k] = v
	}
	var b any
	if body != nil {
		b = body
	}
	return w.s.As(w.f, who, apitest.Request{Method: method, Path: "/api/v1" + path, Body: b, Header: h})
}

func (w *world) principal(who string) *accounts.Principal {
	p := &accounts.Principal{UserID: w.f.Users[who], Locale: "sr-Cyrl"}
	switch who {
	case "trainer":
		p.Trainer = true
	case "admin":
		p.Admin = true
	case "learner", "manager_same":
		p.InstitutionID = w.f.InstA
	case "learner_b", "manager_other":
		p.InstitutionID = w.f.InstB
	}
	if who == "manager_same" || who == "manager_other" {
		p.Manager = true
	}
	return p
}

// addUser creates and signs in another user; who names them for do().
func (w *world) addUser(who, email, name, profession string, roles accounts.RolesInput) int64 {
	w.t.Helper()
	ctx := context.Background()
	id, err := w.s.App.Accounts.CreateUserHashed(ctx, email, name, "unused-hash", profession, roles)
	if err != nil {
		w.t.Fatal(err)
	}
	sess, err := w.s.App.Accounts.SessionFor(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	w.f.Users[who], w.f.Tokens[who] = id, sess.AccessToken
	return id
}

// course builds a course through the API as the trainer: modules with n
// lessons each; published when publish is set.
type builtCourse struct {
	ID      int64
	Modules []int64
	Lessons [][]int64
}

func (w *world) course(slug string, lessonsPerModule []int, publish bool) builtCourse {
	w.t.Helper()
	var d courses.CourseDraft
	w.do("trainer", "POST", "/courses", map[string]any{"slug": slug, "title": map[string]string{"sr": "Курс " + slug, "en": "Course " + slug},
		"summary": map[string]string{"sr": "Сажетак", "en": "Summary"}, "professions": []string{"police", "health"}, "level": "introductory", "hours": 4}).
		WantStatus(201).JSON(&d)
	bc := builtCourse{ID: d.ID}
	for i, n := range lessonsPerModule {
		var m courses.DraftModule
		w.do("trainer", "POST", fmt.Sprintf("/courses/%d/modules", d.ID), map[string]any{"title": map[string]string{"sr": "Модул " + strconv.Itoa(i+1), "en": "Module " + strconv.Itoa(i+1)}}).
			WantStatus(201).JSON(&m)
		bc.Modules = append(bc.Modules, m.ID)
		var ids []int64
		for j := 0; j < n; j++ {
			var l courses.LessonDraft
			w.do("trainer", "POST", fmt.Sprintf("/modules/%d/lessons", m.ID), map[string]any{
				"title": map[string]string{"sr": fmt.Sprintf("Лекција %d.%d", i+1, j+1), "en": fmt.Sprintf("Lesson %d.%d", i+1, j+1)},
				"body":  map[string]string{"sr": "Текст лекције.", "en": "Lesson text."}, "reading_minutes": 5}).WantStatus(201).JSON(&l)
			ids = append(ids, l.ID)
		}
		bc.Lessons = append(bc.Lessons, ids)
	}
	if publish {
		w.do("trainer", "POST", fmt.Sprintf("/courses/%d/publish", d.ID), nil).WantStatus(200)
	}
	return bc
}

func (w *world) draft(id int64) courses.CourseDraft {
	w.t.Helper()
	var d courses.CourseDraft
	w.do("trainer", "GET", fmt.Sprintf("/courses/%d/draft", id), nil).WantStatus(200).JSON(&d)
	return d
}

func (w *world) progress(who string, courseID int64) courses.CourseProgress {
	w.t.Helper()
	var p courses.CourseProgress
	w.do(who, "GET", fmt.Sprintf("/courses/%d/progress", courseID), nil).WantStatus(200).JSON(&p)
	return p
}

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func apiReq(method, p string, body any) apitest.Request {
	return apitest.Request{Method: method, Path: p, Body: body}
}

func rolesTrainer() accounts.RolesInput { return accounts.RolesInput{Trainer: true} }
