package quiz

import (
	"context"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

func TestQuestionVersionsAndScenarioEdits(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	scID, ids := w.bank()
	quiz := w.publishedQuiz(Settings{}, ids[0])
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)

	// Editing the scenario makes a new version of the question built on it.
	in := siteScenario(t)
	in.Present = append([]string{}, sitePresent[:len(sitePresent)-1]...) // DST-VUL-STATUS dropped
	_, err = w.svc.UpdateScenario(ctx, w.trainer, scID, 1, in)
	w.must(err)
	q, err := w.svc.GetQuestion(ctx, w.trainer, ids[0], 0)
	w.must(err)
	if q.Version != 2 || len(q.Scenario.Present) != len(sitePresent)-1 {
		t.Fatalf("after the scenario edit: version %d, %d present", q.Version, len(q.Scenario.Present))
	}
	old, err := w.svc.GetQuestion(ctx, w.trainer, ids[0], 1)
	w.must(err)
	if len(old.Scenario.Present) != len(sitePresent) {
		t.Fatal("version 1 changed")
	}
	_, err = w.svc.UpdateScenario(ctx, w.trainer, scID, 1, in)
	wantCode(t, err, "version_conflict")
	// An edit that breaks a question (its critical indicator gone) is refused whole.
	broken := siteScenario(t)
	broken.Present = []string{"COE-DEBT"}
	broken.Evidence = EvidenceByLanguage{}
	_, err = w.svc.UpdateScenario(ctx, w.trainer, scID, 2, broken)
	wantCode(t, err, "validation_failed")

	// The attempt started before keeps version 1: selecting DST-VUL-STATUS is still a hit.
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, 1, Response{Selected: sitePresent})
	w.must(err)
	done, err := w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if *done.Score != 1 || done.Questions[0].Version != 1 {
		t.Fatalf("old attempt: score %v version %d", *done.Score, done.Questions[0].Version)
	}

	// A question edit: new version; the same content again makes none; a stale version conflicts.
	cur, err := w.svc.GetQuestion(ctx, w.trainer, ids[2], 0)
	w.must(err)
	edit := QuestionInput{Tags: []string{"Passports", " passports "}, Content: cur.Content}
	edit.Content.Stem = Text{EN: "Who may hold a passport?"}
	q, err = w.svc.UpdateQuestion(ctx, w.trainer, ids[2], 1, edit)
	w.must(err)
	if q.Version != 2 || len(q.Tags) != 1 || q.Tags[0] != "passports" {
		t.Fatalf("edited: version %d tags %v", q.Version, q.Tags)
	}
	q, err = w.svc.UpdateQuestion(ctx, w.trainer, ids[2], 2, edit)
	w.must(err)
	if q.Version != 2 {
		t.Fatalf("an unchanged save made version %d", q.Version)
	}
	_, err = w.svc.UpdateQuestion(ctx, w.trainer, ids[2], 1, edit)
	wantCode(t, err, "version_conflict")
	// Another trainer's view: the question does not exist.
	_, err = w.svc.GetQuestion(ctx, w.other, ids[2], 0)
	wantCode(t, err, "question_not_found")
}

func TestAuthoringValidation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	scID, _ := w.bank()
	bad := siteScenario(t)
	bad.Present = append(bad.Present, "NOT-A-CODE")
	bad.Evidence.EN[0].Quote = "passports were taken"
	_, err := w.svc.CreateScenario(ctx, w.trainer, bad)
	e := wantCode(t, err, "validation_failed")
	if e.Kind != apperr.KindUnprocessable || len(e.Fields) != 2 {
		t.Fatalf("fields = %+v", e.Fields)
	}
	_, err = w.svc.CreateScenario(ctx, w.other, siteScenario(t))
	wantCode(t, err, "course_not_found")

	for name, c := range map[string]QuestionContent{
		"no scenario":         {Type: TypeIdentification, Stem: Text{EN: "x"}},
		"unknown distractor":  {Type: TypeIdentification, Stem: Text{EN: "x"}, ScenarioID: &scID, Distractors: []string{"NOPE"}},
		"fractions":           {Type: TypeSingleChoice, Stem: Text{EN: "x"}, Options: []Option{{ID: "a", Text: Text{EN: "a"}, Fraction: 0.5}, {ID: "b", Text: Text{EN: "b"}}}},
		"field of other type": {Type: TypeTrueFalse, Stem: Text{EN: "x"}, Answer: pointer(true), Items: []Item{{ID: "a", Text: Text{EN: "a"}}}},
		"no stem":             {Type: TypeTrueFalse, Answer: pointer(true)},
		"unknown type":        {Type: "essay", Stem: Text{EN: "x"}},
	} {
		if _, err := w.svc.CreateQuestion(ctx, w.trainer, QuestionInput{CourseID: courseID, Content: c}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err = w.svc.CreateQuiz(ctx, w.trainer, QuizInput{ModuleID: moduleID, Settings: Settings{Title: Text{EN: "q"}, PassMark: 2, GradingMethod: "best"}})
	e = wantCode(t, err, "validation_failed")
	if len(e.Fields) != 2 {
		t.Fatalf("quiz fields = %+v", e.Fields)
	}
	_, err = w.svc.CreateQuiz(ctx, w.trainer, QuizInput{ModuleID: 20, Settings: Settings{Title: Text{EN: "q"}}})
	wantCode(t, err, "validation_failed")
	q, err := w.svc.CreateQuiz(ctx, w.trainer, QuizInput{ModuleID: moduleID, Settings: Settings{Title: Text{EN: "q"}},
		Slots: []Slot{{Tag: "site", Count: 50}}})
	w.must(err)
	_, err = w.svc.PublishQuiz(ctx, w.trainer, q.ID)
	e = wantCode(t, err, "validation_failed")
	if e.Fields[0].Code != "too_few_questions" {
		t.Fatalf("publish fields = %+v", e.Fields)
	}
}

func TestRandomSlotsDrawDistinctQuestions(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	cat, _, err := w.svc.CreateCategory(ctx, w.trainer, courseID, "Choice")
	w.must(err)
	for _, id := range ids[2:5] {
		cur, err := w.svc.GetQuestion(ctx, w.trainer, id, 0)
		w.must(err)
		_, err = w.svc.UpdateQuestion(ctx, w.trainer, id, cur.Version, QuestionInput{CategoryID: &cat.ID, Tags: cur.Tags, Content: cur.Content})
		w.must(err)
	}
	q, err := w.svc.CreateQuiz(ctx, w.trainer, QuizInput{ModuleID: moduleID, Settings: Settings{Title: Text{EN: "Random"}},
		Slots: []Slot{{QuestionID: &ids[2]}, {CategoryID: &cat.ID, Count: 2, Points: 2}}})
	w.must(err)
	_, err = w.svc.PublishQuiz(ctx, w.trainer, q.ID)
	w.must(err)
	a, _, err := w.svc.StartAttempt(ctx, w.learner, q.ID)
	w.must(err)
	seen := map[int64]bool{}
	for _, aq := range a.Questions {
		if seen[aq.QuestionID] {
			t.Fatalf("question %d drawn twice", aq.QuestionID)
		}
		seen[aq.QuestionID] = true
	}
	if len(a.Questions) != 3 || a.MaxPoints != 5 || !seen[ids[3]] || !seen[ids[4]] {
		t.Fatalf("drawn %v, max points %v", seen, a.MaxPoints)
	}
}

func TestAnalytics(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{}, ids[0], ids[2], ids[4])
	take := func(p *accounts.Principal, selected []string, choice string, tf bool) {
		a, _, err := w.svc.StartAttempt(ctx, p, quiz.ID)
		w.must(err)
		for _, q := range a.Questions {
			var r Response
			switch q.Type {
			case TypeIdentification:
				r = Response{Selected: selected}
			case TypeSingleChoice:
				r = Response{Selected: []string{choice}}
			case TypeTrueFalse:
				r = Response{Answer: &tf}
			}
			_, err := w.svc.SaveAnswer(ctx, p, a.ID, q.Position, r)
			w.must(err)
		}
		_, err = w.svc.SubmitAttempt(ctx, p, a.ID)
		w.must(err)
	}
	// The police learner finds everything; the teacher finds COE-DOCS only and raises a false alarm.
	take(w.learner, sitePresent, "a", false)
	take(w.learner2, []string{"COE-DOCS", "COE-VIOLENCE"}, "b", true)
	w.courses.enrolled[[2]int64{w.manager.UserID, courseID}] = true
	take(w.manager, []string{"COE-DOCS", "COE-DEBT"}, "a", true)

	an, err := w.svc.QuizAnalytics(ctx, w.trainer, quiz.ID)
	w.must(err)
	if an.Attempts != 3 || len(an.Questions) != 3 || an.InstitutionID != nil {
		t.Fatalf("analytics: %d attempts, %d questions", an.Attempts, len(an.Questions))
	}
	for _, q := range an.Questions {
		if q.Attempts != 3 || q.Facility == nil {
			t.Fatalf("question stats %+v", q)
		}
		if q.Type == TypeSingleChoice && (*q.Facility != roundScore(2.0/3) || q.Discrimination == nil || *q.Discrimination <= 0) {
			t.Fatalf("single choice: facility %v discrimination %v", *q.Facility, q.Discrimination)
		}
	}
	docs := findIndicator(an, "COE-DOCS")
	if docs.Overall.Present != 3 || docs.Overall.Found != 3 || *docs.Overall.DetectionRate != 1 {
		t.Fatalf("COE-DOCS: %+v", docs.Overall)
	}
	violence := findIndicator(an, "COE-VIOLENCE")
	if violence.Overall.Distractor != 3 || violence.Overall.FalseAlarms != 1 || len(violence.ByProfession) != 2 {
		t.Fatalf("COE-VIOLENCE: %+v by %+v", violence.Overall, violence.ByProfession)
	}
	for _, g := range violence.ByProfession {
		if g.Key == "education" && *g.Rates.FalseAlarm != 1 {
			t.Fatalf("teachers' false alarms: %+v", g.Rates)
		}
	}
	if len(violence.ByInstitution) != 2 || violence.ByInstitution[0].Name == "" {
		t.Fatalf("by institution: %+v", violence.ByInstitution)
	}

	// The manager of institution A sees A's staff only; a learner or another trainer nothing.
	mine, err := w.svc.QuizAnalytics(ctx, w.manager, quiz.ID)
	w.must(err)
	if mine.Attempts != 2 || mine.InstitutionID == nil || *mine.InstitutionID != w.instA {
		t.Fatalf("manager's analytics: %d attempts", mine.Attempts)
	}
	_, err = w.svc.QuizAnalytics(ctx, w.learner, quiz.ID)
	wantCode(t, err, "quiz_not_found")
	_, err = w.svc.CourseAnalytics(ctx, w.other, courseID)
	wantCode(t, err, "course_not_found")
	course, err := w.svc.CourseAnalytics(ctx, w.trainer, courseID)
	w.must(err)
	if course.Attempts != 3 || course.QuizID != nil {
		t.Fatalf("course analytics: %d attempts", course.Attempts)
	}

	var sb strings.Builder
	w.must(an.WriteCSV(&sb, TableIndicators))
	if !strings.HasPrefix(sb.String(), "\uFEFF\"code\"") || !strings.Contains(sb.String(), `"COE-VIOLENCE"`) {
		t.Fatalf("CSV: %.200s", sb.String())
	}
}

func findIndicator(a *Analytics, code string) IndicatorStats {
	for _, ind := range a.Indicators {
		if ind.Code == code {
			return ind
		}
	}
	return IndicatorStats{}
}

func TestGIFTImport(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	src := "$CATEGORY: $course$/top/Police\n\n" +
		"// [id:PASS-1] [tag:documents]\n::Passports::Who may keep a worker's passport? {\n=No one but the worker#Right.\n~The employer#No.\n}\n\n" +
		"Consent of a child is a defence.{FALSE#No.#Right.}\n\n" +
		"Match. {\n=OBS-LI-RECORDS -> EXP-NORIGHTS\n=OBS-MED-INJURY -> COE-VIOLENCE\n}\n\n" +
		"Days of reflection? {#30:0}\n\n" +
		"Describe a referral. {}\n"
	rep, err := w.svc.ImportGIFT(ctx, w.trainer, GIFTImportInput{CourseID: courseID, Text: src, Lang: LangEN, Preview: true})
	w.must(err)
	if len(rep.Imported) != 3 || len(rep.Skipped) != 2 || len(rep.Errors) != 0 || rep.Imported[0].QuestionID != 0 {
		t.Fatalf("preview: %+v", rep)
	}
	var n int64
	w.must(w.db.Model(&questionRow{}).Count(&n).Error)
	if n != 0 {
		t.Fatal("a preview saved questions")
	}
	rep, err = w.svc.ImportGIFT(ctx, w.trainer, GIFTImportInput{CourseID: courseID, Text: src, Lang: LangEN})
	w.must(err)
	if len(rep.Imported) != 3 || rep.Imported[0].QuestionID == 0 || rep.Imported[0].Category != "Police" {
		t.Fatalf("import: %+v", rep.Imported)
	}
	q, err := w.svc.GetQuestion(ctx, w.trainer, rep.Imported[0].QuestionID, 0)
	w.must(err)
	if q.Content.Type != TypeSingleChoice || q.ExternalID != "PASS-1" || q.Tags[0] != "documents" || q.CategoryID == nil || q.Content.Options[0].Feedback.EN != "Right." {
		t.Fatalf("imported question: %+v", q)
	}
	// Importing the same file again makes new versions of questions with an id, not duplicates.
	rep, err = w.svc.ImportGIFT(ctx, w.trainer, GIFTImportInput{CourseID: courseID, Text: strings.Replace(src, "Right.", "Exactly.", 1), Lang: LangEN})
	w.must(err)
	if rep.Imported[0].Action != "new_version" {
		t.Fatalf("re-import: %+v", rep.Imported[0])
	}
	// A file with an error imports nothing.
	_, err = w.svc.ImportGIFT(ctx, w.trainer, GIFTImportInput{CourseID: courseID, Text: src + "\nBroken {=a\n", Lang: LangEN})
	e := wantCode(t, err, "gift_errors")
	if !strings.Contains(e.Fields[0].Message, "line ") {
		t.Fatalf("errors: %+v", e.Fields)
	}
}
