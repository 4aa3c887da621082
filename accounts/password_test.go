package accounts

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/apperr"
)

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		password, email, name string
		wantCode              string
	}{
		{"седам-слова", "a@b.rs", "A B", ""},                    // Cyrillic counts characters
		{"шест-ш", "a@b.rs", "A B", "too_short"},                // 6 characters, 11 bytes
		{strings.Repeat("ж", 128), "a@b.rs", "A B", ""},         // 128 characters, 256 bytes
		{strings.Repeat("ж", 129), "a@b.rs", "A B", "too_long"}, // 129 characters
		{"qwertyuiop", "a@b.rs", "A B", "too_common"},
		{"Password123", "a@b.rs", "A B", "too_common"},
		{"лозинка123", "a@b.rs", "A B", "too_common"},
		{"prepoznaj-2026", "a@b.rs", "A B", "too_predictable"},
		{"ПРЕПОЗНАЈ2026", "a@b.rs", "A B", "too_predictable"},
		{"milica.jovanovic", "milica.jovanovic@mup.gov.rs", "Milica Jovanović", "too_predictable"},
		{"jovanovic1987!", "m@x.rs", "Milica Jovanović", "too_predictable"},
		{"ђорђевић-1990", "m@x.rs", "Jelena Đorđević", "too_predictable"},
		{"milica voli more", "milica@x.rs", "Milica J", ""}, // context word plus other words is fine
		{"Tr0ub4dor&3", "a@b.rs", "A B", ""},                // no composition rules either way
		{"correct horse battery staple", "a@b.rs", "A B", ""},
		{"bad\xffutf8xx", "a@b.rs", "A B", "invalid"},
	}
	for _, tt := range tests {
		err := CheckPasswordPolicy(tt.password, tt.email, tt.name)
		got := ""
		if err != nil {
			got = fieldCode(err)
		}
		if got != tt.wantCode {
			t.Errorf("CheckPasswordPolicy(%q) = %q, want %q", tt.password, got, tt.wantCode)
		}
	}
}

func fieldCode(err error) string {
	if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
		return e.Fields[0].Code
	}
	return ""
}

func TestHashRoundTripAndParameters(t *testing.T) {
	h := NewHasher(2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "Ђурђевдан у зору")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not use Argon2id with 19 MiB, t=2, p=1", enc)
	}
	for pw, want := range map[string]bool{"Ђурђевдан у зору": true, "Ђурђевдан у зору ": false, "ђурђевдан у зору": false, "": false} {
		ok, err := h.Check(ctx, enc, pw)
		if err != nil || ok != want {
			t.Errorf("Check(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	// An unknown account checks against the dummy and never matches.
	if ok, err := h.Check(ctx, "", "anything"); ok || err != nil {
		t.Fatalf("dummy check = %v, %v", ok, err)
	}
}

// A flood of sign-ins queues on the hash slots instead of allocating 19 MiB
// per request; a request that cannot get a slot in time is told to retry.
func TestHasherBoundsConcurrentHashes(t *testing.T) {
	h := NewHasher(2)
	h.slots <- struct{}{}
	h.slots <- struct{}{}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "nije-bitno-koja"); err == nil || !strings.Contains(err.Error(), "server_busy") {
		t.Fatalf("Hash with every slot taken = %v, want server_busy", err)
	}
	<-h.slots
	if _, err := h.Hash(context.Background(), "nije-bitno-koja"); err != nil {
		t.Fatalf("Hash with a free slot: %v", err)
	}
}
