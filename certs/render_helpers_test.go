package certs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/lang"
)

// sampleCode is a valid canonical code made from fixed bytes, so snapshots
// are the same in every run.
func sampleCode(t testing.TB, seed byte) string {
	t.Helper()
	code, err := newCode(bytes.NewReader(bytes.Repeat([]byte{seed}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func sampleSnapshot(t testing.TB, locale lang.Locale) Snapshot {
	t.Helper()
	code := sampleCode(t, 0x3c)
	return Snapshot{
		Kind:            KindCompletion,
		Locale:          locale,
		HolderName:      "Ана Ђорђевић",
		InstitutionName: "Полицијска управа за град Београд",
		ProfessionLabel: "Полицијски службеник",
		CourseTitle:     "Препознавање жртава трговине људима",
		Hours:           7.5,
		StartedOn:       time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		CompletedOn:     time.Date(2025, 3, 12, 0, 0, 0, 0, time.UTC),
		ExpiresOn:       time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC),
		Result:          "92 %",
		IssuerName:      "Центар за обуку Препознај",
		Signatories: []Signatory{
			{Name: "Милица Јовановић", Role: "Директорка"},
			{Name: "Џон Смит", Role: "Предавач"},
		},
		IssuedAt:  time.Date(2025, 3, 12, 14, 30, 0, 0, time.UTC),
		Code:      code,
		VerifyURL: VerifyURL("https://prepoznaj.example.rs", code),
	}
}

func renderBytes(t testing.TB, s Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, s); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// requireTool skips without poppler's pdftotext on a developer's
// machine, but fails on CI, where a skipped check would pass silently.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required on CI (apt-get install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils)", name)
	}
	return path
}

// pdfText extracts the text of pdf with pdftotext, lines joined by spaces
// so wrapped text reads as one string.
func pdfText(t testing.TB, pdf []byte, args ...string) string {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, append(append([]string{"-enc", "UTF-8"}, args...), in, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// pdfInfo is pdfinfo's report: metadata, page count and size.
func pdfInfo(t testing.TB, pdf []byte) string {
	t.Helper()
	tool := requireTool(t, "pdfinfo")
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}
