// Package database opens the platform's database (embedded SQLite by default,
// Postgres in production) through GORM, and applies the versioned migrations.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL dialect behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database: the GORM handle plus what the rest of the
// platform needs to know about it.
type DB struct {
	*gorm.DB
	Dialect Dialect
	// Path is the SQLite file (empty for Postgres); its directory is the data directory.
	Path string
}

// DialectOf tells which dialect a --db value names: a postgres:// or
// postgresql:// URL is Postgres, anything else a SQLite file path.
func DialectOf(dsn string) Dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Open opens dsn. A SQLite path has its directory created.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	cfg := &gorm.Config{
		Logger:                                   newLogger(log),
		NowFunc:                                  func() time.Time { return time.Now().UTC() },
		DisableForeignKeyConstraintWhenMigrating: true,
		TranslateError:                           true,
		PrepareStmt:                              false,
	}
	var (
		g    *gorm.DB
		err  error
		path string
	)
	switch DialectOf(dsn) {
	case Postgres:
		g, err = gorm.Open(postgres.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", redact(err, dsn))
		}
		sqlDB, _ := g.DB()
		// Two cores serve a few hundred requests at once; Postgres's default
		// max_connections is 100, and several instances may share it.
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	default:
		path = dsn
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
		}
		g, err = gorm.Open(sqlite.Open(sqliteDSN(path)), cfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		sqlDB, _ := g.DB()
		// WAL allows readers beside one writer; immediate transactions take the
		// write lock up front, so two writers queue on busy_timeout instead of
		// failing with SQLITE_BUSY half way through.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
		sqlDB.SetConnMaxIdleTime(0)
	}
	db := &DB{DB: g, Dialect: DialectOf(dsn), Path: path}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("reach database: %w", redact(err, dsn))
	}
	return db, nil
}

func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	// No _time_format: the driver stops reading parameters after it, and
	// _txlock would be silently ignored.
	q.Set("_txlock", "immediate")
	// SQLite reads a file: URI, where ?, # and % in the path must be escaped.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + escaped + "?" + q.Encode()
}

// SQL returns the underlying *sql.DB.
func (db *DB) SQL() *sql.DB {
	s, err := db.DB.DB()
	if err != nil {
		// gorm returns an error only when the ConnPool is not a *sql.DB,
		// which Open never configures.
		panic(err)
	}
	return s
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.SQL().PingContext(ctx) }

// Close closes the pool.
func (db *DB) Close() error { return db.SQL().Close() }

// DataDir is where files belonging to this database (the generated signing
// key) are kept: the SQLite file's directory; empty for Postgres.
func (db *DB) DataDir() string {
	if db.Path == "" {
		return ""
	}
	return filepath.Dir(db.Path)
}

// redact removes a password that a driver error might echo from the DSN.
func redact(err error, dsn string) error {
	u, perr := url.Parse(dsn)
	if perr != nil || u.User == nil {
		return err
	}
	if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), pw) {
		return errors.New(strings.ReplaceAll(err.Error(), pw, "***"))
	}
	return err
}

func newLogger(log *slog.Logger) logger.Interface {
	if log == nil {
		log = slog.Default()
	}
	return quietConflicts{logger.NewSlogLogger(log, logger.Config{
		SlowThreshold:             500 * time.Millisecond,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true, // never log bound values: they may be personal data
		LogLevel:                  logger.Warn,
	})}
}

// quietConflicts keeps expected outcomes out of the error log: a unique key
// that is already taken is how the services detect a duplicate (a slug, a
// second submit, a repeated certificate) and answer 409 or carry on, and a
// cancelled request's query is the client's leaving. Slow queries are still
// logged.
type quietConflicts struct{ logger.Interface }

func (q quietConflicts) LogMode(l logger.LogLevel) logger.Interface {
	return quietConflicts{q.Interface.LogMode(l)}
}

func (q quietConflicts) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if errors.Is(err, gorm.ErrDuplicatedKey) || errors.Is(err, context.Canceled) {
		err = nil
	}
	q.Interface.Trace(ctx, begin, fc, err)
}
