package flow_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi"
	"onboard/msapi/sandbox"
)

var (
	formField  = regexp.MustCompile(`name="(csrf|req|proof)" value="([^"]+)"`)
	loginValue = regexp.MustCompile(`id="login" name="login" value="([^"]*)"`)
)

// browserSignIn does in a browser what the administrator does on the
// authorize page: login (pre-filled from the hint), password, second
// factor; the page then redirects to the client's loopback listener.
func browserSignIn(t *testing.T, link, password, otp string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	page0 := strings.SplitN(link, "?", 2)[0]
	login := loginValue.FindStringSubmatch(page)
	if login == nil || login[1] == "" {
		t.Fatalf("login not pre-filled:\n%s", page)
	}
	post := func(v url.Values) string {
		for _, m := range formField.FindAllStringSubmatch(page, -1) {
			v.Set(m[1], m[2])
		}
		resp, err := c.PostForm(page0, v)
		if err != nil {
			t.Fatal(err)
		}
		page = readAll(t, resp)
		return page
	}
	post(url.Values{"step": {"password"}, "login": {login[1]}, "password": {password}})
	if otp != "" {
		post(url.Values{"step": {"mfa"}, "login": {login[1]}, "otp": {otp}})
	}
	return page
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBrowserSignInWithPKCE: with admin_sign_in = browser the flow gives
// the authorize link (PKCE, loopback redirect, login hint); after the
// sign-in there the loopback listener redeems the code and the check finds
// the Global administrator and its tenant.
func TestBrowserSignInWithPKCE(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	w.svc.AdminSignIn = flow.SignInBrowser
	ctx := context.Background()
	in, err := w.svc.StartAdminSignIn(ctx, mfaAdmin)
	if err != nil || !in.Browser || in.UserCode != "" {
		t.Fatalf("start: %+v %v", in, err)
	}
	u, _ := url.Parse(in.URL)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("login_hint") != mfaAdmin ||
		!strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") || q.Get("state") == "" {
		t.Fatalf("authorize link: %s", in.URL)
	}
	if _, done, err := w.svc.CheckAdminSignIn(ctx, in.ID); done || err != nil {
		t.Fatalf("before the page: done=%v %v", done, err)
	}
	// A redirect with another state does not end the sign-in.
	if resp, err := http.Get(q.Get("redirect_uri") + "?code=x&state=forged"); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged state: %v %v", resp, err)
	}
	if page := browserSignIn(t, in.URL, mfaPass, sandbox.MFADemoCode); !strings.Contains(page, "signed in") {
		t.Fatalf("after the page:\n%s", page)
	}
	adm, done, err := w.svc.CheckAdminSignIn(ctx, in.ID)
	if err != nil || !done || !strings.EqualFold(adm.UPN, mfaAdmin) || adm.TenantID == "" {
		t.Fatalf("check: %+v done=%v %v", adm, done, err)
	}
}

// TestBrowserSignInCancelled: cancelling on the page ends the sign-in as
// declined.
func TestBrowserSignInCancelled(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	w.svc.AdminSignIn = flow.SignInBrowser
	ctx := context.Background()
	in, err := w.svc.StartAdminSignIn(ctx, mfaAdmin)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(in.URL)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	v := url.Values{"action": {"cancel"}}
	for _, m := range formField.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], m[2])
	}
	resp, err = c.PostForm(strings.SplitN(in.URL, "?", 2)[0], v)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	if _, done, err := w.svc.CheckAdminSignIn(ctx, in.ID); !done || !errors.Is(err, flow.ErrSignInDeclined) {
		t.Fatalf("after cancel: done=%v %v", done, err)
	}
}

// TestAutoSignInChoosesTheBrowserWhereOneOpens: auto uses the browser
// where one can be opened here, else the device code.
func TestAutoSignInChoosesTheBrowserWhereOneOpens(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	w.svc.AdminSignIn, w.svc.BrowserHere = flow.SignInAuto, true
	if in, err := w.svc.StartAdminSignIn(ctx, mfaAdmin); err != nil || !in.Browser {
		t.Fatalf("auto with a browser: %+v %v", in, err)
	}
	w.svc.BrowserHere = false
	if in, err := w.svc.StartAdminSignIn(ctx, mfaAdmin); err != nil || in.Browser || in.UserCode == "" {
		t.Fatalf("auto without a browser: %+v %v", in, err)
	}
	w.svc.AdminSignIn, w.svc.BrowserHere = flow.SignInDeviceCode, true
	if in, err := w.svc.StartAdminSignIn(ctx, mfaAdmin); err != nil || in.Browser {
		t.Fatalf("device-code with a browser: %+v %v", in, err)
	}
}

// A login whose domain belongs to no Microsoft tenant (a typo after the @)
// says so, in every sign-in mode, instead of "Microsoft refused the request"
// (tried by hand with admin@nosuchtenant-xyz.com).
func TestSignInToAnUnknownTenantSaysSo(t *testing.T) {
	ctx := context.Background()
	m := testworld.NewMicrosoft(t, sandbox.Options{})
	svc, _ := m.Service(t, filepath.Join(t.TempDir(), "o.db"))
	_, err := svc.StartAdminSignIn(ctx, "admin@nosuchtenant-xyz.com")
	if !errors.Is(err, msapi.ErrTenantNotFound) {
		t.Fatalf("start sign-in: %v, want ErrTenantNotFound", err)
	}
	if got := flow.Explain(err); !strings.Contains(got, "No Microsoft 365 account uses this login's domain") {
		t.Fatalf("explained as %q", got)
	}
}
