package courses_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/courses"
)

// Hostile Markdown through the API: what survives in the draft's HTML and
// in the published lesson a learner reads.
func TestMarkdownSanitisation(t *testing.T) {
	w := newWorld(t)
	c := w.course("sanitizacija", []int{1}, false)
	cases := []struct {
		name    string
		src     string
		never   []string // must not appear (lower-cased HTML)
		survive string   // must appear
	}{
		{"script tag", "Пре <script>alert(1)</script> после", []string{"<script", "alert(1)</script"}, "после"},
		{"event handler", `<img src=x onerror="alert(1)">текст`, []string{"onerror", "<img src=x"}, "текст"},
		{"javascript link", "[кликни](javascript:alert(1))", []string{"javascript:", "href"}, "кликни"},
		{"entity-encoded javascript", "[x](jav&#x61;script:alert(1))", []string{"script:", "href"}, "x"},
		{"tab in scheme", "[x](java\tscript:alert(1))", []string{"href"}, "x"},
		{"data url image", "![a](data:image/svg+xml;base64,PHN2Zz4=)", []string{"data:", "<img"}, "a"},
		{"svg payload", `<svg><script>alert(1)</script><foreignObject onload=alert(1)></svg>ok`, []string{"<svg", "onload", "<script"}, "ok"},
		{"comment breakout", "<!-- --><script>alert(1)</script> -->\n\nостало", []string{"<script", "<!--"}, "остало"},
		{"iframe", "<iframe src=\"https://evil.example\"></iframe>\n\nтекст", []string{"<iframe"}, "текст"},
		{"style attribute", "<p style=\"background:url(javascript:alert(1))\">y</p>\n\nx", []string{"style=", "javascript"}, "x"},
		{"safe link kept", "[извор](https://www.unodc.org/)", []string{"javascript"}, `href="https://www.unodc.org/"`},
	}
	var ids []int64
	for _, tc := range cases {
		var l courses.LessonDraft
		w.do("trainer", "POST", path("/modules/%d/lessons", c.Modules[0]), map[string]any{"title": map[string]string{"sr": tc.name},
			"body": map[string]string{"sr": tc.src, "en": tc.src}}).WantStatus(201).JSON(&l)
		ids = append(ids, l.ID)
		for _, html := range []string{l.HTML.Sr, l.HTML.En} {
			check(t, "draft "+tc.name, html, tc.never, tc.survive)
		}
	}
	w.do("trainer", "POST", path("/courses/%d/publish", c.ID), nil).WantStatus(200)
	for i, tc := range cases {
		for _, loc := range []string{"sr-Cyrl", "sr-Latn", "en"} {
			var lv courses.LessonView
			w.do("learner", "GET", path("/lessons/%d?locale=%s", ids[i], loc), nil).WantStatus(200).JSON(&lv)
			survive := tc.survive
			if loc == "sr-Latn" {
				survive = strings.NewReplacer("после", "posle", "текст", "tekst", "кликни", "klikni", "остало", "ostalo").Replace(survive)
			}
			check(t, "published "+loc+" "+tc.name, lv.HTML, tc.never, survive)
		}
	}
}

func check(t *testing.T, name, html string, never []string, survive string) {
	t.Helper()
	lower := strings.ToLower(html)
	for _, n := range never {
		if strings.Contains(lower, strings.ToLower(n)) {
			t.Errorf("%s: %q survived in %q", name, n, html)
		}
	}
	if !strings.Contains(html, survive) {
		t.Errorf("%s: %q lost from %q", name, survive, html)
	}
}

type countingListener struct {
	n      atomic.Int64
	mu     sync.Mutex
	events []courses.CompletionEvent
}

func (l *countingListener) CourseCompleted(_ context.Context, e courses.CompletionEvent) error {
	l.n.Add(1)
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
	return nil
}

// A course is published, a learner gets half way, the trainer edits
// (removes a lesson the learner finished, edits another, adds one) and
// republishes: progress stays on the lessons that remain, the course
// completes once, and a later edit does not un-complete it.
func TestEditWhileLearning(t *testing.T) {
	w := newWorld(t)
	lst := &countingListener{}
	w.s.App.Courses.SetCompletionListener(lst)
	c := w.course("izmene", []int{2, 2}, true)
	l := c.Lessons // [[a b] [c d]]
	w.do("learner", "POST", path("/courses/%d/enrolment", c.ID), nil).WantStatus(201)
	w.do("learner", "POST", path("/lessons/%d/complete", l[0][0]), nil).WantStatus(200)
	var pr courses.CourseProgress
	w.do("learner", "POST", path("/lessons/%d/complete", l[0][1]), nil).WantStatus(200).JSON(&pr)
	if pr.Percent != 50 || pr.Next == nil || pr.Next.LessonID != l[1][0] {
		t.Fatalf("half way: %+v", pr)
	}
	// Edit: remove b (done), edit c's text, add e to module 2, move d to module 1.
	d := w.draft(c.ID)
	w.do("trainer", "DELETE", path("/lessons/%d", l[0][1]), nil).WantStatus(204)
	w.do("trainer", "PATCH", path("/lessons/%d", l[1][0]), map[string]any{"version": d.Modules[1].Lessons[0].Version, "body": map[string]string{"sr": "Нови текст."}}).WantStatus(200)
	var e courses.LessonDraft
	w.do("trainer", "POST", path("/modules/%d/lessons", c.Modules[1]), map[string]any{"title": map[string]string{"sr": "Нова лекција"}, "body": map[string]string{"sr": "x"}}).
		WantStatus(201).JSON(&e)
	d = w.draft(c.ID)
	w.do("trainer", "PUT", path("/modules/%d/lessons/order", c.Modules[0]), map[string]any{"version": d.Modules[0].Version, "lesson_ids": []int64{l[1][1], l[0][0]}}).WantStatus(200)
	// Before republishing, the learner's view is unchanged.
	if p := w.progress("learner", c.ID); p.Percent != 50 || p.LessonsTotal != 4 {
		t.Fatalf("before republish: %+v", p)
	}
	w.do("trainer", "POST", path("/courses/%d/publish", c.ID), nil).WantStatus(200)
	// Now: a (done), d, c, e: one of four.
	p := w.progress("learner", c.ID)
	if p.Revision != 2 || p.LessonsTotal != 4 || p.LessonsDone != 1 || p.Percent != 25 || p.Completed {
		t.Fatalf("after republish: %+v", p)
	}
	if p.Next == nil || p.Next.LessonID != l[1][1] {
		t.Fatalf("next = %+v, want lesson %d (moved to module 1)", p.Next, l[1][1])
	}
	// The removed lesson is gone for learners, and cannot be completed.
	w.do("learner", "GET", path("/lessons/%d", l[0][1]), nil).WantProblem(404, "lesson_not_found")
	for _, id := range []int64{l[1][1], l[1][0]} {
		w.do("learner", "POST", path("/lessons/%d/complete", id), nil).WantStatus(200)
	}
	if n := lst.n.Load(); n != 0 {
		t.Fatalf("completed early: %d events", n)
	}
	w.do("learner", "POST", path("/lessons/%d/complete", e.ID), nil).WantStatus(200).JSON(&pr)
	if !pr.Completed || pr.Percent != 100 || pr.CompletedRevision != 2 {
		t.Fatalf("after the last lesson: %+v", pr)
	}
	if n := lst.n.Load(); n != 1 || lst.events[0].CourseVersion != 2 || lst.events[0].UserID != w.f.Users["learner"] {
		t.Fatalf("events = %+v", lst.events)
	}
	// Completing again, or a new required lesson in a later revision, does
	// not un-complete nor fire again.
	w.do("learner", "POST", path("/lessons/%d/complete", e.ID), nil).WantStatus(200)
	w.do("trainer", "POST", path("/modules/%d/lessons", c.Modules[0]), map[string]any{"title": map[string]string{"sr": "Још једна"}, "body": map[string]string{"sr": "y"}}).WantStatus(201)
	w.do("trainer", "POST", path("/courses/%d/publish", c.ID), nil).WantStatus(200)
	p = w.progress("learner", c.ID)
	if !p.Completed || p.Percent != 100 || p.RuleMet || p.CompletedRevision != 2 {
		t.Fatalf("after a later edition: %+v", p)
	}
	if lst.n.Load() != 1 {
		t.Fatalf("events fired again: %d", lst.n.Load())
	}
	// Progress on the archived lesson is kept (re-adding is possible through import by key).
	var n int64
	w.s.DB.Raw("SELECT COUNT(*) FROM lesson_progress WHERE lesson_id = ? AND completed_at IS NOT NULL", l[0][1]).Scan(&n)
	if n != 1 {
		t.Fatal("progress on the removed lesson was lost")
	}
}

// Two trainers reorder one module at once: one wins, the other gets 409,
// and no lesson is lost or duplicated.
func TestConcurrentReorder(t *testing.T) {
	w := newWorld(t)
	c := w.course("redosled", []int{6, 1}, false)
	w.addUser("coauthor", "co@ngo.test", "Коаутор", "other", rolesTrainer())
	w.do("trainer", "POST", path("/courses/%d/authors", c.ID), map[string]any{"user_id": w.f.Users["coauthor"]}).WantStatus(200)
	for round := 0; round < 5; round++ {
		d := w.draft(c.ID)
		var live []int64
		for _, l := range d.Modules[0].Lessons {
			live = append(live, l.ID)
		}
		rev := make([]int64, len(live))
		for i := range live {
			rev[i] = live[len(live)-1-i]
		}
		rot := append(append([]int64{}, live[1:]...), live[0])
		// The co-author also moves module 2's lesson in.
		rotMove := append(append([]int64{}, rot...), d.Modules[1].Lessons[0].ID)
		if round%2 == 1 {
			rotMove = rot
		}
		orders := [][]int64{rev, rotMove}
		codes := make([]int, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, who := range []string{"trainer", "coauthor"} {
			wg.Add(1)
			go func(i int, who string) {
				defer wg.Done()
				<-start
				r := w.s.As(w.f, who, apiReq("PUT", path("/api/v1/modules/%d/lessons/order", c.Modules[0]), map[string]any{"version": d.Modules[0].Version, "lesson_ids": orders[i]}))
				codes[i] = r.Code
			}(i, who)
		}
		close(start)
		wg.Wait()
		ok, conflict := 0, 0
		winner := -1
		for i, code := range codes {
			switch code {
			case http.StatusOK:
				ok++
				winner = i
			case http.StatusConflict:
				conflict++
			default:
				t.Fatalf("round %d: status %d", round, code)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("round %d: codes %v, want one 200 and one 409", round, codes)
		}
		after := w.draft(c.ID)
		var got []int64
		for _, l := range after.Modules[0].Lessons {
			got = append(got, l.ID)
		}
		if !equalIDs(got, orders[winner]) {
			t.Fatalf("round %d: order %v, want the winner's %v", round, got, orders[winner])
		}
		total := len(after.Modules[0].Lessons) + len(after.Modules[1].Lessons)
		if total != 7 {
			t.Fatalf("round %d: %d lessons, want 7", round, total)
		}
		if len(after.Modules[1].Lessons) == 0 {
			// Put it back for the next round.
			var m1 []int64
			for _, l := range after.Modules[0].Lessons[:6] {
				m1 = append(m1, l.ID)
			}
			w.do("trainer", "PUT", path("/modules/%d/lessons/order", c.Modules[1]), map[string]any{"version": after.Modules[1].Version,
				"lesson_ids": []int64{after.Modules[0].Lessons[6].ID}}).WantStatus(200)
		}
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The completion event fires exactly once when many requests complete the
// course at the same moment (the last lesson and the required quiz).
func TestCompletionFiresOnceUnderConcurrency(t *testing.T) {
	w := newWorld(t)
	lst := &countingListener{}
	w.s.App.Courses.SetCompletionListener(lst)
	c := w.course("jednom", []int{1}, false)
	d := w.draft(c.ID)
	w.do("trainer", "PATCH", path("/courses/%d", c.ID), map[string]any{"version": d.Version,
		"completion": map[string]any{"quizzes": []map[string]any{{"quiz_id": 77, "min_score": 0.8}}}}).WantStatus(200)
	w.do("trainer", "POST", path("/courses/%d/publish", c.ID), nil).WantStatus(200)
	w.do("learner", "POST", path("/courses/%d/enrolment", c.ID), nil).WantStatus(201)
	svc := w.s.App.Courses
	ctx := context.Background()
	uid := w.f.Users["learner"]
	// A pass below the minimum does not complete.
	if err := svc.RecordQuizResult(ctx, uid, c.ID, 77, 0.7, true); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 20)
	for i := 0; i < 10; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			errs <- svc.RecordQuizResult(ctx, uid, c.ID, 77, 0.9, true)
		}()
		go func() {
			defer wg.Done()
			<-start
			_, err := svc.CompleteLesson(ctx, w.principal("learner"), c.Lessons[0][0])
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := lst.n.Load(); n != 1 {
		t.Fatalf("completion fired %d times, want 1", n)
	}
	p := w.progress("learner", c.ID)
	if !p.Completed || len(p.Quizzes) != 1 || !p.Quizzes[0].Met || *p.Quizzes[0].BestScore != 0.9 {
		t.Fatalf("progress = %+v", p)
	}
	// Not enrolled: the quiz package is told so.
	if err := svc.RecordQuizResult(ctx, w.f.Users["learner_b"], c.ID, 77, 1, true); err == nil {
		t.Fatal("a result for a learner who is not enrolled was accepted")
	}
	if ok, _ := svc.Enrolled(ctx, w.f.Users["learner_b"], c.ID); ok {
		t.Fatal("Enrolled is wrong")
	}
	ref, err := svc.CourseAccess(ctx, w.principal("learner"), c.ID)
	if err != nil || ref.Edit || ref.Version != 1 || ref.Status != "published" {
		t.Fatalf("CourseAccess = %+v, %v", ref, err)
	}
	if mc, err := svc.ModuleCourse(ctx, c.Modules[0]); err != nil || mc != c.ID {
		t.Fatalf("ModuleCourse = %d, %v", mc, err)
	}
}

// Heartbeats through the service with a frozen clock: real time between
// beats counts, capped; idle and long gaps do not.
func TestHeartbeatIsBounded(t *testing.T) {
	w := newWorld(t)
	c := w.course("vreme", []int{1}, true)
	w.do("learner", "POST", path("/courses/%d/enrolment", c.ID), nil).WantStatus(201)
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	svc := courses.NewService(w.s.DB.DB, w.s.App.Accounts, func() time.Time { return now })
	p := w.principal("learner")
	beat := func(after time.Duration, active bool) int {
		t.Helper()
		now = now.Add(after)
		lt, err := svc.Heartbeat(context.Background(), p, c.Lessons[0][0], active)
		if err != nil {
			t.Fatal(err)
		}
		return lt.SecondsSpent
	}
	steps := []struct {
		after  time.Duration
		active bool
		want   int
	}{
		{0, true, 0}, {30 * time.Second, true, 30}, {time.Second, true, 31}, {time.Second, true, 32},
		{85 * time.Second, true, 92}, {30 * time.Second, false, 92}, {20 * time.Minute, true, 92}, {30 * time.Second, true, 122},
	}
	for i, s := range steps {
		if got := beat(s.after, s.active); got != s.want {
			t.Fatalf("step %d: %d seconds, want %d", i, got, s.want)
		}
	}
	// Not enrolled: no time is recorded.
	if _, err := svc.Heartbeat(context.Background(), w.principal("learner_b"), c.Lessons[0][0], true); err == nil {
		t.Fatal("a heartbeat without enrolment was accepted")
	}
}
