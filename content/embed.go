// Package content holds the platform's default content as files, embedded in the binary: the
// indicator catalogue, the courses (course file format prepoznaj-course/1) with their quizzes,
// and the demo live sessions. Seed loads it into a database.
package content

import (
	"embed"
	"io/fs"
)

//go:embed catalogue/indicators.yaml
var catalogue []byte

//go:embed all:courses
var coursesTree embed.FS

// Catalogue is the default indicator catalogue (YAML), loaded into the database on first start.
func Catalogue() []byte { return catalogue }

// Courses is the default courses tree: one directory per course slug, and live-sessions.yaml.
func Courses() fs.FS {
	sub, err := fs.Sub(coursesTree, "courses")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
