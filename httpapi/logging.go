package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

// accessLog logs one line per request. It logs the path without the query
// string and never headers: those carry cookies and tokens.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		reqLog := log.With(slog.String("request_id", RequestID(c)))
		c.Set(loggerKey, reqLog)
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		reqLog.LogAttrs(c.Request.Context(), level, "request",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", status),
			slog.Int("bytes", c.Writer.Size()),
			slog.Duration("duration", time.Since(start)),
			slog.String("client_ip", c.ClientIP()),
		)
	}
}

// recovery turns a panic into a 500 problem. It logs the panic and the stack
// but not the request's headers, which gin's own recovery dumps.
func recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			Logger(c).Error("panic",
				slog.String("panic", fmt.Sprint(r)),
				slog.String("method", c.Request.Method),
				slog.String("path", c.Request.URL.Path),
				slog.String("stack", string(debug.Stack())),
			)
			if !c.Writer.Written() {
				WriteProblem(c, http.StatusInternalServerError, "internal", "Something went wrong on our side. Please try again; if it persists, quote the request id.")
			} else {
				c.Abort()
			}
		}
	}()
	c.Next()
}
