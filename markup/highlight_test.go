package markup

import (
	"errors"
	"strings"
	"testing"
)

// span returns the Span covering the first occurrence of sub in src.
func span(t *testing.T, src, sub, tag string) Span {
	t.Helper()
	i := strings.Index(src, sub)
	if i < 0 {
		t.Fatalf("%q not in %q", sub, src)
	}
	return Span{Start: i, End: i + len(sub), Tag: tag}
}

func TestRenderWithHighlights(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		spans func(src string) []Span
		want  string
	}{
		{
			"plain",
			"The patient was calm.",
			func(s string) []Span { return []Span{span(t, s, "was calm", "e1")} },
			`<p>The patient <mark data-tag="e1">was calm</mark>.</p>`,
		},
		{
			"crosses emphasis",
			"Hello **bold** world",
			func(s string) []Span { return []Span{span(t, s, "lo **bol", "e1")} },
			`<p>Hel<mark data-tag="e1">lo </mark><strong><mark data-tag="e1">bol</mark>d</strong> world</p>`,
		},
		{
			"across paragraphs",
			"one two\n\nthree four",
			func(s string) []Span { return []Span{span(t, s, "two\n\nthree", "e1")} },
			`<p>one <mark data-tag="e1">two</mark></p>` + "\n" + `<p><mark data-tag="e1">three</mark> four</p>`,
		},
		{
			"inside link text",
			"see [the guideline](https://example.org) now",
			func(s string) []Span { return []Span{span(t, s, "guideline", "")} },
			`<p>see <a href="https://example.org" rel="nofollow noopener noreferrer">the <mark>guideline</mark></a> now</p>`,
		},
		{
			"overlapping nest",
			"abcdef",
			func(s string) []Span { return []Span{span(t, s, "abcd", "x"), span(t, s, "cdef", "y")} },
			`<p><mark data-tag="x">ab<mark data-tag="y">cd</mark></mark><mark data-tag="y">ef</mark></p>`,
		},
		{
			"widens over entity",
			"a &amp; b",
			func(s string) []Span { return []Span{{Start: 3, End: 5, Tag: "e"}} }, // "am"
			`<p>a <mark data-tag="e">&amp;</mark> b</p>`,
		},
		{
			"widens over escape",
			`a \* b`,
			func(s string) []Span { return []Span{{Start: 3, End: 6, Tag: "e"}} }, // "* b"
			`<p>a <mark data-tag="e">* b</mark></p>`,
		},
		{
			"widens over multibyte rune",
			"pomoč je",
			func(s string) []Span { return []Span{{Start: 0, End: 5, Tag: "e"}} }, // half of č
			`<p><mark data-tag="e">pomoč</mark> je</p>`,
		},
		{
			"code span not marked",
			"run `go test` now",
			func(s string) []Span { return []Span{span(t, s, "run `go test` now", "e")} },
			`<p><mark data-tag="e">run </mark><code>go test</code><mark data-tag="e"> now</mark></p>`,
		},
		{
			"empty span ignored",
			"text",
			func(s string) []Span { return []Span{{Start: 2, End: 2, Tag: "e"}} },
			`<p>text</p>`,
		},
		{
			"crlf stays outside the mark",
			"one\r\ntwo",
			func(s string) []Span { return []Span{span(t, s, "one\r\nt", "e")} },
			"<p><mark data-tag=\"e\">one</mark>\n<mark data-tag=\"e\">t</mark>wo</p>",
		},
		{
			"soft break kept",
			"one\ntwo",
			func(s string) []Span { return []Span{span(t, s, "one", "e")} },
			"<p><mark data-tag=\"e\">one</mark>\ntwo</p>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderWithHighlights(tt.src, tt.spans(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if g := strings.TrimSpace(string(got)); g != tt.want {
				t.Fatalf("RenderWithHighlights(%q)\n got %s\nwant %s", tt.src, g, tt.want)
			}
			checkSafeHTML(t, string(got))
		})
	}
}

func TestRenderWithHighlightsInvalid(t *testing.T) {
	tests := []struct {
		name string
		span Span
	}{
		{"negative", Span{Start: -1, End: 2}},
		{"reversed", Span{Start: 3, End: 2}},
		{"past end", Span{Start: 0, End: 99}},
		{"hostile tag", Span{Start: 0, End: 2, Tag: `x" onclick="alert(1)`}},
		{"long tag", Span{Start: 0, End: 2, Tag: strings.Repeat("a", 65)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := RenderWithHighlights("some text", []Span{tt.span}); !errors.Is(err, ErrInvalidSpan) {
				t.Fatalf("error = %v, want ErrInvalidSpan", err)
			}
		})
	}
}
