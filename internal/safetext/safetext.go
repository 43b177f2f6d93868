// Package safetext neutralises text that came from Microsoft or from a user
// before it reaches a terminal: escape sequences (CSI, OSC — including OSC 52
// clipboard writes —, DCS, …) are removed whole, C0/C1 controls and the bidi
// overrides that reorder what a reader sees (Trojan Source) are dropped,
// invalid UTF-8 is replaced, and the length is bounded.
package safetext

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// MaxRunes bounds any single piece of foreign text, so a hostile display name
// cannot push the rest of the screen away.
const MaxRunes = 200

// Clean returns s safe to draw, at most MaxRunes runes.
func Clean(s string) string { return CleanN(s, MaxRunes) }

// CleanN returns s safe to draw, at most limit runes (with an ellipsis when cut).
func CleanN(s string, limit int) string {
	s = ansi.Strip(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for _, r := range s {
		if Dropped(r) {
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

// Dropped reports controls and the bidi overrides and isolates.
func Dropped(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Lines returns s safe to print as a message of several lines: each line is
// cleaned as Clean does, without its length bound (a message is the
// program's own, with foreign text inside it), and the line breaks stay.
func Lines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = CleanN(strings.TrimSuffix(l, "\r"), len(l)+1)
	}
	return strings.Join(lines, "\n")
}
