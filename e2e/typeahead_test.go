package e2e

import (
	"strings"
	"testing"
)

// A password manager's auto-type sends a whole form at once (text, Tab or
// Enter, text, …): every value lands in its own field of the built binary.
func TestAutoTypeFillsEachField(t *testing.T) {
	w := start(t)
	w.chooseSeats(0, 1)
	w.see("Microsoft account", "Use existing Microsoft account")
	w.press("enter")
	w.see("Your details", "┃ Company name")
	if err := w.s.Type("Acme Ltd\rAda\tLovelace\rada@acme.com\r"); err != nil {
		t.Fatal(err)
	}
	w.see("┃ Country")
	w.press("shift+tab")
	screen := w.see("┃ E-mail")
	for _, want := range []string{"> Acme Ltd", "> Ada", "> Lovelace", "> ada@acme.com"} {
		if !strings.Contains(screen, want+"\n") && !strings.Contains(screen, want+" ") {
			t.Errorf("screen lacks %q in its own field:\n%s", want, screen)
		}
	}
}
