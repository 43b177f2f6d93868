package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onboard/flow"
	"onboard/store"
)

// Issue 12: the embedded sandbox requests GDAP by default, as production
// must, so every sign-up that imports passes the admin relationship: the
// wizard shows the approval link after the invitation and the customer's
// Global administrator approves it on the sandbox's approval page.

// approveGDAP waits for the GDAP screen, takes its link (copy) and
// approves it as the administrator, in Chromium when inChromium (and it is
// installed), else over HTTP.
func (w *wizard) approveGDAP(login, password string, inChromium bool) {
	w.t.Helper()
	w.confirmOrderIfReviewed("Waiting for the approval")
	w.see("admin relationship", "Waiting for the approval") // the customer's screen or the agent's
	approval := w.copied()
	if !strings.Contains(approval, "/granularAdminRelationships/") {
		w.t.Fatalf("copied %q, want the GDAP approval link", approval)
	}
	if inChromium && approveInChromium(w.t, approval, login, password) {
		return
	}
	approveHTTP(w.t, approval, login, password)
}

func approveHTTP(t *testing.T, link, login, password string) {
	t.Helper()
	page := submit(t, link, url.Values{"login": {login}, "password": {password}})
	if !strings.Contains(page, "Relationship approved") {
		t.Fatalf("relationship not approved:\n%s", page)
	}
}

// approveInChromium approves the admin relationship in headless Chromium;
// false when Chromium is not installed.
func approveInChromium(t *testing.T, link, login, password string) bool {
	t.Helper()
	ctx, ok := chromiumContext(t)
	if !ok {
		return false
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitNotPresent(chromedp.ID("approve")),
		secondFactorInChromium(),
		chromedp.WaitVisible(chromedp.ID("outcome")),
	)
	if err != nil {
		t.Fatalf("GDAP approval in Chromium: %v", err)
	}
	outcome, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("outcome")))
	if err != nil {
		t.Fatalf("GDAP approval in Chromium: %v", err)
	}
	if !strings.Contains(outcome, "approved") {
		t.Fatalf("GDAP approval in Chromium: %q", outcome)
	}
	return true
}

// chromiumContext starts headless Chromium for one test; false when it is
// not installed.
func chromiumContext(t *testing.T) (context.Context, bool) {
	t.Helper()
	path, ok := chromium()
	if !ok {
		t.Log("chromium not installed (apt-get install chromium): using HTTP instead")
		return nil, false
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.Flag("headless", true),
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.NoFirstRun}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// A bound on a page that never answers, not a synchronisation.
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return ctx, true
}

// checkGDAPTrail: the relationship is recorded active with its roles
// assigned, and the order's audit trail tells its story.
func checkGDAPTrail(t *testing.T, db *store.DB, o flow.Order) {
	t.Helper()
	ctx := context.Background()
	if g, err := db.GDAPForTenant(ctx, o.TenantID); err != nil || g.Status != "active" || !g.Assigned {
		t.Fatalf("GDAP recorded: %+v, %v", g, err)
	}
	trail, err := db.AuditTrail(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range trail {
		if strings.HasPrefix(ev.Action, "gdap.") {
			got = append(got, ev.Action)
		}
	}
	want := []string{flow.ActionGDAPRequested, flow.ActionGDAPLinkShown, flow.ActionGDAPApproved, flow.ActionGDAPAssigned}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("GDAP audit trail %v, want %v", got, want)
	}
}

// TestGDAPOff: gdap_group = off turns GDAP off with the sandbox too; the
// import then runs without a relationship.
func TestGDAPOff(t *testing.T) {
	w := start(t, "--gdap-group", "off")
	w.reviewNote, w.noGDAP = "a new subscription", true
	w.signUp(3, 5, "Contoso Ltd", "admin@contoso.onmicrosoft.com", "Contoso-Admin-1", "", func(link, login, password string) {
		acceptHTTP(t, link, login, password)
	})
	w.see("5 new licenses", "Imported 25 users and 3")
	w.press("enter")
	w.see("Assign licenses")
	w.press("ctrl+q")
	db := w.openStore()
	o := onlyOrder(t, db)
	if _, err := db.GDAPForTenant(context.Background(), o.TenantID); err == nil {
		t.Fatal("a relationship was requested with GDAP off")
	}
}
