package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

// partnerGraphToken is the partner's App+User Graph token of tenant (its
// own, or a customer's reached through GDAP).
func (e *env) partnerGraphToken(tenant string) string {
	return e.mustToken(tenant, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {e.cred.ClientID},
		"client_secret": {e.cred.ClientSecret}, "refresh_token": {e.cred.RefreshToken},
		"scope": {wire.ScopeGraph},
	})
}

// lockedGDAP creates a relationship with the customer of domain and locks
// it for approval; it returns the relationship id.
func (e *env) lockedGDAP(domain string) string {
	e.t.Helper()
	tok := e.partnerGraphToken(e.cred.PartnerTenantID)
	id := e.searchCustomers(e.appOnlyToken(), strings.Split(domain, ".")[0])[0].ID
	body := wire.DelegatedAdminRelationship{DisplayName: "onboard " + domain, Duration: "P730D",
		Customer:      &wire.DelegatedAdminCustomer{TenantID: id},
		AccessDetails: wire.DelegatedAdminAccessDetails{UnifiedRoles: []wire.UnifiedRole{{RoleDefinitionID: msapi.RoleDirectoryReaders}}}}
	var rel wire.DelegatedAdminRelationship
	if st, b, _ := e.call("POST", e.urls.Graph+"/tenantRelationships/delegatedAdminRelationships", tok, body, nil, &rel); st != http.StatusCreated || rel.Status != "created" {
		e.t.Fatalf("create relationship: %d %s", st, b)
	}
	if st, b, _ := e.call("POST", e.urls.Graph+"/tenantRelationships/delegatedAdminRelationships/"+rel.ID+"/requests", tok,
		wire.DelegatedAdminRelationshipRequest{Action: "lockForApproval"}, nil, nil); st != http.StatusCreated {
		e.t.Fatalf("lockForApproval: %d %s", st, b)
	}
	return rel.ID
}

func (e *env) gdapStatus(id string) string {
	e.t.Helper()
	var rel wire.DelegatedAdminRelationship
	if st, b, _ := e.call("GET", e.urls.Graph+"/tenantRelationships/delegatedAdminRelationships/"+id, e.partnerGraphToken(e.cred.PartnerTenantID), nil, nil, &rel); st != http.StatusOK {
		e.t.Fatalf("get relationship: %d %s", st, b)
	}
	return rel.Status
}

// TestDirectoryCallsRefused: App+User-only directory calls refuse app-only
// tokens with Partner Center's App+User error, and with EnforceGDAP the
// directory is closed to the partner until GDAP covers the call, with
// Graph's error shape.
func TestDirectoryCallsRefused(t *testing.T) {
	e := newEnv(t, sandbox.Options{EnforceGDAP: true})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	id := tenantID(t, e, "contoso")
	for _, path := range []string{"/users", "/subscribedskus", "/directoryroles"} {
		st, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+path, e.appOnlyToken(), nil, nil, nil)
		if st != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeAppUserRequired {
			t.Errorf("%s app-only: %d %s, want 403 App+User required", path, st, b)
		}
		if st, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+path, e.appUserToken(), nil, nil, nil); st != http.StatusForbidden {
			t.Errorf("%s without GDAP: %d %s, want 403", path, st, b)
		}
	}
	st, b, _ := e.call("GET", e.urls.Graph+"/users", e.partnerGraphToken(id), nil, nil, nil)
	var ge wire.GraphError
	_ = json.Unmarshal(b, &ge)
	if st != http.StatusForbidden || ge.Error.Code != "Authorization_RequestDenied" || ge.Error.InnerError == nil || ge.Error.InnerError.RequestID == "" {
		t.Fatalf("graph users without GDAP: %d %s", st, b)
	}
	if st, b, _ := e.call("GET", e.urls.Graph+"/tenantRelationships/delegatedAdminRelationships/x", e.partnerGraphToken(id), nil, nil, nil); st != http.StatusForbidden {
		t.Fatalf("GDAP API with a token of the customer's tenant: %d %s", st, b)
	}
}

// TestGDAPApprovalPage: the page is CSRF-safe and only a Global
// administrator of the relationship's tenant approves.
func TestGDAPApprovalPage(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	id := e.lockedGDAP("contoso.onmicrosoft.com")
	page := e.urls.GDAPApproval + id
	b := newBrowser(t)
	csrf := b.open(page)
	form := func(login, password string) url.Values {
		return url.Values{"csrf": {csrf}, "login": {login}, "password": {password}}
	}
	if st, body := b.submit(page, url.Values{"login": {"admin@contoso.onmicrosoft.com"}, "password": {"Contoso-Admin-1"}}, nil); st != http.StatusForbidden {
		t.Fatalf("no csrf: %d %s", st, body)
	}
	if st, _ := b.submit(page, form("admin@contoso.onmicrosoft.com", "Contoso-Admin-1"), map[string]string{"Sec-Fetch-Site": "cross-site"}); st != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", st)
	}
	if st, _ := b.submit(page, form("megan@contoso.onmicrosoft.com", "Contoso-User-1"), nil); st != http.StatusForbidden {
		t.Fatalf("a user approving: %d", st)
	}
	if st, _ := b.submit(page, form("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"), nil); st != http.StatusUnauthorized {
		t.Fatalf("another tenant's admin approving: %d", st)
	}
	if got := e.gdapStatus(id); got != msapi.GDAPApprovalPending {
		t.Fatalf("status after refusals = %s", got)
	}
	st, body := b.submit(page, form("admin@contoso.onmicrosoft.com", "Contoso-Admin-1"), nil)
	if st != http.StatusOK || !strings.Contains(body, "Relationship approved") {
		t.Fatalf("approve: %d %s", st, body)
	}
	if got := e.gdapStatus(id); got != msapi.GDAPActive {
		t.Fatalf("status after approval = %s", got)
	}
	if st, _ := b.submit(page, form("admin@contoso.onmicrosoft.com", "Contoso-Admin-1"), nil); st != http.StatusConflict {
		t.Fatalf("approving twice: %d", st)
	}
	if resp, err := http.Get(e.urls.GDAPApproval + "unknown"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown relationship page: %v %v", resp, err)
	}
}

// TestGDAPApprovalPageInChromium approves in a real headless browser.
func TestGDAPApprovalPageInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	id := e.lockedGDAP("fabrikam.onmicrosoft.com")
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second) // a bound, not a synchronisation
	defer cancelTimeout()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.urls.GDAPApproval+id),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "admin@fabrikam.onmicrosoft.com"),
		chromedp.SendKeys(chromedp.ID("password"), "Fabrikam-Admin-1"),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.ID("otp")), // an MFA account: the second factor
		chromedp.SendKeys(chromedp.ID("otp"), sandbox.MFADemoCode),
		chromedp.Click(chromedp.ID("verify")),
		chromedp.WaitVisible(chromedp.CSS(".ok")),
	); err != nil {
		t.Fatalf("approve in the browser: %v", err)
	}
	if got := e.gdapStatus(id); got != msapi.GDAPActive {
		t.Fatalf("status after approving in the browser = %s", got)
	}
}

// TestAppOnlyCustomerTokenRefusedWithGDAP: with EnforceGDAP a reseller
// relationship gives the partner's app no consent in the customer's tenant.
func TestAppOnlyCustomerTokenRefusedWithGDAP(t *testing.T) {
	e := newEnv(t, sandbox.Options{EnforceGDAP: true})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	status, _, bad := e.tokenReq("contoso.onmicrosoft.com", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e.cred.ClientID},
		"client_secret": {e.cred.ClientSecret}, "scope": {wire.ScopeGraph},
	})
	if status != http.StatusBadRequest || len(bad.ErrorCodes) != 1 || bad.ErrorCodes[0] != wire.AADSTSNoConsent {
		t.Fatalf("app-only token of a customer tenant: %d %+v", status, bad)
	}
}
