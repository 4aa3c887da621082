package quiz

import (
	"errors"
	"testing"
)

func TestGradeOrdering(t *testing.T) {
	// The referral steps of scenario 1, in order.
	q := OrderingQuestion{Items: []string{"document", "interview", "protect", "report", "refer"}}
	tests := []struct {
		name     string
		order    []string
		fraction float64
		inPlace  int
	}{
		{"right order", []string{"document", "interview", "protect", "report", "refer"}, 1, 5},
		{"reversed", []string{"refer", "report", "protect", "interview", "document"}, 0, 1},
		{"one adjacent swap costs one pair in ten", []string{"interview", "document", "protect", "report", "refer"}, 0.9, 3},
		{"first step last keeps the others' order", []string{"interview", "protect", "report", "refer", "document"}, 0.6, 0},
		{"nothing", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := GradeOrdering(q, OrderingResponse{Order: tt.order})
			if err != nil {
				t.Fatalf("grade: %v", err)
			}
			if got, want := m.Fraction, tt.fraction; !closeTo(got, want) {
				t.Fatalf("fraction = %v, want %v", got, want)
			}
			inPlace := 0
			for _, it := range m.Order.Items {
				if it.InPlace {
					inPlace++
				}
			}
			if got, want := inPlace, tt.inPlace; got != want {
				t.Fatalf("in place = %d, want %d", got, want)
			}
		})
	}

	_, err := GradeOrdering(q, OrderingResponse{Order: []string{"document", "document", "nope", "report", "refer"}})
	var re *ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *ResponseError", err)
	}
	if got, want := re.Error(), `invalid response: duplicate "document"; unknown "nope"; missing "interview"; missing "protect"`; got != want {
		t.Fatalf("err = %s, want %s", got, want)
	}
	var qe *QuestionError
	if _, err := GradeOrdering(OrderingQuestion{Items: []string{"a"}}, OrderingResponse{}); !errors.As(err, &qe) {
		t.Fatalf("err = %v, want *QuestionError", err)
	}
}

func TestGradeMatching(t *testing.T) {
	q := MatchingQuestion{
		Pairs: []MatchPair{
			{Left: "OBS-LI-RECORDS", Right: "EXP-NORIGHTS"},
			{Left: "OBS-MED-INJURY", Right: "COE-VIOLENCE"},
			{Left: "OBS-MED-NEGLECT", Right: "EXP-LIVING"},
		},
		ExtraRights: []string{"COE-DOCS"},
	}
	pairs := func(kv ...string) []MatchPair {
		var out []MatchPair
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, MatchPair{Left: kv[i], Right: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name     string
		pairs    []MatchPair
		fraction float64
	}{
		{"all right", pairs("OBS-MED-NEGLECT", "EXP-LIVING", "OBS-LI-RECORDS", "EXP-NORIGHTS", "OBS-MED-INJURY", "COE-VIOLENCE"), 1},
		{"two of three", pairs("OBS-LI-RECORDS", "EXP-NORIGHTS", "OBS-MED-INJURY", "COE-VIOLENCE", "OBS-MED-NEGLECT", "COE-DOCS"), 0.666667},
		{"unanswered counts as wrong", pairs("OBS-LI-RECORDS", "EXP-NORIGHTS"), 0.333333},
		{"a cleared answer is unanswered", pairs("OBS-LI-RECORDS", "EXP-NORIGHTS", "OBS-MED-INJURY", ""), 0.333333},
		{"all to one right", pairs("OBS-LI-RECORDS", "EXP-LIVING", "OBS-MED-INJURY", "EXP-LIVING", "OBS-MED-NEGLECT", "EXP-LIVING"), 0.333333},
		{"nothing", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := GradeMatching(q, MatchingResponse{Pairs: tt.pairs})
			if err != nil {
				t.Fatalf("grade: %v", err)
			}
			if got, want := m.Fraction, tt.fraction; !closeTo(got, want) {
				t.Fatalf("fraction = %v, want %v", got, want)
			}
			if got, want := len(m.Matches), len(q.Pairs); got != want {
				t.Fatalf("feedback = %d items, want %d", got, want)
			}
		})
	}

	_, err := GradeMatching(q, MatchingResponse{Pairs: pairs("NOPE", "EXP-LIVING", "OBS-LI-RECORDS", "NOPE-R", "OBS-MED-INJURY", "", "OBS-MED-INJURY", "COE-VIOLENCE")})
	var re *ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *ResponseError", err)
	}
	if got, want := re.Error(), `invalid response: unknown "NOPE"; unknown "NOPE-R"; duplicate "OBS-MED-INJURY"`; got != want {
		t.Fatalf("err = %s, want %s", got, want)
	}
	var qe *QuestionError
	bad := MatchingQuestion{Pairs: []MatchPair{{Left: "a", Right: "x"}, {Left: "a", Right: ""}}, ExtraRights: []string{"x"}}
	if _, err := GradeMatching(bad, MatchingResponse{}); !errors.As(err, &qe) || len(qe.Problems) != 3 {
		t.Fatalf("err = %v, want a *QuestionError with 3 problems", err)
	}
}
