package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm/schema"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

// Every /api/v1 route is documented and every documented operation exists.
func TestRoutesMatchOpenAPI(t *testing.T) {
	s := apitest.New(t)
	routes := s.App.Spec.Operations()
	registered := httpapiRoutes(s)
	for _, r := range registered {
		if !slices.Contains(routes, r) {
			t.Errorf("route %s is registered but not documented in the OpenAPI document", r)
		}
	}
	for _, r := range routes {
		if !slices.Contains(registered, r) {
			t.Errorf("operation %s is documented but not registered", r)
		}
	}
}

func TestOpenAPIDocumentIsServedAs31(t *testing.T) {
	s := apitest.New(t)
	r := s.Do(apitest.Request{Method: "GET", Path: "/api/v1/openapi.json"}).WantStatus(200)
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Paths) < 10 {
		t.Fatalf("openapi = %q with %d paths", doc.OpenAPI, len(doc.Paths))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		r := s.Do(apitest.Request{Method: "GET", Path: p}).WantStatus(200)
		if cc := r.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s Cache-Control = %q", p, cc)
		}
	}
	// An unmigrated database is not ready.
	db, err := database.Open(context.Background(), dbtest.EmptyDSN(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	empty := apitest.NewOn(t, db)
	r := empty.Do(apitest.Request{Method: "GET", Path: "/readyz"})
	if r.Code != http.StatusServiceUnavailable || !strings.Contains(r.Body.String(), "not_ready") {
		t.Fatalf("readyz on an empty database: %d %s", r.Code, r.Body.String())
	}
}

func TestSPAServingAndCaching(t *testing.T) {
	s := apitest.New(t)
	index := s.Do(apitest.Request{Method: "GET", Path: "/"}).WantStatus(200)
	if ct := index.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("/ Content-Type = %q", ct)
	}
	if cc := index.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Fatalf("/ Cache-Control = %q, want no-cache", cc)
	}
	// A client-side route gets the app's HTML.
	deep := s.Do(apitest.Request{Method: "GET", Path: "/verify/ABCD-EFGH"}).WantStatus(200)
	if deep.Body.String() != index.Body.String() {
		t.Fatal("SPA fallback does not serve index.html")
	}
	// A hashed asset referenced by index.html is immutable and precompressed.
	html := index.Body.String()
	i := strings.Index(html, "/assets/")
	if i < 0 {
		t.Fatal("index.html references no /assets/ file")
	}
	asset := html[i : i+strings.IndexAny(html[i:], `"'`)]
	a := s.Do(apitest.Request{Method: "GET", Path: asset, Header: map[string]string{"Accept-Encoding": "gzip, br"}}).WantStatus(200)
	if cc := a.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Fatalf("%s Cache-Control = %q", asset, cc)
	}
	if a.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("%s not served precompressed", asset)
	}
	s.Do(apitest.Request{Method: "GET", Path: "/assets/missing-abc123.js"}).WantProblem(404, "not_found")
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/no-such-thing"}).WantProblem(404, "not_found")
}

// The migrated schema has exactly the columns the GORM models map, on both
// dialects, so a model change without a migration (or the reverse) fails here.
func TestSchemaMatchesModels(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	db := dbtest.New(t)
	for _, m := range app.Models() {
		stmt, err := schema.Parse(m, &schemaCache, db.NamingStrategy)
		if err != nil {
			t.Fatal(err)
		}
		if !db.Migrator().HasTable(stmt.Table) {
			t.Errorf("table %s (model %s) does not exist", stmt.Table, stmt.Name)
			continue
		}
		cols, err := db.Migrator().ColumnTypes(stmt.Table)
		if err != nil {
			t.Fatal(err)
		}
		inDB := map[string]bool{}
		for _, c := range cols {
			inDB[c.Name()] = true
		}
		for _, f := range stmt.Fields {
			if f.DBName == "" {
				continue
			}
			if !inDB[f.DBName] {
				t.Errorf("%s.%s is in the model but not the schema", stmt.Table, f.DBName)
			}
			delete(inDB, f.DBName)
		}
		for c := range inDB {
			t.Errorf("%s.%s is in the schema but not the model", stmt.Table, c)
		}
	}
}

// The foundation's acceptance table, on a real route.
func TestBadInputOnARealRoute(t *testing.T) {
	s := apitest.New(t)
	big := `{"email":"a@b.rs","password":"` + strings.Repeat("x", 70<<10) + `"}`
	for _, tt := range []struct {
		name, ct, body string
		status         int
		code           string
	}{
		{"malformed JSON", "application/json", `{"email":`, 400, "malformed_json"},
		{"wrong content type", "text/plain", `{"email":"a@b.rs","password":"x"}`, 415, "unsupported_media_type"},
		{"unknown field", "application/json", `{"email":"a@b.rs","password":"x","admin":true}`, 400, "unknown_field"},
		{"trailing data", "application/json", `{"email":"a@b.rs","password":"x"}{}`, 400, "trailing_data"},
		{"oversized", "application/json", big, 413, "body_too_large"},
		{"padding after a small value", "application/json", `{"email":"a@b.rs","password":"x"}` + strings.Repeat("\n", 70<<10), 413, "body_too_large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: tt.body, Header: map[string]string{"Content-Type": tt.ct}}).WantProblem(tt.status, tt.code)
		})
	}
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/no-such-thing"}).WantProblem(404, "not_found")
}
