package quiz

import (
	"context"
	"testing"
)

// The benchmarks run the service on a real test database (SQLite, or Postgres with
// TEST_DATABASE_URL) with the seven-question bank of the tests: one of every type.

func benchWorld(b *testing.B) (*world, *QuizView) {
	b.Helper()
	w := newWorld(b)
	_, ids := w.bank()
	return w, w.publishedQuiz(Settings{ShuffleQuestions: true, ShuffleOptions: true}, ids...)
}

// BenchmarkSaveAnswer: saving the answer to a 17-candidate identification question, alternating
// two selections so every save writes.
func BenchmarkSaveAnswer(b *testing.B) {
	w, quiz := benchWorld(b)
	ctx := context.Background()
	a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
	w.must(err)
	pos := 0
	for _, q := range a.Questions {
		if q.Type == TypeIdentification {
			pos = q.Position
		}
	}
	answers := []Response{{Selected: sitePresent[:5]}, {Selected: append(sitePresent[5:], "COE-VIOLENCE")}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := w.svc.SaveAnswer(ctx, w.learner, a.ID, pos, answers[i%2]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSubmitAndGrade: submitting an attempt with all seven questions answered, graded in
// one transaction. Starting and answering the attempt is not timed.
func BenchmarkSubmitAndGrade(b *testing.B) {
	w, quiz := benchWorld(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		a, _, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
		w.must(err)
		for _, q := range a.Questions {
			_, err := w.svc.SaveAnswer(ctx, w.learner, a.ID, q.Position, rightAnswer(q.Type))
			w.must(err)
		}
		b.StartTimer()
		v, err := w.svc.SubmitAttempt(ctx, w.learner, a.ID)
		if err != nil || *v.Score != 1 {
			b.Fatalf("submit: %v", err)
		}
	}
}

// BenchmarkStartAttempt: starting an attempt (drawing, shuffling and writing seven questions);
// the previous attempt is submitted untimed so each start creates one.
func BenchmarkStartAttempt(b *testing.B) {
	w, quiz := benchWorld(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		a, started, err := w.svc.StartAttempt(ctx, w.learner, quiz.ID)
		if err != nil || !started {
			b.Fatalf("start: %v (started %v)", err, started)
		}
		b.StopTimer()
		_, err = w.svc.SubmitAttempt(ctx, w.learner, a.ID)
		w.must(err)
		b.StartTimer()
	}
}
