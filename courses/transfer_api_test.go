package courses_test

import (
	"archive/zip"
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/quiz"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(files[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func unzip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		out[f.Name] = buf.String()
	}
	return out
}

const goodCourseYAML = `format: prepoznaj-course/1
slug: uvoz
title:
  sr: Увезени курс
  en: Imported course
professions: [education]
level: introductory
hours: 2
modules:
  - title: {sr: Први модул, en: First module}
    lessons: [uvod, znaci]
`

func goodFiles() map[string]string {
	return map[string]string{
		"course.yaml":         goodCourseYAML,
		"lessons/uvod.sr.md":  "---\ntitle: Увод\nreading_minutes: 5\n---\nПрви пасус.\n",
		"lessons/uvod.en.md":  "---\ntitle: Introduction\n---\nFirst paragraph.\n",
		"lessons/znaci.sr.md": "---\ntitle: Знаци\nrequired: false\ncontent_warning: true\n---\n# Знаци\n\nТекст.\n",
		"quiz/reserved.gift":  "ignored by the course importer",
	}
}

// A file set with many problems: every one is reported with file and line,
// and nothing is imported.
func TestImportReportsEveryProblemAndImportsNothing(t *testing.T) {
	w := newWorld(t)
	bad := goodFiles()
	bad["course.yaml"] = strings.Replace(goodCourseYAML, "level: introductory", "level: expert\ncolour: red", 1)
	bad["course.yaml"] = strings.Replace(bad["course.yaml"], "lessons: [uvod, znaci]", "lessons: [uvod, znaci, nema, Loš-Ključ]", 1)
	bad["lessons/znaci.sr.md"] = "---\ntitle: Знаци\nreading_minutes: many\n---\nТекст.\n"
	bad["lessons/uvod.en.md"] = "no front matter\n"
	bad["lessons/visak.sr.md"] = "---\ntitle: Вишак\n---\nx\n"
	bad["notes.txt"] = "stray"
	res := w.raw("trainer", "POST", "/courses/import", "application/zip", zipOf(t, bad), nil)
	p := res.WantProblem(422, "import_failed")
	_ = p
	var body struct {
		Problems []courses.ImportProblem `json:"problems"`
	}
	res.JSON(&body)
	want := []struct {
		file string
		line int
		has  string
	}{
		{"course.yaml", 8, "colour"},
		{"course.yaml", 7, "level"},
		{"course.yaml", 12, "Loš-Ključ"},
		{"lessons/nema.sr.md", 0, "missing"},
		{"lessons/uvod.en.md", 1, "front matter"},
		{"lessons/znaci.sr.md", 3, "many"},
		{"lessons/visak.sr.md", 1, "not listed"},
		{"notes.txt", 1, "unexpected file"},
	}
	for _, wp := range want {
		found := false
		for _, got := range body.Problems {
			if got.File == wp.file && got.Line == wp.line && strings.Contains(got.Message, wp.has) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %s:%d mentioning %q in %+v", wp.file, wp.line, wp.has, body.Problems)
		}
	}
	var n int64
	w.s.DB.Raw("SELECT COUNT(*) FROM courses").Scan(&n)
	if n != 0 {
		t.Fatalf("%d courses exist after a failed import", n)
	}
	// A Markdown body the renderer refuses is reported at its line in the file.
	bad = goodFiles()
	bad["lessons/uvod.sr.md"] = "---\ntitle: Увод\n---\nпрва\nдруга\n" + strings.Repeat("[a](", 3000) + "\n"
	w.raw("trainer", "POST", "/courses/import", "application/zip", zipOf(t, bad), nil).JSON(&body)
	if len(body.Problems) != 1 || body.Problems[0].File != "lessons/uvod.sr.md" || body.Problems[0].Line != 6 {
		t.Fatalf("markdown problem = %+v", body.Problems)
	}
	// Zip entries that climb out are refused.
	res = w.raw("trainer", "POST", "/courses/import", "application/zip", zipOf(t, map[string]string{"../course.yaml": goodCourseYAML}), nil)
	res.WantProblem(422, "import_failed")
	w.raw("trainer", "POST", "/courses/import", "text/plain", []byte("x"), nil).WantProblem(415, "unsupported_media_type")
}

// Import, export and import again: the same course; update in place keeps
// lesson ids (and so learners' progress).
func TestImportExportRoundTrip(t *testing.T) {
	w := newWorld(t)
	var d courses.CourseDraft
	w.raw("trainer", "POST", "/courses/import", "application/zip", zipOf(t, goodFiles()), nil).WantStatus(201).JSON(&d)
	if d.Slug != "uvoz" || d.Status != "draft" || len(d.Modules) != 1 || len(d.Modules[0].Lessons) != 2 || d.Modules[0].Lessons[1].Required {
		t.Fatalf("imported = %+v", d)
	}
	var ld courses.LessonDraft
	w.do("trainer", "GET", path("/lessons/%d/draft", d.Modules[0].Lessons[0].ID), nil).WantStatus(200).JSON(&ld)
	if ld.Title.En != "Introduction" || !strings.Contains(ld.HTML.Sr, "<p>Први пасус.</p>") || ld.ReadingMinutes != 5 {
		t.Fatalf("imported lesson = %+v", ld)
	}
	res := w.raw("trainer", "GET", path("/courses/%d/export", d.ID), "", nil, nil).WantStatus(200)
	if ct := res.Header().Get("Content-Type"); ct != "application/zip" {
		t.Fatalf("Content-Type = %q", ct)
	}
	exported := unzip(t, res.Body.Bytes())
	if len(exported) != 4 {
		t.Fatalf("exported files: %v", keysOf(exported))
	}
	// The same bytes again.
	again := w.raw("trainer", "GET", path("/courses/%d/export", d.ID), "", nil, nil).WantStatus(200)
	if !bytes.Equal(res.Body.Bytes(), again.Body.Bytes()) {
		t.Fatal("export is not deterministic")
	}
	// Importing the export under another slug gives the same course.
	exported["course.yaml"] = strings.Replace(exported["course.yaml"], "slug: uvoz", "slug: uvoz-kopija", 1)
	var d2 courses.CourseDraft
	w.raw("admin", "POST", "/courses/import", "application/zip", zipOf(t, exported), nil).WantStatus(201).JSON(&d2)
	if d2.Title != d.Title || d2.Hours != d.Hours || len(d2.Modules[0].Lessons) != 2 || d2.Modules[0].Lessons[1].Key != "znaci" || d2.Modules[0].Lessons[1].Required {
		t.Fatalf("round trip = %+v", d2)
	}
	// Same slug without update: refused, nothing changes.
	w.raw("trainer", "POST", "/courses/import", "application/zip", zipOf(t, goodFiles()), nil).WantProblem(422, "import_failed")
	// Publish, a learner completes the first lesson, then an update in place
	// edits its text and adds a lesson: the ids and the progress stay.
	w.do("trainer", "POST", path("/courses/%d/publish", d.ID), nil).WantStatus(200)
	w.do("learner", "POST", path("/courses/%d/enrolment", d.ID), nil).WantStatus(201)
	w.do("learner", "POST", path("/lessons/%d/complete", d.Modules[0].Lessons[0].ID), nil).WantStatus(200)
	upd := goodFiles()
	upd["lessons/uvod.sr.md"] = "---\ntitle: Увод\nreading_minutes: 5\n---\nИзмењен први пасус.\n"
	upd["course.yaml"] = strings.Replace(goodCourseYAML, "[uvod, znaci]", "[uvod, znaci, novo]", 1)
	upd["lessons/novo.sr.md"] = "---\ntitle: Ново\n---\nНово.\n"
	var d3 courses.CourseDraft
	w.raw("trainer", "POST", "/courses/import?update=true", "application/zip", zipOf(t, upd), nil).WantStatus(200).JSON(&d3)
	if d3.ID != d.ID || d3.Modules[0].Lessons[0].ID != d.Modules[0].Lessons[0].ID || len(d3.Modules[0].Lessons) != 3 {
		t.Fatalf("update in place = %+v", d3)
	}
	w.do("trainer", "POST", path("/courses/%d/publish", d.ID), nil).WantStatus(200)
	if p := w.progress("learner", d.ID); p.LessonsDone != 1 || p.LessonsTotal != 3 {
		t.Fatalf("progress after update = %+v", p)
	}
	// Another trainer cannot update it by slug.
	w.addUser("trainer2", "t2@ngo.test", "Друга Тренерка", "other", rolesTrainer())
	w.raw("trainer2", "POST", "/courses/import?update=true", "application/zip", zipOf(t, upd), nil).WantProblem(422, "import_failed")
	_ = apitest.FixturePassword
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

const quizCourseYAML = `format: prepoznaj-course/1
slug: kvizovi
title:
  sr: Курс са проверама
professions: [police]
level: introductory
hours: 2
modules:
  - title: {sr: Први модул}
    lessons: [uvod]
  - title: {sr: Други модул}
    lessons: [znaci]
`

func quizCourseFiles(completion string) map[string]string {
	return map[string]string{
		"course.yaml":         quizCourseYAML + completion,
		"lessons/uvod.sr.md":  "---\ntitle: Увод\n---\nТекст.\n",
		"lessons/znaci.sr.md": "---\ntitle: Знаци\n---\nТекст.\n",
	}
}

// The completion rule's required quizzes travel in course.yaml, named by
// module and place (quiz ids belong to one installation): export writes
// them, import resolves them to the course's quizzes, a round trip keeps
// them, and every mistake is reported with its file and line, importing
// nothing.
func TestQuizRequirementsInTheFileFormat(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var d courses.CourseDraft
	w.raw("trainer", "POST", "/courses/import", "application/zip", zipOf(t, quizCourseFiles("")), nil).WantStatus(201).JSON(&d)
	newQuiz := func(module int64, title string) int64 {
		q, err := w.s.App.Quiz.CreateQuiz(ctx, w.principal("trainer"), quiz.QuizInput{ModuleID: module, Settings: quiz.Settings{Title: quiz.Text{SR: title}}})
		if err != nil {
			t.Fatal(err)
		}
		return q.ID
	}
	qa, qb := newQuiz(d.Modules[0].ID, "Прва провера"), newQuiz(d.Modules[0].ID, "Друга провера")
	qc := newQuiz(d.Modules[1].ID, "Завршна провера")
	_ = qa
	rule := func() courses.Completion {
		t.Helper()
		return w.draft(d.ID).Completion
	}
	same := func(got courses.Completion, hours float64, want ...courses.QuizRequirement) bool {
		if got.MinAttendedHours != hours || len(got.Quizzes) != len(want) {
			return false
		}
		for i := range want {
			if got.Quizzes[i] != want[i] {
				return false
			}
		}
		return true
	}

	// Import names them by place.
	withQuizzes := "completion:\n  min_attended_hours: 1\n  quizzes:\n    - {module: 1, quiz: 2, min_score: 0.7}\n    - {module: 2, quiz: 1}\n"
	w.raw("trainer", "POST", "/courses/import?update=true", "application/zip", zipOf(t, quizCourseFiles(withQuizzes)), nil).WantStatus(200)
	want := []courses.QuizRequirement{{QuizID: qb, MinScore: 0.7}, {QuizID: qc, MinScore: 0}}
	if got := rule(); !same(got, 1, want...) {
		t.Fatalf("imported rule = %+v, want quizzes %+v", got, want)
	}

	// Export writes them the same way; importing the export changes nothing.
	exported := unzip(t, w.raw("trainer", "GET", path("/courses/%d/export", d.ID), "", nil, nil).WantStatus(200).Body.Bytes())
	files := map[string][]byte{}
	for k, v := range exported {
		files[k] = []byte(v)
	}
	cf, problems := courses.ParseCourse(files)
	if len(problems) > 0 || len(cf.Quizzes) != 2 || cf.Quizzes[0].Module != 1 || cf.Quizzes[0].Quiz != 2 || cf.Quizzes[0].MinScore != 0.7 ||
		cf.Quizzes[1].Module != 2 || cf.Quizzes[1].Quiz != 1 || cf.Quizzes[1].MinScore != 0 {
		t.Fatalf("exported requirements = %+v, %v\n%s", cf, problems, exported["course.yaml"])
	}
	w.raw("trainer", "POST", "/courses/import?update=true", "application/zip", zipOf(t, exported), nil).WantStatus(200)
	if got := rule(); !same(got, 1, want...) {
		t.Fatalf("rule after the round trip = %+v", got)
	}
	again := unzip(t, w.raw("trainer", "GET", path("/courses/%d/export", d.ID), "", nil, nil).WantStatus(200).Body.Bytes())
	if again["course.yaml"] != exported["course.yaml"] {
		t.Fatalf("the round trip changed course.yaml:\n%s\n---\n%s", exported["course.yaml"], again["course.yaml"])
	}

	// Every mistake, with its line; nothing changes.
	bad := "completion:\n  quizzes:\n" + // lines 13, 14
		"    - {module: 3, quiz: 1}\n" + // 15: no third module in the file
		"    - {module: 1, quiz: 0}\n" + // 16
		"    - {module: 1, quiz: 1}\n" + // 17
		"    - {module: 1, quiz: 1}\n" + // 18: twice
		"    - {module: 2, quiz: 1, min_score: 1.5}\n" + // 19
		"    - {module: 2, quiz: 1, quiz_id: 7}\n" // 20: unknown key
	res := w.raw("trainer", "POST", "/courses/import?update=true", "application/zip", zipOf(t, quizCourseFiles(bad)), nil)
	res.WantProblem(422, "import_failed")
	var body struct {
		Problems []courses.ImportProblem `json:"problems"`
	}
	res.JSON(&body)
	for _, wp := range []struct {
		line int
		has  string
	}{{15, "module"}, {16, "quiz"}, {18, "already required"}, {19, "min_score"}, {20, "quiz_id"}} {
		found := false
		for _, p := range body.Problems {
			found = found || (p.File == "course.yaml" && p.Line == wp.line && strings.Contains(p.Message, wp.has))
		}
		if !found {
			t.Errorf("no problem at course.yaml:%d mentioning %q in %+v", wp.line, wp.has, body.Problems)
		}
	}
	// Well formed, but the course has no such quiz.
	missing := "completion:\n  quizzes:\n    - {module: 1, quiz: 1}\n    - {module: 2, quiz: 2, min_score: 0.5}\n"
	res = w.raw("trainer", "POST", "/courses/import?update=true", "application/zip", zipOf(t, quizCourseFiles(missing)), nil)
	res.WantProblem(422, "import_failed")
	res.JSON(&body)
	if len(body.Problems) != 1 || body.Problems[0].File != "course.yaml" || body.Problems[0].Line != 16 || !strings.Contains(body.Problems[0].Message, "no quiz 2") {
		t.Fatalf("missing quiz: %+v", body.Problems)
	}
	// A new course has no quizzes yet.
	other := quizCourseFiles(missing)
	other["course.yaml"] = strings.Replace(other["course.yaml"], "slug: kvizovi", "slug: kvizovi-novi", 1)
	res = w.raw("trainer", "POST", "/courses/import", "application/zip", zipOf(t, other), nil)
	res.WantProblem(422, "import_failed")
	res.JSON(&body)
	if len(body.Problems) != 2 || body.Problems[0].Line != 15 || body.Problems[1].Line != 16 {
		t.Fatalf("new course: %+v", body.Problems)
	}
	var n int64
	w.s.DB.Raw("SELECT COUNT(*) FROM courses").Scan(&n)
	if got := rule(); n != 1 || !same(got, 1, want...) {
		t.Fatalf("a failed import changed something: %d courses, rule %+v", n, got)
	}

	// A file that does not name quizzes keeps the course's; an empty list clears them.
	w.raw("trainer", "POST", "/courses/import?update=true", "application/zip", zipOf(t, quizCourseFiles("")), nil).WantStatus(200)
	if got := rule(); !same(got, 0, want...) {
		t.Fatalf("a file without quizzes: rule %+v", got)
	}
	w.raw("trainer", "POST", "/courses/import?update=true", "application/zip", zipOf(t, quizCourseFiles("completion:\n  quizzes: []\n")), nil).WantStatus(200)
	if got := rule(); !same(got, 0) {
		t.Fatalf("an empty list: rule %+v", got)
	}
}
