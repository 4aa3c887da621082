package database_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

func TestMigrateIsIdempotentAndCurrent(t *testing.T) {
	t.Logf("dialect: %s", dbtest.Dialect())
	ctx := context.Background()
	db, err := database.Open(ctx, dbtest.EmptyDSN(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if ok, _ := db.MigrationsCurrent(ctx); ok {
		t.Fatal("an empty database reports current migrations")
	}
	n, err := db.Migrate(ctx, nil)
	if err != nil || n == 0 {
		t.Fatalf("first migrate: %d, %v", n, err)
	}
	if n, err := db.Migrate(ctx, nil); err != nil || n != 0 {
		t.Fatalf("second migrate applied %d, %v; want 0", n, err)
	}
	if ok, err := db.MigrationsCurrent(ctx); !ok || err != nil {
		t.Fatalf("MigrationsCurrent = %v, %v", ok, err)
	}
}

// Two servers starting at once on one database must not both apply the
// schema: the advisory lock (Postgres) or the write lock (SQLite) serialises
// them and the second finds nothing to do.
func TestConcurrentMigrateAppliesOnce(t *testing.T) {
	ctx := context.Background()
	dsn := dbtest.EmptyDSN(t)
	const runners = 4
	applied := make([]int, runners)
	errs := make([]error, runners)
	var wg sync.WaitGroup
	for i := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := database.Open(ctx, dsn, nil)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			applied[i], errs[i] = db.Migrate(ctx, nil)
		}()
	}
	wg.Wait()
	total := 0
	for i := range runners {
		if errs[i] != nil {
			t.Fatalf("runner %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	db, err := database.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var versions int64
	if err := db.Raw("SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&versions).Error; err != nil {
		t.Fatal(err)
	}
	if int64(total) != versions {
		t.Fatalf("runners applied %d migrations in all, the database recorded %d", total, versions)
	}
}

func TestSQLitePragmas(t *testing.T) {
	if dbtest.Dialect() != database.SQLite {
		t.Skip("SQLite only")
	}
	db := dbtest.New(t)
	var mode string
	var fk, timeout int
	db.Raw("PRAGMA journal_mode").Scan(&mode)
	db.Raw("PRAGMA foreign_keys").Scan(&fk)
	db.Raw("PRAGMA busy_timeout").Scan(&timeout)
	if mode != "wal" || fk != 1 || timeout < 1000 {
		t.Fatalf("journal_mode=%s foreign_keys=%d busy_timeout=%d", mode, fk, timeout)
	}
}

// A path holding URI syntax (subtests named "route#01" make such temp dirs)
// must name that file, not a truncated one shared with other tests.
func TestSQLitePathWithURICharacters(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	paths := []string{dir + "/a#1/x.db", dir + "/a#2/x.db", dir + "/b?c/x.db", dir + "/d%41/x.db"}
	for i, p := range paths {
		db, err := database.Open(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("CREATE TABLE marker (n INTEGER)").Error; err != nil {
			t.Fatalf("%s: %v (shared with an earlier path?)", p, err)
		}
		db.Exec("INSERT INTO marker VALUES (?)", i)
		db.Close()
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s was not created: %v", p, err)
		}
	}
}
