package apitest

import (
	"context"
	"net/http"
	"sync"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// FixturePassword is every fixture user's password.
const FixturePassword = "zelena-livada-42"

var (
	hashOnce  sync.Once
	fixedHash string
)

// Principal names, in the authorization matrix's column order.
var PrincipalNames = []string{"anonymous", "learner", "trainer", "manager_other", "manager_same", "admin"}

// Fixture is a small world: institution A with a manager and a learner,
// institution B with a manager and a learner, a trainer and an admin, each
// signed in.
type Fixture struct {
	InstA, InstB int64
	Users        map[string]int64 // by principal name, plus "learner_b"
	Tokens       map[string]string
	Emails       map[string]string
}

// NewFixture builds the fixture on s.
func (s *Server) NewFixture() *Fixture {
	s.T.Helper()
	ctx := context.Background()
	acc := s.App.Accounts
	hashOnce.Do(func() {
		h, err := acc.HashPassword(ctx, FixturePassword)
		if err != nil {
			panic(err)
		}
		fixedHash = h
	})
	admin := &accounts.Principal{UserID: 0, Admin: true}
	f := &Fixture{Users: map[string]int64{}, Tokens: map[string]string{}, Emails: map[string]string{}}
	a, err := acc.CreateInstitution(ctx, admin, accounts.InstitutionInput{Name: "Policijska uprava Novi Sad", Kind: "police_directorate", City: "Novi Sad", Country: "RS"})
	if err != nil {
		s.T.Fatal(err)
	}
	b, err := acc.CreateInstitution(ctx, admin, accounts.InstitutionInput{Name: "Osnovna škola Vuk Karadžić", Kind: "school", City: "Niš", Country: "RS"})
	if err != nil {
		s.T.Fatal(err)
	}
	f.InstA, f.InstB = a.ID, b.ID
	users := []struct {
		name, email, full, profession string
		roles                         accounts.RolesInput
	}{
		{"learner", "learner@a.test", "Milica Jovanović", "police", accounts.RolesInput{InstitutionID: &f.InstA}},
		{"learner_b", "learner@b.test", "Marko Petrović", "education", accounts.RolesInput{InstitutionID: &f.InstB}},
		{"trainer", "trainer@ngo.test", "Јелена Ђорђевић", "other", accounts.RolesInput{Trainer: true}},
		{"manager_other", "manager@b.test", "Ana Nikolić", "education", accounts.RolesInput{Manager: true, InstitutionID: &f.InstB}},
		{"manager_same", "manager@a.test", "Dragan Ilić", "police", accounts.RolesInput{Manager: true, InstitutionID: &f.InstA}},
		{"admin", "admin@ngo.test", "Admin Adminović", "other", accounts.RolesInput{Admin: true}},
	}
	for _, u := range users {
		id, err := acc.CreateUserHashed(ctx, u.email, u.full, fixedHash, u.profession, u.roles)
		if err != nil {
			if e, ok := apperr.As(err); ok && e.Err != nil {
				err = e.Err
			}
			s.T.Fatalf("create %s: %v", u.name, err)
		}
		f.Users[u.name] = id
		f.Emails[u.name] = u.email
		sess, err := acc.SessionFor(ctx, id)
		if err != nil {
			s.T.Fatal(err)
		}
		f.Tokens[u.name] = sess.AccessToken
	}
	return f
}

// Refresh signs every fixture user in again, for tests that moved the
// platform's clock past the access tokens' lifetime.
func (s *Server) Refresh(f *Fixture) {
	s.T.Helper()
	for name, id := range f.Users {
		sess, err := s.App.Accounts.SessionFor(context.Background(), id)
		if err != nil {
			s.T.Fatal(err)
		}
		f.Tokens[name] = sess.AccessToken
	}
}

// As sends r as the named principal ("anonymous" sends no token).
func (s *Server) As(f *Fixture, who string, r Request) *Response {
	s.T.Helper()
	if who != "anonymous" {
		r.Bearer = f.Tokens[who]
	}
	return s.Do(r)
}

// CookiesOf returns the cookies a response set, by name.
func CookiesOf(r *Response) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range r.Result().Cookies() {
		out[c.Name] = c
	}
	return out
}
