package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// DefaultBodyLimit caps JSON request bodies unless a route asks for more.
const DefaultBodyLimit = 64 << 10

const bodyLimitKey = "prepoznaj.body_limit"

// BodyLimit lets a route group accept larger bodies (imports, uploads).
func BodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(bodyLimitKey, n)
		c.Next()
	}
}

func bodyLimit(c *gin.Context) int64 {
	if v, ok := c.Get(bodyLimitKey); ok {
		return v.(int64)
	}
	return DefaultBodyLimit
}

// ReadBody reads the whole body within the route's limit, answering 413
// itself when it is larger. The limit counts every byte, so padding after a
// small JSON value cannot slip a large body through.
func ReadBody(c *gin.Context) ([]byte, bool) {
	limit := bodyLimit(c)
	if c.Request.ContentLength > limit {
		WriteProblem(c, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("The request body is larger than %d bytes.", limit))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			WriteProblem(c, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("The request body is larger than %d bytes.", limit))
			return nil, false
		}
		WriteProblem(c, http.StatusBadRequest, "unreadable_body", "The request body could not be read.")
		return nil, false
	}
	return body, true
}

// RequireContentType answers 415 unless the request's media type is want.
func RequireContentType(c *gin.Context, want string) bool {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != want {
		WriteProblem(c, http.StatusUnsupportedMediaType, "unsupported_media_type", "Send the body as "+want+".")
		return false
	}
	return true
}

// BindJSON decodes the request body into dst strictly: the Content-Type must be
// application/json, the body must fit the route's limit, hold exactly one JSON
// value, name no field dst lacks, and pass dst's `binding` validation tags.
// On failure it writes the problem and returns false.
func BindJSON(c *gin.Context, dst any) bool {
	if !RequireContentType(c, "application/json") {
		return false
	}
	body, ok := ReadBody(c)
	if !ok {
		return false
	}
	if err := DecodeStrict(body, dst); err != nil {
		Error(c, err)
		return false
	}
	return true
}

// DecodeStrict is BindJSON's decoding and validation, for bodies read otherwise.
func DecodeStrict(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Invalid("empty_body", "The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	// Exactly one value: anything but whitespace after it is refused.
	if _, err := dec.Token(); err != io.EOF {
		return apperr.Invalid("trailing_data", "The request body holds more than one JSON value.")
	}
	return Validate(dst)
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.Invalid("malformed_json", "The request body is not valid JSON.")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return apperr.Invalid("malformed_json", "The request body must be a JSON object.")
		}
		return apperr.Invalid("validation_failed", "A field has the wrong type.",
			apperr.Field(field, "wrong_type", "must be "+jsonKind(typeErr.Type)))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Invalid("unknown_field", "The request names a field this endpoint does not accept.",
			apperr.Field(name, "unknown_field", "is not accepted here"))
	default:
		return apperr.Invalid("malformed_json", "The request body is not valid JSON.")
	}
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

var setupValidator sync.Once

// Validate runs dst's `binding` tags and reports every failing field by its
// JSON name.
func Validate(dst any) error {
	setupValidator.Do(func() {
		if v, ok := binding.Validator.Engine().(*validator.Validate); ok {
			v.RegisterTagNameFunc(func(f reflect.StructField) string {
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "-" {
					return ""
				}
				if name == "" {
					return f.Name
				}
				return name
			})
		}
	})
	err := binding.Validator.ValidateStruct(dst)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return apperr.Invalid("validation_failed", err.Error())
	}
	fields := make([]apperr.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, fieldError(fe))
	}
	return apperr.Invalid("validation_failed", "Some fields are missing or invalid.", fields...)
}

func fieldError(fe validator.FieldError) apperr.FieldError {
	// Namespace is "Struct.field.sub"; drop the root struct's name.
	path := fe.Namespace()
	if _, rest, ok := strings.Cut(path, "."); ok {
		path = rest
	}
	path = strings.NewReplacer("[", ".", "]", "").Replace(path)
	switch fe.Tag() {
	case "required":
		return apperr.Field(path, "required", "is required")
	case "email":
		return apperr.Field(path, "invalid_email", "must be an email address")
	case "min", "gte":
		if fe.Kind() == reflect.String || fe.Kind() == reflect.Slice {
			return apperr.Field(path, "too_short", "must have at least "+fe.Param()+" characters or items")
		}
		return apperr.Field(path, "too_small", "must be at least "+fe.Param())
	case "max", "lte":
		if fe.Kind() == reflect.String || fe.Kind() == reflect.Slice {
			return apperr.Field(path, "too_long", "must have at most "+fe.Param()+" characters or items")
		}
		return apperr.Field(path, "too_large", "must be at most "+fe.Param())
	case "oneof":
		return apperr.Field(path, "not_allowed", "must be one of: "+fe.Param())
	default:
		return apperr.Field(path, "invalid", "is invalid ("+fe.Tag()+")")
	}
}
