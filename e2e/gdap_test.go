package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"onboard/msapi/sandbox"
)

// Issue 12 part 3: both demo scenarios through GDAP. The binary requests the
// admin relationship (--gdap-group), its sandbox refuses the import until
// the customer's Global administrator approves it on the approval page.

// startGDAP runs the wizard with GDAP requested.
func startGDAP(t *testing.T) *wizard {
	return start(t, "--gdap-group", sandbox.PartnerGDAPGroupID)
}

// acceptAndApproveGDAP accepts the invitation, then approves the admin
// relationship the wizard shows next, both as the administrator would in
// a browser.
func (w *wizard) acceptAndApproveGDAP(link, login, password string) {
	w.t.Helper()
	acceptHTTP(w.t, link, login, password)
	w.see("Approve the admin relationship", "Waiting for the approval")
	approval := w.copied()
	if !strings.Contains(approval, "/granularAdminRelationships/") {
		w.t.Fatalf("copied %q, want the GDAP approval link", approval)
	}
	page := submit(w.t, approval, url.Values{"login": {login}, "password": {password}})
	if !strings.Contains(page, "Relationship approved") {
		w.t.Fatalf("relationship not approved:\n%s", page)
	}
}

func TestFabrikamThroughGDAP(t *testing.T) {
	w := startGDAP(t)
	w.reviewNote = "your trial is converted"
	w.signUp(2, 10, "Fabrikam Inc", "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1", "246810", w.acceptAndApproveGDAP)
	w.see("Your trial was converted; 8 users keep their licenses", "Imported 12 users and 2")
	w.press("enter")
	db := w.openStore()
	o := onlyOrder(t, db)
	if n, _ := db.CountUsers(context.Background(), o.TenantID); n != 12 {
		t.Fatalf("users %d, want 12", n)
	}
	if g, err := db.GDAPForTenant(context.Background(), o.TenantID); err != nil || g.Status != "active" || !g.Assigned {
		t.Fatalf("GDAP recorded: %+v, %v", g, err)
	}
}

func TestContosoThroughGDAP(t *testing.T) {
	w := startGDAP(t)
	w.reviewNote = "a new subscription"
	w.signUp(3, 5, "Contoso Ltd", "admin@contoso.onmicrosoft.com", "Contoso-Admin-1", "", w.acceptAndApproveGDAP)
	w.see("5 new licenses", "Imported 25 users and 3")
	w.press("enter")
	w.see("Assign licenses")
	w.press("enter", "down", "enter")
	w.see("2 chosen, 3 of 5 free")
	w.press("ctrl+s")
	w.see("2 licenses assigned.")
	w.press("ctrl+q")
	db := w.openStore()
	o := onlyOrder(t, db)
	if n, _ := db.CountUsers(context.Background(), o.TenantID); n != 25 {
		t.Fatalf("users %d, want 25", n)
	}
}
