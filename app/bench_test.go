package app_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/content"
)

// BenchmarkHealthz is the reference the other benchmarks are read against.
func BenchmarkHealthz(b *testing.B) {
	s := apitest.New(b)
	req := httptest.NewRequest("GET", "/healthz", nil)
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.App.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkAuthenticatedMe: token check, one query for user and session, one
// for the institution, JSON.
func BenchmarkAuthenticatedMe(b *testing.B) {
	s := apitest.New(b)
	f := s.NewFixture()
	req := httptest.NewRequest("GET", "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+f.Tokens["learner"])
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.App.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkCatalogueLearner: the default catalogue as a signed-in learner sees it (token check,
// the catalogue from its snapshot, the learner's enrolments, JSON). Read against BenchmarkHealthz.
func BenchmarkCatalogueLearner(b *testing.B) {
	s := apitest.New(b)
	f := s.NewFixture()
	if _, err := content.Seed(b.Context(), content.Services{DB: s.DB.DB, Accounts: s.App.Accounts, Courses: s.App.Courses, Quiz: s.App.Quiz}); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v1/courses", nil)
	req.Header.Set("Authorization", "Bearer "+f.Tokens["learner"])
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.App.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}
