package certs

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/prepoznaj/prepoznaj/lang"
)

// asciiFold spells letters that have no decomposition into a base letter.
var asciiFold = strings.NewReplacer("đ", "dj", "Đ", "Dj", "ł", "l", "Ł", "L", "ß", "ss", "æ", "ae", "Æ", "AE",
	"ø", "o", "Ø", "O", "œ", "oe", "Œ", "OE", "þ", "th", "Þ", "Th", "ı", "i")

// asciiName makes text safe for a file name anywhere: Serbian Cyrillic
// transliterated, diacritics dropped, anything else but letters and digits
// a single hyphen, at most maxLen bytes.
func asciiName(text string, maxLen int) string {
	s := asciiFold.Replace(lang.ToLatin(text))
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			hyphen = false
		default:
			if !hyphen && b.Len() > 0 {
				b.WriteByte('-')
				hyphen = true
			}
		}
		if b.Len() >= maxLen {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > maxLen {
		out = strings.Trim(out[:maxLen], "-")
	}
	if out == "" {
		out = "certificate"
	}
	return out
}

// unicodeName keeps text readable in a UTF-8 file name, dropping only what
// file systems or the header refuse.
func unicodeName(text string, maxRunes int) string {
	var b strings.Builder
	n := 0
	for _, r := range text {
		if n >= maxRunes {
			break
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			r = '_'
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// contentDisposition offers a download under an ASCII name every client
// understands and, per RFC 6266 and RFC 5987, the UTF-8 name for those
// that read filename*.
func contentDisposition(asciiFile, utf8File string) string {
	return `attachment; filename="` + asciiFile + `"; filename*=UTF-8''` + rfc5987(utf8File)
}

// rfc5987 percent-encodes everything but RFC 5987's attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// pdfFileNames are the two names of a certificate's PDF.
func pdfFileNames(c *certificate) (ascii, utf8 string) {
	return asciiName(c.HolderName, 60) + "_" + c.Code + ".pdf", unicodeName(c.HolderName, 100) + " " + c.Code + ".pdf"
}
