package quiz

// Case assessment: the learner decides what the case amounts to and which dimensions are
// positive. The right answer is never typed in by the author: Assess computes it from the
// scenario's present indicators and list, so a change to the catalogue changes the answer key.
//
// Formula: fraction = outcomeShare·[outcome right] + (1 − outcomeShare)·(dimensions judged
// right / all dimensions), where a dimension is judged right when the learner's positive/not
// positive matches the rule's. outcomeShare defaults to 0.5. An empty response (no outcome, no
// dimensions) is 0; naming an outcome and no dimension means "none is positive".

// DefaultOutcomeShare is the part of a case assessment mark given for the outcome.
const DefaultOutcomeShare = 0.5

// CaseAssessmentQuestion defines a case assessment question.
type CaseAssessmentQuestion struct {
	List    List     `json:"list"`
	Present []string `json:"present"`
	// OutcomeShare is the weight of the outcome in 0..1 (nil: 0.5); the dimensions share the rest.
	OutcomeShare *float64 `json:"outcome_share,omitempty"`
}

// CaseAssessmentResponse is the learner's verdict.
type CaseAssessmentResponse struct {
	Outcome            Outcome  `json:"outcome"`
	PositiveDimensions []string `json:"positive_dimensions"`
}

// CaseMark compares the learner's verdict with the rule's, and carries the rule's reasoning.
type CaseMark struct {
	Expected       Assessment      `json:"expected"`
	GivenOutcome   Outcome         `json:"given_outcome"`
	OutcomeCorrect bool            `json:"outcome_correct"`
	OutcomeShare   float64         `json:"outcome_share"`
	Dimensions     []DimensionMark `json:"dimensions"`
}

// DimensionMark is the feedback on one dimension; Reason is the rule's reason for it.
type DimensionMark struct {
	Code     string `json:"code"`
	Expected bool   `json:"expected"`
	Given    bool   `json:"given"`
	Correct  bool   `json:"correct"`
	Reason   Reason `json:"reason"`
}

// GradeCaseAssessment marks a verdict on a case against the catalogue's decision rule.
func GradeCaseAssessment(cat *Catalogue, q CaseAssessmentQuestion, r CaseAssessmentResponse) (Mark, error) {
	share := option(q.OutcomeShare, DefaultOutcomeShare)
	if share < 0 || share > 1 {
		return Mark{}, &QuestionError{Problems: []string{"outcome share is outside 0..1"}}
	}
	expected, err := Assess(cat, q.List, q.Present)
	if err != nil {
		// An unknown code in the scenario is the author's problem, not the learner's.
		return Mark{}, &QuestionError{Problems: []string{err.Error()}}
	}

	var rc responseCheck
	switch r.Outcome {
	case "", OutcomeTrafficking, OutcomeExploitation, OutcomeInsufficient:
	default:
		rc.add(string(r.Outcome), ProblemUnknown)
	}
	allowed := make(map[string]bool, len(expected.Dimensions))
	for _, d := range expected.Dimensions {
		allowed[d.Code] = true
	}
	given := rc.checkSelection(r.PositiveDimensions, allowed)
	if err := rc.err(); err != nil {
		return Mark{}, err
	}

	m := &CaseMark{
		Expected:       expected,
		GivenOutcome:   r.Outcome,
		OutcomeCorrect: r.Outcome == expected.Outcome,
		OutcomeShare:   share,
		Dimensions:     make([]DimensionMark, len(expected.Dimensions)),
	}
	right := 0
	for i, d := range expected.Dimensions {
		dm := DimensionMark{Code: d.Code, Expected: d.Positive, Given: given[d.Code], Reason: d.Reason}
		dm.Correct = dm.Expected == dm.Given
		if dm.Correct {
			right++
		}
		m.Dimensions[i] = dm
	}
	if r.Outcome == "" && len(r.PositiveDimensions) == 0 {
		return Mark{Fraction: 0, Case: m}, nil
	}
	fraction := (1 - share) * float64(right) / float64(len(m.Dimensions))
	if m.OutcomeCorrect {
		fraction += share
	}
	return Mark{Fraction: clampFraction(fraction), Case: m}, nil
}
