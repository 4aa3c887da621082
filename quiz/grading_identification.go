package quiz

import (
	"fmt"
	"unicode/utf8"
)

// Indicator identification: the learner reads a case and selects, among candidates (the
// indicators truly present plus distractors the author chose), those present.
//
// Formula:
//
//	fraction = max(0, hits/|present| − (falseAlarms/|distractors|) · penaltyWeight)
//
// then, when a critical indicator was missed, fraction = min(fraction, criticalCap).
// penaltyWeight defaults to 1, so selecting every candidate scores 0 and guessing does not pay;
// criticalCap defaults to 0.5: missing the one sign that matters most (say, confiscated
// documents) cannot earn more than half, however much else was found.

// Defaults for IdentificationQuestion.
const (
	DefaultFalseAlarmWeight = 1.0
	DefaultCriticalCap      = 0.5
)

// EvidencePassage is a span of the scenario narrative that shows an indicator, used in feedback
// ("you missed COE-DOCS: 'passports handed over on arrival for permits'"). Start and End are
// offsets in Unicode code points (not bytes) into the narrative in one language, End exclusive:
// code points, because browsers index text that way for Cyrillic and Latin alike.
type EvidencePassage struct {
	Indicator string `json:"indicator"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Quote     string `json:"quote"`
}

// IdentificationQuestion defines an indicator identification question. Codes are indicator or
// sign codes; checking them against the catalogue is the author's tool's job.
type IdentificationQuestion struct {
	Present     []string `json:"present"`
	Distractors []string `json:"distractors"`
	// Critical indicators (a subset of Present) whose miss caps the mark.
	Critical []string `json:"critical,omitempty"`
	// CriticalCap is the highest mark when a critical indicator is missed (nil: 0.5).
	CriticalCap *float64 `json:"critical_cap,omitempty"`
	// FalseAlarmWeight scales the false-alarm penalty (nil: 1; 0: no penalty).
	FalseAlarmWeight *float64          `json:"false_alarm_weight,omitempty"`
	Evidence         []EvidencePassage `json:"evidence,omitempty"`
}

// IdentificationResponse is the learner's selection.
type IdentificationResponse struct {
	Selected []string `json:"selected"`
}

// IdentificationOutcome classifies one candidate after grading.
type IdentificationOutcome string

const (
	Found            IdentificationOutcome = "found"
	Missed           IdentificationOutcome = "missed"
	FalseAlarm       IdentificationOutcome = "false_alarm"
	CorrectlyLeftOut IdentificationOutcome = "correctly_left_out"
)

// IndicatorMark is the feedback on one candidate. Evidence is given for found and missed ones.
type IndicatorMark struct {
	Code     string                `json:"code"`
	Outcome  IdentificationOutcome `json:"outcome"`
	Critical bool                  `json:"critical,omitempty"`
	Evidence []EvidencePassage     `json:"evidence,omitempty"`
}

// IdentificationMark details an identification mark: the counts, the terms of the formula and
// whether the critical cap applied.
type IdentificationMark struct {
	Indicators       []IndicatorMark `json:"indicators"`
	Hits             int             `json:"hits"`
	Misses           int             `json:"misses"`
	FalseAlarms      int             `json:"false_alarms"`
	CorrectlyLeftOut int             `json:"correctly_left_out"`
	// HitRate is hits/|present|; FalseAlarmRate is falseAlarms/|distractors| (0 without any).
	HitRate          float64  `json:"hit_rate"`
	FalseAlarmRate   float64  `json:"false_alarm_rate"`
	FalseAlarmWeight float64  `json:"false_alarm_weight"`
	CriticalMissed   []string `json:"critical_missed,omitempty"`
	// Capped is true when a missed critical indicator lowered the mark to Cap.
	Capped bool    `json:"capped"`
	Cap    float64 `json:"cap"`
}

// Validate checks the definition.
func (q IdentificationQuestion) Validate() error {
	var c questionCheck
	if len(q.Present) == 0 {
		c.add("at least one present indicator is required")
	}
	present := c.uniqueIDs("present indicator", q.Present)
	distractors := c.uniqueIDs("distractor", q.Distractors)
	for d := range distractors {
		if present[d] {
			c.add("%q is both present and a distractor", d)
		}
	}
	for _, code := range q.Critical {
		if !present[code] {
			c.add("critical indicator %q is not among the present ones", code)
		}
	}
	if cp := option(q.CriticalCap, DefaultCriticalCap); cp < 0 || cp > 1 {
		c.add("critical cap %v is outside 0..1", cp)
	}
	if w := option(q.FalseAlarmWeight, DefaultFalseAlarmWeight); w < 0 {
		c.add("false alarm weight %v is negative", w)
	}
	for _, e := range q.Evidence {
		if !present[e.Indicator] {
			c.add("evidence for %q, which is not a present indicator", e.Indicator)
		}
		if e.Start < 0 || e.End < e.Start {
			c.add("evidence for %q has an invalid span %d..%d", e.Indicator, e.Start, e.End)
		}
	}
	return c.err()
}

// GradeIndicatorIdentification marks a selection of indicators; see the formula above.
func GradeIndicatorIdentification(q IdentificationQuestion, r IdentificationResponse) (Mark, error) {
	if err := q.Validate(); err != nil {
		return Mark{}, err
	}
	allowed := make(map[string]bool, len(q.Present)+len(q.Distractors))
	for _, code := range q.Present {
		allowed[code] = true
	}
	for _, code := range q.Distractors {
		allowed[code] = true
	}
	var rc responseCheck
	selected := rc.checkSelection(r.Selected, allowed)
	if err := rc.err(); err != nil {
		return Mark{}, err
	}

	critical := make(map[string]bool, len(q.Critical))
	for _, code := range q.Critical {
		critical[code] = true
	}
	m := &IdentificationMark{
		Indicators:       make([]IndicatorMark, 0, len(allowed)),
		FalseAlarmWeight: option(q.FalseAlarmWeight, DefaultFalseAlarmWeight),
		Cap:              option(q.CriticalCap, DefaultCriticalCap),
	}
	for _, code := range q.Present {
		im := IndicatorMark{Code: code, Outcome: Missed, Critical: critical[code], Evidence: evidenceFor(q.Evidence, code)}
		if selected[code] {
			im.Outcome = Found
			m.Hits++
		} else {
			m.Misses++
			if im.Critical {
				m.CriticalMissed = append(m.CriticalMissed, code)
			}
		}
		m.Indicators = append(m.Indicators, im)
	}
	for _, code := range q.Distractors {
		im := IndicatorMark{Code: code, Outcome: CorrectlyLeftOut}
		if selected[code] {
			im.Outcome = FalseAlarm
			m.FalseAlarms++
		} else {
			m.CorrectlyLeftOut++
		}
		m.Indicators = append(m.Indicators, im)
	}

	m.HitRate = float64(m.Hits) / float64(len(q.Present))
	if len(q.Distractors) > 0 {
		m.FalseAlarmRate = float64(m.FalseAlarms) / float64(len(q.Distractors))
	}
	fraction := clampFraction(m.HitRate - m.FalseAlarmRate*m.FalseAlarmWeight)
	if len(m.CriticalMissed) > 0 && fraction > m.Cap {
		fraction, m.Capped = m.Cap, true
	}
	return Mark{Fraction: fraction, Identification: m}, nil
}

func evidenceFor(all []EvidencePassage, code string) []EvidencePassage {
	var out []EvidencePassage
	for _, e := range all {
		if e.Indicator == code {
			out = append(out, e)
		}
	}
	return out
}

// CheckEvidence verifies that every passage's quote is exactly the narrative's text at its span,
// so feedback never quotes words the case does not contain. It returns one message per problem.
func CheckEvidence(narrative string, passages []EvidencePassage) []string {
	var problems []string
	n := utf8.RuneCountInString(narrative)
	runes := []rune(narrative)
	for _, e := range passages {
		switch {
		case e.Start < 0 || e.End < e.Start || e.End > n:
			problems = append(problems, fmt.Sprintf("evidence for %s: span %d..%d is outside the narrative (%d characters)", e.Indicator, e.Start, e.End, n))
		case string(runes[e.Start:e.End]) != e.Quote:
			problems = append(problems, fmt.Sprintf("evidence for %s: the narrative at %d..%d reads %q, not %q", e.Indicator, e.Start, e.End, string(runes[e.Start:e.End]), e.Quote))
		}
	}
	return problems
}
