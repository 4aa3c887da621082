package quiz

import (
	"fmt"
	"strings"
)

// Reason keys the UI translates. The English texts below are for trainers, logs and tests.
const (
	ReasonDimensionPositive       = "dimension.positive"
	ReasonDimensionBelowThreshold = "dimension.below_threshold"
	ReasonDimensionNonePresent    = "dimension.none_present"
	ReasonCaseTrafficking         = "case.trafficking"
	ReasonCaseExploitation        = "case.exploitation"
	ReasonCaseInsufficient        = "case.insufficient"
)

func (cat *Catalogue) dimensionReason(r DimensionResult) Reason {
	params := map[string]string{"dimension": r.Code, "indicators": codeStrengths(r.Indicators)}
	switch {
	case r.Positive:
		var met []CountedIndicator
		for _, code := range r.Met {
			for _, c := range r.Indicators {
				if c.Code == code {
					met = append(met, c)
				}
			}
		}
		params["met"] = strings.Join(r.Met, ",")
		params["threshold"] = r.Threshold.EN
		return Reason{
			Key:    ReasonDimensionPositive,
			Text:   fmt.Sprintf("%s is positive: %s %s “%s”.", r.Code, describeIndicators(met), verb(len(met), "meets", "meet"), r.Threshold.EN),
			Params: params,
		}
	case len(r.Indicators) == 0:
		return Reason{
			Key:    ReasonDimensionNonePresent,
			Text:   fmt.Sprintf("%s is not positive: none of its indicators is present.", r.Code),
			Params: params,
		}
	default:
		labels := make([]string, len(cat.Rule.Dimension.Thresholds))
		for i, t := range cat.Rule.Dimension.Thresholds {
			labels[i] = t.Label.EN
		}
		return Reason{
			Key: ReasonDimensionBelowThreshold,
			Text: fmt.Sprintf("%s is not positive: %s %s none of the thresholds (%s).", r.Code,
				describeIndicators(r.Indicators), verb(len(r.Indicators), "meets", "meet"), strings.Join(labels, "; ")),
			Params: params,
		}
	}
}

// caseReason explains the outcome: which groups the winning rule found positive, and what each
// rule tried before it was missing. won is nil when the case is insufficient.
func caseReason(age AgeGroup, dims []DimensionResult, won *outcomeCheck, failed []outcomeCheck) Reason {
	var positive []string
	for _, d := range dims {
		if d.Positive {
			positive = append(positive, d.Code)
		}
	}
	params := map[string]string{"age_group": string(age), "positive": strings.Join(positive, ",")}
	var b strings.Builder
	key := ReasonCaseInsufficient
	if won != nil {
		key = "case." + string(won.rule.Outcome)
		parts := make([]string, len(won.rule.AllOf))
		for i, g := range won.rule.AllOf {
			parts[i] = describeGroup(g, won.satisfied[i])
		}
		fmt.Fprintf(&b, "%s under the %s rule: %s %s positive.", capitalise(string(won.rule.Outcome)), age,
			joinAnd(parts), verb(len(parts), "is", "are"))
	} else {
		fmt.Fprintf(&b, "Insufficient to classify under the %s rule: ", age)
		if len(positive) == 0 {
			b.WriteString("no dimension is positive.")
		} else {
			fmt.Fprintf(&b, "only %s %s positive.", joinAnd(positive), verb(len(positive), "is", "are"))
		}
	}
	for _, f := range failed {
		var missing []string
		for i, g := range f.rule.AllOf {
			if len(f.satisfied[i]) == 0 {
				missing = append(missing, describeGroup(g, nil))
			}
		}
		params["missing."+string(f.rule.Outcome)] = strings.Join(missing, ";")
		also := ""
		if len(missing) < len(f.rule.AllOf) {
			also = "also "
		}
		fmt.Fprintf(&b, " %s would %sneed %s.", capitalise(string(f.rule.Outcome)), also, joinAnd(missing))
	}
	if won == nil && len(positive) > 0 {
		b.WriteString(" Not enough to classify is not the same as no concern: a positive dimension is already reasonable grounds to refer.")
	}
	return Reason{Key: key, Text: b.String(), Params: params}
}

// describeGroup names a group of the case rule, with the positive dimensions that satisfy it.
func describeGroup(g DimensionGroup, satisfied []string) string {
	var s string
	switch {
	case g.Role != "":
		s = "a " + string(g.Role) + " dimension"
	case len(g.Dimensions) == 1:
		return g.Dimensions[0]
	default:
		s = joinWith(g.Dimensions, "or")
	}
	if len(satisfied) > 0 {
		s += " (" + strings.Join(satisfied, ", ") + ")"
	}
	return s
}

func describeIndicators(list []CountedIndicator) string {
	parts := make([]string, len(list))
	for i, c := range list {
		parts[i] = fmt.Sprintf("%s (%s)", c.Code, c.Strength)
	}
	return joinAnd(parts)
}

func codeStrengths(list []CountedIndicator) string {
	parts := make([]string, len(list))
	for i, c := range list {
		parts[i] = c.Code + ":" + string(c.Strength)
	}
	return strings.Join(parts, ",")
}

func joinAnd(parts []string) string { return joinWith(parts, "and") }

func joinWith(parts []string, conj string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + conj + " " + parts[len(parts)-1]
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
