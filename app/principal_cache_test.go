package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

// Two instances serve one Postgres database. Each remembers token lookups; a change made
// through one (disabling an account, ending a session, removing a role) must reach the
// other's cache, which it hears of by LISTEN/NOTIFY.
func TestPrincipalCacheAcrossInstances(t *testing.T) {
	if dbtest.Dialect() != database.Postgres {
		t.Skip("several instances share a database only on Postgres")
	}
	db := dbtest.New(t)
	a, b := apitest.NewOn(t, db), apitest.NewOn(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.App.RunBackground(ctx)
	go b.App.RunBackground(ctx)
	f := a.NewFixture()

	me := func(s *apitest.Server, who string) int {
		return s.As(f, who, apitest.Request{Method: "GET", Path: "/api/v1/me"}).Code
	}
	eventually := func(what string, s *apitest.Server, who string, want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			got := me(s, who)
			if got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: GET /me as %s = %d, want %d", what, who, got, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Both instances have looked the learner and the manager up (and, once listening, cached them).
	eventually("listening", b, "learner", http.StatusOK)
	time.Sleep(200 * time.Millisecond) // let both listeners start
	for _, who := range []string{"learner", "manager_same"} {
		if me(a, who) != http.StatusOK || me(b, who) != http.StatusOK {
			t.Fatalf("%s cannot read /me", who)
		}
	}

	// Disabled through a: b refuses the learner's token.
	a.As(f, "admin", apitest.Request{Method: "POST", Path: "/api/v1/users/" + itoa(f.Users["learner"]) + "/disable"}).WantStatus(http.StatusOK)
	eventually("disabled on the other instance", b, "learner", http.StatusUnauthorized)

	// A manager whose role is removed through a is no manager on b.
	inst := "/api/v1/institutions/" + itoa(f.InstA) + "/members"
	if got := b.As(f, "manager_same", apitest.Request{Method: "GET", Path: inst}).Code; got != http.StatusOK {
		t.Fatalf("manager lists members: %d", got)
	}
	a.As(f, "admin", apitest.Request{Method: "PUT", Path: "/api/v1/users/" + itoa(f.Users["manager_same"]) + "/roles",
		Body: map[string]any{"trainer": false, "manager": false, "admin": false, "institution_id": f.InstA}}).WantStatus(http.StatusOK)
	deadline := time.Now().Add(5 * time.Second)
	for b.As(f, "manager_same", apitest.Request{Method: "GET", Path: inst}).Code == http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("the removed role still works on the other instance")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
