package ui

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Contoso Ltd", "Contoso Ltd"},
		{"csi colour", "\x1b[31mred\x1b[0m", "red"},
		{"osc title", "a\x1b]0;pwned\x07b", "ab"},
		{"osc52 clipboard", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"c0 controls", "a\rb\nc\td\x00e\x08", "abcde"},
		{"c1 csi", "a\u009b31mb", "a31mb"},
		{"c1 control", "a\u0085b", "ab"},
		{"bidi override", "abc\u202Edef\u202C", "abcdef"},
		{"bidi isolate", "\u2066x\u2069", "x"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"unicode kept", "Zoë Müller 山田", "Zoë Müller 山田"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitize(tt.in); got != tt.want {
				t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeBoundsLength(t *testing.T) {
	got := sanitize(strings.Repeat("x", 1000))
	if n := len([]rune(got)); n != maxTextRunes+1 {
		t.Fatalf("len = %d runes, want %d", n, maxTextRunes+1)
	}
	if !strings.HasSuffix(got, "…") {
		t.Fatalf("cut text should end with an ellipsis: %q", got[len(got)-10:])
	}
}
