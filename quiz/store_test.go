package quiz

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

func TestCatalogueIsVersionedAndLoadedOnFirstUse(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t)
	ctx := context.Background()
	cat, v, err := w.svc.Catalogue(ctx, 0)
	w.must(err)
	if v != 1 || len(cat.Indicators) < 50 {
		t.Fatalf("first catalogue: version %d with %d indicators", v, len(cat.Indicators))
	}
	// EnsureCatalogue is idempotent.
	if v, err := w.svc.EnsureCatalogue(ctx, defaultCatalogueYAML(t)); err != nil || v != 1 {
		t.Fatalf("EnsureCatalogue = %d, %v", v, err)
	}

	// Only admins edit; an invalid catalogue names every problem and saves nothing.
	_, err = w.svc.UpdateCatalogue(ctx, w.trainer, FormatYAML, defaultCatalogueYAML(t))
	wantCode(t, err, "forbidden")
	bad := strings.Replace(string(defaultCatalogueYAML(t)), "strength: {adult-labour: strong, adult-sexual: strong, child-labour: strong, child-sexual: strong}", "strength: {adult-labour: strongest}", 1)
	_, err = w.svc.UpdateCatalogue(ctx, w.admin, FormatYAML, []byte(bad))
	e := wantCode(t, err, "invalid_catalogue")
	if e.Kind != apperr.KindUnprocessable || len(e.Fields) < 2 || !strings.Contains(e.Fields[0].Message, "line ") {
		t.Fatalf("problems = %+v", e.Fields)
	}
	if _, v, _ := w.svc.Catalogue(ctx, 0); v != 1 {
		t.Fatalf("an invalid edit made version %d", v)
	}

	v2, err := w.svc.UpdateCatalogue(ctx, w.admin, FormatYAML, []byte(weakerHours(t)))
	w.must(err)
	if v2 != 2 {
		t.Fatalf("edit made version %d, want 2", v2)
	}
	// JSON works too, as GET /indicators gives it.
	js := mustJSON(cat)
	v3, err := w.svc.UpdateCatalogue(ctx, w.admin, FormatJSON, []byte(js))
	w.must(err)
	if v3 != 3 {
		t.Fatalf("JSON edit made version %d", v3)
	}
	_, err = w.svc.UpdateCatalogue(ctx, w.admin, FormatJSON, []byte(`{"format": 1, "colour": "red"}`))
	wantCode(t, err, "invalid_catalogue")
	vs, err := w.svc.CatalogueVersions(ctx)
	w.must(err)
	if len(vs) != 3 || vs[0].Version != 3 || vs[0].CreatedBy == nil || *vs[0].CreatedBy != w.admin.UserID {
		t.Fatalf("versions = %+v", vs)
	}
}

// weakerHours makes EXP-HOURS and EXP-PAY weak in every list, so the car-wash control case
// (domain scenario 2) no longer has a positive D4.
func weakerHours(t testing.TB) string {
	src := string(defaultCatalogueYAML(t))
	for _, code := range []string{"EXP-HOURS", "EXP-PAY"} {
		i := strings.Index(src, "code: "+code+"\n")
		j := i + strings.Index(src[i:], "strength:")
		k := j + strings.Index(src[j:], "\n")
		src = src[:j] + "strength: {adult-labour: weak, adult-sexual: weak, child-labour: weak, child-sexual: weak}" + src[k:]
	}
	return src
}

// A quiz grades with the catalogue version it was published with, however the catalogue changes.
func TestGradingUsesThePublishedCatalogueVersion(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	narrative := "Five local workers wash cars eleven hours a day for cash below the minimum wage."
	sc, err := w.svc.CreateScenario(ctx, w.trainer, ScenarioInput{CourseID: courseID, Title: Text{EN: "Car wash"}, AgeGroup: Adult,
		Exploitation: ExploitationLabour, Professions: []string{"labour_inspection"}, Narrative: Text{EN: narrative},
		Present: []string{"EXP-HOURS", "EXP-PAY", "EXP-NORIGHTS", "REC-VUL-ECONOMIC", "DST-VUL-ECONFAMILY"}})
	w.must(err)
	q, err := w.svc.CreateQuestion(ctx, w.trainer, QuestionInput{CourseID: courseID, Content: QuestionContent{
		Type: TypeCaseAssessment, Stem: Text{EN: "What is it?"}, ScenarioID: &sc.ID}})
	w.must(err)
	quiz := w.publishedQuiz(Settings{}, q.ID)
	if quiz.Publication.CatalogueVersion != 1 {
		t.Fatalf("published with catalogue %d", quiz.Publication.CatalogueVersion)
	}
	_, err = w.svc.UpdateCatalogue(ctx, w.admin, FormatYAML, []byte(weakerHours(t)))
	w.must(err)

	answer := Response{Outcome: OutcomeExploitation, PositiveDimensions: []string{"D4"}}
	take := func() *AttemptView {
		a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
		w.must(err)
		_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, 1, answer)
		w.must(err)
		a, err = w.svc.SubmitAttempt(ctx, w.learner, a.ID)
		w.must(err)
		return a
	}
	a := take()
	if a.CatalogueVersion != 1 || *a.Score != 1 {
		t.Fatalf("under catalogue 1: version %d score %v", a.CatalogueVersion, *a.Score)
	}
	// Republished, the quiz pins version 2, where D4 is no longer positive.
	_, err = w.svc.PublishQuiz(ctx, w.trainer, quiz.ID)
	w.must(err)
	a = take()
	if a.CatalogueVersion != 2 || *a.Score != roundScore(0.5*5/6) {
		t.Fatalf("under catalogue 2: version %d score %v", a.CatalogueVersion, *a.Score)
	}
}

func TestAttemptLifecycleEveryQuestionType(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{PassMark: 0.7, ShuffleQuestions: true, ShuffleOptions: true,
		OverallFeedback: []FeedbackBand{{MinScore: 0.9, Text: Text{EN: "Excellent"}}, {MinScore: 0, Text: Text{EN: "Keep practising"}}}}, ids...)
	a, started, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	if !started || a.Number != 1 || len(a.Questions) != 7 || a.State != StateOpen {
		t.Fatalf("start: started=%v number=%d questions=%d", started, a.Number, len(a.Questions))
	}
	// Starting again continues the open attempt.
	again, started, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	if started || again.ID != a.ID {
		t.Fatalf("second start made attempt %d (started %v)", again.ID, started)
	}
	// The question and option order is the one fixed at start.
	for i := range a.Questions {
		if again.Questions[i].QuestionID != a.Questions[i].QuestionID || len(again.Questions[i].Choices) != len(a.Questions[i].Choices) {
			t.Fatal("question order changed between reads")
		}
		for j := range a.Questions[i].Choices {
			if again.Questions[i].Choices[j] != a.Questions[i].Choices[j] {
				t.Fatal("option order changed between reads")
			}
		}
	}
	// Nothing about marks or answers shows in an open attempt.
	for _, q := range a.Questions {
		if q.Fraction != nil || q.Feedback != nil || q.Solution != nil || a.Score != nil {
			t.Fatalf("open attempt shows marks: %+v", q)
		}
		if q.Type == TypeIdentification && len(q.Choices) != 17 {
			t.Fatalf("identification shows %d candidates", len(q.Choices))
		}
	}
	for _, q := range a.Questions {
		r := rightAnswer(q.Type)
		if q.Type == TypeMultipleChoice {
			r = Response{Selected: []string{"a", "b", "c"}} // −1 for EXP-PAY: clamped to 0
		}
		saved, err := w.svc.SaveAnswer(ctx, w.learner, a.ID, q.Position, r)
		if err != nil {
			t.Fatalf("save %s: %v", q.Type, err)
		}
		if saved.Response == nil || saved.Fraction != nil {
			t.Fatalf("saved %s: %+v", q.Type, saved)
		}
		// Idempotent: the same answer again.
		if _, err := w.svc.SaveAnswer(ctx, w.learner, a.ID, q.Position, r); err != nil {
			t.Fatal(err)
		}
	}
	// A response naming what the question lacks, or fields of another type, is refused.
	pos := func(t QuestionType) int {
		for _, q := range a.Questions {
			if q.Type == t {
				return q.Position
			}
		}
		return 0
	}
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, pos(TypeSingleChoice), Response{Selected: []string{"z"}})
	wantCode(t, err, "invalid_response")
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, pos(TypeSingleChoice), Response{Order: []string{"a"}})
	wantCode(t, err, "validation_failed")
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, 99, Response{})
	wantCode(t, err, "attempt_question_not_found")
	// Another learner's attempt does not exist for them.
	_, err = w.svc.SaveAnswer(ctx, w.learner2, a.ID, 1, Response{})
	wantCode(t, err, "attempt_not_found")
	_, err = w.svc.GetAttempt(ctx, w.learner2, a.ID)
	wantCode(t, err, "attempt_not_found")
	_, err = w.svc.GetAttempt(ctx, w.other, a.ID)
	wantCode(t, err, "attempt_not_found")

	done, err := w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if done.State != StateSubmitted || done.Score == nil || *done.Score != roundScore(6.0/7) || !*done.Passed {
		t.Fatalf("submitted: state %s score %v passed %v", done.State, done.Score, done.Passed)
	}
	if done.OverallFeedback == nil || *done.OverallFeedback != "Keep practising" {
		t.Fatalf("overall feedback = %v", done.OverallFeedback)
	}
	for _, q := range done.Questions {
		want := 1.0
		if q.Type == TypeMultipleChoice {
			want = 0
		}
		if q.Fraction == nil || *q.Fraction != want || q.Solution == nil || q.Feedback == nil {
			t.Fatalf("%s: fraction %v, solution %v", q.Type, q.Fraction, q.Solution != nil)
		}
		if q.Type == TypeIdentification {
			ev := q.Solution.Mark.Identification.Indicators[7].Evidence
			if len(ev) != 1 || !strings.Contains(q.Solution.NarrativeHTML, `<mark data-tag="COE-DOCS">`) {
				t.Fatalf("evidence: %+v, narrative %s", ev, q.Solution.NarrativeHTML)
			}
		}
		if q.Type == TypeCaseAssessment && !strings.Contains(q.Solution.Mark.Case.Expected.Explanation.Text, "Trafficking") {
			t.Fatalf("case reasoning = %q", q.Solution.Mark.Case.Expected.Explanation.Text)
		}
	}
	// Submitting again returns the same result; saving is refused.
	again2, err := w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if *again2.Score != *done.Score || !again2.SubmittedAt.Equal(*done.SubmittedAt) {
		t.Fatal("a repeated submit changed the result")
	}
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, 1, Response{})
	wantCode(t, err, "attempt_submitted")
	if r := w.courses.results(); len(r) != 1 || r[0].Score != *done.Score || !r[0].Passed || r[0].QuizID != quiz.ID {
		t.Fatalf("recorded results = %+v", r)
	}
	// The author sees the attempt, and the learner's standing is in the quiz view.
	if _, err := w.svc.GetAttempt(ctx, w.trainer, a.ID); err != nil {
		t.Fatal(err)
	}
	qv, err := w.svc.GetQuiz(ctx, w.learner, quiz.ID)
	w.must(err)
	if qv.Draft != nil || qv.Me == nil || qv.Me.Grade == nil || *qv.Me.Grade != *done.Score || !qv.Me.CanStart {
		t.Fatalf("learner's view: %+v", qv.Me)
	}
}

func TestReviewFollowsTheSettings(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	closeAt := w.clock.now().Add(24 * time.Hour)
	quiz := w.publishedQuiz(Settings{CloseAt: &closeAt,
		Review: ReviewSettings{Marks: ShowAfterSubmit, Feedback: ShowAfterSubmit, RightAnswers: ShowAfterClose}}, ids[0], ids[2])
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	for _, q := range a.Questions {
		_, err := w.svc.SaveAnswer(ctx, w.learner, a.ID, q.Position, Response{Selected: []string{q.Choices[0].ID}})
		w.must(err)
	}
	done, err := w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if !done.Review.Marks || !done.Review.Feedback || done.Review.RightAnswers || done.Score == nil {
		t.Fatalf("review before close = %+v", done.Review)
	}
	for _, q := range done.Questions {
		if q.Solution != nil || q.Fraction == nil || q.Feedback == nil {
			t.Fatalf("before close %s: solution %v", q.Type, q.Solution != nil)
		}
	}
	// Authors always see the answer key.
	as, err := w.svc.GetAttempt(ctx, w.trainer, a.ID)
	w.must(err)
	if as.Questions[0].Solution == nil {
		t.Fatal("the author does not see the answer key")
	}
	w.clock.advance(25 * time.Hour)
	after, err := w.svc.GetAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if !after.Review.RightAnswers || after.Questions[0].Solution == nil {
		t.Fatal("after close the right answers are not shown")
	}

	// Never: no marks at all.
	w.clock.advance(-25 * time.Hour)
	hidden := w.publishedQuiz(Settings{Review: ReviewSettings{Marks: ShowNever, Feedback: ShowNever, RightAnswers: ShowNever}}, ids[2])
	a, _, err = w.svc.StartAttempt(ctx, w.learner, hidden.ID)
	w.must(err)
	done, err = w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if done.Score != nil || done.Passed != nil || done.Questions[0].Fraction != nil || done.Questions[0].Feedback != nil {
		t.Fatal("marks shown although the settings say never")
	}
}

func TestFeedbackAfterEachQuestionLocksTheAnswer(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{FeedbackTiming: FeedbackAfterEach}, ids[2], ids[4])
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	q, err := w.svc.SaveAnswer(ctx, w.learner, a.ID, 1, rightAnswer(a.Questions[0].Type))
	w.must(err)
	if !q.Locked || q.Fraction == nil || *q.Fraction != 1 || q.Feedback == nil || q.Solution == nil {
		t.Fatalf("checked answer: %+v", q)
	}
	// The same answer again is fine; another one is refused.
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, 1, rightAnswer(a.Questions[0].Type))
	w.must(err)
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, 1, Response{})
	wantCode(t, err, "answer_locked")
	// The other question shows nothing yet.
	view, err := w.svc.GetAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if view.Questions[1].Fraction != nil || view.Score != nil {
		t.Fatal("an unchecked question shows a mark")
	}
}

func TestDeadlineRefusesSavesAndSubmitsOverdueAttempts(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{TimeLimitSeconds: 600}, ids[2], ids[4])
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	if a.Deadline == nil || !a.Deadline.Equal(w.clock.now().Add(10*time.Minute)) {
		t.Fatalf("deadline = %v", a.Deadline)
	}
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, 1, rightAnswer(a.Questions[0].Type))
	w.must(err)
	w.clock.advance(10 * time.Minute)
	_, err = w.svc.SaveAnswer(ctx, w.learner, a.ID, 2, rightAnswer(a.Questions[1].Type))
	wantCode(t, err, "deadline_passed")
	// The refused save submitted the attempt with the answer saved in time.
	view, err := w.svc.GetAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if view.State != StateSubmitted || !view.AutoSubmitted || !view.SubmittedAt.Equal(*a.Deadline) || *view.Score != 0.5 {
		t.Fatalf("after the deadline: %s auto=%v at %v score %v", view.State, view.AutoSubmitted, view.SubmittedAt, *view.Score)
	}

	// The sweeper submits attempts nobody opens again.
	b, _, err := w.svc.StartAttempt(ctx, w.learner2, quiz.ID)
	w.must(err)
	if n, err := w.svc.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("early sweep: %d, %v", n, err)
	}
	w.clock.advance(11 * time.Minute)
	if n, err := w.svc.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v", n, err)
	}
	var row attemptRow
	w.must(w.db.Where("id = ?", b.ID).Take(&row).Error)
	if row.State != StateSubmitted || !row.AutoSubmitted || row.Score == nil || row.RecordedAt == nil {
		t.Fatalf("swept attempt: %+v", row)
	}
}

func TestQuizWindowAndAttemptsAllowed(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	open := w.clock.now().Add(time.Hour)
	closeAt := open.Add(time.Hour)
	quiz := w.publishedQuiz(Settings{OpenAt: &open, CloseAt: &closeAt, AttemptsAllowed: 1, TimeLimitSeconds: 7200}, ids[2])
	_, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	wantCode(t, err, "quiz_not_open")
	w.clock.advance(90 * time.Minute)
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	if !a.Deadline.Equal(closeAt) {
		t.Fatalf("deadline %v, want the close time %v", a.Deadline, closeAt)
	}
	_, err = w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	w.must(err)
	_, _, err = w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	wantCode(t, err, "no_attempts_left")
	w.clock.advance(time.Hour)
	_, _, err = w.svc.StartAttempt(ctx, w.learner2, quiz.ID)
	wantCode(t, err, "quiz_closed")

	// Not enrolled: refused; a draft quiz does not exist for learners.
	w.courses.mu.Lock()
	delete(w.courses.enrolled, [2]int64{w.learner2.UserID, courseID})
	w.courses.mu.Unlock()
	w.clock.advance(-2 * time.Hour)
	quiz2 := w.publishedQuiz(Settings{}, ids[2])
	_, _, err = w.svc.StartAttempt(ctx, w.learner2, quiz2.ID)
	wantCode(t, err, "not_enrolled")
	draft, err := w.svc.CreateQuiz(ctx, w.trainer, QuizInput{ModuleID: moduleID, Settings: Settings{Title: Text{EN: "Draft"}}})
	w.must(err)
	_, err = w.svc.GetQuiz(ctx, w.learner, draft.ID)
	wantCode(t, err, "quiz_not_found")
	_, _, err = w.svc.StartAttempt(ctx, w.trainer, draft.ID)
	wantCode(t, err, "quiz_not_published")
}

// 20 concurrent submits of one attempt grade it once.
func TestConcurrentSubmitsGradeOnce(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{}, ids...)
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	for _, q := range a.Questions {
		_, err := w.svc.SaveAnswer(ctx, w.learner, a.ID, q.Position, rightAnswer(q.Type))
		w.must(err)
	}
	var graded atomic.Int32
	w.svc.gradeHook = func(attemptID int64, position int) error {
		graded.Add(1)
		return nil
	}
	var wg sync.WaitGroup
	scores := make([]float64, 20)
	errs := make([]error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := w.svc.SubmitAttempt(ctx, w.learner, a.ID)
			if err == nil {
				scores[i] = *v.Score
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		if scores[i] != 1 {
			t.Fatalf("submit %d saw score %v", i, scores[i])
		}
	}
	if g := graded.Load(); g != 7 {
		t.Fatalf("%d questions graded, want 7 (one grading)", g)
	}
	if r := w.courses.results(); len(r) != 1 {
		t.Fatalf("result recorded %d times", len(r))
	}
}

// 10 learners' sessions start (and finish) attempts at once; attempts=3 holds.
func TestConcurrentStartsRespectAttemptsAllowed(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{AttemptsAllowed: 3}, ids[2])
	var wg sync.WaitGroup
	var refused atomic.Int32
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
				if e, ok := apperr.As(err); ok && e.Code == "no_attempts_left" {
					refused.Add(1)
					return
				}
				if err != nil {
					errs <- err
					return
				}
				if _, err := w.svc.SubmitAttempt(ctx, w.learner, a.ID); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n int64
	w.must(w.db.Model(&attemptRow{}).Where("quiz_id = ? AND user_id = ?", quiz.ID, w.learner.UserID).Count(&n).Error)
	if n != 3 || refused.Load() != 10 {
		t.Fatalf("%d attempts (%d sessions refused), want exactly 3", n, refused.Load())
	}

	// And the plain race: 10 starts at once with no attempt open make one attempt.
	quiz2 := w.publishedQuiz(Settings{AttemptsAllowed: 3}, ids[2])
	ids2 := make(chan int64, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz2.ID)
			if err != nil {
				t.Error(err)
				return
			}
			ids2 <- a.ID
		}()
	}
	wg.Wait()
	close(ids2)
	first := int64(0)
	for id := range ids2 {
		if first == 0 {
			first = id
		}
		if id != first {
			t.Fatalf("concurrent starts made attempts %d and %d", first, id)
		}
	}
}

// A failure in the middle of grading leaves the attempt open, unmarked, as it was.
func TestFailureDuringGradingLeavesTheAttemptAsItWas(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{}, ids...)
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	for _, q := range a.Questions {
		_, err := w.svc.SaveAnswer(ctx, w.learner, a.ID, q.Position, rightAnswer(q.Type))
		w.must(err)
	}
	var before attemptRow
	w.must(w.db.Where("id = ?", a.ID).Take(&before).Error)
	boom := errors.New("disk on fire")
	w.svc.gradeHook = func(attemptID int64, position int) error {
		if position == 4 {
			return boom
		}
		return nil
	}
	_, err = w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	if !errors.Is(err, boom) || !apperr.IsKind(err, apperr.KindInternal) {
		t.Fatalf("submit = %v, want the injected failure as an internal error", err)
	}
	var after attemptRow
	w.must(w.db.Where("id = ?", a.ID).Take(&after).Error)
	if after.State != StateOpen || after.Score != nil || after.SubmittedAt != nil || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("after the failure: %+v", after)
	}
	var marked int64
	w.must(w.db.Model(&attemptQuestionRow{}).Where("attempt_id = ? AND fraction IS NOT NULL", a.ID).Count(&marked).Error)
	if marked != 0 {
		t.Fatalf("%d questions kept a mark from the failed grading", marked)
	}
	if len(w.courses.results()) != 0 {
		t.Fatal("a failed grading reported a result")
	}
	w.svc.gradeHook = nil
	done, err := w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	w.must(err)
	if *done.Score != 1 {
		t.Fatalf("retry score %v", *done.Score)
	}
}

func TestResultRecordingIsRetriedBySweeper(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{}, ids[2])
	w.courses.failWrite = errors.New("courses unavailable")
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	_, err = w.svc.SubmitAttempt(ctx, w.learner, a.ID)
	w.must(err) // the grade is kept even when courses cannot be told
	w.courses.mu.Lock()
	w.courses.failWrite = nil
	w.courses.mu.Unlock()
	if _, err := w.svc.Sweep(ctx); err != nil || len(w.courses.results()) != 0 {
		t.Fatalf("a result graded just now was retried at once (%v)", err)
	}
	w.clock.advance(2 * time.Minute)
	if _, err := w.svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if r := w.courses.results(); len(r) != 1 {
		t.Fatalf("after the sweep: %d results recorded", len(r))
	}
	if _, err := w.svc.Sweep(ctx); err != nil || len(w.courses.results()) != 1 {
		t.Fatal("a second sweep recorded again")
	}
}

func TestGradingMethods(t *testing.T) {
	rows := func(scores ...float64) []attemptRow {
		out := make([]attemptRow, len(scores))
		for i := range scores {
			out[i] = attemptRow{State: StateSubmitted, Score: pointer(scores[i])}
		}
		return out
	}
	for _, tc := range []struct {
		method string
		want   float64
	}{{GradeHighest, 0.9}, {GradeFirst, 0.5}, {GradeLast, 0.7}, {GradeAverage, 0.7}} {
		if g, ok := quizGrade(rows(0.5, 0.9, 0.7), tc.method); !ok || g != tc.want {
			t.Errorf("%s = %v, want %v", tc.method, g, tc.want)
		}
	}
	if _, ok := quizGrade(nil, GradeHighest); ok {
		t.Error("a grade without attempts")
	}
}

// Serbian is stored in Cyrillic and shown in the reader's script; English readers get English.
func TestAttemptShowsTheReadersLanguageAndScript(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, ids := w.bank()
	quiz := w.publishedQuiz(Settings{}, ids[0])
	latin, _, err := w.svc.StartAttempt(ctx, w.learner2, quiz.ID) // sr-Latn
	w.must(err)
	sc := latin.Questions[0].Scenario
	if latin.Lang != LangSR || !strings.Contains(sc.NarrativeHTML, "Četrdeset radnika") || !strings.Contains(sc.Title, "Gradilište") {
		t.Fatalf("Serbian Latin: %s %q", sc.Title, sc.NarrativeHTML)
	}
	if strings.ContainsAny(latin.Questions[0].Choices[0].Text, "абвгдђежзијклљмнњопрстћуфхцчџш") {
		t.Fatalf("candidate names not in Latin: %q", latin.Questions[0].Choices[0].Text)
	}
	english, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID) // en
	w.must(err)
	if english.Lang != LangEN || !strings.Contains(english.Questions[0].Scenario.NarrativeHTML, "Forty workers") {
		t.Fatalf("English: %q", english.Questions[0].Scenario.NarrativeHTML)
	}
	// The Serbian reader's evidence is the Serbian passage.
	_, err = w.svc.SaveAnswer(ctx, w.learner2, latin.ID, 1, Response{Selected: []string{"COE-DEBT"}})
	w.must(err)
	done, err := w.svc.SubmitAttempt(ctx, w.learner2, latin.ID)
	w.must(err)
	if !strings.Contains(done.Questions[0].Solution.NarrativeHTML, `<mark data-tag="COE-DOCS">Pasoši su im oduzeti po dolasku</mark>`) {
		t.Fatalf("Serbian evidence: %s", done.Questions[0].Solution.NarrativeHTML)
	}
}

// Two admins edit the same version: the first save wins, the second is refused rather than
// silently replacing it; saving from the latest version works.
func TestCatalogueEditFromAStaleVersionIsRefused(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, v, err := w.svc.Catalogue(ctx, 0); err != nil || v != 1 {
		t.Fatalf("catalogue = %d, %v", v, err)
	}
	const racers = 6
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = w.svc.UpdateCatalogueFrom(ctx, w.admin, FormatYAML, []byte(weakerHours(t)), 1)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		wantCode(t, err, "catalogue_changed")
	}
	if won != 1 {
		t.Fatalf("%d saves from version 1 won, want exactly 1", won)
	}
	if v, err := w.svc.UpdateCatalogueFrom(ctx, w.admin, FormatYAML, []byte(weakerHours(t)), 2); err != nil || v != 3 {
		t.Fatalf("save from the latest = %d, %v", v, err)
	}
}
