package lang

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestToLatin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Ђорђевић", "Đorđević"},
		{"Анђелковић", "Anđelković"},
		{"Љуба Њего Џеп", "Ljuba Njego Džep"},
		{"ЉУБА ЊЕГОШ ЏЕП", "LJUBA NJEGOŠ DŽEP"},
		{"КЊ ПОЉЕ", "KNJ POLJE"},
		{"Љ. Петровић", "Lj. Petrović"},
		{"ЉУБАВ.", "LJUBAV."},
		{"Џ", "Dž"},
		{"Џон (ЏОН)", "Džon (DŽON)"},
		{"АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ", "ABVGDĐEŽZIJKLLJMNNJOPRSTĆUFHCČDŽŠ"},
		{"абвгдђежзијклљмнњопрстћуфхцчџш", "abvgdđežzijklljmnnjoprstćufhcčdžš"},
		{"Сертификат о завршеној обуци, 12 часова.", "Sertifikat o završenoj obuci, 12 časova."},
		{"Łukasz Żółć", "Łukasz Żółć"},
		{"Москва Ёж", "Moskva Ёž"}, // non-Serbian letters are not guessed
		{"https://пример.рс/verify/ABCD", "https://primer.rs/verify/ABCD"},
		{"a\xffб", "a\xffb"},
	}
	for _, tt := range tests {
		if got := ToLatin(tt.in); got != tt.want {
			t.Errorf("ToLatin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToCyrillic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Đorđević", "Ђорђевић"},
		{"Ljuba Njegoš Džep", "Љуба Његош Џеп"},
		{"LJUBA NJEGOŠ DŽEP", "ЉУБА ЊЕГОШ ЏЕП"},
		{"polje, konj i džak.", "поље, коњ и џак."},
		{"injekcija konjunkcija nadživeti podžanr", "инјекција конјункција надживети поджанр"},
		{"ǅamija ǈubav ǌiva", "Џамија Љубав њива"},
		{"Washington i Müller", "Washington и Müller"},
		{"Łukasz Żółć", "Łukasz Żółć"},
		{"yoga, quiz, xerox", "yoga, quiz, xerox"},
		{"vidi https://prepoznaj.rs/verify/AB12 ili pisati na info@prepoznaj.rs", "види https://prepoznaj.rs/verify/AB12 или писати на info@prepoznaj.rs"},
		{"www.mup.gov.rs i sajt mup.gov.rs", "www.mup.gov.rs и сајт mup.gov.rs"},
		{"t.j. npr. Beograd", "т.ј. нпр. Београд"},
		{"pokreni `go test ./...` sada", "покрени `go test ./...` сада"},
		{"format A4, fajl main_test", "формат A4, фајл main_test"},
		{"XXI vek, član IV, I tako", "XXI век, члан IV, И тако"},
		{"Ђорђевић Zoran", "Ђорђевић Зоран"},
		{"tab\tnovi\nred", "таб\tнови\nред"},
		{"`nezatvoren kod", "`nezatvoren kod"},
		{"a\xffb", "а\xffб"},
	}
	for _, tt := range tests {
		if got := ToCyrillic(tt.in); got != tt.want {
			t.Errorf("ToCyrillic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Serbian Latin produced from Cyrillic must come back unchanged for plain
// Serbian words: the round trip the platform relies on when a trainer types
// in Latin.
func TestRoundTrip(t *testing.T) {
	for _, cyr := range []string{
		"Обука за препознавање жртава трговине људима",
		"ЉУБИЦА ЊЕГОВАН, Џон, ђак, ћевап, жута, шљива, чвор",
		"Полиција, правосуђе, здравство, социјална заштита",
	} {
		if got := ToCyrillic(ToLatin(cyr)); got != cyr {
			t.Errorf("ToCyrillic(ToLatin(%q)) = %q", cyr, got)
		}
	}
}

func TestLocale(t *testing.T) {
	for _, tt := range []struct {
		in     string
		ok     bool
		script Script
	}{{"sr-Cyrl", true, Cyrillic}, {"sr-Latn", true, Latin}, {"en", true, Latin}, {"sr", false, 0}, {"", false, 0}} {
		l, err := ParseLocale(tt.in)
		if (err == nil) != tt.ok {
			t.Fatalf("ParseLocale(%q) error = %v, want ok %v", tt.in, err, tt.ok)
		}
		if tt.ok && l.Script() != tt.script {
			t.Errorf("%s.Script() = %v, want %v", l, l.Script(), tt.script)
		}
	}
	if got, want := Localize("Ђорђевић", SerbianCyrillic), "Ђорђевић"; got != want {
		t.Errorf("Localize sr-Cyrl = %q, want %q", got, want)
	}
	if got, want := Localize("Ђорђевић", SerbianLatin), "Đorđević"; got != want {
		t.Errorf("Localize sr-Latn = %q, want %q", got, want)
	}
	if got, want := Localize("Ђорђевић", English), "Đorđević"; got != want {
		t.Errorf("Localize en = %q, want %q", got, want)
	}
}

func FuzzToLatin(f *testing.F) {
	for _, s := range []string{"", "Љ", "ЉУБА", "КЊ", "a\xffб", "Џ\x00Џ", "\xe0", "Ђорђевић 😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ToLatin(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("ToLatin(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if _, ok := cyrToLat[r]; ok {
				t.Fatalf("ToLatin(%q) = %q: Serbian Cyrillic left", s, got)
			}
		}
		if utf8.ValidString(s) && !utf8.ValidString(ToCyrillic(s)) {
			t.Fatalf("ToCyrillic(%q): invalid UTF-8", s)
		}
	})
}

// ToLatin never changes anything but Serbian Cyrillic letters.
func TestToLatinLeavesOthers(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if _, ok := cyrToLat[r]; ok || !unicode.IsPrint(r) {
			continue
		}
		if got := ToLatin(string(r)); got != string(r) {
			t.Fatalf("ToLatin(%q) = %q", r, got)
		}
	}
}
