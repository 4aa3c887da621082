// Package markup turns lesson Markdown into HTML that is safe to put in a
// page, and into plain text for search, excerpts and PDFs.
//
// Safety does not rest on one layer. goldmark runs without WithUnsafe, so raw
// HTML in the source is dropped and javascript:/vbscript:/data: link targets
// are blanked; an AST transformer then unwraps every link or image whose
// target is not http, https, mailto or relative, so the reader sees text rather
// than a dead link; and finally the HTML goes through a bluemonday allowlist
// that is built from, and narrower than, bluemonday's UGC policy. The last
// layer alone must be enough: the tests feed it hostile HTML directly.
//
// Links carry rel="nofollow noopener noreferrer" and no target: whether a
// link opens a new tab is the front end's decision, and without target there
// is no window.opener to protect. Headings get ids of the form "h-<slug>"; the
// prefix keeps author-chosen words from clobbering the page's own ids or
// window globals (DOM clobbering).
package markup

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel is set on every rendered link.
const linkRel = "nofollow noopener noreferrer"

// md is shared by every call: goldmark's parser and renderer keep per-call
// state in the parser.Context and writer, so one instance is safe for
// concurrent use.
var md = goldmark.New(
	goldmark.WithExtensions(
		extension.Strikethrough,
		extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
	),
	goldmark.WithParserOptions(
		// extension.Table's parts, with the paragraph transformer guarded.
		parser.WithParagraphTransformers(util.Prioritized(tableGuard{}, 200)),
		parser.WithASTTransformers(
			util.Prioritized(extension.NewTableASTTransformer(), 0),
			util.Prioritized(linkTransformer{}, 100),
			util.Prioritized(headingTransformer{}, 200),
			util.Prioritized(highlightTransformer{}, 300),
		),
	),
	goldmark.WithRendererOptions(
		renderer.WithNodeRenderers(
			util.Prioritized(extension.NewTableHTMLRenderer(
				extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)), 500),
			util.Prioritized(highlightRenderer{}, 100),
		),
	),
)

// Render converts Markdown to sanitised HTML. It returns ErrTooLarge or
// ErrTooComplex (wrapped, with the line or the reason) for sources beyond
// the limits in limits.go. Rendering is meant to happen when a lesson is
// saved, so those errors reach the author; store the HTML and serve that.
func Render(markdown string) (template.HTML, error) {
	return render(markdown, nil)
}

func render(markdown string, spans []Span) (template.HTML, error) {
	if err := checkSource(markdown); err != nil {
		return "", err
	}
	pc := parser.NewContext()
	if spans != nil {
		pc.Set(spansKey, spans)
	}
	var buf bytes.Buffer
	buf.Grow(len(markdown) + len(markdown)/4)
	if err := md.Convert([]byte(markdown), &buf, parser.WithContext(pc)); err != nil {
		return "", err
	}
	if err, ok := pc.Get(tooComplexKey).(error); ok {
		return "", err
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil
}

// parse returns the AST of markdown, or nil for a source Render would
// reject; source offsets in the tree index src.
func parse(markdown string) (ast.Node, []byte) {
	if checkSource(markdown) != nil {
		return nil, nil
	}
	src := []byte(markdown)
	return md.Parser().Parse(text.NewReader(src)), src
}

// linkTransformer unwraps links and images whose destination is not an
// allowed URL, and marks the remaining links with linkRel.
type linkTransformer struct{}

func (linkTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	var unwrap []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if allowedURL(resolveRefs(n.Destination), false) {
				n.SetAttributeString("rel", []byte(linkRel))
			} else {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkEmail || allowedURL(n.URL(reader.Source()), false) {
				n.SetAttributeString("rel", []byte(linkRel))
			} else {
				unwrap = append(unwrap, n)
			}
		case *ast.Image:
			if !allowedURL(resolveRefs(n.Destination), true) {
				unwrap = append(unwrap, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unwrap {
		replaceWithContent(n, reader.Source())
	}
}

// resolveRefs decodes a link destination the way goldmark's renderer does
// before writing it (util.URLEscape with resolveReference), so the check sees
// "jav&#x61;script:" as the browser will.
func resolveRefs(dest []byte) []byte {
	return util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(dest)))
}

// replaceWithContent puts n's children (a link's text, an image's alt text)
// where n was. An autolink has no children; its label becomes text.
func replaceWithContent(n ast.Node, source []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	if al, ok := n.(*ast.AutoLink); ok {
		label := ast.NewString(al.Label(source))
		label.SetRaw(true) // autolinks resolve no entities, so show it as written
		parent.ReplaceChild(parent, n, label)
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}
