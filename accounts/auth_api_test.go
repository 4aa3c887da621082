package accounts_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
)

func register(t *testing.T, s *apitest.Server, email, password, name string) *apitest.Response {
	t.Helper()
	return s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/register", Body: map[string]any{
		"email": email, "password": password, "full_name": name, "profession": "health", "locale": "sr-Latn",
	}})
}

func login(s *apitest.Server, email, password string, header map[string]string) *apitest.Response {
	return s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": email, "password": password}, Header: header})
}

func sessionCookies(t *testing.T, r *apitest.Response) []*http.Cookie {
	t.Helper()
	cs := apitest.CookiesOf(r)
	access, refresh := cs[accounts.AccessCookie], cs[accounts.RefreshCookie]
	if access == nil || refresh == nil {
		t.Fatalf("session cookies not set: %v", r.Header()["Set-Cookie"])
	}
	for _, c := range []*http.Cookie{access, refresh} {
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Fatalf("cookie %s lacks HttpOnly/Secure/SameSite=Strict/Path=/: %+v", c.Name, c)
		}
	}
	if access.MaxAge != int(accounts.AccessTTL.Seconds()) {
		t.Fatalf("access cookie MaxAge = %d", access.MaxAge)
	}
	return []*http.Cookie{access, refresh}
}

func TestRegisterLoginMeLogout(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	// A 64-letter Cyrillic password is 64 characters (128 bytes) and works.
	cyr := strings.Repeat("жабљак", 10) + "шума"
	r := register(t, s, "Dr.Ana@Example.org", cyr, "Ана Анђелковић").WantStatus(201)
	cookies := sessionCookies(t, r)
	var sess struct {
		User struct {
			Email  string   `json:"email"`
			Locale string   `json:"locale"`
			Roles  []string `json:"roles"`
		} `json:"user"`
		AccessToken string `json:"access_token"`
	}
	r.JSON(&sess)
	if sess.User.Email != "Dr.Ana@Example.org" || sess.User.Locale != "sr-Latn" || len(sess.User.Roles) != 1 || sess.AccessToken != "" {
		t.Fatalf("session = %+v", sess)
	}
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Cookies: cookies}).WantStatus(200)
	// Emails compare case-insensitively.
	register(t, s, "dr.ana@EXAMPLE.org", "druga-lozinka-77", "Neko Drugi").WantProblem(409, "email_taken")
	login(s, "DR.ANA@example.org", cyr, nil).WantStatus(200)
	// Logout ends the session at once, also for the access token not yet expired.
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/logout", Cookies: cookies}).WantStatus(204)
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Cookies: cookies}).WantProblem(401, "session_expired")
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Cookies: cookies}).WantProblem(401, "session_expired")
}

func TestPasswordPolicyThroughAPI(t *testing.T) {
	s := apitest.New(t)
	for _, tt := range []struct{ password, code string }{
		{"kratka", "too_short"},
		{strings.Repeat("a", 129), "too_long"},
		{"password123", "too_common"},
		{"Lozinka123", "too_common"},
		{"Prepoznaj2024!", "too_predictable"},
		{"jovana.markovic1", "too_predictable"},
	} {
		p := register(t, s, "jovana.markovic@example.org", tt.password, "Jovana Marković").WantProblem(400, "weak_password")
		if len(p.Errors) != 1 || p.Errors[0].Field != "password" || p.Errors[0].Code != tt.code {
			t.Errorf("%q: errors %+v, want password/%s", tt.password, p.Errors, tt.code)
		}
	}
	// Checked exactly as typed: spaces count and are kept.
	register(t, s, "jovana.markovic@example.org", "  razmak na početku  ", "Jovana Marković").WantStatus(201)
	login(s, "jovana.markovic@example.org", "razmak na početku", nil).WantProblem(401, "invalid_credentials")
	login(s, "jovana.markovic@example.org", "  razmak na početku  ", nil).WantStatus(200)
}

func TestRefreshRotationAndReuseRevokesFamily(t *testing.T) {
	s := apitest.New(t)
	first := sessionCookies(t, register(t, s, "rot@example.org", "sedam-sunaca-12", "Rota Rotić").WantStatus(201))
	second := sessionCookies(t, s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Cookies: first}).WantStatus(200))
	if first[1].Value == second[1].Value {
		t.Fatal("refresh token was not rotated")
	}
	third := sessionCookies(t, s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Cookies: second}).WantStatus(200))
	// Reusing the first (spent) token revokes the whole family: the newest
	// refresh token and its access token die too.
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Cookies: first}).WantProblem(401, "session_expired")
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Cookies: third}).WantProblem(401, "session_expired")
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Cookies: third}).WantProblem(401, "session_expired")
	var n int64
	s.DB.Raw("SELECT count(*) FROM audit_events WHERE action = ?", accounts.ActRefreshReuse).Scan(&n)
	if n != 1 {
		t.Fatalf("refresh reuse audited %d times, want 1", n)
	}
}

func TestConcurrentRefreshIssuesOneSuccessor(t *testing.T) {
	s := apitest.New(t)
	c := sessionCookies(t, register(t, s, "race@example.org", "zvezda-danica-3", "Rasa Rasić").WantStatus(201))
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Cookies: c}).Code
		}()
	}
	wg.Wait()
	ok := 0
	for _, code := range codes {
		if code == 200 {
			ok++
		}
	}
	if ok > 1 {
		t.Fatalf("%d concurrent refreshes with one token succeeded, want at most 1 (%v)", ok, codes)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	s := apitest.New(t)
	a := sessionCookies(t, register(t, s, "pw@example.org", "plava-reka-321", "Pera Perić").WantStatus(201))
	b := sessionCookies(t, login(s, "pw@example.org", "plava-reka-321", nil).WantStatus(200))
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/me/password", Cookies: a, Body: map[string]any{"current_password": "pogresna-1234", "new_password": "zuta-reka-654"}}).WantProblem(400, "wrong_password")
	p := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/me/password", Cookies: a, Body: map[string]any{"current_password": "plava-reka-321", "new_password": "123456789"}}).WantProblem(400, "weak_password")
	if p.Errors[0].Field != "new_password" {
		t.Fatalf("field = %q", p.Errors[0].Field)
	}
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/me/password", Cookies: a, Body: map[string]any{"current_password": "plava-reka-321", "new_password": "zuta-reka-654"}}).WantStatus(204)
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Cookies: a}).WantStatus(200)
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Cookies: b}).WantProblem(401, "session_expired")
	login(s, "pw@example.org", "plava-reka-321", nil).WantProblem(401, "invalid_credentials")
	login(s, "pw@example.org", "zuta-reka-654", nil).WantStatus(200)
}

func TestDisabledUserAndRemovedRoleTakeEffectAtOnce(t *testing.T) {
	s := apitest.New(t)
	f := s.NewFixture()
	s.As(f, "manager_same", apitest.Request{Method: "GET", Path: "/api/v1/institutions"}).WantStatus(200)
	// Remove the manager role: the next request with the same token is refused.
	s.As(f, "admin", apitest.Request{Method: "PUT", Path: "/api/v1/users/" + itoa(f.Users["manager_same"]) + "/roles", Body: map[string]any{"manager": false}}).WantStatus(200)
	s.As(f, "manager_same", apitest.Request{Method: "GET", Path: "/api/v1/institutions"}).WantProblem(403, "forbidden")
	// Disable the learner: their token stops working, and they cannot sign in.
	s.As(f, "admin", apitest.Request{Method: "POST", Path: "/api/v1/users/" + itoa(f.Users["learner"]) + "/disable"}).WantStatus(200)
	s.As(f, "learner", apitest.Request{Method: "GET", Path: "/api/v1/me"}).WantProblem(401, "invalid_token")
	login(s, f.Emails["learner"], apitest.FixturePassword, nil).WantProblem(403, "account_disabled")
	s.As(f, "admin", apitest.Request{Method: "POST", Path: "/api/v1/users/" + itoa(f.Users["learner"]) + "/enable"}).WantStatus(200)
	login(s, f.Emails["learner"], apitest.FixturePassword, nil).WantStatus(200)
	// An admin cannot lock themselves out.
	s.As(f, "admin", apitest.Request{Method: "POST", Path: "/api/v1/users/" + itoa(f.Users["admin"]) + "/disable"}).WantProblem(409, "cannot_disable_self")
}

// Ten failures lock the account whatever IP the client claims or uses; the
// lock answers 429 with Retry-After even for the right password.
func TestLockoutAcrossSpoofedForwardedFor(t *testing.T) {
	s := apitest.New(t)
	register(t, s, "lock@example.org", "crvena-ruza-88", "Lazar Lazić").WantStatus(201)
	for i := 0; i < accounts.MaxAccountFailure; i++ {
		login(s, "lock@example.org", "wrong-"+itoa(int64(i))+"-pass", map[string]string{"X-Forwarded-For": "198.51.100." + itoa(int64(i))}).WantProblem(401, "invalid_credentials")
	}
	r := login(s, "lock@example.org", "crvena-ruza-88", map[string]string{"X-Forwarded-For": "203.0.113.77"})
	r.WantProblem(429, "too_many_attempts")
	if ra := r.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q", ra)
	}
	var ips []string
	s.DB.Raw("SELECT DISTINCT client_ip FROM login_failures").Scan(&ips)
	if len(ips) != 1 || strings.HasPrefix(ips[0], "198.51.100.") {
		t.Fatalf("failures recorded from %v: X-Forwarded-For must be ignored without trusted proxies", ips)
	}
	var locked int64
	s.DB.Raw("SELECT count(*) FROM audit_events WHERE action = ?", accounts.ActLoginLocked).Scan(&locked)
	if locked == 0 {
		t.Fatal("lockout not audited")
	}
}

// An unknown email and a wrong password answer alike.
func TestUnknownEmailAnswersLikeWrongPassword(t *testing.T) {
	s := apitest.New(t)
	register(t, s, "known@example.org", "tiha-noc-2468", "Zna Znanić").WantStatus(201)
	a := login(s, "known@example.org", "wrong-password-1", nil)
	b := login(s, "unknown@example.org", "wrong-password-1", nil)
	pa, pb := a.WantProblem(401, "invalid_credentials"), b.WantProblem(401, "invalid_credentials")
	if pa.Detail != pb.Detail || pa.Title != pb.Title || len(a.Header()) != len(b.Header()) {
		t.Fatalf("answers differ:\n%s\n%s", a.Body.String(), b.Body.String())
	}
}

func TestPatchMeCannotAssignRolesOrInstitution(t *testing.T) {
	s := apitest.New(t)
	f := s.NewFixture()
	for _, body := range []string{
		`{"role":"admin"}`,
		`{"roles":["admin"]}`,
		`{"institution_id":` + itoa(f.InstB) + `}`,
		`{"is_admin":true}`,
		`{"full_name":"X","institution":{"id":` + itoa(f.InstB) + `}}`,
		`{"full_name":{"first":"X"}}`,
	} {
		r := s.As(f, "learner", apitest.Request{Method: "PATCH", Path: "/api/v1/me", Body: body, Header: map[string]string{"Content-Type": "application/json"}})
		if r.Code != 400 {
			t.Fatalf("PATCH /me %s: %d, want 400", body, r.Code)
		}
	}
	var me struct {
		Roles       []string `json:"roles"`
		FullName    string   `json:"full_name"`
		Institution struct {
			ID int64 `json:"id"`
		} `json:"institution"`
	}
	s.As(f, "learner", apitest.Request{Method: "GET", Path: "/api/v1/me"}).JSON(&me)
	if len(me.Roles) != 1 || me.Institution.ID != f.InstA || me.FullName != "Milica Jovanović" {
		t.Fatalf("profile changed: %+v", me)
	}
	s.As(f, "learner", apitest.Request{Method: "PATCH", Path: "/api/v1/me", Body: map[string]any{"locale": "en", "full_name": "Milica J."}}).WantStatus(200)
}

func TestAPIClientsGetTokensInTheBody(t *testing.T) {
	s := apitest.New(t)
	register(t, s, "bot@example.org", "mirna-luka-975", "Bot Botić").WantStatus(201)
	r := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": "bot@example.org", "password": "mirna-luka-975", "client": "api"}}).WantStatus(200)
	if len(r.Result().Cookies()) != 0 {
		t.Fatal("API login set cookies")
	}
	var sess struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	r.JSON(&sess)
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Bearer: sess.AccessToken}).WantStatus(200)
	r = s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]any{"refresh_token": sess.RefreshToken}}).WantStatus(200)
	// Tokens are never read from the URL.
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me?access_token=" + sess.AccessToken}).WantProblem(401, "unauthenticated")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Registration says whether an email is taken, so one address may try only
// so many times, valid attempts or not; other addresses are unaffected.
func TestRegistrationIsRateLimitedPerAddress(t *testing.T) {
	s := apitest.New(t)
	try := func(addr string, i int) *apitest.Response {
		return s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/register", RemoteAddr: addr, Body: map[string]any{
			"email": "probe" + itoa(int64(i)) + "@example.org", "password": "short", "full_name": "Probe Probić"}})
	}
	for i := range accounts.RegisterBurst {
		try("198.51.100.7:5000", i).WantProblem(400, "weak_password")
	}
	r := try("198.51.100.7:5001", accounts.RegisterBurst)
	r.WantProblem(429, "too_many_attempts")
	if ra := r.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q", ra)
	}
	// A taken email is not revealed to the limited address either.
	register(t, s, "taken@example.org", "zelena-trava-99", "Zauzet Zauzetić").WantStatus(201)
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/register", RemoteAddr: "198.51.100.7:5002", Body: map[string]any{
		"email": "taken@example.org", "password": "zelena-trava-99", "full_name": "Neko Drugi"}}).WantProblem(429, "too_many_attempts")
	try("203.0.113.9:4000", 0).WantProblem(400, "weak_password")
}
