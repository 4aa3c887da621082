package quiz

import (
	"errors"
	"strings"
	"testing"
)

func TestGradeCaseAssessment(t *testing.T) {
	cat := loadDefaultCatalogue(t)
	carWash := CaseAssessmentQuestion{List: AdultLabour, Present: domainScenarios[1].present} // exploitation, D4
	tests := []struct {
		name     string
		q        CaseAssessmentQuestion
		r        CaseAssessmentResponse
		fraction float64
		correct  string // dimensions judged right
	}{
		{
			name:     "right outcome and dimensions",
			q:        carWash,
			r:        CaseAssessmentResponse{Outcome: OutcomeExploitation, PositiveDimensions: []string{"D4"}},
			fraction: 1,
			correct:  "D1,D2,D3,D4,D5,D6",
		},
		{
			name:     "empty response",
			q:        carWash,
			r:        CaseAssessmentResponse{},
			fraction: 0,
			correct:  "D1,D2,D3,D5,D6",
		},
		{
			name:     "right outcome, no dimension named: 1/2 + 1/2 * 5/6",
			q:        carWash,
			r:        CaseAssessmentResponse{Outcome: OutcomeExploitation},
			fraction: 0.916667,
			correct:  "D1,D2,D3,D5,D6",
		},
		{
			name:     "wrong outcome, right dimensions",
			q:        carWash,
			r:        CaseAssessmentResponse{Outcome: OutcomeTrafficking, PositiveDimensions: []string{"D4"}},
			fraction: 0.5,
			correct:  "D1,D2,D3,D4,D5,D6",
		},
		{
			name:     "dimensions only",
			q:        carWash,
			r:        CaseAssessmentResponse{PositiveDimensions: []string{"D4", "D5"}},
			fraction: 0.416667,
			correct:  "D1,D2,D3,D4,D6",
		},
		{
			name:     "everything positive",
			q:        carWash,
			r:        CaseAssessmentResponse{Outcome: OutcomeTrafficking, PositiveDimensions: []string{"D1", "D2", "D3", "D4", "D5", "D6"}},
			fraction: 0.083333,
			correct:  "D4",
		},
		{
			name: "outcome is the whole mark",
			q: CaseAssessmentQuestion{List: AdultLabour, Present: domainScenarios[1].present,
				OutcomeShare: ptr(1)},
			r:        CaseAssessmentResponse{Outcome: OutcomeExploitation, PositiveDimensions: []string{"D1"}},
			fraction: 1,
			correct:  "D2,D3,D5,D6",
		},
		{
			name:     "child rule: scenario 7 is trafficking on D5 alone",
			q:        CaseAssessmentQuestion{List: ChildSexual, Present: domainScenarios[6].present},
			r:        CaseAssessmentResponse{Outcome: OutcomeInsufficient, PositiveDimensions: []string{"D5"}},
			fraction: 0.5,
			correct:  "D1,D2,D3,D4,D5,D6",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := GradeCaseAssessment(cat, tt.q, tt.r)
			if err != nil {
				t.Fatalf("grade: %v", err)
			}
			if got, want := m.Fraction, tt.fraction; !closeTo(got, want) {
				t.Fatalf("fraction = %v, want %v", got, want)
			}
			var correct []string
			for _, d := range m.Case.Dimensions {
				if d.Correct {
					correct = append(correct, d.Code)
				}
				if d.Reason.Text == "" {
					t.Fatalf("dimension %s carries no reasoning", d.Code)
				}
			}
			if got, want := strings.Join(correct, ","), tt.correct; got != want {
				t.Fatalf("correct dimensions = %s, want %s", got, want)
			}
			if m.Case.Expected.Explanation.Text == "" {
				t.Fatalf("no case explanation in feedback")
			}
		})
	}
}

func TestGradeCaseAssessmentInvalid(t *testing.T) {
	cat := loadDefaultCatalogue(t)
	q := CaseAssessmentQuestion{List: AdultLabour, Present: []string{"COE-DOCS"}}

	_, err := GradeCaseAssessment(cat, q, CaseAssessmentResponse{Outcome: "maybe", PositiveDimensions: []string{"D4", "D9", "D4"}})
	var re *ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *ResponseError", err)
	}
	if got, want := re.Error(), `invalid response: unknown "maybe"; unknown "D9"; duplicate "D4"`; got != want {
		t.Fatalf("err = %s, want %s", got, want)
	}

	var qe *QuestionError
	_, err = GradeCaseAssessment(cat, CaseAssessmentQuestion{List: AdultLabour, Present: []string{"NOPE"}}, CaseAssessmentResponse{})
	if !errors.As(err, &qe) || !strings.Contains(err.Error(), "NOPE") {
		t.Fatalf("err = %v, want a *QuestionError naming NOPE", err)
	}
	_, err = GradeCaseAssessment(cat, CaseAssessmentQuestion{List: AdultLabour, OutcomeShare: ptr(-0.1)}, CaseAssessmentResponse{})
	if !errors.As(err, &qe) {
		t.Fatalf("err = %v, want *QuestionError", err)
	}
}
