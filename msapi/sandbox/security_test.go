package sandbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
)

// wantPageHeaders are the headers every sandbox web page must send: no
// scripts, forms only to itself, never framed, never cached, no referrer
// leaking the invitation link.
var wantPageHeaders = map[string][]string{
	"Content-Security-Policy": {"default-src 'none'", "style-src 'unsafe-inline'", "form-action 'self'", "frame-ancestors 'none'"},
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"no-referrer"},
	"Cache-Control":           {"no-store"},
}

func checkPageHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	for name, parts := range wantPageHeaders {
		for _, p := range parts {
			if !strings.Contains(h.Get(name), p) {
				t.Errorf("%s: %s = %q, want it to contain %q", what, name, h.Get(name), p)
			}
		}
	}
}

func TestInvitationPageSecurityHeaders(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{NorthwindUsers: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	valid := srv.URL + "/invite/partner-invitation?invType=ResellerRelationship&partnerId=" + sandbox.PartnerTenantID
	for _, c := range []struct {
		what, method, url string
	}{
		{"the invitation", http.MethodGet, valid},
		{"an invalid link", http.MethodGet, srv.URL + "/invite/partner-invitation?partnerId=someone-else"},
		{"a post without CSRF token", http.MethodPost, valid},
	} {
		req, _ := http.NewRequest(c.method, c.url, strings.NewReader(url.Values{"login": {"admin@contoso.onmicrosoft.com"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		checkPageHeaders(t, c.what, resp.Header)
	}
}

// TestRelationshipRequestURLHoldsNoSecret: the link a customer opens (and
// may show as a QR code on a kiosk) names the partner, never a credential.
func TestRelationshipRequestURLHoldsNoSecret(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{NorthwindUsers: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	u, cr := sb.URLs(srv.URL), sb.Credentials()
	c, err := partnercenter.New(partnercenter.Config{PartnerCenterURL: u.PartnerCenter, GraphURL: u.Graph, LoginURL: u.Login,
		PartnerTenantID: cr.PartnerTenantID, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RefreshToken: cr.RefreshToken, PublicClientID: cr.PublicClientID})
	if err != nil {
		t.Fatal(err)
	}
	link, err := c.InvitationURL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecretInURL(t, link, cr.ClientSecret, cr.RefreshToken)
}

func assertNoSecretInURL(t *testing.T, link string, secrets ...string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("%q: %v", link, err)
	}
	for _, s := range secrets {
		if strings.Contains(link, s) || strings.Contains(link, url.QueryEscape(s)) {
			t.Errorf("%s holds a credential", link)
		}
	}
	if u.User != nil {
		t.Errorf("%s carries user info", link)
	}
	for key := range u.Query() {
		k := strings.ToLower(key)
		for _, bad := range []string{"token", "secret", "password", "key", "code", "session"} {
			if strings.Contains(k, bad) {
				t.Errorf("%s has a %q parameter", link, key)
			}
		}
	}
}

// TestInvitationFetchMetadata: with Referrer-Policy no-referrer a browser
// sends Origin "null", so the form is judged by Sec-Fetch-Site.
func TestInvitationFetchMetadata(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	b := newBrowser(t)
	inv := e.urls.Invite + "/partner-invitation?invType=ResellerRelationship&partnerId=" + sandbox.PartnerTenantID
	csrf := b.open(inv)
	form := url.Values{"csrf": {csrf}, "login": {"admin@contoso.onmicrosoft.com"}, "password": {"Contoso-Admin-1"}}
	for _, site := range []string{"cross-site", "same-site"} {
		if status, _ := b.submit(inv, form, map[string]string{"Sec-Fetch-Site": site, "Origin": "null"}); status != http.StatusForbidden {
			t.Errorf("Sec-Fetch-Site %s: %d, want 403", site, status)
		}
	}
	if status, page := b.submit(inv, form, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "null"}); status != http.StatusOK {
		t.Fatalf("same-origin post with Origin null: %d\n%s", status, page)
	}
}
