package flow

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"onboard/msapi"
)

// The administrator check: the customer types the Global administrator's
// login, signs in on Microsoft's page — in a browser on this machine
// (authorization code with PKCE on a loopback redirect) where one can be
// opened, else with the device code (a code and a link, so it works from a
// kiosk, over SSH or on a phone) — and the result is checked: the tenant,
// the Global administrator role, the same person as the login typed. The
// password and the second factor never reach onboard.

// Admin sign-in methods (the provider's admin_sign_in setting).
const (
	SignInAuto       = "auto"        // the default: browser where one opens here and not a kiosk, else device code
	SignInBrowser    = "browser"     // Microsoft's page in a browser on this machine (PKCE, loopback redirect)
	SignInDeviceCode = "device-code" // Microsoft's page on any device, with a code
	SignInPassword   = "password"    // the password grant, for tenants that still allow it
)

// browserHandle marks a browser sign-in's handle (CheckAdminSignIn).
const browserHandle = "b:"

// Sentinels of the sign-in.
var (
	ErrSignInDeclined = msapi.ErrSignInDeclined
	ErrSignInExpired  = msapi.ErrSignInExpired
	// ErrSignInPageRequired: the password grant was refused because
	// Microsoft wants MFA or consent; the sign-in continues on Microsoft's
	// page (SignInRequired carries it).
	ErrSignInPageRequired = errors.New("Microsoft asks for the sign-in on its page")
)

// SignIn is a sign-in on Microsoft's page in progress.
type SignIn struct {
	ID string // handle for CheckAdminSignIn; the device code stays in flow/msapi
	// Browser: the page is opened in a browser on this machine (no code;
	// the page returns to onboard by itself).
	Browser   bool
	UserCode  string // the code the administrator enters on the page (device code)
	URL       string // the page
	ExpiresAt time.Time
	Interval  time.Duration
	Message   string // what to do, for people
	// AskPassword: the provider uses the password grant; ask the password
	// and call VerifyAdmin instead (no code, no page).
	AskPassword bool
}

// SignInRequired is VerifyAdmin's error when Microsoft refused the password
// grant for MFA or consent: SignIn is the sign-in on Microsoft's page that
// was started instead.
type SignInRequired struct {
	SignIn SignIn
	Cause  error
}

func (e *SignInRequired) Error() string {
	return "Microsoft asks for the sign-in on its page: " + e.Cause.Error()
}

func (e *SignInRequired) Unwrap() []error { return []error{ErrSignInPageRequired, e.Cause} }

// signInWait is how long one CheckAdminSignIn waits for the administrator
// before it answers "not yet".
const signInWait = 5 * time.Second

// StartAdminSignIn starts the administrator's sign-in on Microsoft's page
// with login as the login hint.
func (s *Service) StartAdminSignIn(ctx context.Context, login string) (SignIn, error) {
	login = strings.TrimSpace(login)
	if err := ValidateUPN(login); err != nil {
		return SignIn{}, fmt.Errorf("%w: login: %v", ErrInvalidAnswers, err)
	}
	if s.SkipAdminVerification {
		return SignIn{ID: signInID("skip", login)}, nil
	}
	if s.AdminSignIn == SignInPassword {
		return SignIn{AskPassword: true}, nil
	}
	return s.startPageSignIn(ctx, login)
}

type signInMethodKey struct{}

// WithSignInMethod asks StartAdminSignIn for one sign-in method over the
// provider's setting: a customer whose browser sign-in cannot finish here
// switches to the device code (SignInDeviceCode).
func WithSignInMethod(ctx context.Context, method string) context.Context {
	return context.WithValue(ctx, signInMethodKey{}, method)
}

// startPageSignIn starts the sign-in on Microsoft's page the setting
// chooses: in a browser here (browser, or auto where one can be opened),
// else the device code. With auto a browser sign-in that cannot start
// (no loopback port) falls back to the device code.
func (s *Service) startPageSignIn(ctx context.Context, login string) (SignIn, error) {
	mode := s.AdminSignIn
	if m, ok := ctx.Value(signInMethodKey{}).(string); ok && m != "" {
		mode = m
	}
	if mode == "" || mode == SignInPassword {
		mode = SignInAuto
	}
	if mode == SignInBrowser || (mode == SignInAuto && s.BrowserHere) {
		b, err := s.MS.StartAdminBrowserSignIn(ctx, login)
		switch {
		case err == nil:
			return SignIn{ID: signInID(browserHandle+b.ID, login), Browser: true, URL: b.URL, ExpiresAt: b.ExpiresAt,
				Message: "Sign in as " + login + " on Microsoft's page in your browser; this screen moves on by itself."}, nil
		case mode == SignInBrowser:
			return SignIn{}, fmt.Errorf("start browser sign-in of %s: %w", login, err)
		}
	}
	return s.startDeviceSignIn(ctx, login)
}

func (s *Service) startDeviceSignIn(ctx context.Context, login string) (SignIn, error) {
	d, err := s.MS.StartAdminSignIn(ctx, login)
	if err != nil {
		return SignIn{}, fmt.Errorf("start sign-in of %s: %w", login, err)
	}
	return SignIn{
		ID: signInID(d.ID, login), UserCode: d.UserCode, URL: d.VerificationURI,
		ExpiresAt: d.ExpiresAt, Interval: d.Interval,
		Message: "Open " + d.VerificationURI + ", enter the code " + d.UserCode + " and sign in as " + login + ".",
	}, nil
}

// signInID keeps the typed login with the handle, so that the check can
// compare it with who signed in.
func signInID(handle, login string) string {
	return handle + "." + base64.RawURLEncoding.EncodeToString([]byte(login))
}

func parseSignInID(id string) (handle, login string, ok bool) {
	h, enc, ok := strings.Cut(id, ".")
	if !ok {
		return "", "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || ValidateUPN(string(b)) != nil {
		return "", "", false
	}
	return h, string(b), true
}

// CheckAdminSignIn waits a few seconds for the sign-in to finish. done is
// false while the administrator has not signed in yet; when done, either
// the verified administrator or why not: ErrSignInDeclined,
// ErrSignInExpired, ErrNotGlobalAdmin, ErrAdminMismatch (another user
// signed in).
func (s *Service) CheckAdminSignIn(ctx context.Context, signInID string) (Admin, bool, error) {
	handle, login, ok := parseSignInID(signInID)
	if !ok {
		return Admin{}, true, fmt.Errorf("%w: unknown sign-in", ErrInvalidAnswers)
	}
	if handle == "skip" {
		if !s.SkipAdminVerification {
			return Admin{}, true, fmt.Errorf("%w: unknown sign-in", ErrInvalidAnswers)
		}
		return Admin{UPN: login}, true, nil
	}
	check := s.MS.CheckAdminSignIn
	if h, ok := strings.CutPrefix(handle, browserHandle); ok {
		handle, check = h, s.MS.CheckAdminBrowserSignIn
	}
	admin, done, err := check(ctx, handle, signInWait)
	if !done {
		return Admin{}, false, err
	}
	if err != nil {
		return Admin{}, true, fmt.Errorf("sign-in of %s: %w", login, signInError(err))
	}
	if !sameAdmin(admin.UPN, login) || admin.TenantID == "" {
		return Admin{}, true, fmt.Errorf("sign-in of %s: signed in as %s: %w", login, admin.UPN, ErrAdminMismatch)
	}
	return Admin{UPN: admin.UPN, DisplayName: admin.DisplayName, TenantID: admin.TenantID}, true, nil
}

// sameAdmin: the signed-in user is the login typed (case-insensitive).
func sameAdmin(signedIn, login string) bool {
	return strings.EqualFold(strings.TrimSpace(signedIn), strings.TrimSpace(login))
}

func signInError(err error) error {
	if errors.Is(err, msapi.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrSignInExpired, err)
	}
	return err
}
