package content_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/content"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
	"github.com/prepoznaj/prepoznaj/quiz"
)

// foundationFS copies the embedded foundation course into a map the test can edit.
func foundationFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(content.Courses(), "foundation", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.Courses(), name)
		m[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func edit(t *testing.T, m fstest.MapFS, name, old, new string) {
	t.Helper()
	s := string(m[name].Data)
	if strings.Count(s, old) != 1 {
		t.Fatalf("%s: %q occurs %d times", name, old, strings.Count(s, old))
	}
	m[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

// TestSeedQuizFileEdits: after the first seed, an edited question, scenario or quiz setting in
// the files reaches the platform as new versions with the next seed; attempts keep the versions
// they started with, and what did not change stays as it was.
func TestSeedQuizFileEdits(t *testing.T) {
	ctx := context.Background()
	a, err := app.New(app.Config{BaseURL: "https://prepoznaj.test", Version: "test"}, dbtest.New(t), testSecret, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	files := foundationFS(t)
	first, err := content.SeedFrom(ctx, services(a), files)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, it := range first.Items {
		ids[it.Key] = it.ID
		if it.Action != content.Created {
			t.Fatalf("first run: %+v", it)
		}
	}
	practice, final := ids["foundation/practice-cases"], ids["foundation/final"]
	if practice == 0 || final == 0 || len(first.Items) != 3 {
		t.Fatalf("first run: %+v", first.Items)
	}
	admin := &accounts.Principal{UserID: first.OwnerID, Admin: true, Trainer: true}
	bank := func() map[string]quiz.Question {
		qs, _, err := a.Quiz.ListQuestions(ctx, admin, quiz.QuestionFilter{CourseID: ids["foundation"], Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]quiz.Question{}
		for _, q := range qs {
			out[strings.TrimPrefix(q.ExternalID, "content:foundation/")] = q
		}
		return out
	}
	before := bank()

	learnerID, err := a.Accounts.CreateUser(ctx, "learner@content.test", "Learner", "correct horse battery staple", "other", accounts.RolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Courses.EnrolUsers(ctx, admin, ids["foundation"], []int64{learnerID}, nil); err != nil {
		t.Fatal(err)
	}
	learner := &accounts.Principal{UserID: learnerID, Locale: "en", Profession: "other"}
	old, _, err := a.Quiz.StartAttempt(ctx, learner, practice)
	if err != nil {
		t.Fatal(err)
	}

	const quizFile = "foundation/quiz/practice-cases.yaml"
	edit(t, files, quizFile, "Dragan can walk to the shop on his own.", "Dragan may walk to the shop alone.")
	edit(t, files, quizFile, "inform the police, since other men are still on the farm.", "inform the police at once: other men are still on the farm.")
	edit(t, files, quizFile, "pass_mark: 0.5", "pass_mark: 0.6")
	second, err := content.SeedFrom(ctx, services(a), files)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range second.Items {
		want := content.Unchanged
		if it.Key == "foundation/practice-cases" {
			want = content.Updated
		}
		if it.Action != want {
			t.Errorf("second run: %s %s, want %s", it.Key, it.Action, want)
		}
	}
	after := bank()
	for key, q := range before {
		want := q.Version
		switch key {
		case "practice-cases/farm-freedom", "practice-cases/farm-identify", "practice-cases/farm-assess":
			want++ // the question itself, or its scenario, changed
		}
		if after[key].Version != want {
			t.Errorf("%s: version %d -> %d, want %d", key, q.Version, after[key].Version, want)
		}
	}
	if got := after["practice-cases/farm-freedom"].Content.Stem.EN; got != "Dragan may walk to the shop alone. What does that tell you about his case?" {
		t.Errorf("new stem %q", got)
	}
	if sc := after["practice-cases/farm-assess"].Scenario; sc == nil || !strings.Contains(sc.NextStep.EN, "at once") {
		t.Errorf("scenario not updated: %+v", sc)
	}
	qv, err := a.Quiz.GetQuiz(ctx, admin, practice)
	if err != nil || qv.Settings == nil || qv.Settings.PassMark != 0.6 || qv.Publication.Number != 2 {
		t.Fatalf("republished quiz: %+v %v", qv, err)
	}

	// The attempt started before keeps its versions; a new one gets the edits.
	stems := func(v *quiz.AttemptView) string {
		var b strings.Builder
		for _, q := range v.Questions {
			b.WriteString(q.StemHTML)
		}
		return b.String()
	}
	kept, err := a.Quiz.GetAttempt(ctx, learner, old.ID)
	if err != nil || !strings.Contains(stems(kept), "Dragan can walk to the shop on his own.") {
		t.Fatalf("old attempt: %v", err)
	}
	if _, err := a.Quiz.SubmitAttempt(ctx, learner, old.ID); err != nil {
		t.Fatal(err)
	}
	fresh, _, err := a.Quiz.StartAttempt(ctx, learner, practice)
	if err != nil || !strings.Contains(stems(fresh), "Dragan may walk to the shop alone.") {
		t.Fatalf("new attempt: %v", err)
	}
	done, err := a.Quiz.SubmitAttempt(ctx, learner, fresh.ID)
	if err != nil {
		t.Fatal(err)
	}
	shown := false
	for _, q := range done.Questions {
		if q.Solution != nil && strings.Contains(q.Solution.NextStepHTML, "inform the police at once") {
			shown = true
		}
	}
	if !shown {
		t.Error("the edited next step is not in the review")
	}

	if third, err := content.SeedFrom(ctx, services(a), files); err != nil || third.Changed() {
		t.Fatalf("third run changed something: %+v %v", third, err)
	}

	// A question added to the file joins the quiz.
	edit(t, files, quizFile, "  - key: crossroads-tradition\n", `  - key: added
    type: true_false
    stem: {sr: "Нова тврдња.", en: "A new statement."}
    answer: true
    general_feedback: {sr: "Да.", en: "Yes."}

  - key: crossroads-tradition
`)
	fourth, err := content.SeedFrom(ctx, services(a), files)
	if err != nil || fourth.Updated != 1 || fourth.Created != 0 {
		t.Fatalf("after adding a question: %+v %v", fourth, err)
	}
	qv, err = a.Quiz.GetQuiz(ctx, admin, practice)
	if err != nil || qv.Publication.Questions != len(before)-countPrefix(before, "final/")+1 {
		t.Fatalf("quiz after adding a question: %+v %v", qv.Publication, err)
	}
}

func countPrefix(m map[string]quiz.Question, prefix string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}
