package e2e

import (
	"context"
	"strings"
	"testing"
)

// Issue 12: the administrator signs in on Microsoft's page in a browser on
// this machine (authorization code with PKCE on a loopback redirect), and a
// tenant whose password grant answers AADSTS65001 moves to the page.

// TestBrowserSignInWithPKCE: the built binary signs the administrator in
// through the authorize page, driven in headless Chromium (login pre-filled
// from the login hint, password, second factor), which redirects back to
// the binary's loopback listener; the trial scenario then completes.
func TestBrowserSignInWithPKCE(t *testing.T) {
	if _, ok := chromium(); !ok {
		t.Skip("the browser sign-in needs Chromium (apt-get install chromium)")
	}
	w := startWith(t, []string{"ONBOARD_ADMIN_SIGN_IN=browser"})
	w.reviewNote, w.pkce = "your trial is converted", true
	w.signUp(2, 10, "Fabrikam Inc", "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1", "246810", func(link, login, password string) {
		acceptHTTP(t, link, login, password)
	})
	w.see("Your trial was converted; 8 users keep their licenses", "Imported 12 users and 2")
	w.press("enter")
	db := w.openStore()
	o := onlyOrder(t, db)
	if n, _ := db.CountUsers(context.Background(), o.TenantID); n != 12 {
		t.Fatalf("users %d, want 12", n)
	}
}

// TestPasswordSignInWithoutConsentMovesToThePage: with admin_sign_in =
// password, Wingtip's password grant answers AADSTS65001 (onboard's app
// not consented there); the wizard says so and shows the sign-in page's
// code instead, and the sign-up completes after the sign-in there.
func TestPasswordSignInWithoutConsentMovesToThePage(t *testing.T) {
	const login, password = "admin@wingtiptoys.onmicrosoft.com", "Wingtip-Admin-1"
	w := startWith(t, []string{"ONBOARD_ADMIN_SIGN_IN=password"})
	w.chooseSeats(3, 5)
	w.see("Microsoft account", "Use existing Microsoft account")
	w.press("enter")
	w.details("Wingtip Toys", "ada@example.com")
	w.see("Microsoft Customer Agreement")
	w.press("y")
	w.fill("Administrator login", login)
	w.fill("Password", password)
	screen := w.see("Microsoft wants this account", "Code:")
	if !strings.Contains(screen, "consent") {
		t.Fatalf("the refusal is not explained:\n%s", screen)
	}
	w.signInOnPage(login, password, "")
	w.see("Accept the invitation", "Waiting for Microsoft")
	acceptHTTP(t, w.copied(), login, password)
	w.approveGDAP(login, password, false)
	w.see("Review your order", "Press Enter to pay")
	w.press("enter")
	w.see("Waiting for the payment")
	payHTTP(t, w.copied(), "4242 4242 4242 4242")
	w.see("5 new licenses", "Imported 4 users")
}
