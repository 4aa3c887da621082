package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/content"
)

const demoPassword = "demo-secret-for-tests-42"

// TestDemoState: after EnsureDemo every role finds the platform in use, through the API: the
// learner holds the foundation certificate, the manager's staff are in every state of progress,
// and the trainer's quiz has attempts to analyse. A second run adds nothing.
func TestDemoState(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	ctx := context.Background()
	s := apitest.New(t)
	res, err := s.App.EnsureDemo(ctx, demoPassword)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	if !res.Created || res.State == nil || !res.State.ContentSeeded || res.State.TrainerCourse == 0 {
		t.Fatalf("first run: %+v %+v", res, res.State)
	}
	as := func(local string) func(method, path string) *apitest.Response {
		id, err := s.App.Accounts.UserIDByEmail(ctx, local+"@"+app.DemoDomain)
		if err != nil {
			t.Fatalf("%s: %v", local, err)
		}
		sess, err := s.App.Accounts.SessionFor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return func(method, path string) *apitest.Response {
			t.Helper()
			return s.Do(apitest.Request{Method: method, Path: path, Bearer: sess.AccessToken})
		}
	}

	// Every demo account, old and new, signs in with the demo password.
	for _, local := range []string{"learner", "trainer", "manager", "jovana.petrovic", "marko.ristic"} {
		s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{
			"email": local + "@" + app.DemoDomain, "password": demoPassword, "client": "api"}}).WantStatus(200)
	}

	// The learner: the foundation course completed, its certificate held.
	type certPage struct {
		Total int `json:"total"`
		Items []struct {
			Kind     string `json:"kind"`
			CourseID *int64 `json:"course_id"`
		} `json:"items"`
	}
	var certs certPage
	as("learner")("GET", "/api/v1/me/certificates").WantStatus(200).JSON(&certs)
	if certs.Total != 1 || len(certs.Items) != 1 {
		t.Fatalf("the demo learner has %d certificates, want 1", certs.Total)
	}
	// The default content's owner is a disabled system account: it signs nothing.
	var snapshots []string
	if err := s.DB.Table("certificates").Pluck("snapshot", &snapshots).Error; err != nil || len(snapshots) == 0 {
		t.Fatalf("certificate snapshots: %v, %d", err, len(snapshots))
	}
	for _, snap := range snapshots {
		if strings.Contains(snap, "Prepoznaj content") {
			t.Fatalf("a certificate is signed by the content account: %s", snap)
		}
	}
	var foundation int64
	if err := s.DB.Table("courses").Where("slug = ?", "foundation").Pluck("id", &foundation).Error; err != nil {
		t.Fatal(err)
	}
	var prog struct {
		Completed bool `json:"completed"`
		Quizzes   []struct {
			Passed bool `json:"passed"`
		} `json:"quizzes"`
	}
	as("learner")("GET", fmt.Sprintf("/api/v1/courses/%d/progress", foundation)).WantStatus(200).JSON(&prog)
	if !prog.Completed || len(prog.Quizzes) == 0 || !prog.Quizzes[0].Passed {
		t.Fatalf("learner's foundation progress: %+v", prog)
	}
	var graded int64
	learnerID, _ := s.App.Accounts.UserIDByEmail(ctx, "learner@"+app.DemoDomain)
	if err := s.DB.Table("quiz_attempts").Where("user_id = ? AND course_id = ? AND score IS NOT NULL", learnerID, foundation).Count(&graded).Error; err != nil || graded == 0 {
		t.Fatalf("no graded attempt of the learner in the foundation course (%v)", err)
	}

	// The manager: staff in every state.
	inst, err := s.App.Accounts.InstitutionIDByName(ctx, app.DemoInstitution)
	if err != nil {
		t.Fatal(err)
	}
	var rows struct {
		Items []struct {
			Email       string  `json:"email"`
			Profession  string  `json:"profession"`
			Enrolled    bool    `json:"enrolled"`
			Percent     int     `json:"percent"`
			CompletedAt *string `json:"completed_at"`
			Overdue     bool    `json:"overdue"`
		} `json:"items"`
	}
	as("manager")("GET", fmt.Sprintf("/api/v1/institutions/%d/progress?course_id=%d&limit=100", inst, foundation)).WantStatus(200).JSON(&rows)
	state := map[string]string{}
	professions := map[string]bool{}
	for _, r := range rows.Items {
		professions[r.Profession] = true
		switch {
		case r.CompletedAt != nil:
			state[r.Email] = "completed"
		case r.Overdue:
			state[r.Email] = "overdue"
		case r.Enrolled && r.Percent > 0:
			state[r.Email] = "in_progress"
		case r.Enrolled:
			state[r.Email] = "not_started"
		default:
			state[r.Email] = "not_enrolled"
		}
	}
	want := map[string]string{"learner": "completed", "jovana.petrovic": "completed", "nikola.stojanovic": "in_progress",
		"marina.ilic": "overdue", "stefan.jovanovic": "not_started"}
	for local, st := range want {
		if got := state[local+"@"+app.DemoDomain]; got != st {
			t.Errorf("%s: %q, want %q (all: %v)", local, got, st, state)
		}
	}
	if n := len(rows.Items); n < 5 || n > 8 || len(professions) < 3 {
		t.Errorf("%d members, professions %v", n, professions)
	}
	as("jovana.petrovic")("GET", "/api/v1/me/certificates").WantStatus(200).JSON(&certs)
	if certs.Total != 1 {
		t.Errorf("the member who completed has %d certificates", certs.Total)
	}

	// The trainer: a course of their own whose case quiz has attempts by several professions
	// and institutions, with detection and false-alarm rates.
	var quizzes struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	as("trainer")("GET", fmt.Sprintf("/api/v1/quizzes?course_id=%d", res.State.TrainerCourse)).WantStatus(200).JSON(&quizzes)
	var an struct {
		Attempts   int `json:"attempts"`
		Indicators []struct {
			Code    string `json:"code"`
			Overall struct {
				DetectionRate *float64 `json:"detection_rate"`
				FalseAlarm    *float64 `json:"false_alarm_rate"`
			} `json:"overall"`
			ByProfession  []struct{ Key string } `json:"by_profession"`
			ByInstitution []struct{ Key string } `json:"by_institution"`
		} `json:"indicators"`
	}
	best := 0
	for _, q := range quizzes.Items {
		var a = an
		as("trainer")("GET", fmt.Sprintf("/api/v1/quizzes/%d/analytics", q.ID)).WantStatus(200).JSON(&a)
		if a.Attempts > best {
			best, an = a.Attempts, a
		}
	}
	if best < 10 || best > 25 {
		t.Fatalf("the trainer's busiest quiz has %d attempts", best)
	}
	partial, alarms, groups, insts := false, false, 0, 0
	for _, ind := range an.Indicators {
		if r := ind.Overall.DetectionRate; r != nil && *r > 0 && *r < 1 {
			partial = true
		}
		if r := ind.Overall.FalseAlarm; r != nil && *r > 0 {
			alarms = true
		}
		groups, insts = max(groups, len(ind.ByProfession)), max(insts, len(ind.ByInstitution))
	}
	t.Logf("trainer's quiz: %d attempts, %d indicators, %d professions, %d institutions", best, len(an.Indicators), groups, insts)
	if !partial || !alarms || groups < 4 || insts < 4 {
		t.Errorf("analytics: partial detection %v, false alarms %v, %d professions, %d institutions", partial, alarms, groups, insts)
	}
	var owner int64
	if err := s.DB.Table("courses").Where("id = ?", res.State.TrainerCourse).Pluck("owner_id", &owner).Error; err != nil {
		t.Fatal(err)
	}
	if trainerID, _ := s.App.Accounts.UserIDByEmail(ctx, "trainer@"+app.DemoDomain); owner != trainerID {
		t.Errorf("the trainer's course is owned by %d", owner)
	}

	// A second run adds nothing.
	count := func() map[string]int64 {
		out := map[string]int64{}
		for _, table := range []string{"users", "institutions", "courses", "course_enrolments", "lesson_progress", "quiz_attempts", "quiz_questions", "certificates", "live_sessions"} {
			var n int64
			if err := s.DB.Table(table).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			out[table] = n
		}
		return out
	}
	before := count()
	again, err := s.App.EnsureDemo(ctx, "another-password-entirely")
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.State.Changed() {
		t.Errorf("second run: %+v %+v", again, again.State)
	}
	if after := count(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("second run wrote rows: %v -> %v", before, after)
	}
	if again.State.TrainerCourse != res.State.TrainerCourse {
		t.Errorf("trainer's course %d, then %d", res.State.TrainerCourse, again.State.TrainerCourse)
	}
	var slug string
	if err := s.DB.Table("courses").Where("id = ?", res.State.TrainerCourse).Pluck("slug", &slug).Error; err != nil || slug != content.DemoCourseSlug {
		t.Errorf("trainer's course slug %q (%v)", slug, err)
	}
}
