// Package httpapi is the HTTP plumbing every domain package shares: problem+json
// errors, strict JSON binding, request ids, logging, recovery, security headers,
// the embedded single-page app, health checks, the OpenAPI document and the
// http.Server itself.
package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// ProblemContentType is RFC 9457's media type.
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem document with the platform's extensions: a
// stable machine-readable code, field errors and the request id.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Code      string              `json:"code"`
	Errors    []apperr.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
}

// ProblemType is the type URI of a code; it names the code, not a location.
func ProblemType(code string) string { return "urn:prepoznaj:problem:" + code }

// WriteProblem aborts the request with a problem document.
func WriteProblem(c *gin.Context, status int, code, detail string, fields ...apperr.FieldError) {
	p := Problem{
		Type:      ProblemType(code),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Code:      code,
		Errors:    fields,
		RequestID: RequestID(c),
	}
	c.Header("Content-Type", ProblemContentType)
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(status, p)
}

var kindStatus = map[apperr.Kind]int{
	apperr.KindInvalid:       http.StatusBadRequest,
	apperr.KindUnprocessable: http.StatusUnprocessableEntity,
	apperr.KindNotFound:      http.StatusNotFound,
	apperr.KindConflict:      http.StatusConflict,
	apperr.KindUnauthorized:  http.StatusUnauthorized,
	apperr.KindForbidden:     http.StatusForbidden,
	apperr.KindTooMany:       http.StatusTooManyRequests,
	apperr.KindGone:          http.StatusGone,
}

// Error writes err as a problem. Coded errors keep their code and message;
// anything else is logged with its cause and answered with a bare 500 that
// says nothing about SQL, files or stacks.
func Error(c *gin.Context, err error) {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.KindInternal {
		Logger(c).Error("internal error", slog.String("error", errString(err)))
		WriteProblem(c, http.StatusInternalServerError, "internal", "Something went wrong on our side. Please try again; if it persists, quote the request id.")
		return
	}
	status := kindStatus[e.Kind]
	if e.Kind == apperr.KindTooMany && e.RetryAfter > 0 {
		secs := int(e.RetryAfter.Seconds() + 0.999)
		c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
	}
	if e.Err != nil {
		Logger(c).Info("request refused", slog.String("code", e.Code), slog.String("error", e.Err.Error()))
	}
	WriteProblem(c, status, e.Code, e.Message, e.Fields...)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	var e *apperr.Error
	if errors.As(err, &e) && e.Err != nil {
		return e.Err.Error()
	}
	return err.Error()
}

// Respond writes body as JSON with status, or err as a problem.
func Respond(c *gin.Context, status int, body any, err error) {
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(status, body)
}
