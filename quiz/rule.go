package quiz

import (
	"errors"
	"fmt"
	"strings"
)

// Outcome is what a case amounts to under the decision rule.
type Outcome string

const (
	OutcomeTrafficking  Outcome = "trafficking"
	OutcomeExploitation Outcome = "exploitation"
	// OutcomeInsufficient means not enough to classify, which is not the same as no concern.
	OutcomeInsufficient Outcome = "insufficient"
)

// Reason explains a result twice: Text is an English sentence for logs, tools and trainers; Key
// and Params let the UI say the same in the learner's language.
type Reason struct {
	Key    string            `json:"key"`
	Text   string            `json:"text"`
	Params map[string]string `json:"params,omitempty"`
}

// CountedIndicator is an indicator the rule counted, once, with how it came to be counted.
type CountedIndicator struct {
	Code      string   `json:"code"`
	Dimension string   `json:"dimension"`
	Strength  Strength `json:"strength"`
	// Direct is true when the indicator code itself was given.
	Direct bool `json:"direct"`
	// Via lists the given signs that map to the indicator.
	Via []string `json:"via,omitempty"`
}

// DimensionResult says whether one dimension is positive and why.
type DimensionResult struct {
	Code       string             `json:"code"`
	Role       Role               `json:"role"`
	Positive   bool               `json:"positive"`
	Indicators []CountedIndicator `json:"indicators"`
	// Threshold is the label of the first threshold met, nil when none is.
	Threshold *Text `json:"threshold,omitempty"`
	// Met lists the indicators that fill the threshold's slots.
	Met    []string `json:"met,omitempty"`
	Reason Reason   `json:"reason"`
}

// Assessment is the decision rule's verdict on a set of present indicators and signs.
type Assessment struct {
	List        List              `json:"list"`
	AgeGroup    AgeGroup          `json:"age_group"`
	Dimensions  []DimensionResult `json:"dimensions"`
	Outcome     Outcome           `json:"outcome"`
	Explanation Reason            `json:"explanation"`
	// Counted lists every indicator counted, in catalogue order.
	Counted []CountedIndicator `json:"counted"`
	// Uncounted lists given signs that map to no indicator (supporting or procedural signs):
	// known, worth noting, but not weighed.
	Uncounted []string `json:"uncounted,omitempty"`
}

// UnknownCodesError names every code that is neither an indicator nor a sign; the HTTP layer
// answers it with 422.
type UnknownCodesError struct {
	Codes []string
}

func (e *UnknownCodesError) Error() string {
	return "unknown indicator or sign codes: " + strings.Join(e.Codes, ", ")
}

// UnknownListError reports a list the catalogue does not define.
type UnknownListError struct {
	List List
}

func (e *UnknownListError) Error() string {
	return fmt.Sprintf("unknown indicator list %q", e.List)
}

// ErrCatalogueNotValidated is returned for a catalogue that has not been through ParseCatalogue
// or Validate, whose lookups are not built.
var ErrCatalogueNotValidated = errors.New("quiz: catalogue not validated")

// Assess applies the catalogue's decision rule to the codes present in a case, for one list.
// Sign codes count as the indicators they map to; each indicator counts once, however many codes
// point to it; repeated codes are harmless. Every unknown code is reported in one
// *UnknownCodesError.
func Assess(cat *Catalogue, list List, present []string) (Assessment, error) {
	if cat == nil || cat.idx == nil {
		return Assessment{}, ErrCatalogueNotValidated
	}
	info, ok := cat.ListInfo(list)
	if !ok {
		return Assessment{}, &UnknownListError{List: list}
	}
	counted, uncounted, err := cat.resolve(present)
	if err != nil {
		return Assessment{}, err
	}

	a := Assessment{List: list, AgeGroup: info.AgeGroup, Uncounted: uncounted}
	a.Dimensions = make([]DimensionResult, 0, len(cat.Dimensions))
	for _, d := range cat.Dimensions {
		var inDim []CountedIndicator
		for _, i := range cat.idx.byDimension[d.Code] {
			if c := counted[i]; c != nil {
				c.Strength = cat.Indicators[i].Strength[list]
				inDim = append(inDim, *c)
			}
		}
		a.Counted = append(a.Counted, inDim...)
		a.Dimensions = append(a.Dimensions, cat.assessDimension(d, inDim))
	}
	a.Outcome, a.Explanation = cat.assessCase(info.AgeGroup, a.Dimensions)
	return a, nil
}

// resolve turns given codes into counted indicators, indexed like cat.Indicators (nil when not
// counted).
func (cat *Catalogue) resolve(present []string) (counted []*CountedIndicator, uncounted []string, err error) {
	counted = make([]*CountedIndicator, len(cat.Indicators))
	count := func(i int) *CountedIndicator {
		if counted[i] == nil {
			ind := &cat.Indicators[i]
			counted[i] = &CountedIndicator{Code: ind.Code, Dimension: ind.Dimension}
		}
		return counted[i]
	}
	var unknown []string
	seen := make(map[string]bool, len(present))
	for _, code := range present {
		if seen[code] {
			continue
		}
		seen[code] = true
		if i, ok := cat.idx.indicators[code]; ok {
			count(i).Direct = true
			continue
		}
		si, ok := cat.idx.signs[code]
		if !ok {
			unknown = append(unknown, code)
			continue
		}
		sign := &cat.Signs[si]
		if len(sign.MapsTo) == 0 {
			uncounted = append(uncounted, code)
		}
		for _, target := range sign.MapsTo {
			c := count(cat.idx.indicators[target])
			c.Via = append(c.Via, code)
		}
	}
	if len(unknown) > 0 {
		return nil, nil, &UnknownCodesError{Codes: unknown}
	}
	return counted, uncounted, nil
}

func (cat *Catalogue) assessDimension(d Dimension, inDim []CountedIndicator) DimensionResult {
	r := DimensionResult{Code: d.Code, Role: d.Role, Indicators: inDim}
	if r.Indicators == nil {
		r.Indicators = []CountedIndicator{}
	}
	for i := range cat.Rule.Dimension.Thresholds {
		t := &cat.Rule.Dimension.Thresholds[i]
		if met, ok := meetThreshold(t.Slots, inDim); ok {
			r.Positive, r.Met = true, met
			label := t.Label
			r.Threshold = &label
			break
		}
	}
	r.Reason = cat.dimensionReason(r)
	return r
}

// assessCase applies the age group's outcome rules in order; the first whose every group has a
// positive dimension wins.
func (cat *Catalogue) assessCase(age AgeGroup, dims []DimensionResult) (Outcome, Reason) {
	var rule AgeGroupRule
	for _, r := range cat.Rule.Case.AgeGroups {
		if r.AgeGroup == age {
			rule = r
			break
		}
	}
	var failed []outcomeCheck
	for _, o := range rule.Outcomes {
		check := checkOutcome(cat, o, dims)
		if check.holds() {
			return o.Outcome, caseReason(age, dims, &check, failed)
		}
		failed = append(failed, check)
	}
	return OutcomeInsufficient, caseReason(age, dims, nil, failed)
}

// outcomeCheck records, per group of an outcome rule, which positive dimensions satisfy it.
type outcomeCheck struct {
	rule      OutcomeRule
	satisfied [][]string
}

func (c outcomeCheck) holds() bool {
	for _, s := range c.satisfied {
		if len(s) == 0 {
			return false
		}
	}
	return true
}

func checkOutcome(cat *Catalogue, o OutcomeRule, dims []DimensionResult) outcomeCheck {
	c := outcomeCheck{rule: o, satisfied: make([][]string, len(o.AllOf))}
	for gi, g := range o.AllOf {
		for _, d := range dims {
			if !d.Positive {
				continue
			}
			if (g.Role != "" && d.Role == g.Role) || containsString(g.Dimensions, d.Code) {
				c.satisfied[gi] = append(c.satisfied[gi], d.Code)
			}
		}
	}
	return c
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
