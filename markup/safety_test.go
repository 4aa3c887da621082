package markup

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// allowedAttrs is what may appear in Render's output, per element; it mirrors
// newPolicy so that a loosened policy fails here too.
var allowedAttrs = map[string][]string{
	"p": nil, "br": nil, "hr": nil, "blockquote": nil, "pre": nil,
	"ul": nil, "ol": {"start"}, "li": nil,
	"em": nil, "strong": nil, "del": nil, "code": {"class"}, "mark": {"data-tag"},
	"table": nil, "thead": nil, "tbody": nil, "tr": nil, "th": {"align"}, "td": {"align"},
	"h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
	"a":   {"href", "rel", "title"},
	"img": {"src", "alt", "title"},
}

// checkSafeHTML fails t unless out is made only of allowed elements and
// attributes, has no comments, no event handlers and no URL with a scheme
// other than http, https or mailto, judged after the browser's own decoding
// and its stripping of whitespace and control characters.
func checkSafeHTML(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("output contains <script:\n%s", out)
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return
		case html.CommentToken, html.DoctypeToken:
			t.Fatalf("output contains %v %q:\n%s", tt, z.Token().Data, out)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			allowed, ok := allowedAttrs[tok.Data]
			if !ok {
				t.Fatalf("output contains element <%s>:\n%s", tok.Data, out)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Fatalf("output contains event handler %s=%q:\n%s", a.Key, a.Val, out)
				}
				if !contains(allowed, a.Key) {
					t.Fatalf("output contains <%s %s=%q>:\n%s", tok.Data, a.Key, a.Val, out)
				}
				if a.Key == "href" || a.Key == "src" {
					if s := scheme(a.Val); s != "" && s != "http" && s != "https" && s != "mailto" {
						t.Fatalf("output contains %s with scheme %q:\n%s", a.Key, s, out)
					}
				}
			}
		}
	}
}

// scheme returns the lowercased scheme of an attribute value the way a
// browser finds it: control characters and whitespace removed first.
func scheme(v string) string {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v)
	i := strings.IndexAny(v, ":/?#")
	if i < 0 || v[i] != ':' {
		return ""
	}
	return strings.ToLower(v[:i])
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestRenderHostile feeds hostile Markdown to Render. keep is text a reader
// must still see; drop are payload fragments that must be gone (compared
// case-insensitively). Every output also passes checkSafeHTML.
func TestRenderHostile(t *testing.T) {
	tests := []struct {
		name string
		in   string
		keep []string
		drop []string
	}{
		{"script block", "<script>alert('x')</script>\n\nSafe text", []string{"Safe text"}, []string{"<script", "alert"}},
		{"inline script tags", "Before <script>alert(1)</script> after", []string{"Before", "after"}, []string{"<script"}},
		{"uppercase script", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>\n\nok", []string{"ok"}, []string{"<script", "evil.example"}},
		{"style block", "<style>body{display:none}</style>\n\nText", []string{"Text"}, []string{"<style", "display:none"}},
		{"img onerror", `Pic <img src=x onerror="alert(1)"> end`, []string{"Pic", "end"}, []string{"<img", "onerror"}},
		{"raw anchor onclick", `<a href="https://ok.example" onclick="alert(1)">click</a>`, []string{"click"}, []string{"onclick", "<a"}},
		{"raw anchor javascript", `<a href="javascript:alert(1)">raw link</a>`, []string{"raw link"}, []string{"javascript:", "<a"}},
		{"svg onload", `<svg onload=alert(1)><script>alert(1)</script></svg>`, nil, []string{"<svg", "onload", "<script"}},
		{"svg use", `<svg><use href="data:image/svg+xml;base64,PHN2Zz4="/></svg>` + "\n\ntext", []string{"text"}, []string{"<svg", "<use", "data:"}},
		{"math", `<math><mi xlink:href="javascript:alert(1)">x</mi></math>`, nil, []string{"<math", "javascript:"}},
		{"iframe", `<iframe src="https://evil.example"></iframe>` + "\n\nafter", []string{"after"}, []string{"<iframe", "evil.example"}},
		{"object and embed", "<object data=\"x.swf\"></object>\n<embed src=\"x.swf\">\n\nafter", []string{"after"}, []string{"<object", "<embed", "x.swf"}},
		{"form", `<form action="https://evil.example"><input name=p><button>Go</button></form>`, nil, []string{"<form", "<input", "<button"}},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, nil, []string{"<meta", "javascript:"}},
		{"base and link", "<base href=\"https://evil.example/\">\n<link rel=stylesheet href=//evil.example/x.css>\n\nok", []string{"ok"}, []string{"<base", "<link", "evil.example"}},
		{"comment breakout", "<!-- --><script>alert(1)</script> -->\n\nok", []string{"ok"}, []string{"<script", "<!--"}},
		{"comment short close", "a <!--><script>alert(1)</script>--> b", []string{"a ", " b"}, []string{"<script", "<!--"}},
		{"comment bang close", "a <!-- x --!><img src=x onerror=alert(1)> b", []string{"a "}, []string{"<img", "onerror", "<!--"}},
		{"md link javascript", "[click me](javascript:alert(1))", []string{"click me"}, []string{"javascript:", "<a"}},
		{"md link mixed case", "[x](JaVaScRiPt:alert(1))", []string{"x"}, []string{"javascript:", "<a"}},
		{"md link hex entity", "[x](jav&#x61;script:alert(1))", []string{"x"}, []string{"javascript:", "&#x61;", "<a"}},
		{"md link decimal entity", "[x](&#106;avascript:alert(1))", []string{"x"}, []string{"javascript:", "<a"}},
		{"md link named entity colon", "[x](javascript&colon;alert(1))", []string{"x"}, []string{"javascript", "<a"}},
		{"md link tab entity", "[x](java&#x09;script:alert(1))", []string{"x"}, []string{"script:", "<a"}},
		{"md link newline entity", "[x](java&#x0A;script:alert(1))", []string{"x"}, []string{"script:", "<a"}},
		{"md link leading control", "[x](&#x01;javascript:alert(1))", []string{"x"}, []string{"javascript:", "<a"}},
		{"md link leading space", "[x](<  javascript:alert(1)>)", []string{"x"}, []string{"javascript:", "<a"}},
		{"md link backslash escape", "[x](javascript\\:alert(1))", []string{"x"}, []string{"javascript:", "<a"}},
		{"md link vbscript", "[x](vbscript:msgbox(1))", []string{"x"}, []string{"vbscript:", "<a"}},
		{"md link data html", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", []string{"x"}, []string{"data:", "<a"}},
		{"md link file", "[x](file:///etc/passwd)", []string{"x"}, []string{"file:", "<a"}},
		{"md image svg data", "![chart](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", []string{"chart"}, []string{"data:", "<img"}},
		{"md image png data", "![dot](data:image/png;base64,iVBORw0KGgo=)", []string{"dot"}, []string{"data:", "<img"}},
		{"md image javascript", "![x](javascript:alert(1))", []string{"x"}, []string{"javascript:", "<img"}},
		{"md image in hostile link", "[![img](javascript:alert(1))](javascript:alert(2))", []string{"img"}, []string{"javascript:", "<a", "<img"}},
		{"reference link", "[x][1]\n\n[1]: javascript:alert(1)", []string{"x"}, []string{"javascript:", "<a"}},
		{"autolink javascript", "<javascript:alert(1)>", []string{"javascript:alert(1)"}, []string{"<a"}},
		{"autolink data", "<data:text/html,<script>alert(1)</script>>", nil, []string{"<a", "<script"}},
		{"bare javascript text", "see javascript:alert(1) here", []string{"see"}, []string{"<a"}},
		{"title breakout", `[x](https://ok.example "a\" onmouseover=\"alert(1)")`, []string{`href="https://ok.example"`}, []string{`onmouseover="`}},
		{"alt breakout", `![x" onerror="alert(1)](https://ok.example/i.png)`, []string{`src="https://ok.example/i.png"`}, []string{`onerror="`}},
		{"url quote breakout", `[x](https://ok.example/" onclick="alert(1))`, []string{"ok.example"}, []string{`onclick="`}},
		{"fence info breakout", "```\"><script>alert(1)</script>\ncode\n```", []string{"code"}, []string{"<script"}},
		{"heading breakout", `# "><img src=x onerror=alert(1)>`, []string{`<h1 id="h-section">&#34;&gt;</h1>`}, []string{"<img", "onerror"}},
		{"table cell payloads", "| a | b |\n|---|---|\n| <script>x</script> | [y](javascript:alert(1)) |", []string{"<table>", "y"}, []string{"<script", "javascript:"}},
		{"escaped text stays text", "&lt;script&gt;alert(1)&lt;/script&gt;", []string{"&lt;script&gt;"}, []string{"<script"}},
		{"style attribute via raw", "<p style=\"background:url(javascript:alert(1))\">x</p>\n\nok", []string{"ok"}, []string{"style=", "javascript:"}},
		{"nul byte", "a\x00<script>alert(1)</script>", []string{"a"}, []string{"<script", "\x00"}},

		{"safe link survives", "[ok](https://example.org/a?b=1)", []string{`<a href="https://example.org/a?b=1" rel="nofollow noopener noreferrer">ok</a>`}, []string{"target="}},
		{"relative link survives", "[next](/courses/x/lessons/2)", []string{`href="/courses/x/lessons/2"`}, nil},
		{"mailto survives", "[mail](mailto:info@example.org)", []string{`href="mailto:info@example.org"`}, nil},
		{"linkify", "see www.example.org and https://example.org/x", []string{`href="http://www.example.org"`, `href="https://example.org/x"`}, nil},
		{"https image survives", `![Slika 1: graf?](https://example.org/g.png "Vir: WHO")`, []string{`<img src="https://example.org/g.png" alt="Slika 1: graf?" title="Vir: WHO">`}, nil},
		{"gfm survives", "~~old~~ **new**\n\n| a | b |\n|:--|--:|\n| 1 | 2 |", []string{"<del>old</del>", "<strong>new</strong>", `<th align="left">a</th>`, `<td align="right">2</td>`}, nil},
		{"code class survives", "```go\nfmt.Println(\"<b>\")\n```", []string{`<code class="language-go">`, "&lt;b&gt;"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.in)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			out := string(got)
			checkSafeHTML(t, out)
			for _, k := range tt.keep {
				if !strings.Contains(out, k) {
					t.Errorf("output lost %q:\n%s", k, out)
				}
			}
			lower := strings.ToLower(out)
			for _, d := range tt.drop {
				if strings.Contains(lower, strings.ToLower(d)) {
					t.Errorf("output kept %q:\n%s", d, out)
				}
			}
		})
	}
}

// TestPolicyAlone proves the sanitiser holds without goldmark's help: hostile
// HTML goes straight to the policy.
func TestPolicyAlone(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`<script>alert(1)</script>x`, `x`},
		{`<a href="javascript:alert(1)">x</a>`, `x`},
		{`<a href="JaVaScRiPt:alert(1)">x</a>`, `x`},
		{`<a href="jav&#x61;script:alert(1)">x</a>`, `x`},
		{`<a href="java&#x09;script:alert(1)">x</a>`, `x`},
		{`<a href=" javascript:alert(1)">x</a>`, `x`},
		{`<a href="vbscript:msgbox(1)">x</a>`, `x`},
		{`<a href="data:text/html,<script>alert(1)</script>">x</a>`, `x`},
		{`<img src="data:image/png;base64,iVBORw0KGgo=" alt="a">`, `<img alt="a">`},
		{`<img src=x onerror=alert(1)>`, `<img src="x">`},
		{`<p onclick="alert(1)" style="color:red" class="x">x</p>`, `<p>x</p>`},
		{`<svg><script>alert(1)</script></svg>`, ``},
		{`<iframe src="https://evil.example"></iframe>`, ``},
		{`<object data="x"></object><embed src="x">`, ``},
		{`<form><input name="p"><button>go</button></form>`, `go`},
		{`<!-- --><script>alert(1)</script>-->`, `--&gt;`},
		{`<style>*{}</style>x`, `x`},
		{`<a href="https://ok.example" target="_blank" rel="opener">x</a>`, `<a href="https://ok.example" rel="nofollow noreferrer">x</a>`},
		{`<h2 id="config">x</h2>`, `<h2>x</h2>`},
		{`<code class="hljs evil">x</code>`, `<code>x</code>`},
	}
	for _, tt := range tests {
		got := policy.Sanitize(tt.in)
		if got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkSafeHTML(t, got)
	}
}
