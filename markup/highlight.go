package markup

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"sort"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Span marks the bytes [Start, End) of the Markdown source, for example an
// evidence passage a quiz answer cites. Tag becomes the data-tag attribute of
// the <mark> elements that cover it; it may be empty.
type Span struct {
	Start, End int
	Tag        string
}

// ErrInvalidSpan is returned for a span outside the source, reversed, or with
// a tag that is not 1 to 64 letters, digits, '-' or '_'.
var ErrInvalidSpan = errors.New("markup: invalid span")

var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// RenderWithHighlights renders like Render and wraps the text covered by
// each span in <mark data-tag="...">. A span crossing inline markup becomes
// several marks, one per text run, so the HTML stays well nested;
// overlapping spans nest. Span edges that fall inside a multi-byte character,
// an entity (&amp;) or a backslash escape widen to include all of it.
//
// Only prose is highlighted: text in code spans, code blocks, image alt text
// and autolink labels is rendered but never marked.
func RenderWithHighlights(markdown string, spans []Span) (template.HTML, error) {
	for i, s := range spans {
		if s.Start < 0 || s.End < s.Start || s.End > len(markdown) ||
			(s.Tag != "" && !tagPattern.MatchString(s.Tag)) {
			return "", fmt.Errorf("%w: spans[%d] = %+v", ErrInvalidSpan, i, s)
		}
	}
	return render(markdown, spans)
}

var spansKey = parser.NewContextKey()

var kindHighlight = ast.NewNodeKind("Highlight")

// highlightNode renders as <mark>.
type highlightNode struct {
	ast.BaseInline
	Tag string
}

func (n *highlightNode) Kind() ast.NodeKind { return kindHighlight }

func (n *highlightNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Tag": n.Tag}, nil)
}

type highlightRenderer struct{}

func (highlightRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindHighlight, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			_, _ = w.WriteString("</mark>")
			return ast.WalkContinue, nil
		}
		if tag := n.(*highlightNode).Tag; tag != "" {
			_, _ = w.WriteString(`<mark data-tag="` + html.EscapeString(tag) + `">`)
		} else {
			_, _ = w.WriteString("<mark>")
		}
		return ast.WalkContinue, nil
	})
}

// highlightTransformer splits text nodes at span edges and wraps the covered
// pieces; it does nothing unless the context carries spans.
type highlightTransformer struct{}

func (highlightTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	spans, _ := pc.Get(spansKey).([]Span)
	if len(spans) == 0 {
		return
	}
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.Image:
			// goldmark renders their children itself and expects plain text.
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if !n.IsRaw() && n.Segment.Padding == 0 {
				texts = append(texts, n)
			}
		}
		return ast.WalkContinue, nil
	})
	src := reader.Source()
	for _, t := range texts {
		highlightText(t, spans, src)
	}
	// goldmark splits prose into several text nodes (at every character an
	// inline parser may start at), so one span can yield a run of marks.
	coalesceMarks(doc)
}

// coalesceMarks merges adjacent marks with the same tag, at every depth.
func coalesceMarks(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if h, ok := c.(*highlightNode); ok {
			for {
				next, ok := h.NextSibling().(*highlightNode)
				if !ok || next.Tag != h.Tag {
					break
				}
				for gc := next.FirstChild(); gc != nil; {
					after := gc.NextSibling()
					h.AppendChild(h, gc)
					gc = after
				}
				n.RemoveChild(n, next)
			}
		}
		coalesceMarks(c)
	}
}

// highlightText replaces t with pieces split at the (widened) span edges.
func highlightText(t *ast.Text, spans []Span, src []byte) {
	seg := t.Segment
	var hits []int // indexes of spans that overlap t
	for i, s := range spans {
		if s.Start < s.End && s.Start < seg.Stop && s.End > seg.Start {
			hits = append(hits, i)
		}
	}
	if len(hits) == 0 {
		return
	}
	// A line ending in "\r\n" leaves the "\r" in the text and the "\n" to
	// the line break; keep them together, outside any mark.
	limit := seg.Stop
	if limit > seg.Start && src[limit-1] == '\r' {
		limit--
	}
	atoms := atomBoundaries(src[seg.Start:limit], seg.Start)
	cuts := []int{seg.Start, limit, seg.Stop}
	for _, i := range hits {
		cuts = append(cuts, floorIn(atoms, spans[i].Start), ceilIn(atoms, spans[i].End))
	}
	sort.Ints(cuts)

	parent := t.Parent()
	var last ast.Node // the last node inserted, a text or a mark
	for k := 0; k+1 < len(cuts); k++ {
		a, b := cuts[k], cuts[k+1]
		if a == b {
			continue
		}
		piece := ast.NewTextSegment(text.NewSegment(a, b))
		var node ast.Node = piece
		// Wrap innermost-last so the first listed span is the outer mark.
		for j := len(hits) - 1; j >= 0; j-- {
			s := spans[hits[j]]
			if floorIn(atoms, s.Start) <= a && b <= ceilIn(atoms, s.End) {
				h := &highlightNode{Tag: s.Tag}
				h.AppendChild(h, node)
				node = h
			}
		}
		parent.InsertBefore(parent, t, node)
		last = node
	}
	// The line break t ended with belongs after any mark, not inside it.
	if t.SoftLineBreak() || t.HardLineBreak() {
		lt, ok := last.(*ast.Text)
		if !ok {
			lt = ast.NewTextSegment(text.NewSegment(seg.Stop, seg.Stop))
			parent.InsertBefore(parent, t, lt)
		}
		lt.SetSoftLineBreak(t.SoftLineBreak())
		lt.SetHardLineBreak(t.HardLineBreak())
	}
	parent.RemoveChild(parent, t)
}

// atomBoundaries lists, in order, the offsets (shifted by base) at which b
// may be split without breaking a UTF-8 sequence, an entity reference or a
// backslash escape, which goldmark decodes only when they arrive whole.
func atomBoundaries(b []byte, base int) []int {
	out := []int{base}
	for i := 0; i < len(b); {
		n := 1
		switch {
		case b[i] == '\\' && i+1 < len(b) && isASCIIPunct(b[i+1]):
			n = 2
		case b[i] == '&':
			if m := entityPattern.Find(b[i:]); m != nil {
				n = len(m)
			}
		default:
			_, n = utf8.DecodeRune(b[i:])
		}
		i += n
		out = append(out, base+i)
	}
	return out
}

var entityPattern = regexp.MustCompile(`^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// floorIn returns the largest boundary <= x, clamped to the first.
func floorIn(bounds []int, x int) int {
	i := sort.SearchInts(bounds, x+1) - 1
	if i < 0 {
		return bounds[0]
	}
	return bounds[i]
}

// ceilIn returns the smallest boundary >= x, clamped to the last.
func ceilIn(bounds []int, x int) int {
	i := sort.SearchInts(bounds, x)
	if i >= len(bounds) {
		return bounds[len(bounds)-1]
	}
	return bounds[i]
}
