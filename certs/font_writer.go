package certs

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"github.com/prepoznaj/prepoznaj/lang"
)

// style is how a piece of text is set: size in points and weight.
type style struct {
	size float64
	bold bool
}

// typesetter measures and draws text on one document. The certificate
// layout is written against it so the benchmark can set the same page in
// Helvetica (see render_core_test.go) and compare.
type typesetter interface {
	// units is the advance of s in 1/1000 em: multiply by the size to get
	// points. Text is measured once and scaled while fitting.
	units(s string, bold bool) int
	// draw sets s with its baseline starting at (x, y) in millimetres.
	draw(x, y float64, s string, st style)
}

// faceWriter draws with the prepared faces, adding to the document only the
// faces its text uses.
type faceWriter struct {
	pdf       *fpdf.Fpdf
	fs        *fontSet
	preferred int          // face for ASCII and for runes it shares with others
	added     map[int]bool // face*2 + weight
	buf       []byte
}

// newFaceWriter draws on pdf (nil to only measure). Cyrillic documents
// prefer the Cyrillic face, so that the code, the URL and the digits do not
// pull a Latin face into a document that otherwise needs none.
func newFaceWriter(pdf *fpdf.Fpdf, fs *fontSet, script lang.Script) *faceWriter {
	w := &faceWriter{pdf: pdf, fs: fs, added: map[int]bool{}}
	if script == lang.Cyrillic {
		w.preferred = cyrillicFace
	}
	return w
}

func (w *faceWriter) units(s string, bold bool) int {
	widths := &w.fs.width[weightOf(bold)]
	n := 0
	for _, r := range s {
		if r >= 0 && r < maxRune {
			n += int(widths[r])
		}
	}
	return n
}

func (w *faceWriter) draw(x, y float64, s string, st style) {
	wt := weightOf(st.bold)
	k := w.pdf.GetConversionRatio()
	face := w.preferred
	for _, r := range s {
		if r > 0x7e {
			face = w.faceFor(r)
			break
		}
	}
	for len(s) > 0 {
		// Take the longest prefix the current face can draw.
		w.buf = w.buf[:0]
		n, units := 0, 0
		for n < len(s) {
			r, size := utf8.DecodeRuneInString(s[n:])
			code, ok := w.encode(face, r)
			if !ok {
				break
			}
			w.buf = append(w.buf, code)
			units += int(w.fs.width[wt][r])
			n += size
		}
		if n == 0 {
			r, size := utf8.DecodeRuneInString(s)
			if !w.fs.supported(r) {
				s = s[size:] // validation refuses these; never loop on one
				continue
			}
			face = w.faceFor(r)
			continue
		}
		w.use(face, wt)
		w.pdf.SetFont(faceFamily(face), [2]string{"", "B"}[wt], st.size)
		w.pdf.Text(x, y, string(w.buf))
		x += float64(units) * st.size / 1000 / k
		s = s[n:]
	}
}

// faceFor is the face to switch to for r: the preferred one when it has r.
// A string starts in the face of its first non-ASCII rune, so that ASCII
// before it (digits, spaces) does not start a run of its own.
func (w *faceWriter) faceFor(r rune) int {
	if _, ok := w.fs.faces[w.preferred].code[r]; ok {
		return w.preferred
	}
	if r >= 0 && r < maxRune && w.fs.home[r] != 0 {
		return int(w.fs.home[r]) - 1
	}
	return w.preferred
}

func (w *faceWriter) encode(face int, r rune) (byte, bool) {
	if r >= 0x20 && r < 0x7f {
		return byte(r), true
	}
	c, ok := w.fs.faces[face].code[r]
	return c, ok
}

func (w *faceWriter) use(face int, wt weight) {
	key := face*2 + int(wt)
	if w.added[key] {
		return
	}
	w.added[key] = true
	f := w.fs.faces[face]
	// fpdf keeps the slice and writes it at Output; a private copy means no
	// document can ever write into bytes another document is reading (the
	// data race the original gofpdf had with shared font bytes).
	w.pdf.AddFontFromBytes(faceFamily(face), [2]string{"", "B"}[wt], f.def[wt], bytes.Clone(f.file[wt]))
}

func faceFamily(face int) string { return "prepoznaj" + strconv.Itoa(face) }

func weightOf(bold bool) weight {
	if bold {
		return weightBold
	}
	return weightRegular
}
