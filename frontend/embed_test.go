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

// The first page must stay light on a slow connection: the JavaScript a visitor's browser
// fetches before the home page shows (the entry, what it preloads, the Home page and every
// chunk they import statically) is under 80 KB gzipped.
func TestFirstPageJavaScriptBudget(t *testing.T) {
	const budget = 80 * 1024
	index, err := fs.ReadFile(Dist(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	var queue []string
	for _, ref := range regexp.MustCompile(`(?:src|href)="/(assets/[^"]+\.js)"`).FindAllSubmatch(index, -1) {
		queue = append(queue, string(ref[1]))
	}
	homes, _ := fs.Glob(Dist(), "assets/Home-*.js")
	if len(homes) != 1 {
		t.Fatalf("want one Home chunk, found %v", homes)
	}
	queue = append(queue, homes[0])
	static := regexp.MustCompile(`(?:from|import)\s*"\./([^"]+\.js)"`)
	seen := map[string]bool{}
	total := 0
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		gz, err := fs.ReadFile(Dist(), name+".gz")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		total += len(gz)
		js, err := fs.ReadFile(Dist(), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range static.FindAllSubmatch(js, -1) {
			queue = append(queue, "assets/"+string(m[1]))
		}
	}
	t.Logf("first page: %d files, %.1f KB gzipped", len(seen), float64(total)/1024)
	if total > budget {
		t.Errorf("the first page's JavaScript is %.1f KB gzipped, over the %d KB budget", float64(total)/1024, budget/1024)
	}
}
