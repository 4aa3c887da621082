package accounts_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/prepoznaj/prepoznaj/apitest"
)

// Every forged or stretched access token answers 401, quickly.
func TestAccessTokenAttacks(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	f := s.NewFixture()
	valid := f.Tokens["learner"]
	parts := strings.Split(valid, ".")
	var claims map[string]any
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	with := func(change func(m jwt.MapClaims)) jwt.MapClaims {
		m := jwt.MapClaims{}
		for k, v := range claims {
			m[k] = v
		}
		change(m)
		return m
	}
	sign := func(method jwt.SigningMethod, m jwt.MapClaims, key any, header map[string]any) string {
		tok := jwt.NewWithClaims(method, m)
		for k, v := range header {
			tok.Header[k] = v
		}
		out, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	hs := func(m jwt.MapClaims) string { return sign(jwt.SigningMethodHS256, m, apitest.Secret, nil) }
	now := time.Now().Unix()
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	noneTok := sign(jwt.SigningMethodNone, with(func(jwt.MapClaims) {}), jwt.UnsafeAllowNoneSignatureType, nil)
	tamperedPayload := base64.RawURLEncoding.EncodeToString(must(json.Marshal(with(func(m jwt.MapClaims) { m["sub"] = itoa(f.Users["admin"]) }))))

	attacks := []struct{ name, token string }{
		{"alg none", noneTok},
		{"alg none without signature part", strings.TrimSuffix(noneTok, ".")},
		{"HS512", sign(jwt.SigningMethodHS512, with(func(jwt.MapClaims) {}), apitest.Secret, nil)},
		{"RS256", sign(jwt.SigningMethodRS256, with(func(jwt.MapClaims) {}), rsaKey, nil)},
		{"tampered payload, original signature", parts[0] + "." + tamperedPayload + "." + parts[2]},
		{"no exp", hs(with(func(m jwt.MapClaims) { delete(m, "exp") }))},
		{"expired beyond leeway", hs(with(func(m jwt.MapClaims) { m["exp"] = now - 31; m["iat"] = now - 1000 }))},
		{"nbf in the future", hs(with(func(m jwt.MapClaims) { m["nbf"] = now + 120 }))},
		{"iat in the future", hs(with(func(m jwt.MapClaims) { m["iat"] = now + 120 }))},
		{"wrong iss", hs(with(func(m jwt.MapClaims) { m["iss"] = "someone-else" }))},
		{"missing iss", hs(with(func(m jwt.MapClaims) { delete(m, "iss") }))},
		{"wrong aud", hs(with(func(m jwt.MapClaims) { m["aud"] = []string{"another-api"} }))},
		{"missing aud", hs(with(func(m jwt.MapClaims) { delete(m, "aud") }))},
		{"wrong token type", hs(with(func(m jwt.MapClaims) { m["typ"] = "refresh" }))},
		{"missing jti", hs(with(func(m jwt.MapClaims) { delete(m, "jti") }))},
		{"missing session", hs(with(func(m jwt.MapClaims) { delete(m, "sid") }))},
		{"another user's session", hs(with(func(m jwt.MapClaims) { m["sub"] = itoa(f.Users["admin"]) }))},
		{"kid path traversal", sign(jwt.SigningMethodHS256, with(func(jwt.MapClaims) {}), []byte("../../etc/passwd"), map[string]any{"kid": "../../etc/passwd"})},
		{"signed with another key", sign(jwt.SigningMethodHS256, with(func(jwt.MapClaims) {}), []byte("another-secret-another-secret-0123456789"), nil)},
		{"garbage", "not.a.token"},
		{"1 MiB bearer", strings.Repeat("A", 1<<20)},
	}
	// A refresh token sent as an access token.
	reg := register(t, s, "attack@example.org", "tamna-suma-321", "Napad Napadić").WantStatus(201)
	for _, c := range reg.Result().Cookies() {
		if c.Name == "__Host-prepoznaj_refresh" {
			attacks = append(attacks, struct{ name, token string }{"refresh token as access token", c.Value})
		}
	}
	// The untouched token works, so each failure is the attack's doing.
	s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Bearer: valid}).WantStatus(200)
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			start := time.Now()
			r := s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Bearer: a.token})
			if r.Code != 401 {
				t.Fatalf("status %d, want 401: %s", r.Code, r.Body.String())
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
