package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	AccessTTL       = 15 * time.Minute
	RefreshIdleTTL  = 30 * time.Minute
	RefreshMaxTTL   = 12 * time.Hour
	tokenLeeway     = 30 * time.Second
	tokenIssuer     = "prepoznaj"
	tokenAudience   = "prepoznaj-api"
	accessTokenType = "access"
	// maxTokenLen bounds what is parsed at all: a 1 MiB bearer value is
	// refused before any base64 or JSON work.
	maxTokenLen = 2048
)

type accessClaims struct {
	Type      string `json:"typ"`
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// tokenSigner issues and verifies access tokens: HS256 only, every registered
// claim required and checked.
type tokenSigner struct {
	key      []byte
	now      func() time.Time
	parser   *jwt.Parser
	verified verifiedTokens
}

func newTokenSigner(key []byte, now func() time.Time) *tokenSigner {
	return &tokenSigner{
		key:      key,
		now:      now,
		verified: verifiedTokens{max: maxVerifiedTokens},
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithIssuer(tokenIssuer),
			jwt.WithAudience(tokenAudience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(tokenLeeway),
			jwt.WithTimeFunc(now),
			jwt.WithStrictDecoding(),
		),
	}
}

func (s *tokenSigner) issue(userID int64, sessionID string) (string, time.Time, error) {
	now := s.now()
	exp := now.Add(AccessTTL)
	claims := accessClaims{
		Type:      accessTokenType,
		SessionID: sessionID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   strconv.FormatInt(userID, 10),
			Audience:  jwt.ClaimStrings{tokenAudience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ID:        randomToken(16),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.key)
	return tok, exp, err
}

var errBadToken = errors.New("invalid access token")

// verify returns the user and session ids of a valid access token.
func (s *tokenSigner) verify(raw string) (int64, string, error) {
	if len(raw) == 0 || len(raw) > maxTokenLen {
		return 0, "", errBadToken
	}
	// A token accepted before needs only its time window checked again:
	// outside it the parser would refuse the same bytes, and so does the cache.
	if v, ok := s.verified.get(raw); ok {
		if v.validAt(s.now()) {
			return v.userID, v.sessionID, nil
		}
		s.verified.drop(raw)
		return 0, "", errBadToken
	}
	var claims accessClaims
	_, err := s.parser.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		// A kid header selects nothing: there is one key.
		return s.key, nil
	})
	// exp is required by the parser already; checked again because the
	// cache's time window is built from it.
	if err != nil || claims.Type != accessTokenType || claims.ID == "" || claims.IssuedAt == nil || claims.ExpiresAt == nil || claims.SessionID == "" {
		return 0, "", errBadToken
	}
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", errBadToken
	}
	v := verifiedToken{userID: id, sessionID: claims.SessionID, from: claims.IssuedAt.Time, until: claims.ExpiresAt.Add(tokenLeeway)}
	if nbf := claims.NotBefore; nbf != nil && nbf.After(v.from) {
		v.from = nbf.Time
	}
	v.from = v.from.Add(-tokenLeeway)
	s.verified.put(raw, v, s.now())
	return id, claims.SessionID, nil
}

// randomToken returns n random bytes, base64url encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how refresh tokens and invitation codes are stored: a leaked
// database does not hand out sessions. They are high-entropy, so a plain
// SHA-256 suffices.
func hashToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}
