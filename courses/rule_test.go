package courses

import (
	"testing"
	"time"
)

func TestEvaluate(t *testing.T) {
	o := &outline{Modules: []outlineModule{
		{ID: 1, Lessons: []outlineLesson{{ID: 10, Required: true}, {ID: 11, Required: false}}},
		{ID: 2, Lessons: []outlineLesson{{ID: 20, Required: true}}},
	}, Rule: ruleDef{MinAttendedHours: 2, Quizzes: []QuizRequirement{{QuizID: 7, MinScore: 0.8}}}}
	done := func(ids ...int64) map[int64]bool {
		m := map[int64]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	cases := []struct {
		name        string
		o           *outline
		st          learnerState
		met         bool
		percent     int
		next        string
		nextLesson  int64
		requiredTot int
	}{
		{"nothing done", o, learnerState{}, false, 0, "lesson", 10, 2},
		{"required lessons done, optional not", o, learnerState{Completed: done(10, 20)}, false, 50, "lesson", 11, 2},
		{"all lessons, quiz passed below minimum", o, learnerState{Completed: done(10, 11, 20), Quizzes: map[int64]quizState{7: {BestScore: 0.7, Passed: true, Attempts: 1}}}, false, 50, "quiz", 0, 2},
		{"quiz met, one hour of two", o, learnerState{Completed: done(10, 11, 20), Quizzes: map[int64]quizState{7: {BestScore: 0.85, Passed: true, Attempts: 2}}, AttendedMinutes: 60}, false, 87, "session", 0, 2},
		{"everything", o, learnerState{Completed: done(10, 20), Quizzes: map[int64]quizState{7: {BestScore: 0.85, Passed: true, Attempts: 2}}, AttendedMinutes: 120}, true, 100, "lesson", 11, 2},
		{"high score but not passed", o, learnerState{Completed: done(10, 20), Quizzes: map[int64]quizState{7: {BestScore: 0.9, Passed: false, Attempts: 1}}, AttendedMinutes: 120}, false, 75, "lesson", 11, 2},
		{"nothing flagged required: every lesson is", &outline{Modules: []outlineModule{{ID: 1, Lessons: []outlineLesson{{ID: 1}, {ID: 2}, {ID: 3}}}}},
			learnerState{Completed: done(1, 2)}, false, 66, "lesson", 3, 3},
		{"nothing flagged, all done", &outline{Modules: []outlineModule{{ID: 1, Lessons: []outlineLesson{{ID: 1}}}}},
			learnerState{Completed: done(1)}, true, 100, "", 0, 1},
		{"progress on a lesson no longer in the outline does not count", &outline{Modules: []outlineModule{{ID: 1, Lessons: []outlineLesson{{ID: 1, Required: true}, {ID: 2, Required: true}}}}},
			learnerState{Completed: done(1, 99)}, false, 50, "lesson", 2, 2},
	}
	for _, tc := range cases {
		ev := evaluate(tc.o, tc.st)
		if ev.Met != tc.met || ev.Percent != tc.percent || ev.RequiredLessonsTotal != tc.requiredTot {
			t.Errorf("%s: met %v percent %d required %d, want %v %d %d", tc.name, ev.Met, ev.Percent, ev.RequiredLessonsTotal, tc.met, tc.percent, tc.requiredTot)
		}
		switch {
		case tc.next == "" && ev.Next != nil:
			t.Errorf("%s: next = %+v, want none", tc.name, ev.Next)
		case tc.next != "" && (ev.Next == nil || ev.Next.Kind != tc.next || ev.Next.LessonID != tc.nextLesson):
			t.Errorf("%s: next = %+v, want %s %d", tc.name, ev.Next, tc.next, tc.nextLesson)
		}
	}
}

func TestHeartbeatCredit(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := t0.Add(d); return &x }
	cases := []struct {
		name   string
		last   *time.Time
		now    time.Time
		active bool
		want   int
	}{
		{"first beat", nil, t0, true, 0},
		{"30 s later", at(0), t0.Add(30 * time.Second), true, 30},
		{"idle", at(0), t0.Add(30 * time.Second), false, 0},
		{"a long but live gap is capped", at(0), t0.Add(80 * time.Second), true, 60},
		{"after a break nothing", at(0), t0.Add(10 * time.Minute), true, 0},
		{"a beat from the future", at(time.Minute), t0, true, 0},
		{"a burst earns only real time", at(0), t0.Add(300 * time.Millisecond), true, 0},
	}
	for _, tc := range cases {
		if got := heartbeatCredit(tc.last, tc.now, tc.active); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestSplitFrontMatter(t *testing.T) {
	cases := []struct {
		src, meta, body string
		line            int
		ok              bool
	}{
		{"---\ntitle: A\n---\nBody\n", "title: A\n", "Body\n", 4, true},
		{"\uFEFF---\r\ntitle: A\r\nx: 1\r\n---\r\n\r\nBody", "title: A\nx: 1\n", "\nBody", 5, true},
		{"---\n---\nBody", "", "Body", 3, true},
		{"title: A\n---\nBody", "", "", 0, false},
		{"---\ntitle: A\nBody", "", "", 0, false},
	}
	for _, tc := range cases {
		meta, body, line, ok := splitFrontMatter(tc.src)
		if ok != tc.ok || (ok && (meta != tc.meta || body != tc.body || line != tc.line)) {
			t.Errorf("%q: %q %q %d %v", tc.src, meta, body, line, ok)
		}
	}
}

func TestFoldSearch(t *testing.T) {
	for in, want := range map[string]string{
		"Трговина људима": "trgovina ljudima",
		"ĐORĐE Šarić":     "djordje saric",
		"Џеп":             "dzep",
	} {
		if got := foldSearch(in); got != want {
			t.Errorf("foldSearch(%q) = %q, want %q", in, got, want)
		}
	}
}
