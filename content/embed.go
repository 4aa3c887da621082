// Package content holds the platform's default content as files, embedded in the binary: the
// indicator catalogue now; professions, courses and scenarios as they are written.
package content

import _ "embed"

//go:embed catalogue/indicators.yaml
var catalogue []byte

// Catalogue is the default indicator catalogue (YAML), loaded into the database on first start.
func Catalogue() []byte { return catalogue }
