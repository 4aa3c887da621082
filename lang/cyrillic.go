package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

var latToCyr = map[rune]rune{
	'A': 'А', 'B': 'Б', 'V': 'В', 'G': 'Г', 'D': 'Д', 'Đ': 'Ђ', 'E': 'Е',
	'Ž': 'Ж', 'Z': 'З', 'I': 'И', 'J': 'Ј', 'K': 'К', 'L': 'Л', 'M': 'М',
	'N': 'Н', 'O': 'О', 'P': 'П', 'R': 'Р', 'S': 'С', 'T': 'Т', 'Ć': 'Ћ',
	'U': 'У', 'F': 'Ф', 'H': 'Х', 'C': 'Ц', 'Č': 'Ч', 'Š': 'Ш',
	'a': 'а', 'b': 'б', 'v': 'в', 'g': 'г', 'd': 'д', 'đ': 'ђ', 'e': 'е',
	'ž': 'ж', 'z': 'з', 'i': 'и', 'j': 'ј', 'k': 'к', 'l': 'л', 'm': 'м',
	'n': 'н', 'o': 'о', 'p': 'п', 'r': 'р', 's': 'с', 't': 'т', 'ć': 'ћ',
	'u': 'у', 'f': 'ф', 'h': 'х', 'c': 'ц', 'č': 'ч', 'š': 'ш',
	// Unicode's one-code-point digraphs (from legacy Yugoslav encodings).
	'Ǆ': 'Џ', 'ǅ': 'Џ', 'ǆ': 'џ', 'Ǉ': 'Љ', 'ǈ': 'Љ', 'ǉ': 'љ',
	'Ǌ': 'Њ', 'ǋ': 'Њ', 'ǌ': 'њ',
}

// digraphs maps the first letter of lj, nj, dž (lower case) to the Cyrillic
// letter the pair becomes, by case of that first letter.
var digraphs = map[rune]struct {
	second       rune
	upper, lower rune
}{
	'l': {'j', 'Љ', 'љ'},
	'n': {'j', 'Њ', 'њ'},
	'd': {'ž', 'Џ', 'џ'},
}

// splitStems are word parts where the two letters of a digraph belong to
// different morphemes and stay two Cyrillic letters ("injekcija" is
// "инјекција", "nadživeti" is "надживети"). The list covers the common
// prefixes and loanwords; it cannot be complete, which is why Serbian text
// is stored in Cyrillic and only ever derived into Latin.
var splitStems = []string{
	"injekc", "injekt", "injunkt", "konjug", "konjunk", "konjekt",
	"vanjezi", "vanjevrop", "vanjugosl",
	"nadžanj", "nadžet", "nadživ", "nadžnj", "odžal", "odživ", "odžvak",
	"podžanr", "podžel", "podžet", "podžup", "podživ", "predžel",
}

// ToCyrillic transliterates Serbian Latin to Serbian Cyrillic. It leaves
// alone what is not Serbian: URLs, e-mail addresses, code (text in
// backticks, tokens with path or markup characters, letters glued to
// digits), Roman numerals, and words that are clearly foreign because they
// contain q, w, x, y or a letter with a diacritic Serbian does not use.
func ToCyrillic(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == '`':
			end := strings.IndexByte(s[1:], '`')
			if end < 0 {
				end = len(s) // unclosed: the rest is code
			} else {
				end += 2
			}
			b.WriteString(s[:end]) // code span, verbatim
			s = s[end:]
		case unicode.IsSpace(r) || (r == utf8.RuneError && size == 1):
			b.WriteString(s[:size])
			s = s[size:]
		default:
			end := tokenEnd(s)
			tok := s[:end]
			if isVerbatimToken(tok) {
				b.WriteString(tok)
			} else {
				writeTokenCyrillic(&b, tok)
			}
			s = s[end:]
		}
	}
	return b.String()
}

// tokenEnd finds the end of a whitespace-delimited token; a backtick or an
// undecodable byte also ends it (the caller copies those as they are).
func tokenEnd(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) || r == '`' || (r == utf8.RuneError && size == 1) {
			return max(i, 1)
		}
		i += size
	}
	return len(s)
}

func isVerbatimToken(tok string) bool {
	lower := strings.ToLower(tok)
	if strings.Contains(lower, "://") || strings.Contains(lower, "@") ||
		strings.HasPrefix(lower, "www.") || strings.ContainsAny(tok, "_/\\<>{}=|~^$#") {
		return true
	}
	var prev rune
	for i, r := range tok {
		if (unicode.IsLetter(prev) && unicode.IsDigit(r)) || (unicode.IsDigit(prev) && unicode.IsLetter(r)) {
			return true // A4, mp3, H2O: identifiers, not words
		}
		if r == '.' && unicode.IsLetter(prev) && letterRun(tok[i+1:]) >= 2 {
			return true // example.com, main.go; but "t.j." is an abbreviation
		}
		prev = r
	}
	return false
}

func letterRun(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			break
		}
		n++
	}
	return n
}

// writeTokenCyrillic converts each word (run of letters) of a token on its
// own, so "Beograd," and "(Niš)" keep their punctuation.
func writeTokenCyrillic(b *strings.Builder, tok string) {
	for len(tok) > 0 {
		start := strings.IndexFunc(tok, unicode.IsLetter)
		if start < 0 {
			b.WriteString(tok)
			return
		}
		b.WriteString(tok[:start])
		tok = tok[start:]
		end := strings.IndexFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) })
		if end < 0 {
			end = len(tok)
		}
		writeWordCyrillic(b, tok[:end])
		tok = tok[end:]
	}
}

func writeWordCyrillic(b *strings.Builder, word string) {
	if isForeignWord(word) || isRomanNumeral(word) {
		b.WriteString(word)
		return
	}
	runes := []rune(word)
	split := splitPositions(runes)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if d, ok := digraphs[unicode.ToLower(r)]; ok && i+1 < len(runes) &&
			unicode.ToLower(runes[i+1]) == d.second && !split[i] {
			if unicode.IsUpper(r) {
				b.WriteRune(d.upper)
			} else {
				b.WriteRune(d.lower)
			}
			i++
			continue
		}
		if c, ok := latToCyr[r]; ok {
			b.WriteRune(c)
		} else {
			b.WriteRune(r)
		}
	}
}

// isForeignWord: a Latin letter outside the Serbian alphabet means the word
// is not Serbian (Washington, Müller, Łukasz) and must keep its spelling.
func isForeignWord(word string) bool {
	for _, r := range word {
		if r > unicode.MaxASCII && !unicode.Is(unicode.Latin, r) {
			continue // Cyrillic or other scripts pass through unchanged anyway
		}
		if _, ok := latToCyr[r]; !ok {
			return true
		}
	}
	return false
}

// isRomanNumeral keeps "XXI", "IV", "III" as numerals. Single letters are
// excluded: "I" starts many Serbian sentences.
func isRomanNumeral(word string) bool {
	if len(word) < 2 || strings.Trim(word, "IVXLCDM") != "" {
		return false
	}
	values := map[rune]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	// Canonical numerals only: convert and re-render, compare.
	total, prev := 0, 0
	runes := []rune(word)
	for i := len(runes) - 1; i >= 0; i-- {
		v := values[runes[i]]
		if v < prev {
			total -= v
		} else {
			total += v
			prev = v
		}
	}
	return total > 0 && total < 4000 && toRoman(total) == word
}

func toRoman(n int) string {
	table := []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
		{50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}
	var b strings.Builder
	for _, t := range table {
		for n >= t.v {
			b.WriteString(t.s)
			n -= t.v
		}
	}
	return b.String()
}

// splitPositions marks the rune index of each digraph's first letter that
// falls inside a split stem.
func splitPositions(runes []rune) map[int]bool {
	var split map[int]bool
	lower := []rune(strings.ToLower(string(runes)))
	if len(lower) != len(runes) {
		return nil // case mapping changed length; no stem can be trusted
	}
	for _, stem := range splitStems {
		sr := []rune(stem)
		at := digraphIndex(sr)
		for i := 0; i+len(sr) <= len(lower); i++ {
			if string(lower[i:i+len(sr)]) == stem {
				if split == nil {
					split = map[int]bool{}
				}
				split[i+at] = true
			}
		}
	}
	return split
}

func digraphIndex(stem []rune) int {
	for i := 0; i+1 < len(stem); i++ {
		if d, ok := digraphs[stem[i]]; ok && stem[i+1] == d.second {
			return i
		}
	}
	return -1
}
