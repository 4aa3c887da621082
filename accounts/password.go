package accounts

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// Argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16

	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// Hasher hashes and checks passwords, with a bound on how many hashes run at
// once: each takes 19 MiB, so a login flood queues instead of exhausting memory.
type Hasher struct {
	slots chan struct{}
	// dummy is checked against when the account does not exist, so an unknown
	// email costs the same work as a wrong password.
	dummy string
}

// NewHasher allows concurrent hashes at once.
func NewHasher(concurrent int) *Hasher {
	h := &Hasher{slots: make(chan struct{}, max(concurrent, 1))}
	// Any well-formed hash with the real parameters costs the same to check;
	// random bytes make one that matches no password.
	salt, key := make([]byte, argonSaltLen), make([]byte, argonKeyLen)
	rand.Read(salt)
	rand.Read(key)
	h.dummy = encodeHash(salt, key)
	return h
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return apperr.TooMany("server_busy", "The server is busy; try again in a moment.", 2e9)
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns an encoded Argon2id hash of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	return encodeHash(salt, argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)), nil
}

// Check reports whether password matches encoded. An empty encoded hash is
// checked against a dummy so the caller's timing does not reveal it.
func (h *Hasher) Check(ctx context.Context, encoded, password string) (bool, error) {
	if encoded == "" {
		encoded = h.dummy
		password += "\x00never"
	}
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

func encodeHash(salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decodeHash(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errors.New("unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, errors.New("bad argon2 parameters")
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, err
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return p, nil, nil, err
	}
	return p, salt, key, nil
}

//go:embed common-passwords.txt
var commonPasswordsFile string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// CheckPasswordPolicy applies ASVS 5.0's rules: 8 to 128 characters counted as
// characters (a Cyrillic password is not penalised for its bytes), no
// composition rules, not a common password, not built from the context
// (the platform's name, the user's email or name). The password is checked
// exactly as typed: nothing is trimmed or normalised.
func CheckPasswordPolicy(password, email, fullName string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return passwordError("invalid", "must be valid text")
	case n < MinPasswordLen:
		return passwordError("too_short", fmt.Sprintf("must have at least %d characters", MinPasswordLen))
	case n > MaxPasswordLen:
		return passwordError("too_long", fmt.Sprintf("must have at most %d characters", MaxPasswordLen))
	}
	lower := strings.ToLower(password)
	if commonPasswords[lower] || commonPasswords[strings.TrimRightFunc(lower, unicode.IsDigit)] {
		return passwordError("too_common", "is one of the most common passwords; choose another")
	}
	if builtFromContext(fold(lower), contextWords(email, fullName)) {
		return passwordError("too_predictable", "is built from the platform's name, your email or your name; choose another")
	}
	return nil
}

func passwordError(code, msg string) error {
	return apperr.Invalid("weak_password", "The password does not meet the rules.", apperr.Field("password", code, msg))
}

func contextWords(email, fullName string) []string {
	words := []string{"prepoznaj"}
	local, domain, _ := strings.Cut(fold(strings.ToLower(email)), "@")
	words = append(words, local)
	words = append(words, strings.FieldsFunc(local, notLetter)...)
	if name, _, _ := strings.Cut(domain, "."); name != "" {
		words = append(words, name)
	}
	words = append(words, strings.FieldsFunc(fold(strings.ToLower(fullName)), notLetter)...)
	var out []string
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 3 {
			out = append(out, w)
		}
	}
	return out
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// fold writes Serbian text in plain Latin letters, so "Ђорђевић",
// "Đorđević" and "djordjevic" compare equal.
var diacritics = strings.NewReplacer("đ", "dj", "ć", "c", "č", "c", "š", "s", "ž", "z")

func fold(s string) string { return diacritics.Replace(lang.ToLatin(s)) }

// searchKey is what name searches match: the name and email, lower case, in
// plain Latin letters, so "Čolić", "Чолић" and "colic" all find one person.
func searchKey(parts ...string) string {
	return fold(strings.ToLower(strings.Join(parts, " ")))
}

// searchPattern is the LIKE pattern for a search typed by a person.
func searchPattern(q string) string {
	return "%" + likeEscape(searchKey(strings.TrimSpace(q))) + "%"
}

// builtFromContext: once the context words are taken out, what is left is
// only digits and punctuation (or nothing), e.g. "Prepoznaj2024!" or
// "ana.petrovic1".
func builtFromContext(lower string, words []string) bool {
	rest := lower
	for _, w := range words {
		rest = strings.ReplaceAll(rest, w, "")
	}
	if rest == lower {
		return false
	}
	for _, r := range rest {
		if unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
