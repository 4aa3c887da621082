package quiz

import (
	"strings"
	"unicode"
)

// GIFT text helpers. The parser scans the raw text and unescapes only the pieces it keeps, so
// every offset it holds is an offset into the source and errors can name the right line.

// giftEscapable lists what may follow a backslash: \~ \= \# \{ \} \: \\ and \n (a newline).
func giftEscapable(c byte) bool {
	switch c {
	case '~', '=', '#', '{', '}', ':', '\\', 'n':
		return true
	}
	return false
}

// indexUnescaped is strings.Index from byte from, skipping escaped characters.
func indexUnescaped(s string, from int, sub string) int {
	for i := from; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) && giftEscapable(s[i+1]) {
			i += 2
			continue
		}
		if strings.HasPrefix(s[i:], sub) {
			return i
		}
		i++
	}
	return -1
}

// lastIndexUnescaped is strings.LastIndex, skipping escaped characters.
func lastIndexUnescaped(s string, sub string) int {
	last := -1
	for i := indexUnescaped(s, 0, sub); i >= 0; i = indexUnescaped(s, i+1, sub) {
		last = i
	}
	return last
}

// markersUnescaped returns the positions of unescaped bytes in set.
func markersUnescaped(s string, set string) []int {
	var out []int
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) && giftEscapable(s[i+1]) {
			i += 2
			continue
		}
		if strings.IndexByte(set, s[i]) >= 0 {
			out = append(out, i)
		}
		i++
	}
	return out
}

// giftUnescape turns escapes into the characters they stand for; a backslash before anything
// else is kept, as Moodle keeps it.
func giftUnescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && giftEscapable(s[i+1]) {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Text formats GIFT knows; [moodle] is Moodle's own auto-format and the default.
const (
	GIFTFormatMoodle   = "moodle"
	GIFTFormatHTML     = "html"
	GIFTFormatMarkdown = "markdown"
	GIFTFormatPlain    = "plain"
)

// giftFormatted reads an optional leading [format] and returns the unescaped, trimmed text. An
// unknown [word] is left in the text, as Moodle leaves it.
func giftFormatted(raw, def string) (text, format string) {
	t := strings.TrimSpace(raw)
	format = def
	if strings.HasPrefix(t, "[") {
		if end := strings.IndexByte(t, ']'); end > 0 {
			switch name := t[1:end]; name {
			case GIFTFormatMoodle, GIFTFormatHTML, GIFTFormatMarkdown, GIFTFormatPlain:
				format, t = name, t[end+1:]
			}
		}
	}
	return strings.TrimSpace(giftUnescape(t)), format
}

// seg is a piece of a block's text with the offset of its first byte in the block.
type seg struct {
	s   string
	off int
}

func (x seg) sub(i, j int) seg { return seg{x.s[i:j], x.off + i} }

func (x seg) from(i int) seg { return x.sub(i, len(x.s)) }

func (x seg) trim() seg {
	left := len(x.s) - len(strings.TrimLeftFunc(x.s, unicode.IsSpace))
	return seg{strings.TrimSpace(x.s), x.off + left}
}

// splitAt cuts x before each position in marks; text before the first mark is returned apart.
func (x seg) splitAt(marks []int) (lead seg, pieces []seg) {
	if len(marks) == 0 {
		return x, nil
	}
	lead = x.sub(0, marks[0])
	for k, m := range marks {
		end := len(x.s)
		if k+1 < len(marks) {
			end = marks[k+1]
		}
		pieces = append(pieces, x.sub(m, end))
	}
	return lead, pieces
}
