package markup

import (
	"errors"
	"regexp"
	"testing"
)

var markTags = regexp.MustCompile(`</?mark[^>]*>`)

// FuzzRender checks that Render never panics and never lets markup through
// that checkSafeHTML rejects: no <script, no on* attribute, no
// javascript:/vbscript:/data: URL. The text "javascript:" may appear as
// prose; what may not is an attribute that a browser would run. It also
// checks that highlighting changes nothing but the <mark> tags.
func FuzzRender(f *testing.F) {
	seeds := []string{
		"", lesson,
		"<script>alert(1)</script>",
		"[x](javascript:alert(1))",
		"[x](jav&#x61;script:alert(1))",
		"[x](java&#x0A;script:alert(1))",
		"![x](data:image/svg+xml;base64,PHN2Zz4=)",
		"<img src=x onerror=alert(1)>",
		"<!-- --><script>alert(1)</script>",
		"<svg onload=alert(1)>",
		"<javascript:alert(1)>",
		"# h\n\n| a |\n|---|\n| ~~b~~ www.example.org |",
		"a &amp; \\* č `c` **d**",
	}
	for i, s := range seeds {
		f.Add(s, uint16(i), uint16(i*7))
	}
	f.Fuzz(func(t *testing.T, src string, a, b uint16) {
		got, err := Render(src)
		if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTooComplex) {
			return
		}
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		checkSafeHTML(t, string(got))

		start, end := int(a), int(b)
		if start > end {
			start, end = end, start
		}
		end = min(end, len(src))
		start = min(start, end)
		hl, err := RenderWithHighlights(src, []Span{{Start: start, End: end, Tag: "f"}})
		if err != nil {
			t.Fatalf("RenderWithHighlights: %v", err)
		}
		checkSafeHTML(t, string(hl))
		if s := markTags.ReplaceAllString(string(hl), ""); s != string(got) {
			t.Fatalf("highlighting changed more than marks:\nplain %s\nmarked %s", got, hl)
		}
		_ = Excerpt(src, 80)
	})
}
