// Package dbtest gives each test a fresh, migrated database: a SQLite file in
// the test's temp directory, or, when TEST_DATABASE_URL names a Postgres server,
// a uniquely named Postgres database that is dropped when the test ends.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/migrations"
)

// Dialect reports which dialect New will give: Postgres when
// TEST_DATABASE_URL is set, SQLite otherwise.
func Dialect() database.Dialect {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return database.Postgres
	}
	return database.SQLite
}

// New returns a fresh migrated database for t, closed (and dropped) at cleanup.
func New(tb testing.TB) *database.DB {
	tb.Helper()
	dsn := DSN(tb)
	db, err := database.Open(context.Background(), dsn, nil)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		tb.Fatalf("migrate test database: %v", err)
	}
	return db
}

// DSN returns the address of a fresh, migrated database for tb without
// opening it, cloned from a template migrated once per test process.
func DSN(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		return sqliteCopy(tb)
	}
	name := "prepoznaj_t_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tmpl, err := template(ctx, admin)
	if err != nil {
		tb.Fatalf("prepare postgres template: %v", err)
	}
	if err := createDatabase(ctx, admin, name, tmpl); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := execAdmin(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// EmptyDSN is like DSN but the database has no schema at all.
func EmptyDSN(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		return filepath.Join(tb.TempDir(), "empty.db")
	}
	name := "prepoznaj_e_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := createDatabase(ctx, admin, name, "template0"); err != nil {
		tb.Fatalf("create empty database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = execAdmin(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return withDatabase(admin, name)
}

var (
	sqliteOnce     sync.Once
	sqliteTemplate []byte
	sqliteErr      error
)

// sqliteCopy writes a copy of a once-migrated SQLite file into tb's temp
// directory: copying a few hundred kilobytes is far cheaper than migrating.
func sqliteCopy(tb testing.TB) string {
	tb.Helper()
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "prepoznaj-tmpl-")
		if err != nil {
			sqliteErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "template.db")
		db, err := database.Open(context.Background(), path, nil)
		if err != nil {
			sqliteErr = err
			return
		}
		if _, err := db.Migrate(context.Background(), nil); err != nil {
			db.Close()
			sqliteErr = err
			return
		}
		// Fold the WAL into the main file so one file holds everything.
		if err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
			db.Close()
			sqliteErr = err
			return
		}
		db.Close()
		sqliteTemplate, sqliteErr = os.ReadFile(path)
	})
	if sqliteErr != nil {
		tb.Fatalf("prepare sqlite template: %v", sqliteErr)
	}
	path := filepath.Join(tb.TempDir(), "test.db")
	if err := os.WriteFile(path, sqliteTemplate, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// template migrates one database per set of migration files and reuses it as
// the template of every test database: cloning takes milliseconds where
// migrating takes far longer. Its name carries a hash of the migrations, so an
// edited migration gets a new template.
func template(ctx context.Context, admin string) (string, error) {
	templateOnce.Do(func() {
		sum, err := migrationsHash()
		if err != nil {
			templateErr = err
			return
		}
		templateName = "prepoznaj_tmpl_" + sum
		templateErr = ensureTemplate(ctx, admin, templateName)
	})
	return templateName, templateErr
}

func ensureTemplate(ctx context.Context, admin, name string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// Test binaries of several packages start at once; one builds the template.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(74068532)"); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(74068532)")
	var ready bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&ready)
	if err != nil || ready {
		return err
	}
	building := name + "_b"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()+" TEMPLATE template0"); err != nil {
		return err
	}
	db, err := database.Open(ctx, withDatabase(admin, building), nil)
	if err != nil {
		return err
	}
	_, err = db.Migrate(ctx, nil)
	db.Close()
	if err != nil {
		return err
	}
	for _, stmt := range []string{
		"ALTER DATABASE " + pgx.Identifier{building}.Sanitize() + " RENAME TO " + pgx.Identifier{name}.Sanitize(),
		"ALTER DATABASE " + pgx.Identifier{name}.Sanitize() + " WITH IS_TEMPLATE true",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

func createDatabase(ctx context.Context, admin, name, tmpl string) error {
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{tmpl}.Sanitize()
	var err error
	// Postgres refuses to clone a template while another session is cloning
	// it; the clash is brief, so retry.
	for attempt := 0; attempt < 50; attempt++ {
		if err = execAdmin(ctx, admin, stmt); err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(time.Duration(20+attempt*10) * time.Millisecond)
	}
	return err
}

func execAdmin(ctx context.Context, admin, stmt string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, stmt)
	return err
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(fmt.Sprintf("TEST_DATABASE_URL is not a URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

func migrationsHash() (string, error) {
	fsys, err := migrations.For("postgres")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	err = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
