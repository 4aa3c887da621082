package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

func TestVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"prepoznaj", "version"}, nil, &out, &errb); code != 0 || strings.TrimSpace(out.String()) == "" {
		t.Fatalf("version: %d %q", code, out.String())
	}
	if code := run(context.Background(), []string{"prepoznaj", "frobnicate"}, nil, &out, &errb); code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
	if code := run(context.Background(), []string{"prepoznaj", "serve", "--no-such-flag"}, nil, &out, &errb); code != 2 {
		t.Fatalf("unknown flag exit %d", code)
	}
}

func TestPostgresNeedsASecret(t *testing.T) {
	if dbtest.Dialect() != database.Postgres {
		t.Skip("Postgres only")
	}
	t.Setenv("PREPOZNAJ_SECRET", "")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"prepoznaj", "serve", "--db", dbtest.DSN(t), "--addr", "127.0.0.1:0"}, nil, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "signing key is required") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	t.Setenv("PREPOZNAJ_SECRET", "too-short")
	code = run(context.Background(), []string{"prepoznaj", "serve", "--db", dbtest.DSN(t), "--addr", "127.0.0.1:0"}, nil, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "at least 32") {
		t.Fatalf("short key: exit %d, stderr %q", code, errb.String())
	}
}

// Two `prepoznaj migrate` runs at once on one database both succeed and the
// schema is applied once.
func TestConcurrentMigrateCommands(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	dsn := dbtest.EmptyDSN(t)
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, 2)
	codes := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var errb bytes.Buffer
			codes[i] = run(context.Background(), []string{"prepoznaj", "migrate", "--db", dsn, "--log-format", "text"}, nil, &outs[i], &errb)
			if codes[i] != 0 {
				t.Errorf("migrate %d: exit %d: %s", i, codes[i], errb.String())
			}
		}()
	}
	wg.Wait()
	applied := 0
	for i := range outs {
		var n int
		fmt.Sscanf(outs[i].String(), "migrations applied: %d", &n)
		applied += n
	}
	db, err := database.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var recorded int
	db.Raw("SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&recorded)
	if applied == 0 || applied != recorded {
		t.Fatalf("the two runs applied %d migrations, the database recorded %d", applied, recorded)
	}
}

func TestCreateAdminAndDemo(t *testing.T) {
	dsn := dbtest.DSN(t)
	t.Setenv("PREPOZNAJ_SECRET", strings.Repeat("k", 40))
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"prepoznaj", "create-admin", "--db", dsn, "--email", "root@example.org"}, nil, &out, &errb); code != 0 {
		t.Fatalf("create-admin: %d %s", code, errb.String())
	}
	if !regexp.MustCompile(`(?m)^[a-z2-9]{5}(-[a-z2-9]{5}){3}$`).MatchString(out.String()) {
		t.Fatalf("no one-time password printed: %q", out.String())
	}
	out.Reset()
	code := run(context.Background(), []string{"prepoznaj", "create-admin", "--db", dsn, "--email", "root2@example.org", "--password-stdin"}, strings.NewReader("password\n"), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "common") {
		t.Fatalf("weak stdin password accepted: %d %q", code, errb.String())
	}
	// Creating the same admin twice is refused.
	errb.Reset()
	if code := run(context.Background(), []string{"prepoznaj", "create-admin", "--db", dsn, "--email", "ROOT@example.org"}, nil, &out, &errb); code != 1 {
		t.Fatalf("duplicate admin: exit %d", code)
	}
}

// The real binary: it prints the URL, serves the demo, and on SIGTERM lets a
// request in flight finish before exiting 0.
func TestServeDemoAndGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "prepoznaj")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dsn := dbtest.DSN(t)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--demo", "--demo-password", "crni-vrh-bela-reka", "--log-format", "text")
	cmd.Env = append(os.Environ(), "PREPOZNAJ_SECRET="+strings.Repeat("s", 48))
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	sc := bufio.NewScanner(stdout)
	base := ""
	deadline := time.Now().Add(60 * time.Second)
	for base == "" && time.Now().Before(deadline) && sc.Scan() {
		if m := regexp.MustCompile(`open (http://\S+)/`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("no URL printed; stderr:\n%s", stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	// Sign in as the demo manager.
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"manager@demo.prepoznaj.local","password":"crni-vrh-bela-reka"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("demo login: %v %v", err, resp)
	}
	resp.Body.Close()

	// A slow request: headers sent, body still coming when SIGTERM arrives.
	addr := strings.TrimPrefix(strings.Replace(base, "localhost", "127.0.0.1", 1), "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"email":"learner@demo.prepoznaj.local","password":"crni-vrh-bela-reka"}`
	fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	io.WriteString(conn, body[:10])
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	io.WriteString(conn, body[10:])
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(status, "200") {
		t.Fatalf("in-flight request after SIGTERM: %q %v", status, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	// New connections are refused once it has gone.
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Fatal("server still accepting after exit")
	}
}
