package quiz

import (
	"fmt"
	"math"
	"strings"
)

// Grading is pure: a question definition and a response in, a Mark out. The server always
// computes the mark; nothing a client sends is trusted as a score.
//
// Conventions for every question type:
//   - an empty response is worth 0 and is not an error (the learner skipped the question), and
//     the Mark still carries the full feedback;
//   - a malformed response (unknown ids, duplicates) is a *ResponseError listing every problem;
//   - a broken question definition is a *QuestionError; authoring tools call Validate first;
//   - Fraction is in [0, 1], rounded to 6 decimals: Moodle stores option fractions with 7
//     (33.33333%), so three right thirds add up to 0.9999999, which must still be full marks.

// Mark is the result of grading one response.
type Mark struct {
	Fraction float64 `json:"fraction"`
	// Options: single, multiple choice and true/false, one entry per option in question order.
	Options []OptionMark `json:"options,omitempty"`
	// Identification: indicator identification.
	Identification *IdentificationMark `json:"identification,omitempty"`
	// Case: case assessment, with the decision rule's reasoning.
	Case *CaseMark `json:"case,omitempty"`
	// Order: ordering, one entry per item in the learner's order.
	Order *OrderMark `json:"order,omitempty"`
	// Matches: matching, one entry per left-hand item in question order.
	Matches []MatchMark `json:"matches,omitempty"`
}

// OptionMark is the feedback on one option of a choice question.
type OptionMark struct {
	ID       string  `json:"id"`
	Selected bool    `json:"selected"`
	Fraction float64 `json:"fraction"`
	// Correct marks options worth selecting (fraction > 0), so review can show the right answer.
	Correct  bool   `json:"correct"`
	Feedback string `json:"feedback,omitempty"`
}

// ResponseProblem is one thing wrong with a response.
type ResponseProblem struct {
	Value   string `json:"value"`
	Problem string `json:"problem"` // "unknown", "duplicate", "missing", "too_many"
}

// ResponseError lists every problem in a malformed response; the HTTP layer answers 422.
type ResponseError struct {
	Problems []ResponseProblem
}

func (e *ResponseError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = fmt.Sprintf("%s %q", p.Problem, p.Value)
	}
	return "invalid response: " + strings.Join(parts, "; ")
}

// QuestionError lists what is wrong with a question definition.
type QuestionError struct {
	Problems []string
}

func (e *QuestionError) Error() string {
	return "invalid question: " + strings.Join(e.Problems, "; ")
}

// Problem codes in a ResponseProblem.
const (
	ProblemUnknown   = "unknown"
	ProblemDuplicate = "duplicate"
	ProblemMissing   = "missing"
	ProblemTooMany   = "too_many"
)

type responseCheck struct{ problems []ResponseProblem }

func (c *responseCheck) add(value, problem string) {
	c.problems = append(c.problems, ResponseProblem{Value: value, Problem: problem})
}

func (c *responseCheck) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ResponseError{Problems: c.problems}
}

// checkSelection reports ids that are not allowed or given twice, and returns the valid ones as
// a set.
func (c *responseCheck) checkSelection(ids []string, allowed map[string]bool) map[string]bool {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		switch {
		case !allowed[id]:
			c.add(id, ProblemUnknown)
		case set[id]:
			c.add(id, ProblemDuplicate)
		default:
			set[id] = true
		}
	}
	return set
}

type questionCheck struct{ problems []string }

func (c *questionCheck) add(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *questionCheck) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &QuestionError{Problems: c.problems}
}

// uniqueIDs checks that ids are non-empty and distinct, and returns them as a set.
func (c *questionCheck) uniqueIDs(what string, ids []string) map[string]bool {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		switch {
		case id == "":
			c.add("empty %s id", what)
		case set[id]:
			c.add("duplicate %s %q", what, id)
		}
		set[id] = true
	}
	return set
}

// clampFraction keeps a mark in [0, 1] and rounds away float noise.
func clampFraction(f float64) float64 {
	f = math.Round(f*1e6) / 1e6
	return math.Max(0, math.Min(1, f))
}

// option returns *v, or def when the author left it unset.
func option(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}
