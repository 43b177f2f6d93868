package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzClean checks what the terminal relies on: nothing Clean returns can
// start an escape sequence, move the cursor, reorder text or overflow a line
// budget, and cleaning twice changes nothing.
func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"Contoso Ltd",
		"\x1b[2J\x1b[HAll clear",
		"\x1b]52;c;ZWNobyBwd25lZA==\a",
		"\x1b]52;c;ZWNobyBwd25lZA==\x1b\\",
		"\x1b]8;;https://evil.example\x1b\\click here\x1b]8;;\x1b\\",
		"\x1b]0;new title\a",
		"\x1bP+q544e\x1b\\",
		"\x9b31mred\x9b0m",
		"\xc2\x9b31m",
		"Acme\u202egnp.exe",
		"\u2066isolate\u2069 \u200f",
		"tab\tnew\nline\rcarriage\bback\x7f",
		"Ann\xffa\xc3",
		"\x1b",
		"\x1b[",
		strings.Repeat("é", 300),
		strings.Repeat("a ", 150),
		strings.Repeat("\x1b[31m", 500) + "x",
		strings.Repeat("x", 4<<10),
	} {
		f.Add(s, 40)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		checkClean(t, s, Clean(s), MaxRunes)
		if limit < 0 || limit > 1000 {
			return
		}
		checkClean(t, s, CleanN(s, limit), limit)
	})
}

func checkClean(t *testing.T, in, out string, limit int) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("CleanN(%q, %d) = %q: invalid UTF-8", in, limit, out)
	}
	for _, r := range out {
		if Dropped(r) || r == 0x1b {
			t.Fatalf("CleanN(%q, %d) = %q: holds %U", in, limit, out, r)
		}
	}
	if n := utf8.RuneCountInString(out); n > limit+1 { // +1: the ellipsis
		t.Fatalf("CleanN(%q, %d) has %d runes", in, limit, n)
	}
	if again := CleanN(out, limit); again != out {
		t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
	}
}

func TestCleanBounds1MBPaste(t *testing.T) {
	for name, s := range map[string]string{
		"letters":  strings.Repeat("x", 1<<20),
		"csi":      strings.Repeat("\x1b[31m", 1<<18) + "x",
		"open osc": "\x1b]52;c;" + strings.Repeat("A", 1<<20),
		"bidi":     strings.Repeat("\u202ea", 1<<18),
		"invalid":  strings.Repeat("\xff", 1<<20),
	} {
		checkClean(t, name, Clean(s), MaxRunes)
	}
}
