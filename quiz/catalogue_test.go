package quiz

import (
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"
)

const defaultCataloguePath = "../content/catalogue/indicators.yaml"

var (
	defaultCatalogueOnce sync.Once
	defaultCatalogue     *Catalogue
	defaultCatalogueErr  error
)

// loadDefaultCatalogue parses the platform's catalogue from disk once per test binary: the quiz
// package may not import content (content imports quiz).
func loadDefaultCatalogue(tb testing.TB) *Catalogue {
	tb.Helper()
	defaultCatalogueOnce.Do(func() {
		data, err := os.ReadFile(defaultCataloguePath)
		if err != nil {
			defaultCatalogueErr = err
			return
		}
		defaultCatalogue, defaultCatalogueErr = ParseCatalogue(data)
	})
	if defaultCatalogueErr != nil {
		tb.Fatalf("default catalogue: %v", defaultCatalogueErr)
	}
	return defaultCatalogue
}

// sheetStrengths is the domain sheet's Tier A table (adult labour, child labour), typed in
// independently of the YAML so the two can be checked against each other.
var sheetStrengths = map[string][2]Strength{
	"REC-DEC-JOBNATURE": {Strong, Strong}, "REC-DEC-WAGES": {Medium, Medium},
	"REC-DEC-CONDITIONS": {Medium, Medium}, "REC-DEC-CONTRACT": {Medium, Medium},
	"REC-DEC-DOCS": {Medium, Medium}, "REC-DEC-TRAVEL": {Medium, Medium},
	"REC-DEC-FAMILY": {Medium, Medium}, "REC-DEC-EDUCATION": {Weak, Strong},

	"REC-COE-VIOLENCE": {Strong, Strong}, "REC-COE-THREATS": {Medium, Strong},
	"REC-COE-ABDUCTSALE": {Medium, Strong}, "REC-COE-DEBT": {Medium, Strong},
	"REC-COE-DOCS": {Medium, Medium}, "REC-COE-ISOLATION": {Medium, Medium},
	"REC-COE-THREAT-REPORT": {Medium, Medium}, "REC-COE-FAMILYHARM": {Medium, Medium},
	"REC-COE-WITHHOLDMONEY": {Medium, Medium},

	"REC-VUL-FAMILY": {Medium, Medium}, "REC-VUL-STATUS": {Medium, Medium},
	"REC-VUL-LANGEDU": {Medium, Medium}, "REC-VUL-INFO": {Medium, Medium},
	"REC-VUL-ECONOMIC": {Medium, Medium}, "REC-VUL-EMOTIONAL": {Medium, Medium},
	"REC-VUL-PERSONAL": {Medium, Medium}, "REC-VUL-PAST": {Medium, Medium},
	"REC-VUL-CULTURE-CONTEXT": {Weak, Medium},

	"EXP-HOURS": {Strong, Strong}, "EXP-PAY": {Medium, Medium}, "EXP-WAGEMANIP": {Medium, Medium},
	"EXP-LIVING": {Medium, Medium}, "EXP-WORKCOND": {Medium, Medium}, "EXP-HAZARD": {Medium, Medium},
	"EXP-NORIGHTS": {Medium, Medium}, "EXP-NOEDUCATION": {Weak, Medium},

	"COE-DOCS": {Strong, Strong}, "COE-DEBT": {Strong, Strong}, "COE-ISOLATION": {Strong, Strong},
	"COE-VIOLENCE": {Strong, Strong}, "COE-THREATS": {Medium, Strong}, "COE-CRIMINAL": {Medium, Strong},
	"COE-TASKS": {Medium, Strong}, "COE-INFLUENCE": {Medium, Strong}, "COE-LIE": {Medium, Medium},
	"COE-THREAT-REPORT": {Medium, Medium}, "COE-THREAT-WORSE": {Medium, Medium},
	"COE-FAMILYHARM": {Medium, Medium}, "COE-WITHHOLDWAGES": {Medium, Medium},
	"COE-THREAT-EXPOSE": {Weak, Medium},

	"DST-VUL-DEPENDENCY": {Medium, Medium}, "DST-VUL-UNFAMILIAR": {Medium, Medium},
	"DST-VUL-ECONFAMILY": {Medium, Medium}, "DST-VUL-STATUS": {Medium, Medium},
	"DST-VUL-PAST": {Weak, Medium}, "DST-VUL-PERSONAL": {Weak, Medium},
}

func TestDefaultCatalogueMatchesSheet(t *testing.T) {
	cat := loadDefaultCatalogue(t)
	if got, want := len(cat.Dimensions), 6; got != want {
		t.Fatalf("dimensions = %d, want %d", got, want)
	}
	if got, want := len(cat.Indicators), len(sheetStrengths); got != want {
		t.Fatalf("indicators = %d, want %d", got, want)
	}
	if got, want := len(cat.Signs), 18; got != want {
		t.Fatalf("signs = %d, want %d", got, want)
	}
	// The sexual lists differ from the labour columns only where the sheet says so.
	sexual := map[List]map[string]Strength{
		AdultSexual: {"EXP-HOURS": Medium, "COE-TASKS": Strong},
		ChildSexual: {"EXP-HAZARD": Strong, "COE-TASKS": Strong},
	}
	for code, sheet := range sheetStrengths {
		ind, ok := cat.Indicator(code)
		if !ok {
			t.Fatalf("indicator %s missing", code)
		}
		want := map[List]Strength{AdultLabour: sheet[0], AdultSexual: sheet[0], ChildLabour: sheet[1], ChildSexual: sheet[1]}
		for list, diff := range sexual {
			if s, ok := diff[code]; ok {
				want[list] = s
			}
		}
		for list, w := range want {
			if got := ind.Strength[list]; got != w {
				t.Errorf("%s strength in %s = %q, want %q", code, list, got, w)
			}
		}
		if got, want := ind.Dimension, "D"+dimensionDigit(code); got != want {
			t.Errorf("%s dimension = %s, want %s", code, got, want)
		}
	}
}

// dimensionDigit derives the dimension from the sheet's code prefixes.
func dimensionDigit(code string) string {
	switch {
	case strings.HasPrefix(code, "REC-DEC-"):
		return "1"
	case strings.HasPrefix(code, "REC-COE-"):
		return "2"
	case strings.HasPrefix(code, "REC-VUL-"):
		return "3"
	case strings.HasPrefix(code, "EXP-"):
		return "4"
	case strings.HasPrefix(code, "COE-"):
		return "5"
	}
	return "6"
}

func TestDefaultCatalogueReviewStatus(t *testing.T) {
	cat := loadDefaultCatalogue(t)
	var pending []string
	for _, ind := range cat.Indicators {
		if ind.Review == Pending {
			pending = append(pending, ind.Code)
		}
	}
	if got, want := strings.Join(pending, ","), "REC-VUL-PAST"; got != want {
		t.Fatalf("pending indicators = %s, want %s", got, want)
	}
	if got, want := cat.Rule.Dimension.Review, Pending; got != want {
		t.Fatalf("dimension rule review = %s, want %s", got, want)
	}
	if got, want := cat.Rule.Case.Review, Pending; got != want {
		t.Fatalf("case rule review = %s, want %s", got, want)
	}
	for _, code := range []string{"OBS-TCH-CHANGE", "OBS-JUD-VULNWITNESS"} {
		s, _ := cat.Sign(code)
		if s.Kind == SignEvidence || len(s.MapsTo) != 0 {
			t.Fatalf("%s kind = %s maps_to = %v, want a non-evidence sign mapping to none", code, s.Kind, s.MapsTo)
		}
	}
}

// Serbian is stored in Cyrillic only; Latin is derived, so a stray Latin letter would be shown
// untransliterated.
func TestDefaultCatalogueSerbianIsCyrillic(t *testing.T) {
	cat := loadDefaultCatalogue(t)
	check := func(where string, tx Text) {
		t.Helper()
		for _, r := range tx.SR {
			if unicode.Is(unicode.Latin, r) {
				t.Errorf("%s: Serbian text has Latin letter %q: %s", where, r, tx.SR)
				return
			}
		}
	}
	for _, l := range cat.Lists {
		check(string(l.Code), l.Name)
	}
	for _, d := range cat.Dimensions {
		check(d.Code, d.Name)
		check(d.Code, d.Explanation)
	}
	for _, i := range cat.Indicators {
		check(i.Code, i.Name)
		check(i.Code, i.Explanation)
	}
	for _, s := range cat.Signs {
		check(s.Code, s.Name)
		check(s.Code, s.Explanation)
	}
	for _, th := range cat.Rule.Dimension.Thresholds {
		check("threshold", th.Label)
	}
}

const minimalCatalogue = `format: 1
lists:
  - code: adult-labour
    age_group: adult
    name: {sr: "Одрасли", en: "Adults"}
dimensions:
  - code: D1
    role: recruitment
    name: {sr: "Врбовање", en: "Recruitment"}
    explanation: {sr: "Објашњење", en: "Explanation"}
  - code: D4
    role: exploitation
    name: {sr: "Услови", en: "Conditions"}
    explanation: {sr: "Објашњење", en: "Explanation"}
  - code: D5
    role: destination
    name: {sr: "Принуда", en: "Coercion"}
    explanation: {sr: "Објашњење", en: "Explanation"}
indicators:
  - code: A1
    dimension: D1
    name: {sr: "А", en: "A"}
    explanation: {sr: "А", en: "A"}
    strength: {adult-labour: strong}
    source: "test"
    review: reviewed
  - code: B1
    dimension: D4
    name: {sr: "Б", en: "B"}
    explanation: {sr: "Б", en: "B"}
    strength: {adult-labour: strong}
    source: "test"
    review: reviewed
  - code: C1
    dimension: D5
    name: {sr: "Ц", en: "C"}
    explanation: {sr: "Ц", en: "C"}
    strength: {adult-labour: strong}
    source: "test"
    review: reviewed
signs:
  - code: S1
    kind: evidence
    name: {sr: "З", en: "S"}
    explanation: {sr: "З", en: "S"}
    professions: [police]
    maps_to: [A1]
    source: "test"
    review: reviewed
rule:
  dimension:
    source: "test"
    review: pending
    thresholds:
      - label: {sr: "1 јак", en: "1 strong"}
        slots: [[strong]]
  case:
    source: "test"
    review: pending
    age_groups:
      - age_group: adult
        outcomes:
          - outcome: trafficking
            all_of: [{role: recruitment}, {dimensions: [D4]}, {role: destination}]
`

func TestParseMinimalCatalogue(t *testing.T) {
	cat, err := ParseCatalogue([]byte(minimalCatalogue))
	if err != nil {
		t.Fatalf("ParseCatalogue: %v", err)
	}
	a, err := Assess(cat, AdultLabour, []string{"S1", "B1", "C1"})
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	if got, want := a.Outcome, OutcomeTrafficking; got != want {
		t.Fatalf("outcome = %s, want %s", got, want)
	}
}

// nthLineOf is the 1-based number of the nth line containing s.
func nthLineOf(t *testing.T, text, s string, nth int) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			if nth--; nth == 0 {
				return i + 1
			}
		}
	}
	t.Fatalf("%q not in text", s)
	return 0
}

func TestParseCatalogueProblems(t *testing.T) {
	type wantProblem struct {
		marker  string // the problem's line is the nth line containing marker
		nth     int
		message string // substring of the message
	}
	tests := []struct {
		name  string
		edits [][2]string // replacements applied to minimalCatalogue, each matching exactly once
		want  []wantProblem
	}{
		{
			name:  "unknown field",
			edits: [][2]string{{"  - code: B1\n", "  - code: B1\n    colour: red\n"}},
			want:  []wantProblem{{"colour: red", 1, "field colour not found"}},
		},
		{
			name:  "duplicate code",
			edits: [][2]string{{"code: B1", "code: A1"}},
			want:  []wantProblem{{"code: A1", 2, `duplicate indicator code "A1"`}},
		},
		{
			name:  "sign code clashes with an indicator",
			edits: [][2]string{{"code: S1", "code: C1"}},
			want:  []wantProblem{{"code: C1", 2, `sign code "C1" is already an indicator code`}},
		},
		{
			name:  "unknown dimension",
			edits: [][2]string{{"dimension: D4", "dimension: D9"}},
			want:  []wantProblem{{"dimension: D9", 1, `unknown dimension "D9"`}},
		},
		{
			name:  "sign maps to unknown indicator",
			edits: [][2]string{{"maps_to: [A1]", "maps_to: [A1, ZZ]"}},
			want:  []wantProblem{{"maps_to: [A1, ZZ]", 1, `maps to unknown indicator "ZZ"`}},
		},
		{
			name:  "missing strength for a list",
			edits: [][2]string{{"lists:\n", "lists:\n  - code: child-labour\n    age_group: adult\n    name: {sr: \"Деца\", en: \"Children\"}\n"}},
			want: []wantProblem{
				{"strength: {adult-labour: strong}", 1, `missing strength for list "child-labour"`},
				{"strength: {adult-labour: strong}", 2, `missing strength for list "child-labour"`},
				{"strength: {adult-labour: strong}", 3, `missing strength for list "child-labour"`},
			},
		},
		{
			name:  "bad strength value",
			edits: [][2]string{{"strength: {adult-labour: strong}\n    source: \"test\"\n    review: reviewed\n  - code: B1", "strength: {adult-labour: mighty}\n    source: \"test\"\n    review: reviewed\n  - code: B1"}},
			want:  []wantProblem{{"mighty", 1, `not "mighty"`}},
		},
		{
			name:  "missing translation",
			edits: [][2]string{{`name: {sr: "Б", en: "B"}`, `name: {sr: "", en: "B"}`}},
			want:  []wantProblem{{`name: {sr: "", en: "B"}`, 1, "missing Serbian (sr) text"}},
		},
		{
			name:  "supporting sign with a mapping",
			edits: [][2]string{{"kind: evidence", "kind: supporting"}},
			want:  []wantProblem{{"maps_to: [A1]", 1, "a supporting sign maps to no indicator"}},
		},
		{
			name:  "bad review status",
			edits: [][2]string{{"review: pending\n    thresholds", "review: maybe\n    thresholds"}},
			want:  []wantProblem{{"review: maybe", 1, `review must be "reviewed" or "pending", not "maybe"`}},
		},
		{
			name:  "case rule names an unknown dimension",
			edits: [][2]string{{"{dimensions: [D4]}", "{dimensions: [D7]}"}},
			want:  []wantProblem{{"all_of:", 1, `unknown dimension "D7"`}},
		},
		{
			name: "every problem at once",
			edits: [][2]string{
				{"code: B1", "code: A1"},
				{"dimension: D5", "dimension: D9"},
				{"maps_to: [A1]", "maps_to: [ZZ]"},
			},
			want: []wantProblem{
				{"code: A1", 2, `duplicate indicator code "A1"`},
				{"dimension: D9", 1, `unknown dimension "D9"`},
				{"maps_to: [ZZ]", 1, `maps to unknown indicator "ZZ"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := minimalCatalogue
			for _, e := range tt.edits {
				if strings.Count(text, e[0]) != 1 {
					t.Fatalf("edit %q does not match exactly once", e[0])
				}
				text = strings.Replace(text, e[0], e[1], 1)
			}
			_, err := ParseCatalogue([]byte(text))
			var ce *CatalogueError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CatalogueError", err)
			}
			if got, want := len(ce.Problems), len(tt.want); got != want {
				t.Fatalf("problems = %d, want %d:\n%v", got, want, err)
			}
			for i, w := range tt.want {
				p := ce.Problems[i]
				if !strings.Contains(p.Message, w.message) {
					t.Errorf("problem %d = %q, want it to contain %q", i, p.Message, w.message)
				}
				if got, want := p.Line, nthLineOf(t, text, w.marker, w.nth); got != want {
					t.Errorf("problem %d %q at line %d, want %d", i, p.Message, got, want)
				}
			}
		})
	}
}

func TestParseCatalogueMalformed(t *testing.T) {
	tests := []struct {
		name, text, want string
		line             int
	}{
		{"empty", "", "the catalogue is empty", 0},
		{"syntax error", "format: 1\nlists: [\n  - a\n", "did not find expected", 2},
		{"two documents", minimalCatalogue + "---\nformat: 1\n", "only one YAML document", 0},
		{"wrong type", "format: one\n", "cannot unmarshal", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCatalogue([]byte(tt.text))
			var ce *CatalogueError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CatalogueError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if tt.line > 0 && ce.Problems[0].Line != tt.line {
				t.Fatalf("line = %d, want %d", ce.Problems[0].Line, tt.line)
			}
		})
	}
}

func TestValidateBuiltInGo(t *testing.T) {
	cat := &Catalogue{Format: 1}
	if _, err := Assess(cat, AdultLabour, nil); !errors.Is(err, ErrCatalogueNotValidated) {
		t.Fatalf("Assess on unvalidated catalogue: err = %v, want ErrCatalogueNotValidated", err)
	}
	err := cat.Validate()
	var ce *CatalogueError
	if !errors.As(err, &ce) {
		t.Fatalf("Validate of an empty catalogue: err = %v, want *CatalogueError", err)
	}
	for _, p := range ce.Problems {
		if p.Line != 0 {
			t.Fatalf("problem %v has a line, want 0 for a catalogue built in Go", p)
		}
	}
}
