// Package csvx writes CSV exports that are safe to open in a spreadsheet.
//
// A cell that a spreadsheet would read as a formula (=HYPERLINK(...),
// @SUM(...), +1, -2+3) is written with a leading apostrophe, which Excel,
// LibreOffice and Google Sheets take as "this is text". The rule follows
// OWASP's CSV Injection guidance and ASVS 5 (V1.2.10); see EscapeFormula.
//
// Every field is enclosed in double quotes, quotes inside doubled (RFC 4180).
// OWASP asks for that too: a spreadsheet that guesses the wrong delimiter (a
// ';' file opened where ',' is the list separator, or the reverse) would
// otherwise split "a,=1" into a second cell that starts with "=". Inside
// quotes no delimiter splits a cell.
package csvx

import (
	"bufio"
	"errors"
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidComma is returned by Write when Comma cannot delimit fields.
var ErrInvalidComma = errors.New("csvx: invalid field delimiter")

const bom = "\uFEFF"

// Writer writes records as CSV. Set the exported fields before the first
// Write; NewWriter's defaults are ',' and CRLF line ends, without a BOM.
// Output is buffered: call Flush when done and check its error.
type Writer struct {
	// Comma is the field delimiter. Excel reads ';' where the decimal
	// separator is a comma (Slovenian, Croatian, German locales).
	Comma rune
	// UseCRLF ends records with "\r\n", as RFC 4180 and Excel expect.
	UseCRLF bool
	// BOM writes a UTF-8 byte order mark first. Excel needs it to read the
	// file as UTF-8 rather than the system code page (č would show as Ä);
	// set it for files meant for people, leave it off for programs.
	BOM bool

	w       *bufio.Writer
	started bool
	err     error
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{Comma: ',', UseCRLF: true, w: bufio.NewWriter(w)}
}

// Write writes one record, escaping formulas in every field (header
// included). Invalid UTF-8 is replaced by U+FFFD so the file stays valid
// UTF-8. After an error, Write and Flush keep returning it.
func (w *Writer) Write(record []string) error {
	if err := w.start(); err != nil {
		return err
	}
	for i, field := range record {
		if i > 0 {
			w.w.WriteRune(w.Comma)
		}
		field = strings.ToValidUTF8(EscapeFormula(field), "\uFFFD")
		w.w.WriteByte('"')
		w.w.WriteString(strings.ReplaceAll(field, `"`, `""`))
		w.w.WriteByte('"')
	}
	eol := "\n"
	if w.UseCRLF {
		eol = "\r\n"
	}
	// bufio.Writer's errors are sticky, so the last write reports any
	// earlier one; a caller streaming a large export stops at the first
	// failed Write rather than at Flush.
	_, w.err = w.w.WriteString(eol)
	return w.err
}

// Flush writes buffered data to the underlying io.Writer and reports any
// error from this or an earlier Write. A Writer with BOM set that saw no
// records still writes the BOM.
func (w *Writer) Flush() error {
	if err := w.start(); err != nil {
		return err
	}
	w.err = w.w.Flush()
	return w.err
}

// start validates the settings and writes the BOM, once.
func (w *Writer) start() error {
	if w.err != nil || w.started {
		return w.err
	}
	w.started = true
	if !validComma(w.Comma) {
		w.err = ErrInvalidComma
		return w.err
	}
	if w.BOM {
		_, w.err = w.w.WriteString(bom)
	}
	return w.err
}

func validComma(r rune) bool {
	return r != 0 && r != '"' && r != '\'' && r != '\r' && r != '\n' &&
		utf8.ValidRune(r) && r != utf8.RuneError
}

// negativeNumber is a plain negative decimal number: digits with at most one
// '.' or ',' separator, no exponent, no spaces.
var negativeNumber = regexp.MustCompile(`^-[0-9]+(?:[.,][0-9]+)?$`)

// EscapeFormula returns cell with a leading apostrophe if a spreadsheet could
// read it as a formula, and unchanged otherwise. It escapes a cell when:
//
//   - it starts with '=', '+', '-', '@', tab, carriage return, line feed or
//     NUL (OWASP's list plus ASVS 5's NUL and, cheaply, line feed); or
//   - its first character that is not whitespace, a control character or an
//     invisible format character (zero-width space, BOM) is '=', '+', '-' or
//     '@', or the fullwidth form of one of them. Spreadsheets that trim
//     leading spaces on import would otherwise see a formula; OWASP warns that
//     checking only the first byte is not enough.
//
// The one exception is a plain negative number such as "-2", "-0.5" or
// "-2,5": it is a number, not a formula, and escaping it would turn an
// exported column of attended-hours corrections into text that no longer
// sums. "-2+3", "-1e3", " -2" and "+1" are escaped. Phone numbers written
// "+386 1 234 5678" are escaped too, and show with the apostrophe.
func EscapeFormula(cell string) string {
	if cell == "" || negativeNumber.MatchString(cell) {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n', 0:
		return "'" + cell
	}
	for _, r := range cell {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		switch r {
		case '=', '+', '-', '@', '＝', '＋', '－', '＠':
			return "'" + cell
		}
		return cell
	}
	return cell
}
