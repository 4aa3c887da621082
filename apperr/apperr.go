// Package apperr is the platform's one error vocabulary. Services return these
// errors; httpapi maps them to problem+json once, so handlers never pick status
// codes and a driver error never reaches a client.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the HTTP layer.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindUnprocessable
	KindNotFound
	KindConflict
	KindUnauthorized
	KindForbidden
	KindTooMany
	KindGone
)

// FieldError is one problem with one input field. Field is a JSON pointer-ish
// dotted path ("email", "modules.2.title").
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is a coded error: Code is stable and documented, Message is for people.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration
	Err        error // the cause, logged, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err carries kind k.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

func NotFound(code, msg string) *Error { return &Error{Kind: KindNotFound, Code: code, Message: msg} }
func Conflict(code, msg string) *Error { return &Error{Kind: KindConflict, Code: code, Message: msg} }
func Forbidden(code, msg string) *Error {
	return &Error{Kind: KindForbidden, Code: code, Message: msg}
}
func Unauthorized(code, msg string) *Error {
	return &Error{Kind: KindUnauthorized, Code: code, Message: msg}
}
func Gone(code, msg string) *Error { return &Error{Kind: KindGone, Code: code, Message: msg} }

// Invalid is a 400: the request itself is malformed or a field is wrong.
func Invalid(code, msg string, fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Code: code, Message: msg, Fields: fields}
}

// Unprocessable is a 422: well-formed, but names things that do not exist or
// cannot be done in the current state.
func Unprocessable(code, msg string, fields ...FieldError) *Error {
	return &Error{Kind: KindUnprocessable, Code: code, Message: msg, Fields: fields}
}

// TooMany is a 429 with the time after which a retry may succeed.
func TooMany(code, msg string, retryAfter time.Duration) *Error {
	return &Error{Kind: KindTooMany, Code: code, Message: msg, RetryAfter: retryAfter}
}

// Internal wraps an unexpected error; its detail is never shown to clients.
func Internal(err error) *Error {
	return &Error{Kind: KindInternal, Code: "internal", Message: "internal error", Err: err}
}

// Field builds a FieldError.
func Field(field, code, msg string) FieldError {
	return FieldError{Field: field, Code: code, Message: msg}
}

// Wrap passes nil and coded errors through and turns anything else (a driver
// error, an I/O error) into an internal error, so services return only coded
// errors and the cause is logged, never shown.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := As(err); ok {
		return err
	}
	return Internal(err)
}
