package quiz

// Single choice, multiple choice and true/false, marked as Moodle marks them: each option has a
// fraction in −1..1; the mark is the selected option's fraction (single) or the sum of the
// selected options' fractions (multiple), clamped to 0..1. Negative fractions punish wrong picks
// in a multiple choice question; they never push the mark below 0.

// ChoiceOption is one option of a choice question.
type ChoiceOption struct {
	ID       string  `json:"id"`
	Fraction float64 `json:"fraction"`
	Feedback string  `json:"feedback,omitempty"`
}

// ChoiceQuestion is a single choice (Multiple false) or multiple choice question.
type ChoiceQuestion struct {
	Multiple bool           `json:"multiple"`
	Options  []ChoiceOption `json:"options"`
}

// ChoiceResponse lists the selected option ids.
type ChoiceResponse struct {
	Selected []string `json:"selected"`
}

// Validate checks the definition as Moodle does: a single choice question needs an option worth
// 100%; in a multiple choice question the positive fractions must add up to 100% (within 1%, so
// three options of 33.33333% pass), or full marks could never be reached or be reached too soon.
func (q ChoiceQuestion) Validate() error {
	var c questionCheck
	if len(q.Options) < 2 {
		c.add("at least two options are required")
	}
	ids := make([]string, len(q.Options))
	best, positive := -1.0, 0.0
	for i, o := range q.Options {
		ids[i] = o.ID
		if o.Fraction < -1 || o.Fraction > 1 {
			c.add("option %q fraction %v is outside -1..1", o.ID, o.Fraction)
		}
		best = max(best, o.Fraction)
		if o.Fraction > 0 {
			positive += o.Fraction
		}
	}
	c.uniqueIDs("option", ids)
	if len(q.Options) >= 2 {
		if q.Multiple && (positive < 0.99 || positive > 1.01) {
			c.add("the positive fractions add up to %.4g, not 1", positive)
		}
		if !q.Multiple && best != 1 {
			c.add("no option is worth the full mark")
		}
	}
	return c.err()
}

// GradeChoice marks a single or multiple choice response.
func GradeChoice(q ChoiceQuestion, r ChoiceResponse) (Mark, error) {
	if err := q.Validate(); err != nil {
		return Mark{}, err
	}
	allowed := make(map[string]bool, len(q.Options))
	for _, o := range q.Options {
		allowed[o.ID] = true
	}
	var rc responseCheck
	selected := rc.checkSelection(r.Selected, allowed)
	if !q.Multiple && len(selected) > 1 {
		// Name every selection after the first: the learner (or client) must drop them.
		first := true
		for _, id := range r.Selected {
			if !selected[id] {
				continue
			}
			if !first {
				rc.add(id, ProblemTooMany)
			}
			first = false
			selected[id] = false // a repeat was already reported as a duplicate
		}
	}
	if err := rc.err(); err != nil {
		return Mark{}, err
	}
	return markOptions(q.Options, selected), nil
}

func markOptions(options []ChoiceOption, selected map[string]bool) Mark {
	m := Mark{Options: make([]OptionMark, len(options))}
	sum := 0.0
	for i, o := range options {
		m.Options[i] = OptionMark{ID: o.ID, Selected: selected[o.ID], Fraction: o.Fraction, Correct: o.Fraction > 0, Feedback: o.Feedback}
		if selected[o.ID] {
			sum += o.Fraction
		}
	}
	m.Fraction = clampFraction(sum)
	return m
}

// TrueFalseQuestion is a true/false question with feedback for each answer.
type TrueFalseQuestion struct {
	Answer        bool   `json:"answer"`
	FeedbackTrue  string `json:"feedback_true,omitempty"`
	FeedbackFalse string `json:"feedback_false,omitempty"`
}

// TrueFalseResponse holds the learner's answer; nil means not answered.
type TrueFalseResponse struct {
	Answer *bool `json:"answer"`
}

// Option ids of a true/false question in its Mark.
const (
	OptionTrue  = "true"
	OptionFalse = "false"
)

// GradeTrueFalse marks a true/false response: 1 when right, 0 when wrong or unanswered.
func GradeTrueFalse(q TrueFalseQuestion, r TrueFalseResponse) (Mark, error) {
	options := []ChoiceOption{
		{ID: OptionTrue, Fraction: boolFraction(q.Answer), Feedback: q.FeedbackTrue},
		{ID: OptionFalse, Fraction: boolFraction(!q.Answer), Feedback: q.FeedbackFalse},
	}
	selected := map[string]bool{}
	if r.Answer != nil {
		selected[OptionTrue] = *r.Answer
		selected[OptionFalse] = !*r.Answer
	}
	return markOptions(options, selected), nil
}

func boolFraction(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
