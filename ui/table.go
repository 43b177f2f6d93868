package ui

import "github.com/charmbracelet/x/ansi"

// nameColumn is the width of a table's name column: as wide as the longest
// name, so names are cut only when the terminal has no room left (room is
// the body width minus the other columns), and no wider, so a wide
// terminal does not put a gulf between a name and its numbers.
func nameColumn(room int, names ...string) int {
	w := 0
	for _, n := range names {
		w = max(w, ansi.StringWidth(n))
	}
	return max(min(w, room), 12)
}
