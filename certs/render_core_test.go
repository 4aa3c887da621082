package certs

import (
	"bytes"
	"io"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/prepoznaj/prepoznaj/lang"
)

// coreWriter sets text in the built-in Helvetica: the baseline the issue
// measures the UTF-8 font against. It handles only the cp1252 subset, so it
// lives in a test file.
type coreWriter struct {
	pdf  *fpdf.Fpdf
	bold bool
	set  bool
}

func (w *coreWriter) setFont(bold bool, size float64) {
	w.pdf.SetFont("Helvetica", map[bool]string{false: "", true: "B"}[bold], size)
	w.bold, w.set = bold, true
}

func (w *coreWriter) units(s string, bold bool) int {
	if !w.set || w.bold != bold {
		w.setFont(bold, 10)
	}
	return w.pdf.GetStringSymbolWidth(s)
}

func (w *coreWriter) draw(x, y float64, s string, st style) {
	w.setFont(st.bold, st.size)
	w.pdf.Text(x, y, s)
}

// asciiSnapshot is the same certificate in English with ASCII text only.
func asciiSnapshot(t testing.TB) Snapshot {
	s := sampleSnapshot(t, lang.English)
	s.HolderName = "Ana Djordjevic"
	s.InstitutionName = "Police Directorate for the City of Belgrade"
	s.ProfessionLabel = "Police officer"
	s.CourseTitle = "Recognising victims of human trafficking"
	s.IssuerName = "Prepoznaj Training Centre"
	s.Signatories = []Signatory{{"Milica Jovanovic", "Director"}, {"John Smith", "Trainer"}}
	return s
}

func renderCore(w io.Writer, s Snapshot) error {
	return renderCertificate(w, s, func(pdf *fpdf.Fpdf) typesetter { return &coreWriter{pdf: pdf} })
}

func TestRenderCoreBaseline(t *testing.T) {
	var buf bytes.Buffer
	if err := renderCore(&buf, asciiSnapshot(t)); err != nil {
		t.Fatal(err)
	}
	if got := pdfText(t, buf.Bytes()); !bytes.Contains([]byte(got), []byte("Ana Djordjevic")) {
		t.Fatalf("core baseline text = %q", got)
	}
}

// The two benchmarks are the figure: one certificate with the
// embedded UTF-8 font and QR (the full public path, validation included)
// against the same page in Helvetica. Run them in one go test invocation
// and divide; BenchmarkRenderRatio interleaves the two and reports the
// ratio itself, which is steadier on a shared machine.
func BenchmarkRenderUTF8(b *testing.B) {
	s := sampleSnapshot(b, lang.SerbianCyrillic)
	if _, err := loadFonts(); err != nil { // once per process, not per document
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderCoreFont(b *testing.B) {
	s := asciiSnapshot(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := renderCore(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderRatio(b *testing.B) {
	utf8Snap, coreSnap := sampleSnapshot(b, lang.SerbianCyrillic), asciiSnapshot(b)
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	var utf8Time, coreTime time.Duration
	for b.Loop() {
		start := time.Now()
		if err := Render(io.Discard, utf8Snap); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if err := renderCore(io.Discard, coreSnap); err != nil {
			b.Fatal(err)
		}
		utf8Time += mid.Sub(start)
		coreTime += time.Since(mid)
	}
	b.ReportMetric(float64(utf8Time.Nanoseconds())/float64(b.N), "utf8-ns/op")
	b.ReportMetric(float64(coreTime.Nanoseconds())/float64(b.N), "core-ns/op")
	b.ReportMetric(float64(utf8Time)/float64(coreTime), "utf8/core")
}
