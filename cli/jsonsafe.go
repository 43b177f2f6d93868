package cli

import (
	"fmt"
	"unicode/utf8"

	"onboard/internal/safetext"
)

// escapeTerminalRunes rewrites, in encoded JSON, every character a terminal
// would act on rather than print (DEL, C1 controls, bidi overrides) as a
// \uXXXX escape. encoding/json leaves them raw, and --json output is often
// read on the terminal it is printed to. The JSON value is unchanged:
// outside strings, JSON is plain ASCII, so every such rune is inside one.
func escapeTerminalRunes(js []byte) []byte {
	out := make([]byte, 0, len(js))
	for i := 0; i < len(js); {
		r, size := utf8.DecodeRune(js[i:])
		if safetext.Dropped(r) && r >= 0x7f {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, js[i:i+size]...)
		}
		i += size
	}
	return out
}
