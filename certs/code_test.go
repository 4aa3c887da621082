package certs

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		code, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(code), codeLen+codeLen/codeGroup-1; got != want {
			t.Fatalf("len(%q) = %d, want %d", code, got, want)
		}
		if norm, err := NormalizeCode(code); err != nil || norm != code {
			t.Fatalf("NormalizeCode(%q) = %q, %v; want itself", code, norm, err)
		}
		if strings.ContainsAny(code, "ILOU") {
			t.Fatalf("code %q uses an ambiguous letter", code)
		}
		if seen[code] {
			t.Fatalf("duplicate code %q", code)
		}
		seen[code] = true
	}
	if randomCodeBits < 128 {
		t.Fatalf("codes carry %d random bits, want at least 128", randomCodeBits)
	}
}

func TestNewCodeRandomFailure(t *testing.T) {
	if _, err := newCode(bytes.NewReader(nil)); err == nil {
		t.Fatal("newCode with an empty reader: want an error")
	}
}

func TestNormalizeCode(t *testing.T) {
	code, err := newCode(bytes.NewReader(bytes.Repeat([]byte{0x5a}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	compact := strings.ReplaceAll(code, "-", "")
	confused := strings.NewReplacer("0", "o", "1", "l").Replace(strings.ToLower(compact))
	ok := []string{
		code,
		strings.ToLower(code),
		compact,
		" " + strings.ReplaceAll(code, "-", " ") + "\n",
		strings.ReplaceAll(code, "-", "–"),
		confused,
		strings.ReplaceAll(strings.ToUpper(confused), "L", "I"),
	}
	for _, in := range ok {
		if got, err := NormalizeCode(in); err != nil || got != code {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, err, code)
		}
	}
	// Every single-symbol substitution must fail the check symbol.
	for i := range compact {
		for _, c := range codeAlphabet {
			if byte(c) == compact[i] {
				continue
			}
			typo := compact[:i] + string(c) + compact[i+1:]
			if _, err := NormalizeCode(typo); err == nil {
				t.Fatalf("NormalizeCode(%q) accepted a one-symbol typo of %q", typo, code)
			}
		}
	}
	bad := []string{
		"",
		compact[:codeLen-1],
		compact + "0",
		compact[:5] + "U" + compact[6:],
		compact[:5] + "*" + compact[6:],
		compact[:5] + "Ж" + compact[6:],
		compact[1:2] + compact[0:1] + compact[2:], // swapped neighbours
		strings.Repeat("0", 1000),
	}
	for _, in := range bad {
		if in == compact {
			continue // a swap of two equal symbols is the same code
		}
		if _, err := NormalizeCode(in); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("NormalizeCode(%q) error = %v, want ErrInvalidCode", in, err)
		}
	}
}

func TestVerifyURL(t *testing.T) {
	if got, want := VerifyURL("https://prepoznaj.rs/", "AB"), "https://prepoznaj.rs/verify/AB"; got != want {
		t.Errorf("VerifyURL = %q, want %q", got, want)
	}
}
