package certs

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

// Ten copies of one completion event at once (a redelivery racing the
// first delivery, several servers) issue one certificate.
func TestCompletionExactlyOnceUnderConcurrentEvents(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t, Options{})
	ev := courses.CompletionEvent{UserID: w.holder, CourseID: 1, CourseVersion: 1, CompletedAt: w.clock.now()}
	const n = 10
	// Several rounds, each a course of its own, to give a race more chances.
	for round := range 4 {
		course := int64(1)
		if round > 0 {
			course = int64(100 + round)
			w.facts.setCourse(course, w.trainer, w.facts.courses[1])
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		created := make([]bool, n)
		ids := make([]int64, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				if i%2 == 0 { // as courses delivers it
					e := ev
					e.CourseID = course
					errs[i] = w.svc.CourseCompleted(context.Background(), e)
					return
				}
				var c *Certificate
				c, created[i], errs[i] = w.svc.IssueCompletion(context.Background(), ev.UserID, course, ev.CourseVersion, ev.CompletedAt)
				if c != nil {
					ids[i] = c.ID
				}
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, event %d: %v", round, i, err)
			}
		}
		if got := w.count("user_id = ? AND course_id = ?", w.holder, course); got != 1 {
			t.Fatalf("round %d: %d certificates after %d identical events, want 1", round, got, n)
		}
		for i := 1; i < n; i += 2 {
			if ids[i] != ids[1] {
				t.Fatalf("round %d: the events were answered with different certificates %v", round, ids)
			}
		}
	}
	// And once more, later, as a redelivery.
	w.clock.set(w.clock.now().Add(48 * time.Hour))
	c, created := w.complete(w.holder, 1, 1, ev.CompletedAt)
	if created || w.count("user_id = ? AND course_id = 1", w.holder) != 1 {
		t.Fatalf("a redelivered event issued again (created %v)", created)
	}
	if c.Status != StatusValid || c.Kind != "completion" || c.CompletedOn != "2025-03-12" || c.ExpiresOn == nil || *c.ExpiresOn != "2026-03-12" {
		t.Fatalf("certificate = %+v", c)
	}
}

// Re-taking a course after its validity ended issues a new certificate that
// supersedes the old one; both stay on record, and a completion while the
// first is still valid issues nothing.
func TestSupersedeAfterValidity(t *testing.T) {
	w := newWorld(t, Options{})
	t0 := w.clock.now()
	first, created := w.complete(w.holder, 1, 1, t0)
	if !created {
		t.Fatal("first completion issued nothing")
	}
	if again, created := w.complete(w.holder, 1, 1, t0.AddDate(0, 6, 0)); created || again.ID != first.ID {
		t.Fatalf("a completion within the validity issued %+v", again)
	}
	later := t0.AddDate(1, 1, 0)
	w.clock.set(later)
	if v, err := w.svc.Verify(context.Background(), first.Code); err != nil || v.Status != StatusExpired {
		t.Fatalf("before re-taking: %+v, %v; want expired", v, err)
	}
	second, created := w.complete(w.holder, 1, 1, later)
	if !created || second.ID == first.ID {
		t.Fatal("re-taking after the validity issued nothing new")
	}
	if second.SupersedesID == nil || *second.SupersedesID != first.ID || second.Status != StatusValid {
		t.Fatalf("second = %+v", second)
	}
	v, err := w.svc.Verify(context.Background(), first.Code)
	if err != nil || v.Status != StatusSuperseded || v.SupersededAt == nil {
		t.Fatalf("first after re-taking: %+v, %v; want superseded", v, err)
	}
	if w.count("user_id = ?", w.holder) != 2 {
		t.Fatal("the superseded certificate is no longer on record")
	}
	text := pdfText(t, w.pdfOf(second.ID))
	if !strings.Contains(text, "Замењује сертификат "+first.Code) {
		t.Fatalf("the new certificate does not name the one it supersedes:\n%s", text)
	}
	// A newer course version within the validity is a new certificate too.
	third, created := w.complete(w.holder, 1, 2, later.AddDate(0, 1, 0))
	if !created || third.SupersedesID == nil || *third.SupersedesID != second.ID {
		t.Fatalf("version 2: %+v created %v", third, created)
	}
	// A stale event for an older version changes nothing.
	if stale, created := w.complete(w.holder, 1, 1, later.AddDate(0, 2, 0)); created || stale.ID != third.ID {
		t.Fatalf("a stale event issued %+v", stale)
	}
}

// Edits to the profile or the course after issuing never change the
// certificate: its bytes are the same as at issue.
func TestSnapshotIsFrozen(t *testing.T) {
	w := newWorld(t, Options{})
	c, _ := w.complete(w.holder, 1, 1, w.clock.now())
	before := w.pdfOf(c.ID)
	text := pdfText(t, before)
	for _, want := range []string{"Ана Ђорђевић", "Препознавање жртава трговине људима", "Број часова: 7,5", "Резултат: 92 %",
		"Полицијски службеник, Полицијска управа Нови Сад", "Јелена Ђорђевић", c.Code, "12. марта 2025."} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	name, locale := "Ана Јовановић", "en"
	if _, err := w.acc.UpdateMe(context.Background(), w.principal(w.holder), accounts.ProfilePatch{FullName: &name, Locale: &locale}); err != nil {
		t.Fatal(err)
	}
	w.facts.setCourse(1, w.trainer, CourseCertificateFacts{Version: 2, Title: "Нови наслов", Hours: 1})
	w.clock.set(w.clock.now().Add(time.Hour))
	if after := w.pdfOf(c.ID); string(after) != string(before) {
		t.Fatal("the certificate's bytes changed after the profile and the course were edited")
	}
}

// Verification shows only what a verifier needs, the result only when the
// holder chose, and revocation with its reason and date.
func TestVerifyAndRevoke(t *testing.T) {
	w := newWorld(t, Options{})
	ctx := context.Background()
	c, _ := w.complete(w.holder, 1, 1, w.clock.now())
	typed := strings.ToLower(strings.ReplaceAll(c.Code, "-", " "))
	v, err := w.svc.Verify(ctx, typed)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != StatusValid || v.HolderName != "Ана Ђорђевић" || v.Hours != 7.5 || v.CompletedOn != "2025-03-12" ||
		v.StartedOn == nil || *v.StartedOn != "2025-03-02" || v.Issuer != DefaultIssuerName || v.Result != nil {
		t.Fatalf("verification = %+v", v)
	}
	js, _ := json.Marshal(v)
	for _, leak := range []string{"@", "ana@a.test", "Полицијска управа", "result"} {
		if strings.Contains(string(js), leak) {
			t.Errorf("verification shows %q: %s", leak, js)
		}
	}
	if _, err := w.svc.SetShowResult(ctx, w.principal(w.holderB), c.ID, true); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another user set the holder's choice: %v", err)
	}
	if _, err := w.svc.SetShowResult(ctx, w.principal(w.holder), c.ID, true); err != nil {
		t.Fatal(err)
	}
	if v, _ = w.svc.Verify(ctx, c.Code); v.Result == nil || *v.Result != "92 %" {
		t.Fatalf("result not shown after the holder chose to: %+v", v)
	}
	for _, who := range []int64{w.holder, w.managerA} {
		if _, err := w.svc.Revoke(ctx, w.principal(who), c.ID, "Издат грешком."); !apperr.IsKind(err, apperr.KindForbidden) {
			t.Errorf("user %d (may read it) revoking: %v, want forbidden", who, err)
		}
	}
	for _, who := range []int64{w.holderB, w.other} {
		if _, err := w.svc.Revoke(ctx, w.principal(who), c.ID, "Издат грешком."); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Errorf("user %d (may not read it) revoking: %v, want not found", who, err)
		}
	}
	if _, err := w.svc.Revoke(ctx, w.principal(w.trainer), c.ID, "  "); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("revoking without a reason: %v", err)
	}
	if _, err := w.svc.Revoke(ctx, w.principal(w.trainer), c.ID, "Издат грешком."); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Revoke(ctx, w.principal(w.trainer), c.ID, "Опет."); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("revoking twice: %v", err)
	}
	v, _ = w.svc.Verify(ctx, c.Code)
	if v.Status != StatusRevoked || v.RevocationReason != "Издат грешком." || v.RevokedAt == nil || !v.RevokedAt.Equal(w.clock.now()) {
		t.Fatalf("after revocation: %+v", v)
	}
	if w.count("id = ?", c.ID) != 1 {
		t.Fatal("revocation deleted the certificate")
	}
	events, err := w.acc.Audit.List(ctx, accounts.AuditFilter{Action: ActCertificateRevoke})
	if err != nil || len(events) != 1 || events[0].TargetID != itoa(c.ID) || *events[0].ActorID != w.trainer {
		t.Fatalf("audit = %+v, %v", events, err)
	}
	for _, code := range []string{"", "nonsense", strings.Repeat("A", 500), sampleCode(t, 1)} {
		if _, err := w.svc.Verify(ctx, code); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Errorf("Verify(%.20q) = %v, want not found", code, err)
		}
	}
}

// Attendance certificates: one per set of attended sessions, a further
// session supersedes, and only the people concerned may ask for one.
func TestAttendanceCertificates(t *testing.T) {
	w := newWorld(t, Options{})
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2025, 3, d, 9, 0, 0, 0, time.UTC) }
	w.facts.attended[[2]int64{1, w.holder}] = []AttendedSession{
		{SessionID: 10, StartsAt: day(3), Place: "Нови Сад, Булевар ослобођења 1", Hours: 2, TrainerID: w.trainer},
		{SessionID: 11, StartsAt: day(5), Hours: 1.5, TrainerID: w.trainer},
	}
	for _, who := range []int64{w.other, w.holderB, w.holder} {
		if _, _, err := w.svc.IssueAttendance(ctx, w.principal(who), 1, w.holder); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Errorf("user %d asking: %v, want not found", who, err)
		}
	}
	first, created, err := w.svc.IssueAttendance(ctx, w.principal(w.managerA), 1, w.holder)
	if err != nil || !created {
		t.Fatalf("manager of A: %v (created %v)", err, created)
	}
	if first.Kind != "attendance" || first.Hours != 3.5 || first.CompletedOn != "2025-03-05" || first.ExpiresOn != nil {
		t.Fatalf("attendance certificate = %+v", first)
	}
	text := pdfText(t, w.pdfOf(first.ID))
	for _, want := range []string{"ПОТВРДА", "Број часова: 3,5", "Нови Сад, Булевар ослобођења 1", "онлајн", "3. марта 2025."} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	if again, created, err := w.svc.IssueAttendance(ctx, w.principal(w.trainer), 1, w.holder); err != nil || created || again.ID != first.ID {
		t.Fatalf("the same sessions again: %+v created %v, %v", again, created, err)
	}
	w.facts.attended[[2]int64{1, w.holder}] = append(w.facts.attended[[2]int64{1, w.holder}],
		AttendedSession{SessionID: 12, StartsAt: day(9), Place: "Београд", Hours: 4, TrainerID: w.other})
	if err := w.svc.RegisterClosed(ctx, courses.RegisterEvent{SessionID: 12, CourseID: 1, UserIDs: []int64{w.holder, w.holderB}}); err != nil {
		t.Fatal(err)
	}
	mine, _, err := w.svc.Mine(ctx, w.principal(w.holder), 0, 10)
	if err != nil || len(mine) != 2 || mine[0].SupersedesID == nil || *mine[0].SupersedesID != first.ID || mine[0].Hours != 7.5 || mine[1].Status != StatusSuperseded {
		t.Fatalf("after the register closed: %+v, %v", mine, err)
	}
	if w.count("user_id = ?", w.holderB) != 0 {
		t.Fatal("someone who attended nothing got a certificate")
	}
	if _, _, err := w.svc.IssueAttendance(ctx, w.principal(w.managerA), 2, w.holder); !apperr.IsKind(err, apperr.KindUnprocessable) {
		t.Fatalf("no attendance: %v, want unprocessable", err)
	}
}

// Data the certificate cannot print is refused with the field named, never
// issued half-way.
func TestIssueRefusesUnprintableData(t *testing.T) {
	w := newWorld(t, Options{})
	w.facts.setCourse(3, w.trainer, CourseCertificateFacts{Version: 1, Title: "תוכנית", Hours: 2})
	_, _, err := w.svc.IssueCompletion(context.Background(), w.holder, 3, 1, w.clock.now())
	e, ok := apperr.As(err)
	if !ok || e.Code != "certificate_data_invalid" || len(e.Fields) == 0 || e.Fields[0].Field != "CourseTitle" {
		t.Fatalf("Hebrew title: %v", err)
	}
	if w.count("1 = 1") != 0 {
		t.Fatal("an unprintable certificate was stored")
	}
}

func TestListInstitutionFilters(t *testing.T) {
	w := newWorld(t, Options{})
	ctx := context.Background()
	w.facts.setCourse(2, w.other, CourseCertificateFacts{Version: 1, Title: "Друга обука", Hours: 3})
	a1, _ := w.complete(w.holder, 1, 1, time.Date(2025, 1, 10, 10, 0, 0, 0, time.UTC))
	a2, _ := w.complete(w.holder, 2, 1, time.Date(2025, 2, 10, 10, 0, 0, 0, time.UTC))
	w.complete(w.holderB, 1, 1, time.Date(2025, 2, 11, 10, 0, 0, 0, time.UTC))
	mgr := w.principal(w.managerA)
	check := func(f Filter, want ...int64) {
		t.Helper()
		items, total, err := w.svc.ListInstitution(ctx, mgr, w.instA, f, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, c := range items {
			got = append(got, c.ID)
		}
		if total != int64(len(want)) || len(got) != len(want) {
			t.Fatalf("filter %+v: %v (total %d), want %v", f, got, total, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("filter %+v: %v, want %v", f, got, want)
			}
		}
	}
	check(Filter{}, a2.ID, a1.ID)
	check(Filter{CourseID: 1}, a1.ID)
	check(Filter{From: time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC)}, a2.ID)
	check(Filter{To: time.Date(2025, 2, 9, 0, 0, 0, 0, time.UTC)}, a1.ID)
	check(Filter{Kind: "attendance"})
	check(Filter{Status: StatusExpired})
	w.clock.set(time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)) // a1 expired on 2026-01-10
	check(Filter{Status: StatusExpired}, a1.ID)
	check(Filter{Status: StatusValid}, a2.ID) // course 2 has no validity period
	if _, _, err := w.svc.ListInstitution(ctx, mgr, w.instB, Filter{}, 0, 10); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another institution: %v", err)
	}
	if _, _, err := w.svc.ListInstitution(ctx, mgr, w.instA, Filter{Status: "lost"}, 0, 10); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("unknown status: %v", err)
	}
}

// A course with a validity period prints until when the certificate is
// valid (its last valid day), in the holder's language and script; the
// verification says valid until then and expired after. A course without
// one prints no date.
func TestValidUntilInEachScriptAndExpiry(t *testing.T) {
	w := newWorld(t, Options{})
	ctx := context.Background()
	for i, tc := range []struct{ locale, want string }{
		{"sr-Cyrl", "Важи до: 11. марта 2026."},
		{"sr-Latn", "Važi do: 11. marta 2026."},
		{"en", "Valid until: 11 March 2026"},
	} {
		locale := tc.locale
		if _, err := w.acc.UpdateMe(ctx, w.principal(w.holder), accounts.ProfilePatch{Locale: &locale}); err != nil {
			t.Fatal(err)
		}
		course := int64(10 + i)
		w.facts.setCourse(course, w.trainer, CourseCertificateFacts{Version: 1, Title: "Обука " + tc.locale, Hours: 3, ValidityMonths: 12})
		c, _ := w.complete(w.holder, course, 1, w.clock.now())
		if c.ExpiresOn == nil || *c.ExpiresOn != "2026-03-12" {
			t.Fatalf("%s: certificate = %+v", tc.locale, c)
		}
		if text := pdfText(t, w.pdfOf(c.ID)); !strings.Contains(text, tc.want) {
			t.Errorf("%s: the PDF lacks %q:\n%s", tc.locale, tc.want, text)
		}
		snap, err := w.svc.SnapshotOf(ctx, c.ID)
		if err != nil || !snap.ExpiresOn.Equal(time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("%s: snapshot ExpiresOn = %v, %v", tc.locale, snap.ExpiresOn, err)
		}
	}
	w.facts.setCourse(20, w.trainer, CourseCertificateFacts{Version: 1, Title: "Обука без рока", Hours: 3})
	forever, _ := w.complete(w.holder, 20, 1, w.clock.now())
	if text := pdfText(t, w.pdfOf(forever.ID)); strings.Contains(text, "Valid until") || forever.ExpiresOn != nil {
		t.Fatalf("a certificate that never expires prints a date:\n%s", text)
	}
	first, _, err := w.svc.Mine(ctx, w.principal(w.holder), 0, 10)
	if err != nil || len(first) != 4 {
		t.Fatalf("%d certificates, %v", len(first), err)
	}
	var expiring *Certificate
	for i := range first {
		if first[i].CourseID == 10 {
			expiring = &first[i]
		}
	}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 3, 11, 23, 59, 0, 0, time.UTC), StatusValid},
		{time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), StatusExpired},
	} {
		w.clock.set(tc.at)
		v, err := w.svc.Verify(ctx, expiring.Code)
		if err != nil || v.Status != tc.want || v.ExpiresOn == nil || *v.ExpiresOn != "2026-03-12" {
			t.Fatalf("at %v: %+v, %v; want %s", tc.at, v, err, tc.want)
		}
		if v, _ := w.svc.Verify(ctx, forever.Code); v.Status != StatusValid {
			t.Fatalf("at %v the certificate without a validity period is %s", tc.at, v.Status)
		}
	}
}

// Registers of one course closing together issue attendance certificates
// for the same learner at once, each from the sessions it saw. However they
// interleave, one certificate stays in force and every other is superseded.
func TestConcurrentAttendanceIssuingsLeaveOneInForce(t *testing.T) {
	w := newWorld(t, Options{})
	ctx := context.Background()
	holder, err := w.acc.UserFacts(ctx, w.holder)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	for round := range 3 {
		var wg sync.WaitGroup
		gate := make(chan struct{})
		errs := make([]error, n)
		for i := range n {
			// Distinct session sets: distinct certificates, none a repeat of another.
			sessions := []AttendedSession{{SessionID: int64(1000*round + i + 1), StartsAt: time.Date(2025, 3, 1+i, 9, 0, 0, 0, time.UTC), Hours: float64(i + 1)}}
			wg.Go(func() {
				<-gate
				_, _, errs[i] = w.svc.issueAttendance(ctx, 1, holder, sessions, nil)
			})
		}
		close(gate)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, issuing %d: %v", round, i, err)
			}
		}
		total := w.count("user_id = ? AND kind = ?", w.holder, "attendance")
		inForce := w.count("user_id = ? AND kind = ? AND revoked_at IS NULL AND superseded_by_id IS NULL", w.holder, "attendance")
		if total != int64(n*(round+1)) || inForce != 1 {
			t.Fatalf("round %d: %d certificates, %d in force; want %d and 1", round, total, inForce, n*(round+1))
		}
		// Each superseded certificate names the one that superseded it, and that one says so too.
		var broken int64
		w.db.Raw("SELECT COUNT(*) FROM certificates c WHERE c.user_id = ? AND c.superseded_by_id IS NOT NULL AND NOT EXISTS "+
			"(SELECT 1 FROM certificates n WHERE n.id = c.superseded_by_id AND n.supersedes_id = c.id)", w.holder).Scan(&broken)
		if broken != 0 {
			t.Fatalf("round %d: %d supersessions without their counterpart", round, broken)
		}
	}
}

// An issuing that read the registers before another closed can finish last
// and leave fewer sessions in force; settling reads the registers again and
// certifies what they hold, even though those sessions were certified once
// before (and superseded).
func TestSettlingAttendanceRepairsAStaleIssuing(t *testing.T) {
	w := newWorld(t, Options{})
	ctx := context.Background()
	holder, err := w.acc.UserFacts(ctx, w.holder)
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2025, 3, d, 9, 0, 0, 0, time.UTC) }
	s1 := AttendedSession{SessionID: 1, StartsAt: day(3), Hours: 2}
	s2 := AttendedSession{SessionID: 2, StartsAt: day(4), Hours: 3}
	w.facts.attended[[2]int64{1, w.holder}] = []AttendedSession{s1, s2}
	if err := w.svc.settleAttendance(ctx, 1, holder); err != nil {
		t.Fatal(err)
	}
	// The stale issuing (it saw only the first register) finishes last.
	if _, created, err := w.svc.issueAttendance(ctx, 1, holder, []AttendedSession{s1}, nil); err != nil || !created {
		t.Fatalf("stale issuing: created %v, %v", created, err)
	}
	if err := w.svc.settleAttendance(ctx, 1, holder); err != nil {
		t.Fatal(err)
	}
	mine, _, err := w.svc.Mine(ctx, w.principal(w.holder), 0, 10)
	if err != nil || len(mine) != 3 || mine[0].Status != StatusValid || mine[0].Hours != 5 || mine[1].Hours != 2 || mine[1].Status != StatusSuperseded {
		t.Fatalf("after settling: %+v, %v", mine, err)
	}
	// Settled again, nothing changes.
	if err := w.svc.settleAttendance(ctx, 1, holder); err != nil {
		t.Fatal(err)
	}
	if n := w.count("user_id = ? AND kind = ?", w.holder, "attendance"); n != 3 {
		t.Fatalf("%d certificates after settling twice, want 3", n)
	}
}
