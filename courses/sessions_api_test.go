package courses_test

import (
	"context"
	"encoding/csv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/courses"
)

// Live sessions: capacity under concurrency, the register with corrections
// kept, closing, admin-only audited changes afterwards, attended hours in
// the completion rule, and the CSV for the trainer and the managers.
func TestSessionsAndAttendance(t *testing.T) {
	w := newWorld(t)
	lst := &countingListener{}
	w.s.App.Courses.SetCompletionListener(lst)
	c := w.course("radionica", []int{1}, false)
	d := w.draft(c.ID)
	w.do("trainer", "PATCH", path("/courses/%d", c.ID), map[string]any{"version": d.Version, "completion": map[string]any{"min_attended_hours": 3}}).WantStatus(200)
	w.do("trainer", "PATCH", path("/lessons/%d", c.Lessons[0][0]), map[string]any{"version": d.Modules[0].Lessons[0].Version, "required": false}).WantStatus(200)
	w.do("trainer", "POST", path("/courses/%d/publish", c.ID), nil).WantStatus(200)

	start := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Minute)
	// Validation: an online session needs an https link, an in-person one a place.
	w.do("trainer", "POST", path("/courses/%d/sessions", c.ID), map[string]any{"kind": "online", "link": "javascript:alert(1)", "starts_at": start, "duration_minutes": 240, "capacity": 3}).
		WantProblem(400, "validation_failed")
	w.do("trainer", "POST", path("/courses/%d/sessions", c.ID), map[string]any{"kind": "in_person", "starts_at": start, "duration_minutes": 240, "capacity": 3}).
		WantProblem(400, "validation_failed")
	var sv courses.SessionView
	w.do("trainer", "POST", path("/courses/%d/sessions", c.ID), map[string]any{"kind": "in_person", "place": "=HYPERLINK(\"http://evil\")",
		"title": map[string]string{"sr": "Радионица"}, "starts_at": start, "duration_minutes": 240, "capacity": 3}).WantStatus(201).JSON(&sv)

	// Five more staff of A race for the three places.
	var staff []int64
	for i, email := range []string{"a1@a.test", "a2@a.test", "a3@a.test", "a4@a.test", "a5@a.test"} {
		staff = append(staff, w.addUser("staff"+string(rune('1'+i)), email, "Службеник "+string(rune('A'+i)), "police", accounts.RolesInput{InstitutionID: &w.f.InstA}))
	}
	var wg sync.WaitGroup
	codes := make([]int, len(staff))
	gate := make(chan struct{})
	for i := range staff {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-gate
			codes[i] = w.s.As(w.f, "staff"+string(rune('1'+i)), apiReq("POST", path("/api/v1/sessions/%d/registrations", sv.ID), nil)).Code
		}(i)
	}
	close(gate)
	wg.Wait()
	ok := 0
	for _, code := range codes {
		switch code {
		case 200:
			ok++
		case 409:
		default:
			t.Fatalf("registration status %d", code)
		}
	}
	w.do("trainer", "GET", path("/sessions/%d", sv.ID), nil).WantStatus(200).JSON(&sv)
	if ok != 3 || sv.Registered != 3 {
		t.Fatalf("%d registrations succeeded, session counts %d; want 3 of capacity 3", ok, sv.Registered)
	}
	// Make room and let the manager register their learner, and try one of B.
	w.do("trainer", "PATCH", path("/sessions/%d", sv.ID), map[string]any{"version": sv.Version, "capacity": 5}).WantStatus(200)
	var rr courses.RegistrationReport
	w.do("manager_same", "POST", path("/sessions/%d/registrations", sv.ID), map[string]any{"user_ids": []int64{w.f.Users["learner"], w.f.Users["learner_b"]}}).
		WantStatus(200).JSON(&rr)
	if len(rr.Registered) != 1 || rr.Registered[0] != w.f.Users["learner"] || len(rr.NotFound) != 1 {
		t.Fatalf("manager registration = %+v", rr)
	}
	w.do("learner", "POST", path("/sessions/%d/registrations", sv.ID), map[string]any{"user_ids": []int64{w.f.Users["learner_b"]}}).WantProblem(403, "forbidden")
	uid := w.f.Users["learner"]

	// The register: a late arrival with minutes; a correction needs a reason and is kept.
	w.do("trainer", "PUT", path("/sessions/%d/attendance", sv.ID), map[string]any{"entries": []map[string]any{{"user_id": uid, "status": "late"}}}).
		WantProblem(400, "validation_failed")
	w.do("trainer", "PUT", path("/sessions/%d/attendance", sv.ID), map[string]any{"entries": []map[string]any{{"user_id": w.f.Users["learner_b"], "status": "present"}}}).
		WantProblem(400, "validation_failed")
	var reg courses.Register
	w.do("trainer", "PUT", path("/sessions/%d/attendance", sv.ID), map[string]any{"entries": []map[string]any{{"user_id": uid, "status": "late", "minutes": 150}}}).
		WantStatus(200).JSON(&reg)
	if p := w.progress("learner", c.ID); p.AttendedHours != 2.5 || p.Completed {
		t.Fatalf("after 150 minutes: %+v", p)
	}
	w.do("trainer", "PUT", path("/sessions/%d/attendance", sv.ID), map[string]any{"entries": []map[string]any{{"user_id": uid, "status": "present"}}}).
		WantProblem(400, "validation_failed") // a correction without a reason
	w.do("trainer", "PUT", path("/sessions/%d/attendance", sv.ID), map[string]any{"entries": []map[string]any{{"user_id": uid, "status": "present", "reason": "стигла на време, грешка у уносу"}}}).
		WantStatus(200).JSON(&reg)
	var line courses.RegisterEntry
	for _, e := range reg.Entries {
		if e.UserID == uid {
			line = e
		}
	}
	if line.Status != "present" || line.Minutes != 240 || line.Hours != 4 || len(line.History) != 2 || line.History[0].Status != "late" || line.History[1].Reason == "" {
		t.Fatalf("register line = %+v", line)
	}
	// Four hours meet the rule: the course completes through attendance.
	if p := w.progress("learner", c.ID); !p.Completed || p.AttendedHours != 4 {
		t.Fatalf("after the correction: %+v", p)
	}
	if lst.n.Load() != 1 {
		t.Fatalf("completion events = %d", lst.n.Load())
	}

	// Close: the others without a line become absent; then only admins change it.
	w.do("trainer", "POST", path("/sessions/%d/close", sv.ID), nil).WantStatus(200).JSON(&reg)
	for _, e := range reg.Entries {
		if e.UserID != uid && e.Status != "absent" {
			t.Fatalf("unrecorded line after close: %+v", e)
		}
	}
	w.do("trainer", "POST", path("/sessions/%d/close", sv.ID), nil).WantProblem(409, "register_closed")
	w.do("trainer", "PUT", path("/sessions/%d/attendance", sv.ID), map[string]any{"entries": []map[string]any{{"user_id": staff[0], "status": "excused", "reason": "боловање"}}}).
		WantProblem(409, "register_closed")
	w.do("learner", "DELETE", path("/sessions/%d/registrations/%d", sv.ID, uid), nil).WantProblem(409, "attendance_recorded")
	regd := func() []int64 {
		var ids []int64
		for _, e := range reg.Entries {
			if e.Status == "absent" {
				ids = append(ids, e.UserID)
			}
		}
		return ids
	}()
	w.do("admin", "PUT", path("/sessions/%d/attendance", sv.ID), map[string]any{"entries": []map[string]any{{"user_id": regd[0], "status": "excused"}}}).
		WantProblem(400, "validation_failed") // after close even a first change needs a reason
	w.do("admin", "PUT", path("/sessions/%d/attendance", sv.ID), map[string]any{"entries": []map[string]any{{"user_id": regd[0], "status": "excused", "reason": "потврда о боловању"}}}).
		WantStatus(200)
	events, err := w.s.App.Accounts.Audit.List(context.Background(), accounts.AuditFilter{Action: courses.ActAttendanceCorrected})
	if err != nil || len(events) != 1 || events[0].Detail["reason"] != "потврда о боловању" || *events[0].ActorID != w.f.Users["admin"] {
		t.Fatalf("audit = %+v, %v", events, err)
	}
	var kept int64
	w.s.DB.Raw("SELECT COUNT(*) FROM attendance_records WHERE session_id = ?", sv.ID).Scan(&kept)
	if kept != 6 { // late, present, 3 absent at close... plus the admin's correction
		t.Fatalf("attendance history has %d records, want 6", kept)
	}
	if err := w.s.DB.Exec("UPDATE attendance_records SET reason = 'x'").Error; err == nil {
		t.Fatal("attendance history could be overwritten")
	}

	// CSV: the trainer sees everyone, formula-safe; the manager of A their
	// staff; the manager of B nothing (404).
	res := w.raw("trainer", "GET", path("/sessions/%d/attendance?format=csv", sv.ID), "", nil, nil).WantStatus(200)
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("Content-Type = %q", ct)
	}
	rows := readCSV(t, res.Body.String())
	if len(rows) != 5 || rows[1][4] != `'=HYPERLINK("http://evil")` {
		t.Fatalf("register csv = %q", rows)
	}
	res = w.raw("manager_same", "GET", path("/sessions/%d/attendance", sv.ID), "", nil, map[string]string{"Accept": "text/csv"}).WantStatus(200)
	if rows := readCSV(t, res.Body.String()); len(rows) != 5 {
		t.Fatalf("manager's register has %d rows", len(rows))
	}
	w.do("manager_other", "GET", path("/sessions/%d/attendance?format=csv", sv.ID), nil).WantProblem(404, "session_not_found")
	w.do("learner", "GET", path("/sessions/%d/attendance", sv.ID), nil).WantProblem(404, "session_not_found")
	// Staff of B on the register: their manager sees only them.
	var sv2 courses.SessionView
	w.do("trainer", "POST", path("/courses/%d/sessions", c.ID), map[string]any{"kind": "online", "link": "https://meet.example.org/r",
		"starts_at": start, "duration_minutes": 60, "capacity": 10}).WantStatus(201).JSON(&sv2)
	w.do("trainer", "POST", path("/sessions/%d/registrations", sv2.ID), map[string]any{"user_ids": []int64{uid, w.f.Users["learner_b"]}}).WantStatus(200)
	w.do("manager_other", "GET", path("/sessions/%d/attendance", sv2.ID), nil).WantStatus(200).JSON(&reg)
	if len(reg.Entries) != 1 || reg.Entries[0].UserID != w.f.Users["learner_b"] {
		t.Fatalf("manager of B sees %+v", reg.Entries)
	}
	// The link is for registered people and those who run the session.
	var seen courses.SessionView
	w.do("learner", "GET", path("/sessions/%d", sv2.ID), nil).WantStatus(200).JSON(&seen)
	if seen.Link == "" || !seen.RegisteredMe {
		t.Fatalf("registered learner: %+v", seen)
	}
	w.do("staff1", "GET", path("/sessions/%d", sv2.ID), nil).WantStatus(200).JSON(&seen)
	if seen.Link != "" {
		t.Fatal("the link is shown to someone not registered")
	}
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\uFEFF")))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Managers assign by profession with a due date; the report shows each
// member's standing, filters, pages, and exports as CSV.
func TestManagerAssignmentAndReport(t *testing.T) {
	w := newWorld(t)
	c := w.course("obavezni", []int{2}, true)
	other := w.course("drugi", []int{1}, true)
	w.addUser("nurse", "nurse@a.test", "=cmd|' /C calc'!A0", "health", accounts.RolesInput{InstitutionID: &w.f.InstA})
	w.addUser("cop", "cop@a.test", "Петар Петровић", "police", accounts.RolesInput{InstitutionID: &w.f.InstA})
	past := time.Now().UTC().Add(-48 * time.Hour)
	due := time.Now().UTC().Add(30 * 24 * time.Hour)
	var rep courses.EnrolReport
	w.do("manager_same", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": c.ID, "profession": "police", "due_at": due}).
		WantStatus(200).JSON(&rep)
	// learner, manager_same and cop are police in A.
	if len(rep.Enrolled) != 3 {
		t.Fatalf("assign by profession = %+v", rep)
	}
	w.do("manager_same", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": c.ID, "user_ids": []int64{w.f.Users["nurse"]}}).WantStatus(200)
	w.do("manager_same", "POST", path("/institutions/%d/enrolments", w.f.InstA), map[string]any{"course_id": c.ID, "user_ids": []int64{w.f.Users["cop"]}, "due_at": past}).
		WantProblem(400, "validation_failed")
	// Make the cop overdue directly (a due date set in the past).
	w.s.DB.Exec("UPDATE course_enrolments SET due_at = ? WHERE user_id = ?", past, w.f.Users["cop"])
	w.do("learner", "POST", path("/lessons/%d/complete", c.Lessons[0][0]), nil).WantStatus(200)
	if err := w.s.App.Courses.RecordQuizResult(context.Background(), w.f.Users["learner"], c.ID, 5, 0.6, false); err != nil {
		t.Fatal(err)
	}
	w.do("learner", "POST", path("/courses/%d/enrolment", other.ID), nil).WantStatus(201)

	type page struct {
		Items []courses.MemberProgress `json:"items"`
		Total int64                    `json:"total"`
	}
	get := func(query string) page {
		t.Helper()
		var p page
		w.do("manager_same", "GET", path("/institutions/%d/progress%s", w.f.InstA, query), nil).WantStatus(200).JSON(&p)
		return p
	}
	all := get("")
	if all.Total != 5 {
		t.Fatalf("enrolment rows = %d, want 5: %+v", all.Total, all.Items)
	}
	var learnerRow courses.MemberProgress
	for _, r := range get(path("?course_id=%d", c.ID)).Items {
		if r.UserID == w.f.Users["learner"] {
			learnerRow = r
		}
	}
	if learnerRow.Percent != 50 || !learnerRow.Enrolled || len(learnerRow.QuizResults) != 1 || learnerRow.QuizResults[0].BestScore != 0.6 || learnerRow.DueAt == nil {
		t.Fatalf("learner's row = %+v", learnerRow)
	}
	if p := get(path("?course_id=%d&status=not_enrolled", c.ID)); p.Total != 0 {
		t.Fatalf("not enrolled = %+v", p.Items)
	}
	if p := get(path("?course_id=%d&status=not_enrolled", other.ID)); p.Total != 3 {
		t.Fatalf("not enrolled in the other course = %d", p.Total)
	}
	if p := get("?status=overdue"); p.Total != 1 || p.Items[0].UserID != w.f.Users["cop"] || !p.Items[0].Overdue {
		t.Fatalf("overdue = %+v", p.Items)
	}
	if p := get("?profession=health"); p.Total != 1 {
		t.Fatalf("health = %+v", p.Items)
	}
	if p := get("?limit=2&offset=4"); len(p.Items) != 1 || p.Total != 5 {
		t.Fatalf("paging = %d items of %d", len(p.Items), p.Total)
	}
	w.do("manager_same", "GET", path("/institutions/%d/progress?status=not_enrolled", w.f.InstA), nil).WantProblem(400, "invalid_query")
	res := w.raw("manager_same", "GET", path("/institutions/%d/progress?course_id=%d&format=csv", w.f.InstA, c.ID), "", nil, nil).WantStatus(200)
	rows := readCSV(t, res.Body.String())
	if len(rows) != 5 || rows[0][0] != "user_id" {
		t.Fatalf("csv = %q", rows)
	}
	for _, r := range rows {
		if strings.HasPrefix(r[1], "=") {
			t.Fatalf("formula not neutralised: %q", r)
		}
	}
	res = w.raw("manager_same", "GET", path("/institutions/%d/progress", w.f.InstA), "", nil, map[string]string{"Accept": "text/csv"}).WantStatus(200)
	if rows := readCSV(t, res.Body.String()); len(rows) != 6 {
		t.Fatalf("csv by Accept has %d rows", len(rows))
	}
	// The learner's own list.
	var mine struct {
		Items []courses.MyCourse `json:"items"`
	}
	w.do("learner", "GET", "/me/courses", nil).WantStatus(200).JSON(&mine)
	if len(mine.Items) != 2 {
		t.Fatalf("my courses = %+v", mine.Items)
	}
}
