// Package migrations holds the versioned SQL schema, one directory per dialect.
// Each change is a new numbered file in both directories; files are never edited
// once released, so every database walks the same path.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// For returns the migrations of one dialect ("sqlite" or "postgres").
func For(dialect string) (fs.FS, error) {
	return fs.Sub(files, dialect)
}
