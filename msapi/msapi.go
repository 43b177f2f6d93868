// Package msapi is the port to Microsoft: the interface the onboarding flow
// needs, its domain types and the sentinel errors callers branch on. It links
// neither net/http nor OAuth: the real client for Partner Center, the Entra
// ID token endpoint and Microsoft Graph is msapi/partnercenter (wire shapes
// in msapi/partnercenter/wire), the fake Microsoft serving the same endpoints
// is msapi/sandbox, and only the composition root (cli) picks one.
package msapi

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Sentinel errors callers branch on. Errors returned by the client wrap one
// of these (check with errors.Is) and carry Microsoft's decoded message.
var (
	ErrNotFound       = errors.New("not found")
	ErrBadCredentials = errors.New("wrong login or password")
	// ErrTenantNotFound: no Microsoft tenant has the sign-in's domain
	// (AADSTS90002), a login mistyped after the @ most often.
	ErrTenantNotFound       = errors.New("no Microsoft tenant has this domain")
	ErrNotGlobalAdmin       = errors.New("user is not a Global administrator")
	ErrMFARequired          = errors.New("account requires multi-factor authentication")
	ErrRelationshipMissing  = errors.New("no reseller relationship with this customer")
	ErrAgreementMissing     = errors.New("Microsoft Customer Agreement not accepted")
	ErrThrottled            = errors.New("Microsoft is throttling requests; retries exhausted")
	ErrUnavailable          = errors.New("Microsoft is unavailable")
	ErrInvalidRequest       = errors.New("request rejected by Microsoft")
	ErrConversionIneligible = errors.New("trial cannot be converted to that offer")
	ErrDomainTaken          = errors.New("the domain name is already taken")
	// ErrOrderInProgress: Microsoft is still processing an order, a cart or
	// an operation on the subscription (800060, 800064, 800065, 800082,
	// 900278); look the order up again in a few minutes instead of repeating it.
	ErrOrderInProgress = errors.New("Microsoft is still processing an order for this customer")
	// ErrNotPurchasable: Microsoft will not sell this item to this customer
	// now (inventory, eligibility, limits, review); repeating does not help.
	ErrNotPurchasable = errors.New("Microsoft will not sell this item to this customer")
	// ErrAppOnlyNotSupported: the call needs App+User credentials (900329).
	ErrAppOnlyNotSupported = errors.New("this call needs App+User credentials")
)

// Sentinels of the device code sign-in.
var (
	ErrSignInDeclined = errors.New("the sign-in was declined on Microsoft's page")
	ErrSignInExpired  = errors.New("the sign-in code expired before it was used")
	// ErrConsentRequired is AADSTS65001 on the password grant: the public
	// client has no consent in that tenant; the sign-in page can ask for it.
	ErrConsentRequired = errors.New("the sign-in needs consent on Microsoft's page")
)

// DeviceSignIn is a device code sign-in in progress. ID is a handle: the
// device code itself stays inside the client.
type DeviceSignIn struct {
	ID              string
	UserCode        string
	VerificationURI string
	ExpiresAt       time.Time
	Interval        time.Duration
}

// BrowserSignIn is a sign-in in a browser on this machine (authorization
// code with PKCE on a loopback redirect) in progress: URL is the sign-in
// page to open; ID is a handle, the verifier stays inside the client.
type BrowserSignIn struct {
	ID        string
	URL       string
	ExpiresAt time.Time
}

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

// OrderLine is one line of a purchase. OfferID is the new-commerce catalog
// item id (productId:skuId:availabilityId).
type OrderLine struct {
	OfferID      string
	FriendlyName string
	Quantity     int
	TermDuration string // P1M, P1Y or P3Y; default P1M
	BillingCycle string // monthly or annual; default the request's, then monthly
}

// OrderRequest is a purchase for a customer. RequestID is the idempotency key:
// placing the same RequestID again returns the first order.
type OrderRequest struct {
	RequestID    string
	BillingCycle string // "monthly" or "annual"
	Lines        []OrderLine
}

// Order is a placed order. A new-commerce order is "pending" until Microsoft
// has provisioned it: its lines have subscription ids once "completed".
// CartID is the cart it was checked out from.
type Order struct {
	ID     string
	CartID string
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

// AdminLogin completes a user name Microsoft gave without a domain
// ("admin") with the tenant's initial domain: admin@name.onmicrosoft.com.
func AdminLogin(userName, domain string) string {
	userName = strings.TrimSpace(userName)
	if userName == "" || strings.Contains(userName, "@") || domain == "" {
		return userName
	}
	return userName + "@" + strings.ToLower(domain)
}

// Availability is a way a SKU is sold in a market: its id completes the
// catalog item id, and Terms are the term durations it is sold with.
type Availability struct {
	ID            string
	CatalogItemID string
	Purchasable   bool
	Terms         []string
}

// Product is a product of Partner Center's catalog in a market
// (product-resources: Product).
type Product struct {
	ID          string
	Title       string
	Description string
}

// SKU is a SKU of a product in a market (product-resources: Sku): the
// seats one order may buy and whether it is a trial.
type SKU struct {
	ID          string
	ProductID   string
	Title       string
	Description string
	MinQuantity int
	MaxQuantity int
	IsTrial     bool
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
	// StartAdminBrowserSignIn starts the sign-in of login in a browser on
	// this machine (authorization code with PKCE, loopback redirect).
	// ErrUnavailable when no loopback listener can be opened.
	StartAdminBrowserSignIn(ctx context.Context, login string) (BrowserSignIn, error)
	// CheckAdminBrowserSignIn is CheckAdminSignIn for a browser sign-in.
	CheckAdminBrowserSignIn(ctx context.Context, id string, wait time.Duration) (admin Admin, done bool, err error)
	// Users streams the tenant's users page by page; fn is called once per page.
	Users(ctx context.Context, tenantID string, fn func(page []User) error) error
	UserLicenses(ctx context.Context, tenantID, userID string) ([]License, error)
	Domains(ctx context.Context, tenantID string) ([]Domain, error)
	Subscriptions(ctx context.Context, tenantID string) ([]Subscription, error)
	SubscribedSKUs(ctx context.Context, tenantID string) ([]SubscribedSKU, error)
	DirectoryRoleMembers(ctx context.Context, tenantID, roleTemplateID string) ([]User, error)
	// ConvertTrial makes trial subscriptionID paid as target: its OfferID
	// (the paid catalog item), Quantity, TermDuration and BillingCycle
	// (defaults P1M, monthly). requestID is the idempotency key
	// (MS-RequestId), stable across retries.
	ConvertTrial(ctx context.Context, tenantID, subscriptionID string, target OrderLine, requestID string) (Conversion, error)
	// PlaceOrder buys through a cart and its checkout; ErrRelationshipMissing
	// when the customer has not accepted. The order may be pending.
	PlaceOrder(ctx context.Context, tenantID string, req OrderRequest) (Order, error)
	// CreateCart and CheckoutCart are PlaceOrder's two steps, for a caller
	// that records the cart between them: checking a cart out again answers
	// the first checkout (checkout-a-cart), so it never buys twice.
	CreateCart(ctx context.Context, tenantID string, req OrderRequest) (cartID string, err error)
	CheckoutCart(ctx context.Context, tenantID, cartID string) (Order, error)
	// GetOrder reads an order back (get-an-order-by-id), to see a pending
	// order complete.
	GetOrder(ctx context.Context, tenantID, orderID string) (Order, error)
	// Product reads a product of Partner Center's catalog in country
	// (get-a-product-by-id); ErrNotFound when it is not sold there.
	Product(ctx context.Context, productID, country string) (Product, error)
	// SKUs lists a product's SKUs in country, trials included
	// (get-a-list-of-skus-for-a-product).
	SKUs(ctx context.Context, productID, country string) ([]SKU, error)
	// Availabilities lists how a product's SKU is sold in country
	// (get-a-list-of-availabilities-for-a-sku).
	Availabilities(ctx context.Context, productID, skuID, country string) ([]Availability, error)
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

	// --- Issue 12 part 3: GDAP (granular delegated admin relationships,
	// Microsoft Graph, App+User credentials of the partner's tenant). ---

	// CreateGDAPRelationship creates a relationship in status created
	// (tenantrelationship-post-delegatedadminrelationships).
	CreateGDAPRelationship(ctx context.Context, req GDAPRequest) (GDAPRelationship, error)
	// LockGDAPForApproval sends the relationship to the customer: its status
	// becomes approvalPending (delegatedadminrelationship-post-requests).
	LockGDAPForApproval(ctx context.Context, relationshipID string) error
	// GetGDAPRelationship reads a relationship and its status
	// (delegatedadminrelationship-get); ErrNotFound when there is none.
	GetGDAPRelationship(ctx context.Context, relationshipID string) (GDAPRelationship, error)
	// FindGDAPRelationship finds the partner's relationship named
	// displayName (ErrNotFound when there is none): a request whose create
	// was not recorded is found again instead of made twice.
	FindGDAPRelationship(ctx context.Context, displayName string) (GDAPRelationship, error)
	// CreateGDAPAccessAssignment gives the partner's security group groupID
	// roles of an active relationship (delegatedadminrelationship-post-accessassignments).
	CreateGDAPAccessAssignment(ctx context.Context, relationshipID, groupID string, roleIDs []string) (GDAPAccessAssignment, error)
	// GDAPApprovalURL is the page where the customer's Global administrator
	// approves the relationship.
	GDAPApprovalURL(relationshipID string) string
}

// GDAP relationship statuses (delegatedAdminRelationship status).
const (
	GDAPCreated              = "created"
	GDAPApprovalPending      = "approvalPending"
	GDAPApproved             = "approved"
	GDAPActivating           = "activating"
	GDAPActive               = "active"
	GDAPExpiring             = "expiring"
	GDAPExpired              = "expired"
	GDAPTerminationRequested = "terminationRequested"
	GDAPTerminating          = "terminating"
	GDAPTerminated           = "terminated"
)

// Role template ids of the Microsoft Entra built-in roles GDAP asks for
// (Microsoft Entra built-in roles page) and the roles dap-api-impact lists
// for the directory calls onboard makes.
const (
	RoleDirectoryReaders            = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
	RoleDirectoryWriters            = "9360feb5-f418-4baa-8175-e2a00bac4301"
	RoleGlobalReader                = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	RoleLicenseAdministrator        = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"
	RoleUserAdministrator           = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	RolePrivilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814"
)

// DefaultGDAPRoles are the least-privileged roles the import and license
// assignment need: Directory Readers, License Administrator, User Administrator.
var DefaultGDAPRoles = []string{RoleDirectoryReaders, RoleLicenseAdministrator, RoleUserAdministrator}

// DefaultGDAPDuration is the relationship's duration (ISO 8601), the longest allowed.
const DefaultGDAPDuration = "P730D"

// GDAPRequest is a relationship to request of a customer.
type GDAPRequest struct {
	DisplayName      string // unique among the partner's relationships, at most 50 characters
	CustomerTenantID string
	Duration         string   // ISO 8601, e.g. "P730D"
	RoleIDs          []string // role template ids
}

// GDAPRelationship is a granular delegated admin relationship.
type GDAPRelationship struct {
	ID               string
	DisplayName      string
	CustomerTenantID string
	Status           string // one of the GDAP* statuses
	RoleIDs          []string
	Duration         string
	ActivatedAt      time.Time // zero until active
	EndAt            time.Time // zero until active
}

// GDAPAccessAssignment is an access assignment of a relationship.
type GDAPAccessAssignment struct {
	ID      string
	GroupID string
	Status  string // pending, active, deleting, deleted, error
	RoleIDs []string
}

type localeKey struct{}

// WithLocale returns ctx carrying the customer's culture ("de-DE"): the
// client sends it as Partner Center's X-Locale on calls made with it, so
// what Microsoft says comes in the customer's language. "" leaves ctx as is.
func WithLocale(ctx context.Context, culture string) context.Context {
	if culture == "" {
		return ctx
	}
	return context.WithValue(ctx, localeKey{}, culture)
}

// LocaleFrom is the culture WithLocale put on ctx, "" when none.
func LocaleFrom(ctx context.Context) string {
	s, _ := ctx.Value(localeKey{}).(string)
	return s
}
