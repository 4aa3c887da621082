package app_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prepoznaj/prepoznaj/apitest"
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
