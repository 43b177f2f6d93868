package wire

// New commerce shapes (purchase-new-commerce-license-based, create-a-cart,
// checkout-a-cart, get-an-order-by-id, transition-a-new-commerce-subscription,
// transition-resources).

// Term durations (ISO 8601) and billing cycles of new commerce.
const (
	TermMonth       = "P1M"
	TermYear        = "P1Y"
	TermThreeYears  = "P3Y"
	BillingMonthly  = "monthly"
	BillingAnnual   = "annual"
	OrderPending    = "pending"
	OrderCompleted  = "completed"
	TransitionOnly  = "transition_only" // a trial to paid, same seats kept assigned
	EligibilityNow  = "immediate"       // ?eligibilityType=immediate
	CartStatusReady = "Active"
)

// CatalogItemID joins the three parts Partner Center sells by:
// productId:skuId:availabilityId.
func CatalogItemID(productID, skuID, availabilityID string) string {
	return productID + ":" + skuID + ":" + availabilityID
}

// CartLineItem is a line of a cart (request and response). Error is set on a
// line the cart could not accept.
type CartLineItem struct {
	ID                  int               `json:"id"`
	CatalogItemID       string            `json:"catalogItemId"`
	FriendlyName        string            `json:"friendlyName,omitempty"`
	Quantity            int               `json:"quantity"`
	CurrencyCode        string            `json:"currencyCode,omitempty"`
	BillingCycle        string            `json:"billingCycle"`
	TermDuration        string            `json:"termDuration"`
	ProvisioningContext map[string]string `json:"provisioningContext,omitempty"`
	OrderGroup          string            `json:"orderGroup,omitempty"`
	Error               *CartLineError    `json:"error,omitempty"`
}

// CartLineError is a cart line's error.
type CartLineError struct {
	ErrorCode        any    `json:"errorCode"`
	ErrorDescription string `json:"errorDescription"`
}

// Cart is POST /v1/customers/{id}/carts (request and response).
type Cart struct {
	ID                    string         `json:"id,omitempty"`
	CreationTimestamp     string         `json:"creationTimestamp,omitempty"`
	LastModifiedTimestamp string         `json:"lastModifiedTimestamp,omitempty"`
	ExpirationTimestamp   string         `json:"expirationTimestamp,omitempty"`
	Status                string         `json:"status,omitempty"`
	LineItems             []CartLineItem `json:"lineItems"`
	Attributes            Attributes     `json:"attributes,omitzero"`
}

// OrderError is an item of a checkout's orderErrors: an order group that
// could not be placed.
type OrderError struct {
	OrderGroupID string `json:"orderGroupId"`
	Code         any    `json:"code"`
	Description  string `json:"description"`
}

// CartCheckoutResult is the answer of POST …/carts/{cart-id}/checkout.
type CartCheckoutResult struct {
	Orders      []Order      `json:"orders"`
	OrderErrors []OrderError `json:"orderErrors"`
	Attributes  Attributes   `json:"attributes"`
}

// TransitionError says why a transition is not possible.
type TransitionError struct {
	Code        any    `json:"code"`
	Description string `json:"description"`
}

// TransitionEligibilityDetail is one way a subscription may transition.
type TransitionEligibilityDetail struct {
	IsEligible     bool              `json:"isEligible"`
	TransitionType string            `json:"transitionType"`
	Errors         []TransitionError `json:"errors,omitempty"`
}

// TransitionEligibility is an item of GET …/transitionEligibilities.
type TransitionEligibility struct {
	CatalogItemID string                        `json:"catalogItemId"`
	Title         string                        `json:"title,omitempty"`
	Description   string                        `json:"description,omitempty"`
	Quantity      int                           `json:"quantity,omitempty"`
	Eligibilities []TransitionEligibilityDetail `json:"eligibilities"`
}

// Transition is the body of POST …/subscriptions/{id}/transitions and its
// answer (transition-a-new-commerce-subscription; the .NET SDK's
// Transition): the answer has no id and no status of its own, its Events
// say how the conversion goes.
type Transition struct {
	FromCatalogItemID  string            `json:"fromCatalogItemId,omitempty"`
	ToCatalogItemID    string            `json:"toCatalogItemId"`
	FromSubscriptionID string            `json:"fromSubscriptionId,omitempty"`
	ToSubscriptionID   string            `json:"toSubscriptionId,omitempty"`
	Quantity           int               `json:"quantity"`
	TermDuration       string            `json:"termDuration,omitempty"`
	BillingCycle       string            `json:"billingCycle,omitempty"`
	TransitionType     string            `json:"transitionType"`
	Events             []TransitionEvent `json:"Events,omitempty"` // capitalised as the page's answer has it
	Attributes         Attributes        `json:"attributes,omitzero"`
}

// TransitionEvent is a step of a transition: name "Conversion" or
// "SeatReassignment", status InProgress, Completed or Failed.
type TransitionEvent struct {
	Name       string     `json:"name"`
	Status     string     `json:"status"`
	Timestamp  string     `json:"timestamp"`
	Attributes Attributes `json:"attributes,omitzero"`
}

// PathProducts is the catalog: /v1/products/{product-id}/skus/{sku-id}/availabilities?country=.
const PathProducts = "/v1/products/"

// AvailabilityTerm is a term an availability is sold with.
type AvailabilityTerm struct {
	Duration    string `json:"duration"` // P1M, P1Y, P3Y
	Description string `json:"description,omitempty"`
}

// Availability is an item of GET /v1/products/{product-id}/skus/{sku-id}/availabilities
// (get-a-list-of-availabilities-for-a-sku, availability resources).
type Availability struct {
	ID              string             `json:"id"`
	ProductID       string             `json:"productId"`
	SkuID           string             `json:"skuId"`
	CatalogItemID   string             `json:"catalogItemId"`
	DefaultCurrency *Currency          `json:"defaultCurrency,omitempty"`
	Segment         string             `json:"segment,omitempty"`
	Country         string             `json:"country"`
	IsPurchasable   bool               `json:"isPurchasable"`
	IsRenewable     bool               `json:"isRenewable"`
	Terms           []AvailabilityTerm `json:"terms,omitempty"`
	Attributes      Attributes         `json:"attributes,omitzero"`
}

// Currency of an availability.
type Currency struct {
	Code   string `json:"code"`
	Symbol string `json:"symbol,omitempty"`
}

// Product is GET /v1/products/{product-id}?country= (get-a-product-by-id;
// product-resources: Product).
type Product struct {
	ID                 string     `json:"id"`
	Title              string     `json:"title"`
	Description        string     `json:"description,omitempty"`
	ProductType        *ItemType  `json:"productType,omitempty"`
	IsMicrosoftProduct bool       `json:"isMicrosoftProduct"`
	PublisherName      string     `json:"publisherName,omitempty"`
	Attributes         Attributes `json:"attributes,omitzero"`
}

// ItemType is a product's type (product-resources: ItemType).
type ItemType struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// Sku is an item of GET /v1/products/{product-id}/skus?country=
// (get-a-list-of-skus-for-a-product; product-resources: Sku).
type Sku struct {
	ID                     string     `json:"id"`
	ProductID              string     `json:"productId"`
	Title                  string     `json:"title"`
	Description            string     `json:"description,omitempty"`
	MinimumQuantity        int        `json:"minimumQuantity"`
	MaximumQuantity        int        `json:"maximumQuantity"`
	IsTrial                bool       `json:"isTrial"`
	SupportedBillingCycles []string   `json:"supportedBillingCycles,omitempty"`
	PurchasePrerequisites  []string   `json:"purchasePrerequisites,omitempty"`
	Attributes             Attributes `json:"attributes,omitzero"`
}
