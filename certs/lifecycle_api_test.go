package certs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/certs"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/lang"
)

// The certificates' lifecycle through the HTTP API, on a platform whose
// clock the test moves.

type life struct {
	t     *testing.T
	s     *apitest.Server
	f     *apitest.Fixture
	clock *apitest.Clock
}

// t0 is when every lifecycle test starts: 11:00 in Belgrade.
var t0 = time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)

func newLife(t *testing.T) *life {
	t.Helper()
	t.Logf("dialect: %s", apitest.DialectName())
	clock := apitest.NewClock(t0)
	s := apitest.NewWithClock(t, clock.Now)
	t.Cleanup(s.App.Certs.Wait)
	return &life{t: t, s: s, f: s.NewFixture(), clock: clock}
}

func (l *life) do(who, method, path string, body any) *apitest.Response {
	l.t.Helper()
	return l.s.As(l.f, who, apitest.Request{Method: method, Path: "/api/v1" + path, Body: body})
}

func (l *life) trainer() *accounts.Principal {
	return &accounts.Principal{UserID: l.f.Users["trainer"], Trainer: true}
}

// course publishes a course owned by the trainer with one required lesson.
func (l *life) course(slug, title string, hours float64, validityMonths int) (courseID, lessonID int64) {
	l.t.Helper()
	ctx := context.Background()
	crs, tr := l.s.App.Courses, l.trainer()
	d, err := crs.CreateCourse(ctx, tr, courses.CourseFields{Slug: slug, Title: courses.LocalText{Sr: title}, Professions: []string{"police"},
		Level: "introductory", Hours: hours, ValidityMonths: validityMonths, SelfEnrol: true})
	l.must(err)
	m, err := crs.CreateModule(ctx, tr, d.ID, courses.LocalText{Sr: "Основе"})
	l.must(err)
	ls, err := crs.CreateLesson(ctx, tr, m.ID, courses.LessonFields{Title: courses.LocalText{Sr: "Увод"}, Body: courses.LocalText{Sr: "Текст."}, Required: true})
	l.must(err)
	_, err = crs.Publish(ctx, tr, d.ID)
	l.must(err)
	return d.ID, ls.ID
}

// session adds a session of 120 minutes that started an hour ago, with
// the named people registered by the trainer.
func (l *life) session(courseID int64, who ...string) int64 {
	l.t.Helper()
	ctx := context.Background()
	ses, err := l.s.App.Courses.CreateSession(ctx, l.trainer(), courseID, courses.SessionFields{Kind: courses.KindInPerson,
		Place: "Нови Сад, Булевар 1", StartsAt: l.clock.Now().Add(-time.Hour), DurationMinutes: 120, Capacity: 20})
	l.must(err)
	var ids []int64
	for _, w := range who {
		ids = append(ids, l.f.Users[w])
	}
	_, err = l.s.App.Courses.RegisterForSession(ctx, l.trainer(), ses.ID, ids)
	l.must(err)
	return ses.ID
}

// addLearner creates and signs in a member of institution A.
func (l *life) addLearner(who, email, name string) {
	l.t.Helper()
	ctx := context.Background()
	id, err := l.s.App.Accounts.CreateUserHashed(ctx, email, name, "unused-hash", "police", accounts.RolesInput{InstitutionID: &l.f.InstA})
	l.must(err)
	sess, err := l.s.App.Accounts.SessionFor(ctx, id)
	l.must(err)
	l.f.Users[who], l.f.Tokens[who] = id, sess.AccessToken
}

func (l *life) must(err error) {
	l.t.Helper()
	if err != nil {
		l.t.Fatal(err)
	}
}

// mine is the holder's own certificates of a kind, newest first.
func (l *life) mine(who, kind string) []certs.Certificate {
	l.t.Helper()
	var page struct {
		Items []certs.Certificate `json:"items"`
		Total int                 `json:"total"`
	}
	l.do(who, "GET", "/me/certificates", nil).WantStatus(200).JSON(&page)
	var out []certs.Certificate
	for _, c := range page.Items {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

func (l *life) verify(code string) certs.Verification {
	l.t.Helper()
	var v certs.Verification
	l.do("anonymous", "GET", "/verify/"+code, nil).WantStatus(200).JSON(&v)
	return v
}

func (l *life) pdf(who string, id int64) string {
	l.t.Helper()
	return pdfText(l.t, l.do(who, "GET", fmt.Sprintf("/certificates/%d/pdf", id), nil).WantStatus(200).Body.Bytes())
}

// Closing a register through the API issues an attendance certificate to
// everyone present or late, and to nobody excused or absent. Closing again,
// or delivering the same register again, issues nothing more; an admin's
// correction of the closed register issues what the correction changed.
func TestClosingARegisterIssuesAttendanceCertificates(t *testing.T) {
	l := newLife(t)
	l.addLearner("ana", "ana@a.test", "Ана Анић")
	l.addLearner("bojan", "bojan@a.test", "Бојан Бојић")
	course, _ := l.course("prisustvo", "Радионица о препознавању", 2, 0)
	ses := l.session(course, "learner", "learner_b", "ana", "bojan")
	l.do("trainer", "PUT", fmt.Sprintf("/sessions/%d/attendance", ses), map[string]any{"entries": []map[string]any{
		{"user_id": l.f.Users["learner"], "status": "present"},
		{"user_id": l.f.Users["learner_b"], "status": "late", "minutes": 45},
		{"user_id": l.f.Users["ana"], "status": "excused"},
		{"user_id": l.f.Users["bojan"], "status": "absent"},
	}}).WantStatus(200)
	for _, who := range []string{"learner", "learner_b"} {
		if got := l.mine(who, "attendance"); len(got) != 0 {
			t.Fatalf("%s has an attendance certificate before the register closed: %+v", who, got)
		}
	}

	l.do("trainer", "POST", fmt.Sprintf("/sessions/%d/close", ses), nil).WantStatus(200)
	want := map[string]float64{"learner": 2, "learner_b": 0.75}
	for _, who := range []string{"learner", "learner_b", "ana", "bojan"} {
		got := l.mine(who, "attendance")
		switch h, ok := want[who]; {
		case !ok && len(got) != 0:
			t.Errorf("%s (excused or absent) got %+v", who, got)
		case ok && (len(got) != 1 || got[0].Hours != h || got[0].Status != "valid" || got[0].CourseID != course):
			t.Errorf("%s: %+v, want one valid certificate of %v hours", who, got, h)
		}
	}
	first := l.mine("learner_b", "attendance")[0]
	text := l.pdf("learner", l.mine("learner", "attendance")[0].ID)
	for _, s := range []string{"ПОТВРДА", "Milica Jovanović", "Радионица о препознавању", "Број часова: 2", "Нови Сад, Булевар 1"} {
		if !strings.Contains(text, s) {
			t.Errorf("attendance PDF lacks %q:\n%s", s, text)
		}
	}

	// Closing twice is refused; the same register delivered again, or the
	// background retry, issues nothing more.
	l.do("trainer", "POST", fmt.Sprintf("/sessions/%d/close", ses), nil).WantProblem(409, "register_closed")
	all := []int64{l.f.Users["learner"], l.f.Users["learner_b"], l.f.Users["ana"], l.f.Users["bojan"]}
	for range 2 {
		if err := l.s.App.Certs.RegisterClosed(context.Background(), courses.RegisterEvent{SessionID: ses, CourseID: course, UserIDs: all, At: l.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	l.clock.Advance(5 * time.Minute)
	if _, registers := l.s.App.Redeliver(context.Background()); registers != 0 {
		t.Fatalf("a delivered register was delivered again (%d)", registers)
	}
	if n := len(l.mine("learner", "attendance")) + len(l.mine("learner_b", "attendance")); n != 2 {
		t.Fatalf("%d attendance certificates after repeated deliveries, want 2", n)
	}

	// Only an admin corrects a closed register; the corrections issue what
	// they change: the excused learner who did attend gets hers, corrected
	// hours supersede the certificate that had the wrong ones.
	l.do("trainer", "PUT", fmt.Sprintf("/sessions/%d/attendance", ses), map[string]any{"entries": []map[string]any{
		{"user_id": l.f.Users["ana"], "status": "present", "minutes": 60, "reason": "Ипак је била ту."}}}).WantProblem(409, "register_closed")
	l.do("admin", "PUT", fmt.Sprintf("/sessions/%d/attendance", ses), map[string]any{"entries": []map[string]any{
		{"user_id": l.f.Users["ana"], "status": "present", "minutes": 60, "reason": "Ипак је била ту."},
		{"user_id": l.f.Users["learner_b"], "status": "late", "minutes": 90, "reason": "Погрешно уписано."},
	}}).WantStatus(200)
	if got := l.mine("ana", "attendance"); len(got) != 1 || got[0].Hours != 1 {
		t.Fatalf("ana after the correction: %+v", got)
	}
	got := l.mine("learner_b", "attendance")
	if len(got) != 2 || got[0].Hours != 1.5 || got[0].SupersedesID == nil || *got[0].SupersedesID != first.ID || got[1].Status != "superseded" {
		t.Fatalf("learner_b after the correction: %+v", got)
	}
	if v := l.verify(first.Code); v.Status != "superseded" {
		t.Fatalf("the corrected certificate verifies as %q", v.Status)
	}
	if got := l.mine("bojan", "attendance"); len(got) != 0 {
		t.Fatalf("bojan (absent) got %+v", got)
	}
	if got := l.mine("learner", "attendance"); len(got) != 1 {
		t.Fatalf("learner (not corrected) has %d certificates", len(got))
	}

	// A correction that leaves no hour attended withdraws the certificate:
	// it verifies as revoked, saying why in the holder's language.
	held := l.mine("learner", "attendance")[0]
	l.do("admin", "PUT", fmt.Sprintf("/sessions/%d/attendance", ses), map[string]any{"entries": []map[string]any{
		{"user_id": l.f.Users["learner"], "status": "absent", "reason": "Уписан/а грешком."}}}).WantStatus(200)
	if got := l.mine("learner", "attendance"); len(got) != 1 || got[0].ID != held.ID || got[0].Status != "revoked" {
		t.Fatalf("learner after being corrected to absent: %+v", got)
	}
	v := l.verify(held.Code)
	if v.Status != "revoked" || !strings.Contains(lang.ToLatin(v.RevocationReason), "Evidencija prisustva je ispravljena") {
		t.Fatalf("the withdrawn certificate verifies as %q (%q)", v.Status, v.RevocationReason)
	}
	// Delivered again, it changes nothing; the others keep theirs.
	if err := l.s.App.Certs.RegisterClosed(context.Background(), courses.RegisterEvent{SessionID: ses, CourseID: course,
		UserIDs: []int64{l.f.Users["learner"]}, At: l.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if got := l.mine("ana", "attendance"); len(got) != 1 || got[0].Status != "valid" {
		t.Fatalf("ana after another's correction: %+v", got)
	}
	// Corrected back to present for the same hours, the learner is certified again.
	l.do("admin", "PUT", fmt.Sprintf("/sessions/%d/attendance", ses), map[string]any{"entries": []map[string]any{
		{"user_id": l.f.Users["learner"], "status": "present", "reason": "Ипак је био/ла ту."}}}).WantStatus(200)
	if got := l.mine("learner", "attendance"); len(got) != 2 || got[0].Status != "valid" || got[0].Hours != 2 || got[1].ID != held.ID || got[1].Status != "revoked" {
		t.Fatalf("learner corrected back to present: %+v", got)
	}
}

// flakyCompletions fails the first deliveries, as a certificate issuing
// that hit a transient error would.
type flakyCompletions struct {
	next     courses.CompletionListener
	failures atomic.Int32
	calls    atomic.Int32
}

func (f *flakyCompletions) CourseCompleted(ctx context.Context, e courses.CompletionEvent) error {
	f.calls.Add(1)
	if f.failures.Add(-1) >= 0 {
		return errors.New("certificates unavailable")
	}
	return f.next.CourseCompleted(ctx, e)
}

type flakyRegisters struct {
	next     courses.RegisterListener
	failures atomic.Int32
}

func (f *flakyRegisters) RegisterClosed(ctx context.Context, e courses.RegisterEvent) error {
	if f.failures.Add(-1) >= 0 {
		return errors.New("certificates unavailable")
	}
	return f.next.RegisterClosed(ctx, e)
}

// A completion whose certificate could not be issued is issued by the
// app's background loop a minute later, and prints the revision the
// learner completed (title and hours), not the one the trainer published
// meanwhile, in the list, the PDF and verification. A closed register
// whose delivery failed is retried the same way.
func TestFailedIssuingIsRetriedWithTheRevisionCompleted(t *testing.T) {
	l := newLife(t)
	completions := &flakyCompletions{next: l.s.App.Certs}
	completions.failures.Store(1)
	l.s.App.Courses.SetCompletionListener(completions)
	registers := &flakyRegisters{next: l.s.App.Certs}
	registers.failures.Store(1)
	l.s.App.Courses.SetRegisterListener(registers)

	course, lesson := l.course("revizija", "Стари наслов обуке", 2, 12)
	l.do("learner", "POST", fmt.Sprintf("/courses/%d/enrolment", course), nil).WantStatus(201)
	var p courses.CourseProgress
	l.do("learner", "POST", fmt.Sprintf("/lessons/%d/complete", lesson), nil).WantStatus(200).JSON(&p)
	if !p.Completed || p.CompletedRevision != 1 {
		t.Fatalf("progress = %+v", p)
	}
	ses := l.session(course, "learner_b")
	l.do("trainer", "PUT", fmt.Sprintf("/sessions/%d/attendance", ses), map[string]any{"entries": []map[string]any{
		{"user_id": l.f.Users["learner_b"], "status": "present"}}}).WantStatus(200)
	l.do("trainer", "POST", fmt.Sprintf("/sessions/%d/close", ses), nil).WantStatus(200)
	if len(l.mine("learner", "completion")) != 0 || len(l.mine("learner_b", "attendance")) != 0 {
		t.Fatal("a certificate was issued although issuing failed")
	}

	// The trainer edits the course and publishes revision 2.
	var d courses.CourseDraft
	l.do("trainer", "GET", fmt.Sprintf("/courses/%d/draft", course), nil).WantStatus(200).JSON(&d)
	l.do("trainer", "PATCH", fmt.Sprintf("/courses/%d", course), map[string]any{"version": d.Version,
		"title": map[string]string{"sr": "Нови наслов обуке"}, "hours": 5}).WantStatus(200)
	l.do("trainer", "POST", fmt.Sprintf("/courses/%d/publish", course), nil).WantStatus(200)

	// Within the grace minute the request that failed is left alone.
	if c, r := l.s.App.Redeliver(context.Background()); c != 0 || r != 0 {
		t.Fatalf("redelivered %d completions and %d registers within the grace period", c, r)
	}
	l.clock.Advance(2 * time.Minute)
	l.s.App.RedeliverEvery = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.s.App.RunBackground(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for len(l.mine("learner", "completion")) == 0 || len(l.mine("learner_b", "attendance")) == 0 {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatal("the background loop did not issue the certificates")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done

	got := l.mine("learner", "completion")
	if len(got) != 1 {
		t.Fatalf("%d completion certificates after the retry, want 1", len(got))
	}
	c := got[0]
	if c.CourseTitle != "Стари наслов обуке" || c.Hours != 2 || c.CourseVersion != 1 || c.Status != "valid" {
		t.Fatalf("the retried certificate = %+v; want the revision completed (title, 2 hours, version 1)", c)
	}
	text := l.pdf("learner", c.ID)
	if !strings.Contains(text, "Стари наслов обуке") || !strings.Contains(text, "Број часова: 2 ") || strings.Contains(text, "Нови наслов") {
		t.Fatalf("the PDF does not show the revision completed:\n%s", text)
	}
	if v := l.verify(c.Code); v.CourseTitle != "Стари наслов обуке" || v.Hours != 2 {
		t.Fatalf("verification = %+v", v)
	}
	if att := l.mine("learner_b", "attendance"); len(att) != 1 || att[0].Hours != 2 {
		t.Fatalf("the retried attendance certificate = %+v", att)
	}
	if n := completions.calls.Load(); n != 2 {
		t.Fatalf("the completion was delivered %d times, want 2 (the failure and the retry)", n)
	}
	// Nothing is left to retry. The loop was stopped as soon as the certificates showed, possibly
	// before it marked them delivered: then one more pass delivers again, which issues nothing
	// new, and the pass after it finds nothing at all.
	l.clock.Advance(2 * time.Minute)
	l.s.App.Redeliver(context.Background())
	if n, m := len(l.mine("learner", "completion")), len(l.mine("learner_b", "attendance")); n != 1 || m != 1 {
		t.Fatalf("delivering again issued more: %d completion, %d attendance certificates", n, m)
	}
	if c, r := l.s.App.Redeliver(context.Background()); c != 0 || r != 0 {
		t.Fatalf("delivered again: %d completions, %d registers", c, r)
	}
	// Someone completing now gets the revision published now.
	l.do("manager_same", "POST", fmt.Sprintf("/courses/%d/enrolment", course), nil).WantStatus(201)
	l.do("manager_same", "POST", fmt.Sprintf("/lessons/%d/complete", lesson), nil).WantStatus(200)
	if now := l.mine("manager_same", "completion"); len(now) != 1 || now[0].CourseTitle != "Нови наслов обуке" || now[0].Hours != 5 || now[0].CourseVersion != 2 {
		t.Fatalf("a completion of revision 2 = %+v", now)
	}
}

// Recertification: once a completion's validity has passed, the learner
// re-takes the course (a new cycle of the same enrolment, the old one kept)
// and completing it again issues a new certificate that supersedes the old
// one; both stay on record, each with its own revision and dates.
func TestRecertificationAfterExpiry(t *testing.T) {
	l := newLife(t)
	course, lesson := l.course("obnova", "Обука за обнову", 2, 12)
	l.do("learner", "POST", fmt.Sprintf("/courses/%d/enrolment", course), nil).WantStatus(201)
	l.do("learner", "POST", fmt.Sprintf("/lessons/%d/complete", lesson), nil).WantStatus(200)
	first := l.mine("learner", "completion")
	if len(first) != 1 || first[0].ExpiresOn == nil || *first[0].ExpiresOn != "2027-03-12" || first[0].Status != "valid" {
		t.Fatalf("first certificate = %+v", first)
	}
	c1 := first[0]
	if text := l.pdf("learner", c1.ID); !strings.Contains(text, "Важи до: 11. марта 2027.") {
		t.Fatalf("the PDF does not say until when it is valid:\n%s", text)
	}
	l.do("learner", "POST", fmt.Sprintf("/courses/%d/retake", course), nil).WantProblem(409, "completion_valid")
	var p courses.CourseProgress
	l.do("learner", "GET", fmt.Sprintf("/courses/%d/progress", course), nil).WantStatus(200).JSON(&p)
	if p.Cycle != 1 || p.RetakeFrom == nil || !p.RetakeFrom.Equal(t0.AddDate(1, 0, 0)) {
		t.Fatalf("progress before expiry = %+v", p)
	}

	// A year and a day later the certificate has expired; the trainer has
	// meanwhile published a revised course.
	l.clock.Advance(366 * 24 * time.Hour)
	l.s.Refresh(l.f)
	if v := l.verify(c1.Code); v.Status != "expired" {
		t.Fatalf("after its validity the certificate verifies as %q", v.Status)
	}
	var d courses.CourseDraft
	l.do("trainer", "GET", fmt.Sprintf("/courses/%d/draft", course), nil).WantStatus(200).JSON(&d)
	l.do("trainer", "PATCH", fmt.Sprintf("/courses/%d", course), map[string]any{"version": d.Version,
		"title": map[string]string{"sr": "Обука за обнову, 2027."}, "hours": 3}).WantStatus(200)
	l.do("trainer", "POST", fmt.Sprintf("/courses/%d/publish", course), nil).WantStatus(200)
	l.do("learner_b", "POST", fmt.Sprintf("/courses/%d/retake", course), nil).WantProblem(404, "not_enrolled")

	l.do("learner", "POST", fmt.Sprintf("/courses/%d/retake", course), nil).WantStatus(200).JSON(&p)
	if p.Cycle != 2 || p.Completed || p.Percent != 0 || p.LessonsDone != 0 || p.RetakeFrom != nil || len(p.PreviousCycles) != 1 ||
		p.PreviousCycles[0].Cycle != 1 || p.PreviousCycles[0].CompletedRevision != 1 || !p.PreviousCycles[0].CompletedAt.Equal(t0) {
		t.Fatalf("progress after the re-take = %+v", p)
	}
	l.do("learner", "POST", fmt.Sprintf("/courses/%d/retake", course), nil).WantProblem(409, "not_completed")
	if got := l.mine("learner", "completion"); len(got) != 1 {
		t.Fatalf("re-taking issued a certificate before the course was completed again: %+v", got)
	}

	l.do("learner", "POST", fmt.Sprintf("/lessons/%d/complete", lesson), nil).WantStatus(200).JSON(&p)
	if !p.Completed || p.Cycle != 2 || p.CompletedRevision != 2 {
		t.Fatalf("progress after completing again = %+v", p)
	}
	both := l.mine("learner", "completion")
	if len(both) != 2 {
		t.Fatalf("%d completion certificates after recertifying, want 2", len(both))
	}
	c2 := both[0]
	if c2.ID == c1.ID || c2.SupersedesID == nil || *c2.SupersedesID != c1.ID || c2.Status != "valid" || c2.CourseVersion != 2 ||
		c2.CourseTitle != "Обука за обнову, 2027." || c2.Hours != 3 || c2.CompletedOn != "2027-03-13" || c2.ExpiresOn == nil || *c2.ExpiresOn != "2028-03-13" {
		t.Fatalf("new certificate = %+v", c2)
	}
	if both[1].ID != c1.ID || both[1].Status != "superseded" || both[1].SupersededByID == nil || *both[1].SupersededByID != c2.ID {
		t.Fatalf("old certificate = %+v", both[1])
	}
	if v := l.verify(c1.Code); v.Status != "superseded" || v.SupersededAt == nil || v.CourseTitle != "Обука за обнову" {
		t.Fatalf("the old certificate verifies as %+v", v)
	}
	if v := l.verify(c2.Code); v.Status != "valid" || v.Hours != 3 {
		t.Fatalf("the new certificate verifies as %+v", v)
	}
	text := l.pdf("learner", c2.ID)
	for _, s := range []string{"Обука за обнову, 2027.", "Број часова: 3", "Замењује сертификат " + c1.Code, "Важи до: 12. марта 2028."} {
		if !strings.Contains(text, s) {
			t.Errorf("the new PDF lacks %q:\n%s", s, text)
		}
	}
	text = l.pdf("learner", c1.ID)
	if !strings.Contains(text, "Важи до: 11. марта 2027.") || !strings.Contains(text, "Број часова: 2 ") || strings.Contains(text, "Обука за обнову, 2027.") {
		t.Fatalf("the old PDF changed:\n%s", text)
	}
	// Late copies of either cycle's event issue nothing more.
	for _, e := range []courses.CompletionEvent{
		{UserID: l.f.Users["learner"], CourseID: course, CourseVersion: 1, Cycle: 1, CompletedAt: t0},
		{UserID: l.f.Users["learner"], CourseID: course, CourseVersion: 2, Cycle: 2, CompletedAt: l.clock.Now()},
	} {
		if err := l.s.App.Certs.CourseCompleted(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	if got := l.mine("learner", "completion"); len(got) != 2 {
		t.Fatalf("late events issued more: %d certificates", len(got))
	}
	l.do("learner", "POST", fmt.Sprintf("/courses/%d/retake", course), nil).WantProblem(409, "completion_valid")
}
