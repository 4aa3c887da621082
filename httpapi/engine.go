package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Options configures the shared HTTP stack.
type Options struct {
	Log *slog.Logger
	// TrustedProxies are the CIDRs whose X-Forwarded-For is believed; none by
	// default, so a client cannot choose its own IP for rate limits and audit.
	TrustedProxies []string
	// HSTS is sent when the platform is served over https.
	HSTS bool
	// Version is reported by /healthz.
	Version string
	// Ready reports whether the service can take traffic (database reachable,
	// migrations current); /readyz answers 503 with its error otherwise.
	Ready func(ctx context.Context) error
}

func init() {
	gin.SetMode(gin.ReleaseMode)
}

// NewEngine builds the gin engine with the shared middleware, /healthz and
// /readyz. Domain packages add their routes under /api/v1.
func NewEngine(o Options) (*gin.Engine, error) {
	e := gin.New()
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	e.RemoveExtraSlash = false
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(o.TrustedProxies); err != nil {
		return nil, err
	}
	e.Use(requestIDMiddleware, accessLog(o.Log), recovery, securityHeaders(o.HSTS), crossOriginProtection())
	e.NoRoute(func(c *gin.Context) {
		WriteProblem(c, http.StatusNotFound, "not_found", "There is nothing at this address.")
	})
	e.NoMethod(func(c *gin.Context) {
		WriteProblem(c, http.StatusMethodNotAllowed, "method_not_allowed", "This address does not accept "+c.Request.Method+".")
	})
	e.GET("/healthz", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, gin.H{"status": "ok", "version": o.Version})
	})
	e.GET("/readyz", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		if o.Ready != nil {
			if err := o.Ready(c.Request.Context()); err != nil {
				Logger(c).Warn("not ready", slog.String("error", err.Error()))
				WriteProblem(c, http.StatusServiceUnavailable, "not_ready", "The service is not ready: "+readinessReason(err))
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	})
	return e, nil
}

// NotReadyError is a readiness failure whose message is safe to show.
type NotReadyError struct{ Reason string }

func (e NotReadyError) Error() string { return e.Reason }

func readinessReason(err error) string {
	if r, ok := err.(NotReadyError); ok {
		return r.Reason
	}
	return "a dependency is unavailable"
}

// UseSPA makes spa answer every path no route claims.
func UseSPA(e *gin.Engine, spa *SPA) {
	e.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.URL.Path == "/api" {
			WriteProblem(c, http.StatusNotFound, "not_found", "There is nothing at this address.")
			return
		}
		spa.Handle(c)
	})
}
