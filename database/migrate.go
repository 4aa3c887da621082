package database

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/prepoznaj/prepoznaj/migrations"
)

// migrationLockID is the Postgres advisory lock that serialises migration runs:
// two servers (or a server and `prepoznaj migrate`) starting at once take turns,
// and the second finds nothing left to do.
const migrationLockID = 7_406_853_211_042

func (db *DB) provider(log *slog.Logger) (*goose.Provider, error) {
	fsys, err := migrations.For(string(db.Dialect))
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(migrationLockID),
			// Retry every 2 s for up to 5 minutes: a long migration on another
			// instance must not make this one give up.
			lock.WithLockTimeout(2, 150),
		)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	if log != nil {
		opts = append(opts, goose.WithSlog(log))
	}
	return goose.NewProvider(dialect, db.SQL(), fsys, opts...)
}

// Migrate applies every pending migration and returns how many it applied.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) (int, error) {
	p, err := db.provider(log)
	if err != nil {
		return 0, fmt.Errorf("prepare migrations: %w", err)
	}
	if db.Dialect == SQLite {
		// goose has no SQLite lock; two processes migrating one file take
		// turns on an exclusive lock beside it.
		unlock, err := lockFile(db.Path + ".migrate-lock")
		if err != nil {
			return 0, fmt.Errorf("lock migrations: %w", err)
		}
		defer unlock()
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("apply migrations: %w", err)
	}
	return len(results), nil
}

// MigrationsCurrent reports whether the schema is at the newest version the
// binary knows; readiness depends on it.
func (db *DB) MigrationsCurrent(ctx context.Context) (bool, error) {
	p, err := db.provider(nil)
	if err != nil {
		return false, err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return false, err
	}
	return current >= target, nil
}
