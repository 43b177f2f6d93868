package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"onboard/config"
	"onboard/msapi/sandbox"
	"onboard/payment"
	paysandbox "onboard/payment/sandbox"
)

// pcDefaultScope is Partner Center's resource with its statically granted
// permissions, for the app-only and refresh token grants (page "Partner
// Center authentication").
const pcDefaultScope = "https://api.partnercenter.microsoft.com/.default"

// errSandboxPayments refuses the sandbox checkout with a real Microsoft.
var errSandboxPayments = errors.New("microsoft = partner-center with the sandbox checkout (payment = sandbox): " +
	"customers would \"pay\" with test card 4242 for real purchases. Configure a real payment gateway, " +
	"or, for a test partner (Partner Center integration sandbox) only, set allow_sandbox_payments = true")

// refuseSandboxPayments is the safety rule of the provider's setup: a real
// Microsoft never runs with the sandbox checkout unless the provider
// explicitly allows it for a test partner.
func refuseSandboxPayments(cfg *config.Config) error {
	if cfg.Get("microsoft") == "partner-center" && cfg.Get("payment") == "sandbox" && !cfg.Bool("allow_sandbox_payments") {
		return errSandboxPayments
	}
	return nil
}

// target is the Microsoft and the payments a configuration points at, with
// the in-process sandboxes started when configured.
type target struct {
	sandboxMS bool
	msWhere   string
	pcURL     string
	loginURL  string
	tenant    string
	clientID  string
	secret    string
	refresh   string
	payURL    string
	payKey    string
	payWhere  string
	sb        *sandboxes
	http      *http.Client
}

func resolveTarget(cfg *config.Config) (*target, error) {
	t := &target{
		pcURL: cfg.Get("partner_center_url"), loginURL: cfg.Get("login_url"),
		tenant: cfg.Get("partner_tenant_id"), clientID: cfg.Get("client_id"),
		secret: cfg.Get("client_secret"), refresh: cfg.Get("refresh_token"),
		payURL: cfg.Get("payment_url"), payKey: cfg.Get("payment_api_key"),
		http: &http.Client{},
	}
	t.sandboxMS = cfg.Get("microsoft") == "sandbox"
	if t.sandboxMS || (t.payURL == "" && cfg.Get("payment") == "sandbox") {
		dir, err := sandboxDir()
		if err != nil {
			return nil, err
		}
		sb, err := newSandboxes(dir, sandbox.Options{})
		if err != nil {
			return nil, err
		}
		if err := sb.serve(cfg.Get("sandbox_addr")); err != nil {
			return nil, err
		}
		t.sb = sb
		if t.sandboxMS {
			u, cr := sb.ms.URLs(sb.base), sb.ms.Credentials()
			t.pcURL, t.loginURL = u.PartnerCenter, u.Login
			t.tenant, t.clientID, t.secret, t.refresh = cr.PartnerTenantID, cr.ClientID, cr.ClientSecret, cr.RefreshToken
		}
		if t.payURL == "" {
			t.payURL = sb.base + "/pay"
			if t.payKey == "" {
				t.payKey = paysandbox.DefaultAPIKey
			}
			t.payWhere = "the built-in sandbox checkout at " + t.payURL
		}
	}
	if t.payWhere == "" {
		t.payWhere = "a sandbox checkout at " + t.payURL
	}
	if t.sandboxMS {
		t.msWhere = fmt.Sprintf("the built-in sandbox Microsoft at %s (partner tenant %s)", t.sb.base, t.tenant)
	} else {
		t.msWhere = fmt.Sprintf("the real Partner Center at %s (partner tenant %s, app %s)", t.pcURL, orUnset(t.tenant), orUnset(t.clientID))
	}
	return t, nil
}

func orUnset(s string) string {
	if s == "" {
		return "<not set>"
	}
	return s
}

func (t *target) close() {
	if t.sb != nil {
		t.sb.close()
	}
}

func (t *target) tokenURL() string {
	return strings.TrimRight(t.loginURL, "/") + "/" + url.PathEscape(t.tenant) + "/oauth2/v2.0/token"
}

func (t *target) oauthContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, t.http)
}

// microsoftChecks: which Microsoft, then each credential (app-only, App+User)
// and a harmless Partner Center read with each.
func (t *target) microsoftChecks(ctx context.Context) []check {
	ms := check{"microsoft", true, t.msWhere, false}
	var missing []string
	for _, kv := range [][2]string{{"partner_tenant_id", t.tenant}, {"client_id", t.clientID}, {"client_secret", t.secret}} {
		if kv[1] == "" {
			missing = append(missing, kv[0])
		}
	}
	if len(missing) > 0 {
		ms.OK = false
		ms.Detail += ": set " + strings.Join(missing, ", ") + " (see docs/microsoft-setup.md)"
		return []check{ms}
	}
	out := []check{ms}

	// App-only: client credentials (page "Partner Center authentication").
	app := &clientcredentials.Config{ClientID: t.clientID, ClientSecret: t.secret, TokenURL: t.tokenURL(),
		Scopes: []string{pcDefaultScope}, AuthStyle: oauth2.AuthStyleInParams}
	if tok, err := app.Token(t.oauthContext(ctx)); err != nil {
		out = append(out, check{"app-only", false, "the app could not sign in: " + tokenVerdict(err), false})
	} else {
		out = append(out, check{"app-only", true, "the app signs in with its client secret", false})
		out = append(out, t.pcRead(ctx, "app-only read", tok.AccessToken, "/v1/customers?size=1", "lists customers"))
	}

	// App+User: the refresh token of the partner's sign-in (secure
	// application model), redeemed as msapi does.
	if t.refresh == "" {
		return append(out, check{"app+user", false, "no refresh token: run `onboard partner login` (relationship requests and trial conversions need it)", false})
	}
	user := &clientcredentials.Config{ClientID: t.clientID, ClientSecret: t.secret, TokenURL: t.tokenURL(),
		Scopes: []string{pcDefaultScope}, AuthStyle: oauth2.AuthStyleInParams,
		EndpointParams: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {t.refresh}}}
	tok, err := user.Token(t.oauthContext(ctx))
	if err != nil {
		return append(out, check{"app+user", false, "the partner's refresh token was refused: " + tokenVerdict(err), false})
	}
	// A token that shows no MFA is refused by Partner Center's App+User
	// calls since 1 April 2026 (partner-center-authentication); one that
	// does not say (opaque) is judged by the read below.
	mfa, known := tokenMFA(tok.AccessToken)
	out = append(out, check{"app+user", !known || mfa, "the partner's refresh token is valid. " + mfaVerdict(tok.AccessToken), false})
	return append(out, t.pcRead(ctx, "app+user read", tok.AccessToken, "/v1/customers/relationshiprequests", "gets the reseller relationship request link"))
}

// pcRead makes one harmless GET to Partner Center with the documented
// headers and says in plain words what the answer means.
func (t *target) pcRead(ctx context.Context, name, access, path, what string) check {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(t.pcURL, "/")+path, nil)
	if err != nil {
		return check{name, false, err.Error(), false}
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("MS-RequestId", uuid.NewString())
	req.Header.Set("MS-CorrelationId", uuid.NewString())
	resp, err := t.http.Do(req)
	if err != nil {
		return check{name, false, "Partner Center is unreachable: " + err.Error(), false}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	call := "GET " + strings.SplitN(path, "?", 2)[0]
	switch {
	case resp.StatusCode < 300:
		return check{name, true, fmt.Sprintf("%s: Partner Center %s", call, what), false}
	case resp.StatusCode == http.StatusUnauthorized:
		hint := "the token was refused"
		if name == "app+user read" {
			hint += " (Partner Center requires MFA on App+User calls since 1 April 2026: run `onboard partner login` and complete MFA)"
		}
		return check{name, false, fmt.Sprintf("%s: HTTP 401, %s: %s", call, hint, pcMessage(body)), false}
	case resp.StatusCode == http.StatusForbidden:
		return check{name, false, fmt.Sprintf("%s: HTTP 403, the app or the signed-in user lacks the permission (API permissions, admin consent, Admin agent role): %s", call, pcMessage(body)), false}
	}
	return check{name, false, fmt.Sprintf("%s: HTTP %d: %s", call, resp.StatusCode, pcMessage(body)), false}
}

// pcMessage is Partner Center's error description (code and description
// fields of its error body), or the start of the body.
func pcMessage(body []byte) string {
	var e struct {
		Code        json.RawMessage `json:"code"`
		Description string          `json:"description"`
	}
	if json.Unmarshal(body, &e) == nil && e.Description != "" {
		if len(e.Code) > 0 {
			return strings.Trim(string(e.Code), `"`) + " " + e.Description
		}
		return e.Description
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "no details"
	}
	return s
}

// paymentCheck says which payments are in use, whether that is allowed with
// this Microsoft, and that the gateway answers with the configured key.
func (t *target) paymentCheck(ctx context.Context, cfg *config.Config) check {
	if cfg.Get("payment") == "stripe" {
		return stripeCheck(ctx, cfg)
	}
	where := "payments: " + t.payWhere + " (test cards; no money moves)"
	if err := refuseSandboxPayments(cfg); err != nil {
		return check{"payments", false, where + ": refused with a real Microsoft; set allow_sandbox_payments = true for a test partner only", false}
	}
	if !t.sandboxMS {
		where += ", allowed for a test partner by allow_sandbox_payments"
	}
	gw := paysandbox.NewClient(t.payURL, t.payKey, t.http)
	// A status read of a session that cannot exist: "not found" proves the
	// gateway answers and accepts the key, and changes nothing.
	_, err := gw.Status(ctx, "doctor-probe-"+uuid.NewString())
	if err == nil || errors.Is(err, payment.ErrNotFound) {
		return check{"payments", true, where, false}
	}
	return check{"payments", false, where + ": the gateway did not accept the probe: " + err.Error(), false}
}

var aadsts = regexp.MustCompile(`AADSTS(\d+)`)

// entraVerdicts are plain words for the Entra ID error codes a provider's
// setup runs into (page "Microsoft Entra authentication and authorization
// error codes").
var entraVerdicts = map[int]string{
	7000215: "the client secret is wrong (use the secret's Value, not its Secret ID): set client_secret",
	7000222: "the client secret has expired: create a new one under Certificates & secrets and set client_secret",
	700016:  "no application with this client_id in the partner tenant: check client_id and partner_tenant_id",
	90002:   "partner_tenant_id names no tenant: use the Directory (tenant) ID of the partner's tenant",
	65001:   "the permissions lack admin consent: grant admin consent in the app's API permissions",
	70000:   "the refresh token is not valid for this app: run `onboard partner login`",
	700082:  "the refresh token has expired (unused too long): run `onboard partner login`",
	50173:   "the refresh token was revoked (the password changed): run `onboard partner login`",
	50076:   "MFA is required: run `onboard partner login` and complete MFA",
	50079:   "the account must register for MFA first, then run `onboard partner login`",
}

// tokenVerdict turns a token endpoint error into plain words, keeping
// Microsoft's code.
func tokenVerdict(err error) string {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return "the token endpoint is unreachable: " + err.Error()
	}
	if m := aadsts.FindStringSubmatch(re.ErrorDescription); m != nil {
		n, _ := strconv.Atoi(m[1])
		if v, ok := entraVerdicts[n]; ok {
			return v + " (AADSTS" + m[1] + ")"
		}
		desc, _, _ := strings.Cut(re.ErrorDescription, "\r\n")
		desc, _, _ = strings.Cut(desc, " Trace ID:")
		return strings.TrimSpace(desc)
	}
	if re.ErrorCode != "" {
		return strings.TrimSpace(re.ErrorCode + " " + re.ErrorDescription)
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	return fmt.Sprintf("HTTP %d from the token endpoint", status)
}
