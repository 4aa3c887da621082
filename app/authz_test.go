package app_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
)

type matrixRow struct {
	Route       string         `yaml:"route"`
	Path        string         `yaml:"path"`
	Body        map[string]any `yaml:"body"`
	RawBody     string         `yaml:"raw_body"`
	ContentType string         `yaml:"content_type"`
	Expect      []int          `yaml:"expect"`
	// Setup names a function in setups that prepares objects for the row and
	// returns their placeholders ("{course}" -> "12").
	Setup string `yaml:"setup"`
}

// setups prepare per-row objects; each package's rows register theirs from
// their own authz_<package>_test.go file.
var setups = map[string]func(t *testing.T, s *apitest.Server, f *apitest.Fixture) map[string]string{
	"invitation": func(t *testing.T, s *apitest.Server, f *apitest.Fixture) map[string]string {
		mgr := &accounts.Principal{UserID: f.Users["manager_same"], Manager: true, InstitutionID: f.InstA}
		inv, err := s.App.Accounts.CreateInvitation(context.Background(), mgr, f.InstA, accounts.InvitationInput{MaxUses: 1, ExpiresIn: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"{invitation}": strconv.FormatInt(inv.ID, 10)}
	},
}

func loadMatrix(t *testing.T) []matrixRow {
	t.Helper()
	files, err := filepath.Glob("testdata/authz/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no authorization matrix files: %v", err)
	}
	var rows []matrixRow
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var part []matrixRow
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&part); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range part {
			if len(r.Expect) != len(apitest.PrincipalNames) {
				t.Fatalf("%s: %s has %d expectations, want %d", f, r.Route, len(r.Expect), len(apitest.PrincipalNames))
			}
		}
		rows = append(rows, part...)
	}
	return rows
}

// Every /api/v1 route is in the matrix, and every principal gets the status
// the matrix says, each on a fresh fixture.
func TestAuthorizationMatrix(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	rows := loadMatrix(t)
	s := apitest.New(t)
	var covered []string
	for _, r := range rows {
		covered = append(covered, r.Route)
	}
	for _, route := range httpapiRoutes(s) {
		if !slices.Contains(covered, route) {
			t.Errorf("route %s is missing from the authorization matrix (app/testdata/authz)", route)
		}
	}
	for _, row := range rows {
		t.Run(row.Route, func(t *testing.T) {
			t.Parallel()
			method, _, _ := strings.Cut(row.Route, " ")
			for i, who := range apitest.PrincipalNames {
				s := apitest.New(t)
				f := s.NewFixture()
				path, expand := expandPath(t, s, f, row)
				req := apitest.Request{Method: method, Path: path}
				switch {
				case row.RawBody != "":
					req.Body = expand.Replace(row.RawBody)
					req.Header = map[string]string{"Content-Type": row.ContentType}
				case row.Body != nil:
					req.Body = row.Body
				}
				got := s.As(f, who, req)
				if got.Code != row.Expect[i] {
					t.Errorf("%s %s as %s: %d, want %d (%s)", method, path, who, got.Code, row.Expect[i], got.Body.String())
				}
			}
		})
	}
}

// expandPath fills the row's placeholders; the replacer also serves raw
// bodies (`raw_body` with `content_type: application/json` for ids in JSON).
func expandPath(t *testing.T, s *apitest.Server, f *apitest.Fixture, row matrixRow) (string, *strings.Replacer) {
	t.Helper()
	path := row.Path
	if path == "" {
		_, path, _ = strings.Cut(row.Route, " ")
	}
	repl := []string{
		"{inst}", strconv.FormatInt(f.InstA, 10),
		"{member}", strconv.FormatInt(f.Users["learner"], 10),
	}
	if row.Setup != "" {
		setup, ok := setups[row.Setup]
		if !ok {
			t.Fatalf("%s: no setup %q", row.Route, row.Setup)
		}
		for k, v := range setup(t, s, f) {
			repl = append(repl, k, v)
		}
	}
	r := strings.NewReplacer(repl...)
	path = r.Replace(path)
	if strings.Contains(path, "{") {
		t.Fatalf("%s: unexpanded placeholder in %s", row.Route, path)
	}
	return path, r
}
