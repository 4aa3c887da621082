package courses_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/courses"
)

// Table-driven scenarios for authoring: what is accepted, what is refused
// and with which code, and that a refused request changed nothing.
func TestAuthoringScenarios(t *testing.T) {
	w := newWorld(t)
	c := w.course("osnove", []int{2}, false)
	d := w.draft(c.ID)
	cases := []struct {
		name       string
		who        string
		method     string
		path       string
		body       any
		wantStatus int
		wantCode   string
	}{
		{"create: bad slug", "trainer", "POST", "/courses", map[string]any{"slug": "Not A Slug", "title": map[string]string{"sr": "x"}, "professions": []string{"police"}, "level": "introductory"}, 400, "validation_failed"},
		{"create: unknown profession", "trainer", "POST", "/courses", map[string]any{"slug": "a", "title": map[string]string{"sr": "x"}, "professions": []string{"astronaut"}, "level": "introductory"}, 400, "validation_failed"},
		{"create: owner_id is not accepted", "trainer", "POST", "/courses", map[string]any{"slug": "b", "title": map[string]string{"sr": "x"}, "professions": []string{"police"}, "level": "introductory", "owner_id": 1}, 400, "unknown_field"},
		{"create: status is not accepted", "trainer", "POST", "/courses", map[string]any{"slug": "b", "title": map[string]string{"sr": "x"}, "professions": []string{"police"}, "level": "introductory", "status": "published"}, 400, "unknown_field"},
		{"create: nested unknown field", "trainer", "POST", "/courses", map[string]any{"slug": "b", "title": map[string]any{"sr": "x", "html": "<b>"}, "professions": []string{"police"}, "level": "introductory"}, 400, "unknown_field"},
		{"create: slug taken", "trainer", "POST", "/courses", map[string]any{"slug": "osnove", "title": map[string]string{"sr": "x"}, "professions": []string{"police"}, "level": "introductory"}, 409, "slug_taken"},
		{"create: learner", "learner", "POST", "/courses", map[string]any{"slug": "c", "title": map[string]string{"sr": "x"}, "professions": []string{"police"}, "level": "introductory"}, 403, "forbidden"},
		{"patch: stale version", "trainer", "PATCH", path("/courses/%d", c.ID), map[string]any{"version": d.Version - 1, "hours": 9}, 409, "version_conflict"},
		{"patch: no version", "trainer", "PATCH", path("/courses/%d", c.ID), map[string]any{"hours": 9}, 400, "validation_failed"},
		{"patch: published_revision is not accepted", "trainer", "PATCH", path("/courses/%d", c.ID), map[string]any{"version": d.Version, "published_revision": 5}, 400, "unknown_field"},
		{"patch: min score out of range", "trainer", "PATCH", path("/courses/%d", c.ID), map[string]any{"version": d.Version, "completion": map[string]any{"quizzes": []map[string]any{{"quiz_id": 3, "min_score": 80}}}}, 400, "validation_failed"},
		{"lesson: title missing", "trainer", "POST", path("/modules/%d/lessons", c.Modules[0]), map[string]any{"title": map[string]string{"sr": " "}}, 400, "validation_failed"},
		{"lesson: markdown too large", "trainer", "POST", path("/modules/%d/lessons", c.Modules[0]), map[string]any{"title": map[string]string{"sr": "x"}, "body": map[string]string{"sr": strings.Repeat("a", 300<<10)}}, 413, "body_too_large"},
		{"lesson: line too long", "trainer", "POST", path("/modules/%d/lessons", c.Modules[0]), map[string]any{"title": map[string]string{"sr": "x"}, "body": map[string]string{"sr": strings.Repeat("[a](", 3000)}}, 400, "validation_failed"},
		{"reorder: missing a lesson", "trainer", "PUT", path("/modules/%d/lessons/order", c.Modules[0]), map[string]any{"version": d.Modules[0].Version, "lesson_ids": []int64{c.Lessons[0][0]}}, 422, "order_mismatch"},
		{"publish: learner", "learner", "POST", path("/courses/%d/publish", c.ID), nil, 403, "forbidden"},
		{"catalogue: sort not allowlisted", "learner", "GET", "/courses?sort=title%3BDROP%20TABLE%20courses", nil, 400, "invalid_query"},
		{"catalogue: limit capped", "learner", "GET", "/courses?limit=1000", nil, 400, "invalid_query"},
		{"catalogue: unknown profession", "learner", "GET", "/courses?profession=astronaut", nil, 400, "invalid_query"},
		{"lesson: unknown locale", "learner", "GET", path("/lessons/%d?locale=de", c.Lessons[0][0]), nil, 400, "invalid_query"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			w.do(tc.who, tc.method, tc.path, tc.body).WantProblem(tc.wantStatus, tc.wantCode)
		})
	}
	w.t = t
	after := w.draft(c.ID)
	if after.Version != d.Version || after.Hours != d.Hours || len(after.Modules[0].Lessons) != 2 || after.Status != "draft" {
		t.Fatalf("refused requests changed the draft: %+v", after)
	}
}

// The catalogue: filters, text search in either script, sort, paging,
// and drafts only for their editors.
func TestCatalogue(t *testing.T) {
	w := newWorld(t)
	a := w.course("trgovina-ljudima", []int{1}, true)
	b := w.course("radna-eksploatacija", []int{1}, true)
	draft := w.course("nacrt", []int{1}, false)
	// Give b a Cyrillic title with a digraph and no English.
	db := w.draft(b.ID)
	w.do("trainer", "PATCH", path("/courses/%d", b.ID), map[string]any{"version": db.Version, "title": map[string]string{"sr": "Радна експлоатација у пољопривреди"},
		"professions": []string{"labour_inspection"}, "hours": 12}).WantStatus(200)
	w.do("trainer", "POST", path("/courses/%d/publish", b.ID), nil).WantStatus(200)

	type list = struct {
		Items []courses.CourseSummary `json:"items"`
		Total int64                   `json:"total"`
	}
	ids := func(who, query string) []int64 {
		t.Helper()
		var l list
		w.do(who, "GET", "/courses"+query, nil).WantStatus(200).JSON(&l)
		out := []int64{}
		for _, it := range l.Items {
			out = append(out, it.ID)
		}
		return out
	}
	same := func(got []int64, want ...int64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	cases := []struct {
		who, query string
		want       []int64
	}{
		{"learner", "", []int64{a.ID, b.ID}}, // by title: "kurs trgovina..." before "radna ..."
		{"learner", "?profession=labour_inspection", []int64{b.ID}},
		{"learner", "?profession=police", []int64{a.ID}},
		{"learner", "?q=%D0%BF%D0%BE%D1%99%D0%BE%D0%BF%D1%80%D0%B8%D0%B2%D1%80%D0%B5%D0%B4", []int64{b.ID}}, // "пољопривред" in Cyrillic
		{"learner", "?q=POLJOPRIVRED", []int64{b.ID}},
		{"learner", "?q=eksploatacija", []int64{b.ID}},
		{"learner", "?q=100%25", []int64{}},
		{"learner", "?language=en", []int64{a.ID}},
		{"learner", "?sort=-hours", []int64{b.ID, a.ID}},
		{"learner", "?sort=hours&limit=1", []int64{a.ID}},
		{"learner", "?status=draft", []int64{}},
		{"trainer", "?status=draft", []int64{draft.ID}},
		{"admin", "?status=draft", []int64{draft.ID}},
	}
	for _, tc := range cases {
		if got := ids(tc.who, tc.query); !same(got, tc.want...) {
			t.Errorf("%s GET /courses%s = %v, want %v", tc.who, tc.query, got, tc.want)
		}
	}
	// Another trainer does not see this trainer's draft.
	w.addUser("trainer2", "t2@ngo.test", "Друга Тренерка", "other", accounts.RolesInput{Trainer: true})
	if got := ids("trainer2", "?status=draft"); len(got) != 0 {
		t.Errorf("another trainer sees drafts %v", got)
	}
	// Latin reading of a Cyrillic title.
	var l list
	w.do("learner", "GET", "/courses?profession=labour_inspection&locale=sr-Latn", nil).WantStatus(200).JSON(&l)
	if l.Items[0].Title != "Radna eksploatacija u poljoprivredi" || l.Items[0].Locale != "sr-Latn" {
		t.Errorf("sr-Latn title = %q (%s)", l.Items[0].Title, l.Items[0].Locale)
	}
	// English asked of a course without English falls back to Serbian, and says so.
	w.do("learner", "GET", "/courses?profession=labour_inspection&locale=en", nil).WantStatus(200).JSON(&l)
	if l.Items[0].Locale != "sr-Cyrl" {
		t.Errorf("fallback locale = %q", l.Items[0].Locale)
	}
	// Enrolled is per reader.
	w.do("learner", "POST", path("/courses/%d/enrolment", a.ID), nil).WantStatus(201)
	w.do("learner", "POST", path("/courses/%d/enrolment", a.ID), nil).WantStatus(200)
	w.do("learner", "GET", "/courses?profession=police", nil).WantStatus(200).JSON(&l)
	if !l.Items[0].Enrolled {
		t.Error("enrolled flag not set")
	}
	w.do("learner_b", "GET", "/courses?profession=police", nil).WantStatus(200).JSON(&l)
	if l.Items[0].Enrolled {
		t.Error("enrolled flag leaks across users")
	}
}

// Learners never see a draft: not the course, not its lessons, not edits
// made after publishing until the next publication.
func TestLearnerCannotReadDraft(t *testing.T) {
	w := newWorld(t)
	c := w.course("u-pripremi", []int{2}, false)
	w.do("learner", "GET", path("/courses/%d", c.ID), nil).WantProblem(404, "course_not_found")
	w.do("learner", "GET", path("/courses/%d/draft", c.ID), nil).WantProblem(403, "forbidden")
	w.do("learner", "GET", path("/lessons/%d", c.Lessons[0][0]), nil).WantProblem(404, "lesson_not_found")
	w.do("learner", "POST", path("/courses/%d/enrolment", c.ID), nil).WantProblem(404, "course_not_found")
	w.do("learner", "GET", path("/courses/%d/sessions", c.ID), nil).WantProblem(404, "course_not_found")
	w.do("trainer", "GET", path("/courses/%d", c.ID), nil).WantProblem(404, "course_not_published")

	w.do("trainer", "POST", path("/courses/%d/publish", c.ID), nil).WantStatus(200)
	var lv courses.LessonView
	w.do("learner", "GET", path("/lessons/%d", c.Lessons[0][0]), nil).WantStatus(200).JSON(&lv)
	if !strings.Contains(lv.HTML, "Текст лекције.") {
		t.Fatalf("published lesson html = %q", lv.HTML)
	}
	// The trainer edits the lesson and adds one; learners see neither yet.
	d := w.draft(c.ID)
	w.do("trainer", "PATCH", path("/lessons/%d", c.Lessons[0][0]), map[string]any{"version": d.Modules[0].Lessons[0].Version,
		"body": map[string]string{"sr": "ТАЈНИ НАЦРТ"}}).WantStatus(200)
	var nl courses.LessonDraft
	w.do("trainer", "POST", path("/modules/%d/lessons", c.Modules[0]), map[string]any{"title": map[string]string{"sr": "Нова"}, "body": map[string]string{"sr": "нацрт"}}).
		WantStatus(201).JSON(&nl)
	w.do("learner", "GET", path("/lessons/%d", c.Lessons[0][0]), nil).WantStatus(200).JSON(&lv)
	if strings.Contains(lv.HTML, "НАЦРТ") {
		t.Fatal("a learner reads the unpublished edit")
	}
	w.do("learner", "GET", path("/lessons/%d", nl.ID), nil).WantProblem(404, "lesson_not_found")
	var cv courses.CourseView
	w.do("learner", "GET", path("/courses/%d", c.ID), nil).WantStatus(200).JSON(&cv)
	if n := len(cv.Modules[0].Lessons); n != 2 {
		t.Fatalf("learner's outline has %d lessons, want 2", n)
	}
	// Latin script is derived from the Cyrillic source.
	w.do("learner", "GET", path("/lessons/%d?locale=sr-Latn", c.Lessons[0][1]), nil).WantStatus(200).JSON(&lv)
	if !strings.Contains(lv.HTML, "Tekst lekcije.") || lv.Title != "Lekcija 1.2" {
		t.Fatalf("sr-Latn lesson = %q / %q", lv.Title, lv.HTML)
	}
	// After republishing the edit is what learners read.
	w.do("trainer", "POST", path("/courses/%d/publish", c.ID), nil).WantStatus(200)
	w.do("learner", "GET", path("/lessons/%d", c.Lessons[0][0]), nil).WantStatus(200).JSON(&lv)
	if !strings.Contains(lv.HTML, "ТАЈНИ НАЦРТ") || lv.Revision != 2 {
		t.Fatalf("after republish: revision %d, html %q", lv.Revision, lv.HTML)
	}
	// Archived: out of the catalogue and closed to learners.
	w.do("trainer", "POST", path("/courses/%d/archive", c.ID), nil).WantStatus(200)
	w.do("learner", "GET", path("/courses/%d", c.ID), nil).WantProblem(404, "course_not_found")
}

// Other trainers' courses and other institutions' objects answer 404.
func TestCrossTrainerAndInstitutionAre404(t *testing.T) {
	w := newWorld(t)
	c := w.course("tudji", []int{1}, false)
	d := w.draft(c.ID)
	w.addUser("trainer2", "t2@ngo.test", "Друга Тренерка", "other", accounts.RolesInput{Trainer: true})
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{"GET", path("/courses/%d/draft", c.ID), nil},
		{"GET", path("/courses/%d", c.ID), nil},
		{"PATCH", path("/courses/%d", c.ID), map[string]any{"version": d.Version, "hours": 1}},
		{"POST", path("/courses/%d/publish", c.ID), nil},
		{"POST", path("/courses/%d/duplicate", c.ID), nil},
		{"GET", path("/courses/%d/export", c.ID), nil},
		{"POST", path("/courses/%d/modules", c.ID), map[string]any{"title": map[string]string{"sr": "x"}}},
		{"PATCH", path("/modules/%d", c.Modules[0]), map[string]any{"version": d.Modules[0].Version, "title": map[string]string{"sr": "x"}}},
		{"DELETE", path("/modules/%d", c.Modules[0]), nil},
		{"POST", path("/modules/%d/lessons", c.Modules[0]), map[string]any{"title": map[string]string{"sr": "x"}}},
		{"GET", path("/lessons/%d/draft", c.Lessons[0][0]), nil},
		{"PATCH", path("/lessons/%d", c.Lessons[0][0]), map[string]any{"version": 1, "reading_minutes": 1}},
		{"DELETE", path("/lessons/%d", c.Lessons[0][0]), nil},
		{"GET", path("/courses/%d/enrolments", c.ID), nil},
		{"POST", path("/courses/%d/sessions", c.ID), map[string]any{"kind": "in_person", "place": "x", "starts_at": "2030-01-01T10:00:00Z", "duration_minutes": 60, "capacity": 5}},
	} {
		res := w.do("trainer2", r.method, r.path, r.body)
		if res.Code != 404 {
			t.Errorf("another trainer: %s %s = %d, want 404 (%s)", r.method, r.path, res.Code, res.Body.String())
		}
	}
	// Published: visible, still not editable by another trainer.
	w.do("trainer", "POST", path("/courses/%d/publish", c.ID), nil).WantStatus(200)
	w.do("trainer2", "GET", path("/courses/%d", c.ID), nil).WantStatus(200)
	w.do("trainer2", "PATCH", path("/courses/%d", c.ID), map[string]any{"version": d.Version, "hours": 1}).WantProblem(404, "course_not_found")
	// Managers: another institution's report and assignments are 404.
	w.do("manager_other", "GET", path("/institutions/%d/progress", w.f.InstA), nil).WantProblem(404, "institution_not_found")
	w.do("manager_other", "GET", path("/institutions/%d/progress?format=csv", w.f.InstA), nil).WantProblem(404, "institution_not_found")
	w.do("manager_other", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": c.ID, "profession": "police"}).WantProblem(404, "institution_not_found")
	// A manager assigning someone from another institution: reported, not enrolled.
	var rep courses.EnrolReport
	w.do("manager_same", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": c.ID, "user_ids": []int64{w.f.Users["learner_b"], w.f.Users["learner"]}}).
		WantStatus(200).JSON(&rep)
	if len(rep.NotFound) != 1 || rep.NotFound[0] != w.f.Users["learner_b"] || len(rep.Enrolled) != 1 {
		t.Fatalf("assignment report = %+v", rep)
	}
	// Co-authors: only the owner chooses them; a co-author may edit.
	w.do("trainer2", "POST", path("/courses/%d/authors", c.ID), map[string]any{"user_id": w.f.Users["trainer2"]}).WantProblem(404, "course_not_found")
	w.do("trainer", "POST", path("/courses/%d/authors", c.ID), map[string]any{"user_id": w.f.Users["learner"]}).WantProblem(422, "not_a_trainer")
	w.do("trainer", "POST", path("/courses/%d/authors", c.ID), map[string]any{"user_id": w.f.Users["trainer2"]}).WantStatus(200)
	d = w.draft(c.ID)
	w.do("trainer2", "PATCH", path("/courses/%d", c.ID), map[string]any{"version": d.Version, "hours": 6}).WantStatus(200)
	w.do("trainer2", "DELETE", path("/courses/%d/authors/%d", c.ID, w.f.Users["trainer2"]), nil).WantProblem(403, "owner_only")
}

// The editors' live preview renders unsaved Markdown exactly as saving would: sanitised, nothing
// stored, and a text beyond the limits named as such.
func TestRenderMarkdownForThePreview(t *testing.T) {
	w := newWorld(t)
	var out struct {
		HTML string `json:"html"`
	}
	w.do("trainer", "POST", "/markdown/render", map[string]any{
		"markdown": "**Пасош** код послодавца <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
	}).WantStatus(200).JSON(&out)
	if !strings.Contains(out.HTML, "<strong>Пасош</strong>") {
		t.Fatalf("not rendered: %s", out.HTML)
	}
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(strings.ToLower(out.HTML), bad) {
			t.Fatalf("%q survived: %s", bad, out.HTML)
		}
	}
	w.do("trainer", "POST", "/markdown/render", map[string]any{"markdown": strings.Repeat("> ", 500) + "deep"}).WantProblem(422, "unrenderable")
	w.do("trainer", "POST", "/markdown/render", map[string]any{"markdown": "x", "html": "<b>"}).WantProblem(400, "unknown_field")
	w.do("learner", "POST", "/markdown/render", map[string]any{"markdown": "x"}).WantProblem(403, "forbidden")
}

// A course's owner finds co-authors by name or email among active trainers
// (not learners, not disabled accounts), and the draft names its people.
func TestOwnerFindsCoauthorsByName(t *testing.T) {
	w := newWorld(t)
	c := w.course("saradnja", []int{1}, false)
	helper := w.addUser("helper", "vesna@ngo.test", "Весна Васић", "other", rolesTrainer())
	gone := w.addUser("gone", "vesna.stara@ngo.test", "Весна Стара", "other", rolesTrainer())
	w.addUser("vesna_learner", "vesna@a.test", "Весна Ученица", "police", accounts.RolesInput{InstitutionID: &w.f.InstA})
	w.do("admin", "POST", path("/users/%d/disable", gone), nil).WantStatus(200)

	type trainers struct {
		Items []accounts.Trainer `json:"items"`
		Total int64              `json:"total"`
	}
	for _, q := range []string{"весна", "vesna", "VESNA@NGO"} {
		var got trainers
		w.do("trainer", "GET", "/trainers?q="+url.QueryEscape(q), nil).WantStatus(200).JSON(&got)
		if got.Total != 1 || len(got.Items) != 1 || got.Items[0].ID != helper || got.Items[0].FullName != "Весна Васић" || got.Items[0].Email != "vesna@ngo.test" {
			t.Errorf("trainers matching %q: %+v", q, got)
		}
	}
	w.do("learner", "GET", "/trainers?q=vesna", nil).WantProblem(403, "forbidden")
	w.do("trainer", "GET", "/trainers?q="+strings.Repeat("а", 101), nil).WantProblem(400, "invalid_query")

	w.do("trainer", "POST", path("/courses/%d/authors", c.ID), map[string]any{"user_id": helper}).WantStatus(200)
	d := w.draft(c.ID)
	want := map[int64]string{w.f.Users["trainer"]: "Јелена Ђорђевић", helper: "Весна Васић"}
	if len(d.People) != 2 || want[d.People[0].ID] != d.People[0].FullName || want[d.People[1].ID] != d.People[1].FullName {
		t.Fatalf("draft people = %+v", d.People)
	}
}
