package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// cyrToLat is the official Serbian mapping (Vukovica to Gajica). Only the 30
// Serbian letters are listed: other Cyrillic letters (Russian Я, Macedonian
// Ѓ) have no exact Serbian Latin form, so they are left as they are rather
// than guessed.
var cyrToLat = map[rune]string{
	'А': "A", 'Б': "B", 'В': "V", 'Г': "G", 'Д': "D", 'Ђ': "Đ", 'Е': "E",
	'Ж': "Ž", 'З': "Z", 'И': "I", 'Ј': "J", 'К': "K", 'Л': "L", 'Љ': "Lj",
	'М': "M", 'Н': "N", 'Њ': "Nj", 'О': "O", 'П': "P", 'Р': "R", 'С': "S",
	'Т': "T", 'Ћ': "Ć", 'У': "U", 'Ф': "F", 'Х': "H", 'Ц': "C", 'Ч': "Č",
	'Џ': "Dž", 'Ш': "Š",
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'ђ': "đ", 'е': "e",
	'ж': "ž", 'з': "z", 'и': "i", 'ј': "j", 'к': "k", 'л': "l", 'љ': "lj",
	'м': "m", 'н': "n", 'њ': "nj", 'о': "o", 'п': "p", 'р': "r", 'с': "s",
	'т': "t", 'ћ': "ć", 'у': "u", 'ф': "f", 'х': "h", 'ц': "c", 'ч': "č",
	'џ': "dž", 'ш': "š",
}

// upperDigraph is the all-capitals form of the three capital letters that
// become two Latin letters: "ЉУБА" is "LJUBA", while "Љуба" is "Ljuba".
var upperDigraph = map[rune]string{'Љ': "LJ", 'Њ': "NJ", 'Џ': "DŽ"}

// ToLatin transliterates Serbian Cyrillic to Serbian Latin. The mapping is
// exact; everything that is not a Serbian Cyrillic letter is copied as is,
// including invalid UTF-8 bytes.
func ToLatin(s string) string {
	if !hasSerbianCyrillic(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteByte(s[i]) // keep bytes we cannot decode; never invent text
			i++
			continue
		}
		if caps, ok := upperDigraph[r]; ok && inCapitalsWord(s, i, size) {
			b.WriteString(caps)
		} else if lat, ok := cyrToLat[r]; ok {
			b.WriteString(lat)
		} else {
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func hasSerbianCyrillic(s string) bool {
	for _, r := range s {
		if _, ok := cyrToLat[r]; ok {
			return true
		}
	}
	return false
}

// inCapitalsWord decides "LJ" versus "Lj" for the capital at s[i:i+size]: it
// is all capitals when the next letter is a capital, or, at the end of a
// word, when the previous letter is ("КЊ" is "KNJ"). A lone capital is a
// title-case initial ("Љ." is "Lj.").
func inCapitalsWord(s string, i, size int) bool {
	if next, _ := utf8.DecodeRuneInString(s[i+size:]); unicode.IsLetter(next) {
		return unicode.IsUpper(next)
	}
	if prev, _ := utf8.DecodeLastRuneInString(s[:i]); unicode.IsLetter(prev) {
		return unicode.IsUpper(prev)
	}
	return false
}
