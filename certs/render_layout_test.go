package certs

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prepoznaj/prepoznaj/lang"
)

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

var wordBox = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">`)

// checkInside fails if pdftotext places any word outside the rectangle
// (points): text that overflows the frame or runs off the page.
func checkInside(t *testing.T, pdf []byte, x0, y0, x1, y1 float64) {
	t.Helper()
	words := wordBox.FindAllStringSubmatch(pdfText(t, pdf, "-bbox"), -1)
	if len(words) == 0 {
		t.Fatal("pdftotext -bbox found no words")
	}
	for _, w := range words {
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(w[i+1], 64)
		}
		if v[0] < x0 || v[1] < y0 || v[2] > x1 || v[3] > y1 {
			t.Fatalf("word at %v lies outside [%v %v %v %v]", v, x0, y0, x1, y1)
		}
	}
}

// The inner frame of the certificate, in points.
const frameX0, frameY0, frameX1, frameY1 = 13.5 / ptToMM, 13.5 / ptToMM, (pageW - 13.5) / ptToMM, (pageH - 13.5) / ptToMM

func truncateRunes(s string, n int) string {
	r := []rune(s)
	return strings.TrimSpace(string(r[:min(n, len(r))]))
}

func TestRenderLongNames(t *testing.T) {
	tests := map[string]string{
		"200 characters, many words": truncateRunes(strings.Repeat("Александра-Марија Ђорђевић Петровић ", 10), MaxNameLen),
		"200 characters, one word":   truncateRunes(strings.Repeat("абвгдђежзијклљмнњопрстћуфхцчџш", 10), MaxNameLen),
		"capitals":                   truncateRunes(strings.Repeat("ШЉЊЖМ ", 40), MaxNameLen),
		"Latin, 150 characters":      truncateRunes(strings.Repeat("Wolfgang Amadeus Mozart ", 10), 150),
	}
	for name, holder := range tests {
		for _, locale := range []lang.Locale{lang.SerbianCyrillic, lang.SerbianLatin} {
			t.Run(name+"/"+string(locale), func(t *testing.T) {
				s := sampleSnapshot(t, locale)
				s.HolderName = holder
				s.CourseTitle = truncateRunes(strings.Repeat("Препознавање жртава трговине људима у пракси ", 10), MaxCourseLen)
				s.InstitutionName = truncateRunes(strings.Repeat("Министарство унутрашњих послова ", 10), MaxNameLen)
				pdf := renderBytes(t, s)
				if got, want := squeeze(pdfText(t, pdf)), squeeze(lang.Localize(holder, locale)); !strings.Contains(got, want) {
					t.Fatalf("the whole name is not in the text:\nwant %s\ngot  %s", want, got)
				}
				checkInside(t, pdf, frameX0, frameY0, frameX1, frameY1)
			})
		}
	}
}

// The widest letters at the length limit either fit or are refused by
// validation, with the field named; they never overflow or get cut.
func TestRenderWidestText(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	widest := 'A'
	for r := rune(0x20); r < maxRune; r++ {
		if fs.supported(r) && fs.width[weightBold][r] > fs.width[weightBold][widest] {
			widest = r
		}
	}
	t.Logf("widest character: %q (%d/1000 em)", widest, fs.width[weightBold][widest])
	for _, n := range []int{40, 80, MaxNameLen} {
		s := sampleSnapshot(t, lang.SerbianCyrillic)
		s.HolderName = strings.Repeat(string(widest), n)
		var buf bytes.Buffer
		err := Render(&buf, s)
		var verr *ValidationError
		switch {
		case errors.As(err, &verr):
			if verr.Problems[0].Field != "HolderName" {
				t.Fatalf("%d × %q: error names %q", n, widest, verr.Problems[0].Field)
			}
			t.Logf("%d × %q: refused: %v", n, widest, err)
		case err != nil:
			t.Fatalf("%d × %q: %v", n, widest, err)
		default:
			if got := squeeze(pdfText(t, buf.Bytes())); !strings.Contains(got, s.HolderName) {
				t.Fatalf("%d × %q: name cut", n, widest)
			}
			checkInside(t, buf.Bytes(), frameX0, frameY0, frameX1, frameY1)
			t.Logf("%d × %q: printed in full", n, widest)
		}
	}
}

func TestRenderAttendance(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 4, d, 0, 0, 0, 0, time.UTC) }
	for _, n := range []int{1, inlineSessions, inlineSessions + 1, 45} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			s := sampleSnapshot(t, lang.SerbianLatin)
			s.Kind, s.StartedOn, s.CompletedOn, s.Result = KindAttendance, time.Time{}, time.Time{}, ""
			s.Hours = 0
			for i := range n {
				s.Sessions = append(s.Sessions, Session{Date: day(1 + i%28), Place: fmt.Sprintf("Палата правде, сала %d", i+1), Hours: 2.5})
				s.Hours += 2.5
			}
			pdf := renderBytes(t, s)
			text := pdfText(t, pdf)
			for i := range n {
				if want := fmt.Sprintf("Palata pravde, sala %d ", i+1); !strings.Contains(text+" ", want) {
					t.Fatalf("session %d's place missing:\n%s", i+1, text)
				}
			}
			if !strings.Contains(text, "POTVRDA") || !strings.Contains(text, "Broj časova: "+formatHours(s.Hours, s.Locale)) {
				t.Fatalf("title or hours missing:\n%s", text)
			}
			pages := 1
			if n > inlineSessions {
				pages += sessionTable(s).pages(n)
			}
			if info := pdfInfo(t, pdf); !strings.Contains(info, fmt.Sprintf("Pages: %d\n", pages)) {
				t.Fatalf("want %d pages:\n%s", pages, info)
			}
		})
	}
}

func TestRenderAttendanceReport(t *testing.T) {
	r := AttendanceReport{
		Locale:      lang.SerbianCyrillic,
		CourseTitle: "Препознавање жртава трговине људима",
		SessionDate: time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC),
		Place:       "Београд, Палата правде",
		Trainer:     "Милица Јовановић",
		IssuerName:  "Центар за обуку Препознај",
		GeneratedAt: time.Date(2025, 5, 20, 18, 0, 0, 0, time.UTC),
	}
	for i := range 45 {
		r.Attendees = append(r.Attendees, Attendee{
			Name: fmt.Sprintf("Полазник Ђорђевић %d", i+1), InstitutionName: "Основни суд у Нишу",
			ProfessionLabel: "Судија", Hours: 4,
		})
	}
	r.Attendees[7].Name = truncateRunes(strings.Repeat("Александра Ђорђевић ", 12), MaxNameLen)
	var buf bytes.Buffer
	if err := RenderAttendanceReport(&buf, r); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for i, a := range r.Attendees {
		if i != 7 && !strings.Contains(text+" ", a.Name+" ") {
			t.Fatalf("attendee %q missing", a.Name)
		}
	}
	if !strings.Contains(squeeze(text), squeeze(r.Attendees[7].Name)) {
		t.Fatal("long attendee name cut")
	}
	pages := reportTable(r).pages(len(r.Attendees))
	if pages < 2 {
		t.Fatalf("45 attendees on %d page(s): want pagination", pages)
	}
	for _, want := range []string{"ЕВИДЕНЦИЈА ПРИСУСТВА", "20. маја 2025.", "Београд, Палата правде", "Потпис", fmt.Sprintf("Страна %d од %d", pages, pages)} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if info := pdfInfo(t, buf.Bytes()); !strings.Contains(info, fmt.Sprintf("Pages: %d\n", pages)) {
		t.Fatalf("want %d pages:\n%s", pages, info)
	}
	checkInside(t, buf.Bytes(), 0, 0, 595.28, 841.89)
	var again bytes.Buffer
	if err := RenderAttendanceReport(&again, r); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatalf("report not deterministic (err %v)", err)
	}
	r.Attendees[3].Name = "Ана\u202E"
	if err := RenderAttendanceReport(&bytes.Buffer{}, r); err == nil || !strings.Contains(err.Error(), "Attendees[3].Name") {
		t.Fatalf("hostile attendee name: error = %v", err)
	}
}

func TestValidateSnapshot(t *testing.T) {
	tests := []struct {
		field  string
		mutate func(*Snapshot)
	}{
		{"Kind", func(s *Snapshot) { s.Kind = "diploma" }},
		{"Locale", func(s *Snapshot) { s.Locale = "sr" }},
		{"HolderName", func(s *Snapshot) { s.HolderName = "" }},
		{"CourseTitle", func(s *Snapshot) { s.CourseTitle = strings.Repeat("а", MaxCourseLen+1) }},
		{"IssuerName", func(s *Snapshot) { s.IssuerName = " " }},
		{"Hours", func(s *Snapshot) { s.Hours = 0 }},
		{"Hours", func(s *Snapshot) { s.Hours = -1 }},
		{"CompletedOn", func(s *Snapshot) { s.CompletedOn = time.Time{} }},
		{"StartedOn", func(s *Snapshot) { s.StartedOn = s.CompletedOn.AddDate(0, 0, 1) }},
		{"ExpiresOn", func(s *Snapshot) { s.ExpiresOn = s.CompletedOn }},
		{"ExpiresOn", func(s *Snapshot) { s.ExpiresOn = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"Sessions", func(s *Snapshot) { s.Kind = KindAttendance }},
		{"Signatories", func(s *Snapshot) { s.Signatories = make([]Signatory, MaxSignatories+1) }},
		{"Signatories[0].Name", func(s *Snapshot) { s.Signatories[0].Name = "" }},
		{"Signatories[1].Role", func(s *Snapshot) { s.Signatories[1].Role = "a\x07" }},
		{"IssuedAt", func(s *Snapshot) { s.IssuedAt = time.Time{} }},
		{"Code", func(s *Snapshot) { s.Code = strings.ToLower(s.Code) }},
		{"Supersedes", func(s *Snapshot) { s.Supersedes = "nope" }},
		{"VerifyURL", func(s *Snapshot) { s.VerifyURL = "https://evil.example/verify/X" }},
		{"VerifyURL", func(s *Snapshot) { s.VerifyURL = "javascript:alert(1)//verify/" + s.Code }},
		{"VerifyURL", func(s *Snapshot) { s.VerifyURL = "/verify/" + s.Code }},
	}
	for _, tt := range tests {
		s := sampleSnapshot(t, lang.SerbianCyrillic)
		tt.mutate(&s)
		var verr *ValidationError
		if err := ValidateSnapshot(s); !errors.As(err, &verr) || verr.Problems[0].Field != tt.field {
			t.Errorf("%s: ValidateSnapshot = %v, want a problem with %s", tt.field, err, tt.field)
		}
	}
	ok := sampleSnapshot(t, lang.SerbianCyrillic)
	ok.Supersedes = sampleCode(t, 9)
	ok.Signatories = nil
	if err := ValidateSnapshot(ok); err != nil {
		t.Fatalf("valid snapshot refused: %v", err)
	}
	if !utf8.ValidString((&ValidationError{[]FieldError{{"A", "b"}}}).Error()) {
		t.Fatal("error message is not UTF-8")
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"Ана Ђорђевић", ") Tj (", `\`, "محمد", "\u202E", "\xff", strings.Repeat("Ш", 300), "Łukasz Żółć", "a\u0301"} {
		f.Add(s, s)
	}
	base := sampleSnapshot(f, lang.SerbianLatin)
	f.Fuzz(func(t *testing.T, holder, course string) {
		s := base
		s.HolderName, s.CourseTitle = holder, course
		var buf bytes.Buffer
		err := Render(&buf, s)
		var verr *ValidationError
		if err != nil && !errors.As(err, &verr) {
			t.Fatalf("Render(%q, %q): unexpected error %v", holder, course, err)
		}
		if err == nil && (!bytes.HasPrefix(buf.Bytes(), []byte("%PDF-1.")) || !bytes.HasSuffix(buf.Bytes(), []byte("%%EOF\n"))) {
			t.Fatalf("Render(%q, %q): not a complete PDF", holder, course)
		}
	})
}
