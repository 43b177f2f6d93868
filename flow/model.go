package flow

import (
	"errors"
	"time"

	"onboard/msapi"
)

// Sentinel errors callers branch on.
var (
	ErrNotFound          = errors.New("not found")
	ErrIllegalTransition = errors.New("illegal order state transition")
	ErrConflict          = errors.New("order changed concurrently")
	ErrAlreadyPaid       = errors.New("order is already paid")
	ErrDraftExpired      = errors.New("draft expired")
)

// Contact is a person of the customer's: a name, an e-mail, a phone.
type Contact struct {
	FirstName, LastName, Email, Phone string
}

// OrderStatus is a state of the order lifecycle:
// draft → awaiting_consent → awaiting_payment → paid → provisioning → completed;
// failed (retryable) and cancelled from any non-final state.
type OrderStatus string

const (
	StatusDraft           OrderStatus = "draft"
	StatusAwaitingConsent OrderStatus = "awaiting_consent"
	StatusAwaitingPayment OrderStatus = "awaiting_payment"
	StatusPaid            OrderStatus = "paid"
	StatusProvisioning    OrderStatus = "provisioning"
	StatusCompleted       OrderStatus = "completed"
	StatusFailed          OrderStatus = "failed"
	StatusCancelled       OrderStatus = "cancelled"
)

// Policy is the provider's order flow.
type Policy string

const (
	PolicyPayFirst           Policy = "pay-first"
	PolicyProcessImmediately Policy = "process-immediately"
	PolicyManualApproval     Policy = "manual-approval"
)

// ActorKind says who made a change.
type ActorKind string

const (
	ActorCustomer ActorKind = "customer"
	ActorAgent    ActorKind = "agent"
	ActorKiosk    ActorKind = "kiosk"
	ActorSystem   ActorKind = "system"
)

// Actor is who made a change (for the audit trail).
type Actor struct {
	Kind ActorKind `json:"kind"`
	Name string    `json:"name"`
}

// Address is a postal address.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2
}

// Customer is the provider's customer.
type Customer struct {
	ID          string
	CompanyName string
	FirstName   string
	LastName    string
	Email       string
	Phone       string // E.164
	Address     Address
	TenantID    string // linked Microsoft tenant, empty until linked
	Domain      string // the tenant's initial domain
	// Language is the language the customer signed up in ("de"; "" for
	// English): Microsoft's billing profile and notices follow it.
	Language  string
	CreatedAt time.Time
}

// Order is an order for licenses.
type Order struct {
	ID           string // internal id (UUID)
	Number       string // the number people see, assigned by the store
	CustomerID   string
	Status       OrderStatus
	Policy       Policy
	Currency     string
	Lines        []OrderLine
	TenantID     string
	TenantDomain string
	AdminUPN     string // who accepted the invitation
	// Contact is who signed this order up and accepted the Microsoft
	// Customer Agreement for it. The customer's own contact is its first
	// sign-up's: a later order for the same tenant keeps its own person.
	// Empty on orders from before it was kept: the customer's stands.
	Contact    Contact
	Approved   bool   // manual-approval: an agent approved it
	FailReason string // set while failed
	FailedFrom OrderStatus
	CreatedBy  Actor
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Total is the order's total in minor units.
func (o Order) Total() int64 {
	var t int64
	for _, l := range o.Lines {
		t += l.UnitPrice * int64(l.Quantity)
	}
	return t
}

// DueNow is what the first billing period costs, what the checkout
// charges: a month of each line billed monthly, a year of each billed
// annually.
func (o Order) DueNow() int64 {
	var t int64
	for _, l := range o.Lines {
		t += l.UnitPrice * int64(l.Quantity) * Term{BillingCycle: l.BillingCycle}.months()
	}
	return t
}

// OrderLine is one offer and a seat count. SubscriptionID is set once the
// line is provisioned; Converted says it came from converting a trial.
type OrderLine struct {
	LineNo    int
	OfferID   string // Microsoft offer id
	Name      string
	SkuID     string
	Quantity  int
	UnitPrice int64 // per seat and month under the term
	// TermDuration and BillingCycle are the term bought ("": the
	// catalog offer's, for orders made before the choice existed).
	TermDuration   string
	BillingCycle   string
	SubscriptionID string
	Converted      bool
}

// Payment is one checkout attempt for an order.
type Payment struct {
	CheckoutID string `json:"checkout_id"`
	OrderID    string `json:"order_id"`
	Amount     int64  `json:"amount_minor"`
	Currency   string `json:"currency"`
	State      string `json:"state"` // payment.State
	PaymentID  string `json:"payment_id,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Tax is what the gateway added on top of Amount when it captured
	// (Stripe's automatic tax); 0 when none.
	Tax       int64     `json:"tax_minor,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// User and Domain are what is imported from the tenant.
type (
	User   = msapi.User
	Domain = msapi.Domain
)

// Draft is the saved answers of an unfinished wizard, never the password.
type Draft struct {
	Code     string // short reference code people can type
	Terminal string // which terminal saved it, to offer it again there
	Mode     string
	Step     string
	// OrderID is the order the sign-up created ("" before): the order
	// finishing or being cancelled deletes the draft with it.
	OrderID   string
	Data      []byte // JSON of the answers
	UpdatedAt time.Time
	ExpiresAt time.Time
}

// AuditEvent is one entry of the audit trail. Never holds a secret.
type AuditEvent struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   Actor     `json:"actor"`
	OrderID string    `json:"order_id"`
	Action  string    `json:"action"` // e.g. "order.transition", "payment.paid", "step.done"
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

// OrderFilter selects orders.
type OrderFilter struct {
	Status     OrderStatus
	CustomerID string
	Since      time.Time
	Limit      int
}
