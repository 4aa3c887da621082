package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/httpapi"
)

type sample struct {
	Name  string   `json:"name" binding:"required,max=10"`
	Email string   `json:"email" binding:"omitempty,email"`
	Tags  []string `json:"tags" binding:"max=2"`
	Count int      `json:"count"`
}

func testEngine(t *testing.T) http.Handler {
	t.Helper()
	e, err := httpapi.NewEngine(httpapi.Options{Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	e.POST("/api/v1/sample", func(c *gin.Context) {
		var s sample
		if !httpapi.BindJSON(c, &s) {
			return
		}
		c.JSON(http.StatusOK, s)
	})
	e.GET("/api/v1/panic", func(c *gin.Context) { panic("secret path /etc/prepoznaj and SELECT * FROM users") })
	return e
}

func TestBindJSONStrict(t *testing.T) {
	h := testEngine(t)
	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantCode    string
		wantField   string
	}{
		{"valid", "application/json", `{"name":"Ana"}`, 200, "", ""},
		{"valid with charset", "application/json; charset=utf-8", `{"name":"Ана","count":2}`, 200, "", ""},
		{"malformed", "application/json", `{"name":`, 400, "malformed_json", ""},
		{"not an object", "application/json", `[1,2]`, 400, "malformed_json", ""},
		{"wrong content type", "text/plain", `{"name":"Ana"}`, 415, "unsupported_media_type", ""},
		{"no content type", "", `{"name":"Ana"}`, 415, "unsupported_media_type", ""},
		{"form content type", "application/x-www-form-urlencoded", `name=Ana`, 415, "unsupported_media_type", ""},
		{"unknown field", "application/json", `{"name":"Ana","role":"admin"}`, 400, "unknown_field", "role"},
		{"trailing data", "application/json", `{"name":"Ana"} {"name":"Eve"}`, 400, "trailing_data", ""},
		{"trailing garbage", "application/json", `{"name":"Ana"}x`, 400, "trailing_data", ""},
		{"empty body", "application/json", ``, 400, "empty_body", ""},
		{"oversized", "application/json", `{"name":"` + strings.Repeat("a", httpapi.DefaultBodyLimit) + `"}`, 413, "body_too_large", ""},
		{"padding after a small value", "application/json", `{"name":"Ana"}` + strings.Repeat(" ", httpapi.DefaultBodyLimit), 413, "body_too_large", ""},
		{"missing required", "application/json", `{"count":1}`, 400, "validation_failed", "name"},
		{"too long", "application/json", `{"name":"abcdefghijk"}`, 400, "validation_failed", "name"},
		{"bad email", "application/json", `{"name":"a","email":"nope"}`, 400, "validation_failed", "email"},
		{"wrong type", "application/json", `{"name":"a","count":"three"}`, 400, "validation_failed", "count"},
		{"too many items", "application/json", `{"name":"a","tags":["a","b","c"]}`, 400, "validation_failed", "tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/sample", strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body.String())
			}
			if tt.wantCode == "" {
				return
			}
			p := decodeProblem(t, rec)
			if p.Code != tt.wantCode {
				t.Fatalf("code = %q, want %q", p.Code, tt.wantCode)
			}
			if tt.wantField != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tt.wantField) {
				t.Fatalf("errors = %+v, want a field error on %q", p.Errors, tt.wantField)
			}
		})
	}
}

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) httpapi.Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != httpapi.ProblemContentType {
		t.Fatalf("Content-Type = %q, want %q", ct, httpapi.ProblemContentType)
	}
	var p httpapi.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("decode problem: %v", err)
	}
	if p.Status != rec.Code || p.Type == "" || p.Title == "" || p.RequestID == "" {
		t.Fatalf("incomplete problem %+v", p)
	}
	if p.RequestID != rec.Header().Get(httpapi.RequestIDHeader) {
		t.Fatalf("request_id %q differs from header %q", p.RequestID, rec.Header().Get(httpapi.RequestIDHeader))
	}
	return p
}

func TestPanicAnswersOpaque500(t *testing.T) {
	h := testEngine(t)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/panic", nil))
	p := decodeProblem(t, rec)
	if rec.Code != 500 || p.Code != "internal" {
		t.Fatalf("got %d %q", rec.Code, p.Code)
	}
	for _, leak := range []string{"SELECT", "/etc", "goroutine", ".go:"} {
		if strings.Contains(rec.Body.String(), leak) {
			t.Fatalf("500 body leaks %q: %s", leak, rec.Body.String())
		}
	}
}

func TestCrossOriginUnsafeRequestRefused(t *testing.T) {
	h := testEngine(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/sample", strings.NewReader(`{"name":"a"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if p := decodeProblem(t, rec); rec.Code != 403 || p.Code != "cross_origin_refused" {
		t.Fatalf("got %d %q", rec.Code, p.Code)
	}
	// The same request from the app's own origin passes.
	req = httptest.NewRequest(http.MethodPost, "/api/v1/sample", strings.NewReader(`{"name":"a"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("same-origin request: %d %s", rec.Code, rec.Body.String())
	}
}

func TestSecurityHeadersAndUnknownRoutes(t *testing.T) {
	h := testEngine(t)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/no-such-thing", nil))
	if p := decodeProblem(t, rec); rec.Code != 404 || p.Code != "not_found" {
		t.Fatalf("got %d %q", rec.Code, p.Code)
	}
	hdr := rec.Header()
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
	} {
		if got := hdr.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	csp := hdr.Get("Content-Security-Policy")
	for _, d := range []string{"script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP %q lacks %q", csp, d)
		}
	}
	// A trailing slash is not redirected: it is simply another (unknown) path.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/v1/sample/", strings.NewReader("{}")))
	if rec.Code != 404 {
		t.Fatalf("trailing slash: %d, want 404", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/api/v1/sample", nil))
	if p := decodeProblem(t, rec); rec.Code != 405 || p.Code != "method_not_allowed" {
		t.Fatalf("wrong method: %d %q", rec.Code, p.Code)
	}
}

func TestForwardedForIgnoredWithoutTrustedProxies(t *testing.T) {
	e, err := httpapi.NewEngine(httpapi.Options{Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	e.GET("/ip", func(c *gin.Context) { c.String(200, c.ClientIP()) })
	req := httptest.NewRequest(http.MethodGet, "/ip", nil)
	req.RemoteAddr = "192.0.2.7:5555"
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("X-Real-Ip", "203.0.113.10")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if got := rec.Body.String(); got != "192.0.2.7" {
		t.Fatalf("ClientIP = %q, want the socket's address", got)
	}
}
