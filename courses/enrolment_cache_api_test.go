package courses_test

import (
	"context"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

// runBackground runs s's background work (on Postgres, the caches hear of
// changes only while it listens) until the test ends.
func runBackground(t *testing.T, s *apitest.Server) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.App.RunBackground(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// enrolledIn reads the catalogue as who on s and says which courses it marks enrolled.
func enrolledIn(t *testing.T, s *apitest.Server, f *apitest.Fixture, who string) map[int64]bool {
	t.Helper()
	var page accounts.ListResponse[courses.CourseSummary]
	s.As(f, who, apitest.Request{Method: "GET", Path: "/api/v1/courses?limit=100"}).WantStatus(200).JSON(&page)
	out := map[int64]bool{}
	for _, c := range page.Items {
		out[c.ID] = c.Enrolled
	}
	return out
}

// answeringFromMemory waits until s's catalogue answers who's enrolments
// from memory: an enrolment in course written behind the service's back is
// not seen. The row stays, and shows once the cache forgets who.
func answeringFromMemory(t *testing.T, s *apitest.Server, f *apitest.Fixture, who string, course int64) {
	t.Helper()
	uid := f.Users[who]
	deadline := time.Now().Add(10 * time.Second)
	for {
		if enrolledIn(t, s, f, who)[course] {
			t.Fatal("enrolled before any enrolment")
		}
		if err := s.DB.Exec("INSERT INTO course_enrolments (user_id, course_id, source, enrolled_at, cycle, completed_revision) VALUES (?, ?, 'admin', ?, 1, 0)",
			uid, course, time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		if !enrolledIn(t, s, f, who)[course] {
			return
		}
		if err := s.DB.Exec("DELETE FROM course_enrolments WHERE user_id = ? AND course_id = ?", uid, course).Error; err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the catalogue never answered from memory")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The catalogue marks a learner's enrolments from memory. Every way of
// being enrolled (by oneself, by a trainer, by one's manager, by registering
// for a live session) must show in the very next catalogue.
func TestCatalogueSeesEveryEnrolmentAtOnce(t *testing.T) {
	w := newWorld(t)
	runBackground(t, w.s)
	hidden := w.course("iza-ledja", []int{1}, true)
	self := w.course("sam", []int{1}, true)
	byTrainer := w.course("trener", []int{1}, true)
	byManager := w.course("menadzer", []int{1}, true)
	bySession := w.course("radionica-uzivo", []int{1}, true)
	var sv courses.SessionView
	w.do("trainer", "POST", path("/courses/%d/sessions", bySession.ID), map[string]any{"kind": "in_person", "place": "Нови Сад",
		"starts_at": time.Now().UTC().Add(48 * time.Hour).Truncate(time.Minute), "duration_minutes": 120, "capacity": 10}).WantStatus(201).JSON(&sv)

	answeringFromMemory(t, w.s, w.f, "learner", hidden.ID)
	learner := w.f.Users["learner"]
	steps := []struct {
		name   string
		course int64
		act    func()
	}{
		{"self-enrolment", self.ID, func() {
			w.do("learner", "POST", path("/courses/%d/enrolment", self.ID), nil).WantStatus(201)
		}},
		{"a trainer's enrolment", byTrainer.ID, func() {
			w.do("trainer", "POST", path("/courses/%d/enrolments", byTrainer.ID), map[string]any{"user_ids": []int64{learner}}).WantStatus(200)
		}},
		{"a manager's assignment", byManager.ID, func() {
			w.do("manager_same", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": byManager.ID, "user_ids": []int64{learner}}).WantStatus(200)
		}},
		{"a session registration", bySession.ID, func() {
			w.do("learner", "POST", path("/sessions/%d/registrations", sv.ID), nil).WantStatus(200)
		}},
	}
	for i, st := range steps {
		// The catalogue is read (and remembered) just before each enrolment.
		if got := enrolledIn(t, w.s, w.f, "learner"); got[st.course] || got[hidden.ID] != (i > 0) {
			t.Fatalf("before %s: enrolled = %v", st.name, got)
		}
		st.act()
		if got := enrolledIn(t, w.s, w.f, "learner"); !got[st.course] || !got[hidden.ID] {
			t.Fatalf("after %s, the catalogue still shows the old enrolments: %v", st.name, got)
		}
	}
	// Nobody else's catalogue changed.
	if got := enrolledIn(t, w.s, w.f, "learner_b"); got[self.ID] || got[byTrainer.ID] || got[byManager.ID] || got[bySession.ID] {
		t.Fatalf("another learner's catalogue: %v", got)
	}
}

// Two instances serve one Postgres database. An enrolment made through one
// shows in the other's catalogue, which hears of it by LISTEN/NOTIFY (its
// memory would otherwise keep the old answer for a minute).
func TestCatalogueEnrolmentsAcrossInstances(t *testing.T) {
	if dbtest.Dialect() != database.Postgres {
		t.Skip("several instances share a database only on Postgres")
	}
	db := dbtest.New(t)
	a, b := apitest.NewOn(t, db), apitest.NewOn(t, db)
	runBackground(t, a)
	runBackground(t, b)
	w := &world{t: t, s: a, f: a.NewFixture()}
	hidden := w.course("iza-ledja", []int{1}, true)
	open := w.course("otvoren", []int{1}, true)
	assigned := w.course("dodeljen", []int{1}, true)

	answeringFromMemory(t, b, w.f, "learner", hidden.ID)
	eventually := func(what string, course int64) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !enrolledIn(t, b, w.f, "learner")[course] {
			if time.Now().After(deadline) {
				t.Fatalf("%s through one instance never showed on the other", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	w.do("learner", "POST", path("/courses/%d/enrolment", open.ID), nil).WantStatus(201)
	eventually("self-enrolment", open.ID)
	// Remembered again on b, then a manager assigns through a.
	if enrolledIn(t, b, w.f, "learner")[assigned.ID] {
		t.Fatal("enrolled before the assignment")
	}
	w.do("manager_same", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": assigned.ID, "user_ids": []int64{w.f.Users["learner"]}}).WantStatus(200)
	eventually("an assignment", assigned.ID)
}
