package quiz_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/apitest"
)

// A scenario's next step is stored, read back, and shown in review with the answer key; a
// matching question's items are shown in the learner's language and script, and answered by id.
func TestAPINextStepAndMatchingTexts(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	e := newAPIEnv(t)
	e.do("learner", "PATCH", "/api/v1/me", map[string]any{"locale": "en"}).WantStatus(200)
	e.do("learner_b", "PATCH", "/api/v1/me", map[string]any{"locale": "sr-Latn"}).WantStatus(200)

	next := map[string]string{"sr": "Обавестите **тужиоца** и понудите упућивање.", "en": "Inform the **prosecutor** and offer a referral."}
	var sc struct {
		ID       int64             `json:"id"`
		NextStep map[string]string `json:"next_step"`
	}
	e.do("trainer", "POST", "/api/v1/scenarios", map[string]any{
		"course_id": e.course, "title": map[string]string{"sr": "Хитна помоћ", "en": "Emergency room"}, "age_group": "adult", "exploitation": "sexual",
		"professions": []string{"health"}, "narrative": map[string]string{"sr": "Жена са сапутником.", "en": apiNarrative},
		"present": []string{"OBS-MED-MINDER", "COE-DOCS"}, "next_step": next,
	}).WantStatus(201).JSON(&sc)
	if sc.NextStep["en"] != next["en"] || sc.NextStep["sr"] != next["sr"] {
		t.Fatalf("next_step stored as %+v", sc.NextStep)
	}
	e.do("trainer", "GET", fmt.Sprintf("/api/v1/scenarios/%d", sc.ID), nil).WantStatus(200).JSON(&sc)
	if sc.NextStep["en"] != next["en"] {
		t.Fatalf("next_step read back as %+v", sc.NextStep)
	}
	long := strings.Repeat("x", 2001)
	e.do("trainer", "POST", "/api/v1/scenarios", map[string]any{
		"course_id": e.course, "title": map[string]string{"en": "Long"}, "age_group": "adult", "exploitation": "sexual",
		"professions": []string{"health"}, "narrative": map[string]string{"en": "x"}, "present": []string{"COE-DOCS"}, "next_step": map[string]string{"en": long},
	}).WantProblem(400, "validation_failed")

	newQ := func(content map[string]any) int64 {
		var q struct{ ID int64 }
		e.do("trainer", "POST", "/api/v1/questions", map[string]any{"course_id": e.course, "content": content}).WantStatus(201).JSON(&q)
		return q.ID
	}
	caseQ := newQ(map[string]any{"type": "case_assessment", "stem": map[string]string{"en": "What is it?"}, "scenario_id": sc.ID})
	texts := map[string]any{
		"a":  map[string]string{"sr": "Пасош је код послодавца", "en": "The employer keeps the passport"},
		"b":  map[string]string{"sr": "Дугује за собу", "en": "Owes for the room"},
		"r1": map[string]string{"sr": "Одузете исправе", "en": "Confiscated documents"},
		"r2": map[string]string{"sr": "Дужничко ропство", "en": "Debt bondage"},
		"r3": map[string]string{"sr": "Обмана о заради", "en": "Deceived about pay"},
	}
	match := newQ(map[string]any{"type": "matching", "stem": map[string]string{"sr": "Повежите.", "en": "Match."},
		"pairs": []any{map[string]string{"left": "a", "right": "r1"}, map[string]string{"left": "b", "right": "r2"}}, "extra_rights": []string{"r3"},
		"match_texts": texts})
	// A text for an item the pairs do not name is refused.
	e.do("trainer", "POST", "/api/v1/questions", map[string]any{"course_id": e.course, "content": map[string]any{"type": "matching", "stem": map[string]string{"en": "M"},
		"pairs":       []any{map[string]string{"left": "a", "right": "r1"}, map[string]string{"left": "b", "right": "r2"}},
		"match_texts": map[string]any{"zz": map[string]string{"en": "?"}}}}).WantProblem(400, "validation_failed")
	// Texts belong to matching questions only.
	e.do("trainer", "POST", "/api/v1/questions", map[string]any{"course_id": e.course, "content": map[string]any{"type": "true_false", "stem": map[string]string{"en": "T"},
		"answer": true, "match_texts": map[string]any{"a": map[string]string{"en": "?"}}}}).WantProblem(400, "validation_failed")

	var qz struct{ ID int64 }
	e.do("trainer", "POST", "/api/v1/quizzes", map[string]any{"module_id": e.module, "settings": map[string]any{"title": map[string]string{"en": "Review"}},
		"slots": []any{map[string]any{"question_id": caseQ}, map[string]any{"question_id": match}}}).WantStatus(201).JSON(&qz)
	e.do("trainer", "POST", fmt.Sprintf("/api/v1/quizzes/%d/publish", qz.ID), nil).WantStatus(200)

	type choice struct{ ID, Text string }
	type attempt struct {
		ID        int64 `json:"id"`
		Questions []struct {
			Position int      `json:"position"`
			Type     string   `json:"type"`
			Lefts    []choice `json:"lefts"`
			Rights   []choice `json:"rights"`
			Solution *struct {
				NextStepHTML string `json:"next_step_html"`
				Mark         struct {
					Matches []struct {
						Left         string `json:"left"`
						Expected     string `json:"expected"`
						Given        string `json:"given"`
						LeftText     string `json:"left_text"`
						ExpectedText string `json:"expected_text"`
						GivenText    string `json:"given_text"`
						Correct      bool   `json:"correct"`
					} `json:"matches"`
				} `json:"mark"`
			} `json:"solution"`
		} `json:"questions"`
	}
	for _, c := range []struct {
		who, left, right, next string
		rights                 string // the right-hand choices, sorted by their text in the learner's language
	}{
		{"learner", "The employer keeps the passport", "Confiscated documents", "Inform the <strong>prosecutor</strong>", "r1 r2 r3"},
		{"learner_b", "Pasoš je kod poslodavca", "Oduzete isprave", "Obavestite <strong>tužioca</strong>", "r2 r3 r1"},
	} {
		var att attempt
		e.do(c.who, "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), nil).WantStatus(201).JSON(&att)
		for _, q := range att.Questions {
			path := fmt.Sprintf("/api/v1/attempts/%d/answers/%d", att.ID, q.Position)
			if q.Type != "matching" {
				e.do(c.who, "PUT", path, map[string]any{"outcome": "insufficient", "positive_dimensions": []string{}}).WantStatus(200)
				continue
			}
			texts := map[string]string{}
			var rights []string
			for _, ch := range append(append([]choice{}, q.Lefts...), q.Rights...) {
				texts[ch.ID] = ch.Text
			}
			for _, ch := range q.Rights {
				rights = append(rights, ch.ID)
			}
			if strings.Join(rights, " ") != c.rights {
				t.Errorf("%s: rights in the order %v, want %s", c.who, rights, c.rights)
			}
			if len(q.Lefts) != 2 || len(q.Rights) != 3 || texts["a"] != c.left || texts["r1"] != c.right {
				t.Fatalf("%s sees lefts %+v rights %+v", c.who, q.Lefts, q.Rights)
			}
			// Answered by id: one right, one wrong.
			e.do(c.who, "PUT", path, map[string]any{"pairs": []any{map[string]string{"left": "a", "right": "r1"}, map[string]string{"left": "b", "right": "r3"}}}).WantStatus(200)
			// A text is not an id.
			e.do(c.who, "PUT", path, map[string]any{"pairs": []any{map[string]string{"left": c.left, "right": "r1"}}}).WantProblem(422, "invalid_response")
		}
		e.do(c.who, "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", att.ID), nil).WantStatus(200).JSON(&att)
		for _, q := range att.Questions {
			if q.Solution == nil {
				t.Fatalf("%s: no solution for %s", c.who, q.Type)
			}
			if q.Type == "case_assessment" && !strings.Contains(q.Solution.NextStepHTML, c.next) {
				t.Errorf("%s: next step %q, want %q", c.who, q.Solution.NextStepHTML, c.next)
			}
			if q.Type == "matching" {
				m := q.Solution.Mark.Matches
				if len(m) != 2 || m[0].LeftText != c.left || m[0].ExpectedText != c.right || !m[0].Correct || m[1].Correct || m[1].Given != "r3" || m[1].GivenText == "" || m[1].GivenText == "r3" {
					t.Errorf("%s: matches %+v", c.who, m)
				}
			}
		}
	}
}
