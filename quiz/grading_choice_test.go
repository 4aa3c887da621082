package quiz

import (
	"errors"
	"testing"
)

func TestGradeChoice(t *testing.T) {
	single := ChoiceQuestion{Options: []ChoiceOption{
		{ID: "a", Fraction: 1, Feedback: "Yes."},
		{ID: "b", Fraction: 0.5, Feedback: "Partly."},
		{ID: "c", Fraction: 0},
		{ID: "d", Fraction: -0.5, Feedback: "This puts the victim at risk."},
	}}
	multi := ChoiceQuestion{Multiple: true, Options: []ChoiceOption{
		{ID: "a", Fraction: 0.5},
		{ID: "b", Fraction: 0.5},
		{ID: "c", Fraction: -1},
		{ID: "d", Fraction: 0},
	}}
	thirds := ChoiceQuestion{Multiple: true, Options: []ChoiceOption{
		{ID: "a", Fraction: 0.3333333},
		{ID: "b", Fraction: 0.3333333},
		{ID: "c", Fraction: 0.3333333},
		{ID: "d", Fraction: -0.5},
	}}
	tests := []struct {
		name     string
		q        ChoiceQuestion
		selected []string
		fraction float64
	}{
		{"single: right", single, []string{"a"}, 1},
		{"single: partial credit", single, []string{"b"}, 0.5},
		{"single: wrong", single, []string{"c"}, 0},
		{"single: negative clamps to zero", single, []string{"d"}, 0},
		{"single: nothing", single, nil, 0},
		{"multi: both right", multi, []string{"b", "a"}, 1},
		{"multi: one of two", multi, []string{"a"}, 0.5},
		{"multi: right and neutral", multi, []string{"a", "b", "d"}, 1},
		{"multi: negative cancels", multi, []string{"a", "c"}, 0},
		{"multi: everything", multi, []string{"a", "b", "c", "d"}, 0},
		{"multi: nothing", multi, []string{}, 0},
		{"multi: thirds round to one", thirds, []string{"a", "b", "c"}, 1},
		{"multi: thirds minus a penalty", thirds, []string{"a", "b", "d"}, 0.166667},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := GradeChoice(tt.q, ChoiceResponse{Selected: tt.selected})
			if err != nil {
				t.Fatalf("grade: %v", err)
			}
			if got, want := m.Fraction, tt.fraction; !closeTo(got, want) {
				t.Fatalf("fraction = %v, want %v", got, want)
			}
			if got, want := len(m.Options), len(tt.q.Options); got != want {
				t.Fatalf("option feedback = %d entries, want %d", got, want)
			}
			for _, om := range m.Options {
				if got, want := om.Selected, contains(tt.selected, om.ID); got != want {
					t.Fatalf("option %s selected = %v, want %v", om.ID, got, want)
				}
			}
		})
	}
	m, _ := GradeChoice(single, ChoiceResponse{Selected: []string{"d"}})
	if got, want := m.Options[3].Feedback, "This puts the victim at risk."; got != want {
		t.Fatalf("feedback = %q, want %q", got, want)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestGradeChoiceInvalid(t *testing.T) {
	single := ChoiceQuestion{Options: []ChoiceOption{{ID: "a", Fraction: 1}, {ID: "b"}, {ID: "c"}}}
	responses := []struct {
		name     string
		q        ChoiceQuestion
		selected []string
		want     string
	}{
		{"two picks in single choice", single, []string{"a", "b", "c"}, `invalid response: too_many "b"; too_many "c"`},
		{"unknown and duplicate", single, []string{"x", "a", "a"}, `invalid response: unknown "x"; duplicate "a"`},
	}
	for _, tt := range responses {
		t.Run(tt.name, func(t *testing.T) {
			_, err := GradeChoice(tt.q, ChoiceResponse{Selected: tt.selected})
			var re *ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *ResponseError", err)
			}
			if got := err.Error(); got != tt.want {
				t.Fatalf("err = %s, want %s", got, tt.want)
			}
		})
	}
	definitions := []struct {
		name string
		q    ChoiceQuestion
	}{
		{"single without a full-mark option", ChoiceQuestion{Options: []ChoiceOption{{ID: "a", Fraction: 0.5}, {ID: "b"}}}},
		{"multi whose positives do not add up", ChoiceQuestion{Multiple: true, Options: []ChoiceOption{{ID: "a", Fraction: 0.5}, {ID: "b", Fraction: 0.1}}}},
		{"fraction out of range", ChoiceQuestion{Options: []ChoiceOption{{ID: "a", Fraction: 1}, {ID: "b", Fraction: -1.5}}}},
		{"duplicate ids", ChoiceQuestion{Options: []ChoiceOption{{ID: "a", Fraction: 1}, {ID: "a"}}}},
		{"one option", ChoiceQuestion{Options: []ChoiceOption{{ID: "a", Fraction: 1}}}},
	}
	for _, tt := range definitions {
		t.Run(tt.name, func(t *testing.T) {
			_, err := GradeChoice(tt.q, ChoiceResponse{})
			var qe *QuestionError
			if !errors.As(err, &qe) {
				t.Fatalf("err = %v, want *QuestionError", err)
			}
		})
	}
}

func TestGradeTrueFalse(t *testing.T) {
	yes, no := true, false
	q := TrueFalseQuestion{Answer: false, FeedbackTrue: "Consent is irrelevant once the means are used.", FeedbackFalse: "Right."}
	tests := []struct {
		name     string
		answer   *bool
		fraction float64
		selected string
	}{
		{"right", &no, 1, OptionFalse},
		{"wrong", &yes, 0, OptionTrue},
		{"unanswered", nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := GradeTrueFalse(q, TrueFalseResponse{Answer: tt.answer})
			if err != nil {
				t.Fatalf("grade: %v", err)
			}
			if got, want := m.Fraction, tt.fraction; got != want {
				t.Fatalf("fraction = %v, want %v", got, want)
			}
			selected := ""
			for _, o := range m.Options {
				if o.Selected {
					selected = o.ID
				}
			}
			if got, want := selected, tt.selected; got != want {
				t.Fatalf("selected = %q, want %q", got, want)
			}
		})
	}
	m, _ := GradeTrueFalse(q, TrueFalseResponse{Answer: &yes})
	if got, want := m.Options[0].Feedback, q.FeedbackTrue; got != want {
		t.Fatalf("feedback for True = %q, want %q", got, want)
	}
}

func TestClampFraction(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{-0.2, 0}, {1.5, 1}, {0.1 + 0.2, 0.3}, {1.0 / 3, 0.333333}, {0.9999999, 1},
	}
	for _, tt := range tests {
		if got := clampFraction(tt.in); got != tt.want {
			t.Errorf("clampFraction(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
