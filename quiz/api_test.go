package quiz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/quiz"
)

// apiEnv is the real platform with a published course (one module, one lesson) by the
// fixture's trainer, in which the fixture's learner is enrolled.
type apiEnv struct {
	t      *testing.T
	s      *apitest.Server
	f      *apitest.Fixture
	course int64
	module int64
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	s := apitest.New(t)
	f := s.NewFixture()
	ctx := context.Background()
	trainer := &accounts.Principal{UserID: f.Users["trainer"], Trainer: true}
	c, err := s.App.Courses.CreateCourse(ctx, trainer, courses.CourseFields{Slug: "recognising-trafficking", Title: courses.LocalText{Sr: "Препознавање", En: "Recognising"},
		Professions: []string{"police"}, Level: "introductory", SelfEnrol: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.App.Courses.CreateModule(ctx, trainer, c.ID, courses.LocalText{Sr: "Случајеви", En: "Cases"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Courses.CreateLesson(ctx, trainer, m.ID, courses.LessonFields{Key: "intro", Title: courses.LocalText{Sr: "Увод"}, Body: courses.LocalText{Sr: "Текст."}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Courses.Publish(ctx, trainer, c.ID); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"learner", "learner_b"} {
		p := &accounts.Principal{UserID: f.Users[who]}
		if _, _, err := s.App.Courses.Enrol(ctx, p, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	return &apiEnv{t: t, s: s, f: f, course: c.ID, module: m.ID}
}

func (e *apiEnv) do(who, method, path string, body any) *apitest.Response {
	e.t.Helper()
	return e.s.As(e.f, who, apitest.Request{Method: method, Path: path, Body: body})
}

func (e *apiEnv) text(who, method, path, contentType, body string) *apitest.Response {
	e.t.Helper()
	return e.s.As(e.f, who, apitest.Request{Method: method, Path: path, Body: body, Header: map[string]string{"Content-Type": contentType}})
}

// The ten scenario sketches of the domain sheet, through the public assess endpoint.
var domainCases = []struct {
	list     string
	present  string
	positive string
	outcome  string
}{
	{"adult-labour", "REC-DEC-WAGES REC-DEC-CONDITIONS REC-DEC-CONTRACT REC-COE-DEBT EXP-LIVING EXP-WAGEMANIP EXP-NORIGHTS COE-DOCS COE-DEBT COE-WITHHOLDWAGES DST-VUL-DEPENDENCY DST-VUL-UNFAMILIAR DST-VUL-STATUS", "D1 D4 D5 D6", "trafficking"},
	{"adult-labour", "EXP-HOURS EXP-PAY EXP-NORIGHTS REC-VUL-ECONOMIC DST-VUL-ECONFAMILY", "D4", "exploitation"},
	{"child-sexual", "REC-DEC-FAMILY REC-VUL-EMOTIONAL REC-VUL-FAMILY REC-VUL-PERSONAL EXP-PAY EXP-HOURS COE-DOCS COE-ISOLATION COE-DEBT COE-TASKS OBS-POL-SETTING", "D3 D4 D5", "trafficking"},
	{"child-labour", "COE-CRIMINAL COE-TASKS COE-VIOLENCE EXP-HOURS EXP-NOEDUCATION REC-VUL-FAMILY REC-VUL-ECONOMIC OBS-POL-OFFENDER OBS-SW-CHILDBEG", "D4 D5", "trafficking"},
	{"adult-sexual", "OBS-MED-MINDER OBS-MED-INJURY OBS-MED-SEXHEALTH COE-DOCS COE-ISOLATION COE-VIOLENCE DST-VUL-UNFAMILIAR", "D5", "insufficient"},
	{"adult-labour", "REC-DEC-WAGES REC-DEC-CONDITIONS REC-DEC-DOCS REC-COE-DEBT EXP-HOURS EXP-LIVING COE-DOCS COE-DEBT COE-WITHHOLDWAGES DST-VUL-DEPENDENCY DST-VUL-STATUS DST-VUL-UNFAMILIAR OBS-MED-MINDER OBS-MED-OCCUP OBS-MED-NEGLECT", "D1 D4 D5 D6", "trafficking"},
	{"child-sexual", "OBS-TCH-ATTEND OBS-TCH-OLDERPARTNER OBS-TCH-CHANGE REC-VUL-EMOTIONAL REC-DEC-FAMILY COE-DEBT COE-TASKS", "D5", "trafficking"},
	{"child-labour", "REC-COE-ABDUCTSALE REC-VUL-FAMILY REC-VUL-ECONOMIC REC-VUL-CULTURE-CONTEXT EXP-NOEDUCATION OBS-TCH-FAMILY OBS-TCH-ATTEND", "D3", "insufficient"},
	{"adult-sexual", "REC-DEC-JOBNATURE REC-DEC-WAGES COE-DOCS COE-DEBT COE-FAMILYHARM COE-THREAT-EXPOSE EXP-PAY EXP-WAGEMANIP EXP-HOURS OBS-JUD-INTIMIDATION OBS-JUD-VULNWITNESS", "D1 D4 D5", "trafficking"},
	{"adult-sexual", "REC-DEC-JOBNATURE REC-DEC-WAGES REC-VUL-PAST REC-VUL-FAMILY EXP-PAY EXP-WAGEMANIP EXP-HOURS COE-ISOLATION COE-DEBT COE-WITHHOLDWAGES OBS-POL-OFFENDER", "D1 D4 D5", "trafficking"},
}

type assessment struct {
	Outcome    string `json:"outcome"`
	Dimensions []struct {
		Code     string `json:"code"`
		Positive bool   `json:"positive"`
		Reason   struct {
			Text string `json:"text"`
		} `json:"reason"`
	} `json:"dimensions"`
	Explanation struct {
		Text string `json:"text"`
	} `json:"explanation"`
	CatalogueVersion int `json:"catalogue_version"`
}

func TestAPIAssessReproducesTheDomainScenarios(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	for i, c := range domainCases {
		r := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/indicators/assess", Body: map[string]any{"list": c.list, "present": strings.Fields(c.present)}}).WantStatus(200)
		var a assessment
		r.JSON(&a)
		var positive []string
		for _, d := range a.Dimensions {
			if d.Reason.Text == "" {
				t.Fatalf("scenario %d: dimension %s without a reason", i+1, d.Code)
			}
			if d.Positive {
				positive = append(positive, d.Code)
			}
		}
		if got := strings.Join(positive, " "); got != c.positive || a.Outcome != c.outcome || a.Explanation.Text == "" {
			t.Errorf("scenario %d: positive %q outcome %q, want %q %q", i+1, got, a.Outcome, c.positive, c.outcome)
		}
	}
	// Unknown codes are a 422 naming each.
	p := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/indicators/assess", Body: map[string]any{"list": "adult-labour", "present": []string{"COE-DOCS", "COE-TELEPATHY", "X-1"}}}).
		WantProblem(422, "unknown_codes")
	if len(p.Errors) != 2 || p.Errors[0].Field != "present.1" || !strings.Contains(p.Errors[0].Message, "COE-TELEPATHY") || p.Errors[1].Field != "present.2" {
		t.Fatalf("errors = %+v", p.Errors)
	}
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/indicators/assess", Body: map[string]any{"list": "adult-farming", "present": []string{}}}).WantProblem(422, "unknown_list")
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/indicators/assess", Body: map[string]any{"list": "adult-labour", "present": []string{}, "outcome": "trafficking"}}).WantProblem(400, "unknown_field")
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/indicators/assess", Body: "list=adult-labour", Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}).
		WantProblem(415, "unsupported_media_type")
}

func TestAPICatalogueReadAndEdit(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	e := newAPIEnv(t)
	r := e.do("anonymous", "GET", "/api/v1/indicators", nil).WantStatus(200)
	var cat struct {
		Version    int `json:"version"`
		Indicators []struct {
			Code     string            `json:"code"`
			Strength map[string]string `json:"strength"`
			Review   string            `json:"review"`
		} `json:"indicators"`
		Signs []struct {
			Code   string   `json:"code"`
			MapsTo []string `json:"maps_to"`
		} `json:"signs"`
	}
	r.JSON(&cat)
	if cat.Version != 1 || len(cat.Indicators) < 50 || len(cat.Signs) < 10 || len(cat.Indicators[0].Strength) != 4 || cat.Indicators[0].Review == "" {
		t.Fatalf("catalogue: version %d, %d indicators, %d signs", cat.Version, len(cat.Indicators), len(cat.Signs))
	}

	yml, err := os.ReadFile("../content/catalogue/indicators.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(yml), "Deceived about pay", "Deceived about the pay", 1)
	e.text("learner", "PUT", "/api/v1/indicators", "application/yaml", edited).WantProblem(403, "forbidden")
	e.text("trainer", "PUT", "/api/v1/indicators", "application/yaml", edited).WantProblem(403, "forbidden")
	e.text("admin", "PUT", "/api/v1/indicators", "text/plain", edited).WantProblem(415, "unsupported_media_type")
	p := e.text("admin", "PUT", "/api/v1/indicators", "application/yaml", strings.Replace(edited, "review: reviewed", "review: maybe", 1)).WantProblem(422, "invalid_catalogue")
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Field, ".review") || !strings.HasPrefix(p.Errors[0].Message, "line ") {
		t.Fatalf("errors = %+v", p.Errors)
	}
	r = e.text("admin", "PUT", "/api/v1/indicators", "application/yaml", edited).WantStatus(200)
	r.JSON(&cat)
	if cat.Version != 2 {
		t.Fatalf("edit made version %d", cat.Version)
	}
	// The JSON the API serves is accepted back as it is.
	old := e.do("anonymous", "GET", "/api/v1/indicators?version=1", nil).WantStatus(200)
	r = e.text("admin", "PUT", "/api/v1/indicators", "application/json", old.Body.String()).WantStatus(200)
	r.JSON(&cat)
	if cat.Version != 3 {
		t.Fatalf("JSON edit made version %d", cat.Version)
	}
	// An edit of an older version is refused rather than replacing the newer one.
	e.text("admin", "PUT", "/api/v1/indicators?base_version=2", "application/yaml", edited).WantProblem(409, "catalogue_changed")
	e.text("admin", "PUT", "/api/v1/indicators?base_version=x", "application/yaml", edited).WantProblem(400, "invalid_query")
	e.text("admin", "PUT", "/api/v1/indicators?base_version=3", "application/yaml", edited).WantStatus(200).JSON(&cat)
	if cat.Version != 4 {
		t.Fatalf("edit of the latest made version %d", cat.Version)
	}
	var versions struct {
		Items []struct{ Version int } `json:"items"`
	}
	e.do("anonymous", "GET", "/api/v1/indicators/versions", nil).WantStatus(200).JSON(&versions)
	if len(versions.Items) != 4 || versions.Items[0].Version != 4 {
		t.Fatalf("versions = %+v", versions.Items)
	}
	e.do("anonymous", "GET", "/api/v1/indicators?version=9", nil).WantProblem(404, "catalogue_version_not_found")
}

func TestAPIGIFTPreviewAndImport(t *testing.T) {
	e := newAPIEnv(t)
	src := "// [id:Q1] [tag:police]\n::Passports::Who may keep a worker's passport? {\n=No one but the worker#Right.\n~%-50%The employer#No.\n}\n\n" +
		"Consent of a child is a defence.{FALSE#No.#Right.}\n\nName the centre. {=Centre}\n\nBroken {=a\n"
	r := e.text("trainer", "POST", "/api/v1/gift/preview", "text/plain; charset=utf-8", src).WantStatus(200)
	var pv struct {
		Questions []struct {
			Type    string   `json:"type"`
			ID      string   `json:"id"`
			Tags    []string `json:"tags"`
			Title   string   `json:"title"`
			Options []struct {
				Text     string  `json:"text"`
				Fraction float64 `json:"fraction"`
				Feedback string  `json:"feedback"`
			} `json:"options"`
		} `json:"questions"`
		Errors []struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	r.JSON(&pv)
	if len(pv.Questions) != 3 || pv.Questions[0].ID != "Q1" || pv.Questions[0].Options[1].Fraction != -0.5 ||
		pv.Questions[1].Type != "truefalse" || pv.Questions[1].Options[0].Text != "True" || len(pv.Errors) != 1 || pv.Errors[0].Line != 11 {
		t.Fatalf("preview = %+v", pv)
	}
	e.text("learner", "POST", "/api/v1/gift/preview", "text/plain", src).WantProblem(403, "forbidden")
	e.text("trainer", "POST", "/api/v1/gift/preview", "text/plain; charset=latin1", src).WantProblem(415, "unsupported_media_type")
	e.text("trainer", "POST", "/api/v1/gift/preview", "application/json", `"x"`).WantProblem(415, "unsupported_media_type")

	imp := fmt.Sprintf("/api/v1/question-imports?course_id=%d&lang=en", e.course)
	e.text("trainer", "POST", imp, "text/plain", src).WantProblem(422, "gift_errors")
	good := strings.TrimSuffix(src, "Broken {=a\n")
	r = e.text("trainer", "POST", imp+"&preview=true", "text/plain", good).WantStatus(200)
	var rep quiz.GIFTImportReport
	r.JSON(&rep)
	if !rep.Preview || len(rep.Imported) != 2 || len(rep.Skipped) != 1 || rep.Skipped[0].GIFTType != quiz.GIFTShortAnswer {
		t.Fatalf("preview report = %+v", rep)
	}
	var list struct{ Total int }
	e.do("trainer", "GET", fmt.Sprintf("/api/v1/questions?course_id=%d", e.course), nil).WantStatus(200).JSON(&list)
	if list.Total != 0 {
		t.Fatal("the preview saved questions")
	}
	r = e.text("trainer", "POST", imp, "text/plain", good).WantStatus(201)
	r.JSON(&rep)
	if rep.Preview || len(rep.Imported) != 2 || rep.Imported[0].QuestionID == 0 {
		t.Fatalf("import report = %+v", rep)
	}
	e.do("trainer", "GET", fmt.Sprintf("/api/v1/questions?course_id=%d&tag=police", e.course), nil).WantStatus(200).JSON(&list)
	if list.Total != 1 {
		t.Fatalf("%d questions tagged police", list.Total)
	}
	// Another trainer's course: not found.
	e.text("admin", "POST", imp, "text/plain", good).WantStatus(201)
	e.text("trainer", "POST", "/api/v1/question-imports?course_id=999", "text/plain", good).WantProblem(404, "course_not_found")
}

const apiNarrative = "A 21-year-old woman comes to the emergency room with a broken wrist \"from the stairs\". " +
	"Her companion answers every question and pays in cash. She has bruises of different ages. " +
	"He keeps her identity card. She cannot give her address."

func evidence(t *testing.T, code, quote string) map[string]any {
	i := strings.Index(apiNarrative, quote)
	if i < 0 {
		t.Fatalf("%q not in the narrative", quote)
	}
	start := len([]rune(apiNarrative[:i]))
	return map[string]any{"indicator": code, "start": start, "end": start + len([]rune(quote)), "quote": quote}
}

// The whole flow through the API: a trainer builds a bank and a quiz, a learner takes it, the
// review and analytics follow the rules.
func TestAPIQuizFlow(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	e := newAPIEnv(t)
	var sc struct {
		ID   int64  `json:"id"`
		List string `json:"list"`
	}
	present := []string{"OBS-MED-MINDER", "OBS-MED-INJURY", "COE-DOCS", "COE-ISOLATION", "COE-VIOLENCE", "DST-VUL-UNFAMILIAR"}
	e.do("trainer", "POST", "/api/v1/scenarios", map[string]any{
		"course_id": e.course, "title": map[string]string{"en": "Emergency room"}, "age_group": "adult", "exploitation": "sexual",
		"professions": []string{"health"}, "content_warning": map[string]string{"en": "Violence"}, "narrative": map[string]string{"en": apiNarrative},
		"present": present, "evidence": map[string]any{"en": []any{evidence(t, "COE-DOCS", "He keeps her identity card"), evidence(t, "OBS-MED-MINDER", "Her companion answers every question")}},
	}).WantStatus(201).JSON(&sc)
	if sc.List != "adult-sexual" {
		t.Fatalf("scenario list %q", sc.List)
	}
	e.do("learner", "POST", "/api/v1/scenarios", map[string]any{"course_id": e.course}).WantProblem(403, "forbidden")
	e.do("admin", "GET", fmt.Sprintf("/api/v1/scenarios/%d", sc.ID), nil).WantStatus(200)

	newQ := func(content map[string]any) int64 {
		var q struct{ ID int64 }
		e.do("trainer", "POST", "/api/v1/questions", map[string]any{"course_id": e.course, "tags": []string{"er"}, "content": content}).WantStatus(201).JSON(&q)
		return q.ID
	}
	ident := newQ(map[string]any{"type": "indicator_identification", "title": "Signs", "stem": map[string]string{"en": "Which are present?"},
		"scenario_id": sc.ID, "distractors": []string{"EXP-HOURS", "COE-DEBT"}, "critical": []string{"COE-DOCS"}})
	caseQ := newQ(map[string]any{"type": "case_assessment", "stem": map[string]string{"en": "What is it?"}, "scenario_id": sc.ID})
	tf := newQ(map[string]any{"type": "true_false", "stem": map[string]string{"en": "Confront the companion."}, "answer": false})
	// A client cannot send the right answer of a case assessment: it is computed.
	e.do("trainer", "POST", "/api/v1/questions", map[string]any{"course_id": e.course, "content": map[string]any{
		"type": "case_assessment", "stem": map[string]string{"en": "x"}, "scenario_id": sc.ID, "outcome": "trafficking"}}).WantProblem(400, "unknown_field")

	var qz struct {
		ID          int64 `json:"id"`
		Publication *struct {
			CatalogueVersion int `json:"catalogue_version"`
			Questions        int `json:"questions"`
		} `json:"publication"`
	}
	e.do("trainer", "POST", "/api/v1/quizzes", map[string]any{"module_id": e.module, "settings": map[string]any{
		"title": map[string]string{"en": "ER case"}, "pass_mark": 0.6, "attempts_allowed": 2, "shuffle_options": true,
		"review":           map[string]string{"right_answers": "after_close"},
		"overall_feedback": []any{map[string]any{"min_score": 0.6, "text": map[string]string{"en": "Well spotted."}}},
	}, "slots": []any{map[string]any{"question_id": ident, "points": 2}, map[string]any{"question_id": caseQ}, map[string]any{"question_id": tf}}}).WantStatus(201).JSON(&qz)
	// A draft is invisible to learners; publishing pins it.
	e.do("learner", "GET", fmt.Sprintf("/api/v1/quizzes/%d", qz.ID), nil).WantProblem(404, "quiz_not_found")
	e.do("learner", "POST", fmt.Sprintf("/api/v1/quizzes/%d/publish", qz.ID), nil).WantProblem(403, "forbidden")
	e.do("trainer", "POST", fmt.Sprintf("/api/v1/quizzes/%d/publish", qz.ID), nil).WantStatus(200).JSON(&qz)
	if qz.Publication == nil || qz.Publication.CatalogueVersion != 1 || qz.Publication.Questions != 3 {
		t.Fatalf("publication = %+v", qz.Publication)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	e.do("learner", "GET", fmt.Sprintf("/api/v1/quizzes?course_id=%d", e.course), nil).WantStatus(200).JSON(&list)
	if len(list.Items) != 1 || strings.Contains(string(list.Items[0]), `"draft"`) {
		t.Fatalf("learner's list: %s", list.Items)
	}

	type attemptQ struct {
		Position int    `json:"position"`
		Type     string `json:"type"`
		Choices  []struct {
			ID string `json:"id"`
		} `json:"choices"`
		Fraction *float64 `json:"fraction"`
		Solution *struct {
			NarrativeHTML string `json:"narrative_html"`
		} `json:"solution"`
		Feedback *struct {
			Identified []struct {
				Code  string `json:"code"`
				Found bool   `json:"found"`
			} `json:"identified"`
		} `json:"feedback"`
	}
	var att struct {
		ID              int64      `json:"id"`
		State           string     `json:"state"`
		Score           *float64   `json:"score"`
		Passed          *bool      `json:"passed"`
		OverallFeedback *string    `json:"overall_feedback"`
		Questions       []attemptQ `json:"questions"`
		Review          struct {
			RightAnswers bool `json:"right_answers"`
		} `json:"review"`
	}
	e.do("learner", "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), nil).WantStatus(201).JSON(&att)
	e.do("learner", "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), map[string]any{}).WantStatus(200)
	// Not enrolled: the manager of A may see the course but not take its quizzes.
	e.do("manager_same", "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), nil).WantProblem(403, "not_enrolled")

	answers := map[string]map[string]any{
		"indicator_identification": {"selected": []string{"OBS-MED-MINDER", "COE-DOCS", "COE-VIOLENCE", "EXP-HOURS"}},
		"case_assessment":          {"outcome": "insufficient", "positive_dimensions": []string{"D5"}},
		"true_false":               {"answer": false},
	}
	for _, q := range att.Questions {
		path := fmt.Sprintf("/api/v1/attempts/%d/answers/%d", att.ID, q.Position)
		// The score is the server's: a client-sent one is refused as an unknown field.
		withScore := map[string]any{"score": 1}
		for k, v := range answers[q.Type] {
			withScore[k] = v
		}
		e.do("learner", "PUT", path, withScore).WantProblem(400, "unknown_field")
		e.do("learner", "PUT", path, answers[q.Type]).WantStatus(200)
		e.do("learner_b", "PUT", path, answers[q.Type]).WantProblem(404, "attempt_not_found")
	}
	e.do("learner", "PUT", fmt.Sprintf("/api/v1/attempts/%d/answers/1", att.ID), map[string]any{"selected": []string{"NOT-OFFERED"}, "answer": true}).WantProblem(400, "validation_failed")
	// Another learner never sees the attempt; neither does a manager or another trainer.
	for _, who := range []string{"learner_b", "manager_same", "manager_other"} {
		e.do(who, "GET", fmt.Sprintf("/api/v1/attempts/%d", att.ID), nil).WantProblem(404, "attempt_not_found")
		e.do(who, "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", att.ID), nil).WantProblem(404, "attempt_not_found")
	}
	e.do("learner", "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", att.ID), map[string]any{"score": 1}).WantProblem(400, "unknown_field")
	e.do("learner", "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", att.ID), nil).WantStatus(200).JSON(&att)
	// identification: 3 of 6 found, 1 of 2 distractors: 0.5 − 0.5 = 0 → 0 of 2 points; case 1; true/false 1.
	if att.State != "submitted" || att.Score == nil || *att.Score != 0.5 || *att.Passed || att.OverallFeedback != nil {
		t.Fatalf("submitted: %+v", att)
	}
	if att.Review.RightAnswers {
		t.Fatal("right answers shown before the quiz closed")
	}
	for _, q := range att.Questions {
		if q.Solution != nil || q.Fraction == nil {
			t.Fatalf("%s: solution shown or mark hidden", q.Type)
		}
		if q.Type == "indicator_identification" && (q.Feedback == nil || len(q.Feedback.Identified) != 4) {
			t.Fatalf("identification feedback = %+v", q.Feedback)
		}
	}
	// The course's author sees the answer key with the evidence highlighted.
	e.do("trainer", "GET", fmt.Sprintf("/api/v1/attempts/%d", att.ID), nil).WantStatus(200).JSON(&att)
	if !att.Review.RightAnswers || att.Questions[0].Solution == nil || !strings.Contains(att.Questions[0].Solution.NarrativeHTML, `data-tag="COE-DOCS"`) {
		t.Fatalf("author's review: %+v", att.Questions[0].Solution)
	}

	var mine struct {
		Items []struct {
			Score *float64 `json:"score"`
		} `json:"items"`
	}
	e.do("learner", "GET", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), nil).WantStatus(200).JSON(&mine)
	if len(mine.Items) != 1 || mine.Items[0].Score == nil {
		t.Fatalf("own attempts: %+v", mine.Items)
	}
	e.do("learner", "GET", fmt.Sprintf("/api/v1/quizzes/%d/attempts?all=true", qz.ID), nil).WantProblem(404, "quiz_not_found")
	e.do("trainer", "GET", fmt.Sprintf("/api/v1/quizzes/%d/attempts?all=true", qz.ID), nil).WantStatus(200)

	// The result reached courses, which acknowledged it.
	var unrecorded int64
	if err := e.s.DB.Table("quiz_attempts").Where("recorded_at IS NULL").Count(&unrecorded).Error; err != nil || unrecorded != 0 {
		t.Fatalf("%d results not recorded in courses (%v)", unrecorded, err)
	}
	var kept int64
	if err := e.s.DB.Table("course_quiz_results").Where("quiz_id = ? AND user_id = ?", qz.ID, e.f.Users["learner"]).Count(&kept).Error; err != nil || kept != 1 {
		t.Fatalf("courses keeps %d results for the quiz (%v)", kept, err)
	}

	// Analytics: the author sees everyone, the manager of A the learner of A, the manager of B no one.
	var an struct {
		Attempts   int `json:"attempts"`
		Indicators []struct {
			Code    string `json:"code"`
			Overall struct {
				DetectionRate *float64 `json:"detection_rate"`
			} `json:"overall"`
		} `json:"indicators"`
	}
	e.do("trainer", "GET", fmt.Sprintf("/api/v1/quizzes/%d/analytics", qz.ID), nil).WantStatus(200).JSON(&an)
	if an.Attempts != 1 || len(an.Indicators) != 8 {
		t.Fatalf("analytics: %+v", an)
	}
	e.do("manager_same", "GET", fmt.Sprintf("/api/v1/quizzes/%d/analytics", qz.ID), nil).WantStatus(200).JSON(&an)
	if an.Attempts != 1 {
		t.Fatalf("manager of A sees %d attempts", an.Attempts)
	}
	e.do("manager_other", "GET", fmt.Sprintf("/api/v1/quiz-analytics?course_id=%d", e.course), nil).WantStatus(200).JSON(&an)
	if an.Attempts != 0 {
		t.Fatalf("manager of B sees %d attempts", an.Attempts)
	}
	e.do("learner", "GET", fmt.Sprintf("/api/v1/quizzes/%d/analytics", qz.ID), nil).WantProblem(403, "forbidden")
	csv := e.do("trainer", "GET", fmt.Sprintf("/api/v1/quizzes/%d/analytics/export?table=indicators", qz.ID), nil).WantStatus(200)
	if ct := csv.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(csv.Body.String(), "\uFEFF\"code\"") {
		t.Fatalf("CSV %q: %.100s", ct, csv.Body.String())
	}
	e.do("trainer", "GET", fmt.Sprintf("/api/v1/quiz-analytics/export?course_id=%d&table=nope", e.course), nil).WantProblem(400, "invalid_query")
	e.do("trainer", "GET", fmt.Sprintf("/api/v1/quiz-analytics/export?course_id=%d", e.course), nil).WantStatus(200)

	// Second and last attempt, then no more.
	e.do("learner", "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), nil).WantStatus(201).JSON(&att)
	e.do("learner", "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", att.ID), nil).WantStatus(200)
	e.do("learner", "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", att.ID), nil).WantStatus(200)
	e.do("learner", "PUT", fmt.Sprintf("/api/v1/attempts/%d/answers/1", att.ID), answers["true_false"]).WantProblem(409, "attempt_submitted")
	e.do("learner", "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), nil).WantProblem(409, "no_attempts_left")
	var view struct {
		Me struct {
			Grade    *float64 `json:"grade"`
			CanStart bool     `json:"can_start"`
			Reason   string   `json:"reason"`
		} `json:"me"`
	}
	e.do("learner", "GET", fmt.Sprintf("/api/v1/quizzes/%d", qz.ID), nil).WantStatus(200).JSON(&view)
	if view.Me.Grade == nil || *view.Me.Grade != 0.5 || view.Me.CanStart || view.Me.Reason != "no_attempts_left" {
		t.Fatalf("standing: %+v", view.Me)
	}
	if !slices.Contains([]int{http.StatusOK}, e.do("trainer", "GET", fmt.Sprintf("/api/v1/quizzes/%d", qz.ID), nil).Code) {
		t.Fatal("author cannot read the quiz")
	}
}

// Drafts exist for their authors only: a quiz never published, and a course never published.
func TestAPIDraftsAreInvisible(t *testing.T) {
	e := newAPIEnv(t)
	var qz struct{ ID int64 }
	e.do("trainer", "POST", "/api/v1/quizzes", map[string]any{"module_id": e.module, "settings": map[string]any{"title": map[string]string{"sr": "Нацрт"}}}).
		WantStatus(201).JSON(&qz)
	for who, want := range map[string]int{"learner": 404, "manager_same": 404, "manager_other": 404, "trainer": 200, "admin": 200} {
		if r := e.do(who, "GET", fmt.Sprintf("/api/v1/quizzes/%d", qz.ID), nil); r.Code != want {
			t.Errorf("GET draft quiz as %s: %d, want %d", who, r.Code, want)
		}
		analytics := want
		if who == "learner" {
			analytics = 403
		}
		if r := e.do(who, "GET", fmt.Sprintf("/api/v1/quizzes/%d/analytics", qz.ID), nil); r.Code != analytics {
			t.Errorf("draft analytics as %s: %d, want %d", who, r.Code, analytics)
		}
	}
	e.do("learner", "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), nil).WantProblem(404, "quiz_not_found")
	e.do("trainer", "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", qz.ID), nil).WantProblem(409, "quiz_not_published")
	e.do("trainer", "POST", fmt.Sprintf("/api/v1/quizzes/%d/publish", qz.ID), nil).WantProblem(422, "validation_failed")

	ctx := context.Background()
	draft, err := e.s.App.Courses.CreateCourse(ctx, &accounts.Principal{UserID: e.f.Users["trainer"], Trainer: true}, courses.CourseFields{
		Slug: "unpublished", Title: courses.LocalText{Sr: "Нацрт"}, Professions: []string{"police"}, Level: "introductory"})
	if err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]int{"learner": 404, "manager_same": 404, "trainer": 200} {
		if r := e.do(who, "GET", fmt.Sprintf("/api/v1/quizzes?course_id=%d", draft.ID), nil); r.Code != want {
			t.Errorf("quizzes of a draft course as %s: %d, want %d", who, r.Code, want)
		}
		if who == "learner" {
			continue
		}
		if r := e.do(who, "GET", fmt.Sprintf("/api/v1/quiz-analytics?course_id=%d", draft.ID), nil); r.Code != want {
			t.Errorf("analytics of a draft course as %s: %d, want %d", who, r.Code, want)
		}
	}
	// Another trainer's bank is not there.
	e.do("admin", "GET", fmt.Sprintf("/api/v1/questions?course_id=%d", draft.ID), nil).WantStatus(200)
	e.do("trainer", "GET", "/api/v1/questions?course_id=12345", nil).WantProblem(404, "course_not_found")
	e.do("trainer", "GET", "/api/v1/questions", nil).WantProblem(400, "invalid_query")
}
