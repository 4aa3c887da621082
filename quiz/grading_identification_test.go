package quiz

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func ptr(f float64) *float64 { return &f }

func closeTo(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func identificationQuestion() IdentificationQuestion {
	return IdentificationQuestion{
		Present:     []string{"COE-DOCS", "COE-DEBT", "EXP-LIVING", "DST-VUL-UNFAMILIAR"},
		Distractors: []string{"COE-VIOLENCE", "EXP-HOURS"},
		Critical:    []string{"COE-DOCS"},
		Evidence: []EvidencePassage{
			{Indicator: "COE-DOCS", Start: 10, End: 40, Quote: "passports kept “for permits”"},
			{Indicator: "COE-DEBT", Start: 50, End: 70, Quote: "agency fees borrowed"},
		},
	}
}

func TestGradeIndicatorIdentification(t *testing.T) {
	all := []string{"COE-DOCS", "COE-DEBT", "EXP-LIVING", "DST-VUL-UNFAMILIAR", "COE-VIOLENCE", "EXP-HOURS"}
	tests := []struct {
		name     string
		edit     func(*IdentificationQuestion)
		selected []string
		fraction float64
		capped   bool
		outcomes string // outcome per candidate, present ones first, then distractors
	}{
		{
			name:     "nothing selected",
			selected: nil,
			fraction: 0,
			outcomes: "missed,missed,missed,missed,correctly_left_out,correctly_left_out",
		},
		{
			name:     "everything selected scores nothing",
			selected: all,
			fraction: 0,
			outcomes: "found,found,found,found,false_alarm,false_alarm",
		},
		{
			name:     "all present, no false alarm",
			selected: []string{"DST-VUL-UNFAMILIAR", "COE-DEBT", "EXP-LIVING", "COE-DOCS"},
			fraction: 1,
			outcomes: "found,found,found,found,correctly_left_out,correctly_left_out",
		},
		{
			name:     "three hits and one false alarm: 3/4 - 1/2",
			selected: []string{"COE-DOCS", "COE-DEBT", "EXP-LIVING", "EXP-HOURS"},
			fraction: 0.25,
			outcomes: "found,found,found,missed,correctly_left_out,false_alarm",
		},
		{
			name:     "critical miss caps 3/4 at 1/2",
			selected: []string{"COE-DEBT", "EXP-LIVING", "DST-VUL-UNFAMILIAR"},
			fraction: 0.5,
			capped:   true,
			outcomes: "missed,found,found,found,correctly_left_out,correctly_left_out",
		},
		{
			name:     "critical miss below the cap changes nothing",
			selected: []string{"COE-DEBT"},
			fraction: 0.25,
			outcomes: "missed,found,missed,missed,correctly_left_out,correctly_left_out",
		},
		{
			name:     "configured cap",
			edit:     func(q *IdentificationQuestion) { q.CriticalCap = ptr(0.2) },
			selected: []string{"COE-DEBT", "EXP-LIVING", "DST-VUL-UNFAMILIAR"},
			fraction: 0.2,
			capped:   true,
			outcomes: "missed,found,found,found,correctly_left_out,correctly_left_out",
		},
		{
			name:     "half-weight penalty: 1 - 1/2 * 1/2",
			edit:     func(q *IdentificationQuestion) { q.FalseAlarmWeight = ptr(0.5) },
			selected: []string{"COE-DOCS", "COE-DEBT", "EXP-LIVING", "DST-VUL-UNFAMILIAR", "COE-VIOLENCE"},
			fraction: 0.75,
			outcomes: "found,found,found,found,false_alarm,correctly_left_out",
		},
		{
			name:     "no penalty: everything selected is full marks",
			edit:     func(q *IdentificationQuestion) { q.FalseAlarmWeight = ptr(0) },
			selected: all,
			fraction: 1,
			outcomes: "found,found,found,found,false_alarm,false_alarm",
		},
		{
			name:     "heavy penalty never goes below zero",
			edit:     func(q *IdentificationQuestion) { q.FalseAlarmWeight = ptr(3) },
			selected: []string{"COE-DOCS", "COE-DEBT", "EXP-HOURS"},
			fraction: 0,
			outcomes: "found,found,missed,missed,correctly_left_out,false_alarm",
		},
		{
			name:     "no distractors, no penalty term",
			edit:     func(q *IdentificationQuestion) { q.Distractors = nil },
			selected: []string{"COE-DOCS", "COE-DEBT", "EXP-LIVING"},
			fraction: 0.75,
			outcomes: "found,found,found,missed",
		},
		{
			name:     "no critical indicators, no cap",
			edit:     func(q *IdentificationQuestion) { q.Critical = nil },
			selected: []string{"COE-DEBT", "EXP-LIVING", "DST-VUL-UNFAMILIAR"},
			fraction: 0.75,
			outcomes: "missed,found,found,found,correctly_left_out,correctly_left_out",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := identificationQuestion()
			if tt.edit != nil {
				tt.edit(&q)
			}
			m, err := GradeIndicatorIdentification(q, IdentificationResponse{Selected: tt.selected})
			if err != nil {
				t.Fatalf("grade: %v", err)
			}
			if got, want := m.Fraction, tt.fraction; !closeTo(got, want) {
				t.Fatalf("fraction = %v, want %v", got, want)
			}
			id := m.Identification
			if got, want := id.Capped, tt.capped; got != want {
				t.Fatalf("capped = %v, want %v", got, want)
			}
			var outcomes []string
			for _, im := range id.Indicators {
				outcomes = append(outcomes, string(im.Outcome))
				// Evidence is shown for present indicators, found or missed, never for distractors.
				wantEvidence := len(evidenceFor(q.Evidence, im.Code))
				if im.Outcome == FalseAlarm || im.Outcome == CorrectlyLeftOut {
					wantEvidence = 0
				}
				if got := len(im.Evidence); got != wantEvidence {
					t.Fatalf("%s evidence = %d passages, want %d", im.Code, got, wantEvidence)
				}
			}
			if got, want := strings.Join(outcomes, ","), tt.outcomes; got != want {
				t.Fatalf("outcomes = %s, want %s", got, want)
			}
			if got, want := id.Hits+id.Misses+id.FalseAlarms+id.CorrectlyLeftOut, len(q.Present)+len(q.Distractors); got != want {
				t.Fatalf("counts add up to %d, want %d", got, want)
			}
		})
	}
}

func TestGradeIndicatorIdentificationInvalid(t *testing.T) {
	t.Run("malformed response names every problem", func(t *testing.T) {
		_, err := GradeIndicatorIdentification(identificationQuestion(),
			IdentificationResponse{Selected: []string{"COE-DOCS", "NOPE", "COE-DOCS", "ALSO-NOPE"}})
		var re *ResponseError
		if !errors.As(err, &re) {
			t.Fatalf("err = %v, want *ResponseError", err)
		}
		if got, want := re.Error(), `invalid response: unknown "NOPE"; duplicate "COE-DOCS"; unknown "ALSO-NOPE"`; got != want {
			t.Fatalf("err = %s, want %s", got, want)
		}
	})
	t.Run("broken definition", func(t *testing.T) {
		q := IdentificationQuestion{
			Present:     []string{"A", "B", "A"},
			Distractors: []string{"B"},
			Critical:    []string{"X"},
			CriticalCap: ptr(1.5),
			Evidence:    []EvidencePassage{{Indicator: "Z", Start: 5, End: 2}},
		}
		_, err := GradeIndicatorIdentification(q, IdentificationResponse{})
		var qe *QuestionError
		if !errors.As(err, &qe) {
			t.Fatalf("err = %v, want *QuestionError", err)
		}
		if got, want := len(qe.Problems), 6; got != want {
			t.Fatalf("problems = %d (%v), want %d", got, qe.Problems, want)
		}
	})
	t.Run("no present indicator", func(t *testing.T) {
		_, err := GradeIndicatorIdentification(IdentificationQuestion{Distractors: []string{"A"}}, IdentificationResponse{})
		var qe *QuestionError
		if !errors.As(err, &qe) {
			t.Fatalf("err = %v, want *QuestionError", err)
		}
	})
}

func TestCheckEvidence(t *testing.T) {
	narrative := "Радници кажу да им је пасош узет „због дозвола“."
	good := EvidencePassage{Indicator: "COE-DOCS", Start: 22, End: 47, Quote: "пасош узет „због дозвола“"}
	if problems := CheckEvidence(narrative, []EvidencePassage{good}); len(problems) != 0 {
		t.Fatalf("problems = %v, want none (offsets are in code points)", problems)
	}
	bad := []EvidencePassage{
		{Indicator: "COE-DOCS", Start: 21, End: 46, Quote: good.Quote},
		{Indicator: "COE-DEBT", Start: 40, End: 400, Quote: "x"},
	}
	if got, want := len(CheckEvidence(narrative, bad)), 2; got != want {
		t.Fatalf("problems = %d, want %d", got, want)
	}
}
