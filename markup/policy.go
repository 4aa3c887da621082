package markup

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
)

// policy is built once; a bluemonday.Policy is safe for concurrent use once
// configured.
var policy = newPolicy()

// newPolicy allows what goldmark emits for the enabled syntax and nothing
// else. Every element and attribute here is also allowed by
// bluemonday.UGCPolicy except four, each fixed-value or pattern-bound:
// rel on a (always linkRel), class on code (language-* only, for syntax
// highlighting), start on ol (digits) and data-tag on mark (highlights).
// Table alignment is rendered as align, which UGC allows, rather than as an
// inline style, which it does not. alt and title take any text: UGC's
// Paragraph pattern drops an alt text containing ':' or '?', and attribute
// values are escaped on output, so the pattern buys no safety.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	p.AllowElements(
		"p", "br", "hr", "blockquote", "pre",
		"ul", "ol", "li",
		"em", "strong", "del", "code", "mark",
		"table", "thead", "tbody", "tr", "th", "td",
		"h1", "h2", "h3", "h4", "h5", "h6",
	)
	p.AllowAttrs("id").Matching(headingIDPattern).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)).OnElements("code")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")
	p.AllowAttrs("data-tag").Matching(tagPattern).OnElements("mark")

	// URLs: http, https, mailto and relative; they must parse.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src").OnElements("img")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AllowAttrs("alt", "title").Matching(printableText).OnElements("img")
	p.AllowAttrs("title").Matching(printableText).OnElements("a")

	return p
}

// printableText matches any text without control characters.
var printableText = regexp.MustCompile(`^[^\x00-\x1f\x7f]*$`)

// allowedURL reports whether a link or image destination may be rendered:
// relative, or http, https or mailto (links only). The scheme is read the way
// a browser reads it, after dropping the whitespace and control characters a
// browser ignores, so "java\tscript:" counts as javascript.
func allowedURL(dest []byte, image bool) bool {
	cleaned := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, string(dest))
	if cleaned == "" {
		return false // an empty href points back at the page itself
	}
	i := strings.IndexAny(cleaned, ":/?#")
	if i < 0 || cleaned[i] != ':' {
		return true // relative
	}
	switch strings.ToLower(cleaned[:i]) {
	case "http", "https":
		return true
	case "mailto":
		return !image
	}
	return false
}
