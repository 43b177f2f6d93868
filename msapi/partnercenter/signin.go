package partnercenter

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// The administrator signs in on Microsoft's page through the device code
// flow (Microsoft identity platform, "OAuth 2.0 device authorization
// grant"): the password and the second factor are entered there, never
// here. golang.org/x/oauth2 runs the protocol (DeviceAuth, DeviceAccessToken
// with its authorization_pending / slow_down handling).

// pendingSignIn is what the client keeps of a sign-in in progress.
type pendingSignIn struct {
	conf *oauth2.Config
	da   *oauth2.DeviceAuthResponse
}

func (p *pendingSignIn) expired(now time.Time) bool {
	return !p.da.Expiry.IsZero() && now.After(p.da.Expiry)
}

func (p *pendingSignIn) end(error) {} // holds nothing to release

// signInScopes: Graph for /me and /me/memberOf, openid and profile for the
// ID token that names the tenant (tid) and the user.
var signInScopes = []string{"openid", "profile", wire.ScopeGraph}

// deviceConfig is the public client's OAuth configuration at the login's
// tenant (its domain: Entra ID resolves verified domains to the tenant).
func (c *Client) deviceConfig(login string) *oauth2.Config {
	_, domain, _ := strings.Cut(login, "@")
	base := c.loginURL + "/" + strings.ToLower(domain) + "/oauth2/v2.0/"
	return &oauth2.Config{
		ClientID: c.cfg.PublicClientID,
		Endpoint: oauth2.Endpoint{
			DeviceAuthURL: base + "devicecode",
			TokenURL:      base + "token",
			AuthStyle:     oauth2.AuthStyleInParams,
		},
		Scopes: signInScopes,
	}
}

// StartAdminSignIn asks Microsoft for a device code for login (sent as
// login_hint).
func (c *Client) StartAdminSignIn(ctx context.Context, login string) (msapi.DeviceSignIn, error) {
	login = strings.TrimSpace(login)
	op := "start sign-in of " + sanitize(login)
	if !looksLikeLogin(login) {
		return msapi.DeviceSignIn{}, &msapi.APIError{Op: op, Err: msapi.ErrBadCredentials, Message: "the login must look like name@domain"}
	}
	conf := c.deviceConfig(login)
	da, err := conf.DeviceAuth(c.oauthContext(ctx), oauth2.SetAuthURLParam("login_hint", login))
	if err != nil {
		err = c.tokenFailure(op, err, false)
		var retry *retryableError
		if errors.As(err, &retry) {
			// No retry here: the person asks again (the screen offers it).
			return msapi.DeviceSignIn{}, &msapi.APIError{Op: op, Status: retry.status, Err: msapi.ErrUnavailable, Message: retry.Error()}
		}
		return msapi.DeviceSignIn{}, err
	}
	if da.DeviceCode == "" || da.UserCode == "" || da.VerificationURI == "" {
		return msapi.DeviceSignIn{}, &msapi.APIError{Op: op, Status: http.StatusOK, Err: msapi.ErrUnavailable, Message: "the devicecode answer lacks device_code, user_code or verification_uri"}
	}
	if da.Interval <= 0 {
		da.Interval = 5 // the default RFC 8628 names
	}
	id := c.signIns.put(&pendingSignIn{conf: conf, da: da}, c.now())
	return msapi.DeviceSignIn{
		ID: id, UserCode: da.UserCode, VerificationURI: da.VerificationURI,
		ExpiresAt: da.Expiry, Interval: time.Duration(da.Interval) * time.Second,
	}, nil
}

// CheckAdminSignIn waits up to wait for the sign-in id to finish. done is
// false while the administrator has not signed in yet. When done, the
// signed-in user is checked: the tenant from the ID token, the Global
// administrator role from Graph /me/memberOf. Errors: ErrSignInDeclined,
// ErrSignInExpired, ErrNotGlobalAdmin, ErrNotFound (unknown id).
func (c *Client) CheckAdminSignIn(ctx context.Context, id string, wait time.Duration) (msapi.Admin, bool, error) {
	p, ok := c.signIns.get(id)
	op := "check sign-in"
	if !ok {
		return msapi.Admin{}, true, &msapi.APIError{Op: op, Err: msapi.ErrNotFound, Message: "no sign-in in progress with that id"}
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tok, err := p.conf.DeviceAccessToken(c.oauthContext(wctx), p.da)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return msapi.Admin{}, false, ctx.Err()
		case !p.da.Expiry.IsZero() && !c.now().Before(p.da.Expiry):
			c.signIns.drop(id)
			return msapi.Admin{}, true, &msapi.APIError{Op: op, Err: msapi.ErrSignInExpired, Message: "the code expired"}
		case errors.Is(err, context.DeadlineExceeded):
			return msapi.Admin{}, false, nil // still waiting for the administrator
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			switch re.ErrorCode {
			case "authorization_declined", "access_denied":
				c.signIns.drop(id)
				return msapi.Admin{}, true, &msapi.APIError{Op: op, Status: statusOf(re), Code: re.ErrorCode, Err: msapi.ErrSignInDeclined, Message: sanitize(re.ErrorDescription)}
			case "expired_token", "bad_verification_code":
				c.signIns.drop(id)
				return msapi.Admin{}, true, &msapi.APIError{Op: op, Status: statusOf(re), Code: re.ErrorCode, Err: msapi.ErrSignInExpired, Message: sanitize(re.ErrorDescription)}
			}
		}
		err = c.tokenFailure(op, err, false)
		var retry *retryableError
		if errors.As(err, &retry) {
			return msapi.Admin{}, false, nil // a throttled or failed poll: poll again
		}
		c.signIns.drop(id)
		return msapi.Admin{}, true, err
	}
	c.signIns.drop(id)
	admin, err := c.signedInAdmin(ctx, op, tok)
	return admin, true, err
}

func statusOf(re *oauth2.RetrieveError) int {
	if re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// signedInAdmin checks the signed-in user: tenant from the ID token's tid
// (Graph /organization without one), the user and role through adminOf.
func (c *Client) signedInAdmin(ctx context.Context, op string, tok *oauth2.Token) (msapi.Admin, error) {
	return c.adminOf(ctx, op, &staticToken{tok: tok}, idTokenClaims(tok).TenantID)
}

// claims are the ID token claims the check reads.
type claims struct {
	TenantID string `json:"tid"`
	ObjectID string `json:"oid"`
	Username string `json:"preferred_username"`
}

// idTokenClaims reads the ID token of tok's answer. Its signature is not
// checked: the token comes straight from the token endpoint over TLS, which
// OpenID Connect Core 3.1.3.7 accepts in place of the signature.
func idTokenClaims(tok *oauth2.Token) claims {
	raw, _ := tok.Extra("id_token").(string)
	parts := strings.Split(raw, ".")
	if len(parts) < 2 {
		return claims{}
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return claims{}
	}
	var cl claims
	if json.Unmarshal(body, &cl) != nil {
		return claims{}
	}
	return cl
}

// staticToken is a token source of one token (the device code's).
type staticToken struct{ tok *oauth2.Token }

func (s *staticToken) Token(context.Context) (*oauth2.Token, error) { return s.tok, nil }
func (s *staticToken) Invalidate()                                  {}

func looksLikeLogin(login string) bool {
	at := strings.LastIndexByte(login, '@')
	return at > 0 && at < len(login)-1 && !strings.ContainsAny(login, " /\\?#")
}
