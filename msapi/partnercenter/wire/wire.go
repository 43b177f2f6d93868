// Package wire holds the JSON shapes of Partner Center, Entra ID and Graph as
// documented (see shared/notes/partner-center.md). The real client decodes
// them and the sandbox encodes them; nothing outside msapi imports this.
package wire

// Partner Center paths, relative to the Partner Center base URL.
const (
	PathRelationshipRequests = "/v1/customers/relationshiprequests"
	PathCustomers            = "/v1/customers"  // ?size=0&filter=<json>
	PathDomains              = "/v1/domains/"   // HEAD /v1/domains/{domain}
	PathCustomer             = "/v1/customers/" // /v1/customers/{id}[/users|/subscriptions|...]
	// PathAgreements lists agreement templates: GET ?agreementType=MicrosoftCustomerAgreement.
	// A customer's acceptances are under PathCustomer + {id} + "/agreements".
	PathAgreements = "/v1/agreements"
)

// AgreementTypeMCA is the agreementType (query parameter and body field) of
// the Microsoft Customer Agreement.
const AgreementTypeMCA = "MicrosoftCustomerAgreement"

// Headers.
const (
	HeaderRequestID         = "MS-RequestId"
	HeaderCorrelationID     = "MS-CorrelationId"
	HeaderContractVersion   = "MS-Contract-Version"
	HeaderLocale            = "X-Locale"
	HeaderContinuationToken = "MS-ContinuationToken"
	HeaderCV                = "MS-CV"
	HeaderServerID          = "MS-ServerId"
	ContractVersion         = "v1"
)

// Attributes is Partner Center's attributes object.
type Attributes struct {
	ObjectType string `json:"objectType,omitempty"`
	Etag       string `json:"etag,omitempty"`
}

// Link is a Partner Center link (links.self, links.next).
type Link struct {
	URI     string       `json:"uri"`
	Method  string       `json:"method"`
	Headers []LinkHeader `json:"headers"`
}

// LinkHeader is a header to send with a link (MS-ContinuationToken).
type LinkHeader struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Links of a collection.
type Links struct {
	Self *Link `json:"self,omitempty"`
	Next *Link `json:"next,omitempty"`
}

// Collection is a Partner Center resource collection.
type Collection[T any] struct {
	TotalCount int        `json:"totalCount"`
	Items      []T        `json:"items"`
	Links      Links      `json:"links"`
	Attributes Attributes `json:"attributes"`
}

// Error is a Partner Center error body. Code is a number or a string.
type Error struct {
	Code        any      `json:"code"`
	Description string   `json:"description"`
	Data        []string `json:"data,omitempty"`
	Source      string   `json:"source,omitempty"`
}

// ThrottleError is the body of a 429.
type ThrottleError struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
}

// GraphError is a Graph error body.
type GraphError struct {
	Error GraphErrorBody `json:"error"`
}

// GraphErrorBody is the inside of a GraphError.
type GraphErrorBody struct {
	Code       string           `json:"code"`
	Message    string           `json:"message"`
	InnerError *GraphInnerError `json:"innerError,omitempty"`
}

// GraphInnerError carries the request id.
type GraphInnerError struct {
	RequestID string `json:"request-id"`
	Date      string `json:"date"`
}

// TokenError is the Entra ID token endpoint's error body.
type TokenError struct {
	Error            string `json:"error"`             // invalid_grant, invalid_client, ...
	ErrorDescription string `json:"error_description"` // "AADSTS50126: ..."
	ErrorCodes       []int  `json:"error_codes,omitempty"`
}

// TokenResponse is the token endpoint's success body.
type TokenResponse struct {
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	// IDToken is the OpenID Connect ID token, returned when scope has openid.
	IDToken string `json:"id_token,omitempty"`
}

// DeviceCodeResponse is POST /{tenant}/oauth2/v2.0/devicecode's answer
// (v2-oauth2-device-code).
type DeviceCodeResponse struct {
	DeviceCode      string `json:"device_code"`
	UserCode        string `json:"user_code"`
	VerificationURI string `json:"verification_uri"`
	ExpiresIn       int    `json:"expires_in"`
	Interval        int    `json:"interval"`
	Message         string `json:"message"`
}

// RelationshipRequest is GET /v1/customers/relationshiprequests.
type RelationshipRequest struct {
	URL        string     `json:"url"`
	Attributes Attributes `json:"attributes"`
}

// Address is a Partner Center address.
type Address struct {
	Country      string `json:"country,omitempty"`
	Region       string `json:"region,omitempty"`
	City         string `json:"city,omitempty"`
	State        string `json:"state,omitempty"`
	AddressLine1 string `json:"addressLine1,omitempty"`
	AddressLine2 string `json:"addressLine2,omitempty"`
	PostalCode   string `json:"postalCode,omitempty"`
	FirstName    string `json:"firstName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	PhoneNumber  string `json:"phoneNumber,omitempty"`
}

// CompanyProfile of a customer.
type CompanyProfile struct {
	TenantID    string     `json:"tenantId,omitempty"`
	Domain      string     `json:"domain"`
	CompanyName string     `json:"companyName,omitempty"`
	Address     *Address   `json:"address,omitempty"`
	Email       string     `json:"email,omitempty"`
	Attributes  Attributes `json:"attributes"`
}

// BillingProfile of a customer.
type BillingProfile struct {
	ID             string     `json:"id,omitempty"`
	Email          string     `json:"email,omitempty"`
	Culture        string     `json:"culture,omitempty"`
	Language       string     `json:"language,omitempty"`
	CompanyName    string     `json:"companyName,omitempty"`
	DefaultAddress *Address   `json:"defaultAddress,omitempty"`
	Attributes     Attributes `json:"attributes"`
}

// Customer is a Partner Center customer (id = tenant id).
type Customer struct {
	ID                    string          `json:"id"`
	CommerceID            string          `json:"commerceId,omitempty"`
	CompanyProfile        CompanyProfile  `json:"companyProfile"`
	BillingProfile        *BillingProfile `json:"billingProfile,omitempty"`
	RelationshipToPartner string          `json:"relationshipToPartner"`
	// UserCredentials is only in the response of POST /v1/customers: the
	// new tenant's first administrator, whose password Microsoft shows once.
	UserCredentials *UserCredentials `json:"userCredentials,omitempty"`
	Attributes      Attributes       `json:"attributes"`
}

// UserCredentials is the first administrator of a created customer.
type UserCredentials struct {
	UserName string `json:"userName"`
	Password string `json:"password"`
}

// AgreementTemplate is an item of GET /v1/agreements?agreementType=…: the
// agreement's metadata, whose templateId an acceptance names.
type AgreementTemplate struct {
	TemplateID    string     `json:"templateId"`
	AgreementType string     `json:"agreementType"`
	AgreementLink string     `json:"agreementLink,omitempty"`
	VersionRank   int        `json:"versionRank,omitempty"`
	Attributes    Attributes `json:"attributes"`
}

// AgreementContact is the person who accepted an agreement.
type AgreementContact struct {
	FirstName   string `json:"firstName"`
	LastName    string `json:"lastName"`
	Email       string `json:"email"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
}

// CustomerAgreement is POST /v1/customers/{id}/agreements (request and
// response) and an item of the GET of the same path. DateAgreed is RFC 3339.
type CustomerAgreement struct {
	PrimaryContact AgreementContact `json:"primaryContact"`
	TemplateID     string           `json:"templateId"`
	DateAgreed     string           `json:"dateAgreed"`
	Type           string           `json:"type"`
	UserID         string           `json:"userId,omitempty"`
	Attributes     Attributes       `json:"attributes"`
}

// CustomerFilter is the JSON in GET /v1/customers?filter=.
type CustomerFilter struct {
	Field    string `json:"Field"` // "Domain"
	Value    string `json:"Value"`
	Operator string `json:"Operator"` // "starts_with"
}

// CustomerUser is a Partner Center customer user.
type CustomerUser struct {
	ID                string     `json:"id"`
	UserPrincipalName string     `json:"userPrincipalName"`
	FirstName         string     `json:"firstName,omitempty"`
	LastName          string     `json:"lastName,omitempty"`
	DisplayName       string     `json:"displayName,omitempty"`
	UsageLocation     string     `json:"usageLocation,omitempty"`
	State             string     `json:"state,omitempty"` // active, inactive
	Attributes        Attributes `json:"attributes"`
}

// ProductSku names a SKU.
type ProductSku struct {
	ID            string `json:"id"`
	Name          string `json:"name,omitempty"`
	SkuPartNumber string `json:"skuPartNumber,omitempty"`
	TargetType    string `json:"targetType,omitempty"`
}

// UserLicense is an item of GET …/users/{id}/licenses.
type UserLicense struct {
	ProductSku ProductSku `json:"productSku"`
	Attributes Attributes `json:"attributes"`
}

// SubscribedSku is an item of GET …/subscribedskus.
type SubscribedSku struct {
	AvailableUnits   int        `json:"availableUnits"`
	ActiveUnits      int        `json:"activeUnits"`
	ConsumedUnits    int        `json:"consumedUnits"`
	SuspendedUnits   int        `json:"suspendedUnits"`
	TotalUnits       int        `json:"totalUnits"`
	WarningUnits     int        `json:"warningUnits"`
	ProductSku       ProductSku `json:"productSku"`
	CapabilityStatus string     `json:"capabilityStatus"`
	Attributes       Attributes `json:"attributes"`
}

// DirectoryRole is an item of GET …/directoryroles.
type DirectoryRole struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Attributes Attributes `json:"attributes"`
}

// UserMember is an item of GET …/directoryroles/{id}/usermembers.
type UserMember struct {
	ID                string     `json:"id"`
	UserPrincipalName string     `json:"userPrincipalName"`
	DisplayName       string     `json:"displayName,omitempty"`
	RoleID            string     `json:"roleId,omitempty"`
	Attributes        Attributes `json:"attributes"`
}

// Subscription is a Partner Center subscription (trials included).
type Subscription struct {
	ID           string     `json:"id"`
	OfferID      string     `json:"offerId"`
	OfferName    string     `json:"offerName,omitempty"`
	FriendlyName string     `json:"friendlyName,omitempty"`
	Quantity     int        `json:"quantity"`
	UnitType     string     `json:"unitType,omitempty"`
	Status       string     `json:"status"`
	IsTrial      bool       `json:"isTrial"`
	BillingCycle string     `json:"billingCycle,omitempty"`
	TermDuration string     `json:"termDuration,omitempty"` // new commerce
	OrderID      string     `json:"orderId,omitempty"`
	Attributes   Attributes `json:"attributes"`
}

// OrderLineItem is a line of an Order.
type OrderLineItem struct {
	LineItemNumber int    `json:"lineItemNumber"`
	OfferID        string `json:"offerId"`
	SubscriptionID string `json:"subscriptionId,omitempty"`
	FriendlyName   string `json:"friendlyName,omitempty"`
	Quantity       int    `json:"quantity"`
	TermDuration   string `json:"termDuration,omitempty"` // new commerce
}

// Order is an order: an item of a checkout's orders and the answer of
// GET /v1/customers/{id}/orders/{order-id} (and the legacy POST …/orders).
type Order struct {
	ID                  string          `json:"id,omitempty"`
	ReferenceCustomerID string          `json:"referenceCustomerId"`
	BillingCycle        string          `json:"billingCycle"`
	LineItems           []OrderLineItem `json:"lineItems"`
	Status              string          `json:"status,omitempty"`
	CreationDate        string          `json:"creationDate,omitempty"`
	Attributes          Attributes      `json:"attributes"`
}

// Graph shapes.

// GraphCollection is a Graph collection page.
type GraphCollection[T any] struct {
	Context  string `json:"@odata.context,omitempty"`
	NextLink string `json:"@odata.nextLink,omitempty"`
	Count    *int   `json:"@odata.count,omitempty"` // with $count=true
	Value    []T    `json:"value"`
}

// AssignedLicense is an item of a Graph user's assignedLicenses.
type AssignedLicense struct {
	SkuID         string   `json:"skuId"`
	DisabledPlans []string `json:"disabledPlans"`
}

// GraphUser is a Graph user.
type GraphUser struct {
	ID                string            `json:"id"`
	UserPrincipalName string            `json:"userPrincipalName"`
	GivenName         string            `json:"givenName,omitempty"`
	Surname           string            `json:"surname,omitempty"`
	DisplayName       string            `json:"displayName,omitempty"`
	UsageLocation     string            `json:"usageLocation,omitempty"`
	AccountEnabled    bool              `json:"accountEnabled"`
	AssignedLicenses  []AssignedLicense `json:"assignedLicenses"`
}

// DirectoryObject is an item of GET /me/memberOf.
type DirectoryObject struct {
	ODataType      string `json:"@odata.type"` // "#microsoft.graph.directoryRole", "#microsoft.graph.group"
	ID             string `json:"id"`
	DisplayName    string `json:"displayName,omitempty"`
	RoleTemplateID string `json:"roleTemplateId,omitempty"`
}

// Organization is an item of GET /organization.
type Organization struct {
	ID              string           `json:"id"`
	DisplayName     string           `json:"displayName"`
	VerifiedDomains []VerifiedDomain `json:"verifiedDomains"`
}

// VerifiedDomain is an organization's verified domain.
type VerifiedDomain struct {
	Name      string `json:"name"`
	IsDefault bool   `json:"isDefault"`
	IsInitial bool   `json:"isInitial"`
	Type      string `json:"type"`
}

// GraphDomain is an item of GET /domains.
type GraphDomain struct {
	ID                 string   `json:"id"`
	IsInitial          bool     `json:"isInitial"`
	IsDefault          bool     `json:"isDefault"`
	IsVerified         bool     `json:"isVerified"`
	AuthenticationType string   `json:"authenticationType"`
	SupportedServices  []string `json:"supportedServices"`
}

// AssignLicenseRequest is POST /users/{id}/assignLicense.
type AssignLicenseRequest struct {
	AddLicenses    []AssignedLicense `json:"addLicenses"`
	RemoveLicenses []string          `json:"removeLicenses"`
}

// Partner Center error codes, as the "Partner Center REST error codes" page
// (partner-center/developer/error-codes) lists them with their HTTP status.
// msapi/partnercenter/errors.go maps every documented code onboard can meet to a sentinel;
// the sandbox answers with these and nothing else.
const (
	CodeAccessDenied         = 400    // 401 Access denied
	CodeNotFound             = 1000   // 404 Not found
	CodeNoRelationship       = 20002  // 403 The partner ID {0} has no commerce relationship with the customer ID {1}.
	CodeSubscriptionNotFound = 20003  // 404 Subscription with ID {0} not found.
	CodeUserNotFound         = 60002  // 404 User object ID isn't found
	CodeTenantNotFound       = 60003  // 404 Tenant not found
	CodeAgreementMissing     = 13605  // 403 Customer Agreement acceptance must be provided
	CodeInvalidInput         = 800002 // 400 Invalid request input
	CodeServiceError         = 800003 // 500 Unexpected service error
	CodeInvalidOfferID       = 800004 // 400 Invalid offer ID
	CodeAppOnlyNotSupported  = 900329 // 403 This resource does not support application-only authentication.
	CodeProductNotFound      = 400013 // 404 Product not found

	// CodeCustomerNotFound: GET /v1/customers/{id} of an unknown tenant.
	// Assumption (no page gives the code of this 404): Tenant not found.
	CodeCustomerNotFound = CodeTenantNotFound
	// CodeAppUserRequired is what an App+User-only call answers to an
	// app-only token.
	CodeAppUserRequired = CodeAppOnlyNotSupported
	// CodeConversionIneligible: a transition of a trial to a catalog item
	// it has no transition to. Assumption (no page gives it): Invalid offer ID.
	CodeConversionIneligible = CodeInvalidOfferID
	// CodeDomainTaken: POST /v1/customers with a taken initial domain.
	// Assumption: no page documents this refusal; the sandbox answers 409
	// with the generic "Invalid request input", and the client treats any
	// 409 of a create as the domain (it checks availability first with
	// HEAD /v1/domains/{domain}, verify-domain-availability).
	CodeDomainTaken = CodeInvalidInput
)

// Entra ID error codes that appear as "AADSTSnnnnn:" at the start of
// error_description.
const (
	AADSTSInvalidPassword = 50126 // wrong user name or password
	AADSTSUserNotFound    = 50034 // no such user
	AADSTSMFARequired     = 50076 // MFA required
	AADSTSNoConsent       = 65001 // app has no access to that tenant (no relationship)
	AADSTSInvalidClient   = 7000215
)

// Token scopes.
const (
	ScopePartnerCenter = "https://api.partnercenter.microsoft.com/.default"
	ScopeGraph         = "https://graph.microsoft.com/.default"
)
