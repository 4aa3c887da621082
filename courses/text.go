package courses

import (
	"strings"
	"unicode/utf8"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// LocalText is a text in each content language. Serbian is the Cyrillic
// source; readers of sr-Latn get it transliterated.
type LocalText struct {
	Sr string `json:"sr"`
	En string `json:"en"`
}

func (t LocalText) trimmed() LocalText {
	return LocalText{Sr: strings.TrimSpace(t.Sr), En: strings.TrimSpace(t.En)}
}

// localize returns the text for locale: Serbian in the locale's script,
// English when asked and present, Serbian otherwise.
func localize(sr, en string, locale lang.Locale) string {
	return localized(sr, en, "", locale)
}

// localized is localize for a text whose Latin form may be known already
// (latn, empty when not): the in-memory catalogue works it out once per
// snapshot rather than on every Latin reader's request.
func localized(sr, en, latn string, locale lang.Locale) string {
	if locale == lang.English && en != "" {
		return en
	}
	if locale.Script() == lang.Latin && latn != "" {
		return latn
	}
	return lang.Localize(sr, locale)
}

// contentLocale is the locale a text was actually given in.
func contentLocale(en string, locale lang.Locale) lang.Locale {
	if locale == lang.English && en == "" {
		return lang.SerbianCyrillic
	}
	return locale
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// checkText validates a one-line or multi-line text field.
func checkText(field, v string, required bool, maxRunes int, multiline bool) *apperr.FieldError {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		return ptr(apperr.Field(field, "invalid", "must be valid UTF-8"))
	case required && n == 0:
		return ptr(apperr.Field(field, "required", "is required"))
	case n > maxRunes:
		return ptr(apperr.Field(field, "too_long", "must have at most "+itoa(int64(maxRunes))+" characters"))
	case strings.ContainsFunc(v, isControl), !multiline && strings.ContainsAny(v, "\n\t"):
		return ptr(apperr.Field(field, "invalid", "must not contain control characters"))
	}
	return nil
}

// foldSearch is how catalogue text and queries are compared: lower case,
// Serbian in Latin script, without diacritics, so "трговина", "Trgovina" and
// "trgovina" meet, as do "Đorđe" and "djordje".
func foldSearch(s string) string {
	return searchFold.Replace(strings.ToLower(lang.ToLatin(s)))
}

var searchFold = strings.NewReplacer("č", "c", "ć", "c", "š", "s", "ž", "z", "đ", "dj", "dž", "dz")

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
