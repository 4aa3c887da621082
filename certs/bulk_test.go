package certs

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/database/dbtest"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// seed issues one certificate to the holder of A and copies it n-1 times
// with fresh codes straight into the table: many certificates, quickly.
func (w *world) seed(n int) {
	w.t.Helper()
	c, _ := w.complete(w.holder, 1, 1, w.clock.now())
	row, err := w.svc.load(context.Background(), c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	snap, err := decodeSnapshot(row.Snapshot)
	if err != nil {
		w.t.Fatal(err)
	}
	batch := make([]certificate, 0, 250)
	flush := func() {
		if len(batch) > 0 {
			if err := w.db.Session(&gorm.Session{Logger: w.db.Logger}).CreateInBatches(batch, 250).Error; err != nil {
				w.t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	for i := range n - 1 {
		code, err := NewCode()
		if err != nil {
			w.t.Fatal(err)
		}
		snap.Code, snap.VerifyURL = code, VerifyURL(testBaseURL, code)
		r := *row
		r.ID, r.Code, r.IssueKey, r.CourseID = 0, code, fmt.Sprintf("seed:%d", i), int64(1000+i)
		if r.Snapshot, err = encodeSnapshot(snap); err != nil {
			w.t.Fatal(err)
		}
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
}

// router serves the certificates API as the platform does: the shared
// middleware, authentication, the handler.
func (w *world) router() http.Handler {
	w.t.Helper()
	e, err := httpapi.NewEngine(httpapi.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		w.t.Fatal(err)
	}
	api := e.Group("/api/v1", w.acc.Authenticate)
	NewHandler(w.svc, w.acc.Limiter).Register(api)
	return e
}

func (w *world) request(h http.Handler, who int64, method, path string, body io.Reader, rw http.ResponseWriter) {
	w.t.Helper()
	sess, err := w.acc.SessionFor(context.Background(), who)
	if err != nil {
		w.t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Authorization", "Bearer "+sess.AccessToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	h.ServeHTTP(rw, req)
}

func readZip(t testing.TB, b []byte) (map[string][]byte, [][]string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the ZIP does not open: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc) // checks the CRC
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = data
	}
	m, ok := files[ManifestName]
	if !ok {
		t.Fatal("no manifest.csv in the ZIP")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(m), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	return files, rows
}

// The direct ZIP holds one PDF per certificate, each the certificate's own
// deterministic bytes, and a manifest whose rows match; over the limit it
// asks for an export job, whose ZIP holds the same.
func TestBulkZip(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t, Options{DirectLimit: 20})
	w.seed(25)
	h := w.router()
	path := fmt.Sprintf("/api/v1/institutions/%d/certificates/zip", w.instA)

	rec := httptest.NewRecorder()
	w.request(h, w.managerA, "GET", strings.TrimSuffix(path, "/zip"), nil, rec)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"zip_limit":20`) {
		t.Fatalf("the list does not publish the ZIP limit: %d %s", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	w.request(h, w.managerA, "GET", path+"?course_id=1", nil, rec)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(rec.Header().Get("Content-Disposition"), `attachment; filename="certificates-`) {
		t.Fatalf("direct ZIP: %d %v %s", rec.Code, rec.Header(), rec.Body.String())
	}
	files, rows := readZip(t, rec.Body.Bytes())
	if len(files) != 2 || len(rows) != 2 {
		t.Fatalf("course 1 only: %d files, %d manifest rows", len(files), len(rows))
	}

	rec = httptest.NewRecorder()
	w.request(h, w.managerA, "GET", path, nil, rec)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "export_too_large") {
		t.Fatalf("over the limit: %d %s", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	w.request(h, w.holderB, "GET", path, nil, rec)
	if rec.Code != 404 {
		t.Fatalf("another institution's member: %d", rec.Code)
	}

	rec = httptest.NewRecorder()
	w.request(h, w.managerA, "POST", fmt.Sprintf("/api/v1/institutions/%d/certificate-exports", w.instA), strings.NewReader(`{"kind":"completion"}`), rec)
	if rec.Code != 202 || rec.Header().Get("Location") == "" {
		t.Fatalf("create export: %d %s", rec.Code, rec.Body.String())
	}
	w.svc.Wait()
	loc := rec.Header().Get("Location")
	rec = httptest.NewRecorder()
	w.request(h, w.managerA, "GET", loc, nil, rec)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"ready","total":25,"done":25`) {
		t.Fatalf("export status: %d %s", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	w.request(h, w.managerA, "GET", loc+"/zip", nil, rec)
	if rec.Code != 200 {
		t.Fatalf("export download: %d %s", rec.Code, rec.Body.String())
	}
	files, rows = readZip(t, rec.Body.Bytes())
	if len(files) != 26 || len(rows) != 26 {
		t.Fatalf("export: %d files, %d manifest rows; want 25 PDFs, a manifest and 25 rows", len(files), len(rows))
	}
	if strings.Join(rows[0], ",") != strings.Join(manifestHeader, ",") {
		t.Fatalf("manifest header = %v", rows[0])
	}
	var certs []certificate
	if err := w.db.Order("id").Find(&certs).Error; err != nil {
		t.Fatal(err)
	}
	for i, row := range rows[1:] {
		c := certs[i]
		wantFile, _ := pdfFileNames(&c)
		if row[0] != wantFile || row[1] != c.Code || row[2] != "Ана Ђорђевић" || row[3] != "Препознавање жртава трговине људима" ||
			row[4] != "completion" || row[5] != "7.5" || row[6] != "2025-03-12" || row[7] != "2025-03-12" || row[8] != "2026-03-12" || row[9] != "valid" {
			t.Fatalf("manifest row %d = %v, certificate %s", i, row, c.Code)
		}
		if i%10 == 0 && !bytes.Equal(files[row[0]], w.pdfOf(c.ID)) {
			t.Fatalf("%s in the ZIP is not the certificate's own bytes", row[0])
		}
	}
	rec = httptest.NewRecorder()
	w.request(h, w.holderB, "GET", loc+"/zip", nil, rec)
	if rec.Code != 404 {
		t.Fatalf("another institution's member downloading the export: %d", rec.Code)
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct {
	h    http.Header
	code int
	n    int64
}

func (d *discard) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *discard) Write(b []byte) (int, error) { d.n += int64(len(b)); return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

// heapPeak runs f and returns the heap in use before it and the most seen
// while it ran, sampled every 2 ms (runtime/metrics does not stop the world).
func heapPeak(f func()) (base, peak uint64) {
	const name = "/memory/classes/heap/objects:bytes"
	sample := []metrics.Sample{{Name: name}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base = read()
	peak = base
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				v := read()
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
		}
	}()
	f()
	close(stop)
	<-done
	return base, max(peak, read())
}

// Streaming 2,000 certificates through the real handler grows the heap by
// far less than the 50 MB the issue allows for 10,000, and no more than a
// few hundred do: memory does not follow the count.
func TestBulkZipMemoryIsFlat(t *testing.T) {
	n := 2000
	if raceEnabled || testing.Short() {
		n = 200
	}
	w := newWorld(t, Options{DirectLimit: 100000})
	w.seed(n)
	h := w.router()
	path := fmt.Sprintf("/api/v1/institutions/%d/certificates/zip", w.instA)
	measure := func(query string) (uint64, int64, time.Duration) {
		var d discard
		start := time.Now()
		base, peak := heapPeak(func() { w.request(h, w.managerA, "GET", path+query, nil, &d) })
		if d.code != 200 || d.n == 0 {
			t.Fatalf("ZIP: %d, %d bytes", d.code, d.n)
		}
		return peak - base, d.n, time.Since(start)
	}
	small, smallBytes, _ := measure("?to=2025-03-12&course_id=1")
	growth, size, took := measure("")
	t.Logf("%d certificates: %.1f MB ZIP in %v, heap growth %.1f MB (one certificate: %.1f MB, %d bytes)",
		n, float64(size)/1e6, took.Round(time.Millisecond), float64(growth)/1e6, float64(small)/1e6, smallBytes)
	if raceEnabled {
		return // the race detector's shadow memory says nothing about ours
	}
	if growth > 50<<20 {
		t.Fatalf("heap grew by %.1f MB streaming %d certificates; the bound is 50 MB for 10,000", float64(growth)/1e6, n)
	}
}

// BenchmarkBulkZip1000 streams a ZIP of 1,000 certificates through the real
// handler (target: under 2 s on a 2-core machine) and reports the heap's
// peak growth. Run it with a small -benchtime (e.g. 3x): one op is 1,000 PDFs.
func BenchmarkBulkZip1000(b *testing.B) {
	w := newWorld(b, Options{DirectLimit: 100000})
	w.seed(1000)
	h := w.router()
	path := fmt.Sprintf("/api/v1/institutions/%d/certificates/zip", w.instA)
	var worst uint64
	b.ResetTimer()
	for b.Loop() {
		var d discard
		base, peak := heapPeak(func() { w.request(h, w.managerA, "GET", path, nil, &d) })
		if d.code != 200 {
			b.Fatalf("ZIP: %d", d.code)
		}
		worst = max(worst, peak-base)
	}
	b.ReportMetric(float64(worst)/1e6, "peak-heap-MB")
}

// Jobs whose server stopped are taken over; a job another server is
// running (fresh heartbeat) is left alone.
func TestResumeExports(t *testing.T) {
	w := newWorld(t, Options{})
	w.seed(3)
	now := w.clock.now()
	stale, fresh := now.Add(-time.Hour), now.Add(-time.Second)
	jobs := []exportJob{
		{InstitutionID: w.instA, Filter: "{}", Status: ExportQueued, CreatedAt: now},
		{InstitutionID: w.instA, Filter: "{}", Status: ExportRunning, CreatedAt: now, HeartbeatAt: &stale, Done: 1},
		{InstitutionID: w.instA, Filter: "{}", Status: ExportRunning, CreatedAt: now, HeartbeatAt: &fresh},
	}
	if err := w.db.Create(&jobs).Error; err != nil {
		t.Fatal(err)
	}
	n, err := w.svc.ResumeExports(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("ResumeExports = %d, %v; want 2", n, err)
	}
	w.svc.Wait()
	mgr := w.principal(w.managerA)
	for i, want := range []string{ExportReady, ExportReady, ExportRunning} {
		j, err := w.svc.GetExport(context.Background(), mgr, jobs[i].ID)
		if err != nil || j.Status != want {
			t.Fatalf("job %d = %+v, %v; want %s", i, j, err, want)
		}
		if want == ExportReady && (j.Total != 3 || j.Done != 3) {
			t.Fatalf("job %d = %+v, want 3 of 3", i, j)
		}
	}
	if _, err := w.svc.DownloadExport(context.Background(), mgr, jobs[2].ID); err == nil || !strings.Contains(err.Error(), "export_not_ready") {
		t.Fatalf("downloading a running job: %v", err)
	}
}
