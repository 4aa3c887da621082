package certs

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/charmap"
)

// Why not fpdf's AddUTF8FontFromBytes: it re-parses the whole TrueType file,
// marshals a 65,536-entry width table to JSON to name the font, and subsets
// and compresses the font again for every document: about 15 times the cost
// of a page set in Helvetica. Instead the Go fonts (BSD licence, shipped in
// golang.org/x/image) are cut once per process into a few "faces": simple
// TrueType fonts of at most 224 glyphs each (ASCII plus up to 129 more on
// codes 127-255, named uniXXXX in the encoding's /Differences so viewers
// and pdftotext map them back to Unicode). Each face is a ready-made fpdf
// font definition plus a pre-compressed font file, which fpdf loads exactly
// like a core font. Text is split into runs by face when it is drawn.

const (
	// maxRune bounds the supported repertoire (Latin, Greek, Cyrillic,
	// punctuation, symbols up to the box drawing block) and the tables.
	maxRune   = 0x2600
	firstCode = 0x7f // fpdf writes /Widths for codes 32-255 only
	faceSlots = 256 - firstCode
)

type weight int

const (
	weightRegular weight = iota
	weightBold
)

// face is one simple font: ASCII plus runes, runes[i] drawn with code
// firstCode+i.
type face struct {
	runes []rune
	code  map[rune]byte
	def   [2][]byte // fpdf font definition (JSON) per weight
	file  [2][]byte // zlib-compressed TrueType subset per weight
}

// fontSet is built once and only read afterwards, so documents rendered
// concurrently can share it.
type fontSet struct {
	faces []*face
	home  [maxRune]uint8     // 1 + index of the first face holding a rune; 0: unsupported
	width [2][maxRune]uint16 // advance in 1/1000 em
}

var loadFonts = sync.OnceValues(buildFontSet)

// faceGroups decide which runes share a face. The Windows code pages solved
// this very problem (one byte per character, the letters and punctuation
// of a group of languages together), so the first faces are their
// repertoires: 1250 for Serbian Latin and the other Central European
// languages, 1251 for Serbian and the other Cyrillic ones, 1252 for the
// rest of Western Europe. A Serbian certificate in either script, with its
// quotes and dashes, then needs one face per weight. Whatever else the font
// covers (Greek, Latin Extended-B, symbols) fills further faces.
var faceGroups = []*charmap.Charmap{charmap.Windows1250, charmap.Windows1251, charmap.Windows1252}

const cyrillicFace = 1 // index of Windows-1251 in faceGroups

func buildFontSet() (*fontSet, error) {
	ttf := [2][]byte{goregular.TTF, gobold.TTF}
	var parsed [2]*sfnt.Font
	for w := range ttf {
		f, err := sfnt.Parse(ttf[w])
		if err != nil {
			return nil, fmt.Errorf("certs: parsing Go font: %w", err)
		}
		parsed[w] = f
	}
	fs := &fontSet{}
	var candidates []rune
	var buf sfnt.Buffer
	for r := rune(0x20); r < maxRune; r++ {
		drawable := unicode.IsPrint(r) && !unicode.In(r, unicode.Mn, unicode.Me)
		for w, f := range parsed {
			g, err := f.GlyphIndex(&buf, r)
			if err != nil || g == 0 {
				drawable = false
				break
			}
			upem := int(f.UnitsPerEm())
			adv, err := f.GlyphAdvance(&buf, g, fixed.I(upem), font.HintingNone)
			if err != nil {
				return nil, fmt.Errorf("certs: advance of %U: %w", r, err)
			}
			fs.width[w][r] = uint16((int(adv)*1000/upem + 32) / 64)
		}
		if drawable && r > 0x7e {
			candidates = append(candidates, r)
		}
	}
	fs.assignFaces(candidates)
	for w := range ttf {
		desc, err := fontDescriptor(ttf[w])
		if err != nil {
			return nil, err
		}
		for i, f := range fs.faces {
			if err := fs.makeFace(i, f, weight(w), ttf[w], desc); err != nil {
				return nil, err
			}
		}
	}
	return fs, nil
}

func (fs *fontSet) assignFaces(candidates []rune) {
	add := func(f *face, r rune) {
		if _, ok := f.code[r]; ok || len(f.runes) == faceSlots {
			return
		}
		f.code[r] = byte(firstCode + len(f.runes))
		f.runes = append(f.runes, r)
		if fs.home[r] == 0 {
			fs.home[r] = uint8(len(fs.faces))
		}
	}
	drawable := map[rune]bool{}
	for _, r := range candidates {
		drawable[r] = true
	}
	for _, cp := range faceGroups {
		f := &face{code: map[rune]byte{}}
		fs.faces = append(fs.faces, f)
		for b := 0x80; b <= 0xff; b++ {
			if r := cp.DecodeByte(byte(b)); drawable[r] {
				add(f, r)
			}
		}
	}
	var f *face
	for _, r := range candidates {
		if fs.home[r] != 0 {
			continue
		}
		if f == nil || len(f.runes) == faceSlots {
			f = &face{code: map[rune]byte{}}
			fs.faces = append(fs.faces, f)
		}
		add(f, r)
	}
}

// fontDef mirrors the JSON fpdf reads in AddFontFromBytes (its fontDefType).
type fontDef struct {
	Tp           string
	Name         string
	Desc         fpdf.FontDescType
	Up, Ut       int
	Cw           []int
	Diff         string
	File         string
	OriginalSize int
}

func (fs *fontSet) makeFace(index int, f *face, w weight, ttf []byte, desc fpdf.FontDescType) error {
	var cut strings.Builder
	for r := rune(0x20); r < 0x7f; r++ {
		cut.WriteRune(r)
	}
	cut.WriteString(string(f.runes))
	subset, err := stripHinting(fpdf.UTF8CutFont(ttf, cut.String()))
	if err != nil {
		return fmt.Errorf("certs: face %d: %w", index, err)
	}
	cw := make([]int, 256)
	for c := 0x20; c < 0x7f; c++ {
		cw[c] = int(fs.width[w][c])
	}
	diff := []string{fmt.Sprint(firstCode)}
	for i, r := range f.runes {
		cw[firstCode+i] = int(fs.width[w][r])
		diff = append(diff, fmt.Sprintf("/uni%04X", r))
	}
	def := fontDef{
		Tp: "TrueType",
		// A subset font's name starts with a six-letter tag (PDF 32000 9.6.4).
		Name: fmt.Sprintf("PRZA%c%c+%s", 'A'+index, "RB"[w], [2]string{"GoRegular", "GoBold"}[w]),
		Desc: desc, Up: -100, Ut: 50, Cw: cw,
		Diff:         strings.Join(diff, " "),
		File:         fmt.Sprintf("prepoznaj-face%d%c.z", index, "rb"[w]), // ".z": fpdf then writes /FlateDecode
		OriginalSize: len(subset),
	}
	if f.def[w], err = json.Marshal(def); err != nil {
		return err
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression) // once per process: worth the time
	if _, err := zw.Write(subset); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	f.file[w] = z.Bytes()
	return nil
}

// fontDescriptor takes the metrics fpdf itself computes for the font, so
// they match what its UTF-8 path would write, and marks the font
// non-symbolic: that is what makes viewers map codes through the glyph
// names in /Differences to the font's Unicode cmap.
func fontDescriptor(ttf []byte) (fpdf.FontDescType, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("probe", "", ttf)
	if err := pdf.Error(); err != nil {
		return fpdf.FontDescType{}, fmt.Errorf("certs: reading font metrics: %w", err)
	}
	desc := pdf.GetFontDesc("probe", "")
	desc.Flags = fpdf.FontFlagNonsymbolic
	return desc, nil
}

// supported reports whether r can be printed on a certificate.
func (fs *fontSet) supported(r rune) bool {
	return (r >= 0x20 && r < 0x7f) || (r >= 0 && r < maxRune && fs.home[r] != 0)
}
