package frontend

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestDistHasIndexAndAssets(t *testing.T) {
	index, err := fs.ReadFile(Dist(), "index.html")
	if err != nil {
		t.Fatalf("read index.html: %v (run npm run build in frontend/)", err)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllSubmatch(index, -1)
	if len(refs) == 0 {
		t.Fatalf("index.html references no /assets/ files")
	}
	for _, ref := range refs {
		name := strings.TrimPrefix(string(ref[1]), "/")
		if _, err := fs.Stat(Dist(), name); err != nil {
			t.Errorf("index.html references %s: %v", name, err)
		}
	}
}

// The server's CSP allows scripts and styles from files only.
func TestIndexHasNoInlineScriptOrStyle(t *testing.T) {
	index, err := fs.ReadFile(Dist(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range regexp.MustCompile(`(?is)<script\b[^>]*>`).FindAll(index, -1) {
		if !bytes.Contains(tag, []byte(" src=")) {
			t.Errorf("inline script in index.html: %s", tag)
		}
	}
	for _, pattern := range []string{`(?i)<style\b`, `(?i)\sstyle=`, `(?i)\son[a-z]+=`} {
		if m := regexp.MustCompile(pattern).Find(index); m != nil {
			t.Errorf("index.html has %q, which the CSP blocks", m)
		}
	}
}

func TestEveryTextFileHasAMatchingGzip(t *testing.T) {
	dist := Dist()
	text := regexp.MustCompile(`\.(?:html|js|css|svg|json|txt|webmanifest|map)$`)
	var count int
	err := fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !text.MatchString(name) {
			return err
		}
		count++
		plain, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		compressed, err := fs.ReadFile(dist, name+".gz")
		if err != nil {
			t.Errorf("%s has no .gz: %v", name, err)
			return nil
		}
		zr, err := gzip.NewReader(bytes.NewReader(compressed))
		if err != nil {
			t.Errorf("%s.gz: %v", name, err)
			return nil
		}
		unpacked, err := io.ReadAll(zr)
		if err != nil {
			t.Errorf("%s.gz: %v", name, err)
			return nil
		}
		if !bytes.Equal(unpacked, plain) {
			t.Errorf("%s.gz does not unpack to %s", name, name)
		}
		if !zr.ModTime.IsZero() || zr.Name != "" {
			t.Errorf("%s.gz header has mtime %v and name %q; want neither (reproducible builds)", name, zr.ModTime, zr.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count == 0 {
		t.Fatal("no text files in dist")
	}
}
