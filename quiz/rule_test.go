package quiz

import (
	"errors"
	"strings"
	"testing"
)

// domainScenarios are the ten scenario sketches of the domain sheet, with the present codes,
// list, positive dimensions and outcome exactly as the sheet states them.
var domainScenarios = []struct {
	name     string
	list     List
	present  []string
	positive string // comma-separated dimension codes
	outcome  Outcome
}{
	{
		name: "1 labour inspector, migrant construction workers",
		list: AdultLabour,
		present: []string{"REC-DEC-WAGES", "REC-DEC-CONDITIONS", "REC-DEC-CONTRACT", "REC-COE-DEBT",
			"EXP-LIVING", "EXP-WAGEMANIP", "EXP-NORIGHTS", "COE-DOCS", "COE-DEBT", "COE-WITHHOLDWAGES",
			"DST-VUL-DEPENDENCY", "DST-VUL-UNFAMILIAR", "DST-VUL-STATUS"},
		positive: "D1,D4,D5,D6",
		outcome:  OutcomeTrafficking,
	},
	{
		name:     "2 labour inspector, car wash control case",
		list:     AdultLabour,
		present:  []string{"EXP-HOURS", "EXP-PAY", "EXP-NORIGHTS", "REC-VUL-ECONOMIC", "DST-VUL-ECONFAMILY"},
		positive: "D4",
		outcome:  OutcomeExploitation,
	},
	{
		name: "3 police, girl of 16, internal sexual exploitation",
		list: ChildSexual,
		present: []string{"REC-DEC-FAMILY", "REC-VUL-EMOTIONAL", "REC-VUL-FAMILY", "REC-VUL-PERSONAL",
			"EXP-PAY", "EXP-HOURS", "COE-DOCS", "COE-ISOLATION", "COE-DEBT", "COE-TASKS", "OBS-POL-SETTING"},
		positive: "D3,D4,D5",
		outcome:  OutcomeTrafficking,
	},
	{
		name: "4 police, boy of 13, forced criminality",
		list: ChildLabour,
		present: []string{"COE-CRIMINAL", "COE-TASKS", "COE-VIOLENCE", "EXP-HOURS", "EXP-NOEDUCATION",
			"REC-VUL-FAMILY", "REC-VUL-ECONOMIC", "OBS-POL-OFFENDER", "OBS-SW-CHILDBEG"},
		positive: "D4,D5",
		outcome:  OutcomeTrafficking,
	},
	{
		name: "5 doctor, woman of 21 with a minder",
		list: AdultSexual,
		present: []string{"OBS-MED-MINDER", "OBS-MED-INJURY", "OBS-MED-SEXHEALTH", "COE-DOCS",
			"COE-ISOLATION", "COE-VIOLENCE", "DST-VUL-UNFAMILIAR"},
		positive: "D5",
		outcome:  OutcomeInsufficient,
	},
	{
		name: "6 doctor, live-in housekeeper",
		list: AdultLabour,
		present: []string{"REC-DEC-WAGES", "REC-DEC-CONDITIONS", "REC-DEC-DOCS", "REC-COE-DEBT",
			"EXP-HOURS", "EXP-LIVING", "COE-DOCS", "COE-DEBT", "COE-WITHHOLDWAGES", "DST-VUL-DEPENDENCY",
			"DST-VUL-STATUS", "DST-VUL-UNFAMILIAR", "OBS-MED-MINDER", "OBS-MED-OCCUP", "OBS-MED-NEGLECT"},
		positive: "D1,D4,D5,D6",
		outcome:  OutcomeTrafficking,
	},
	{
		name: "7 teacher, girl of 14 groomed online",
		list: ChildSexual,
		present: []string{"OBS-TCH-ATTEND", "OBS-TCH-OLDERPARTNER", "OBS-TCH-CHANGE", "REC-VUL-EMOTIONAL",
			"REC-DEC-FAMILY", "COE-DEBT", "COE-TASKS"},
		positive: "D5",
		outcome:  OutcomeTrafficking,
	},
	{
		name: "8 teacher, girl of 13, imminent forced marriage",
		list: ChildLabour,
		present: []string{"REC-COE-ABDUCTSALE", "REC-VUL-FAMILY", "REC-VUL-ECONOMIC", "REC-VUL-CULTURE-CONTEXT",
			"EXP-NOEDUCATION", "OBS-TCH-FAMILY", "OBS-TCH-ATTEND"},
		positive: "D3",
		outcome:  OutcomeInsufficient,
	},
	{
		name: "9 judge, adult witness under art. 388",
		list: AdultSexual,
		present: []string{"REC-DEC-JOBNATURE", "REC-DEC-WAGES", "COE-DOCS", "COE-DEBT", "COE-FAMILYHARM",
			"COE-THREAT-EXPOSE", "EXP-PAY", "EXP-WAGEMANIP", "EXP-HOURS", "OBS-JUD-INTIMIDATION", "OBS-JUD-VULNWITNESS"},
		positive: "D1,D4,D5",
		outcome:  OutcomeTrafficking,
	},
	{
		name: "10 misdemeanour judge, woman of 19 charged with prostitution",
		list: AdultSexual,
		present: []string{"REC-DEC-JOBNATURE", "REC-DEC-WAGES", "REC-VUL-PAST", "REC-VUL-FAMILY", "EXP-PAY",
			"EXP-WAGEMANIP", "EXP-HOURS", "COE-ISOLATION", "COE-DEBT", "COE-WITHHOLDWAGES", "OBS-POL-OFFENDER"},
		positive: "D1,D4,D5",
		outcome:  OutcomeTrafficking,
	},
}

func positiveCodes(a Assessment) string {
	var codes []string
	for _, d := range a.Dimensions {
		if d.Positive {
			codes = append(codes, d.Code)
		}
	}
	return strings.Join(codes, ",")
}

func TestAssessDomainScenarios(t *testing.T) {
	cat := loadDefaultCatalogue(t)
	for _, sc := range domainScenarios {
		t.Run(sc.name, func(t *testing.T) {
			a, err := Assess(cat, sc.list, sc.present)
			if err != nil {
				t.Fatalf("Assess: %v", err)
			}
			if got, want := positiveCodes(a), sc.positive; got != want {
				for _, d := range a.Dimensions {
					t.Log(d.Reason.Text)
				}
				t.Fatalf("positive dimensions = %s, want %s", got, want)
			}
			if got, want := a.Outcome, sc.outcome; got != want {
				t.Fatalf("outcome = %s, want %s (%s)", got, want, a.Explanation.Text)
			}
			if got, want := a.Explanation.Key, "case."+string(sc.outcome); got != want {
				t.Fatalf("explanation key = %s, want %s", got, want)
			}
			for _, d := range a.Dimensions {
				if d.Reason.Text == "" || d.Reason.Key == "" {
					t.Fatalf("dimension %s has no reason", d.Code)
				}
			}
		})
	}
}

func TestAssessExplanations(t *testing.T) {
	cat := loadDefaultCatalogue(t)
	tests := []struct {
		name    string
		list    List
		present []string
		dim     string // a dimension whose reason text is checked; "" checks only the case text
		dimText string
		text    string
	}{
		{
			name:    "exploitation says what trafficking lacks",
			list:    AdultLabour,
			present: domainScenarios[1].present,
			dim:     "D4",
			dimText: "D4 is positive: EXP-HOURS (strong) and EXP-PAY (medium) meet “1 strong + 1 medium or weak”.",
			text: "Exploitation under the adult rule: D4 is positive. " +
				"Trafficking would also need a recruitment dimension and a destination dimension.",
		},
		{
			name:    "insufficient is not the same as no concern",
			list:    ChildLabour,
			present: domainScenarios[7].present,
			dim:     "D2",
			dimText: "D2 is not positive: REC-COE-ABDUCTSALE (strong) meets none of the thresholds " +
				"(2 strong; 1 strong + 1 medium or weak; 3 medium; 2 medium + 1 weak).",
			text: "Insufficient to classify under the child rule: only D3 is positive. " +
				"Trafficking would need D4 or D5. Exploitation would need D4. " +
				"Not enough to classify is not the same as no concern: a positive dimension is already reasonable grounds to refer.",
		},
		{
			name:    "trafficking names the dimensions behind each part",
			list:    AdultLabour,
			present: domainScenarios[0].present,
			dim:     "D6",
			dimText: "D6 is positive: DST-VUL-DEPENDENCY (medium), DST-VUL-UNFAMILIAR (medium) and DST-VUL-STATUS (medium) meet “3 medium”.",
			text:    "Trafficking under the adult rule: a recruitment dimension (D1), D4 and a destination dimension (D5, D6) are positive.",
		},
		{
			name:    "nothing present",
			list:    AdultSexual,
			present: nil,
			dim:     "D1",
			dimText: "D1 is not positive: none of its indicators is present.",
			text: "Insufficient to classify under the adult rule: no dimension is positive. " +
				"Trafficking would need a recruitment dimension, D4 and a destination dimension. Exploitation would need D4.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Assess(cat, tt.list, tt.present)
			if err != nil {
				t.Fatalf("Assess: %v", err)
			}
			if got, want := a.Explanation.Text, tt.text; got != want {
				t.Fatalf("explanation =\n%s\nwant\n%s", got, want)
			}
			for _, d := range a.Dimensions {
				if d.Code == tt.dim {
					if got, want := d.Reason.Text, tt.dimText; got != want {
						t.Fatalf("%s reason =\n%s\nwant\n%s", d.Code, got, want)
					}
				}
			}
		})
	}
}

func TestAssessEdgeCases(t *testing.T) {
	cat := loadDefaultCatalogue(t)

	t.Run("empty", func(t *testing.T) {
		a, err := Assess(cat, AdultLabour, nil)
		if err != nil {
			t.Fatalf("Assess: %v", err)
		}
		if got, want := a.Outcome, OutcomeInsufficient; got != want {
			t.Fatalf("outcome = %s, want %s", got, want)
		}
		if got, want := len(a.Dimensions), 6; got != want {
			t.Fatalf("dimensions = %d, want %d", got, want)
		}
		if got, want := positiveCodes(a), ""; got != want {
			t.Fatalf("positive = %q, want none", got)
		}
	})

	t.Run("unknown codes are all named", func(t *testing.T) {
		_, err := Assess(cat, AdultLabour, []string{"COE-DOCS", "NOPE", "coe-debt", "NOPE", "D5"})
		var ue *UnknownCodesError
		if !errors.As(err, &ue) {
			t.Fatalf("err = %v, want *UnknownCodesError", err)
		}
		if got, want := strings.Join(ue.Codes, ","), "NOPE,coe-debt,D5"; got != want {
			t.Fatalf("unknown codes = %s, want %s", got, want)
		}
	})

	t.Run("unknown list", func(t *testing.T) {
		_, err := Assess(cat, List("adult-organ"), []string{"COE-DOCS"})
		var le *UnknownListError
		if !errors.As(err, &le) {
			t.Fatalf("err = %v, want *UnknownListError", err)
		}
	})

	// COE-VIOLENCE given and evidenced by a sign is still one strong indicator, and one strong
	// alone never makes a dimension positive; counted twice it would pass "2 strong".
	t.Run("sign and its indicator counted once", func(t *testing.T) {
		a, err := Assess(cat, AdultLabour, []string{"COE-VIOLENCE", "OBS-MED-INJURY", "COE-VIOLENCE"})
		if err != nil {
			t.Fatalf("Assess: %v", err)
		}
		if got, want := positiveCodes(a), ""; got != want {
			t.Fatalf("positive = %s, want none", got)
		}
		if got, want := len(a.Counted), 1; got != want {
			t.Fatalf("counted = %d, want %d", got, want)
		}
		c := a.Counted[0]
		if !c.Direct || strings.Join(c.Via, ",") != "OBS-MED-INJURY" {
			t.Fatalf("counted = %+v, want direct and via OBS-MED-INJURY", c)
		}
	})

	t.Run("two signs for one indicator counted once", func(t *testing.T) {
		// OBS-MED-MINDER and OBS-POL-SETTING both point to COE-ISOLATION (strong); with
		// COE-INFLUENCE (medium) and COE-TASKS (medium) that is 1 strong + 1 medium.
		a, err := Assess(cat, AdultLabour, []string{"OBS-MED-MINDER", "OBS-POL-SETTING"})
		if err != nil {
			t.Fatalf("Assess: %v", err)
		}
		var isolation int
		for _, c := range a.Counted {
			if c.Code == "COE-ISOLATION" {
				isolation++
				if got, want := strings.Join(c.Via, ","), "OBS-MED-MINDER,OBS-POL-SETTING"; got != want {
					t.Fatalf("via = %s, want %s", got, want)
				}
			}
		}
		if isolation != 1 {
			t.Fatalf("COE-ISOLATION counted %d times, want 1", isolation)
		}
	})

	t.Run("supporting and procedural signs are noted, not weighed", func(t *testing.T) {
		a, err := Assess(cat, AdultSexual, []string{"OBS-TCH-CHANGE", "OBS-JUD-VULNWITNESS"})
		if err != nil {
			t.Fatalf("Assess: %v", err)
		}
		if got, want := strings.Join(a.Uncounted, ","), "OBS-TCH-CHANGE,OBS-JUD-VULNWITNESS"; got != want {
			t.Fatalf("uncounted = %s, want %s", got, want)
		}
		if len(a.Counted) != 0 {
			t.Fatalf("counted = %v, want none", a.Counted)
		}
	})

	// The same facts weigh differently for a child: no means are needed, and strengths differ.
	t.Run("child versus adult", func(t *testing.T) {
		present := []string{"COE-DOCS", "COE-DEBT"}
		for _, tt := range []struct {
			list    List
			outcome Outcome
		}{
			{AdultLabour, OutcomeInsufficient},
			{AdultSexual, OutcomeInsufficient},
			{ChildLabour, OutcomeTrafficking},
			{ChildSexual, OutcomeTrafficking},
		} {
			a, err := Assess(cat, tt.list, present)
			if err != nil {
				t.Fatalf("Assess: %v", err)
			}
			if got, want := a.Outcome, tt.outcome; got != want {
				t.Fatalf("%s: outcome = %s, want %s", tt.list, got, want)
			}
		}
		// COE-THREATS + COE-CRIMINAL: two medium for an adult, two strong for a child.
		for list, want := range map[List]string{AdultLabour: "", ChildLabour: "D5"} {
			a, err := Assess(cat, list, []string{"COE-THREATS", "COE-CRIMINAL"})
			if err != nil {
				t.Fatalf("Assess: %v", err)
			}
			if got := positiveCodes(a); got != want {
				t.Fatalf("%s: positive = %q, want %q", list, got, want)
			}
		}
	})
}

func TestDimensionThresholds(t *testing.T) {
	cat := loadDefaultCatalogue(t)
	ind := func(strengths ...Strength) []CountedIndicator {
		out := make([]CountedIndicator, len(strengths))
		for i, s := range strengths {
			out[i] = CountedIndicator{Code: string(s) + itoaTest(i), Strength: s}
		}
		return out
	}
	tests := []struct {
		name     string
		present  []CountedIndicator
		positive bool
		label    string
	}{
		{"nothing", ind(), false, ""},
		{"one strong alone", ind(Strong), false, ""},
		{"two medium alone", ind(Medium, Medium), false, ""},
		{"weak alone", ind(Weak), false, ""},
		{"any number of weak", ind(Weak, Weak, Weak, Weak, Weak), false, ""},
		{"medium and weak", ind(Medium, Weak), false, ""},
		{"one medium, three weak", ind(Medium, Weak, Weak, Weak), false, ""},
		{"2 strong", ind(Strong, Strong), true, "2 strong"},
		{"1 strong + 1 medium", ind(Strong, Medium), true, "1 strong + 1 medium or weak"},
		{"1 strong + 1 weak", ind(Weak, Strong), true, "1 strong + 1 medium or weak"},
		{"3 medium", ind(Medium, Medium, Medium), true, "3 medium"},
		{"2 medium + 1 weak", ind(Medium, Weak, Medium), true, "2 medium + 1 weak"},
		{"first threshold in catalogue order wins", ind(Strong, Strong, Medium), true, "2 strong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cat.assessDimension(Dimension{Code: "DX"}, tt.present)
			if got, want := r.Positive, tt.positive; got != want {
				t.Fatalf("positive = %v, want %v (%s)", got, want, r.Reason.Text)
			}
			label := ""
			if r.Threshold != nil {
				label = r.Threshold.EN
			}
			if got, want := label, tt.label; got != want {
				t.Fatalf("threshold = %q, want %q", got, want)
			}
			if r.Positive && len(r.Met) != len(cat.Rule.Dimension.Thresholds[thresholdIndex(cat, label)].Slots) {
				t.Fatalf("met = %v, want one indicator per slot", r.Met)
			}
		})
	}
}

func thresholdIndex(cat *Catalogue, label string) int {
	for i, t := range cat.Rule.Dimension.Thresholds {
		if t.Label.EN == label {
			return i
		}
	}
	return -1
}

func itoaTest(i int) string { return string(rune('0' + i)) }

// The rule is data: a changed threshold or case rule changes the verdict without code.
func TestAssessFollowsTheData(t *testing.T) {
	base := loadDefaultCatalogue(t)
	cat := *base
	cat.Rule.Dimension.Thresholds = []Threshold{{Label: Text{SR: "1 средњи", EN: "1 medium"}, Slots: [][]Strength{{Medium}}}}
	cat.Rule.Case.AgeGroups = []AgeGroupRule{
		{AgeGroup: Adult, Outcomes: []OutcomeRule{{Outcome: OutcomeTrafficking, AllOf: []DimensionGroup{{Role: RoleDestination}}}}},
		{AgeGroup: Child, Outcomes: []OutcomeRule{{Outcome: OutcomeExploitation, AllOf: []DimensionGroup{{Dimensions: []string{"D4"}}}}}},
	}
	if err := cat.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	a, err := Assess(&cat, AdultLabour, []string{"DST-VUL-STATUS"})
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	if got, want := positiveCodes(a)+" "+string(a.Outcome), "D6 trafficking"; got != want {
		t.Fatalf("verdict = %s, want %s", got, want)
	}
	a, err = Assess(&cat, ChildLabour, []string{"EXP-PAY"})
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	if got, want := a.Outcome, OutcomeExploitation; got != want {
		t.Fatalf("outcome = %s, want %s", got, want)
	}
}
