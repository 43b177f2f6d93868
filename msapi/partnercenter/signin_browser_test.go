package partnercenter_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// The browser sign-in sends the documented authorize request (PKCE S256,
// loopback redirect, state, login_hint), redeems the code the redirect
// brings with the verifier, reads the page's documented answers, and ends
// nothing on a redirect with another state.
func TestBrowserSignInDocumentedBodies(t *testing.T) {
	ok, _ := os.ReadFile("testdata/authcode/token-response.json")
	mismatch, _ := os.ReadFile("testdata/authcode/verifier-mismatch.json")
	var mu sync.Mutex
	var redeemed []url.Values
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/graph/v1.0/me":
			writeJSON(w, 200, wire.GraphUser{ID: "u1", UserPrincipalName: "admin@contoso.com", DisplayName: "Admin"})
		default:
			writeJSON(w, 200, wire.GraphCollection[wire.DirectoryObject]{Value: []wire.DirectoryObject{
				{ODataType: "#microsoft.graph.directoryRole", ID: "r9", RoleTemplateID: msapi.GlobalAdminRoleTemplateID}}})
		}
	})
	f.token = func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		redeemed = append(redeemed, r.PostForm)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("code") == "wrong-verifier" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(mismatch)
			return
		}
		_, _ = w.Write(ok)
	}
	c := f.client()
	ctx := context.Background()
	in, err := c.StartAdminBrowserSignIn(ctx, "admin@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(in.URL)
	q := u.Query()
	if !strings.HasSuffix(u.Path, "/contoso.com/oauth2/v2.0/authorize") || q.Get("response_type") != "code" ||
		q.Get("code_challenge_method") != "S256" || q.Get("login_hint") != "admin@contoso.com" || q.Get("client_id") == "" ||
		!strings.Contains(q.Get("scope"), "openid") || !strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") {
		t.Fatalf("authorize request: %s", in.URL)
	}
	redirect := func(query string) int {
		resp, err := http.Get(q.Get("redirect_uri") + "?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	if st := redirect("code=stolen&state=other"); st != http.StatusBadRequest {
		t.Fatalf("another state: %d", st)
	}
	if _, done, err := c.CheckAdminBrowserSignIn(ctx, in.ID, 10*time.Millisecond); done || err != nil {
		t.Fatalf("before the redirect: done=%v %v", done, err)
	}
	redirect("code=good&state=" + url.QueryEscape(q.Get("state")))
	admin, done, err := c.CheckAdminBrowserSignIn(ctx, in.ID, time.Minute)
	if err != nil || !done || admin.TenantID != "6731de76-14a6-49ae-97bc-6eba6914391e" || admin.UPN != "admin@contoso.com" {
		t.Fatalf("after the redirect: %+v done=%v %v", admin, done, err)
	}
	mu.Lock()
	form := redeemed[0]
	mu.Unlock()
	sum := sha256.Sum256([]byte(form.Get("code_verifier")))
	if form.Get("grant_type") != "authorization_code" || form.Get("code") != "good" || form.Get("redirect_uri") != q.Get("redirect_uri") ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != q.Get("code_challenge") || form.Get("client_secret") != "" {
		t.Fatalf("redemption %v does not match the authorize request", form)
	}

	// The page's error answer ends the sign-in with its AADSTS code.
	in, err = c.StartAdminBrowserSignIn(ctx, "admin@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	u, _ = url.Parse(in.URL)
	q = u.Query()
	redirect("code=wrong-verifier&state=" + url.QueryEscape(q.Get("state")))
	_, done, err = c.CheckAdminBrowserSignIn(ctx, in.ID, time.Minute)
	var apiErr *msapi.APIError
	if !done || !errors.As(err, &apiErr) || !errors.Is(err, msapi.ErrSignInExpired) || !strings.Contains(err.Error(), "501481") {
		t.Fatalf("verifier mismatch: done=%v %v", done, err)
	}
	// A cancelled page (access_denied) is a declined sign-in.
	if in, err = c.StartAdminBrowserSignIn(ctx, "admin@contoso.com"); err != nil {
		t.Fatal(err)
	}
	u, _ = url.Parse(in.URL)
	q = u.Query()
	redirect("error=access_denied&error_description=AADSTS65004&state=" + url.QueryEscape(q.Get("state")))
	if _, done, err := c.CheckAdminBrowserSignIn(ctx, in.ID, time.Minute); !done || !errors.Is(err, msapi.ErrSignInDeclined) {
		t.Fatalf("cancelled: done=%v %v", done, err)
	}
}
