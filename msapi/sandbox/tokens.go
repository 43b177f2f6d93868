package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"onboard/msapi/partnercenter/wire"
)

const tokenLifetime = 3600 * time.Second

type tokenKind int

const (
	pcAppOnly tokenKind = iota + 1
	pcAppUser
	graphApp  // partner app in a customer tenant (needs the relationship)
	graphUser // delegated, as a user of the tenant
	// graphPartner is App+User Graph: the partner's user (refresh token) in
	// TenantID, the partner's own tenant or a customer's (reached through GDAP).
	graphPartner
)

// token is what an opaque access token stands for.
type token struct {
	Kind     tokenKind
	TenantID string // the customer tenant for Graph tokens
	UserID   string // graphUser only
	Expires  time.Time
}

func (s *Sandbox) tokenRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /login/{tenant}/oauth2/v2.0/token", s.serveToken)
	m.HandleFunc("POST /login/{tenant}/oauth2/token", s.serveToken)
	s.signInRoutes(m)
}

// tokenError is an Entra ID error; desc starts with "AADSTSnnnnn: ".
type tokenError struct {
	status int
	code   string // invalid_grant, invalid_client, ...
	aadsts int
	desc   string
}

func (s *Sandbox) writeTokenError(w http.ResponseWriter, e *tokenError) {
	trace := uuid.NewString()
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
		e.aadsts, e.desc, trace, uuid.NewString(), s.now().UTC().Format("2006-01-02 15:04:05Z"))
	writeJSON(w, e.status, wire.TokenError{Error: e.code, ErrorDescription: desc, ErrorCodes: []int{e.aadsts}})
}

func (s *Sandbox) serveToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		s.writeTokenError(w, &tokenError{http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."})
		return
	}
	scope := requestedScope(r)
	var (
		tok    token
		terr   *tokenError
		device *deviceSignIn
		openID bool // the token answer carries an id_token
	)
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "client_credentials":
		tok, terr = s.grantClientCredentials(r, scope)
	case "refresh_token":
		tok, terr = s.grantRefreshToken(r, scope)
	case "password":
		tok, terr = s.grantPassword(r, scope)
	case DeviceCodeGrant:
		tok, device, terr = s.grantDeviceCode(r)
		openID = device != nil && device.OpenID
	case AuthorizationCodeGrant:
		tok, openID, terr = s.grantAuthorizationCode(r)
	default:
		terr = &tokenError{http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grant + "'."}
	}
	if terr != nil {
		s.writeTokenError(w, terr)
		return
	}
	access := s.issue(tok)
	resp := wire.TokenResponse{TokenType: "Bearer", AccessToken: access, ExpiresIn: int(tokenLifetime / time.Second)}
	if tok.Kind == pcAppUser {
		resp.RefreshToken = RefreshToken
	}
	if openID {
		resp.IDToken = s.idToken(tok)
	}
	writeJSON(w, http.StatusOK, resp)
}

// requestedScope maps v2 scope= or v1 resource= to a wire.Scope* value.
func requestedScope(r *http.Request) string {
	if res := strings.TrimSuffix(r.PostForm.Get("resource"), "/"); res != "" {
		return res + "/.default"
	}
	for _, sc := range strings.Fields(r.PostForm.Get("scope")) {
		if sc == wire.ScopePartnerCenter || sc == wire.ScopeGraph {
			return sc
		}
	}
	return r.PostForm.Get("scope")
}

// clientCredentials reads client_id/client_secret from the form or from
// HTTP Basic auth (form-encoded there, per RFC 6749 §2.3.1).
func clientCredentials(r *http.Request) (id, secret string) {
	if u, p, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(u)
		secret, _ = url.QueryUnescape(p)
		return id, secret
	}
	return r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
}

func equalSecret(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (s *Sandbox) checkPartnerApp(r *http.Request) *tokenError {
	id, secret := clientCredentials(r)
	if !strings.EqualFold(id, ClientID) {
		return &tokenError{http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found in the directory."}
	}
	if !equalSecret(secret, ClientSecret) {
		return &tokenError{http.StatusUnauthorized, "invalid_client", wire.AADSTSInvalidClient, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + ClientID + "'."}
	}
	return nil
}

func isPartnerTenant(t string) bool {
	return strings.EqualFold(t, PartnerTenantID) || strings.EqualFold(t, PartnerDomain)
}

func tenantNotFound(t string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_request", 90002, "Tenant '" + t + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."}
}

func badScope(scope string) *tokenError {
	return &tokenError{http.StatusBadRequest, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not valid."}
}

func (s *Sandbox) grantClientCredentials(r *http.Request, scope string) (token, *tokenError) {
	if err := s.checkPartnerApp(r); err != nil {
		return token{}, err
	}
	tenantPath := r.PathValue("tenant")
	switch {
	case scope == wire.ScopePartnerCenter && isPartnerTenant(tenantPath):
		return token{Kind: pcAppOnly}, nil
	case scope == wire.ScopePartnerCenter:
		return token{}, &tokenError{http.StatusBadRequest, "invalid_grant", wire.AADSTSNoConsent, "Partner Center tokens are issued by the partner's tenant only."}
	case scope != wire.ScopeGraph:
		return token{}, badScope(scope)
	}
	t, ok := s.catalog.tenant(tenantPath)
	if !ok {
		return token{}, tenantNotFound(tenantPath)
	}
	s.mu.Lock()
	linked := s.st.hasRelationship(t.ID)
	s.mu.Unlock()
	// With EnforceGDAP the partner's app has no consent in a customer's
	// tenant: a reseller relationship gives no directory access (issue 12,
	// part 3; the AADSTS65001 answer is an assumption, as below).
	if !linked || s.opts.EnforceGDAP {
		return token{}, &tokenError{http.StatusBadRequest, "invalid_grant", wire.AADSTSNoConsent,
			"The user or administrator has not consented to use the application with ID '" + ClientID + "' named '" + PartnerName + "'. Send an interactive authorization request for this user and resource."}
	}
	return token{Kind: graphApp, TenantID: t.ID}, nil
}

func (s *Sandbox) grantRefreshToken(r *http.Request, scope string) (token, *tokenError) {
	if err := s.checkPartnerApp(r); err != nil {
		return token{}, err
	}
	if !equalSecret(r.PostForm.Get("refresh_token"), RefreshToken) {
		return token{}, &tokenError{http.StatusBadRequest, "invalid_grant", 70000, "Provided grant is invalid or malformed."}
	}
	if scope == wire.ScopeGraph {
		return s.grantPartnerGraph(r.PathValue("tenant"))
	}
	if scope != wire.ScopePartnerCenter {
		return token{}, badScope(scope)
	}
	if tp := r.PathValue("tenant"); !isPartnerTenant(tp) && tp != "common" && tp != "organizations" {
		return token{}, tenantNotFound(tp)
	}
	return token{Kind: pcAppUser}, nil
}

// grantPassword is the resource-owner password grant (ROPC), which Entra ID
// refuses for users with MFA.
func (s *Sandbox) grantPassword(r *http.Request, scope string) (token, *tokenError) {
	if id := r.PostForm.Get("client_id"); !strings.EqualFold(id, PublicClientID) {
		return token{}, &tokenError{http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found in the directory."}
	}
	if scope != wire.ScopeGraph {
		return token{}, badScope(scope)
	}
	login := r.PostForm.Get("username")
	tenantPath := r.PathValue("tenant")
	if tenantPath == "common" || tenantPath == "organizations" {
		_, tenantPath, _ = strings.Cut(login, "@")
	}
	t, ok := s.catalog.tenant(tenantPath)
	if !ok {
		return token{}, tenantNotFound(tenantPath)
	}
	u, ok := t.Dir.byUPN(login)
	if !ok {
		return token{}, &tokenError{http.StatusBadRequest, "invalid_grant", wire.AADSTSUserNotFound, "User account '" + login + "' does not exist in tenant '" + t.Name + "' and cannot access the application '" + PublicClientID + "' in that tenant."}
	}
	if !u.Active || !u.passwordMatches(r.PostForm.Get("password")) {
		return token{}, &tokenError{http.StatusBadRequest, "invalid_grant", wire.AADSTSInvalidPassword, "Error validating credentials due to invalid username or password."}
	}
	if t.PublicClientNotConsented {
		return token{}, &tokenError{http.StatusBadRequest, "invalid_grant", wire.AADSTSNoConsent,
			"The user or administrator has not consented to use the application with ID '" + PublicClientID + "'. Send an interactive authorization request for this user and resource."}
	}
	if u.MFA {
		return token{}, &tokenError{http.StatusBadRequest, "invalid_grant", wire.AADSTSMFARequired,
			"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'."}
	}
	return token{Kind: graphUser, TenantID: t.ID, UserID: u.ID}, nil
}

// issue stores tok under a new opaque access token, dropping expired ones.
func (s *Sandbox) issue(tok token) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	access := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	tok.Expires = now.Add(tokenLifetime)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, t := range s.tokens {
		if !now.Before(t.Expires) {
			delete(s.tokens, k)
		}
	}
	s.tokens[access] = tok
	return access
}

// authenticate resolves the request's bearer token. It returns a reason
// when the token is missing, unknown or expired.
func (s *Sandbox) authenticate(r *http.Request) (token, string) {
	h := r.Header.Get("Authorization")
	scheme, access, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || access == "" {
		return token{}, "Access token is empty."
	}
	s.mu.Lock()
	tok, found := s.tokens[access]
	s.mu.Unlock()
	if !found {
		return token{}, "Access token validation failure. Invalid audience."
	}
	if !s.now().Before(tok.Expires) {
		return token{}, "Lifetime validation failed, the token is expired."
	}
	return tok, ""
}

// pcAccess says which Partner Center tokens a route accepts.
type pcAccess int

const (
	anyPC     pcAccess = iota // app-only or App+User
	appUserPC                 // App+User only
)

type tokenHandler func(w http.ResponseWriter, r *http.Request, tok token)

// pc wraps a Partner Center route: headers, faults, then authentication.
func (s *Sandbox) pc(access pcAccess, h tokenHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cv := r.Header.Get(wire.HeaderCV)
		if cv == "" {
			cv = base64.RawStdEncoding.EncodeToString([]byte(uuid.NewString()[:12])) + ".0"
		}
		w.Header().Set(wire.HeaderCV, cv)
		w.Header().Set(wire.HeaderServerID, serverID)
		if id := r.Header.Get(wire.HeaderRequestID); id != "" {
			w.Header().Set(wire.HeaderRequestID, id)
		}
		if cid := r.Header.Get(wire.HeaderCorrelationID); cid != "" {
			w.Header().Set(wire.HeaderCorrelationID, cid)
		}
		if s.injectFault(w, r, false) {
			return
		}
		tok, why := s.authenticate(r)
		switch {
		case why != "":
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writePCError(w, http.StatusUnauthorized, wire.CodeAccessDenied, "Unauthorized: "+why)
		case tok.Kind != pcAppOnly && tok.Kind != pcAppUser:
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writePCError(w, http.StatusUnauthorized, wire.CodeAccessDenied, "Unauthorized: the token's audience is not Partner Center.")
		case access == appUserPC && tok.Kind != pcAppUser:
			writePCError(w, http.StatusForbidden, wire.CodeAppUserRequired, "This operation requires App+User authentication; an app-only token was sent.")
		default:
			h(w, r, tok)
		}
	})
}

// graph wraps a Graph route: request id, faults, then authentication.
func (s *Sandbox) graph(h tokenHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("request-id", uuid.NewString())
		w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		if s.injectFault(w, r, true) {
			return
		}
		tok, why := s.authenticate(r)
		if why == "" && tok.Kind != graphApp && tok.Kind != graphUser && tok.Kind != graphPartner {
			why = "Access token validation failure. Invalid audience."
		}
		if why != "" {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeGraphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", why)
			return
		}
		h(w, r, tok)
	})
}
