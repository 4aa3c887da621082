// Package lang holds the platform's language rules: the three certificate
// locales and exact Serbian transliteration between Cyrillic and Latin.
//
// Serbian text is stored once, in Cyrillic, because Cyrillic to Latin is a
// lossless letter-for-letter mapping while the reverse needs guesswork
// (digraphs, foreign words); see ToLatin and ToCyrillic.
package lang

import "fmt"

// Locale is a language and script a reader chose.
type Locale string

const (
	SerbianCyrillic Locale = "sr-Cyrl"
	SerbianLatin    Locale = "sr-Latn"
	English         Locale = "en"
)

// Locales lists every supported locale, Serbian Cyrillic (the source) first.
var Locales = []Locale{SerbianCyrillic, SerbianLatin, English}

// Script is the writing system text is shown in.
type Script int

const (
	Cyrillic Script = iota
	Latin
)

func (s Script) String() string {
	if s == Cyrillic {
		return "Cyrl"
	}
	return "Latn"
}

// ParseLocale accepts exactly the supported tags; anything else is an error
// rather than a silent fallback, so a typo in stored data is noticed.
func ParseLocale(s string) (Locale, error) {
	for _, l := range Locales {
		if string(l) == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("lang: unsupported locale %q (want sr-Cyrl, sr-Latn or en)", s)
}

// Valid reports whether l is one of Locales.
func (l Locale) Valid() bool {
	_, err := ParseLocale(string(l))
	return err == nil
}

// Script is the script text is printed in for l. English is Latin: a
// Serbian name shown to an English reader is more useful as "Đorđević"
// than as "Ђорђевић".
func (l Locale) Script() Script {
	if l == SerbianCyrillic {
		return Cyrillic
	}
	return Latin
}

// Serbian reports whether l is one of the Serbian locales.
func (l Locale) Serbian() bool { return l == SerbianCyrillic || l == SerbianLatin }

// Localize shows Serbian source text (Cyrillic) in the script of locale.
// Text that is already Latin, or any script other than Serbian Cyrillic,
// passes through unchanged.
func Localize(text string, locale Locale) string {
	if locale.Script() == Latin {
		return ToLatin(text)
	}
	return text
}
