package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

type asset struct {
	body, gz    []byte
	etag, ctype string
}

// SPA serves the embedded frontend: files by path, index.html for any other
// non-API path so the app's own router can take over, precompressed variants
// when the client accepts gzip, and hashed assets cached for a year.
type SPA struct {
	files map[string]*asset
}

// NewSPA indexes dist once at start-up.
func NewSPA(dist fs.FS) (*SPA, error) {
	s := &SPA{files: map[string]*asset{}}
	err := fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".gz") {
			return err
		}
		body, err := fs.ReadFile(dist, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := &asset{
			body:  body,
			etag:  `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
			ctype: mime.TypeByExtension(path.Ext(p)),
		}
		if a.ctype == "" {
			a.ctype = http.DetectContentType(body)
		}
		if gz, err := fs.ReadFile(dist, p+".gz"); err == nil && validGzip(gz, body) {
			a.gz = gz
		}
		s.files["/"+p] = a
		return nil
	})
	return s, err
}

func validGzip(gz, body []byte) bool {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return false
	}
	plain, err := io.ReadAll(r)
	return err == nil && bytes.Equal(plain, body)
}

// Handle serves GET and HEAD for non-API paths; anything else is a 404 problem.
func (s *SPA) Handle(c *gin.Context) {
	p := c.Request.URL.Path
	if IsAPIPath(p) || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		WriteProblem(c, http.StatusNotFound, "not_found", "There is nothing at this address.")
		return
	}
	a, ok := s.files[p]
	cache := "public, max-age=31536000, immutable"
	if !ok || p == "/index.html" {
		// Hashed asset names that do not exist are a 404, not the app's HTML,
		// so a stale page fails loudly instead of parsing HTML as JavaScript.
		if strings.HasPrefix(p, "/assets/") || path.Ext(p) != "" && p != "/index.html" {
			WriteProblem(c, http.StatusNotFound, "not_found", "There is nothing at this address.")
			return
		}
		a, ok = s.files["/index.html"]
		if !ok {
			WriteProblem(c, http.StatusNotFound, "not_found", "The web app is not built into this binary.")
			return
		}
		cache = "no-cache"
	} else if !strings.HasPrefix(p, "/assets/") {
		cache = "no-cache"
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", cache)
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Add("Vary", "Accept-Encoding")
	body := a.body
	if a.gz != nil && acceptsGzip(c.GetHeader("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		h.Set("ETag", strings.TrimSuffix(a.etag, `"`)+`-gz"`)
		body = a.gz
	}
	http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		return q > 0
	}
	return false
}
