package markup

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"inline markup", "Hello *world*, **bold** and ~~gone~~ `code`.", "Hello world, bold and gone code."},
		{"escapes and entities", `a \* b &amp; c &lt;tag&gt; &#x10D;`, "a * b & c <tag> č"},
		{"soft break joins", "one\ntwo", "one two"},
		{"hard break keeps", "one  \ntwo", "one\ntwo"},
		{"blocks", "# Title\n\nFirst para.\n\n> quoted", "Title\n\nFirst para.\n\nquoted"},
		{"tight list", "- a\n- b\n\nafter", "a\nb\n\nafter"},
		{"loose list", "1. a\n\n2. b", "a\nb"},
		{"links keep text not url", "[read this](https://example.org/x) and <https://example.org/y>", "read this and https://example.org/y"},
		{"image alt", "![A chart](https://example.org/c.png)", "A chart"},
		{"raw html dropped", "<div>\nblock\n</div>\n\nText <b>bold</b> <script>x</script>", "Text bold x"},
		{"hostile link keeps text", "[click](javascript:alert(1))", "click"},
		{"code block", "```go\nfunc main() {}\n```\n\nafter", "func main() {}\n\nafter"},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", "a\tb\n1\t2"},
		{"rejected by Render", strings.Repeat("a", MaxLineBytes+1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.want {
				t.Fatalf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"zero", "anything", 0, ""},
		{"fits", "# Title\n\nShort *text*.", 50, "Title Short text."},
		{"exact fit", "abcde", 5, "abcde"},
		{"cuts at word", "Prva pomoč pri srčnem zastoju", 20, "Prva pomoč pri…"},
		{"next rune is space", "abcd efgh", 5, "abcd…"},
		{"no word boundary", "abcdefghijklmnop", 6, "abcde…"},
		{"trims punctuation", "One, two, three", 6, "One…"},
		{"counts runes not bytes", "čšžčšžčšž", 4, "čšž…"},
		{"one", "hello", 1, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Excerpt(tt.in, tt.n)
			if got != tt.want {
				t.Fatalf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.n {
				t.Fatalf("Excerpt(%q, %d) has %d runes", tt.in, tt.n, n)
			}
		})
	}
}
