package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// The authorization code flow with PKCE (Microsoft identity platform,
// v2-oauth2-auth-code-flow): the wizard opens
// /{tenant}/oauth2/v2.0/authorize in a browser with a code_challenge and a
// loopback redirect_uri, the administrator signs in on the page (password
// and, under security defaults, a second factor), the page redirects to
// the loopback address with code and state, and the wizard redeems the
// code at the token endpoint with its code_verifier.

// AuthorizationCodeGrant is the grant_type that redeems an authorization code.
const AuthorizationCodeGrant = "authorization_code"

// authCodeLifetime: "Authorization codes are short lived. Typically, they
// expire after about 10 minutes" (v2-oauth2-auth-code-flow).
const authCodeLifetime = 10 * time.Minute

// authRequestLifetime bounds a sign-in page left open. Assumption: Entra's
// own limit for an unfinished sign-in is not documented.
const authRequestLifetime = 30 * time.Minute

// authRequest is one authorize request whose page is being filled in, and,
// once signed in, the code it issued.
type authRequest struct {
	ID          string
	TenantID    string // "" for /organizations and /common: any tenant
	RedirectURI string
	State       string
	Challenge   string
	Method      string // S256 or plain
	LoginHint   string
	OpenID      bool
	Expires     time.Time

	Code     string // issued on sign-in
	CodeExp  time.Time
	UserID   string
	UserTID  string
	Redeemed bool
}

const authorizeCookie = "sandbox_authorize"

// validLoopback reports whether uri is a loopback redirect the sandbox's
// public client accepts: http on 127.0.0.1, [::1] or localhost, any port,
// as Entra ignores the port of loopback redirect URIs of public clients
// (reply-url, "Localhost exceptions").
func validLoopback(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" {
		return false
	}
	switch u.Hostname() {
	case "127.0.0.1", "::1", "localhost":
		return true
	}
	return false
}

// getAuthorize is GET /{tenant}/oauth2/v2.0/authorize. An unknown client or
// a redirect_uri it has not registered gets an error page (the redirect is
// not trusted); other errors are redirected to redirect_uri with error and
// error_description, as the page documents.
func (s *Sandbox) getAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if id := q.Get("client_id"); !strings.EqualFold(id, PublicClientID) {
		s.renderSignIn(w, http.StatusBadRequest, signInView{Step: "error", Error: "AADSTS700016: Application with identifier '" + id + "' was not found in the directory."})
		return
	}
	redirect := q.Get("redirect_uri")
	if !validLoopback(redirect) {
		s.renderSignIn(w, http.StatusBadRequest, signInView{Step: "error",
			Error: "AADSTS50011: The redirect URI '" + redirect + "' specified in the request does not match the redirect URIs configured for the application '" + PublicClientID + "'."})
		return
	}
	fail := func(code string, aadsts int, desc string) {
		v := url.Values{"error": {code}, "error_description": {"AADSTS" + strconv.Itoa(aadsts) + ": " + desc}, "state": {q.Get("state")}}
		http.Redirect(w, r, redirect+sep(redirect)+v.Encode(), http.StatusFound)
	}
	if rt := q.Get("response_type"); rt != "code" {
		fail("unsupported_response_type", 70005, "The app returned an unsupported response type '"+rt+"'.")
		return
	}
	if !strings.Contains(" "+q.Get("scope")+" ", " "+wire.ScopeGraph+" ") {
		fail("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid.")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if method == "" {
		method = "plain" // the page's default
	}
	if len(challenge) < 43 || len(challenge) > 128 || (method != "S256" && method != "plain") {
		// PKCE is required of the sandbox's public client (assumption: Entra
		// requires it only of single-page apps). AADSTS50147 MissingCodeChallenge.
		fail("invalid_request", 50147, "The size of the code challenge parameter is not valid.")
		return
	}
	tenantID := ""
	if tp := r.PathValue("tenant"); tp != "organizations" && tp != "common" {
		t, ok := s.catalog.tenant(tp)
		if !ok {
			fail("invalid_request", 90002, "Tenant '"+tp+"' not found.")
			return
		}
		tenantID = t.ID
	}
	a := &authRequest{ID: randomToken(24), TenantID: tenantID, RedirectURI: redirect, State: q.Get("state"),
		Challenge: challenge, Method: method, LoginHint: strings.TrimSpace(q.Get("login_hint")),
		OpenID: strings.Contains(" "+q.Get("scope")+" ", " openid "), Expires: s.now().Add(authRequestLifetime)}
	s.mu.Lock()
	now := s.now()
	for k, x := range s.authRequests {
		if !now.Before(x.Expires) {
			delete(s.authRequests, k)
		}
	}
	s.authRequests[a.ID] = a
	s.mu.Unlock()
	s.renderSignIn(w, http.StatusOK, signInView{Step: "password", Action: r.URL.Path, Request: a.ID, Redirect: origin(redirect),
		CSRF: s.csrfTokenFor(w, r, authorizeCookie, "/login/"), Login: a.LoginHint})
}

// origin is scheme://host[:port] of a redirect URI validLoopback accepted.
func origin(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func sep(uri string) string {
	if strings.Contains(uri, "?") {
		return "&"
	}
	return "?"
}

func (s *Sandbox) authProof(reqID, userID string) string {
	return base64.RawURLEncoding.EncodeToString(s.sign("authorize-mfa|" + reqID + "|" + strings.ToLower(userID)))
}

// postAuthorize is the page's form: password, then for accounts with MFA
// the second factor; then the redirect to the loopback address.
func (s *Sandbox) postAuthorize(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !s.csrfValidFor(r, authorizeCookie) {
		s.renderSignIn(w, http.StatusForbidden, signInView{Step: "forbidden"})
		return
	}
	f := r.PostForm
	s.mu.Lock()
	a, ok := s.authRequests[f.Get("req")]
	if ok && (!s.now().Before(a.Expires) || a.Code != "") {
		ok = false
	}
	var snapshot authRequest
	if ok {
		snapshot = *a
	}
	s.mu.Unlock()
	if !ok {
		s.renderSignIn(w, http.StatusForbidden, signInView{Step: "forbidden"})
		return
	}
	v := signInView{Action: r.URL.Path, Request: snapshot.ID, Redirect: origin(snapshot.RedirectURI), CSRF: s.csrfTokenFor(w, r, authorizeCookie, "/login/"), Login: strings.TrimSpace(f.Get("login"))}
	if f.Get("action") == "cancel" {
		s.mu.Lock()
		delete(s.authRequests, snapshot.ID)
		s.mu.Unlock()
		// Assumption: the sign-in page's cancel answers access_denied with
		// AADSTS65004 UserDeclinedConsent (reference-error-codes).
		e := url.Values{"error": {"access_denied"}, "error_description": {"AADSTS65004: User declined to consent to access the app."}, "state": {snapshot.State}}
		http.Redirect(w, r, snapshot.RedirectURI+sep(snapshot.RedirectURI)+e.Encode(), http.StatusFound)
		return
	}
	switch f.Get("step") {
	case "mfa":
		u, ok := s.userByLogin(v.Login)
		if !ok || !hmac.Equal([]byte(f.Get("proof")), []byte(s.authProof(snapshot.ID, u.ID))) {
			s.renderSignIn(w, http.StatusForbidden, signInView{Step: "forbidden"})
			return
		}
		if !equalSecret(strings.TrimSpace(f.Get("otp")), u.MFACode) {
			v.Step, v.Proof, v.Error = "mfa", f.Get("proof"), "That code didn't work. Check the code and try again."
			s.renderSignIn(w, http.StatusUnauthorized, v)
			return
		}
		s.finishAuthorize(w, r, snapshot.ID, u)
	default: // "password"
		u, err := s.authorizeUser(snapshot.TenantID, v.Login, f.Get("password"))
		switch {
		case errors.Is(err, ErrWrongTenant):
			v.Step, v.Error = "password", "This sign-in was started for another organization. Sign in with an account of the organization the sign-up asked for."
		case err != nil:
			v.Step, v.Error = "password", "Your account or password is incorrect."
		case u.MFA:
			v.Step, v.Proof = "mfa", s.authProof(snapshot.ID, u.ID)
			s.renderSignIn(w, http.StatusOK, v)
			return
		default:
			s.finishAuthorize(w, r, snapshot.ID, u)
			return
		}
		s.renderSignIn(w, http.StatusUnauthorized, v)
	}
}

// authorizeUser checks the login and password; with a tenant in the path
// only that tenant's users sign in.
func (s *Sandbox) authorizeUser(tenantID, login, password string) (user, error) {
	_, dom, _ := strings.Cut(strings.TrimSpace(login), "@")
	t, ok := s.catalog.tenantByDomain(dom)
	if !ok {
		return user{}, ErrInvalidCredentials
	}
	u, ok := t.Dir.byUPN(strings.TrimSpace(login))
	if !ok || !u.Active || !u.passwordMatches(password) {
		return user{}, ErrInvalidCredentials
	}
	if tenantID != "" && !strings.EqualFold(t.ID, tenantID) {
		return user{}, ErrWrongTenant
	}
	return u, nil
}

// finishAuthorize issues the code and redirects to the loopback address.
func (s *Sandbox) finishAuthorize(w http.ResponseWriter, r *http.Request, reqID string, u user) {
	_, dom, _ := strings.Cut(u.UPN, "@")
	t, _ := s.catalog.tenantByDomain(dom)
	s.mu.Lock()
	a, ok := s.authRequests[reqID]
	if ok && a.Code == "" {
		a.Code, a.CodeExp, a.UserID, a.UserTID = randomToken(48), s.now().Add(authCodeLifetime), u.ID, t.ID
		a.Expires = a.CodeExp
	} else {
		ok = false
	}
	var redirect, code, state string
	if ok {
		redirect, code, state = a.RedirectURI, a.Code, a.State
	}
	s.mu.Unlock()
	if !ok {
		s.renderSignIn(w, http.StatusForbidden, signInView{Step: "forbidden"})
		return
	}
	v := url.Values{"code": {code}, "state": {state}}
	http.Redirect(w, r, redirect+sep(redirect)+v.Encode(), http.StatusFound)
}

// grantAuthorizationCode redeems a code (token endpoint, grant_type
// authorization_code): client_id, code, redirect_uri and code_verifier.
// Errors from reference-error-codes: an unknown or expired code AADSTS70008,
// a code redeemed before AADSTS54005, a verifier that does not match the
// challenge AADSTS501481; a redirect_uri other than the authorize request's
// AADSTS50011 (assumption: its error name invalid_grant).
func (s *Sandbox) grantAuthorizationCode(r *http.Request) (token, bool, *tokenError) {
	if id := r.PostForm.Get("client_id"); !strings.EqualFold(id, PublicClientID) {
		return token{}, false, &tokenError{http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found in the directory."}
	}
	if r.PostForm.Get("client_secret") != "" {
		return token{}, false, &tokenError{http.StatusUnauthorized, "invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."}
	}
	code := r.PostForm.Get("code")
	s.mu.Lock()
	defer s.mu.Unlock()
	var a *authRequest
	for _, x := range s.authRequests {
		if x.Code != "" && hmac.Equal([]byte(x.Code), []byte(code)) {
			a = x
			break
		}
	}
	switch {
	case a == nil || !s.now().Before(a.CodeExp):
		return token{}, false, &tokenError{http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."}
	case a.Redeemed:
		return token{}, false, &tokenError{http.StatusBadRequest, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."}
	case r.PostForm.Get("redirect_uri") != a.RedirectURI:
		return token{}, false, &tokenError{http.StatusBadRequest, "invalid_grant", 50011, "The redirect URI '" + r.PostForm.Get("redirect_uri") + "' specified in the request does not match the redirect URI of the authorization request."}
	case !pkceMatches(a.Method, a.Challenge, r.PostForm.Get("code_verifier")):
		a.Redeemed = true // a failed redemption spends the code (assumption)
		return token{}, false, &tokenError{http.StatusBadRequest, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."}
	}
	a.Redeemed = true
	return token{Kind: graphUser, TenantID: a.UserTID, UserID: a.UserID}, a.OpenID, nil
}

// pkceMatches checks a code_verifier against its challenge (RFC 7636 4.6).
func pkceMatches(method, challenge, verifier string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	if method == "plain" {
		return hmac.Equal([]byte(verifier), []byte(challenge))
	}
	sum := sha256.Sum256([]byte(verifier))
	return hmac.Equal([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge))
}
