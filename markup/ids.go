package markup

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// HeadingIDPrefix starts every heading id, so an author's heading can never
// take an id (or a window global) that the application itself uses.
const HeadingIDPrefix = "h-"

// headingIDPattern is what the sanitiser lets through on headings.
var headingIDPattern = regexp.MustCompile(`^` + HeadingIDPrefix + `[\p{L}\p{N}\p{M}-]{1,80}$`)

// headingTransformer gives headings stable ids derived from the text the
// reader sees (so a link in a heading contributes its text, not its URL):
// the same document always gets the same ids, and a heading keeps its id
// while other headings change, unless they share its text. Unlike goldmark's
// default it keeps non-ASCII letters, so "Čustvena podpora" becomes
// "h-čustvena-podpora", not "ustvena-podpora".
type headingTransformer struct{}

func (headingTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	used := map[string]bool{}
	next := map[string]int{} // next suffix per base, so k equal headings cost O(k)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		base := HeadingIDPrefix + slug(plainText(h, reader.Source()))
		id := base
		for used[id] {
			next[base]++
			id = base + "-" + strconv.Itoa(next[base])
		}
		used[id] = true
		h.SetAttributeString("id", []byte(id))
		return ast.WalkSkipChildren, nil
	})
}

// slug lowercases letters and digits of any script, turns runs of spaces,
// hyphens and underscores into one hyphen, drops everything else and stops
// at 60 characters.
func slug(s string) string {
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range s {
		if n >= 60 {
			break
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
				n++
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
			n++
		case unicode.IsSpace(r) || r == '-' || r == '_':
			dash = true
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}
