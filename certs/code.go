package certs

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// Verification codes are read aloud over the phone and typed from paper, so
// they use Crockford's base32: digits and upper-case letters without I, L,
// O and U, the ones people confuse with 1, 1, 0 and V. 27 random symbols
// carry 135 bits from crypto/rand (the issue asks for at least 128); a
// 28th symbol is a Luhn mod 32 check that catches every single mistyped
// symbol and most swapped neighbours before the database is asked.
const (
	codeAlphabet   = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeRandomLen  = 27
	codeLen        = codeRandomLen + 1
	codeGroup      = 4
	maxCodeInput   = 128 // public endpoint: refuse absurd input before scanning it
	randomCodeBits = codeRandomLen * 5
)

// ErrInvalidCode is wrapped by every NormalizeCode failure.
var ErrInvalidCode = errors.New("certs: invalid verification code")

// NewCode returns a fresh verification code in canonical form, e.g.
// "7K3M-9XQ2-....-...." (seven groups of four).
func NewCode() (string, error) { return newCode(rand.Reader) }

func newCode(r io.Reader) (string, error) {
	var buf [(randomCodeBits + 7) / 8]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return "", fmt.Errorf("certs: reading random code: %w", err)
	}
	vals := make([]int, 0, codeLen)
	var acc, bits uint
	for _, b := range buf {
		acc = acc<<8 | uint(b)
		bits += 8
		for bits >= 5 && len(vals) < codeRandomLen {
			bits -= 5
			vals = append(vals, int(acc>>bits)&31)
		}
	}
	vals = append(vals, checkSymbol(vals))
	return formatCode(vals), nil
}

// NormalizeCode turns what a person typed into the canonical code: case,
// spaces and hyphens do not matter, O reads as 0 and I or L as 1. Anything
// else, a wrong length or a failed check symbol is ErrInvalidCode.
func NormalizeCode(input string) (string, error) {
	if len(input) > maxCodeInput {
		return "", fmt.Errorf("%w: too long", ErrInvalidCode)
	}
	vals := make([]int, 0, codeLen)
	for _, r := range input {
		if unicode.IsSpace(r) || isDash(r) {
			continue
		}
		switch unicode.ToUpper(r) {
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		i := strings.IndexRune(codeAlphabet, unicode.ToUpper(r))
		if i < 0 {
			return "", fmt.Errorf("%w: %q is not a code character", ErrInvalidCode, r)
		}
		vals = append(vals, i)
	}
	if len(vals) != codeLen {
		return "", fmt.Errorf("%w: want %d characters, got %d", ErrInvalidCode, codeLen, len(vals))
	}
	if checkSymbol(vals[:codeRandomLen]) != vals[codeRandomLen] {
		return "", fmt.Errorf("%w: check character does not match (mistyped?)", ErrInvalidCode)
	}
	return formatCode(vals), nil
}

// VerifyURL is the public verification page for code, the address the
// certificate's QR code carries.
func VerifyURL(baseURL, code string) string {
	return strings.TrimRight(baseURL, "/") + "/verify/" + code
}

func isDash(r rune) bool { return r == '-' || (r >= 0x2010 && r <= 0x2015) || r == 0x2212 }

func formatCode(vals []int) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 && i%codeGroup == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[v])
	}
	return b.String()
}

// checkSymbol is the Luhn mod N algorithm with N = 32.
func checkSymbol(vals []int) int {
	const n = len(codeAlphabet)
	sum, factor := 0, 2
	for i := len(vals) - 1; i >= 0; i-- {
		addend := factor * vals[i]
		sum += addend/n + addend%n
		factor = 3 - factor
	}
	return (n - sum%n) % n
}
