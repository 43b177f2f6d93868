package sandbox_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

// deviceCode asks the devicecode endpoint as the public client.
func (e *env) deviceCode(tenant string) wire.DeviceCodeResponse {
	e.t.Helper()
	resp, err := http.PostForm(e.urls.Login+"/"+tenant+"/oauth2/v2.0/devicecode", url.Values{
		"client_id": {e.cred.PublicClientID}, "scope": {"openid profile " + wire.ScopeGraph}, "login_hint": {"x@" + tenant},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("devicecode: %d %s", resp.StatusCode, b)
	}
	var d wire.DeviceCodeResponse
	mustDecode(e.t, b, &d)
	if d.DeviceCode == "" || d.UserCode == "" || d.ExpiresIn != 900 || d.Interval <= 0 || !strings.Contains(d.Message, d.UserCode) {
		e.t.Fatalf("devicecode answer: %+v", d)
	}
	return d
}

func (e *env) redeem(d wire.DeviceCodeResponse) (int, wire.TokenResponse, wire.TokenError) {
	return e.tokenReq("contoso.onmicrosoft.com", url.Values{
		"grant_type": {sandbox.DeviceCodeGrant}, "client_id": {e.cred.PublicClientID}, "device_code": {d.DeviceCode},
	})
}

func TestDeviceCodeGrantErrors(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	d := e.deviceCode("contoso.onmicrosoft.com")
	if st, _, bad := e.redeem(d); st != http.StatusBadRequest || bad.Error != "authorization_pending" {
		t.Fatalf("pending: %d %+v", st, bad)
	}
	if err := e.sb.DeclineDeviceSignIn(d.UserCode); err != nil {
		t.Fatal(err)
	}
	if _, _, bad := e.redeem(d); bad.Error != "authorization_declined" {
		t.Fatalf("declined: %+v", bad)
	}
	if _, _, bad := e.redeem(d); bad.Error != "bad_verification_code" {
		t.Fatalf("redeemed twice: %+v", bad)
	}
	d = e.deviceCode("contoso.com") // a verified domain names the tenant too
	if err := e.sb.ApproveDeviceSignIn(d.UserCode, "admin@contoso.onmicrosoft.com", "Contoso-Admin-1", ""); err != nil {
		t.Fatal(err)
	}
	st, ok, bad := e.redeem(d)
	if st != http.StatusOK || ok.AccessToken == "" || ok.IDToken == "" {
		t.Fatalf("approved: %d %+v %+v", st, ok, bad)
	}
	parts := strings.Split(ok.IDToken, ".")
	body, _ := base64RawURL(parts[1])
	var claims struct{ Tid, PreferredUsername string }
	var raw map[string]any
	_ = json.Unmarshal(body, &raw)
	claims.Tid, _ = raw["tid"].(string)
	claims.PreferredUsername, _ = raw["preferred_username"].(string)
	if claims.Tid == "" || claims.PreferredUsername != "admin@contoso.onmicrosoft.com" {
		t.Fatalf("id token claims: %s", body)
	}
	// Unknown public client and tenant.
	resp, _ := http.PostForm(e.urls.Login+"/nowhere.example/oauth2/v2.0/devicecode", url.Values{"client_id": {e.cred.PublicClientID}, "scope": {wire.ScopeGraph}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown tenant: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

var proofField = regexp.MustCompile(`name="proof" value="([^"]+)"`)

// The sign-in page: CSRF-safe, code then password then the second factor.
func TestDeviceSignInPage(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	d := e.deviceCode("contoso.onmicrosoft.com")
	page := e.srv.URL + "/devicelogin"
	b := newBrowser(t)
	csrf := b.open(page)
	post := func(v url.Values, hdr map[string]string) (int, string) {
		if v.Get("csrf") == "" {
			v.Set("csrf", csrf)
		}
		return b.submit(page, v, hdr)
	}
	const mfa = "mfa.admin@contoso.com"
	if st, _ := b.submit(page, url.Values{"step": {"code"}, "code": {d.UserCode}}, nil); st != http.StatusForbidden {
		t.Fatalf("without csrf: %d", st)
	}
	if st, _ := post(url.Values{"step": {"code"}, "code": {d.UserCode}}, map[string]string{"Origin": "https://evil.example"}); st != http.StatusForbidden {
		t.Fatalf("foreign origin: %d", st)
	}
	if st, p := post(url.Values{"step": {"code"}, "code": {"WRONGCODE"}}, nil); st != http.StatusUnauthorized || !strings.Contains(p, "wrong or has expired") {
		t.Fatalf("wrong code: %d", st)
	}
	if st, p := post(url.Values{"step": {"code"}, "code": {strings.ToLower(d.UserCode)}}, nil); st != http.StatusOK || !strings.Contains(p, `name="password"`) {
		t.Fatalf("code: %d %s", st, p)
	}
	if st, p := post(url.Values{"step": {"password"}, "code": {d.UserCode}, "login": {mfa}, "password": {"nope"}}, nil); st != http.StatusUnauthorized || strings.Contains(p, "nope") {
		t.Fatalf("wrong password: %d", st)
	}
	if st, p := post(url.Values{"step": {"password"}, "code": {d.UserCode}, "login": {"admin@fabrikam.onmicrosoft.com"}, "password": {"Fabrikam-Admin-1"}}, nil); st != http.StatusUnauthorized || !strings.Contains(p, "another organization") {
		t.Fatalf("other tenant: %d", st)
	}
	st, p := post(url.Values{"step": {"password"}, "code": {d.UserCode}, "login": {mfa}, "password": {"Contoso-Mfa-1"}}, nil)
	m := proofField.FindStringSubmatch(p)
	if st != http.StatusOK || m == nil {
		t.Fatalf("MFA account: no second factor asked: %d %s", st, p)
	}
	if st, _ := post(url.Values{"step": {"mfa"}, "code": {d.UserCode}, "login": {mfa}, "proof": {"forged"}, "otp": {sandbox.MFADemoCode}}, nil); st != http.StatusForbidden {
		t.Fatalf("forged proof: %d", st)
	}
	if st, _ := post(url.Values{"step": {"mfa"}, "code": {d.UserCode}, "login": {mfa}, "proof": {m[1]}, "otp": {"000000"}}, nil); st != http.StatusUnauthorized {
		t.Fatalf("wrong second factor: %d", st)
	}
	if st, _, _ := e.redeem(d); st != http.StatusBadRequest {
		t.Fatal("redeemable before the second factor")
	}
	if st, p := post(url.Values{"step": {"mfa"}, "code": {d.UserCode}, "login": {mfa}, "proof": {m[1]}, "otp": {sandbox.MFADemoCode}}, nil); st != http.StatusOK || !strings.Contains(p, "signed in") {
		t.Fatalf("second factor: %d %s", st, p)
	}
	if st, ok, _ := e.redeem(d); st != http.StatusOK || ok.AccessToken == "" {
		t.Fatalf("after the page: %d", st)
	}
}

func base64RawURL(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
