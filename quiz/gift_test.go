package quiz

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The cases below are written from Moodle's GIFT documentation
// (https://docs.moodle.org/en/GIFT_format): one table per feature, each checking the questions
// the preview would show and the lines it would report.

func f64(v float64) *float64 { return &v }

// parseOne parses src and expects exactly one question and no error.
func parseOne(t *testing.T, src string) GIFTQuestion {
	t.Helper()
	p := ParseGIFT(src)
	if len(p.Errors) > 0 {
		t.Fatalf("errors: %+v", p.Errors)
	}
	if got, want := len(p.Questions), 1; got != want {
		t.Fatalf("questions = %d, want %d: %+v", got, want, p.Questions)
	}
	return p.Questions[0]
}

func TestParseGIFTQuestionTypes(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want GIFTQuestion
	}{
		{
			name: "multiple choice with feedback per option and general feedback",
			src: "::Documents::Who may keep a worker's passport? {\n" +
				"  =No one but the worker # Right: holding it is a sign of control.\n" +
				"  ~The employer, for permits # Confiscation, whatever the excuse.\n" +
				"  ~The agency#No.\n" +
				"  ####COE-DOCS is a strong indicator in every list.\n" +
				"}",
			want: GIFTQuestion{
				Type: GIFTMultichoice, Title: "Documents", Tags: []string{}, Line: 1,
				Stem: GIFTText{Text: "Who may keep a worker's passport?", Format: "moodle"},
				Options: []GIFTOption{
					{Text: "No one but the worker", Format: "moodle", Fraction: 1, Feedback: "Right: holding it is a sign of control."},
					{Text: "The employer, for permits", Format: "moodle", Fraction: 0, Feedback: "Confiscation, whatever the excuse."},
					{Text: "The agency", Format: "moodle", Fraction: 0, Feedback: "No."},
				},
				Pairs:           []GIFTPair{},
				GeneralFeedback: "COE-DOCS is a strong indicator in every list.",
				AnswerMode:      AnswerModeSingle, Graded: true,
			},
		},
		{
			name: "multiple answers with weights, negative ones included",
			src: "Which are strong indicators for adult labour? {\n" +
				"~%50%COE-DOCS\n~%50%COE-DEBT\n~%-100%EXP-PAY#medium\n~%-50%DST-VUL-PAST\n}",
			want: GIFTQuestion{
				Type: GIFTMultichoice, Tags: []string{}, Line: 1,
				Stem: GIFTText{Text: "Which are strong indicators for adult labour?", Format: "moodle"},
				Options: []GIFTOption{
					{Text: "COE-DOCS", Format: "moodle", Fraction: 0.5},
					{Text: "COE-DEBT", Format: "moodle", Fraction: 0.5},
					{Text: "EXP-PAY", Format: "moodle", Fraction: -1, Feedback: "medium"},
					{Text: "DST-VUL-PAST", Format: "moodle", Fraction: -0.5},
				},
				Pairs:      []GIFTPair{},
				AnswerMode: AnswerModeMultiple, Graded: true,
			},
		},
		{
			name: "partial credit in single choice, decimal weight",
			src:  "Q {=a ~%33.33333%b ~c}",
			want: GIFTQuestion{
				Type: GIFTMultichoice, Tags: []string{}, Line: 1, Stem: GIFTText{Text: "Q", Format: "moodle"},
				Options: []GIFTOption{
					{Text: "a", Format: "moodle", Fraction: 1},
					{Text: "b", Format: "moodle", Fraction: 0.3333333},
					{Text: "c", Format: "moodle"},
				},
				Pairs: []GIFTPair{}, AnswerMode: AnswerModeSingle, Graded: true,
			},
		},
		{
			name: "true/false with feedback for the wrong and the right answer",
			src:  "A child's consent to being exploited is a defence.{FALSE#No: consent is irrelevant.#Right: consent is irrelevant.}",
			want: GIFTQuestion{
				Type: GIFTTrueFalse, Tags: []string{}, Line: 1,
				Stem: GIFTText{Text: "A child's consent to being exploited is a defence.", Format: "moodle"},
				Options: []GIFTOption{
					{Text: "True", Format: "moodle", Fraction: 0, Feedback: "No: consent is irrelevant."},
					{Text: "False", Format: "moodle", Fraction: 1, Feedback: "Right: consent is irrelevant."},
				},
				Pairs: []GIFTPair{}, Graded: true,
			},
		},
		{
			name: "short answer with weights and feedback is not graded",
			src:  "Which centre identifies adult victims? {=Centre for Protection of Victims of Trafficking =%50%the Centre#Name it in full.}",
			want: GIFTQuestion{
				Type: GIFTShortAnswer, Tags: []string{}, Line: 1,
				Stem: GIFTText{Text: "Which centre identifies adult victims?", Format: "moodle"},
				Options: []GIFTOption{
					{Text: "Centre for Protection of Victims of Trafficking", Format: "moodle", Fraction: 1},
					{Text: "the Centre", Format: "moodle", Fraction: 0.5, Feedback: "Name it in full."},
				},
				Pairs:     []GIFTPair{},
				NotGraded: "short answer questions are imported but not graded by the quiz engine",
			},
		},
		{
			name: "matching with an extra answer",
			src: "Match each sign to an indicator. {\n" +
				"  =OBS-LI-RECORDS -> EXP-NORIGHTS\n" +
				"  =OBS-MED-INJURY -> COE-VIOLENCE\n" +
				"  = -> COE-DOCS\n" +
				"}",
			want: GIFTQuestion{
				Type: GIFTMatching, Tags: []string{}, Line: 1,
				Stem:    GIFTText{Text: "Match each sign to an indicator.", Format: "moodle"},
				Options: []GIFTOption{},
				Pairs: []GIFTPair{
					{Left: "OBS-LI-RECORDS", Right: "EXP-NORIGHTS"},
					{Left: "OBS-MED-INJURY", Right: "COE-VIOLENCE"},
					{Left: "", Right: "COE-DOCS"},
				},
				Graded: true,
			},
		},
		{
			name: "numerical with a tolerance",
			src:  "How many days is the minimum reflection period?{#30:0}",
			want: GIFTQuestion{
				Type: GIFTNumerical, Tags: []string{}, Line: 1,
				Stem:      GIFTText{Text: "How many days is the minimum reflection period?", Format: "moodle"},
				Options:   []GIFTOption{{Text: "30:0", Format: "moodle", Fraction: 1, Value: f64(30), Tolerance: f64(0)}},
				Pairs:     []GIFTPair{},
				NotGraded: "numerical questions are imported but not graded by the quiz engine",
			},
		},
		{
			name: "numerical range",
			src:  "Sentence range in years? {#3..12}",
			want: GIFTQuestion{
				Type: GIFTNumerical, Tags: []string{}, Line: 1,
				Stem:      GIFTText{Text: "Sentence range in years?", Format: "moodle"},
				Options:   []GIFTOption{{Text: "3..12", Format: "moodle", Fraction: 1, Value: f64(7.5), Tolerance: f64(4.5)}},
				Pairs:     []GIFTPair{},
				NotGraded: "numerical questions are imported but not graded by the quiz engine",
			},
		},
		{
			name: "numerical with several weighted answers and wrong-answer feedback",
			src:  "When was Ulysses S. Grant born? {#\n  =1822:0 # Correct!\n  =%50%1822:2 # Close.\n  =%-10%-5..5\n  ~#Look it up.\n}",
			want: GIFTQuestion{
				Type: GIFTNumerical, Tags: []string{}, Line: 1,
				Stem: GIFTText{Text: "When was Ulysses S. Grant born?", Format: "moodle"},
				Options: []GIFTOption{
					{Text: "1822:0", Format: "moodle", Fraction: 1, Feedback: "Correct!", Value: f64(1822), Tolerance: f64(0)},
					{Text: "1822:2", Format: "moodle", Fraction: 0.5, Feedback: "Close.", Value: f64(1822), Tolerance: f64(2)},
					{Text: "-5..5", Format: "moodle", Fraction: -0.1, Value: f64(0), Tolerance: f64(5)},
					{Text: "*", Format: "moodle", Fraction: 0, Feedback: "Look it up."},
				},
				Pairs:     []GIFTPair{},
				NotGraded: "numerical questions are imported but not graded by the quiz engine",
			},
		},
		{
			name: "essay with general feedback",
			src:  "::Referral::Describe how you would refer a child victim. {####Centre for Social Work first.}",
			want: GIFTQuestion{
				Type: GIFTEssay, Title: "Referral", Tags: []string{}, Line: 1,
				Stem:            GIFTText{Text: "Describe how you would refer a child victim.", Format: "moodle"},
				Options:         []GIFTOption{},
				Pairs:           []GIFTPair{},
				GeneralFeedback: "Centre for Social Work first.",
				NotGraded:       "essays are imported but not graded by the quiz engine: a trainer reads them",
			},
		},
		{
			name: "description has no braces",
			src:  "::Case 3::[markdown]Read the **case** below before answering.",
			want: GIFTQuestion{
				Type: GIFTDescription, Title: "Case 3", Tags: []string{}, Line: 1,
				Stem:      GIFTText{Text: "Read the **case** below before answering.", Format: "markdown"},
				Options:   []GIFTOption{},
				Pairs:     []GIFTPair{},
				NotGraded: "a description is text shown between questions; it carries no mark",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseOne(t, tt.src)
			if !reflect.DeepEqual(got, tt.want) {
				gj, _ := json.MarshalIndent(got, "", "  ")
				wj, _ := json.MarshalIndent(tt.want, "", "  ")
				t.Fatalf("question =\n%s\nwant\n%s", gj, wj)
			}
		})
	}
}

func TestParseGIFTTrueFalseSpellings(t *testing.T) {
	tests := []struct {
		src       string
		trueRight bool
	}{
		{"Q{T}", true}, {"Q{TRUE}", true}, {"Q{F}", false}, {"Q{FALSE}", false},
		{"Q{ true }", true}, {"Q{f#wrong}", false},
	}
	for _, tt := range tests {
		q := parseOne(t, tt.src)
		if got, want := q.Type, GIFTTrueFalse; got != want {
			t.Fatalf("%s: type = %s, want %s", tt.src, got, want)
		}
		if got, want := q.Options[0].Fraction == 1, tt.trueRight; got != want {
			t.Fatalf("%s: True is right = %v, want %v", tt.src, got, want)
		}
	}
	q := parseOne(t, "Q{T#wrong only}")
	if got, want := q.Options[1].Feedback, "wrong only"; got != want {
		t.Fatalf("feedback on False = %q, want %q", got, want)
	}
}

func TestParseGIFTStemAndText(t *testing.T) {
	tests := []struct {
		name, src, stem, format string
		title                   string
		option                  string // first option's text, "" to skip
	}{
		{"fill in the blank", "Grant is {~buried =entombed ~living} in Grant's tomb.", "Grant is _____ in Grant's tomb.", "moodle", "", "buried"},
		{"blank at the start", "{=Two =2} plus two equals four.", "_____ plus two equals four.", "moodle", "", "Two"},
		{"closing punctuation after the block", "Grant is buried in Grant's tomb {=T}.", "Grant is buried in Grant's tomb _____.", "moodle", "", ""},
		{"multi-line question", "::T::Line one\nline two\n{T}", "Line one\nline two", "moodle", "T", ""},
		{"escapes", `Esc \~ \= \# \{ \} \: \\ a\nb and \q{T}`, "Esc ~ = # { } : \\ a\nb and \\q", "moodle", "", ""},
		{"escaped colon in the title", `::a\:b::Q{T}`, "Q", "moodle", "a:b", ""},
		{"escapes in answers", `Q{=a\=b ~c\~d ~e\#f#fb\#x}`, "Q", "moodle", "", "a=b"},
		{"html format", "[html]<p>Is this <b>bold</b>?</p>{T}", "<p>Is this <b>bold</b>?</p>", "html", "", ""},
		{"plain format", "::P::[plain] Plain text {T}", "Plain text", "plain", "P", ""},
		{"moodle format", "[moodle]Auto format{T}", "Auto format", "moodle", "", ""},
		{"options inherit the stem's format", "[markdown]**Q**{=[html]<i>a</i> ~b}", "**Q**", "markdown", "", "<i>a</i>"},
		{"unknown format stays in the text", "[latex]x{T}", "[latex]x", "moodle", "", ""},
		{"a URL is not a comment", "See https://example.org/page {T}", "See https://example.org/page", "moodle", "", ""},
		{"Cyrillic", "::Пасош::Ко сме да држи пасош радника? {=Само радник ~Послодавац}", "Ко сме да држи пасош радника?", "moodle", "Пасош", "Само радник"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := parseOne(t, tt.src)
			if got, want := q.Stem.Text, tt.stem; got != want {
				t.Fatalf("stem = %q, want %q", got, want)
			}
			if got, want := q.Stem.Format, tt.format; got != want {
				t.Fatalf("format = %q, want %q", got, want)
			}
			if got, want := q.Title, tt.title; got != want {
				t.Fatalf("title = %q, want %q", got, want)
			}
			if tt.option != "" {
				if got, want := q.Options[0].Text, tt.option; got != want {
					t.Fatalf("first option = %q, want %q", got, want)
				}
			}
		})
	}
	q := parseOne(t, `Q{=a\=b ~c\~d ~e\#f#fb\#x}`)
	if got, want := q.Options[2].Text+"|"+q.Options[2].Feedback, "e#f|fb#x"; got != want {
		t.Fatalf("escaped # = %q, want %q", got, want)
	}
	q = parseOne(t, "[markdown]**Q**{=[html]<i>a</i> ~b}")
	if got, want := q.Options[0].Format+","+q.Options[1].Format, "html,markdown"; got != want {
		t.Fatalf("option formats = %s, want %s", got, want)
	}
}

func TestParseGIFTFileStructure(t *testing.T) {
	src := "\ufeff// A whole file: comments, categories, ids and tags.\r\n" +
		"$CATEGORY: $course$/top/Police\r\n" +
		"\r\n" +
		"// [id:POL-1] [tag:police] [tag:child]\r\n" +
		"\r\n" +
		"::One::First {T}\r\n" +
		"\r\n" +
		"// question: 2 name: Two\r\n" +
		"// [id:POL-\\]2] [tag:police]\r\n" +
		"::Two::Second\r\n" +
		"// a comment inside the question\r\n" +
		"{F}\r\n" +
		"\r\n" +
		"$CATEGORY: $course$/top/Doctors\r\n" +
		"::Three::Third {T}\r\n" +
		"\r\n\r\n\r\n" +
		"::Four::Fourth [tag:not-a-comment] {T}\r\n"
	p := ParseGIFT(src)
	if len(p.Errors) > 0 {
		t.Fatalf("errors: %+v", p.Errors)
	}
	type row struct {
		title, id, tags, category string
		line                      int
	}
	want := []row{
		{"One", "POL-1", "police,child", "$course$/top/Police", 6},
		{"Two", "POL-]2", "police", "$course$/top/Police", 10},
		{"Three", "", "", "$course$/top/Doctors", 15},
		{"Four", "", "", "$course$/top/Doctors", 19},
	}
	if got := len(p.Questions); got != len(want) {
		t.Fatalf("questions = %d, want %d", got, len(want))
	}
	for i, w := range want {
		q := p.Questions[i]
		got := row{q.Title, q.ID, strings.Join(q.Tags, ","), q.Category, q.Line}
		if got != w {
			t.Errorf("question %d = %+v, want %+v", i, got, w)
		}
	}
	if got, want := p.Questions[1].Stem.Text, "Second"; got != want {
		t.Fatalf("stem with a comment inside = %q, want %q", got, want)
	}
}

func TestParseGIFTErrors(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		errors string // "line: message fragment" per error, joined by " | "
		kept   int    // questions still parsed
	}{
		{"} without {", "Q =a ~b}", "1: without an opening {", 0},
		{"{ not closed", "::T::Q\n{=a\n~b\n", "2: is not closed", 0},
		{"nested {", "Q {=a {~b}", "1: { inside an answer block", 0},
		{"two answer blocks", "Water is {=H2O} and salt is {=NaCl}", "1: one answer block", 0},
		{"unclosed title", "::Title Q{T}", "1: title is not closed", 0},
		{"title but no text", "::Only a title::", "1: no text", 0},
		{"no question text", "{T}", "1: no text", 0},
		{"empty category", "$CATEGORY:\n", "1: needs a category path", 0},
		{"text before the first answer", "Q {\nfoo\n~a =b}", "2: text before the first answer", 0},
		{"one answer in multiple choice", "Q {~a}", "1: at least two answers", 0},
		{"bad weight on its line", "Q {\n=a\n~%abc%b\n~%150%c\n~%10d\n}", "3: is not a percentage | 4: outside -100%..100% | 5: closed with %", 0},
		{"multiple answers not adding up", "Q {~%50%a ~%25%b ~c}", "1: must add up to 100%, not 75%", 0},
		{"matching pair without ->", "Q {\n=a -> b\n=c d\n}", "3: needs -> | 2: at least two pairs", 0},
		{"matching with one pair", "Q {=a -> b}", "1: at least two pairs", 0},
		{"matching pair without a right side", "Q {=a -> b =c ->}", "1: right-hand side | 1: at least two pairs", 0},
		{"short answer without =", "Q {Paris}", "1: each answer starts with =", 0},
		{"numerical not a number", "Q {#abc}", `1: "abc" is not a number`, 0},
		{"numerical backwards range", "Q {#5..1}", "1: runs backwards", 0},
		{"numerical negative tolerance", "Q {#5:-1}", "1: negative", 0},
		{"numerical infinity", "Q {#1e999}", "1: is not a number", 0},
		{"invalid UTF-8", "Q \xff {T}\n\nGood {T}", "1: not valid UTF-8", 1},
		{
			name:   "the rest is still parsed",
			src:    "Good one {T}\n\nBad {=a\n\nAlso good {F}\n\nQ {~%200%x =y}\n\n::Last::Fine {=a ~b}",
			errors: "3: is not closed | 7: outside -100%..100%",
			kept:   3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ParseGIFT(tt.src)
			var got []string
			for _, e := range p.Errors {
				got = append(got, e.Message)
			}
			wants := strings.Split(tt.errors, " | ")
			if len(p.Errors) != len(wants) {
				t.Fatalf("errors = %+v, want %d: %s", p.Errors, len(wants), tt.errors)
			}
			// Errors are sorted by line; compare as a set of (line, fragment).
			for _, w := range wants {
				line, frag, _ := strings.Cut(w, ": ")
				found := false
				for _, e := range p.Errors {
					if itoaLine(e.Line) == line && strings.Contains(e.Message, frag) {
						found = true
					}
				}
				if !found {
					t.Fatalf("no error %q in %+v", w, p.Errors)
				}
			}
			if got, want := len(p.Questions), tt.kept; got != want {
				t.Fatalf("questions kept = %d, want %d", got, want)
			}
		})
	}
}

func itoaLine(n int) string { return strconv.Itoa(n) }

func TestParseGIFTGradedTypes(t *testing.T) {
	src := "A {=a ~b}\n\nB {~%50%a ~%50%b}\n\nC {T}\n\nD {=a -> b =c -> d}\n\nE {=a}\n\nF {#1}\n\nG {}\n\nH"
	want := map[GIFTType]bool{
		GIFTMultichoice: true, GIFTTrueFalse: true, GIFTMatching: true,
		GIFTShortAnswer: false, GIFTNumerical: false, GIFTEssay: false, GIFTDescription: false,
	}
	p := ParseGIFT(src)
	if got, want := len(p.Questions), 8; got != want {
		t.Fatalf("questions = %d, want %d (%+v)", got, want, p.Errors)
	}
	for _, q := range p.Questions {
		if got, want := q.Graded, want[q.Type]; got != want {
			t.Errorf("%s graded = %v, want %v", q.Type, got, want)
		}
		if !q.Graded && q.NotGraded == "" {
			t.Errorf("%s is not graded but says nothing about it", q.Type)
		}
	}
}

// The preview's JSON is an API contract: pin its keys.
func TestGIFTPreviewJSON(t *testing.T) {
	p := ParseGIFT("// [id:x]\n::T::Q {=a#yes ~b}")
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if got, want := keys(doc), "errors,questions"; got != want {
		t.Fatalf("top-level keys = %s, want %s", got, want)
	}
	q := doc["questions"].([]any)[0].(map[string]any)
	for _, k := range []string{"type", "title", "id", "tags", "category", "stem", "options", "pairs", "general_feedback"} {
		if _, ok := q[k]; !ok {
			t.Fatalf("question has no %q: %s", k, data)
		}
	}
	if got, want := keys(q["stem"].(map[string]any)), "format,text"; got != want {
		t.Fatalf("stem keys = %s, want %s", got, want)
	}
	if got, want := keys(q["options"].([]any)[0].(map[string]any)), "feedback,format,fraction,text"; got != want {
		t.Fatalf("option keys = %s, want %s", got, want)
	}
	if q["pairs"] == nil || q["tags"] == nil {
		t.Fatalf("empty lists must be [], not null: %s", data)
	}
	empty, _ := json.Marshal(ParseGIFT(""))
	if got, want := string(empty), `{"questions":[],"errors":[]}`; got != want {
		t.Fatalf("empty preview = %s, want %s", got, want)
	}
}

func keys(m map[string]any) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}
