package certs

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
	"github.com/prepoznaj/prepoznaj/lang"
)

// fakeFacts stands in for courses: a course is whatever the test says.
type fakeFacts struct {
	mu       sync.Mutex
	courses  map[int64]CourseCertificateFacts
	owners   map[int64]int64
	attended map[[2]int64][]AttendedSession
}

func newFakeFacts() *fakeFacts {
	return &fakeFacts{courses: map[int64]CourseCertificateFacts{}, owners: map[int64]int64{}, attended: map[[2]int64][]AttendedSession{}}
}

var errNoCourse = apperr.NotFound("course_not_found", "No such course.")

func (f *fakeFacts) CourseForCertificate(_ context.Context, courseID, _ int64, version, _ int, _ lang.Locale) (CourseCertificateFacts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.courses[courseID]
	if !ok {
		return c, errNoCourse
	}
	if version > 0 {
		c.Version = version
	}
	return c, nil
}

func (f *fakeFacts) AttendanceForCertificate(_ context.Context, courseID, userID int64) ([]AttendedSession, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]AttendedSession(nil), f.attended[[2]int64{courseID, userID}]...), nil
}

func (f *fakeFacts) CourseOwner(_ context.Context, courseID int64) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.owners[courseID]
	if !ok {
		return 0, errNoCourse
	}
	return id, nil
}

func (f *fakeFacts) SessionRegister(context.Context, *accounts.Principal, int64, lang.Locale) (*SessionRegister, error) {
	return nil, apperr.NotFound("session_not_found", "No such session.")
}

func (f *fakeFacts) InstitutionAttendance(context.Context, int64, time.Time, time.Time, lang.Locale) ([]AttendanceLine, error) {
	return nil, nil
}

func (f *fakeFacts) setCourse(id, owner int64, c CourseCertificateFacts) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.courses[id], f.owners[id] = c, owner
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// world is a certs service on a fresh database with two institutions.
type world struct {
	t                 testing.TB
	db                *database.DB
	acc               *accounts.Service
	svc               *Service
	facts             *fakeFacts
	clock             *clock
	instA, instB      int64
	holder, holderB   int64 // learners of A and B
	managerA, trainer int64
	other             int64 // a trainer with nothing to do with the course
}

const testBaseURL = "https://prepoznaj.test"

func newWorld(t testing.TB, o Options) *world {
	t.Helper()
	db := dbtest.New(t)
	w := &world{t: t, db: db, facts: newFakeFacts(), clock: &clock{t: time.Date(2025, 3, 12, 14, 30, 0, 0, time.UTC)}}
	w.acc = accounts.NewService(db.DB, []byte("test-secret-test-secret-test-secret-0123456789"), w.clock.now)
	o.BaseURL, o.Now = testBaseURL, w.clock.now
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	w.svc = NewService(db.DB, w.acc, w.facts, o)
	t.Cleanup(w.svc.Wait)
	ctx := context.Background()
	admin := &accounts.Principal{Admin: true}
	a, err := w.acc.CreateInstitution(ctx, admin, accounts.InstitutionInput{Name: "Полицијска управа Нови Сад", Kind: "police_directorate"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.acc.CreateInstitution(ctx, admin, accounts.InstitutionInput{Name: "Osnovna škola Vuk Karadžić", Kind: "school"})
	if err != nil {
		t.Fatal(err)
	}
	w.instA, w.instB = a.ID, b.ID
	w.holder = w.user("ana@a.test", "Ана Ђорђевић", "police", accounts.RolesInput{InstitutionID: &w.instA})
	w.holderB = w.user("marko@b.test", "Marko Petrović", "education", accounts.RolesInput{InstitutionID: &w.instB})
	w.managerA = w.user("dragan@a.test", "Драган Илић", "police", accounts.RolesInput{Manager: true, InstitutionID: &w.instA})
	w.trainer = w.user("jelena@ngo.test", "Јелена Ђорђевић", "other", accounts.RolesInput{Trainer: true})
	w.other = w.user("petar@ngo.test", "Петар Петровић", "other", accounts.RolesInput{Trainer: true})
	w.facts.setCourse(1, w.trainer, CourseCertificateFacts{Version: 1, Title: "Препознавање жртава трговине људима", Hours: 7.5,
		ValidityMonths: 12, ShowsResult: true, Result: "92 %", StartedOn: w.clock.now().AddDate(0, 0, -10),
		Signatories: []Signatory{{Name: "Јелена Ђорђевић", Role: "Аутор обуке"}}})
	return w
}

func (w *world) user(email, name, profession string, roles accounts.RolesInput) int64 {
	w.t.Helper()
	id, err := w.acc.CreateUserHashed(context.Background(), email, name, "unused-hash", profession, roles)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *world) principal(id int64) *accounts.Principal {
	w.t.Helper()
	f, err := w.acc.UserFacts(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	u, err := w.acc.GetUser(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	p := &accounts.Principal{UserID: id, FullName: f.FullName, Locale: f.Locale, Profession: f.Profession, InstitutionID: f.InstitutionID}
	for _, r := range u.Roles {
		switch r {
		case accounts.RoleTrainer:
			p.Trainer = true
		case accounts.RoleManager:
			p.Manager = true
		case accounts.RoleAdmin:
			p.Admin = true
		}
	}
	return p
}

func (w *world) complete(userID, courseID int64, version int, at time.Time) (*Certificate, bool) {
	w.t.Helper()
	c, created, err := w.svc.IssueCompletion(context.Background(), userID, courseID, version, at)
	if err != nil {
		w.t.Fatalf("IssueCompletion: %v", err)
	}
	return c, created
}

func (w *world) count(where string, args ...any) int64 {
	w.t.Helper()
	var n int64
	if err := w.db.Model(&certificate{}).Where(where, args...).Count(&n).Error; err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) pdfOf(id int64) []byte {
	w.t.Helper()
	c, err := w.svc.load(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := renderRow(c)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

func itoa(n int64) string { return fmt.Sprint(n) }
