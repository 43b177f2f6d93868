// Package flow is the onboarding domain: the wizard's steps and their
// validation, the catalog, the order lifecycle and its policies, payment
// orchestration and the provisioning pipeline. It talks to Microsoft, the
// payment gateway and storage through interfaces only.
package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"onboard/msapi"
	"onboard/payment"
)

// More sentinel errors callers branch on.
var (
	ErrNotPayable      = errors.New("order is not waiting for payment")
	ErrNotReady        = errors.New("order is not ready to be processed")
	ErrConsentPending  = errors.New("the invitation has not been accepted yet")
	ErrTenantMismatch  = errors.New("the account is a different Microsoft tenant than the order's")
	ErrNotEnoughSeats  = errors.New("not enough licenses left")
	ErrAmountMismatch  = errors.New("payment amount differs from the order total")
	ErrAdminMismatch   = errors.New("Microsoft verified a different user than the login given")
	ErrInvalidAnswers  = errors.New("answers are incomplete")
	ErrUnknownCheckout = errors.New("checkout does not belong to this order")
)

// Defaults of Service.
const (
	DefaultDraftTTL = 7 * 24 * time.Hour
	// DefaultUserBatch is users handed to the store at a time (whole
	// pages). The store decides when to commit: a store.DB import grows its
	// transactions with the tenant (docs/performance.md).
	DefaultUserBatch = 10000
)

// Service runs both flows. Set the dependencies and settings, then call its
// methods from any goroutine: it keeps no state of its own between calls.
type Service struct {
	MS      msapi.Microsoft
	Store   Store
	Pay     payment.Gateway
	Catalog Catalog
	Policy  Policy
	Actor   Actor
	Now     func() time.Time // default time.Now
	// DraftTTL is how long a saved draft can be resumed (default 7 days).
	DraftTTL time.Duration
	// InvitationURLOverride is the provider's fixed "Invitation URL"
	// setting; it wins over Microsoft's when set.
	InvitationURLOverride string
	// SkipAdminVerification is the reseller setting that turns the Global
	// administrator check off. The zero value verifies, so a forgotten
	// setting never lowers security.
	SkipAdminVerification bool
	// AdminSignIn is how the administrator signs in: SignInAuto (the
	// default), SignInBrowser, SignInDeviceCode (Microsoft's page) or
	// SignInPassword (the password grant, which falls back to Microsoft's
	// page when MFA or consent is needed).
	AdminSignIn string
	// BrowserHere: a browser can be opened on this machine and it is not a
	// kiosk, so SignInAuto signs in there (PKCE) rather than with a code.
	BrowserHere bool
	UserBatch   int // users saved per batch (default DefaultUserBatch)
	// OrderPolls and OrderPollWait bound the polling of a pending Microsoft
	// order (defaults DefaultOrderPolls, DefaultOrderPollWait).
	OrderPolls    int
	OrderPollWait time.Duration
	// GDAP are the provider's admin relationship settings (issue 12 part 3, flow/gdap.go).
	GDAP GDAPSettings
	// PublicURL is where phones reach onboard serve's HTTP (config
	// public_url); with it and ShortLinks, long links are shown as short
	// ones it redirects (flow/shortlinks.go). Empty: links as they are.
	PublicURL  string
	ShortLinks ShortLinkStore
	// ShortLinkTTL is how long a short link lasts after it was last shown
	// (default DefaultShortLinkTTL).
	ShortLinkTTL time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) draftTTL() time.Duration {
	if s.DraftTTL > 0 {
		return s.DraftTTL
	}
	return DefaultDraftTTL
}

func (s *Service) userBatch() int {
	if s.UserBatch > 0 {
		return s.UserBatch
	}
	return DefaultUserBatch
}

func (s *Service) policy() Policy {
	if s.Policy == "" {
		return PolicyPayFirst
	}
	return s.Policy
}

func (s *Service) event(ctx context.Context, orderID, action, from, to, detail string) AuditEvent {
	return AuditEvent{At: s.now(), Actor: s.actor(ctx), OrderID: orderID, Action: action, From: from, To: to, Detail: detail}
}

// transition moves o from its state to to, checking the lifecycle, and
// records the audit event in the same store transaction.
func (s *Service) transition(ctx context.Context, o *Order, to OrderStatus, reason string) error {
	if err := checkTransition(o.Status, to); err != nil {
		return fmt.Errorf("order %s: %w", o.Number, err)
	}
	ev := s.event(ctx, o.ID, "order.transition", string(o.Status), string(to), reason)
	if err := s.Store.TransitionOrder(ctx, o.ID, o.Status, to, reason, ev); err != nil {
		return fmt.Errorf("move order %s from %s to %s: %w", o.Number, o.Status, to, err)
	}
	if to == StatusFailed {
		o.FailedFrom, o.FailReason = o.Status, reason
	} else {
		o.FailReason = ""
	}
	o.Status = to
	return nil
}

// VerifyAdmin checks that login is a Global administrator of its tenant with
// the password grant (the admin_sign_in = "password" setting). The password
// is passed to Microsoft for this call only: never stored, logged or put in
// an error. When Microsoft answers that MFA or consent is required, the
// sign-in on Microsoft's page is started instead and returned in a
// *SignInRequired error. With verification turned off it returns
// Admin{UPN: login}.
func (s *Service) VerifyAdmin(ctx context.Context, login, password string) (Admin, error) {
	login = strings.TrimSpace(login)
	if err := ValidateUPN(login); err != nil {
		return Admin{}, fmt.Errorf("%w: login: %v", ErrInvalidAnswers, err)
	}
	if s.SkipAdminVerification {
		return Admin{UPN: login}, nil
	}
	admin, err := s.MS.VerifyGlobalAdmin(ctx, login, password)
	if errors.Is(err, msapi.ErrMFARequired) || errors.Is(err, msapi.ErrConsentRequired) {
		in, serr := s.startPageSignIn(ctx, login)
		if serr != nil {
			return Admin{}, fmt.Errorf("verify administrator %s: %w (and %w)", login, err, serr)
		}
		return Admin{}, &SignInRequired{SignIn: in, Cause: err}
	}
	if err != nil {
		return Admin{}, fmt.Errorf("verify administrator %s: %w", login, err)
	}
	// The login and the signed-in user's domain must agree: a token for
	// another account must not pass as this one.
	if !strings.EqualFold(admin.UPN, login) || admin.TenantID == "" {
		return Admin{}, fmt.Errorf("verify administrator %s: %w", login, ErrAdminMismatch)
	}
	return Admin{UPN: admin.UPN, DisplayName: admin.DisplayName, TenantID: admin.TenantID}, nil
}

// InvitationURL is the page the customer's administrator opens to accept
// the provider: the configured override, else Microsoft's.
func (s *Service) InvitationURL(ctx context.Context) (string, error) {
	if u := strings.TrimSpace(s.InvitationURLOverride); u != "" {
		return u, nil
	}
	u, err := s.MS.InvitationURL(ctx)
	if err != nil {
		return "", fmt.Errorf("get invitation URL: %w", err)
	}
	return u, nil
}

// CheckDomain reports whether the initial domain (or its prefix) exists.
func (s *Service) CheckDomain(ctx context.Context, domain string) (bool, error) {
	d, err := ValidateInitialDomain(domain)
	if err != nil {
		return false, fmt.Errorf("%w: domain: %v", ErrInvalidAnswers, err)
	}
	exists, err := s.MS.DomainExists(ctx, d)
	if err != nil {
		return false, fmt.Errorf("check domain %s: %w", d, err)
	}
	return exists, nil
}

// InvitationAccepted asks once whether the tenant of domain accepted the
// invitation (the agent's wait, before the order exists).
func (s *Service) InvitationAccepted(ctx context.Context, domain string) (bool, error) {
	_, ok, err := s.lookupConsent(ctx, "", domain)
	return ok, err
}

// CheckConsent asks once whether the order's tenant accepted the invitation;
// when it did, the tenant is recorded and the order moves on per its policy.
// While it waits, a tenant that became the partner's customer meanwhile is
// reported as OtherTenant: the administrator most likely accepted with the
// wrong account.
func (s *Service) CheckConsent(ctx context.Context, orderID string) (Consent, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Consent{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.Status != StatusAwaitingConsent {
		return Consent{Order: o, Accepted: o.TenantID != ""}, nil
	}
	c, accepted, err := s.lookupConsent(ctx, o.TenantID, orderConsentDomain(o))
	if err != nil {
		return Consent{Order: o}, err
	}
	if !accepted {
		other, err := s.otherTenantAccepted(ctx, o)
		return Consent{Order: o, OtherTenant: other}, err
	}
	if o, err = s.consentAccepted(ctx, o.ID, c); err != nil {
		return Consent{Order: o}, err
	}
	return Consent{Order: o, Accepted: true}, nil
}

// orderConsentDomain is the domain to look the order's customer up by.
func orderConsentDomain(o Order) string {
	if o.TenantDomain != "" {
		return o.TenantDomain
	}
	if _, d, ok := splitAt(o.AdminUPN); ok {
		return d
	}
	return ""
}

// lookupConsent polls once: accepted when the partner sees the customer
// with a reseller relationship. By tenant id when known (get-a-customer-by-id):
// the domain search matches the initial *.onmicrosoft.com domain only.
func (s *Service) lookupConsent(ctx context.Context, tenantID, domain string) (msapi.Customer, bool, error) {
	tenantID = strings.TrimSpace(tenantID)
	domain = strings.ToLower(strings.TrimSpace(domain))
	var c msapi.Customer
	var err error
	switch {
	case tenantID != "":
		c, err = s.MS.GetCustomer(ctx, tenantID)
	case domain != "":
		c, err = s.MS.FindCustomerByDomain(ctx, domain)
	default:
		return msapi.Customer{}, false, fmt.Errorf("%w: no domain to look up", ErrInvalidAnswers)
	}
	// Not the partner's customer (yet). get-a-customer-by-id names no error
	// for that: a 404, or the "no relationship" code, both mean waiting.
	if errors.Is(err, msapi.ErrNotFound) || errors.Is(err, msapi.ErrRelationshipMissing) {
		return msapi.Customer{}, false, nil
	}
	if err != nil {
		return msapi.Customer{}, false, fmt.Errorf("check invitation of %s: %w", firstNonEmpty(domain, tenantID), err)
	}
	return c, c.Relationship == msapi.RelationshipReseller, nil
}

// consentDomain is the domain to look the customer up by: the initial
// domain when known, else the administrator's login domain.
func (a Answers) consentDomain() string {
	if a.Domain != "" {
		return a.Domain
	}
	login := a.AdminUPN
	if login == "" {
		login = a.AdminLogin
	}
	if _, d, ok := splitAt(login); ok {
		return d
	}
	return ""
}

// deterministicID derives a stable GUID from parts so a retried call to
// Microsoft carries the same MS-RequestId (its idempotency key).
func deterministicID(parts ...string) string {
	return uuid.NewSHA1(requestNamespace, []byte(strings.Join(parts, "\x00"))).String()
}

var requestNamespace = uuid.MustParse("8a0c3a55-2f0e-4d57-9d3b-0f5d6c9e4b21")
