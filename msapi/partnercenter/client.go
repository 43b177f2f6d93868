// Package partnercenter is the real Microsoft behind the msapi port: the
// HTTP client of Partner Center, the Entra ID token endpoint and Microsoft
// Graph (retries, throttling, paging, OAuth), the documented error-code
// table that turns Microsoft's error bodies into msapi's sentinels, and the
// wire shapes (partnercenter/wire, shared with msapi/sandbox, which serves
// them). Only the composition root (cli) and tests import it.
package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// Defaults of Config fields.
const (
	DefaultPartnerCenterURL = "https://api.partnercenter.microsoft.com"
	DefaultGraphURL         = "https://graph.microsoft.com/v1.0"
	DefaultLoginURL         = "https://login.microsoftonline.com"
	DefaultTimeout          = 30 * time.Second

	DefaultMaxAttempts = 5
	DefaultBaseBackoff = 500 * time.Millisecond
	DefaultMaxBackoff  = 30 * time.Second
	DefaultLocale      = "en-US"
	// MaxPageSize is the largest $top Graph accepts for users.
	MaxPageSize = 999
)

// DefaultGDAPApprovalURL is the prefix of the customer's approval link; the
// relationship id follows it.
const DefaultGDAPApprovalURL = "https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/"

// Config configures the real Microsoft client.
type Config struct {
	PartnerCenterURL string // default DefaultPartnerCenterURL
	GraphURL         string // default DefaultGraphURL
	LoginURL         string // default DefaultLoginURL
	PartnerTenantID  string
	ClientID         string
	ClientSecret     string
	RefreshToken     string // App+User: relationship requests and trial conversions need it
	PublicClientID   string // the public client used for the administrator's password sign-in
	Locale           string // X-Locale, default "en-US"
	// Deprecated: ignored. MS-CorrelationId is fresh for every call, as
	// the headers page says (see WithCorrelationID).
	CorrelationID string
	Timeout       time.Duration // per attempt, default DefaultTimeout
	MaxAttempts   int           // default 5
	BaseBackoff   time.Duration // default 500ms; tests set tiny values
	MaxBackoff    time.Duration // default 30s; caps the back-off, never a Retry-After Microsoft gives
	HTTPClient    *http.Client
	Sleep         func(ctx context.Context, d time.Duration) error // injectable clock; default real timer honouring ctx
	PageSize      int                                              // users page size asked for (Graph $top, max 999; default 999)
	// GDAPApprovalURL is the prefix of the customer's GDAP approval link
	// (default DefaultGDAPApprovalURL); the relationship id is appended.
	GDAPApprovalURL string
}

// Client is the production Microsoft client: Partner Center REST v1, the
// Entra ID v2.0 token endpoint and Microsoft Graph v1.0. It is safe for
// concurrent use.
type Client struct {
	cfg      Config
	pcURL    string // without trailing slash
	graphURL string
	loginURL string
	http     *http.Client
	now      func() time.Time

	pcApp  *cachedToken // app-only Partner Center token
	pcUser *cachedToken // App+User Partner Center token; nil without a refresh token

	graphMu     sync.Mutex
	graphTokens map[string]*cachedToken // per customer tenant

	signIns handles[*pendingSignIn] // device code sign-ins in progress (signin.go)
	// browserSignIns are the PKCE sign-ins in progress (signin_browser.go).
	browserSignIns handles[*browserSignIn]
}

var _ msapi.Microsoft = (*Client)(nil)

// New validates cfg, fills in defaults and returns a client. It does not
// contact Microsoft.
func New(cfg Config) (*Client, error) {
	cfg = withDefaults(cfg)
	if err := validate(cfg); err != nil {
		return nil, fmt.Errorf("msapi config: %w", err)
	}
	c := &Client{
		cfg:         cfg,
		pcURL:       strings.TrimRight(cfg.PartnerCenterURL, "/"),
		graphURL:    strings.TrimRight(cfg.GraphURL, "/"),
		loginURL:    strings.TrimRight(cfg.LoginURL, "/"),
		http:        cfg.HTTPClient,
		now:         time.Now,
		graphTokens: make(map[string]*cachedToken),
	}
	c.pcApp = newCachedToken(c.appOnlyFetcher(cfg.PartnerTenantID, wire.ScopePartnerCenter))
	if cfg.RefreshToken != "" {
		c.pcUser = newCachedToken(c.appUserFetcher())
	}
	return c, nil
}

func withDefaults(cfg Config) Config {
	def := func(s *string, v string) {
		if strings.TrimSpace(*s) == "" {
			*s = v
		}
	}
	def(&cfg.PartnerCenterURL, DefaultPartnerCenterURL)
	def(&cfg.GraphURL, DefaultGraphURL)
	def(&cfg.LoginURL, DefaultLoginURL)
	def(&cfg.Locale, DefaultLocale)
	def(&cfg.GDAPApprovalURL, DefaultGDAPApprovalURL)
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = DefaultBaseBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.PageSize <= 0 || cfg.PageSize > MaxPageSize {
		cfg.PageSize = MaxPageSize
	}
	return cfg
}

func validate(cfg Config) error {
	var errs []error
	for _, u := range []struct{ name, value string }{
		{"PartnerCenterURL", cfg.PartnerCenterURL},
		{"GraphURL", cfg.GraphURL},
		{"LoginURL", cfg.LoginURL},
	} {
		if err := validateBaseURL(u.value); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", u.name, u.value, err))
		}
	}
	for _, f := range []struct{ name, value string }{
		{"PartnerTenantID", cfg.PartnerTenantID},
		{"ClientID", cfg.ClientID},
		{"ClientSecret", cfg.ClientSecret},
		{"PublicClientID", cfg.PublicClientID},
	} {
		if strings.TrimSpace(f.value) == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	if cfg.MaxBackoff < cfg.BaseBackoff {
		errs = append(errs, fmt.Errorf("MaxBackoff %v is below BaseBackoff %v", cfg.MaxBackoff, cfg.BaseBackoff))
	}
	return errors.Join(errs...)
}

func validateBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return errors.New("scheme must be https (or http for a local sandbox)")
	}
	if u.Host == "" {
		return errors.New("host is missing")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must not carry a query or fragment")
	}
	return nil
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
