package accounts

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newTestService(t *testing.T) (*Service, *clock, int64) {
	t.Helper()
	db := dbtest.New(t)
	c := &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	s := NewService(db.DB, []byte("0123456789abcdef0123456789abcdef"), c.now)
	id, err := s.CreateUser(context.Background(), "vreme@example.org", "Vreme Vremić", "sat-kuca-podne", "other", RolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, id
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("error = %v, want %s", err, code)
	}
}

// Refresh tokens die after 30 minutes unused, and every session ends 12
// hours after sign-in however often it is refreshed.
func TestRefreshIdleAndAbsoluteExpiry(t *testing.T) {
	s, c, id := newTestService(t)
	ctx := context.Background()
	sess, err := s.SessionFor(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	c.add(RefreshIdleTTL + time.Second)
	_, err = s.Refresh(ctx, sess.RefreshToken)
	wantCode(t, err, "session_expired")

	sess, _ = s.SessionFor(ctx, id)
	raw := sess.RefreshToken
	for elapsed := time.Duration(0); elapsed < RefreshMaxTTL-25*time.Minute; elapsed += 25 * time.Minute {
		c.add(25 * time.Minute)
		next, err := s.Refresh(ctx, raw)
		if err != nil {
			t.Fatalf("refresh after %v: %v", elapsed, err)
		}
		if next.RefreshExpiresAt.After(c.now().Add(RefreshIdleTTL)) {
			t.Fatalf("refresh expiry %v beyond the idle limit", next.RefreshExpiresAt)
		}
		raw = next.RefreshToken
	}
	c.add(25 * time.Minute) // now past 12 hours since sign-in
	_, err = s.Refresh(ctx, raw)
	wantCode(t, err, "session_expired")
}

// Access tokens expire after 15 minutes (plus at most 30 s of leeway).
func TestAccessTokenLifetime(t *testing.T) {
	s, c, id := newTestService(t)
	ctx := context.Background()
	sess, _ := s.SessionFor(ctx, id)
	c.add(AccessTTL + 20*time.Second)
	if _, err := s.AuthenticateToken(ctx, sess.AccessToken); err != nil {
		t.Fatalf("within leeway: %v", err)
	}
	c.add(15 * time.Second)
	_, err := s.AuthenticateToken(ctx, sess.AccessToken)
	wantCode(t, err, "invalid_token")
}

// Failures from one IP across many accounts lock that IP out.
func TestPerIPThrottle(t *testing.T) {
	s, c, _ := newTestService(t)
	s.ipFailureLimit = 5
	ctx := WithMeta(context.Background(), Meta{ClientIP: "192.0.2.50"})
	for i := 0; i < 5; i++ {
		_, err := s.Login(ctx, "nobody"+string(rune('a'+i))+"@example.org", "pogresna-lozinka")
		wantCode(t, err, "invalid_credentials")
	}
	_, err := s.Login(ctx, "vreme@example.org", "sat-kuca-podne")
	wantCode(t, err, "too_many_attempts")
	// Another IP is unaffected, and the lock lifts with the window.
	other := WithMeta(context.Background(), Meta{ClientIP: "192.0.2.51"})
	if _, err := s.Login(other, "vreme@example.org", "sat-kuca-podne"); err != nil {
		t.Fatalf("other IP: %v", err)
	}
	c.add(FailureWindow + time.Second)
	if _, err := s.Login(ctx, "vreme@example.org", "sat-kuca-podne"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}
