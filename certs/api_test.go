package certs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/certs"
	"github.com/prepoznaj/prepoznaj/courses"
)

func init() {
	// The OpenAPI validator reads PDF and ZIP bodies as opaque bytes.
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/zip", openapi3filter.FileBodyDecoder)
}

// world is the platform with the standard fixture and a published course
// owned by its trainer: one required lesson, 2 hours, valid 12 months, and
// a live session that started an hour ago with the learner of A
// registered. The learner of A has completed it.
type world struct {
	t       *testing.T
	s       *apitest.Server
	f       *apitest.Fixture
	course  int64
	lesson  int64
	session int64
	cert    certs.Certificate
}

func newWorld(t *testing.T) *world {
	t.Helper()
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	t.Cleanup(s.App.Certs.Wait)
	w := &world{t: t, s: s, f: s.NewFixture()}
	ctx := context.Background()
	crs := s.App.Courses
	tr := w.principal("trainer")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	d, err := crs.CreateCourse(ctx, tr, courses.CourseFields{Slug: "prepoznavanje", Title: courses.LocalText{Sr: "Препознавање жртава трговине људима", En: "Recognising victims of trafficking"},
		Professions: []string{"police"}, Level: "introductory", Hours: 2, ValidityMonths: 12, SelfEnrol: true})
	must(err)
	m, err := crs.CreateModule(ctx, tr, d.ID, courses.LocalText{Sr: "Основе"})
	must(err)
	l, err := crs.CreateLesson(ctx, tr, m.ID, courses.LessonFields{Title: courses.LocalText{Sr: "Увод"}, Body: courses.LocalText{Sr: "Текст."}, Required: true})
	must(err)
	_, err = crs.Publish(ctx, tr, d.ID)
	must(err)
	sess, err := crs.CreateSession(ctx, tr, d.ID, courses.SessionFields{Kind: courses.KindInPerson, Place: "Нови Сад, Булевар 1",
		StartsAt: time.Now().Add(-time.Hour), DurationMinutes: 90, Capacity: 10})
	must(err)
	w.course, w.lesson, w.session = d.ID, l.ID, sess.ID
	learner := w.principal("learner")
	_, _, err = crs.Enrol(ctx, learner, d.ID)
	must(err)
	_, err = crs.RegisterForSession(ctx, learner, sess.ID, nil)
	must(err)
	_, err = crs.CompleteLesson(ctx, learner, l.ID) // courses tells certs
	must(err)
	var page struct {
		Items []certs.Certificate `json:"items"`
		Total int                 `json:"total"`
	}
	w.do("learner", "GET", "/me/certificates", nil).WantStatus(200).JSON(&page)
	if page.Total != 1 || len(page.Items) != 1 {
		t.Fatalf("after completing the course the learner has %d certificates, want 1", page.Total)
	}
	w.cert = page.Items[0]
	return w
}

func (w *world) principal(who string) *accounts.Principal {
	p := &accounts.Principal{UserID: w.f.Users[who], Locale: "sr-Cyrl"}
	switch who {
	case "trainer":
		p.Trainer = true
	case "admin":
		p.Admin = true
	case "learner", "manager_same":
		p.InstitutionID = w.f.InstA
	case "learner_b", "manager_other":
		p.InstitutionID = w.f.InstB
	}
	p.Manager = strings.HasPrefix(who, "manager")
	return p
}

func (w *world) do(who, method, path string, body any, header ...string) *apitest.Response {
	w.t.Helper()
	h := map[string]string{}
	for i := 0; i+1 < len(header); i += 2 {
		h[header[i]] = header[i+1]
	}
	if who == "learner_b" {
		sess, err := w.s.App.Accounts.SessionFor(context.Background(), w.f.Users["learner_b"])
		if err != nil {
			w.t.Fatal(err)
		}
		return w.s.Do(apitest.Request{Method: method, Path: "/api/v1" + path, Body: body, Header: h, Bearer: sess.AccessToken})
	}
	return w.s.As(w.f, who, apitest.Request{Method: method, Path: "/api/v1" + path, Body: body, Header: h})
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is required on CI (poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func (w *world) auditCount(action string, actor string) int {
	w.t.Helper()
	events, err := w.s.App.Accounts.Audit.List(context.Background(), accounts.AuditFilter{Action: action, ActorID: w.f.Users[actor]})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(events)
}

// Completing the course through courses issues the certificate; its PDF
// downloads with the headers the issue asks for, revalidates with its
// ETag, and every download by someone but the holder is audited.
func TestCertificatePDFDownload(t *testing.T) {
	w := newWorld(t)
	c := w.cert
	if c.Kind != "completion" || c.Status != "valid" || c.Hours != 2 || c.CourseTitle != "Препознавање жртава трговине људима" || c.HolderName != "Milica Jovanović" {
		t.Fatalf("certificate = %+v", c)
	}
	path := fmt.Sprintf("/certificates/%d/pdf", c.ID)
	r := w.do("learner", "GET", path, nil).WantStatus(200)
	h := r.Header()
	etag := h.Get("ETag")
	if h.Get("Content-Type") != "application/pdf" || h.Get("Cache-Control") != "private, no-cache" || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("headers = %v", h)
	}
	wantCD := `attachment; filename="Milica-Jovanovic_` + c.Code + `.pdf"; filename*=UTF-8''Milica%20Jovanovi%C4%87%20` + c.Code + `.pdf`
	if got := h.Get("Content-Disposition"); got != wantCD {
		t.Fatalf("Content-Disposition = %s\nwant %s", got, wantCD)
	}
	text := pdfText(t, r.Body.Bytes())
	for _, want := range []string{"Milica Jovanović", "Препознавање жртава трговине људима", "Број часова: 2", c.Code, "Јелена Ђорђевић", "Policijska uprava Novi Sad"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	if w.auditCount(certs.ActCertificateDownload, "learner") != 0 {
		t.Fatal("the holder's own download was audited")
	}
	w.do("learner", "GET", path, nil, "If-None-Match", etag).WantStatus(304)
	for _, who := range []string{"manager_same", "trainer", "admin"} {
		again := w.do(who, "GET", path, nil).WantStatus(200)
		if !bytes.Equal(again.Body.Bytes(), r.Body.Bytes()) || again.Header().Get("ETag") != etag {
			t.Fatalf("%s got different bytes: the PDF is not deterministic", who)
		}
		if w.auditCount(certs.ActCertificateDownload, who) != 1 {
			t.Errorf("%s's download is not in the audit log", who)
		}
	}
	for _, who := range []string{"manager_other", "learner_b"} {
		w.do(who, "GET", path, nil).WantProblem(404, "certificate_not_found")
	}
	w.do("anonymous", "GET", path, nil).WantStatus(401)
}

// A manager of another institution finds nothing by walking ids, nor by a
// code: verification answers the public facts only, never the PDF.
func TestManagerCannotGuessAnotherInstitutionsCertificates(t *testing.T) {
	w := newWorld(t)
	for id := int64(1); id <= w.cert.ID+5; id++ {
		r := w.do("manager_other", "GET", fmt.Sprintf("/certificates/%d/pdf", id), nil)
		if r.Code != 404 {
			t.Fatalf("manager of B, certificate %d: %d", id, r.Code)
		}
	}
	var page struct {
		Total int `json:"total"`
	}
	w.do("manager_other", "GET", fmt.Sprintf("/institutions/%d/certificates", w.f.InstB), nil).WantStatus(200).JSON(&page)
	if page.Total != 0 {
		t.Fatalf("B's list shows %d certificates of A", page.Total)
	}
	w.do("manager_other", "GET", fmt.Sprintf("/institutions/%d/certificates", w.f.InstA), nil).WantProblem(404, "institution_not_found")
	w.do("manager_other", "GET", fmt.Sprintf("/institutions/%d/certificates/zip", w.f.InstA), nil).WantProblem(404, "institution_not_found")
	w.do("manager_other", "POST", fmt.Sprintf("/institutions/%d/certificate-exports", w.f.InstA), map[string]any{}).WantProblem(404, "institution_not_found")
	// A's manager's export is not B's to see.
	var job certs.Export
	w.do("manager_same", "POST", fmt.Sprintf("/institutions/%d/certificate-exports", w.f.InstA), map[string]any{}).WantStatus(202).JSON(&job)
	w.s.App.Certs.Wait()
	w.do("manager_other", "GET", fmt.Sprintf("/certificate-exports/%d", job.ID), nil).WantProblem(404, "export_not_found")
	w.do("manager_other", "GET", fmt.Sprintf("/certificate-exports/%d/zip", job.ID), nil).WantProblem(404, "export_not_found")
	r := w.do("manager_other", "GET", "/verify/"+w.cert.Code, nil).WantStatus(200)
	for _, leak := range []string{"learner@a.test", "Policijska", "holder_id", `"id"`} {
		if strings.Contains(r.Body.String(), leak) {
			t.Errorf("verification shows %q: %s", leak, r.Body.String())
		}
	}
}

// Verification is public, shows the result only when the holder chose,
// says revoked after a revocation, and is rate limited per client.
func TestVerifyRevokeAndRateLimit(t *testing.T) {
	w := newWorld(t)
	var v certs.Verification
	typed := strings.ToLower(strings.ReplaceAll(w.cert.Code, "-", ""))
	r := w.do("anonymous", "GET", "/verify/"+typed, nil).WantStatus(200)
	r.JSON(&v)
	if v.Status != "valid" || v.HolderName != "Milica Jovanović" || v.CourseTitle != "Препознавање жртава трговине људима" || v.Hours != 2 ||
		v.Issuer != certs.DefaultIssuerName || v.ExpiresOn == nil || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("verification = %+v", v)
	}
	w.do("learner", "PATCH", fmt.Sprintf("/me/certificates/%d", w.cert.ID), map[string]any{"show_result": true}).WantStatus(200)
	w.do("learner_b", "PATCH", fmt.Sprintf("/me/certificates/%d", w.cert.ID), map[string]any{"show_result": true}).WantProblem(404, "certificate_not_found")
	w.do("manager_same", "POST", fmt.Sprintf("/certificates/%d/revoke", w.cert.ID), map[string]any{"reason": "x"}).WantProblem(403, "forbidden")
	w.do("trainer", "POST", fmt.Sprintf("/certificates/%d/revoke", w.cert.ID), map[string]any{"reason": ""}).WantProblem(400, "validation_failed")
	w.do("trainer", "POST", fmt.Sprintf("/certificates/%d/revoke", w.cert.ID), map[string]any{"reason": "Тест није положен лично."}).WantStatus(200)
	w.do("admin", "POST", fmt.Sprintf("/certificates/%d/revoke", w.cert.ID), map[string]any{"reason": "Опет."}).WantProblem(409, "already_revoked")
	w.do("anonymous", "GET", "/verify/"+w.cert.Code, nil).WantStatus(200).JSON(&v)
	if v.Status != "revoked" || v.RevocationReason != "Тест није положен лично." || v.RevokedAt == nil {
		t.Fatalf("after revocation: %+v", v)
	}
	if w.auditCount(certs.ActCertificateRevoke, "trainer") != 1 {
		t.Fatal("the revocation is not in the audit log")
	}
	w.do("anonymous", "GET", "/verify/0000-0000-0000-0000-0000-0000-0000", nil).WantProblem(404, "unknown_code")
	// The burst is 10 a client; this test has used 3.
	var last *apitest.Response
	for range certs.VerifyBurst {
		last = w.do("anonymous", "GET", "/verify/"+w.cert.Code, nil)
		if last.Code == 429 {
			break
		}
	}
	last.WantProblem(429, "rate_limited")
	if last.Header().Get("Retry-After") != "2" {
		t.Fatalf("Retry-After = %q", last.Header().Get("Retry-After"))
	}
}

// The attendance side through courses: the trainer records and closes the
// register, the manager asks for the certificate, and the reports show the
// learner.
func TestAttendanceThroughCourses(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	issue := fmt.Sprintf("/courses/%d/attendance-certificates", w.course)
	body := map[string]any{"user_id": w.f.Users["learner"]}
	w.do("manager_same", "POST", issue, body).WantProblem(422, "no_attendance")
	late := 45
	if _, err := w.s.App.Courses.RecordAttendance(ctx, w.principal("trainer"), w.session,
		[]courses.AttendanceEntry{{UserID: w.f.Users["learner"], Status: courses.AttendLate, Minutes: &late}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.App.Courses.CloseRegister(ctx, w.principal("trainer"), w.session); err != nil {
		t.Fatal(err)
	}
	// Closing the register issued it; asking for it answers the same one.
	var c certs.Certificate
	w.do("manager_same", "POST", issue, body).WantStatus(200).JSON(&c)
	if c.Kind != "attendance" || c.Hours != 0.75 {
		t.Fatalf("attendance certificate = %+v", c)
	}
	w.do("trainer", "POST", issue, body).WantStatus(200)
	w.do("manager_other", "POST", issue, body).WantProblem(404, "attendance_not_found")
	r := w.do("learner", "GET", fmt.Sprintf("/certificates/%d/pdf", c.ID), nil).WantStatus(200)
	text := pdfText(t, r.Body.Bytes())
	for _, want := range []string{"ПОТВРДА", "Milica Jovanović", "Нови Сад, Булевар 1", "Број часова: 0,75"} {
		if !strings.Contains(text, want) {
			t.Errorf("attendance PDF lacks %q:\n%s", want, text)
		}
	}

	report := w.do("trainer", "GET", fmt.Sprintf("/sessions/%d/attendance-report", w.session), nil).WantStatus(200)
	if report.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("Content-Type = %q", report.Header().Get("Content-Type"))
	}
	text = pdfText(t, report.Body.Bytes())
	for _, want := range []string{"ЕВИДЕНЦИЈА ПРИСУСТВА", "Препознавање жртава трговине људима", "Milica Jovanović", "Јелена Ђорђевић", "0,75"} {
		if !strings.Contains(text, want) {
			t.Errorf("session report lacks %q:\n%s", want, text)
		}
	}
	w.do("manager_other", "GET", fmt.Sprintf("/sessions/%d/attendance-report", w.session), nil).WantStatus(404)
	w.do("learner", "GET", fmt.Sprintf("/sessions/%d/attendance-report", w.session), nil).WantStatus(404)

	today := time.Now().UTC()
	period := "?from=" + today.AddDate(0, 0, -7).Format(time.DateOnly) + "&to=" + today.AddDate(0, 0, 1).Format(time.DateOnly)
	inst := w.do("manager_same", "GET", fmt.Sprintf("/institutions/%d/attendance-report%s", w.f.InstA, period), nil).WantStatus(200)
	text = pdfText(t, inst.Body.Bytes())
	for _, want := range []string{"ИЗВЕШТАЈ О ПОХАЂАЊУ ОБУКА", "Policijska uprava Novi Sad", "Milica Jovanović", "Препознавање жртава трговине људима", "Нови Сад, Булевар 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("institution report lacks %q:\n%s", want, text)
		}
	}
	w.do("manager_other", "GET", fmt.Sprintf("/institutions/%d/attendance-report%s", w.f.InstA, period), nil).WantProblem(404, "institution_not_found")
	w.do("manager_same", "GET", fmt.Sprintf("/institutions/%d/attendance-report?from=2025-02-01", w.f.InstA), nil).WantProblem(400, "invalid_query")
}

// The manager's list and ZIP of their staff's certificates.
func TestInstitutionListAndZip(t *testing.T) {
	w := newWorld(t)
	var page struct {
		Items    []certs.Certificate `json:"items"`
		Total    int                 `json:"total"`
		ZipLimit int                 `json:"zip_limit"`
	}
	base := fmt.Sprintf("/institutions/%d/certificates", w.f.InstA)
	w.do("manager_same", "GET", base+"?kind=completion&status=valid&course_id="+fmt.Sprint(w.course), nil).WantStatus(200).JSON(&page)
	// The direct ZIP's limit is published, so that clients need not hard-code it.
	if page.Total != 1 || page.Items[0].ID != w.cert.ID || page.ZipLimit != 500 {
		t.Fatalf("list = %+v", page)
	}
	w.do("manager_same", "GET", base+"?status=revoked", nil).WantStatus(200).JSON(&page)
	if page.Total != 0 {
		t.Fatalf("revoked = %+v", page)
	}
	w.do("manager_same", "GET", base+"?from=yesterday", nil).WantProblem(400, "invalid_query")
	w.do("manager_same", "GET", base+"?kind=diploma", nil).WantProblem(400, "invalid_query")

	r := w.do("manager_same", "GET", base+"/zip", nil).WantStatus(200)
	zr, err := zip.NewReader(bytes.NewReader(r.Body.Bytes()), int64(r.Body.Len()))
	if err != nil {
		t.Fatalf("the ZIP does not open: %v", err)
	}
	names := map[string]*zip.File{}
	for _, f := range zr.File {
		names[f.Name] = f
	}
	pdfName := "Milica-Jovanovic_" + w.cert.Code + ".pdf"
	if len(names) != 2 || names[pdfName] == nil || names[certs.ManifestName] == nil {
		t.Fatalf("ZIP holds %v", names)
	}
	rc, _ := names[certs.ManifestName].Open()
	raw, _ := io.ReadAll(rc)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != pdfName || rows[1][1] != w.cert.Code || rows[1][2] != "Milica Jovanović" || rows[1][9] != "valid" {
		t.Fatalf("manifest = %v, %v", rows, err)
	}
	if w.auditCount(certs.ActCertificateExport, "manager_same") != 1 {
		t.Fatal("the ZIP download is not in the audit log")
	}
}
