package database_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prepoznaj/prepoznaj/database"
)

// A unique key already taken is how services find duplicates; it must not fill the error log,
// while a real failure still reaches it.
func TestLoggerKeepsExpectedConflictsQuiet(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	db, err := database.Open(context.Background(), filepath.Join(t.TempDir(), "log.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Exec("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT UNIQUE)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO things (name) VALUES ('a')").Error; err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	type thing struct {
		ID   int64
		Name string
	}
	if err := db.Table("things").Create(&thing{Name: "a"}).Error; err == nil {
		t.Fatal("the duplicate was accepted")
	}
	if buf.Len() != 0 {
		t.Fatalf("a duplicate key was logged: %s", buf.String())
	}
	db.Exec("SELECT * FROM no_such_table")
	if !strings.Contains(buf.String(), "level=ERROR") {
		t.Fatalf("a real failure was not logged: %q", buf.String())
	}
}
