package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kioskConfig writes a config file whose admin PIN is set the way staff
// set it, `onboard kiosk set-pin` with the PIN twice on standard input,
// plus any further TOML lines.
func kioskConfig(t *testing.T, pin string, lines ...string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "--config", file, "kiosk", "set-pin")
	cmd.Stdin = strings.NewReader(pin + "\n" + pin + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kiosk set-pin: %v\n%s", err, out)
	}
	return file
}

// until waits for a screen that cond accepts (what is awaited is named
// in the failure).
func (w *wizard) until(what string, cond func(screen string) bool) string {
	w.t.Helper()
	// A bound on a screen that never comes, not a synchronisation.
	ctx, cancel := context.WithTimeout(w.ctx, w.limit())
	defer cancel()
	screen, err := w.s.WaitFor(ctx, cond)
	if err != nil {
		w.t.Fatalf("waiting for %s: %v\n--- screen ---\n%s", what, err, screen)
	}
	return screen
}

const pinPrompt = "Enter the admin PIN to close the kiosk"

// backToSignUp closes the PIN prompt with esc and waits until it is gone.
func (w *wizard) backToSignUp() {
	w.t.Helper()
	w.press("esc")
	w.until("the sign-up again", func(sc string) bool {
		return !strings.Contains(sc, pinPrompt) && strings.Contains(sc, "Choose licenses")
	})
}

// The kiosk cannot be left without the admin PIN: every key that quits,
// suspends or kills a terminal program asks for it instead, and the
// program keeps drawing after each.
func TestKioskLeavesOnlyWithTheAdminPIN(t *testing.T) {
	t.Parallel()
	const pin = "24681357"
	w := start(t, "--config", kioskConfig(t, pin), "--kiosk")
	w.see("Choose licenses")

	w.press("ctrl+c")
	w.see(pinPrompt)
	w.typeLine("13572468")
	w.see(pinPrompt, "Wrong PIN.")
	w.backToSignUp()

	w.press("ctrl+z") // in raw mode a key, not SIGTSTP: it must not suspend
	w.see(pinPrompt)
	w.backToSignUp()

	if err := w.s.Type("\x1c"); err != nil { // ctrl+\, which would quit with a core dump
		t.Fatal(err)
	}
	w.see(pinPrompt)
	w.backToSignUp()

	w.press("esc") // esc on the first screen
	w.see(pinPrompt)
	w.typeLine(pin)
	if err := w.s.Wait(w.ctx); err != nil {
		t.Fatalf("the right PIN: exit %v, want 0\n%s", err, w.s.Screen())
	}
}

// A touched sign-up left alone shows a countdown and is wiped: the first
// screen returns with no seats chosen. kiosk_idle is at its minimum, 10 s,
// and every wait is on the screen.
func TestKioskIdleResetReturnsToAnEmptyFirstScreen(t *testing.T) {
	t.Parallel()
	w := start(t, "--config", kioskConfig(t, "24681357", `kiosk_idle = "10s"`), "--kiosk")
	w.see("Choose licenses", "‹0›")
	w.press("+")
	w.see("‹1›", "Are you still there? Resetting in")
	w.until("the reset", func(sc string) bool {
		return strings.Contains(sc, "Choose licenses") && strings.Contains(sc, "‹0›") &&
			!strings.Contains(sc, "‹1›") && !strings.Contains(sc, "Are you still there?")
	})
}
