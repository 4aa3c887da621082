package quiz

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkAssess: the decision rule on the largest domain scenario (15 codes, 3 signs).
func BenchmarkAssess(b *testing.B) {
	cat := loadDefaultCatalogue(b)
	sc := domainScenarios[5]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assess(cat, sc.list, sc.present); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradeIndicatorIdentification: 12 present indicators, 12 distractors, evidence for
// each present one, a learner who finds most and raises two false alarms.
func BenchmarkGradeIndicatorIdentification(b *testing.B) {
	cat := loadDefaultCatalogue(b)
	var q IdentificationQuestion
	for i, ind := range cat.Indicators[:24] {
		if i%2 == 0 {
			q.Present = append(q.Present, ind.Code)
			q.Evidence = append(q.Evidence, EvidencePassage{Indicator: ind.Code, Start: i * 10, End: i*10 + 8, Quote: "passage"})
		} else {
			q.Distractors = append(q.Distractors, ind.Code)
		}
	}
	q.Critical = q.Present[:2]
	r := IdentificationResponse{Selected: append(append([]string{}, q.Present[1:10]...), q.Distractors[:2]...)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GradeIndicatorIdentification(q, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseGIFT: a 40-question bank mixing every type, categories, comments and escapes.
func BenchmarkParseGIFT(b *testing.B) {
	var sb strings.Builder
	for i := range 5 {
		fmt.Fprintf(&sb, "$CATEGORY: $course$/top/Bank %d\n\n", i)
		fmt.Fprintf(&sb, "// [id:MC-%d] [tag:police]\n::Documents %d::Who may keep a worker's passport? {\n=No one but the worker#Right.\n~The employer#No.\n~The agency \\= broker#No.\n####COE-DOCS is strong.\n}\n\n", i, i)
		fmt.Fprintf(&sb, "Which are strong? {\n~%%50%%COE-DOCS\n~%%50%%COE-DEBT\n~%%-100%%EXP-PAY\n}\n\n")
		fmt.Fprintf(&sb, "Consent of a child is a defence.{FALSE#No.#Right.}\n\n")
		fmt.Fprintf(&sb, "Match. {\n=OBS-LI-RECORDS -> EXP-NORIGHTS\n=OBS-MED-INJURY -> COE-VIOLENCE\n}\n\n")
		fmt.Fprintf(&sb, "Name the centre. {=Centre =%%50%%the Centre#Full name.}\n\n")
		fmt.Fprintf(&sb, "Days of reflection? {#30:0}\n\n")
		fmt.Fprintf(&sb, "[markdown]Describe a referral. {}\n\n")
		fmt.Fprintf(&sb, "Read the **case** below.\n\n")
	}
	src := sb.String()
	if p := ParseGIFT(src); len(p.Errors) > 0 || len(p.Questions) != 40 {
		b.Fatalf("bench input: %d questions, errors %+v", len(p.Questions), p.Errors)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		ParseGIFT(src)
	}
}
