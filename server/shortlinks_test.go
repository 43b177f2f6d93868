package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/sandbox"
	"onboard/server"
)

// shortLinkWorld is the production wiring with GDAP and a public_url, an
// order awaiting the approval, and the short link handler served over
// HTTP as onboard serve mounts it.
func shortLinkWorld(t *testing.T) (svc *flow.Service, g flow.GDAP, base string, now *time.Time) {
	t.Helper()
	m := testworld.NewMicrosoft(t, sandbox.Options{NorthwindUsers: 10, EnforceGDAP: true})
	svc, db := m.Service(t, "")
	at := time.Now()
	svc.Now = func() time.Time { return at }
	svc.GDAP = testworld.GDAPSettings()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	mux := http.NewServeMux()
	mux.Handle(server.ShortLinkPath, server.ShortLinkHandler(svc, "de", nil))
	srv.Config.Handler = mux
	svc.PublicURL, svc.ShortLinks = srv.URL, db
	ctx := context.Background()
	a := testworld.Answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10)
	o, err := m.Consent(ctx, svc, a, "Fabrikam-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	if g, err = svc.GDAPStatus(ctx, o.ID); err != nil || g.Short == "" {
		t.Fatalf("GDAP: %+v, %v", g, err)
	}
	return svc, g, srv.URL, &at
}

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, c *http.Client, url, lang string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// TestShortLinkRedirects: the short link redirects to the approval link,
// and followed, reaches the (sandbox) admin center's approval page.
func TestShortLinkRedirects(t *testing.T) {
	_, g, _, _ := shortLinkWorld(t)
	res, _ := get(t, noFollow, g.Short, "")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != g.URL {
		t.Fatalf("%s: %d to %q, want 303 to %q", g.Short, res.StatusCode, res.Header.Get("Location"), g.URL)
	}
	if csp := res.Header.Get("Content-Security-Policy"); csp != "default-src 'none'" {
		t.Errorf("the redirect's Content-Security-Policy is %q", csp)
	}
	res, body := get(t, http.DefaultClient, g.Short, "")
	if res.StatusCode != http.StatusOK || res.Request.URL.String() != g.URL || !strings.Contains(strings.ToLower(body), "<form") {
		t.Fatalf("followed: %d at %s, want the approval page at %s:\n%.300s", res.StatusCode, res.Request.URL, g.URL, body)
	}
}

// TestShortLinkUnknownOrExpired: an unknown code and an expired one get
// the same page in the kiosk's language (or the phone's), with no redirect
// and nothing of the request echoed.
func TestShortLinkUnknownOrExpired(t *testing.T) {
	_, g, base, now := shortLinkWorld(t)
	res, unknown := get(t, noFollow, base+"/a/zzzzzzzzzz", "")
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Location") != "" || !strings.Contains(unknown, "nicht mehr gültig") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("unknown code: %d %v:\n%s", res.StatusCode, res.Header, unknown)
	}
	if res, body := get(t, noFollow, base+"/a/%3Cscript%3E", ""); res.StatusCode != http.StatusNotFound || strings.Contains(body, "<script>") {
		t.Fatalf("junk code: %d:\n%s", res.StatusCode, body)
	}
	*now = now.Add(flow.DefaultShortLinkTTL + time.Minute)
	res, expired := get(t, noFollow, g.Short, "")
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Location") != "" || expired != unknown {
		t.Fatalf("expired code: %d, page differs from an unknown code's:\n%s", res.StatusCode, expired)
	}
	if _, body := get(t, noFollow, g.Short, "fr-CH, fr;q=0.9, en;q=0.8"); !strings.Contains(body, `lang="fr"`) || !strings.Contains(body, "plus valide") {
		t.Fatalf("for a French phone:\n%s", body)
	}
}
