package httpapi

import (
	"crypto/rand"
	"encoding/base32"
	"log/slog"

	"github.com/gin-gonic/gin"
)

const requestIDKey = "prepoznaj.request_id"

// RequestIDHeader is sent on every response; support asks users for it.
const RequestIDHeader = "X-Request-Id"

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func newRequestID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return idEncoding.EncodeToString(b)
}

// requestIDMiddleware gives every request its own id. A client-supplied id is
// not trusted: it would let anyone forge entries in the audit trail.
func requestIDMiddleware(c *gin.Context) {
	id := newRequestID()
	c.Set(requestIDKey, id)
	c.Header(RequestIDHeader, id)
	c.Next()
}

// RequestID returns the current request's id.
func RequestID(c *gin.Context) string { return c.GetString(requestIDKey) }

const loggerKey = "prepoznaj.logger"

// Logger returns the request-scoped logger (with the request id).
func Logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}
