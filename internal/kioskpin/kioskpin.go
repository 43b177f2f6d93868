// Package kioskpin hashes and checks the provider's admin PIN that closes a
// kiosk. The config file holds only a salted, iterated hash:
// "pbkdf2-sha256$<iterations>$<salt>$<key>" (base64, no padding).
package kioskpin

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	scheme = "pbkdf2-sha256"
	// Iterations follows OWASP's 2023 advice for PBKDF2-HMAC-SHA256.
	Iterations = 600_000
	saltLen    = 16
	keyLen     = 32
	MinLength  = 4
	MaxLength  = 64
)

// Sentinel errors.
var (
	ErrTooShort  = fmt.Errorf("the PIN must have at least %d characters", MinLength)
	ErrTooLong   = fmt.Errorf("the PIN must have at most %d characters", MaxLength)
	ErrBadFormat = errors.New("not a kiosk PIN hash (want pbkdf2-sha256$iterations$salt$key)")
)

// Check says whether pin is acceptable as an admin PIN.
func Check(pin string) error {
	switch n := utf8.RuneCountInString(pin); {
	case n < MinLength:
		return ErrTooShort
	case n > MaxLength:
		return ErrTooLong
	}
	return nil
}

// Hash returns the salted hash of pin to store in the config.
func Hash(pin string) (string, error) { return HashWithIterations(pin, Iterations) }

// HashWithIterations is Hash with a chosen cost (tests use a low one).
func HashWithIterations(pin string, iterations int) (string, error) {
	if err := Check(pin); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	rand.Read(salt) // never fails (crypto/rand since Go 1.24)
	key, err := pbkdf2.Key(sha256.New, pin, salt, iterations, keyLen)
	if err != nil {
		return "", fmt.Errorf("hash PIN: %w", err)
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("%s$%d$%s$%s", scheme, iterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Parse checks that hash is well formed.
func Parse(hash string) error {
	_, _, _, err := parse(hash)
	return err
}

func parse(hash string) (iterations int, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 4 || parts[0] != scheme {
		return 0, nil, nil, ErrBadFormat
	}
	enc := base64.RawStdEncoding
	iterations, err = strconv.Atoi(parts[1])
	if err != nil || iterations < 1 || iterations > 100_000_000 {
		return 0, nil, nil, ErrBadFormat
	}
	if salt, err = enc.DecodeString(parts[2]); err != nil || len(salt) < 8 {
		return 0, nil, nil, ErrBadFormat
	}
	if key, err = enc.DecodeString(parts[3]); err != nil || len(key) != keyLen {
		return 0, nil, nil, ErrBadFormat
	}
	return iterations, salt, key, nil
}

// Verify says whether pin matches hash, in constant time; false for a
// malformed hash.
func Verify(hash, pin string) bool {
	iterations, salt, want, err := parse(hash)
	if err != nil || len(pin) > 4*MaxLength {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pin, salt, iterations, keyLen)
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}
