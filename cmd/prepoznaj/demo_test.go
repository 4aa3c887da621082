package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

// serve --demo twice: the first start creates the accounts and the demo data, the second
// finds them and adds nothing.
func TestStartDemoTwice(t *testing.T) {
	ctx := context.Background()
	a, err := app.New(app.Config{BaseURL: "http://localhost", Version: "test"}, dbtest.New(t), []byte(strings.Repeat("s", 48)), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := startDemo(ctx, a, "", &out); err != nil {
		t.Fatal(err)
	}
	first := out.String()
	if !strings.Contains(first, "Demo accounts: admin@") || !strings.Contains(first, "Demo data: 12 more learners") || !strings.Contains(first, "Demo password (shown only now): ") {
		t.Fatalf("first start printed:\n%s", first)
	}
	out.Reset()
	if err := startDemo(ctx, a, "", &out); err != nil {
		t.Fatal(err)
	}
	if second := out.String(); !strings.Contains(second, "already exist") || strings.Contains(second, "Demo data") || strings.Contains(second, "password (shown") {
		t.Fatalf("second start printed:\n%s", second)
	}
}
