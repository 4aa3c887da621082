package certs

import (
	"errors"
	"strings"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

const (
	ptToMM     = 25.4 / 72
	lineFactor = 1.22 // line height as a multiple of the type size
	sizeStep   = 0.25 // points; fitting tries sizes in these steps
)

// errNoFit means the text does not fit its box even at the smallest size
// allowed. The validation limits are chosen so that it cannot happen; the
// renderer still returns it rather than print a cut-off name.
var errNoFit = errors.New("certs: text does not fit its box")

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// box is an area on the page in millimetres, y measured from the top.
type box struct{ x, y, w, h float64 }

// canvas is one document with its typesetter.
type canvas struct {
	pdf *fpdf.Fpdf
	ts  typesetter
}

func (c *canvas) width(s string, st style) float64 {
	return float64(c.ts.units(s, st.bold)) * st.size / 1000 * ptToMM
}

// line draws one line with its top at y, aligned in [x, x+w].
func (c *canvas) line(x, y, w float64, s string, st style, a align) {
	switch a {
	case alignCenter:
		x += (w - c.width(s, st)) / 2
	case alignRight:
		x += w - c.width(s, st)
	}
	c.ts.draw(x, y+0.9*st.size*ptToMM, s, st)
}

// lineHeight in millimetres for a type size in points.
func lineHeight(size float64) float64 { return size * lineFactor * ptToMM }

// textBox sets s as large as possible between maxSize and minSize, wrapped
// to the box width, centred vertically. It never cuts: if s cannot fit at
// minSize it draws nothing and returns errNoFit.
func (c *canvas) textBox(s string, b box, maxSize, minSize float64, bold bool, a align) (float64, error) {
	lines, size, err := c.fit(s, b, maxSize, minSize, bold)
	if err != nil {
		return 0, err
	}
	lh := lineHeight(size)
	y := b.y + (b.h-lh*float64(len(lines)))/2
	for _, l := range lines {
		c.line(b.x, y, b.w, l, style{size, bold}, a)
		y += lh
	}
	return size, nil
}

// fit measures every word once and then tries sizes from the largest down:
// widths scale linearly with the size.
func (c *canvas) fit(s string, b box, maxSize, minSize float64, bold bool) ([]string, float64, error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil, maxSize, nil
	}
	units := make([]int, len(words))
	for i, w := range words {
		units[i] = c.ts.units(w, bold)
	}
	space := c.ts.units(" ", bold)
	for size := maxSize; size >= minSize-1e-9; size -= sizeStep {
		maxUnits := int(b.w / ptToMM / size * 1000)
		maxLines := int(b.h / lineHeight(size))
		if maxLines < 1 {
			continue
		}
		if lines, ok := c.wrap(words, units, space, maxUnits, maxLines, bold); ok {
			return lines, size, nil
		}
	}
	return nil, 0, errNoFit
}

// wrap fills lines greedily; a word longer than a whole line is broken
// between characters (names in some languages are one long word).
func (c *canvas) wrap(words []string, units []int, space, maxUnits, maxLines int, bold bool) ([]string, bool) {
	var lines []string
	var cur strings.Builder
	curUnits := 0
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curUnits = 0
	}
	for i, w := range words {
		if curUnits > 0 && curUnits+space+units[i] <= maxUnits {
			cur.WriteByte(' ')
			cur.WriteString(w)
			curUnits += space + units[i]
			continue
		}
		if curUnits > 0 {
			flush()
		}
		if units[i] <= maxUnits {
			cur.WriteString(w)
			curUnits = units[i]
		} else {
			for w != "" {
				n, u := c.prefixWithin(w, maxUnits, bold)
				cur.WriteString(w[:n])
				curUnits = u
				w = w[n:]
				if w != "" {
					flush()
				}
			}
		}
		if len(lines) >= maxLines {
			return nil, false
		}
	}
	if curUnits > 0 {
		flush()
	}
	return lines, len(lines) <= maxLines
}

// prefixWithin is the longest prefix of w (at least one character) no wider
// than maxUnits.
func (c *canvas) prefixWithin(w string, maxUnits int, bold bool) (int, int) {
	n, total := 0, 0
	for n < len(w) {
		r, size := utf8.DecodeRuneInString(w[n:])
		u := c.ts.units(string(r), bold)
		if n > 0 && total+u > maxUnits {
			break
		}
		total += u
		n += size
	}
	return n, total
}
