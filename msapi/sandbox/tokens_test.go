package sandbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

func TestClientCredentialsPartnerCenter(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	tok := e.appOnlyToken()
	status, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", tok, nil, nil, nil)
	if status != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeAppUserRequired {
		t.Fatalf("app-only relationshiprequests = %d %s, want 403 code %d", status, b, wire.CodeAppUserRequired)
	}
	if got := e.searchCustomers(tok, "contoso"); len(got) != 0 {
		t.Fatalf("app-only search works but finds %d customers before any acceptance", len(got))
	}
}

func TestWrongClientSecret(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	status, _, bad := e.tokenReq(e.cred.PartnerTenantID, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e.cred.ClientID},
		"client_secret": {"nope"}, "scope": {wire.ScopePartnerCenter},
	})
	if status != http.StatusUnauthorized || bad.Error != "invalid_client" ||
		!strings.HasPrefix(bad.ErrorDescription, "AADSTS7000215:") || len(bad.ErrorCodes) != 1 || bad.ErrorCodes[0] != wire.AADSTSInvalidClient {
		t.Fatalf("wrong secret = %d %+v", status, bad)
	}
	if strings.Contains(bad.ErrorDescription, "nope") {
		t.Fatal("error echoes the secret")
	}
}

func TestClientSecretInBasicAuthAndV1Resource(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	req, _ := http.NewRequest("POST", e.urls.Login+"/"+e.cred.PartnerTenantID+"/oauth2/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}, "resource": {"https://api.partnercenter.microsoft.com"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(e.cred.ClientID), url.QueryEscape(e.cred.ClientSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("v1 token with basic auth = %d", resp.StatusCode)
	}
}

func TestRefreshTokenGivesAppUser(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	u := e.inviteURL()
	want := e.srv.URL + "/invite/partner-invitation?invType=ResellerRelationship&partnerId=" + e.cred.PartnerTenantID + "&msppId=0&DAP=true"
	if u != want {
		t.Fatalf("invitation url = %q, want %q", u, want)
	}
	status, _, bad := e.tokenReq(e.cred.PartnerTenantID, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {e.cred.ClientID}, "client_secret": {e.cred.ClientSecret},
		"refresh_token": {"stale"}, "scope": {wire.ScopePartnerCenter},
	})
	if status != http.StatusBadRequest || bad.Error != "invalid_grant" {
		t.Fatalf("bad refresh token = %d %+v", status, bad)
	}
}

func TestPasswordGrant(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	cases := []struct {
		login, password, tenant string
		code                    int // AADSTS code, 0 for success
	}{
		{"admin@contoso.onmicrosoft.com", "Contoso-Admin-1", "contoso.onmicrosoft.com", 0},
		{"ADMIN@contoso.onmicrosoft.com", "Contoso-Admin-1", "organizations", 0},
		{"admin@contoso.onmicrosoft.com", "Wrong-Pass-9", "contoso.onmicrosoft.com", wire.AADSTSInvalidPassword},
		{"nobody@contoso.onmicrosoft.com", "Nobody-Pass-9", "contoso.onmicrosoft.com", wire.AADSTSUserNotFound},
		{"mfa.admin@contoso.com", "Contoso-Mfa-1", "contoso.onmicrosoft.com", wire.AADSTSMFARequired},
		{"mfa.admin@contoso.com", "wrong", "contoso.onmicrosoft.com", wire.AADSTSInvalidPassword},
		{"admin@northwind.onmicrosoft.com", "Northwind-Admin-1", "northwind.onmicrosoft.com", 0},
	}
	for _, c := range cases {
		status, ok, bad := e.tokenReq(c.tenant, passwordForm(e, c.login, c.password))
		if c.code == 0 {
			if status != http.StatusOK || ok.AccessToken == "" || ok.ExpiresIn != 3600 {
				t.Errorf("%s: %d %+v", c.login, status, bad)
			}
			continue
		}
		prefix := "AADSTS" + strconv.Itoa(c.code) + ":"
		if status != http.StatusBadRequest || bad.Error != "invalid_grant" || !strings.HasPrefix(bad.ErrorDescription, prefix) ||
			len(bad.ErrorCodes) == 0 || bad.ErrorCodes[0] != c.code {
			t.Errorf("%s/%s: %d %+v, want invalid_grant %s", c.login, c.password, status, bad, prefix)
		}
		if strings.Contains(bad.ErrorDescription, c.password) {
			t.Errorf("%s: description echoes the password", c.login)
		}
	}
	_, _, bad := e.tokenReq("contoso.onmicrosoft.com", passwordForm(e, "admin@contoso.onmicrosoft.com", "wrong"))
	if !strings.HasPrefix(bad.ErrorDescription, "AADSTS50126: Error validating credentials due to invalid username or password.") {
		t.Errorf("50126 text = %q", bad.ErrorDescription)
	}
	_, _, bad = e.tokenReq("contoso.onmicrosoft.com", passwordForm(e, "mfa.admin@contoso.com", "Contoso-Mfa-1"))
	if !strings.HasPrefix(bad.ErrorDescription, "AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access") {
		t.Errorf("50076 text = %q", bad.ErrorDescription)
	}
}

func TestMemberOfShowsGlobalAdminRole(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for login, wantAdmin := range map[string]bool{
		"admin@contoso.onmicrosoft.com": true,
		"megan@contoso.onmicrosoft.com": false,
	} {
		password := map[bool]string{true: "Contoso-Admin-1", false: "Contoso-User-1"}[wantAdmin]
		tok := e.mustToken("contoso.onmicrosoft.com", passwordForm(e, login, password))
		var me wire.GraphUser
		if status, b, _ := e.call("GET", e.urls.Graph+"/me", tok, nil, nil, &me); status != http.StatusOK || !strings.EqualFold(me.UserPrincipalName, login) {
			t.Fatalf("/me for %s = %d %s", login, status, b)
		}
		var mo wire.GraphCollection[wire.DirectoryObject]
		if status, b, _ := e.call("GET", e.urls.Graph+"/me/memberOf", tok, nil, nil, &mo); status != http.StatusOK {
			t.Fatalf("memberOf = %d %s", status, b)
		}
		isAdmin := false
		for _, o := range mo.Value {
			if o.ODataType == "#microsoft.graph.directoryRole" && o.RoleTemplateID == msapi.GlobalAdminRoleTemplateID {
				isAdmin = true
			}
		}
		if isAdmin != wantAdmin {
			t.Errorf("%s: global admin in memberOf = %v, want %v (%+v)", login, isAdmin, wantAdmin, mo.Value)
		}
	}
}

func TestGraphTokenNeedsRelationship(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	form := url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e.cred.ClientID},
		"client_secret": {e.cred.ClientSecret}, "scope": {wire.ScopeGraph},
	}
	status, _, bad := e.tokenReq("fabrikam.onmicrosoft.com", form)
	if status != http.StatusBadRequest || bad.Error != "invalid_grant" || !strings.HasPrefix(bad.ErrorDescription, "AADSTS65001:") {
		t.Fatalf("graph token without relationship = %d %+v", status, bad)
	}
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	tok := e.graphAppToken("fabrikam.onmicrosoft.com")
	var orgs wire.GraphCollection[wire.Organization]
	if status, b, _ := e.call("GET", e.urls.Graph+"/organization", tok, nil, nil, &orgs); status != http.StatusOK || orgs.Value[0].DisplayName != "Fabrikam Inc" {
		t.Fatalf("organization = %d %s", status, b)
	}
	var doms wire.GraphCollection[wire.GraphDomain]
	e.call("GET", e.urls.Graph+"/domains", tok, nil, nil, &doms)
	if len(doms.Value) != 2 || !doms.Value[0].IsInitial || doms.Value[0].ID != "fabrikam.onmicrosoft.com" || !doms.Value[1].IsDefault {
		t.Fatalf("domains = %+v", doms.Value)
	}
}

func TestUnauthenticated(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	status, b, _ := e.call("GET", e.urls.Graph+"/users", "", nil, nil, nil)
	var ge wire.GraphError
	mustDecode(t, b, &ge)
	if status != http.StatusUnauthorized || ge.Error.Code != "InvalidAuthenticationToken" {
		t.Fatalf("graph without token = %d %s", status, b)
	}
	status, b, _ = e.call("GET", e.urls.PartnerCenter+"/v1/customers/relationshiprequests", "forged", nil, nil, nil)
	if status != http.StatusUnauthorized {
		t.Fatalf("pc with unknown token = %d %s", status, b)
	}
	// A Partner Center token is not a Graph token.
	status, _, _ = e.call("GET", e.urls.Graph+"/users", e.appOnlyToken(), nil, nil, nil)
	if status != http.StatusUnauthorized {
		t.Fatalf("graph with a PC token = %d", status)
	}
}
