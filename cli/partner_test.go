package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/BurntSushi/toml"

	"onboard/config"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
)

// clearMicrosoftEnv unsets every setting a developer's shell might carry
// into these tests.
func clearMicrosoftEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"PARTNER_CENTER_URL", "GRAPH_URL", "LOGIN_URL", "PARTNER_TENANT_ID", "CLIENT_ID",
		"PUBLIC_CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN", "PAYMENT_URL", "PAYMENT_API_KEY", "SECRETS_FILE",
		"ALLOW_SANDBOX_PAYMENTS", "SANDBOX_ADDR"} {
		t.Setenv("ONBOARD_"+k, "")
	}
}

// fakeEntra answers the device code flow as page v2-oauth2-device-code
// documents it: the devicecode answer, then authorization_pending once,
// then the tokens. It records the forms it was sent.
type fakeEntra struct {
	mu      sync.Mutex
	polls   int
	forms   []map[string]string
	refresh string
	access  string
	decline bool // answer authorization_declined instead of the tokens
}

func (f *fakeEntra) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	form := map[string]string{"path": r.URL.Path}
	for k := range r.PostForm {
		form[k] = r.PostForm.Get(k)
	}
	f.forms = append(f.forms, form)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/partner-tenant/oauth2/v2.0/devicecode":
		// The documented answer's fields (expires_in 900 is the documented
		// default; interval 1 keeps the test short).
		_ = json.NewEncoder(w).Encode(map[string]any{
			"device_code": "GMMhmHCXhWEzkobqIHGG_EnNYYsAkukHspeYUk9E8", "user_code": "FJWQ9NYXN",
			"verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900, "interval": 1,
			"message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FJWQ9NYXN to authenticate.",
		})
	case r.URL.Path == "/partner-tenant/oauth2/v2.0/token" && r.PostForm.Get("grant_type") == "urn:ietf:params:oauth:grant-type:device_code":
		f.polls++
		if f.decline && f.polls > 1 {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": "authorization_declined",
				"error_description": "AADSTS70000: The user denied the authorization request."})
			return
		}
		if f.polls == 1 {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": "authorization_pending",
				"error_description": "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
				"error_codes":       []int{70016}})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": 3599,
			"scope": "https://api.partnercenter.microsoft.com/user_impersonation", "access_token": f.access, "refresh_token": f.refresh})
	default:
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": "invalid_request", "error_description": "unexpected " + r.URL.Path})
	}
}

// jwtWithAMR is an unsigned JWT-shaped access token whose amr claim says mfa.
const jwtWithAMR = "eyJhbGciOiJub25lIn0.eyJhbXIiOlsicHdkIiwibWZhIl19.c2ln"

func TestPartnerLoginStoresTheRefreshTokenPrivately(t *testing.T) {
	isolate(t)
	clearMicrosoftEnv(t)
	entra := &fakeEntra{refresh: "RT-" + strings.Repeat("s3cr3t", 8), access: jwtWithAMR}
	srv := httptest.NewServer(entra)
	defer srv.Close()
	dir := t.TempDir()
	secrets := filepath.Join(dir, "private", "secrets.toml")
	// An existing secret in the file must survive the sign-in.
	if err := os.MkdirAll(filepath.Dir(secrets), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secrets, []byte("client_secret = \"keep-me\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_MICROSOFT", "partner-center")
	t.Setenv("ONBOARD_LOGIN_URL", srv.URL)
	t.Setenv("ONBOARD_PARTNER_TENANT_ID", "partner-tenant")
	t.Setenv("ONBOARD_CLIENT_ID", "app-id")
	t.Setenv("ONBOARD_CLIENT_SECRET", "app-secret")
	t.Setenv("ONBOARD_SECRETS_FILE", secrets)

	out, errOut, code := run(t, "partner", "login")
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, s := range []string{out, errOut} {
		if strings.Contains(s, entra.refresh) || strings.Contains(s, jwtWithAMR) || strings.Contains(s, "app-secret") {
			t.Fatalf("a token was printed:\n%s", s)
		}
	}
	for _, want := range []string{"https://microsoft.com/devicelogin", "FJWQ9NYXN", "▀"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the sign-in prompt lacks %q:\n%s", want, errOut)
		}
	}
	for _, want := range []string{"used MFA", "Saved the App+User refresh token to " + secrets + " (mode 0600)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the result lacks %q:\n%s", want, out)
		}
	}
	fi, err := os.Stat(secrets)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file mode %v, want 0600", fi.Mode().Perm())
	}
	var got map[string]string
	if _, err := toml.DecodeFile(secrets, &got); err != nil {
		t.Fatal(err)
	}
	if got["refresh_token"] != entra.refresh || got["client_secret"] != "keep-me" {
		t.Fatalf("secrets file holds %v", got)
	}
	// The documented requests: the devicecode request with the Partner
	// Center and offline_access scopes, then the device_code grant polled
	// until it succeeds.
	if len(entra.forms) != 3 {
		t.Fatalf("requests %v", entra.forms)
	}
	if f := entra.forms[0]; f["client_id"] != "app-id" || f["scope"] != "https://api.partnercenter.microsoft.com/user_impersonation offline_access" || f["client_secret"] != "" {
		t.Errorf("devicecode request %v", f)
	}
	if f := entra.forms[2]; f["device_code"] != "GMMhmHCXhWEzkobqIHGG_EnNYYsAkukHspeYUk9E8" || f["client_id"] != "app-id" ||
		f["client_secret"] != "app-secret" || f["grant_type"] != "urn:ietf:params:oauth:grant-type:device_code" {
		t.Errorf("token request %v", f)
	}
	// config.Load reads the file it wrote.
	if out, errOut, code := run(t, "config"); code != ExitOK || !strings.Contains(out, "secrets file") {
		t.Fatalf("config after login: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestPartnerLoginCreatesTheSecretsFile(t *testing.T) {
	isolate(t)
	clearMicrosoftEnv(t)
	entra := &fakeEntra{refresh: "RT-fresh-" + strings.Repeat("x", 20), access: "opaque"}
	srv := httptest.NewServer(entra)
	defer srv.Close()
	t.Setenv("ONBOARD_MICROSOFT", "partner-center")
	t.Setenv("ONBOARD_LOGIN_URL", srv.URL)
	t.Setenv("ONBOARD_PARTNER_TENANT_ID", "partner-tenant")
	t.Setenv("ONBOARD_CLIENT_ID", "app-id")
	t.Setenv("ONBOARD_CLIENT_SECRET", "app-secret")
	out, errOut, code := run(t, "partner", "login", "--no-qr")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	path := defaultSecretsFile()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file %s: %v %v", path, fi, err)
	}
	if strings.Contains(out+errOut, entra.refresh) || strings.Contains(errOut, "▀") {
		t.Fatalf("token or QR printed:\n%s\n%s", out, errOut)
	}
	for _, want := range []string{"does not say whether MFA", "secrets_file = \"" + path + "\""} {
		if !strings.Contains(out, want) {
			t.Errorf("result lacks %q:\n%s", want, out)
		}
	}
}

func TestPartnerLoginRefusesTheSandboxAndMissingSettings(t *testing.T) {
	isolate(t)
	clearMicrosoftEnv(t)
	if _, errOut, code := run(t, "partner", "login"); code != ExitError || !strings.Contains(words(errOut), "set microsoft = partner-center") {
		t.Fatalf("sandbox: exit %d\n%s", code, errOut)
	}
	t.Setenv("ONBOARD_MICROSOFT", "partner-center")
	if _, errOut, code := run(t, "partner", "login"); code != ExitError || !strings.Contains(words(errOut), "needs partner_tenant_id, client_id and client_secret") {
		t.Fatalf("unset: exit %d\n%s", code, errOut)
	}
}

// partnerCenterAtSandbox configures a "real" Partner Center that is the
// sandbox Microsoft over loopback, with its credentials.
func partnerCenterAtSandbox(t *testing.T) {
	t.Helper()
	ms, err := sandbox.New(sandbox.Options{NorthwindUsers: 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ms)
	t.Cleanup(srv.Close)
	u, cr := ms.URLs(srv.URL), ms.Credentials()
	t.Setenv("ONBOARD_MICROSOFT", "partner-center")
	t.Setenv("ONBOARD_PARTNER_CENTER_URL", u.PartnerCenter)
	t.Setenv("ONBOARD_GRAPH_URL", u.Graph)
	t.Setenv("ONBOARD_LOGIN_URL", u.Login)
	t.Setenv("ONBOARD_PARTNER_TENANT_ID", cr.PartnerTenantID)
	t.Setenv("ONBOARD_CLIENT_ID", cr.ClientID)
	t.Setenv("ONBOARD_CLIENT_SECRET", cr.ClientSecret)
	t.Setenv("ONBOARD_REFRESH_TOKEN", cr.RefreshToken)
	t.Setenv("ONBOARD_PUBLIC_CLIENT_ID", cr.PublicClientID)
}

func TestDoctorReadyWithPartnerCenterAndAllowedSandboxPayments(t *testing.T) {
	db := isolate(t)
	clearMicrosoftEnv(t)
	t.Setenv("BROWSER", "true")
	partnerCenterAtSandbox(t)
	t.Setenv("ONBOARD_ALLOW_SANDBOX_PAYMENTS", "true")
	out, errOut, code := run(t, "doctor", "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"ok    microsoft      the real Partner Center at http://127.0.0.1:",
		"ok    app-only ", "ok    app-only read  GET /v1/customers:", "ok    app+user ", "ok    app+user read  GET /v1/customers/relationshiprequests:",
		"ok    payments       payments: the built-in sandbox checkout", "allowed for a test partner by allow_sandbox_payments", "Ready."} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor lacks %q:\n%s", want, out)
		}
	}
}

func TestDoctorNotReadyWithABrokenConfiguration(t *testing.T) {
	db := isolate(t)
	clearMicrosoftEnv(t)
	t.Setenv("BROWSER", "true")
	partnerCenterAtSandbox(t)
	t.Setenv("ONBOARD_CLIENT_SECRET", "the-secret-id-not-its-value")
	t.Setenv("ONBOARD_REFRESH_TOKEN", "stale-refresh-token")
	out, errOut, code := run(t, "doctor", "--db", db, "--json")
	if code != ExitError {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var checks []check
	if err := json.Unmarshal([]byte(out), &checks); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]check{}
	for _, c := range checks {
		got[c.Name] = c
	}
	want := map[string]struct {
		ok   bool
		text string
	}{
		"database":  {true, "schema version"},
		"microsoft": {true, "the real Partner Center"},
		"app-only":  {false, "the client secret is wrong (use the secret's Value, not its Secret ID): set client_secret (AADSTS7000215)"},
		"app+user":  {false, "the partner's refresh token was refused: the client secret is wrong"},
		"payments":  {false, "refused with a real Microsoft; set allow_sandbox_payments = true"},
		"browser":   {true, "$BROWSER"},
	}
	for name, w := range want {
		c, ok := got[name]
		if !ok || c.OK != w.ok || !strings.Contains(c.Detail, w.text) {
			t.Errorf("%s: got %+v, want ok=%v with %q", name, c, w.ok, w.text)
		}
	}
	if strings.Contains(out, "the-secret-id-not-its-value") || strings.Contains(out, "stale-refresh-token") {
		t.Fatalf("doctor printed a secret:\n%s", out)
	}

	// With the right secret, a wrong refresh token is named as such.
	t.Setenv("ONBOARD_CLIENT_SECRET", sandbox.ClientSecret)
	out, _, code = run(t, "doctor", "--db", db)
	if code != ExitError || !strings.Contains(out, "FAIL  app+user       the partner's refresh token was refused: the refresh token is not valid for this app: run `onboard partner login` (AADSTS70000)") ||
		!strings.Contains(out, "Not ready: 2 of") {
		t.Fatalf("wrong refresh token: exit %d\n%s", code, out)
	}
}

func TestRealMicrosoftRefusesSandboxPayments(t *testing.T) {
	db := isolate(t)
	clearMicrosoftEnv(t)
	partnerCenterAtSandbox(t)
	// The wizard refuses before its first screen; commands that open
	// Microsoft and payments refuse too.
	for _, args := range [][]string{{"--db", db}, {"orders", "retry", "ORD-999999", "--db", db}} {
		_, errOut, code := run(t, args...)
		if msg := words(errOut); code != ExitError || !strings.Contains(msg, "test card 4242") ||
			!strings.Contains(msg, "set allow_sandbox_payments = true") {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
	}
	t.Setenv("ONBOARD_ALLOW_SANDBOX_PAYMENTS", "true")
	if out, errOut, code := run(t, "orders", "retry", "ORD-999999", "--db", db); code != ExitNotFound {
		t.Fatalf("allowed: exit %d\n%s\n%s", code, out, errOut)
	}
}

// words joins a message's words, undoing the error box's line wrapping.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestTokenMFA(t *testing.T) {
	// Payloads: {"amr":["pwd","mfa"]}, {"amr":["pwd"]}, {"tid":"x"}.
	for _, c := range []struct {
		access      string
		mfa, known  bool
		verdictPart string
	}{
		{jwtWithAMR, true, true, "used MFA"},
		{"eyJhbGciOiJub25lIn0.eyJhbXIiOlsicHdkIl19.c2ln", false, true, "did not use MFA"},
		{"eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ4In0.c2ln", false, false, "does not say"},
		{"opaque-sandbox-token", false, false, "does not say"},
	} {
		mfa, known := tokenMFA(c.access)
		if mfa != c.mfa || known != c.known || !strings.Contains(mfaVerdict(c.access), c.verdictPart) {
			t.Errorf("%s: mfa %v known %v verdict %q", c.access, mfa, known, mfaVerdict(c.access))
		}
	}
}

func TestPartnerLoginDeclinedStoresNoToken(t *testing.T) {
	isolate(t)
	clearMicrosoftEnv(t)
	entra := &fakeEntra{decline: true}
	srv := httptest.NewServer(entra)
	defer srv.Close()
	secrets := filepath.Join(t.TempDir(), "secrets.toml")
	t.Setenv("ONBOARD_MICROSOFT", "partner-center")
	t.Setenv("ONBOARD_LOGIN_URL", srv.URL)
	t.Setenv("ONBOARD_PARTNER_TENANT_ID", "partner-tenant")
	t.Setenv("ONBOARD_CLIENT_ID", "app-id")
	t.Setenv("ONBOARD_CLIENT_SECRET", "app-secret")
	t.Setenv("ONBOARD_SECRETS_FILE", secrets)
	_, errOut, code := run(t, "partner", "login", "--no-qr")
	if code != ExitError || !strings.Contains(words(errOut), "the sign-in was declined") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	// The configured file did not exist: it was created, private, and
	// holds no token.
	var got map[string]string
	if fi, err := os.Stat(secrets); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", fi, err)
	}
	if _, err := toml.DecodeFile(secrets, &got); err != nil || len(got) != 0 {
		t.Fatalf("secrets file after a declined sign-in: %v %v", got, err)
	}
}

// The configured approval link defaults to Microsoft's admin center, the
// client's own default: a provider who sets nothing sends customers there.
func TestGDAPApprovalURLDefaultsToMicrosofts(t *testing.T) {
	cfg, err := config.Load("", func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Get("gdap_approval_url"); got != partnercenter.DefaultGDAPApprovalURL {
		t.Fatalf("gdap_approval_url = %q, want %q", got, partnercenter.DefaultGDAPApprovalURL)
	}
}
