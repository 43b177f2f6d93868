package sandbox_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

const loopback = "http://127.0.0.1:53682/callback"

// authorizeURL is the authorize request of the wizard's PKCE sign-in.
func (e *env) authorizeURL(tenant, verifier, hint string) string {
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"client_id": {e.cred.PublicClientID}, "response_type": {"code"}, "redirect_uri": {loopback},
		"scope": {"openid profile " + wire.ScopeGraph}, "state": {"st-1"}, "login_hint": {hint},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	return e.urls.Login + "/" + tenant + "/oauth2/v2.0/authorize?" + q.Encode()
}

var reqField = regexp.MustCompile(`name="req" value="([^"]+)"`)

// authorizePage is a browser on the authorize page that does not follow
// the redirect to the loopback address (nothing listens there).
type authorizePage struct {
	t          *testing.T
	c          *http.Client
	page       string
	csrf, req  string
	body       string
	statusCode int
}

func openAuthorize(t *testing.T, link string) *authorizePage {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	p := &authorizePage{t: t, c: c, page: strings.SplitN(link, "?", 2)[0], body: string(b), statusCode: resp.StatusCode}
	if m := csrfField.FindStringSubmatch(p.body); m != nil {
		p.csrf = m[1]
	}
	if m := reqField.FindStringSubmatch(p.body); m != nil {
		p.req = m[1]
	}
	return p
}

// post sends the form; a redirect's Location is returned as loc.
func (p *authorizePage) post(v url.Values) (status int, body, loc string) {
	p.t.Helper()
	if v.Get("csrf") == "" {
		v.Set("csrf", p.csrf)
	}
	v.Set("req", p.req)
	resp, err := p.c.PostForm(p.page, v)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func (e *env) redeemCode(code, verifier string) (int, wire.TokenResponse, wire.TokenError) {
	return e.tokenReq("organizations", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.cred.PublicClientID},
		"code": {code}, "redirect_uri": {loopback}, "code_verifier": {verifier}, "scope": {"openid " + wire.ScopeGraph}})
}

func TestAuthorizeWithPKCE(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-onboard"
	const mfa = "admin@fabrikam.onmicrosoft.com"
	p := openAuthorize(t, e.authorizeURL("fabrikam.onmicrosoft.com", verifier, mfa))
	if p.statusCode != http.StatusOK || !strings.Contains(p.body, `value="`+mfa+`"`) {
		t.Fatalf("login_hint not pre-filled: %d\n%s", p.statusCode, p.body)
	}
	if st, _, _ := p.post(url.Values{"csrf": {"forged"}, "step": {"password"}, "login": {mfa}, "password": {"Fabrikam-Admin-1"}}); st != http.StatusForbidden {
		t.Fatalf("forged csrf: %d", st)
	}
	if st, _, _ := p.post(url.Values{"step": {"password"}, "login": {"admin@contoso.onmicrosoft.com"}, "password": {"Contoso-Admin-1"}}); st != http.StatusUnauthorized {
		t.Fatalf("a user of another tenant: %d", st)
	}
	st, body, _ := p.post(url.Values{"step": {"password"}, "login": {mfa}, "password": {"Fabrikam-Admin-1"}})
	m := proofField.FindStringSubmatch(body)
	if st != http.StatusOK || m == nil {
		t.Fatalf("no second factor asked: %d %s", st, body)
	}
	if st, _, _ := p.post(url.Values{"step": {"mfa"}, "login": {mfa}, "proof": {"forged"}, "otp": {sandbox.MFADemoCode}}); st != http.StatusForbidden {
		t.Fatalf("skipped password step: %d", st)
	}
	st, _, loc := p.post(url.Values{"step": {"mfa"}, "login": {mfa}, "proof": {m[1]}, "otp": {sandbox.MFADemoCode}})
	u, err := url.Parse(loc)
	if st != http.StatusFound || err != nil || !strings.HasPrefix(loc, loopback+"?") || u.Query().Get("state") != "st-1" || u.Query().Get("code") == "" {
		t.Fatalf("redirect: %d %q", st, loc)
	}
	code := u.Query().Get("code")
	if st, _, bad := e.redeemCode(code, verifier+"x"); st != http.StatusBadRequest || bad.Error != "invalid_grant" || !hasCode(bad, 501481) {
		t.Fatalf("wrong verifier: %d %+v", st, bad)
	}
	// A failed redemption spends the code; sign in again.
	p = openAuthorize(t, e.authorizeURL("organizations", verifier, ""))
	_, _, loc = p.post(url.Values{"step": {"password"}, "login": {"admin@contoso.onmicrosoft.com"}, "password": {"Contoso-Admin-1"}})
	u, _ = url.Parse(loc)
	code = u.Query().Get("code")
	st, ok, bad := e.redeemCode(code, verifier)
	if st != http.StatusOK || ok.AccessToken == "" || ok.IDToken == "" {
		t.Fatalf("redeem: %d %+v", st, bad)
	}
	if st, _, bad := e.redeemCode(code, verifier); st != http.StatusBadRequest || !hasCode(bad, 54005) {
		t.Fatalf("reused code: %d %+v", st, bad)
	}
	if st, _, bad := e.redeemCode("made-up", verifier); st != http.StatusBadRequest || !hasCode(bad, 70008) {
		t.Fatalf("unknown code: %d %+v", st, bad)
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	link := e.authorizeURL("contoso.onmicrosoft.com", strings.Repeat("v", 43), "")
	if p := openAuthorize(t, strings.Replace(link, url.QueryEscape(loopback), url.QueryEscape("https://evil.example/cb"), 1)); p.statusCode != http.StatusBadRequest || !strings.Contains(p.body, "AADSTS50011") {
		t.Fatalf("foreign redirect_uri: %d", p.statusCode)
	}
	if p := openAuthorize(t, strings.Replace(link, e.cred.PublicClientID, "00000000-0000-0000-0000-000000000000", 1)); p.statusCode != http.StatusBadRequest || !strings.Contains(p.body, "AADSTS700016") {
		t.Fatalf("unknown client: %d", p.statusCode)
	}
	p := openAuthorize(t, link)
	_, _, loc := p.post(url.Values{"action": {"cancel"}})
	if u, _ := url.Parse(loc); u == nil || u.Query().Get("error") != "access_denied" || u.Query().Get("state") != "st-1" {
		t.Fatalf("cancel: %q", loc)
	}
}

func hasCode(e wire.TokenError, code int) bool {
	for _, c := range e.ErrorCodes {
		if c == code {
			return true
		}
	}
	return false
}

// The device sign-in page pre-fills the login the wizard sent as login_hint.
func TestDeviceSignInPagePrefillsLoginHint(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	d := e.deviceCode("contoso.onmicrosoft.com")
	b := newBrowser(t)
	csrf := b.open(e.srv.URL + "/devicelogin")
	st, p := b.submit(e.srv.URL+"/devicelogin", url.Values{"csrf": {csrf}, "step": {"code"}, "code": {d.UserCode}}, nil)
	if st != http.StatusOK || !strings.Contains(p, `value="x@contoso.onmicrosoft.com"`) {
		t.Fatalf("login not pre-filled: %d\n%s", st, p)
	}
}

// A tenant where onboard's public client has no consent answers the
// password grant with AADSTS65001.
func TestPasswordGrantWithoutConsent(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	st, _, bad := e.tokenReq("organizations", url.Values{"grant_type": {"password"}, "client_id": {e.cred.PublicClientID},
		"username": {"admin@wingtiptoys.onmicrosoft.com"}, "password": {"Wingtip-Admin-1"}, "scope": {wire.ScopeGraph}})
	if st != http.StatusBadRequest || bad.Error != "invalid_grant" || !hasCode(bad, 65001) {
		t.Fatalf("password grant: %d %+v", st, bad)
	}
}
