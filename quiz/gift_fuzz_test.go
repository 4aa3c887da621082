package quiz

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseGIFT: whatever a trainer pastes, the parser never panics, every error names a line of
// the input, fractions stay in −1..1, and the preview can always be sent as JSON.
func FuzzParseGIFT(f *testing.F) {
	for _, seed := range []string{
		"",
		"::Q1:: Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}",
		"Grant is {~buried =entombed ~living} in Grant's tomb.",
		"Q{FALSE#wrong#right####general}",
		"Q{=a =%50%b#half}",
		"Q{#1822:5}\n\nQ{#1..5}\n\nQ{# =1822:0 =%50%1822:2 ~#no}",
		"Q{\n=a -> b\n=c -> d\n= -> e\n}",
		"Q{}\n\nDescription only",
		"$CATEGORY: a/b\n// [id:x] [tag:y]\n::T::[html]<b>Q</b>{~%-100%a ~%100%b}",
		`Esc \~ \= \# \{ \} \: \\ \n {T}`,
		"::unclosed {T}\n\n} {\n\n{ {",
		"Q {~%abc%a ~%1e3%b ~%%c}",
		"Q {#-1e308..1e308}",
		"\ufeffQ\r\n{T}\r\n",
		"Q \xff\xfe {T}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		p := ParseGIFT(src)
		lines := strings.Count(src, "\n") + 1
		for _, e := range p.Errors {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("error %+v outside lines 1..%d", e, lines)
			}
			if e.Message == "" {
				t.Fatalf("error without a message at line %d", e.Line)
			}
		}
		for _, q := range p.Questions {
			if q.Line < 1 || q.Line > lines {
				t.Fatalf("question at line %d outside 1..%d", q.Line, lines)
			}
			if q.Options == nil || q.Pairs == nil || q.Tags == nil {
				t.Fatalf("nil list in %+v", q)
			}
			switch q.Type {
			case GIFTMultichoice, GIFTTrueFalse, GIFTShortAnswer, GIFTMatching, GIFTNumerical, GIFTEssay, GIFTDescription:
			default:
				t.Fatalf("unknown type %q", q.Type)
			}
			if q.Graded != q.Type.Graded() {
				t.Fatalf("%s graded = %v", q.Type, q.Graded)
			}
			for _, o := range q.Options {
				if o.Fraction < -1 || o.Fraction > 1 {
					t.Fatalf("fraction %v outside -1..1", o.Fraction)
				}
			}
		}
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("preview is not JSON: %v", err)
		}
	})
}
