package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// maxTextRunes bounds any single piece of foreign text drawn on screen, so a
// hostile display name cannot push the rest of the screen away.
const maxTextRunes = 200

// sanitize makes text that came from Microsoft or from a user safe to draw:
// escape sequences (CSI, OSC, DCS, …) are removed whole, remaining C0/C1
// controls and bidi overrides are dropped, invalid UTF-8 is replaced, and the
// result is bounded to maxTextRunes runes (with an ellipsis when cut).
func sanitize(s string) string {
	return sanitizeN(s, maxTextRunes)
}

func sanitizeN(s string, limit int) string {
	s = ansi.Strip(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for _, r := range s {
		if dropRune(r) {
			continue
		}
		if n == limit {
			return strings.TrimRight(b.String(), " ") + "…"
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// dropRune reports controls and the bidi overrides/isolates that can reorder
// what a reader sees (Trojan Source).
func dropRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
