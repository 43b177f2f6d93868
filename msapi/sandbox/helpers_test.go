package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"onboard/msapi/partnercenter"
	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

type env struct {
	t    testing.TB
	sb   *sandbox.Sandbox
	srv  *httptest.Server
	urls sandbox.URLs
	cred sandbox.Credentials
}

func newEnv(t testing.TB, opts sandbox.Options) *env {
	t.Helper()
	if opts.NorthwindUsers == 0 {
		opts.NorthwindUsers = 1000
	}
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return &env{t: t, sb: sb, srv: srv, urls: sb.URLs(srv.URL), cred: sb.Credentials()}
}

// tokenReq posts a token request and returns the status and decoded body.
func (e *env) tokenReq(tenant string, form url.Values) (int, wire.TokenResponse, wire.TokenError) {
	e.t.Helper()
	resp, err := http.PostForm(e.urls.Login+"/"+tenant+"/oauth2/v2.0/token", form)
	if err != nil {
		e.t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var ok wire.TokenResponse
	var bad wire.TokenError
	if resp.StatusCode == http.StatusOK {
		mustDecode(e.t, b, &ok)
	} else {
		mustDecode(e.t, b, &bad)
	}
	return resp.StatusCode, ok, bad
}

func (e *env) appOnlyToken() string {
	return e.mustToken(e.cred.PartnerTenantID, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e.cred.ClientID},
		"client_secret": {e.cred.ClientSecret}, "scope": {wire.ScopePartnerCenter},
	})
}

func (e *env) appUserToken() string {
	return e.mustToken(e.cred.PartnerTenantID, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {e.cred.ClientID},
		"client_secret": {e.cred.ClientSecret}, "refresh_token": {e.cred.RefreshToken},
		"scope": {wire.ScopePartnerCenter},
	})
}

func (e *env) graphAppToken(tenant string) string {
	return e.mustToken(tenant, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e.cred.ClientID},
		"client_secret": {e.cred.ClientSecret}, "scope": {wire.ScopeGraph},
	})
}

func passwordForm(e *env, login, password string) url.Values {
	return url.Values{
		"grant_type": {"password"}, "client_id": {e.cred.PublicClientID},
		"username": {login}, "password": {password}, "scope": {wire.ScopeGraph},
	}
}

func (e *env) mustToken(tenant string, form url.Values) string {
	e.t.Helper()
	status, ok, bad := e.tokenReq(tenant, form)
	if status != http.StatusOK {
		e.t.Fatalf("token for %s: %d %+v", tenant, status, bad)
	}
	return ok.AccessToken
}

// call makes an API request and decodes a 2xx JSON body into out.
func (e *env) call(method, rawURL, tok string, body any, hdr map[string]string, out any) (int, []byte, http.Header) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode/100 == 2 {
		mustDecode(e.t, b, out)
	}
	return resp.StatusCode, b, resp.Header
}

func mustDecode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func pcErrorCode(t *testing.T, b []byte) float64 {
	t.Helper()
	var e wire.Error
	mustDecode(t, b, &e)
	n, _ := e.Code.(float64)
	// Every refusal the sandbox makes carries a code the client's table
	// documents (msapi/partnercenter/errors.go), never an invented one.
	if _, _, ok := partnercenter.Describe(strconv.Itoa(int(n))); !ok {
		t.Errorf("sandbox answered undocumented code %v: %s", e.Code, b)
	}
	return n
}

func (e *env) searchCustomers(tok, prefix string) []wire.Customer {
	e.t.Helper()
	f, _ := json.Marshal(wire.CustomerFilter{Field: "Domain", Value: prefix, Operator: "starts_with"})
	var c wire.Collection[wire.Customer]
	status, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers?size=0&filter="+url.QueryEscape(string(f)), tok, nil, nil, &c)
	if status != http.StatusOK {
		e.t.Fatalf("search %q: %d %s", prefix, status, b)
	}
	return c.Items
}

// browser is a cookie-keeping HTTP client for the invitation page.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// open GETs the invitation page and returns the form's CSRF token.
func (b *browser) open(inviteURL string) string {
	b.t.Helper()
	resp, err := b.c.Get(inviteURL)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET invitation: %d", resp.StatusCode)
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		b.t.Fatalf("no csrf field in %s", body)
	}
	return string(m[1])
}

func (b *browser) submit(inviteURL string, form url.Values, hdr map[string]string) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", inviteURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// inviteURL asks Partner Center for the relationship request URL.
func (e *env) inviteURL() string {
	e.t.Helper()
	var rr wire.RelationshipRequest
	status, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", e.appUserToken(), nil, nil, &rr)
	if status != http.StatusOK {
		e.t.Fatalf("relationshiprequests: %d %s", status, b)
	}
	return e.followShortLink(rr.URL)
}

// followShortLink resolves the short invitation link to the page it
// redirects to, so tests can post the form there.
func (e *env) followShortLink(link string) string {
	e.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(link)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("short link %s: %d, want a 303 redirect", link, resp.StatusCode)
	}
	loc, err := resp.Location()
	if err != nil {
		e.t.Fatal(err)
	}
	return loc.String()
}

// accept links a tenant directly (as the invitation page would).
func (e *env) accept(login, password string) {
	e.t.Helper()
	if err := e.sb.AcceptInvitation(login, password); err != nil {
		e.t.Fatalf("accept %s: %v", login, err)
	}
}

// agree attests the customer's acceptance of the Microsoft Customer
// Agreement, which purchases need.
func (e *env) agree(tenantID string) {
	e.t.Helper()
	body := wire.CustomerAgreement{
		PrimaryContact: wire.AgreementContact{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", PhoneNumber: "+442079460958"},
		TemplateID:     sandbox.MCATemplateID, DateAgreed: "2026-01-05T00:00:00Z", Type: wire.AgreementTypeMCA,
	}
	if status, b, _ := e.call("POST", e.urls.PartnerCenter+"/v1/customers/"+tenantID+"/agreements", e.appUserToken(), body, nil, nil); status != http.StatusCreated {
		e.t.Fatalf("agreement for %s: %d %s", tenantID, status, b)
	}
}
