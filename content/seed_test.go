package content_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/content"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
	"github.com/prepoznaj/prepoznaj/lang"
	"github.com/prepoznaj/prepoznaj/quiz"
)

var testSecret = []byte("test-secret-test-secret-test-secret-0123456789")

func services(a *app.App) content.Services {
	return content.Services{DB: a.DB.DB, Accounts: a.Accounts, Courses: a.Courses, Quiz: a.Quiz}
}

// TestSeed loads all the default content on the test database (SQLite, or Postgres with
// TEST_DATABASE_URL), checks it, and seeds again to show the second run changes nothing.
func TestSeed(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	a, err := app.New(app.Config{BaseURL: "https://prepoznaj.test", Version: "test"}, db, testSecret, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := content.Seed(ctx, services(a))
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	slugs, _ := content.CourseSlugs()
	if len(slugs) != 6 {
		t.Fatalf("courses: %v", slugs)
	}
	if rep.CatalogueVersion != 1 || !rep.OwnerCreated {
		t.Fatalf("first run: %+v", rep)
	}
	byKey := map[string]content.ItemReport{}
	for _, it := range rep.Items {
		byKey[it.Kind+":"+it.Key] = it
		if it.Action != content.Created {
			t.Errorf("first run: %s %s %s", it.Kind, it.Key, it.Action)
		}
	}
	owner, err := a.Accounts.GetUser(ctx, rep.OwnerID)
	if err != nil || owner.DisabledAt == nil {
		t.Fatalf("owner %+v %v: want a disabled account", owner, err)
	}

	admin := &accounts.Principal{UserID: rep.OwnerID, Admin: true, Trainer: true}
	lessons := 0
	for _, slug := range slugs {
		it, ok := byKey["course:"+slug]
		if !ok {
			t.Fatalf("course %s not reported", slug)
		}
		d, err := a.Courses.GetDraft(ctx, admin, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != "published" || d.Title.En == "" || d.Summary.En == "" {
			t.Errorf("%s: status %s, english title %q", slug, d.Status, d.Title.En)
		}
		for _, m := range d.Modules {
			for _, l := range m.Lessons {
				lessons++
				for _, loc := range []lang.Locale{lang.SerbianCyrillic, lang.SerbianLatin, lang.English} {
					v, err := a.Courses.GetLesson(ctx, admin, l.ID, loc)
					if err != nil {
						t.Fatalf("%s/%s %s: %v", slug, l.Key, loc, err)
					}
					if v.Locale != string(loc) && !(loc == lang.SerbianLatin && strings.HasPrefix(v.Locale, "sr")) {
						t.Errorf("%s/%s: asked %s, got %s", slug, l.Key, loc, v.Locale)
					}
					if len(v.HTML) < 500 || v.Title == "" {
						t.Errorf("%s/%s %s: title %q, %d bytes of HTML", slug, l.Key, loc, v.Title, len(v.HTML))
					}
				}
			}
		}
	}
	if lessons != 34 {
		t.Errorf("%d lessons, want 34", lessons)
	}

	checkQuizzes(t, a, admin, slugs, byKey)

	again, err := content.Seed(ctx, services(a))
	if err != nil {
		t.Fatalf("second seed: %v", err)
	}
	if again.Changed() || again.Created != 0 || again.Updated != 0 {
		t.Errorf("second run changed something: %+v", again)
	}

	// A lesson that differs from the files (as after editing them) is updated in place: same
	// lesson id (progress is keyed on it), the course republished, its quiz requirements kept.
	foundation := byKey["course:foundation"].ID
	d, err := a.Courses.GetDraft(ctx, admin, foundation)
	if err != nil {
		t.Fatal(err)
	}
	lessonID := d.Modules[0].Lessons[0].ID
	ld, err := a.Courses.GetLessonDraft(ctx, admin, lessonID)
	if err != nil {
		t.Fatal(err)
	}
	changed := courses.LocalText{Sr: ld.Body.Sr + "\n\nИзмена.", En: ld.Body.En}
	if _, err := a.Courses.UpdateLesson(ctx, admin, lessonID, courses.LessonPatch{Version: ld.Version, Body: &changed}); err != nil {
		t.Fatal(err)
	}
	third, err := content.Seed(ctx, services(a))
	if err != nil {
		t.Fatal(err)
	}
	if third.Updated != 1 || third.Created != 0 {
		t.Errorf("after a lesson change: %+v", third)
	}
	after, err := a.Courses.GetLessonDraft(ctx, admin, lessonID)
	if err != nil || after.Body.Sr != ld.Body.Sr {
		t.Errorf("lesson %d not restored in place: %v", lessonID, err)
	}
	d2, err := a.Courses.GetDraft(ctx, admin, foundation)
	if err != nil || len(d2.Completion.Quizzes) != len(d.Completion.Quizzes) || len(d.Completion.Quizzes) == 0 || d2.Revision <= d.Revision {
		t.Errorf("after the update: rule %+v, revision %d -> %d (%v)", d2.Completion, d.Revision, d2.Revision, err)
	}
	if fourth, err := content.Seed(ctx, services(a)); err != nil || fourth.Changed() {
		t.Errorf("fourth run: %+v %v", fourth, err)
	}
}

func complete(t quiz.Text) bool {
	return strings.TrimSpace(t.SR) != "" && strings.TrimSpace(t.EN) != ""
}

// checkQuizzes checks the quiz files (codes, rule, languages), that every quiz is published and
// required where its file says so, and that an enrolled learner passes each one by giving the
// known right answers.
func checkQuizzes(t *testing.T, a *app.App, admin *accounts.Principal, slugs []string, byKey map[string]content.ItemReport) {
	ctx := context.Background()
	cat, _, err := a.Quiz.Catalogue(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	learnerID, err := a.Accounts.CreateUser(ctx, "learner@content.test", "Learner", "correct horse battery staple", "other", accounts.RolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	quizzes, scenarios, questions := 0, 0, 0
	for _, slug := range slugs {
		courseID := byKey["course:"+slug].ID
		files, err := content.QuizFiles(slug)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Courses.EnrolUsers(ctx, admin, courseID, []int64{learnerID}, nil); err != nil {
			t.Fatal(err)
		}
		d, err := a.Courses.GetDraft(ctx, admin, courseID)
		if err != nil {
			t.Fatal(err)
		}
		bank := map[int64]string{}
		pairs := map[int64][]quiz.MatchPair{}
		qs, _, err := a.Quiz.ListQuestions(ctx, admin, quiz.QuestionFilter{CourseID: courseID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			bank[q.ID] = q.ExternalID
			pairs[q.ID] = q.Content.Pairs
		}
		for _, qf := range files {
			quizzes++
			where := slug + "/" + qf.Key
			it, ok := byKey["quiz:"+where]
			if !ok || it.ID == 0 {
				t.Fatalf("%s not seeded", where)
			}
			if !complete(qf.Title) || !complete(qf.Description) {
				t.Errorf("%s: title or description incomplete", where)
			}
			required := slices.ContainsFunc(d.Completion.Quizzes, func(r courses.QuizRequirement) bool { return r.QuizID == it.ID })
			if required != qf.Completion.Required {
				t.Errorf("%s: required %v in the rule, %v in the file", where, required, qf.Completion.Required)
			}
			byScenario := map[string]content.ScenarioFile{}
			for _, sf := range qf.Scenarios {
				scenarios++
				byScenario[sf.Key] = sf
				if !complete(sf.Title) || !complete(sf.Narrative) || !complete(sf.NextStep) {
					t.Errorf("%s/%s: a text is incomplete", where, sf.Key)
				}
				for _, code := range append(append([]string{}, sf.Present...), sf.Distractors...) {
					if !cat.HasCode(code) {
						t.Errorf("%s/%s: unknown code %s", where, sf.Key, code)
					}
				}
				as, err := quiz.Assess(cat, quiz.List(sf.List), sf.Present)
				if err != nil || string(as.Outcome) != sf.ExpectedOutcome {
					t.Errorf("%s/%s: rule gives %v (%v), file expects %s", where, sf.Key, as.Outcome, err, sf.ExpectedOutcome)
				}
			}
			byExt := map[string]content.QuestionFile{}
			for _, q := range qf.Questions {
				questions++
				byExt[content.ExternalID(slug, qf.Key, q.Key)] = q
				if !complete(q.Stem) || !complete(q.GeneralFeedback) {
					t.Errorf("%s/%s: stem or feedback incomplete", where, q.Key)
				}
				for _, o := range q.Options {
					if !complete(o.Text) {
						t.Errorf("%s/%s: option %s incomplete", where, q.Key, o.Key)
					}
				}
			}
			learner := &accounts.Principal{UserID: learnerID, Locale: "en", Profession: "other"}
			if slug == "foundation" {
				learner.Locale = "sr-Cyrl"
			}
			att, _, err := a.Quiz.StartAttempt(ctx, learner, it.ID)
			if err != nil {
				t.Fatalf("%s: start: %v", where, err)
			}
			if len(att.Questions) != len(qf.Questions) {
				t.Errorf("%s: %d questions in the attempt, %d in the file", where, len(att.Questions), len(qf.Questions))
			}
			for _, aq := range att.Questions {
				q, ok := byExt[bank[aq.QuestionID]]
				if !ok {
					t.Fatalf("%s: attempt question %d is not from the file", where, aq.QuestionID)
				}
				if q.Type == "matching" {
					// The learner reads the pairs in their own language.
					var shown, want []string
					for _, l := range aq.Lefts {
						shown = append(shown, l.Text)
					}
					for _, p := range q.Pairs {
						want = append(want, p.Left.In(langOf(learner)))
					}
					slices.Sort(shown)
					slices.Sort(want)
					if !slices.Equal(shown, want) {
						t.Errorf("%s/%s: %s learner sees %q, want %q", where, q.Key, learner.Locale, shown, want)
					}
				}
				r, err := rightAnswer(cat, q, byScenario, pairs[aq.QuestionID])
				if err != nil {
					t.Fatalf("%s/%s: %v", where, q.Key, err)
				}
				if _, err := a.Quiz.SaveAnswer(ctx, learner, att.ID, aq.Position, r); err != nil {
					t.Fatalf("%s/%s: answer: %v", where, q.Key, err)
				}
			}
			done, err := a.Quiz.SubmitAttempt(ctx, learner, att.ID)
			if err != nil {
				t.Fatalf("%s: submit: %v", where, err)
			}
			if done.Passed == nil || !*done.Passed || done.Score == nil || *done.Score < 0.999 {
				t.Errorf("%s: right answers scored %v, passed %v", where, ptr(done.Score), ptr(done.Passed))
				for _, aq := range done.Questions {
					if aq.Fraction != nil && *aq.Fraction < 0.999 {
						t.Errorf("  %s: fraction %v", bank[aq.QuestionID], *aq.Fraction)
					}
				}
			}
		}
	}
	t.Logf("%d quizzes, %d scenarios, %d questions: all passed with the right answers", quizzes, scenarios, questions)
	if quizzes != 17 || scenarios != 20 || questions != 124 {
		t.Errorf("%d quizzes, %d scenarios, %d questions; README says 17, 20, 124", quizzes, scenarios, questions)
	}
}

func langOf(p *accounts.Principal) string {
	if p.Locale == "en" {
		return quiz.LangEN
	}
	return quiz.LangSR
}

func ptr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// rightAnswer is the full-marks response to a question of a quiz file.
func rightAnswer(cat *quiz.Catalogue, q content.QuestionFile, scenarios map[string]content.ScenarioFile, pairs []quiz.MatchPair) (quiz.Response, error) {
	var r quiz.Response
	switch q.Type {
	case "identification":
		r.Selected = scenarios[q.Scenario].Present
	case "case_assessment":
		sf := scenarios[q.Scenario]
		as, err := quiz.Assess(cat, quiz.List(sf.List), sf.Present)
		if err != nil {
			return r, err
		}
		r.Outcome = as.Outcome
		r.PositiveDimensions = []string{}
		for _, d := range as.Dimensions {
			if d.Positive {
				r.PositiveDimensions = append(r.PositiveDimensions, d.Code)
			}
		}
	case "single_choice", "multiple_choice":
		for _, o := range q.Options {
			if (q.Type == "single_choice" && o.Fraction == 1) || (q.Type == "multiple_choice" && o.Fraction > 0) {
				r.Selected = append(r.Selected, o.Key)
			}
		}
	case "true_false":
		r.Answer = q.Answer
	case "ordering":
		for _, it := range q.Items {
			r.Order = append(r.Order, it.Key)
		}
	case "matching":
		// The pairs as the bank stores them (items by id), checked against the file.
		if len(pairs) != len(q.Pairs) {
			return r, fmt.Errorf("%d pairs in the bank, %d in the file", len(pairs), len(q.Pairs))
		}
		for i, p := range q.Pairs {
			if pairs[i].Left != content.MatchID("L", p.Left) || pairs[i].Right != content.MatchID("R", p.Right) {
				return r, fmt.Errorf("pair %d: %+v in the bank", i, pairs[i])
			}
		}
		r.Pairs = pairs
	default:
		return r, fmt.Errorf("unknown type %q", q.Type)
	}
	return r, nil
}

func TestSeedLiveSessions(t *testing.T) {
	ctx := context.Background()
	db := dbtest.New(t)
	a, err := app.New(app.Config{BaseURL: "https://prepoznaj.test", Version: "test"}, db, testSecret, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seed(ctx, services(a)); err != nil {
		t.Fatal(err)
	}
	trainer, err := a.Accounts.CreateUser(ctx, "trainer@content.test", "Trainer", "correct horse battery staple", "other", accounts.RolesInput{Trainer: true})
	if err != nil {
		t.Fatal(err)
	}
	items, err := content.SeedLiveSessions(ctx, services(a), trainer, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 {
		t.Fatalf("%d sessions", len(items))
	}
	for _, it := range items {
		if it.Action != content.Created {
			t.Errorf("%+v", it)
		}
	}
	again, err := content.SeedLiveSessions(ctx, services(a), trainer, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range again {
		if it.Action != content.Unchanged {
			t.Errorf("second run: %+v", it)
		}
	}
}
