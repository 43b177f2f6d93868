package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// TestScreenshots writes the wizard's screens as ANSI text into
// $ONBOARD_SCREENSHOTS for docs/screenshots.sh to turn into images; it is
// skipped otherwise.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("ONBOARD_SCREENSHOTS")
	if dir == "" {
		t.Skip("set ONBOARD_SCREENSHOTS=dir to write screenshots (docs/screenshots.sh does)")
	}
	w := start(t)
	shot := func(name string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name+".ansi"), []byte(w.s.ScreenANSI()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w.see("Choose licenses")
	w.press("down", "down")
	for range 10 {
		w.press("+")
	}
	w.see("‹10›")
	shot("licenses")
	w.press("enter")
	w.see("Use existing Microsoft account")
	w.press("enter")
	w.details("Fabrikam Inc", "ada@fabrikam.com")
	w.see("Microsoft Customer Agreement")
	w.press("y")
	w.fill("Administrator login", "admin@fabrikam.onmicrosoft.com")
	w.signInOnPage("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1", "246810")
	w.see("Waiting for Microsoft")
	shot("consent")
	acceptHTTP(t, w.copied(), "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	w.see("Approve the admin relationship", "Waiting for the approval")
	shot("gdap")
	w.approveGDAP("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1", false)
	w.see("Press Enter to pay", "your trial is converted")
	shot("review")
	w.press("enter")
	w.see("Waiting for the payment")
	shot("pay")
	payHTTP(t, w.copied(), "4242 4242 4242 4242")
	w.see("Your trial was converted")
	shot("done")
}
