package accounts

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// Sign-in throttling. Failures live in the database, so the limits hold
// across every instance behind a load balancer.
const (
	FailureWindow     = 15 * time.Minute
	MaxAccountFailure = 10  // per account, whatever the client's IP
	MaxIPFailure      = 100 // per client IP, across accounts (credential stuffing)
)

// lockedOut reports whether the account or the IP has too many recent
// failures, and how long until the oldest of them leaves the window.
func (s *Service) lockedOut(ctx context.Context, emailKey, ip string) (time.Duration, bool, error) {
	since := s.now().Add(-FailureWindow)
	check := func(column, value string, limit int) (time.Duration, bool, error) {
		var times []time.Time
		err := s.db.WithContext(ctx).Model(&loginFailure{}).
			Where(column+" = ? AND at > ?", value, since).
			Order("at DESC").Limit(limit).Pluck("at", &times).Error
		if err != nil {
			return 0, false, apperr.Internal(err)
		}
		if len(times) < limit {
			return 0, false, nil
		}
		// The limit-th most recent failure must age out before another try.
		oldest := times[len(times)-1]
		return max(oldest.Add(FailureWindow).Sub(s.now()), time.Second), true, nil
	}
	if wait, locked, err := check("email_key", emailKey, MaxAccountFailure); err != nil || locked {
		return wait, locked, err
	}
	if ip == "" {
		return 0, false, nil
	}
	return check("client_ip", ip, s.ipFailureLimit)
}

func (s *Service) recordFailure(ctx context.Context, emailKey, ip string) error {
	now := s.now()
	err := s.db.WithContext(ctx).Create(&loginFailure{EmailKey: emailKey, ClientIP: ip, At: now}).Error
	if err != nil {
		return apperr.Internal(err)
	}
	// Keep the table small: failures older than the window count for nothing.
	s.db.WithContext(ctx).Where("at < ?", now.Add(-2*FailureWindow)).Delete(&loginFailure{})
	return nil
}

// Limiter throttles guessable endpoints (invitation codes, certificate
// verification) per client in memory: a token bucket per key.
type Limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter returns an empty limiter.
func NewLimiter() *Limiter {
	return &Limiter{buckets: map[string]*bucket{}}
}

// Allow spends one token of key's bucket (perMinute tokens a minute, burst
// at once) and reports whether it had one.
func (l *Limiter) Allow(key string, perMinute float64, burst int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(perMinute/60), burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}
