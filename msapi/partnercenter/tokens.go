package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// tokenSource hands out bearer tokens for one audience.
type tokenSource interface {
	Token(ctx context.Context) (*oauth2.Token, error)
	// Invalidate drops a cached token Microsoft rejected (401).
	Invalidate()
}

// cachedToken caches one token and fetches a new one when it expires. Unlike
// oauth2.ReuseTokenSource it fetches under the caller's context, so a
// cancelled wizard step never waits on the token endpoint.
type cachedToken struct {
	sem   chan struct{} // one fetch at a time; waiting honours ctx
	tok   *oauth2.Token
	fetch func(ctx context.Context) (*oauth2.Token, error)
}

func newCachedToken(fetch func(ctx context.Context) (*oauth2.Token, error)) *cachedToken {
	return &cachedToken{sem: make(chan struct{}, 1), fetch: fetch}
}

func (t *cachedToken) Token(ctx context.Context) (*oauth2.Token, error) {
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-t.sem }()
	if t.tok.Valid() {
		return t.tok, nil
	}
	tok, err := t.fetch(ctx)
	if err != nil {
		return nil, err
	}
	t.tok = tok
	return tok, nil
}

func (t *cachedToken) Invalidate() {
	t.sem <- struct{}{}
	t.tok = nil
	<-t.sem
}

func (c *Client) tokenURL(tenant string) string {
	return c.loginURL + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/token"
}

// oauthContext makes x/oauth2 use the configured HTTP client.
func (c *Client) oauthContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.http)
}

// appOnlyFetcher gets app-only tokens (client credentials) for scope in tenant.
func (c *Client) appOnlyFetcher(tenant, scope string) func(context.Context) (*oauth2.Token, error) {
	cc := &clientcredentials.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		TokenURL:     c.tokenURL(tenant),
		Scopes:       []string{scope},
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	return func(ctx context.Context) (*oauth2.Token, error) {
		return cc.Token(c.oauthContext(ctx))
	}
}

// appUserFetcher redeems the partner's refresh token (App+User). Entra ID's
// v2.0 endpoint wants scope= on a refresh, which oauth2.Config's refresh
// never sends; clientcredentials.Config sends it and explicitly allows
// grant_type to be overridden. Entra ID may rotate the refresh token; the
// newest one is kept in memory only. Called under the cachedToken's
// semaphore, so refresh needs no lock of its own.
func (c *Client) appUserFetcher() func(context.Context) (*oauth2.Token, error) {
	refresh := c.cfg.RefreshToken
	return func(ctx context.Context) (*oauth2.Token, error) {
		cc := &clientcredentials.Config{
			ClientID:     c.cfg.ClientID,
			ClientSecret: c.cfg.ClientSecret,
			TokenURL:     c.tokenURL(c.cfg.PartnerTenantID),
			Scopes:       []string{wire.ScopePartnerCenter},
			AuthStyle:    oauth2.AuthStyleInParams,
			EndpointParams: url.Values{
				"grant_type":    {"refresh_token"},
				"refresh_token": {refresh},
			},
		}
		tok, err := cc.Token(c.oauthContext(ctx))
		if err != nil {
			return nil, err
		}
		if tok.RefreshToken != "" {
			refresh = tok.RefreshToken
		}
		return tok, nil
	}
}

// pcUserToken is the App+User token source, or an error when the client was
// configured without a refresh token.
func (c *Client) pcUserToken(op string) (tokenSource, error) {
	if c.pcUser == nil {
		return nil, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest,
			Message: "this call needs App+User sign-in; Config.RefreshToken is empty"}
	}
	return c.pcUser, nil
}

// passwordToken signs in as the administrator (resource-owner password grant).
func (c *Client) passwordToken(ctx context.Context, domain, login, password string) (*oauth2.Token, error) {
	conf := &oauth2.Config{
		ClientID: c.cfg.PublicClientID,
		Endpoint: oauth2.Endpoint{TokenURL: c.tokenURL(domain), AuthStyle: oauth2.AuthStyleInParams},
		Scopes:   []string{wire.ScopeGraph},
	}
	return conf.PasswordCredentialsToken(c.oauthContext(ctx), login, password)
}

var aadstsCode = regexp.MustCompile(`AADSTS(\d+)`)

// tokenFailure classifies an error from x/oauth2: throttling, server and
// transport failures are retried; Entra ID's verdicts become sentinels.
// passwordGrant makes unknown invalid_grant verdicts ErrBadCredentials (a
// locked, disabled or expired account is, to the person typing, a sign-in
// failure). secrets are masked from every message.
func (c *Client) tokenFailure(op string, err error, passwordGrant bool, secrets ...string) error {
	var classified *msapi.APIError
	var retry *retryableError
	if errors.As(err, &classified) || errors.As(err, &retry) {
		return err // already classified by the token source
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return c.retrieveFailure(op, re, passwordGrant, secrets...)
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return &retryableError{cause: errors.New(sanitize(err.Error(), secrets...))}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &msapi.APIError{Op: op, Err: msapi.ErrUnavailable,
		Message: "token endpoint answered with a malformed response: " + sanitize(err.Error(), secrets...)}
}

func (c *Client) retrieveFailure(op string, re *oauth2.RetrieveError, passwordGrant bool, secrets ...string) error {
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	msg := sanitize(re.ErrorDescription, secrets...)
	if msg == "" {
		msg = sanitize(re.ErrorCode, secrets...)
	}
	if retryableStatus(status) {
		ra := noRetryAfter
		if re.Response != nil {
			ra = parseRetryAfter(re.Response.Header.Get("Retry-After"), c.now())
		}
		return &retryableError{status: status, retryAfter: ra, message: msg}
	}
	code := sanitize(re.ErrorCode, secrets...)
	sentinel, hint := error(msapi.ErrInvalidRequest), ""
	if m := aadstsCode.FindStringSubmatch(re.ErrorDescription); m != nil {
		code = "AADSTS" + m[1]
		if err, h, ok := Describe(code); ok {
			sentinel, hint = err, h
		}
	}
	if passwordGrant && ((sentinel == msapi.ErrInvalidRequest && re.ErrorCode == "invalid_grant") || code == aadstsTenantNotFound) {
		// To the person typing, a locked, disabled or unknown account (or
		// a domain of no tenant) is a failed sign-in.
		sentinel = msapi.ErrBadCredentials
	}
	if msg == "" {
		msg = fmt.Sprintf("token endpoint refused (HTTP %d)", status)
	}
	return &msapi.APIError{Op: op, Status: status, Code: code, Message: msg, Hint: hint, Err: sentinel}
}

// aadstsTenantNotFound is "AADSTS90002: Tenant not found": for a sign-in,
// the login's domain belongs to no Microsoft tenant.
const aadstsTenantNotFound = "AADSTS90002"
