package ui

import "onboard/internal/safetext"

// maxTextRunes bounds any single piece of foreign text drawn on screen, so a
// hostile display name cannot push the rest of the screen away.
const maxTextRunes = safetext.MaxRunes

// sanitize makes text that came from Microsoft or from a user safe to draw
// (see internal/safetext), bounded to maxTextRunes runes.
func sanitize(s string) string { return safetext.Clean(s) }

// sanitizeN is sanitize bounded to limit runes.
func sanitizeN(s string, limit int) string { return safetext.CleanN(s, limit) }

// maxExplainedRunes bounds flow's own sentences (explanations, field
// messages), which quote foreign text only bounded: longer than a name, as
// a German or French explanation runs a third longer than the English.
const maxExplainedRunes = 800

// explained is sanitize for flow's sentences, bounded to maxExplainedRunes.
func explained(s string) string { return safetext.CleanN(s, maxExplainedRunes) }
