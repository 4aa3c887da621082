package markup

import (
	"errors"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Limits on what Render accepts. goldmark, like most Markdown parsers, has
// inputs that cost quadratic time or memory; these bounds keep the worst
// case of a hostile lesson to about a second and a few megabytes while
// leaving room for any lesson a person would write (the longest real
// lessons are tens of kilobytes).
const (
	// MaxSourceBytes bounds the whole source.
	MaxSourceBytes = 256 << 10
	// MaxLineBytes bounds one line: "[a](" repeated along a line costs
	// time quadratic in the line's length.
	MaxLineBytes = 8 << 10
	// MaxQuoteDepth bounds blockquote nesting, which is quadratic too.
	MaxQuoteDepth = 32
	// MaxTableCells bounds the cells of all tables together. A table row is
	// padded to the header's width, so "|a|a|...|" over a thousand rows of
	// "|x" would otherwise become millions of cells from a few kilobytes.
	MaxTableCells = 20000
)

var (
	// ErrTooLarge is returned for sources longer than MaxSourceBytes.
	ErrTooLarge = errors.New("markup: source too large")
	// ErrTooComplex is returned when a line, the quote nesting or the
	// tables exceed their limits; the wrapped message says where.
	ErrTooComplex = errors.New("markup: source too complex")
)

// checkSource enforces the limits that can be read off the text directly.
func checkSource(markdown string) error {
	if len(markdown) > MaxSourceBytes {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(markdown), MaxSourceBytes)
	}
	for n, line := 1, ""; markdown != ""; n++ {
		line, markdown, _ = strings.Cut(markdown, "\n")
		if len(line) > MaxLineBytes {
			return fmt.Errorf("%w: line %d has %d bytes, at most %d", ErrTooComplex, n, len(line), MaxLineBytes)
		}
		depth := 0
		for i := 0; i < len(line) && (line[i] == '>' || line[i] == ' ' || line[i] == '\t'); i++ {
			if line[i] == '>' {
				depth++
			}
		}
		if depth > MaxQuoteDepth {
			return fmt.Errorf("%w: line %d nests quotes %d deep, at most %d", ErrTooComplex, n, depth, MaxQuoteDepth)
		}
	}
	return nil
}

var (
	tableCellsKey   = parser.NewContextKey()
	tooComplexKey   = parser.NewContextKey()
	tableTransform  = extension.NewTableParagraphTransformer()
	tableDelimChars = "|:- \t"
)

// tableGuard wraps goldmark's table paragraph transformer. Before a
// paragraph may become a table it estimates the cells it would produce
// (widest delimiter row times lines) and, past MaxTableCells for the whole
// document, leaves the paragraph as text and records why.
type tableGuard struct{}

func (tableGuard) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	cols := 0
	for i := 1; i < lines.Len(); i++ {
		seg := lines.At(i)
		line := strings.TrimSpace(string(seg.Value(reader.Source())))
		if strings.Contains(line, "-") && strings.Trim(line, tableDelimChars) == "" {
			cols = max(cols, strings.Count(strings.Trim(line, "|"), "|")+1)
		}
	}
	if cols == 0 {
		return
	}
	used, _ := pc.Get(tableCellsKey).(int)
	used += cols * lines.Len()
	pc.Set(tableCellsKey, used)
	if used > MaxTableCells {
		pc.Set(tooComplexKey, fmt.Errorf("%w: tables would have %d cells or more, at most %d", ErrTooComplex, used, MaxTableCells))
		return
	}
	tableTransform.Transform(node, reader, pc)
}
