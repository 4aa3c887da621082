package accounts

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// Cookie names. The __Host- prefix makes the browser insist on Secure,
// Path=/ and no Domain, so no sibling host can plant or read them.
const (
	AccessCookie  = "__Host-prepoznaj_access"
	RefreshCookie = "__Host-prepoznaj_refresh"
)

const authErrKey = "prepoznaj.auth_error"

// Authenticate reads the access token from `Authorization: Bearer` or the
// access cookie (never from the URL) and puts the principal in the context.
// An invalid token leaves the request anonymous and remembers why, so
// routes that need a principal answer 401 with the reason.
func (s *Service) Authenticate(c *gin.Context) {
	raw := ""
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			c.Set(authErrKey, apperr.Unauthorized("invalid_token", "Use `Authorization: Bearer <token>`."))
			c.Next()
			return
		}
		raw = strings.TrimSpace(token)
	} else if ck, err := c.Cookie(AccessCookie); err == nil {
		raw = ck
	}
	ctx := WithMeta(c.Request.Context(), Meta{ClientIP: c.ClientIP(), RequestID: httpapi.RequestID(c)})
	if raw != "" {
		p, err := s.AuthenticateToken(ctx, raw)
		if err != nil {
			if apperr.IsKind(err, apperr.KindInternal) {
				httpapi.Error(c, err)
				return
			}
			c.Set(authErrKey, err)
		} else {
			c.Set(principalKey, p)
			ctx = WithPrincipal(ctx, p)
		}
	}
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// Require lets the request through only for a signed-in principal holding
// one of roles (any signed-in user when roles is empty).
func Require(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := FromGin(c)
		if p == nil {
			if err, ok := c.Get(authErrKey); ok {
				httpapi.Error(c, err.(error))
				return
			}
			httpapi.WriteProblem(c, http.StatusUnauthorized, "unauthenticated", "Sign in to do this.")
			return
		}
		if len(roles) == 0 {
			c.Next()
			return
		}
		for _, r := range roles {
			if p.Has(r) {
				c.Next()
				return
			}
		}
		httpapi.WriteProblem(c, http.StatusForbidden, "forbidden", "Your role does not allow this.")
	}
}

// Public marks a route open to everyone; the authorization matrix holds
// every route to one of Public or Require.
func Public(c *gin.Context) { c.Next() }
