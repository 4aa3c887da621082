package markup

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRenderHeadingIDs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"ascii", "## Getting started", `<h2 id="h-getting-started">Getting started</h2>`},
		{"non-ascii letters kept", "# Čustvena podpora", `<h1 id="h-čustvena-podpora">Čustvena podpora</h1>`},
		{"markup dropped", "# Uvod v **nujno** [pomoč](https://example.org/x)", `<h1 id="h-uvod-v-nujno-pomoč">`},
		{"duplicates numbered", "# Vaja\n\n# Vaja\n\n# Vaja", `<h1 id="h-vaja">Vaja</h1>` + "\n" + `<h1 id="h-vaja-1">Vaja</h1>` + "\n" + `<h1 id="h-vaja-2">Vaja</h1>`},
		{"punctuation only", "# ?!", `<h1 id="h-section">?!</h1>`},
		{"setext", "Naslov\n======", `<h1 id="h-naslov">Naslov</h1>`},
		{"would clobber without prefix", "# location", `<h1 id="h-location">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got), tt.want) {
				t.Fatalf("Render(%q) = %s, want it to contain %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderLimits(t *testing.T) {
	lines := func(line string, n int) string { return strings.Repeat(line+"\n", n) }
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"largest source", lines(strings.Repeat("a", 1023), MaxSourceBytes/1024), nil},
		{"source too large", lines(strings.Repeat("a", 1023), MaxSourceBytes/1024) + "a", ErrTooLarge},
		{"longest line", strings.Repeat("a", MaxLineBytes), nil},
		{"line too long", strings.Repeat("[a](", MaxLineBytes/4+1), ErrTooComplex},
		{"deepest quote", strings.Repeat("> ", MaxQuoteDepth) + "x", nil},
		{"quote too deep", strings.Repeat(">", MaxQuoteDepth+1) + "x", ErrTooComplex},
		{"ordinary table", "|a|b|\n|-|-|\n" + lines("|1|2|", 100), nil},
		{"wide sparse table", strings.Repeat("|a", 2000) + "\n" + strings.Repeat("|-", 2000) + "\n" + lines("|x", 1000), ErrTooComplex},
		{"many tables", strings.Repeat("|a|b|c|d|\n|-|-|-|-|\n"+lines("|1|2|3|4|", 100)+"\n", 60), ErrTooComplex},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(tt.in)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Render error = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestRenderLimitsTime: the worst inputs the limits allow stay fast.
func TestRenderLimitsTime(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing is meaningless under -race or -short")
	}
	fill := func(line string) string {
		line = strings.Repeat(line, MaxLineBytes/len(line))
		return strings.Repeat(line+"\n", MaxSourceBytes/(len(line)+1))
	}
	tests := map[string]string{
		"link openers":   fill("[a]("),
		"image openers":  fill("![a]("),
		"nested quotes":  fill(strings.Repeat(">", MaxQuoteDepth) + " x"),
		"same headings":  fill("# a\n"),
		"emphasis":       fill("*a _"),
		"table at limit": "|a|b|c|d|\n|-|-|-|-|\n" + strings.Repeat("|1|2|3|4|\n", MaxTableCells/4-2),
	}
	for name, in := range tests {
		start := time.Now()
		_, err := Render(in)
		d := time.Since(start)
		t.Logf("%s: %v", name, d)
		if err != nil {
			t.Errorf("%s: Render error %v, want the input accepted", name, err)
		}
		if d > 3*time.Second {
			t.Errorf("%s: Render took %v", name, d)
		}
	}
}

// TestRenderConcurrent shares the converter and policy across goroutines;
// run with -race.
func TestRenderConcurrent(t *testing.T) {
	want, err := Render(lesson)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, err := Render(lesson)
				if err != nil || got != want {
					t.Errorf("concurrent Render differs (err %v)", err)
					return
				}
				_, _ = RenderWithHighlights(lesson, []Span{{Start: 10, End: 200, Tag: "e"}})
				_ = Excerpt(lesson, 100)
			}
		})
	}
	wg.Wait()
}
