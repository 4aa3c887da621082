package certs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/lang"
)

func TestRenderScripts(t *testing.T) {
	tests := []struct {
		locale  lang.Locale
		holder  string
		want    []string
		notWant string
	}{
		{lang.SerbianCyrillic, "Ана Ђорђевић", []string{"Ана Ђорђевић", "Препознавање жртава трговине људима", "Број часова: 7,5", "12. марта 2025.", "СЕРТИФИКАТ"}, "Đorđević"},
		{lang.SerbianLatin, "Ана Ђорђевић", []string{"Ana Đorđević", "Prepoznavanje žrtava trgovine ljudima", "Broj časova: 7,5", "12. marta 2025.", "SERTIFIKAT", "Džon Smit"}, "Ђорђевић"},
		{lang.English, "Ана Ђорђевић", []string{"Ana Đorđević", "Hours: 7.5", "12 March 2025", "CERTIFICATE"}, "Ђорђевић"},
		{lang.SerbianLatin, "Милан Анђелковић", []string{"Milan Anđelković"}, ""},
		{lang.English, "Łukasz Żółć", []string{"Łukasz Żółć"}, ""},
		{lang.SerbianCyrillic, "Łukasz Żółć", []string{"Łukasz Żółć"}, ""},
		{lang.SerbianCyrillic, "ЉУБИЦА ЏЕПАРОВИЋ", []string{"ЉУБИЦА ЏЕПАРОВИЋ"}, ""},
		{lang.SerbianLatin, "ЉУБИЦА ЏЕПАРОВИЋ", []string{"LJUBICA DŽEPAROVIĆ"}, ""},
		{lang.English, "Αλέξανδρος Παπαδόπουλος", []string{"Αλέξανδρος Παπαδόπουλος"}, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.locale)+"/"+tt.holder, func(t *testing.T) {
			s := sampleSnapshot(t, tt.locale)
			s.HolderName = tt.holder
			got := pdfText(t, renderBytes(t, s))
			for _, want := range append(tt.want, s.Code) {
				if !strings.Contains(got, want) {
					t.Errorf("text does not contain %q:\n%s", want, got)
				}
			}
			if tt.notWant != "" && strings.Contains(got, tt.notWant) {
				t.Errorf("text contains %q in the wrong script:\n%s", tt.notWant, got)
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	s := sampleSnapshot(t, lang.SerbianCyrillic)
	first := renderBytes(t, s)
	if second := renderBytes(t, s); !bytes.Equal(first, second) {
		t.Fatal("the same snapshot rendered to different bytes")
	}
	// The same instant in another zone is the same certificate.
	belgrade := time.FixedZone("CET", 3600)
	s.IssuedAt = s.IssuedAt.In(belgrade)
	if again := renderBytes(t, s); !bytes.Equal(first, again) {
		t.Fatal("IssuedAt's time zone changed the bytes")
	}
	for _, re := range []string{`/CreationDate \(D:20250312143000\)`, `/ModDate \(D:20250312143000\)`, `/Producer \(Prepoznaj\)`, `/Creator \(Prepoznaj\)`} {
		if !regexp.MustCompile(re).Match(first) {
			t.Errorf("PDF lacks %s", re)
		}
	}
	trailer := first[bytes.LastIndex(first, []byte("trailer")):]
	if bytes.Contains(trailer, []byte("/ID")) {
		t.Errorf("trailer has a random /ID: %s", trailer)
	}
	wd, _ := os.Getwd()
	leaks := []string{wd, "/root", "/home", "/tmp", "/work", "FPDF"}
	if host, _ := os.Hostname(); len(host) >= 6 { // shorter ones occur in binary streams by chance
		leaks = append(leaks, host)
	}
	for _, leak := range leaks {
		if leak != "" && bytes.Contains(first, []byte(leak)) {
			t.Errorf("PDF contains %q", leak)
		}
	}
	info := pdfInfo(t, first)
	for _, want := range []string{"Title: СЕРТИФИКАТ " + s.Code, "Author: Центар за обуку Препознај", "Creator: Prepoznaj", "Producer: Prepoznaj", "Pages: 1", "Page size: 841.89 x 595.28 pts (A4)"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if s2 := sampleSnapshot(t, lang.SerbianCyrillic); true {
		s2.HolderName = "Ана Ђорђевић-Петровић"
		if bytes.Equal(first, renderBytes(t, s2)) {
			t.Error("a different snapshot rendered to the same bytes")
		}
	}
}

// Documents rendered at once share only read-only tables; -race checks it,
// and each result must equal its sequential render.
func TestRenderConcurrent(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	before := fontFileDigest(fs)
	var snaps []Snapshot
	var want [][]byte
	for i := range 8 {
		s := sampleSnapshot(t, lang.Locales[i%3])
		s.HolderName = fmt.Sprintf("Ана Ђорђевић %d Łukasz", i)
		snaps = append(snaps, s)
		want = append(want, renderBytes(t, s))
	}
	var wg sync.WaitGroup
	got := make([][]byte, len(snaps))
	errs := make([]error, len(snaps))
	for i, s := range snaps {
		wg.Go(func() {
			var buf bytes.Buffer
			errs[i] = Render(&buf, s)
			got[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i := range snaps {
		if errs[i] != nil {
			t.Fatalf("render %d: %v", i, errs[i])
		}
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("concurrent render %d differs from the sequential one", i)
		}
	}
	if fontFileDigest(fs) != before {
		t.Fatal("rendering changed the shared font bytes")
	}
}

func fontFileDigest(fs *fontSet) string {
	var b strings.Builder
	for _, f := range fs.faces {
		for w := range f.file {
			b.Write(f.file[w])
			b.Write(f.def[w])
		}
	}
	return b.String()
}

func TestRenderHostileNames(t *testing.T) {
	tests := []struct {
		name    string
		holder  string
		refused bool
		printed string // what pdftotext must find when not refused
	}{
		{"pdf operators", ") Tj (pwned) Tj (", false, ") Tj (pwned) Tj ("},
		{"backslashes", `Ana \\ \( \) \n`, false, `Ana \\ \( \) \n`},
		{"unbalanced parens", "((((Ana", false, "((((Ana"},
		{"percent and brackets", "%%EOF << /JS (x) >> [0]", false, "%%EOF << /JS (x) >> [0]"},
		{"NFD caron becomes Ž", "Z\u030Celjko", false, "Željko"},
		{"NUL", "Ana\x00Petrović", true, ""},
		{"newline", "Ana\nPetrović", true, ""},
		{"carriage return", "Ana\rPetrović", true, ""},
		{"tab", "Ana\tPetrović", true, ""},
		{"right-to-left override", "Ana \u202Eћивортеп", true, ""},
		{"zero width joiner", "Ana\u200DPetrović", true, ""},
		{"arabic", "محمد علي", true, ""},
		{"hebrew", "דוד כהן", true, ""},
		{"emoji", "Ana 😀", true, ""},
		{"invalid UTF-8", "Ana \xff\xfe", true, ""},
		{"truncated UTF-8", "Ana \xe0", true, ""},
		{"10,000 characters", strings.Repeat("Ђ", 10000), true, ""},
		{"lone combining mark", "\u0301", true, ""},
		{"only spaces", "   ", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sampleSnapshot(t, lang.SerbianCyrillic)
			s.HolderName = tt.holder
			var buf bytes.Buffer
			err := Render(&buf, s)
			if tt.refused {
				var verr *ValidationError
				if !errors.As(err, &verr) || verr.Problems[0].Field != "HolderName" {
					t.Fatalf("Render error = %v, want a HolderName *ValidationError", err)
				}
				if buf.Len() != 0 {
					t.Fatal("a refused snapshot wrote bytes")
				}
				if len(err.Error()) > 300 {
					t.Fatalf("error echoes the value: %d bytes", len(err.Error()))
				}
				return
			}
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if got := pdfText(t, buf.Bytes()); !strings.Contains(got, tt.printed) {
				t.Fatalf("text does not contain %q literally:\n%s", tt.printed, got)
			}
		})
	}
}
