package courses_test

import (
	"archive/zip"
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
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
