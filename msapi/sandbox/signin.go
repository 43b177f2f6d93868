package sandbox

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// The device code flow (Microsoft identity platform, "OAuth 2.0 device
// authorization grant", v2-oauth2-device-code): the wizard asks
// /{tenant}/oauth2/v2.0/devicecode for a user code, the administrator
// enters it on the sign-in page (here /devicelogin, Microsoft's is
// https://microsoft.com/devicelogin), signs in there with the password and,
// for accounts under security defaults, a second factor, and the wizard
// polls the token endpoint with the device_code grant.

// DeviceCodeGrant is the grant_type of the device code token request.
const DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

// deviceCodeLifetime is Entra ID's expires_in (900 s in the page's example).
const deviceCodeLifetime = 15 * time.Minute

// DeviceCodeInterval is the polling interval the sandbox answers. Entra ID
// answers 5 s; assumption: the sandbox answers 1 s so demos and tests move
// quickly (the client honours whatever interval is answered).
const DeviceCodeInterval = 1

// Outcomes of the device sign-in page.
var (
	ErrUnknownUserCode = errors.New("the code is wrong or has expired")
	ErrWrongTenant     = errors.New("the account belongs to another organization")
	ErrMFACode         = errors.New("the verification code is wrong")
	ErrMFANeeded       = errors.New("a verification code is needed")
)

type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDeclined
)

// deviceSignIn is one device code sign-in in progress.
type deviceSignIn struct {
	DeviceCode string
	UserCode   string
	TenantID   string // the tenant of the endpoint the code was asked at
	OpenID     bool   // scope had openid: the token answer carries an id_token
	LoginHint  string // pre-fills the page's login (assumption: see serveDeviceCode)
	Expires    time.Time
	State      deviceState
	UserID     string // who signed in (approved)
}

func (s *Sandbox) signInRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /login/{tenant}/oauth2/v2.0/devicecode", s.serveDeviceCode)
	m.HandleFunc("GET /devicelogin", s.getDeviceLogin)
	m.HandleFunc("POST /devicelogin", s.postDeviceLogin)
	m.HandleFunc("GET /login/{tenant}/oauth2/v2.0/authorize", s.getAuthorize)
	m.HandleFunc("POST /login/{tenant}/oauth2/v2.0/authorize", s.postAuthorize)
}

const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"

func newUserCode() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = userCodeAlphabet[int(b[i])%len(userCodeAlphabet)]
	}
	return string(b)
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// serveDeviceCode is POST /{tenant}/oauth2/v2.0/devicecode: client_id and
// scope in; device_code, user_code, verification_uri, expires_in, interval
// and message out.
func (s *Sandbox) serveDeviceCode(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		s.writeTokenError(w, &tokenError{http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'."})
		return
	}
	if id := r.PostForm.Get("client_id"); !strings.EqualFold(id, PublicClientID) {
		s.writeTokenError(w, &tokenError{http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found in the directory."})
		return
	}
	if scope := requestedScope(r); scope != wire.ScopeGraph {
		s.writeTokenError(w, badScope(scope))
		return
	}
	tenantPath := r.PathValue("tenant")
	t, ok := s.catalog.tenant(tenantPath)
	if !ok {
		s.writeTokenError(w, tenantNotFound(tenantPath))
		return
	}
	d := &deviceSignIn{
		DeviceCode: randomToken(48),
		UserCode:   newUserCode(),
		TenantID:   t.ID,
		OpenID:     hasScope(r, "openid"),
		// The devicecode page documents only client_id and scope; the
		// sandbox keeps a login_hint and pre-fills the page's login with it
		// (assumption: no page says whether Entra does).
		LoginHint: strings.TrimSpace(r.PostForm.Get("login_hint")),
		Expires:   s.now().Add(deviceCodeLifetime),
	}
	s.mu.Lock()
	now := s.now()
	for k, x := range s.devices {
		if !now.Before(x.Expires) {
			delete(s.devices, k)
		}
	}
	s.devices[d.DeviceCode] = d
	s.mu.Unlock()
	uri := baseURL(r) + "/devicelogin"
	writeJSON(w, http.StatusOK, wire.DeviceCodeResponse{
		DeviceCode:      d.DeviceCode,
		UserCode:        d.UserCode,
		VerificationURI: uri,
		ExpiresIn:       int(deviceCodeLifetime / time.Second),
		Interval:        DeviceCodeInterval,
		Message:         "To sign in, use a web browser to open the page " + uri + " and enter the code " + d.UserCode + " to authenticate.",
	})
}

func hasScope(r *http.Request, scope string) bool {
	for _, sc := range strings.Fields(r.PostForm.Get("scope")) {
		if sc == scope {
			return true
		}
	}
	return false
}

// grantDeviceCode is the token request with the device_code grant. Errors
// as the page lists them: authorization_pending, authorization_declined,
// bad_verification_code, expired_token.
func (s *Sandbox) grantDeviceCode(r *http.Request) (token, *deviceSignIn, *tokenError) {
	if id := r.PostForm.Get("client_id"); !strings.EqualFold(id, PublicClientID) {
		return token{}, nil, &tokenError{http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found in the directory."}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[r.PostForm.Get("device_code")]
	switch {
	case !ok:
		// bad_verification_code is the page's error for an unknown
		// device_code; assumption: its AADSTS number (none documented) is
		// 70000 InvalidGrant.
		return token{}, nil, &tokenError{http.StatusBadRequest, "bad_verification_code", 70000, "The provided value for the input parameter 'device_code' is not valid."}
	case !s.now().Before(d.Expires):
		delete(s.devices, d.DeviceCode)
		return token{}, nil, &tokenError{http.StatusBadRequest, "expired_token", 70019, "Verification code expired."} // AADSTS70019 CodeExpired (reference-error-codes)
	case d.State == deviceDeclined:
		delete(s.devices, d.DeviceCode)
		// Assumption: no AADSTS number is documented for a declined sign-in.
		return token{}, nil, &tokenError{http.StatusBadRequest, "authorization_declined", 70000, "The user has declined the authorization request."}
	case d.State == devicePending:
		// AADSTS70016 AuthorizationPending (reference-error-codes).
		return token{}, nil, &tokenError{http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."}
	}
	delete(s.devices, d.DeviceCode) // a device code is redeemed once
	return token{Kind: graphUser, TenantID: d.TenantID, UserID: d.UserID}, d, nil
}

// idToken is an ID token for the user of tok. Assumption: the sandbox does
// not sign it (alg "none" is never what Entra ID sends); the client reads
// it only from the token endpoint's TLS answer, where OpenID Connect Core
// 3.1.3.7 lets TLS stand in for the signature.
func (s *Sandbox) idToken(tok token) string {
	t, ok := s.catalog.get(tok.TenantID)
	if !ok {
		return ""
	}
	u, _ := t.Dir.byID(tok.UserID)
	now := s.now()
	claims := map[string]any{
		"aud": PublicClientID, "iss": "https://login.microsoftonline.com/" + t.ID + "/v2.0",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(tokenLifetime).Unix(),
		"tid": t.ID, "oid": u.ID, "sub": u.ID, "preferred_username": u.UPN, "name": u.displayName(), "ver": "2.0",
	}
	header, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "none"})
	body, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(body) + "."
}

// pendingDevice finds the pending sign-in of a user code.
func (s *Sandbox) pendingDevice(userCode string) (*deviceSignIn, bool) {
	code := strings.ToUpper(strings.Join(strings.Fields(userCode), ""))
	code = strings.ReplaceAll(code, "-", "")
	if code == "" {
		return nil, false
	}
	now := s.now()
	for _, d := range s.devices {
		if d.UserCode == code && d.State == devicePending && now.Before(d.Expires) {
			return d, true
		}
	}
	return nil, false
}

// deviceLoginHint is the login_hint of a pending sign-in's code.
func (s *Sandbox) deviceLoginHint(userCode string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.pendingDevice(userCode)
	if !ok {
		return "", ErrUnknownUserCode
	}
	return d.LoginHint, nil
}

// CheckUserCode reports whether userCode belongs to a sign-in in progress.
func (s *Sandbox) CheckUserCode(userCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pendingDevice(userCode); !ok {
		return ErrUnknownUserCode
	}
	return nil
}

// ApproveDeviceSignIn does what the sign-in page does: login signs in with
// password and, for an account with MFA, mfaCode; the device code is then
// redeemable. The account must belong to the tenant the code was asked at.
// Any user may sign in: whether it is a Global administrator is the
// wizard's check (Graph /me/memberOf), as with Microsoft.
func (s *Sandbox) ApproveDeviceSignIn(userCode, login, password, mfaCode string) error {
	u, err := s.deviceUser(userCode, login, password)
	if err != nil {
		return err
	}
	if u.MFA {
		if mfaCode == "" {
			return ErrMFANeeded
		}
		if !equalSecret(strings.TrimSpace(mfaCode), u.MFACode) {
			return ErrMFACode
		}
	}
	return s.settleDevice(userCode, u.ID, deviceApproved)
}

// DeclineDeviceSignIn is the page's "Cancel": the wizard's poll answers
// authorization_declined.
func (s *Sandbox) DeclineDeviceSignIn(userCode string) error {
	return s.settleDevice(userCode, "", deviceDeclined)
}

func (s *Sandbox) settleDevice(userCode, userID string, st deviceState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.pendingDevice(userCode)
	if !ok {
		return ErrUnknownUserCode
	}
	d.State, d.UserID = st, userID
	return nil
}

// deviceUser checks the code, the login and the password.
func (s *Sandbox) deviceUser(userCode, login, password string) (user, error) {
	s.mu.Lock()
	d, ok := s.pendingDevice(userCode)
	var tenantID string
	if ok {
		tenantID = d.TenantID
	}
	s.mu.Unlock()
	if !ok {
		return user{}, ErrUnknownUserCode
	}
	_, dom, _ := strings.Cut(strings.TrimSpace(login), "@")
	t, ok := s.catalog.tenantByDomain(dom)
	if !ok {
		return user{}, ErrInvalidCredentials
	}
	u, ok := t.Dir.byUPN(strings.TrimSpace(login))
	if !ok || !u.Active || !u.passwordMatches(password) {
		return user{}, ErrInvalidCredentials
	}
	if !strings.EqualFold(t.ID, tenantID) {
		return user{}, ErrWrongTenant
	}
	return u, nil
}

// The sign-in page.

const deviceCookie = "sandbox_device"

//go:embed signin.html
var signInHTML string

var signInPage = template.Must(template.New("signin").Parse(signInHTML))

type signInView struct {
	Step     string // "code", "password", "mfa", "done", "declined", "forbidden", "error"
	Action   string // the form's target: /devicelogin, or the authorize path
	Request  string // the authorize request (authorization code flow)
	Redirect string // its redirect_uri's origin (scheme://host:port)
	CSRF     string
	UserCode string
	Login    string
	Proof    string // signs that the password step passed (mfa step)
	Error    string
	Company  string
}

func (s *Sandbox) renderSignIn(w http.ResponseWriter, status int, v signInView) {
	if v.Action == "" {
		v.Action = "/devicelogin"
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The authorize page's form ends in a redirect to the client's
	// loopback address, which form-action must allow.
	formAction := "'self'"
	if v.Redirect != "" {
		formAction += " " + v.Redirect
	}
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = signInPage.Execute(w, v)
}

func (s *Sandbox) getDeviceLogin(w http.ResponseWriter, r *http.Request) {
	s.renderSignIn(w, http.StatusOK, signInView{Step: "code", CSRF: s.csrfTokenFor(w, r, deviceCookie, "/devicelogin"),
		UserCode: r.URL.Query().Get("otc")})
}

func (s *Sandbox) mfaProof(userCode, userID string) string {
	return base64.RawURLEncoding.EncodeToString(s.sign("mfa|" + strings.ToUpper(userCode) + "|" + strings.ToLower(userID)))
}

func (s *Sandbox) postDeviceLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !s.csrfValidFor(r, deviceCookie) {
		s.renderSignIn(w, http.StatusForbidden, signInView{Step: "forbidden"})
		return
	}
	f := r.PostForm
	v := signInView{CSRF: s.csrfTokenFor(w, r, deviceCookie, "/devicelogin"), UserCode: strings.TrimSpace(f.Get("code")), Login: strings.TrimSpace(f.Get("login"))}
	if f.Get("action") == "cancel" {
		_ = s.DeclineDeviceSignIn(v.UserCode)
		v.Step = "declined"
		s.renderSignIn(w, http.StatusOK, v)
		return
	}
	switch f.Get("step") {
	case "password":
		u, err := s.deviceUser(v.UserCode, v.Login, f.Get("password"))
		switch {
		case errors.Is(err, ErrUnknownUserCode):
			v.Step, v.Error = "code", "That code is wrong or has expired. Check the code shown in the sign-up and try again."
		case errors.Is(err, ErrWrongTenant):
			v.Step, v.Error = "password", "This sign-in was started for another organization. Sign in with an account of the organization the sign-up asked for."
		case err != nil:
			v.Step, v.Error = "password", "Your account or password is incorrect."
		case u.MFA:
			v.Step, v.Proof = "mfa", s.mfaProof(v.UserCode, u.ID)
		default:
			s.finishDevice(w, &v, u)
			return
		}
	case "mfa":
		u, ok := s.userByLogin(v.Login)
		if !ok || !hmac.Equal([]byte(f.Get("proof")), []byte(s.mfaProof(v.UserCode, u.ID))) {
			s.renderSignIn(w, http.StatusForbidden, signInView{Step: "forbidden"})
			return
		}
		if !equalSecret(strings.TrimSpace(f.Get("otp")), u.MFACode) {
			v.Step, v.Proof, v.Error = "mfa", f.Get("proof"), "That code didn't work. Check the code and try again."
			break
		}
		s.finishDevice(w, &v, u)
		return
	default: // "code"
		if hint, err := s.deviceLoginHint(v.UserCode); err != nil {
			v.Step, v.Error = "code", "That code is wrong or has expired. Check the code shown in the sign-up and try again."
		} else {
			v.Step, v.Login = "password", cmp.Or(v.Login, hint)
		}
	}
	status := http.StatusOK
	if v.Error != "" {
		status = http.StatusUnauthorized
	}
	s.renderSignIn(w, status, v)
}

func (s *Sandbox) finishDevice(w http.ResponseWriter, v *signInView, u user) {
	if err := s.settleDevice(v.UserCode, u.ID, deviceApproved); err != nil {
		v.Step, v.Error = "code", "That code is wrong or has expired. Check the code shown in the sign-up and try again."
		s.renderSignIn(w, http.StatusUnauthorized, *v)
		return
	}
	_, dom, _ := strings.Cut(u.UPN, "@")
	if t, ok := s.catalog.tenantByDomain(dom); ok {
		v.Company = t.Name
	}
	v.Step = "done"
	s.renderSignIn(w, http.StatusOK, *v)
}

func (s *Sandbox) userByLogin(login string) (user, bool) {
	_, dom, _ := strings.Cut(login, "@")
	t, ok := s.catalog.tenantByDomain(dom)
	if !ok {
		return user{}, false
	}
	return t.Dir.byUPN(login)
}
