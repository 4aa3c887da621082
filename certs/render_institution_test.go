package certs

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/lang"
)

func TestRenderInstitutionReport(t *testing.T) {
	r := InstitutionReport{
		Locale:          lang.SerbianLatin,
		InstitutionName: "Полицијска управа за град Београд",
		From:            time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		To:              time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC),
		IssuerName:      "Центар за обуку Препознај",
		GeneratedAt:     time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC),
	}
	for i := range 40 {
		r.Rows = append(r.Rows, InstitutionReportRow{Name: fmt.Sprintf("Полазник Ђорђевић %d", i+1), ProfessionLabel: "Полицијски службеник",
			CourseTitle: "Препознавање жртава трговине људима", Date: time.Date(2025, 2, 1+i%27, 0, 0, 0, 0, time.UTC), Place: "Нови Сад", Hours: 1.5})
	}
	r.Rows[5].CourseTitle = truncateRunes(strings.Repeat("Веома дугачак наслов обуке ", 12), MaxCourseLen)
	r.Rows[6].Name = truncateRunes(strings.Repeat("Александра Ђорђевић ", 12), MaxNameLen)
	r.Rows[6].Place = truncateRunes(strings.Repeat("Шумадијска ", 12), MaxShortLen)
	var buf bytes.Buffer
	if err := RenderInstitutionReport(&buf, r); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	pages := institutionTable(r).pages(len(r.Rows))
	for _, want := range []string{"IZVEŠTAJ O POHAĐANJU OBUKA", "Policijska uprava za grad Beograd", "Period: 1. januara 2025. – 31. marta 2025.",
		"Broj prisustva: 40", "Ukupno časova: 60", "Polaznik Đorđević 40, Policijski službenik", "Novi Sad", fmt.Sprintf("Strana %d od %d", pages, pages)} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if pages < 2 {
		t.Fatalf("40 rows on %d page: want pagination", pages)
	}
	if !strings.Contains(squeeze(text), squeeze(lang.ToLatin(r.Rows[5].CourseTitle))) {
		t.Fatal("long course title cut")
	}
	if !strings.Contains(squeeze(text), squeeze(lang.ToLatin(r.Rows[6].Name))) || !strings.Contains(squeeze(text), squeeze(lang.ToLatin(r.Rows[6].Place))) {
		t.Fatal("long name or place cut")
	}
	checkInside(t, buf.Bytes(), 0, 0, 595.28, 841.89)
	var again bytes.Buffer
	if err := RenderInstitutionReport(&again, r); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatalf("report not deterministic (err %v)", err)
	}
	r.Rows[2].Place = "x\u202Ey"
	if err := RenderInstitutionReport(&bytes.Buffer{}, r); err == nil || !strings.Contains(err.Error(), "Rows[2].Place") {
		t.Fatalf("hostile place: error = %v", err)
	}
	r.Rows = nil
	if err := RenderInstitutionReport(&bytes.Buffer{}, r); err != nil {
		t.Fatalf("a period without attendance: %v", err)
	}
}

func TestFileNames(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Ана Ђорђевић", "Ana-Djordjevic"},
		{"Łukasz Żółć", "Lukasz-Zolc"},
		{"../../etc/passwd", "etc-passwd"},
		{`"; filename=evil.exe`, "filename-evil-exe"},
		{"\u202Eexe.pdf", "exe-pdf"},
		{"ΑΒΓ", "certificate"},
		{strings.Repeat("Љ", 100), strings.Repeat("LJ", 30)},
	} {
		if got := asciiName(tt.in, 60); got != tt.want {
			t.Errorf("asciiName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	got := contentDisposition("a.pdf", `Ана "x"/y.pdf`)
	if want := `attachment; filename="a.pdf"; filename*=UTF-8''%D0%90%D0%BD%D0%B0%20%22x%22%2Fy.pdf`; got != want {
		t.Errorf("contentDisposition = %s, want %s", got, want)
	}
	if got := unicodeName("Ана \"x\"/y\u202E", 100); got != "Ана _x__y_" {
		t.Errorf("unicodeName = %q", got)
	}
}
