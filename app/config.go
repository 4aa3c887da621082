// Package app wires the platform together: it opens nothing itself but takes
// an open database and builds the services and the HTTP handler from them.
// cmd/prepoznaj calls it for the real server; API tests call it to run the
// real router against a test database.
package app

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prepoznaj/prepoznaj/database"
)

// MinSecretLen is the shortest signing key accepted: HS256 wants at least as
// many bytes as its output.
const MinSecretLen = 32

// Config is what the operator decides.
type Config struct {
	Addr           string
	DB             string
	BaseURL        string
	SecretFile     string
	Secret         string // the key itself, from PREPOZNAJ_SECRET
	TrustedProxies []string
	Version        string
	// Now is the platform's clock (UTC); nil is the system clock. Tests
	// set it to move time (certificate validity, re-takes).
	Now func() time.Time
}

// LoadSecret finds the signing key: the file named by --secret-file, else the
// PREPOZNAJ_SECRET value, else (SQLite only) a key generated once into the
// data directory with mode 0600. Postgres deployments run several instances
// that must share one key, so there the key is required.
func LoadSecret(cfg Config, db *database.DB) ([]byte, error) {
	var key []byte
	switch {
	case cfg.SecretFile != "":
		b, err := os.ReadFile(cfg.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("read secret file: %w", err)
		}
		key = []byte(strings.TrimRight(string(b), "\r\n"))
	case cfg.Secret != "":
		key = []byte(cfg.Secret)
	case db.Dialect == database.SQLite:
		return generatedSecret(filepath.Join(db.DataDir(), "secret.key"))
	default:
		return nil, errors.New("a signing key is required with Postgres: set --secret-file or PREPOZNAJ_SECRET (at least 32 bytes, the same on every instance)")
	}
	if len(key) < MinSecretLen {
		return nil, fmt.Errorf("the signing key has %d bytes; at least %d are required", len(key), MinSecretLen)
	}
	return key, nil
}

func generatedSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) < MinSecretLen {
			return nil, fmt.Errorf("%s holds %d bytes; at least %d are required", path, len(b), MinSecretLen)
		}
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read generated secret: %w", err)
	}
	key := make([]byte, 48)
	rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it between our read and our create.
		return generatedSecret(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create generated secret: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}
