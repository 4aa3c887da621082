package httpapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"
)

//go:embed openapi.yaml
var baseSpec []byte

// Spec is the OpenAPI 3.1 document, assembled from the base in this package
// and one fragment per domain package: the package that registers a route
// documents it beside its handlers.
type Spec struct {
	JSON []byte
	Doc  *openapi3.T
}

// BuildSpec merges fragments (YAML documents holding `paths` and
// `components`) into the base document and validates the result. A path
// operation or component defined twice is an error.
func BuildSpec(fragments ...[]byte) (*Spec, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(baseSpec, &doc); err != nil {
		return nil, fmt.Errorf("base spec: %w", err)
	}
	for i, f := range fragments {
		var frag map[string]any
		if err := yaml.Unmarshal(f, &frag); err != nil {
			return nil, fmt.Errorf("spec fragment %d: %w", i, err)
		}
		if err := mergeInto(doc, frag, ""); err != nil {
			return nil, fmt.Errorf("spec fragment %d: %w", i, err)
		}
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(js)
	if err != nil {
		return nil, fmt.Errorf("load spec: %w", err)
	}
	if err := t.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("invalid spec: %w", err)
	}
	return &Spec{JSON: js, Doc: t}, nil
}

// mergeInto copies src into dst, descending into maps; the same leaf defined
// twice is an error, so two packages cannot silently document one route.
func mergeInto(dst, src map[string]any, path string) error {
	for k, v := range src {
		p := path + "/" + k
		existing, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		em, ok1 := existing.(map[string]any)
		vm, ok2 := v.(map[string]any)
		if !ok1 || !ok2 || isOperation(k) {
			return fmt.Errorf("%s is defined twice", p)
		}
		if err := mergeInto(em, vm, p); err != nil {
			return err
		}
	}
	return nil
}

func isOperation(k string) bool {
	switch k {
	case "get", "put", "post", "delete", "patch", "head", "options":
		return true
	}
	return false
}

// Register serves the document at /api/v1/openapi.json.
func (s *Spec) Register(rg *gin.RouterGroup) {
	rg.GET("/openapi.json", func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json", s.JSON)
	})
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// Operations lists the documented operations as "METHOD /path{param}".
func (s *Spec) Operations() []string {
	var out []string
	for path, item := range s.Doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

// RouteOperations lists the engine's routes under prefix in the same form.
func RouteOperations(e *gin.Engine, prefix string) []string {
	var out []string
	for _, r := range e.Routes() {
		if strings.HasPrefix(r.Path, prefix) {
			out = append(out, r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}"))
		}
	}
	sort.Strings(out)
	return out
}
