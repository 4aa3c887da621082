// Package frontend holds the browser app. Its source is in src/ (Svelte + TypeScript, built by
// Vite); the build in dist/ is committed and embedded here so that the Go binary serves the app
// with no Node at run time. Rebuild it with `npm run build` after changing the source.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app: index.html at its root, hashed assets under assets/, and beside
// every text file its gzip-compressed copy (name + ".gz") for clients that accept gzip.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path, so this cannot happen
	}
	return sub
}
