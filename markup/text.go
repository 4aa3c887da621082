package markup

import (
	"bufio"
	"bytes"
	"html"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	ghtml "github.com/yuin/goldmark/renderer/html"
)

// PlainText returns the text a reader sees, without markup, for search
// indexes and PDFs. Blocks are separated by a blank line, list items and
// table rows by a newline, table cells by a tab. Raw HTML is dropped, as in
// Render; link text is kept and URLs are not; images contribute their alt
// text. The result is plain text, not HTML: escape it where it is output.
// A source that Render rejects as too large or too complex gives "".
func PlainText(markdown string) string {
	doc, src := parse(markdown)
	if doc == nil {
		return ""
	}
	return plainText(doc, src)
}

// plainText is PlainText for any node of a parsed tree.
func plainText(node ast.Node, src []byte) string {
	var w textWriter
	_ = ast.Walk(node, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			switch n.Kind() {
			case ast.KindParagraph, ast.KindHeading, ast.KindBlockquote, ast.KindList,
				ast.KindCodeBlock, ast.KindFencedCodeBlock, extast.KindTable:
				w.endBlock("\n\n")
			case ast.KindListItem, extast.KindTableRow, extast.KindTableHeader:
				w.endBlock("\n")
			case ast.KindTextBlock:
				// A tight list item's text; the item ends the line.
				w.endBlock("\n")
			case extast.KindTableCell:
				if n.NextSibling() != nil {
					w.buf.WriteByte('\t')
				}
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			w.text(n.Value(src), n.IsRaw())
			if n.HardLineBreak() {
				w.buf.WriteByte('\n')
			} else if n.SoftLineBreak() {
				w.buf.WriteByte(' ')
			}
		case *ast.String:
			w.text(n.Value, n.IsRaw() || n.IsCode())
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					w.buf.Write(bytes.ReplaceAll(t.Value(src), []byte("\n"), []byte(" ")))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				w.buf.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			w.buf.Write(n.Label(src))
		case *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return w.String()
}

type textWriter struct {
	buf bytes.Buffer
	esc bytes.Buffer  // scratch for text
	bw  *bufio.Writer // over esc; goldmark's Writer wants a util.BufWriter
}

// text writes a text node's value with backslash escapes and entities
// decoded exactly as the HTML renderer decodes them.
func (w *textWriter) text(v []byte, raw bool) {
	if raw {
		w.buf.Write(v)
		return
	}
	if w.bw == nil {
		w.bw = bufio.NewWriter(&w.esc)
	}
	w.esc.Reset()
	ghtml.DefaultWriter.Write(w.bw, v)
	_ = w.bw.Flush()
	w.buf.WriteString(html.UnescapeString(w.esc.String()))
}

func (w *textWriter) endBlock(sep string) {
	b := bytes.TrimRight(w.buf.Bytes(), " \t\n")
	w.buf.Truncate(len(b))
	if len(b) > 0 {
		w.buf.WriteString(sep)
	}
}

func (w *textWriter) String() string {
	lines := strings.Split(w.buf.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	s := strings.Join(lines, "\n")
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(s)
}

// Excerpt returns the start of the lesson's plain text on one line, at most
// n characters (runes) long. When it has to cut, it cuts at a word boundary
// if one falls in the last third, and ends with "…", which counts towards n.
func Excerpt(markdown string, n int) string {
	if n <= 0 {
		return ""
	}
	all := []rune(strings.Join(strings.Fields(PlainText(markdown)), " "))
	if len(all) <= n {
		return string(all)
	}
	head := all[:n-1] // one rune left for the ellipsis
	if all[n-1] != ' ' {
		for i := len(head) - 1; i > len(head)*2/3; i-- {
			if head[i] == ' ' {
				head = head[:i]
				break
			}
		}
	}
	return strings.TrimRight(string(head), " ,;:.-–—") + "…"
}
