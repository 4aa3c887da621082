package certs

import (
	"bytes"
	"compress/zlib"
	"io"
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"github.com/prepoznaj/prepoznaj/lang"
)

func TestFontCoverage(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Anđelković", "Ђорђевић", "Łukasz Żółć", "ЉЊЏљњџЋћЂђ", "Müller Øre Ñúñez", "Αλέξανδρος", "„навод“ – № 5 · «x»"} {
		for _, r := range name {
			if !fs.supported(r) {
				t.Errorf("%q: %q is not supported", name, r)
			}
		}
	}
	for _, r := range "محمدדוד😀\u202E\u200D\x00\n\u0301" {
		if fs.supported(r) {
			t.Errorf("%U should not be supported", r)
		}
	}
	// A Serbian name in either script is drawn with a single face.
	w := newFaceWriter(nil, fs, lang.Latin)
	for _, name := range []string{"Anđelković Łukasz Żółć", "Ђорђевић Љубица Џеп"} {
		faces := map[int]bool{}
		for _, r := range name {
			if r > 0x7e {
				faces[w.faceFor(r)] = true
			}
		}
		if len(faces) != 1 {
			t.Errorf("%q needs faces %v, want one", name, faces)
		}
	}
}

// Every face's font file is a valid TrueType font that has a glyph for each
// rune the face claims, and codes are unique within a face.
func TestFaces(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	if len(fs.faces) < 3 {
		t.Fatalf("%d faces", len(fs.faces))
	}
	var buf sfnt.Buffer
	for i, f := range fs.faces {
		if len(f.runes) == 0 || len(f.runes) > faceSlots {
			t.Fatalf("face %d has %d runes", i, len(f.runes))
		}
		seen := map[byte]bool{}
		for _, r := range f.runes {
			c := f.code[r]
			if c < firstCode || seen[c] {
				t.Fatalf("face %d: bad or repeated code %d for %q", i, c, r)
			}
			seen[c] = true
		}
		for w := range f.file {
			zr, err := zlib.NewReader(bytes.NewReader(f.file[w]))
			if err != nil {
				t.Fatal(err)
			}
			ttf, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			font, err := sfnt.Parse(ttf)
			if err != nil {
				t.Fatalf("face %d weight %d: %v", i, w, err)
			}
			for _, r := range append([]rune("AZaz09 ()\\"), f.runes...) {
				g, err := font.GlyphIndex(&buf, r)
				if err != nil || g == 0 {
					t.Fatalf("face %d weight %d: no glyph for %q", i, w, r)
				}
				if _, err := font.LoadGlyph(&buf, g, 2048, nil); err != nil && r != ' ' {
					t.Fatalf("face %d weight %d: glyph for %q: %v", i, w, r, err)
				}
			}
		}
	}
}

func TestLabels(t *testing.T) {
	for l := range numLabels {
		for _, loc := range lang.Locales {
			s := text(l, loc)
			if s == "" {
				t.Errorf("label %d is empty in %s", l, loc)
			}
			if loc.Script() == lang.Latin && lang.ToLatin(s) != s {
				t.Errorf("label %d in %s still has Cyrillic: %q", l, loc, s)
			}
			for _, r := range s {
				if unicode.Is(unicode.Cyrillic, r) && loc != lang.SerbianCyrillic {
					t.Errorf("label %d in %s: %q", l, loc, s)
				}
			}
		}
	}
	for _, tt := range []struct {
		h    float64
		loc  lang.Locale
		want string
	}{{12, lang.English, "12"}, {7.5, lang.English, "7.5"}, {7.5, lang.SerbianCyrillic, "7,5"}, {1.0 / 3, lang.SerbianLatin, "0,33"}} {
		if got := formatHours(tt.h, tt.loc); got != tt.want {
			t.Errorf("formatHours(%v, %s) = %q, want %q", tt.h, tt.loc, got, tt.want)
		}
	}
}
