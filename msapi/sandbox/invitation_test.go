package sandbox_test

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

func TestCustomerSearchBeforeAndAfterAcceptance(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	tok := e.appOnlyToken()
	if got := e.searchCustomers(tok, "contoso"); len(got) != 0 {
		t.Fatalf("before acceptance: %d customers, want 0", len(got))
	}
	inv := e.inviteURL()
	b := newBrowser(t)
	csrf := b.open(inv)
	status, page := b.submit(inv, url.Values{"csrf": {csrf}, "login": {"admin@contoso.onmicrosoft.com"}, "password": {"Contoso-Admin-1"}}, nil)
	if status != http.StatusOK || !strings.Contains(page, "Invitation accepted") {
		t.Fatalf("accept: %d %s", status, page)
	}
	for _, prefix := range []string{"contoso", "CONTOSO.onmicrosoft", "contoso.co.uk"} {
		got := e.searchCustomers(tok, prefix)
		if len(got) != 1 || got[0].RelationshipToPartner != "reseller" || got[0].CompanyProfile.Domain != "contoso.onmicrosoft.com" {
			t.Fatalf("search %q after acceptance = %+v", prefix, got)
		}
	}
	if got := e.searchCustomers(tok, "fabrikam"); len(got) != 0 {
		t.Fatalf("fabrikam found without relationship: %+v", got)
	}
	id := e.searchCustomers(tok, "contoso")[0].ID
	var c wire.Customer
	if status, body, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id, tok, nil, nil, &c); status != http.StatusOK || c.ID != id {
		t.Fatalf("get customer = %d %s", status, body)
	}
	status, body, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/00000000-0000-0000-0000-000000000001", tok, nil, nil, nil)
	if status != http.StatusNotFound || pcErrorCode(t, body) != wire.CodeCustomerNotFound {
		t.Fatalf("unknown customer = %d %s", status, body)
	}
}

func TestSearchRejectsBadFilter(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, f := range []string{"", "not json", `{"Field":"Name","Value":"x","Operator":"starts_with"}`, `{"Field":"Domain","Value":"x","Operator":"equals"}`} {
		status, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers?size=0&filter="+url.QueryEscape(f), e.appOnlyToken(), nil, nil, nil)
		if status != http.StatusBadRequest || pcErrorCode(t, b) != wire.CodeInvalidInput {
			t.Errorf("filter %q = %d %s", f, status, b)
		}
	}
}

func TestDomainExists(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	tok := e.appOnlyToken()
	for dom, want := range map[string]int{
		"contoso.onmicrosoft.com":       http.StatusOK,
		"Fabrikam.com":                  http.StatusOK,
		"branch10.northwindtraders.com": http.StatusOK,
		"freshname.onmicrosoft.com":     http.StatusNotFound,
	} {
		status, b, _ := e.call("HEAD", e.urls.PartnerCenter+"/v1/domains/"+dom, tok, nil, nil, nil)
		if status != want || len(b) != 0 {
			t.Errorf("HEAD %s = %d (%d bytes), want %d", dom, status, len(b), want)
		}
	}
}

func TestInvitationPageOutcomes(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	inv := e.inviteURL()
	b := newBrowser(t)
	csrf := b.open(inv)
	form := func(login, password string) url.Values {
		return url.Values{"csrf": {csrf}, "login": {login}, "password": {password}}
	}
	steps := []struct {
		name     string
		form     url.Values
		hdr      map[string]string
		status   int
		contains string
	}{
		{"no csrf token", url.Values{"login": {"admin@contoso.onmicrosoft.com"}, "password": {"Contoso-Admin-1"}}, nil, http.StatusForbidden, "expired"},
		{"forged csrf token", url.Values{"csrf": {"AAAA"}, "login": {"admin@contoso.onmicrosoft.com"}, "password": {"Contoso-Admin-1"}}, nil, http.StatusForbidden, "expired"},
		{"foreign origin", form("admin@contoso.onmicrosoft.com", "Contoso-Admin-1"), map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden, "expired"},
		{"wrong password", form("admin@contoso.onmicrosoft.com", "Guess-Pass-77"), nil, http.StatusUnauthorized, "account or password is incorrect"},
		{"unknown user", form("ghost@contoso.onmicrosoft.com", "Guess-Pass-77"), nil, http.StatusUnauthorized, "account or password is incorrect"},
		{"not an admin", form("megan@contoso.onmicrosoft.com", "Contoso-User-1"), nil, http.StatusForbidden, "is not a Global administrator"},
		{"mfa admin: the second factor is asked", form("mfa.admin@contoso.com", "Contoso-Mfa-1"), map[string]string{"Origin": e.srv.URL}, http.StatusOK, "Verify your identity"},
		{"mfa without the password step", mfaForm(csrf, "mfa.admin@contoso.com", "forged", sandbox.MFADemoCode), nil, http.StatusUnauthorized, "account or password is incorrect"},
	}
	proof := ""
	for _, s := range steps {
		status, page := b.submit(inv, s.form, s.hdr)
		if status != s.status || !strings.Contains(page, s.contains) {
			t.Errorf("%s: %d, want %d containing %q:\n%s", s.name, status, s.status, s.contains, page)
		}
		if pw := s.form.Get("password"); pw != "" && strings.Contains(page, pw) {
			t.Errorf("%s: page echoes the password", s.name)
		}
		if m := proofRE.FindStringSubmatch(page); m != nil {
			proof = m[1]
		}
	}
	if proof == "" {
		t.Fatal("the second factor's step carries no proof of the password step")
	}
	for _, s := range []struct {
		name, code string
		status     int
		contains   string
	}{
		{"wrong code", "000000", http.StatusUnauthorized, "code didn't work"},
		{"mfa admin accepts", sandbox.MFADemoCode, http.StatusOK, "Invitation accepted"},
	} {
		if status, page := b.submit(inv, mfaForm(csrf, "mfa.admin@contoso.com", proof, s.code), nil); status != s.status || !strings.Contains(page, s.contains) {
			t.Errorf("%s: %d, want %d containing %q:\n%s", s.name, status, s.status, s.contains, page)
		}
	}
	if status, page := b.submit(inv, form("admin@contoso.onmicrosoft.com", "Contoso-Admin-1"), nil); status != http.StatusConflict || !strings.Contains(page, "already accepted") {
		t.Errorf("again: %d:\n%s", status, page)
	}
	// Without the cookie the form token is worthless.
	status, _ := newBrowser(t).submit(inv, form("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"), nil)
	if status != http.StatusForbidden {
		t.Errorf("token without its cookie = %d, want 403", status)
	}
	if got := e.searchCustomers(e.appOnlyToken(), "fabrikam"); len(got) != 0 {
		t.Errorf("fabrikam linked by a cross-site post")
	}
}

func TestInvitationPageEscapesInput(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	inv := e.inviteURL()
	b := newBrowser(t)
	csrf := b.open(inv)
	_, page := b.submit(inv, url.Values{"csrf": {csrf}, "login": {`<script>alert(1)</script>@contoso.onmicrosoft.com`}, "password": {"x"}}, nil)
	if strings.Contains(page, "<script>") {
		t.Fatal("login drawn unescaped")
	}
	resp, err := http.Get(e.srv.URL + "/invite/partner-invitation?invType=ResellerRelationship&partnerId=someone-else")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("foreign partner invitation = %d, want 404", resp.StatusCode)
	}
}

func TestAcceptInvitationErrors(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	if err := e.sb.AcceptInvitation("alex@fabrikam.onmicrosoft.com", "Fabrikam-User-1"); !errors.Is(err, sandbox.ErrNotGlobalAdmin) {
		t.Errorf("non-admin: %v", err)
	}
	if err := e.sb.AcceptInvitation("admin@fabrikam.onmicrosoft.com", "nope"); !errors.Is(err, sandbox.ErrInvalidCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	if err := e.sb.AcceptInvitation("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); !errors.Is(err, sandbox.ErrAlreadyAccepted) {
		t.Errorf("second acceptance: %v", err)
	}
}

func TestIndexPage(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	resp, err := http.Get(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestInvitationLinkIsShort: the relationship request URL is a short link,
// so its QR code fits beside the text at 80x24, and it leads to the page.
func TestInvitationLinkIsShort(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var rr wire.RelationshipRequest
	if status, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", e.appUserToken(), nil, nil, &rr); status != http.StatusOK {
		t.Fatalf("relationshiprequests: %d %s", status, b)
	}
	if path := strings.TrimPrefix(rr.URL, e.srv.URL); len(path) > 16 || path == rr.URL {
		t.Fatalf("invitation link %q is not a short link on the sandbox", rr.URL)
	}
	if page := e.followShortLink(rr.URL); !strings.Contains(page, "/invite/partner-invitation?invType=ResellerRelationship") {
		t.Fatalf("short link leads to %q", page)
	}
	resp, err := http.Get(e.srv.URL + "/i/00000000")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another partner's short link: %d", resp.StatusCode)
	}
}

var proofRE = regexp.MustCompile(`name="proof" value="([^"]+)"`)

// mfaForm is the admin center's second step: the code, with the proof that
// the password step passed.
func mfaForm(csrf, login, proof, code string) url.Values {
	return url.Values{"csrf": {csrf}, "login": {login}, "proof": {proof}, "step": {"mfa"}, "otp": {code}}
}
