package kioskpin

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := HashWithIterations("2468", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "2468") || !strings.HasPrefix(h, "pbkdf2-sha256$1000$") {
		t.Fatalf("hash %q", h)
	}
	if !Verify(h, "2468") {
		t.Fatal("the right PIN was refused")
	}
	for _, wrong := range []string{"2467", "", "24680", " 2468"} {
		if Verify(h, wrong) {
			t.Fatalf("%q accepted", wrong)
		}
	}
	h2, _ := HashWithIterations("2468", 1000)
	if h2 == h {
		t.Fatal("two hashes of one PIN are equal: no salt")
	}
}

func TestRejects(t *testing.T) {
	if _, err := Hash("123"); !errors.Is(err, ErrTooShort) {
		t.Fatalf("short PIN: %v", err)
	}
	if _, err := Hash(strings.Repeat("9", MaxLength+1)); !errors.Is(err, ErrTooLong) {
		t.Fatalf("long PIN: %v", err)
	}
	for _, bad := range []string{"", "2468", "pbkdf2-sha256$x$AAAAAAAAAAA$AAAA", "md5$1$AAAAAAAAAAA$AAAA"} {
		if Parse(bad) == nil || Verify(bad, "2468") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
}
