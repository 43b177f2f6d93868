// Package msapi is the Microsoft side of onboard: the interface the onboarding
// flow needs, the real HTTP client for Partner Center, the Entra ID token
// endpoint and Microsoft Graph, and (in msapi/sandbox) a fake Microsoft that
// serves the same endpoints. Wire types stay in msapi/wire; callers only see
// the domain types below.
package msapi

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors callers branch on. Errors returned by the client wrap one
// of these (check with errors.Is) and carry Microsoft's decoded message.
var (
	ErrNotFound             = errors.New("not found")
	ErrBadCredentials       = errors.New("wrong login or password")
	ErrNotGlobalAdmin       = errors.New("user is not a Global administrator")
	ErrMFARequired          = errors.New("account requires multi-factor authentication")
	ErrRelationshipMissing  = errors.New("no reseller relationship with this customer")
	ErrAgreementMissing     = errors.New("Microsoft Customer Agreement not accepted")
	ErrThrottled            = errors.New("Microsoft is throttling requests; retries exhausted")
	ErrUnavailable          = errors.New("Microsoft is unavailable")
	ErrInvalidRequest       = errors.New("request rejected by Microsoft")
	ErrConversionIneligible = errors.New("trial cannot be converted to that offer")
	ErrDomainTaken          = errors.New("the domain name is already taken")
)

// GlobalAdminRoleTemplateID is the role template id of "Global Administrator"
// (legacy name "Company Administrator").
const GlobalAdminRoleTemplateID = "62e90394-69f5-4237-9190-012177145e10"

// Relationship is a customer's relationship to the partner.
type Relationship string

const (
	RelationshipNone     Relationship = "none"
	RelationshipReseller Relationship = "reseller"
	RelationshipAdvisor  Relationship = "advisor"
)

// Customer is a customer tenant as the partner sees it.
type Customer struct {
	TenantID     string
	Domain       string // the initial domain, name.onmicrosoft.com
	CompanyName  string
	Relationship Relationship
}

// Admin is a verified Global administrator.
type Admin struct {
	UserID      string
	UPN         string
	DisplayName string
	TenantID    string
}

// User is a user of a customer tenant with the SKUs assigned to it.
type User struct {
	ID            string
	UPN           string
	FirstName     string
	LastName      string
	DisplayName   string
	UsageLocation string
	Active        bool
	SkuIDs        []string // assigned license SKU ids
}

// License is one license assigned to a user.
type License struct {
	SkuID         string
	SkuName       string
	SkuPartNumber string
}

// Domain is a domain of a customer tenant.
type Domain struct {
	Name       string
	IsInitial  bool
	IsDefault  bool
	IsVerified bool
}

// Subscription is a subscription of a customer tenant visible to the partner.
// Trials are subscriptions too.
type Subscription struct {
	ID           string
	OfferID      string
	OfferName    string
	Quantity     int
	Status       string // active, suspended, deleted, ...
	IsTrial      bool
	BillingCycle string
}

// SubscribedSKU is a SKU the tenant holds, from any source (this partner,
// another partner, Microsoft direct, trials) with its seat counts.
type SubscribedSKU struct {
	SkuID         string
	SkuPartNumber string
	SkuName       string
	TotalUnits    int
	ConsumedUnits int
	Status        string
}

// OrderLine is one line of a purchase.
type OrderLine struct {
	OfferID      string
	FriendlyName string
	Quantity     int
}

// OrderRequest is a purchase for a customer. RequestID is the idempotency key:
// placing the same RequestID again returns the first order.
type OrderRequest struct {
	RequestID    string
	BillingCycle string // "monthly" or "annual"
	Lines        []OrderLine
}

// Order is a placed order.
type Order struct {
	ID     string
	Status string // pending, completed, cancelled, unknown
	Lines  []OrderedLine
}

// OrderedLine is a line of a placed order with the subscription it created.
type OrderedLine struct {
	OfferID        string
	Quantity       int
	SubscriptionID string
}

// Conversion is the result of converting a trial. The subscription id of the
// trial is kept.
type Conversion struct {
	SubscriptionID string
	OfferID        string // the trial offer
	TargetOfferID  string
	Quantity       int
}

// NewCustomer is a customer (and a new tenant) to create. The billing
// profile fields are the customer's contact and address.
type NewCustomer struct {
	// DomainPrefix is the wanted initial domain: "contoso" for
	// contoso.onmicrosoft.com (a full initial domain is accepted too).
	DomainPrefix string
	CompanyName  string
	FirstName    string
	LastName     string
	Email        string
	Phone        string
	AddressLine1 string
	AddressLine2 string
	City         string
	State        string
	PostalCode   string
	Country      string // ISO 3166-1 alpha-2
	Culture      string // e.g. "en-US"; default "en-US"
	Language     string // e.g. "en"; default "en"
	// RequestID is the idempotency key (MS-RequestId), stable across retries.
	RequestID string
}

// CreatedCustomer is a customer just created. AdminPassword is the first
// administrator's password: Microsoft returns it once; show it once and never
// store or log it. It is empty when the customer was created earlier.
type CreatedCustomer struct {
	TenantID      string
	Domain        string // the initial domain, name.onmicrosoft.com
	AdminUserName string
	AdminPassword string
}

// AgreementAcceptance is the attestation that a customer's contact accepted
// the Microsoft Customer Agreement on DateAgreed.
type AgreementAcceptance struct {
	FirstName  string
	LastName   string
	Email      string
	Phone      string
	DateAgreed time.Time
}

// Microsoft is what the onboarding flow needs from Microsoft. Every call
// takes a context first and honours its deadline.
type Microsoft interface {
	// InvitationURL is the reseller relationship request URL the customer's
	// Global administrator opens to accept the partner.
	InvitationURL(ctx context.Context) (string, error)
	// FindCustomerByDomain returns the partner's customer whose initial or
	// other domain is domain; ErrNotFound when the partner has no such customer.
	FindCustomerByDomain(ctx context.Context, domain string) (Customer, error)
	// GetCustomer returns the partner's customer whose tenant is tenantID
	// (get-a-customer-by-id); ErrNotFound when it is not the partner's customer.
	GetCustomer(ctx context.Context, tenantID string) (Customer, error)
	// ListCustomers returns all the partner's customers (get-a-list-of-customers),
	// in no documented order.
	ListCustomers(ctx context.Context) ([]Customer, error)
	// DomainExists reports whether domain is taken by any Microsoft tenant.
	DomainExists(ctx context.Context, domain string) (bool, error)
	// VerifyGlobalAdmin signs in as login with password and checks the Global
	// administrator role. Errors: ErrBadCredentials, ErrMFARequired,
	// ErrNotGlobalAdmin. The password is used for this call only.
	VerifyGlobalAdmin(ctx context.Context, login, password string) (Admin, error)
	// StartAdminSignIn starts the device code sign-in of login on
	// Microsoft's page; the device code stays inside the implementation.
	StartAdminSignIn(ctx context.Context, login string) (DeviceSignIn, error)
	// CheckAdminSignIn waits up to wait for the sign-in id; done is false
	// while it is pending. Errors: ErrSignInDeclined, ErrSignInExpired,
	// ErrNotGlobalAdmin, ErrNotFound.
	CheckAdminSignIn(ctx context.Context, id string, wait time.Duration) (admin Admin, done bool, err error)
	// Users streams the tenant's users page by page; fn is called once per page.
	Users(ctx context.Context, tenantID string, fn func(page []User) error) error
	UserLicenses(ctx context.Context, tenantID, userID string) ([]License, error)
	Domains(ctx context.Context, tenantID string) ([]Domain, error)
	Subscriptions(ctx context.Context, tenantID string) ([]Subscription, error)
	SubscribedSKUs(ctx context.Context, tenantID string) ([]SubscribedSKU, error)
	DirectoryRoleMembers(ctx context.Context, tenantID, roleTemplateID string) ([]User, error)
	// ConvertTrial converts trial subscriptionID to targetOfferID; requestID
	// is the idempotency key (MS-RequestId), stable across retries.
	ConvertTrial(ctx context.Context, tenantID, subscriptionID, targetOfferID string, quantity int, requestID string) (Conversion, error)
	// PlaceOrder buys; ErrRelationshipMissing when the customer has not accepted.
	PlaceOrder(ctx context.Context, tenantID string, req OrderRequest) (Order, error)
	// AssignLicenses adds (and removes) license SKUs of a user.
	AssignLicenses(ctx context.Context, tenantID, userID string, add, remove []string) error
	// CreateCustomer creates a new tenant as a customer of the partner.
	// ErrDomainTaken when the domain prefix is taken.
	CreateCustomer(ctx context.Context, c NewCustomer) (CreatedCustomer, error)
	// AcceptAgreement records the customer's acceptance of the Microsoft
	// Customer Agreement (App+User); nil when it is already accepted.
	AcceptAgreement(ctx context.Context, tenantID string, a AgreementAcceptance) error
	// HasAgreement reports whether the customer accepted the Microsoft
	// Customer Agreement.
	HasAgreement(ctx context.Context, tenantID string) (bool, error)
}

// Defaults for the real client.
const (
	DefaultPartnerCenterURL = "https://api.partnercenter.microsoft.com"
	DefaultGraphURL         = "https://graph.microsoft.com/v1.0"
	DefaultLoginURL         = "https://login.microsoftonline.com"
	DefaultTimeout          = 30 * time.Second
)
