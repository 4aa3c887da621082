package app_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/quiz"
)

// Setups for the quiz rows of the matrix (testdata/authz/quiz.yaml). Each builds on the one
// before: a published course by the fixture's trainer with the learner enrolled; a bank; a
// published quiz (and a draft, unused by the matrix); the learner's open attempt.
func init() {
	setups["quiz_course"] = func(t *testing.T, s *apitest.Server, f *apitest.Fixture) map[string]string {
		course, module := quizCourse(t, s, f)
		return map[string]string{"{course}": itoa(course), "{module}": itoa(module)}
	}
	setups["quiz_bank"] = quizBank
	setups["quiz_published"] = quizPublished
	setups["quiz_attempt"] = func(t *testing.T, s *apitest.Server, f *apitest.Fixture) map[string]string {
		out := quizPublished(t, s, f)
		quizID, _ := strconv.ParseInt(out["{quiz}"], 10, 64)
		learner := &accounts.Principal{UserID: f.Users["learner"], InstitutionID: f.InstA, Profession: "police"}
		a, _, err := s.App.Quiz.StartAttempt(context.Background(), learner, quizID)
		if err != nil {
			t.Fatal(err)
		}
		out["{attempt}"] = itoa(a.ID)
		return out
	}

}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func quizTrainer(f *apitest.Fixture) *accounts.Principal {
	return &accounts.Principal{UserID: f.Users["trainer"], Trainer: true}
}

// quizCourse makes a published course with one module and lesson, and enrols the learner.
func quizCourse(t *testing.T, s *apitest.Server, f *apitest.Fixture) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	tr := quizTrainer(f)
	c, err := s.App.Courses.CreateCourse(ctx, tr, courses.CourseFields{Slug: "authz-quiz-course", Title: courses.LocalText{Sr: "Препознавање"},
		Professions: []string{"police"}, Level: "introductory", SelfEnrol: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.App.Courses.CreateModule(ctx, tr, c.ID, courses.LocalText{Sr: "Случајеви"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Courses.CreateLesson(ctx, tr, m.ID, courses.LessonFields{Key: "intro", Title: courses.LocalText{Sr: "Увод"}, Body: courses.LocalText{Sr: "Текст."}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Courses.Publish(ctx, tr, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.App.Courses.Enrol(ctx, &accounts.Principal{UserID: f.Users["learner"]}, c.ID); err != nil {
		t.Fatal(err)
	}
	return c.ID, m.ID
}

func quizBank(t *testing.T, s *apitest.Server, f *apitest.Fixture) map[string]string {
	t.Helper()
	ctx := context.Background()
	course, module := quizCourse(t, s, f)
	tr := quizTrainer(f)
	sc, err := s.App.Quiz.CreateScenario(ctx, tr, quiz.ScenarioInput{CourseID: course, Title: quiz.Text{EN: "Car wash"}, AgeGroup: quiz.Adult,
		Exploitation: quiz.ExploitationLabour, Professions: []string{"labour_inspection"},
		Narrative: quiz.Text{EN: "Five workers wash cars eleven hours a day."}, Present: []string{"EXP-HOURS", "EXP-PAY"}})
	if err != nil {
		t.Fatal(err)
	}
	cat, _, err := s.App.Quiz.CreateCategory(ctx, tr, course, "Basics")
	if err != nil {
		t.Fatal(err)
	}
	no := false
	q, err := s.App.Quiz.CreateQuestion(ctx, tr, quiz.QuestionInput{CourseID: course, CategoryID: &cat.ID, Content: quiz.QuestionContent{
		Type: quiz.TypeTrueFalse, Stem: quiz.Text{EN: "Consent is a defence."}, Answer: &no}})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"{course}": itoa(course), "{module}": itoa(module), "{scenario}": itoa(sc.ID), "{question}": itoa(q.ID), "{category}": itoa(cat.ID)}
}

func quizPublished(t *testing.T, s *apitest.Server, f *apitest.Fixture) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := quizBank(t, s, f)
	module, _ := strconv.ParseInt(out["{module}"], 10, 64)
	question, _ := strconv.ParseInt(out["{question}"], 10, 64)
	tr := quizTrainer(f)
	in := quiz.QuizInput{ModuleID: module, Settings: quiz.Settings{Title: quiz.Text{EN: "Consent"}}, Slots: []quiz.Slot{{QuestionID: &question}}}
	q, err := s.App.Quiz.CreateQuiz(ctx, tr, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Quiz.PublishQuiz(ctx, tr, q.ID); err != nil {
		t.Fatal(err)
	}
	draft, err := s.App.Quiz.CreateQuiz(ctx, tr, in)
	if err != nil {
		t.Fatal(err)
	}
	out["{quiz}"], out["{draft}"] = itoa(q.ID), itoa(draft.ID)
	return out
}
