// Package apitest runs requests through the platform's real router on a fresh
// test database (SQLite, or Postgres when TEST_DATABASE_URL is set) and checks
// every /api/v1 response against the OpenAPI document.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

// Server is the platform under test.
type Server struct {
	T      testing.TB
	App    *app.App
	DB     *database.DB
	router routers.Router
}

var (
	routerOnce sync.Once
	specRouter routers.Router
	routerErr  error
)

// Secret is the signing key test servers use.
var Secret = []byte("test-secret-test-secret-test-secret-0123456789")

// New builds the platform on a fresh database.
func New(tb testing.TB) *Server {
	tb.Helper()
	db := dbtest.New(tb)
	return NewOn(tb, db)
}

// NewWithClock builds the platform on a fresh database with now as its
// clock, for tests that move time. Access tokens expire by that clock too:
// after moving it, sign the fixture in again (Fixture.Refresh).
func NewWithClock(tb testing.TB, now func() time.Time) *Server {
	tb.Helper()
	return newOn(tb, dbtest.New(tb), now)
}

// NewOn builds the platform on db.
func NewOn(tb testing.TB, db *database.DB) *Server {
	tb.Helper()
	return newOn(tb, db, nil)
}

func newOn(tb testing.TB, db *database.DB, now func() time.Time) *Server {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.New(app.Config{BaseURL: "https://prepoznaj.test", Version: "test", Now: now}, db, Secret, log)
	if err != nil {
		tb.Fatalf("build app: %v", err)
	}
	routerOnce.Do(func() { specRouter, routerErr = gorillamux.NewRouter(a.Spec.Doc) })
	if routerErr != nil {
		tb.Fatalf("openapi router: %v", routerErr)
	}
	r := specRouter
	return &Server{T: tb, App: a, DB: db, router: r}
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Request describes one call.
type Request struct {
	Method  string
	Path    string
	Body    any // marshalled to JSON unless it is a string or []byte
	Header  map[string]string
	Cookies []*http.Cookie
	// Bearer is sent as Authorization: Bearer.
	Bearer string
	// RemoteAddr is the client's address (httptest's 192.0.2.1:1234 when empty).
	RemoteAddr string
}

// Response is what came back.
type Response struct {
	*httptest.ResponseRecorder
	T testing.TB
}

// Do sends r through the full handler (including the cross-origin guard) and
// validates an /api/v1 response against the OpenAPI document.
func (s *Server) Do(r Request) *Response {
	s.T.Helper()
	var body io.Reader
	var raw []byte
	contentType := ""
	switch b := r.Body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			s.T.Fatalf("marshal body: %v", err)
		}
		raw = js
		contentType = "application/json"
	}
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(r.Method, r.Path, body)
	if r.RemoteAddr != "" {
		req.RemoteAddr = r.RemoteAddr
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	for _, c := range r.Cookies {
		req.AddCookie(c)
	}
	if r.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.Bearer)
	}
	rec := httptest.NewRecorder()
	s.App.Handler.ServeHTTP(rec, req)
	resp := &Response{ResponseRecorder: rec, T: s.T}
	if strings.HasPrefix(r.Path, "/api/v1/") {
		s.validate(req, raw, rec)
	}
	return resp
}

func (s *Server) validate(req *http.Request, reqBody []byte, rec *httptest.ResponseRecorder) {
	s.T.Helper()
	if reqBody != nil {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		// Not documented: only acceptable for a 404/405 problem (no such route).
		if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
			return
		}
		s.T.Fatalf("%s %s answered %d but is not in the OpenAPI document: %v", req.Method, req.URL.Path, rec.Code, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  rec.Code,
		Header:  rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		s.T.Errorf("%s %s: response %d does not match the OpenAPI document: %v\nbody: %s", req.Method, req.URL.Path, rec.Code, err, truncate(rec.Body.String()))
	}
}

func truncate(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) {
	r.T.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		r.T.Fatalf("decode response %q: %v", truncate(r.Body.String()), err)
	}
}

// Problem is a decoded problem document.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// WantProblem checks the response is a problem with status and code.
func (r *Response) WantProblem(status int, code string) Problem {
	r.T.Helper()
	if r.Code != status {
		r.T.Fatalf("status = %d, want %d; body %s", r.Code, status, truncate(r.Body.String()))
	}
	if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		r.T.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p Problem
	r.JSON(&p)
	if p.Code != code || p.Status != status || p.RequestID == "" || p.Type == "" || p.Title == "" {
		r.T.Fatalf("problem = %+v, want status %d code %q with type, title and request_id", p, status, code)
	}
	return p
}

// WantStatus checks the status code.
func (r *Response) WantStatus(status int) *Response {
	r.T.Helper()
	if r.Code != status {
		r.T.Fatalf("status = %d, want %d; body %s", r.Code, status, truncate(r.Body.String()))
	}
	return r
}

// DialectName is printed by tests so the output says which database ran.
func DialectName() string { return string(dbtest.Dialect()) }
