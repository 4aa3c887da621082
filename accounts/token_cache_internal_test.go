package accounts

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	testTokenKey = []byte("0123456789abcdef0123456789abcdef")
	testTokenT0  = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
)

func newTestSigner(t *testing.T) (*tokenSigner, *clock) {
	t.Helper()
	c := &clock{t: testTokenT0}
	return newTokenSigner(testTokenKey, c.now), c
}

func issueToken(t testing.TB, s *tokenSigner, uid int64, sid string) string {
	t.Helper()
	tok, _, err := s.issue(uid, sid)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func isCached(s *tokenSigner, raw string) bool {
	_, ok := s.verified.get(raw)
	return ok
}

// mintToken signs an access token with chosen times; nbf may be zero (absent).
func mintToken(t *testing.T, iat, nbf, exp time.Time) string {
	t.Helper()
	claims := accessClaims{
		Type:      accessTokenType,
		SessionID: "fam-mint",
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   "7",
			Audience:  jwt.ClaimStrings{tokenAudience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(iat),
			ID:        randomToken(16),
		},
	}
	if !nbf.IsZero() {
		claims.NotBefore = jwt.NewNumericDate(nbf)
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(testTokenKey)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// A hit answers what the full check answered, and costs no parsing.
func TestVerifiedTokenHitReturnsWhatAMissReturned(t *testing.T) {
	s, _ := newTestSigner(t)
	tok := issueToken(t, s, 42, "fam-1")
	uid, sid, err := s.verify(tok)
	if err != nil || uid != 42 || sid != "fam-1" {
		t.Fatalf("miss: verify = %d, %q, %v, want 42, fam-1", uid, sid, err)
	}
	if !isCached(s, tok) {
		t.Fatal("an accepted token is not cached")
	}
	uid, sid, err = s.verify(tok)
	if err != nil || uid != 42 || sid != "fam-1" {
		t.Fatalf("hit: verify = %d, %q, %v, want 42, fam-1", uid, sid, err)
	}
	// Parsing allocates; a hit must not, so this also shows it was one.
	if n := testing.AllocsPerRun(100, func() { s.verify(tok) }); n != 0 {
		t.Fatalf("a hit allocates %v times", n)
	}
	if got, want := s.verified.len(), 1; got != want {
		t.Fatalf("cache holds %d, want %d", got, want)
	}
}

// On a hit the cache accepts exactly the instants the parser accepts: up to
// exp+leeway exclusive, from the later of iat and nbf minus leeway inclusive.
// A rejected hit leaves the cache.
func TestCachedTokenKeepsTheParsersTimeWindow(t *testing.T) {
	const L = tokenLeeway
	iat := testTokenT0
	exp := iat.Add(AccessTTL)
	nbf := iat.Add(20 * time.Second)
	tokens := []struct {
		name  string
		raw   string
		start time.Time // when it is first verified, and cached
		from  time.Time // the earliest instant the parser accepts
	}{
		{"issued", "", iat, iat.Add(-L)},
		{"nbf after iat", mintToken(t, iat, nbf, exp), nbf, nbf.Add(-L)},
		{"no nbf", mintToken(t, iat, time.Time{}, exp), iat, iat.Add(-L)},
	}
	for _, tk := range tokens {
		instants := []struct {
			name string
			at   time.Time
			ok   bool
		}{
			{"just before from", tk.from.Add(-time.Nanosecond), false},
			{"at from", tk.from, true},
			{"a second before from", tk.from.Add(-time.Second), false},
			{"before iat-leeway", iat.Add(-L - time.Second), false},
			{"just before exp+leeway", exp.Add(L - time.Nanosecond), true},
			{"at exp+leeway", exp.Add(L), false},
			{"after exp+leeway", exp.Add(L + time.Hour), false},
		}
		for _, in := range instants {
			t.Run(tk.name+"/"+in.name, func(t *testing.T) {
				s, c := newTestSigner(t)
				raw := tk.raw
				if raw == "" {
					raw = issueToken(t, s, 7, "fam-mint")
				}
				c.add(tk.start.Sub(c.now()))
				if _, _, err := s.verify(raw); err != nil || !isCached(s, raw) {
					t.Fatalf("first verify: %v, cached %v", err, isCached(s, raw))
				}
				c.add(in.at.Sub(c.now()))
				// The parser, uncached, is the reference.
				_, _, perr := newTokenSigner(testTokenKey, c.now).verify(raw)
				if got := perr == nil; got != in.ok {
					t.Fatalf("parser accepts = %v, test expects %v", got, in.ok)
				}
				uid, sid, err := s.verify(raw)
				if got := err == nil; got != in.ok {
					t.Fatalf("cached verify accepts = %v (%v), want %v", got, err, in.ok)
				}
				if in.ok && (uid != 7 || sid != "fam-mint") {
					t.Fatalf("verify = %d, %q, want 7, fam-mint", uid, sid)
				}
				if !in.ok && err != errBadToken {
					t.Fatalf("error = %v, want errBadToken", err)
				}
				if got := isCached(s, raw); got != in.ok {
					t.Fatalf("cached after = %v, want %v", got, in.ok)
				}
			})
		}
	}
}

// A cached token changed in any one byte, signature or payload or header, is
// checked in full and refused.
func TestTamperedTokenIsVerifiedInFull(t *testing.T) {
	s, _ := newTestSigner(t)
	tok := issueToken(t, s, 42, "fam-1")
	if _, _, err := s.verify(tok); err != nil {
		t.Fatal(err)
	}
	for i := range len(tok) {
		b := []byte(tok)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		if uid, _, err := s.verify(string(b)); err == nil {
			t.Fatalf("byte %d of %d changed: accepted as user %d", i, len(tok), uid)
		}
	}
	if got, want := s.verified.len(), 1; got != want {
		t.Fatalf("cache holds %d, want %d", got, want)
	}
	if uid, _, err := s.verify(tok); err != nil || uid != 42 {
		t.Fatalf("original after tampering: %d, %v", uid, err)
	}
}

// Refused tokens leave nothing behind, so junk cannot fill the cache.
func TestFailedVerificationIsNotCached(t *testing.T) {
	s, c := newTestSigner(t)
	other := newTokenSigner([]byte("another-key-another-key-another-k"), c.now)
	stale := issueToken(t, s, 1, "fam-stale")
	c.add(AccessTTL + tokenLeeway)
	refused := map[string]string{
		"empty":          "",
		"garbage":        "not.a.token",
		"too long":       string(make([]byte, maxTokenLen+1)),
		"another key":    issueToken(t, other, 1, "fam-1"),
		"expired":        stale,
		"not yet issued": mintToken(t, c.now().Add(time.Hour), time.Time{}, c.now().Add(2*time.Hour)),
	}
	for name, raw := range refused {
		for range 2 {
			if _, _, err := s.verify(raw); err != errBadToken {
				t.Fatalf("%s: error = %v, want errBadToken", name, err)
			}
		}
	}
	if got := s.verified.len(); got != 0 {
		t.Fatalf("cache holds %d after only failures, want 0", got)
	}
}

// The cache never grows past its bound, and verifies correctly throughout.
func TestVerifiedTokensStayBounded(t *testing.T) {
	s, _ := newTestSigner(t)
	s.verified.max = 64
	var toks []string
	for i := range 3*s.verified.max + 1 {
		uid := int64(i + 1)
		tok := issueToken(t, s, uid, "fam-"+strconv.Itoa(i))
		toks = append(toks, tok)
		for range 2 { // a miss, then a hit
			got, sid, err := s.verify(tok)
			if err != nil || got != uid || sid != "fam-"+strconv.Itoa(i) {
				t.Fatalf("token %d: verify = %d, %q, %v", i, got, sid, err)
			}
		}
		if n := s.verified.len(); n > s.verified.max {
			t.Fatalf("after %d tokens the cache holds %d, bound %d", i+1, n, s.verified.max)
		}
	}
	// Evicted tokens are verified again in full.
	for i, tok := range toks {
		if uid, _, err := s.verify(tok); err != nil || uid != int64(i+1) {
			t.Fatalf("token %d again: %d, %v", i, uid, err)
		}
	}
}

// When full, expired entries make room first; the live ones stay.
func TestFullCacheDropsExpiredTokensFirst(t *testing.T) {
	s, c := newTestSigner(t)
	s.verified.max = 8
	verify := func(tok string) {
		t.Helper()
		if _, _, err := s.verify(tok); err != nil {
			t.Fatal(err)
		}
	}
	var old, live []string
	for i := range 4 {
		old = append(old, issueToken(t, s, int64(i+1), "fam-old"))
		verify(old[i])
	}
	c.add(10 * time.Minute)
	for i := range 4 {
		live = append(live, issueToken(t, s, int64(i+1), "fam-live"))
		verify(live[i])
	}
	c.add(AccessTTL + tokenLeeway - 10*time.Minute) // the old ones just expired
	verify(issueToken(t, s, 9, "fam-new"))
	if got, want := s.verified.len(), 5; got != want {
		t.Fatalf("cache holds %d, want %d", got, want)
	}
	for _, tok := range old {
		if isCached(s, tok) {
			t.Fatal("an expired token stayed")
		}
	}
	for _, tok := range live {
		if !isCached(s, tok) {
			t.Fatal("a live token was dropped while expired ones made room")
		}
	}
	// Full of live tokens, it starts afresh.
	for i := range 3 {
		verify(issueToken(t, s, int64(10+i), "fam-more"))
	}
	verify(issueToken(t, s, 20, "fam-last"))
	if got, want := s.verified.len(), 1; got != want {
		t.Fatalf("cache holds %d after a full sweep freed nothing, want %d", got, want)
	}
}

// Concurrent verifies of one token, of many (with evictions), and of forged
// ones; run with -race.
func TestConcurrentVerify(t *testing.T) {
	s, _ := newTestSigner(t)
	s.verified.max = 16
	toks := make([]string, 40)
	for i := range toks {
		toks[i] = issueToken(t, s, int64(i+1), "fam-"+strconv.Itoa(i))
	}
	forged := toks[0][:len(toks[0])-2] + "AA"
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				for _, k := range []int{0, (g*7 + i) % len(toks)} {
					uid, sid, err := s.verify(toks[k])
					if err != nil || uid != int64(k+1) || sid != "fam-"+strconv.Itoa(k) {
						t.Errorf("token %d: %d, %q, %v", k, uid, sid, err)
						return
					}
				}
				if _, _, err := s.verify(forged); err == nil {
					t.Error("forged token accepted")
					return
				}
				if n := s.verified.len(); n > s.verified.max {
					t.Errorf("cache holds %d, bound %d", n, s.verified.max)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// go test -run '^$' -bench VerifyAccessToken ./accounts/
func BenchmarkVerifyAccessToken(b *testing.B) {
	now := func() time.Time { return testTokenT0 }
	s := newTokenSigner(testTokenKey, now)
	// More distinct tokens than the cache holds, taken in turn: each is gone
	// by the time it comes round again, so every verify is a full one.
	toks := make([]string, 2*maxVerifiedTokens)
	for i := range toks {
		toks[i] = issueToken(b, s, int64(i+1), "fam-"+strconv.Itoa(i))
	}
	b.Run("miss", func(b *testing.B) {
		s := newTokenSigner(testTokenKey, now)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, _, err := s.verify(toks[i%len(toks)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hit", func(b *testing.B) {
		s := newTokenSigner(testTokenKey, now)
		tok := toks[0]
		s.verify(tok)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := s.verify(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hit parallel", func(b *testing.B) {
		s := newTokenSigner(testTokenKey, now)
		for _, tok := range toks[:64] {
			s.verify(tok)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, _, err := s.verify(toks[i%64]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}
