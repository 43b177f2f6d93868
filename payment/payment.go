// Package payment takes payments on a hosted checkout page: the terminal only
// ever shows a URL (and a QR code), never a card number.
package payment

import (
	"context"
	"errors"
)

// Sentinel errors.
var (
	ErrNotFound    = errors.New("checkout not found")
	ErrUnavailable = errors.New("payment gateway unavailable")
	ErrInvalid     = errors.New("invalid checkout request")
	// ErrRefundRefused is a refund the gateway will not make: the checkout
	// was never paid, or the amount exceeds what is left of the capture.
	ErrRefundRefused = errors.New("refund refused")
)

// State of a checkout.
type State string

const (
	StatePending  State = "pending"  // open, not paid yet
	StatePaid     State = "paid"     // captured; final
	StateDeclined State = "declined" // the card was declined; a new checkout may be started
	StateExpired  State = "expired"  // abandoned
)

// Checkout asks for a payment. IdempotencyKey makes StartCheckout safe to
// retry: the same key returns the same session.
type Checkout struct {
	IdempotencyKey string
	// SessionID is the checkout this key already started, when the caller
	// knows it: a gateway whose idempotency needs identical requests
	// (Stripe: expires_at moves with the clock) returns it as it is.
	SessionID     string
	OrderID       string // the order's id, kept with the checkout at the gateway
	OrderRef      string // the order number shown on the page
	Description   string
	Amount        int64  // minor units (cents); the sum of Lines
	Currency      string // ISO 4217, e.g. "EUR"
	CustomerEmail string
	// Lines are what the page lists; a gateway that shows one amount uses
	// Description and Amount instead.
	Lines []Line
}

// Line is one line of a checkout: Quantity units at UnitAmount, each unit
// buying one Period (e.g. "month") of the product.
type Line struct {
	Name       string
	Quantity   int64
	UnitAmount int64 // minor units
	Period     string
}

// Session is a started checkout.
type Session struct {
	ID  string
	URL string // the hosted checkout page
}

// Status is a checkout's status.
type Status struct {
	ID        string
	State     State
	Amount    int64
	Currency  string
	PaymentID string // the capture's id once paid
	Reason    string // why declined
	Refunded  int64  // minor units refunded so far of the capture
	// Tax is what the gateway computed on top of Amount (automatic tax),
	// in minor units: the customer paid Amount+Tax.
	Tax int64
}

// Refund gives back (part of) a paid checkout's capture, as a hosted
// checkout's refund does (Stripe's POST /v1/refunds on the payment).
// IdempotencyKey makes it safe to retry: the same key never refunds twice.
type Refund struct {
	SessionID      string
	Amount         int64  // minor units; at most what is left of the capture
	Currency       string // must be the checkout's
	IdempotencyKey string
	Reason         string // why, kept with the refund (e.g. "duplicate")
}

// RefundResult is a refund the gateway made.
type RefundResult struct {
	ID        string // the refund's id at the gateway
	SessionID string
	PaymentID string // the capture it refunds
	Amount    int64
	Currency  string
}

// Notification is the gateway telling that a checkout changed (a webhook),
// after its signature was verified.
type Notification struct {
	EventID    string // the gateway's event id: a second delivery changes nothing
	EventType  string // e.g. "checkout.session.completed"
	OrderID    string // from the checkout's metadata
	CheckoutID string
	Status     Status // the checkout as the event describes it
}

// Gateway is a payment provider with a hosted checkout page.
type Gateway interface {
	StartCheckout(ctx context.Context, c Checkout) (Session, error)
	Status(ctx context.Context, sessionID string) (Status, error)
	// Refund refunds a paid checkout; ErrRefundRefused when it cannot be.
	Refund(ctx context.Context, r Refund) (RefundResult, error)
	// Expire closes an open checkout (pending, or declined and inviting
	// another card) so that it can no longer be paid, as hosted checkouts
	// allow (Stripe: expire a Checkout Session). It returns the checkout's
	// status after: expired, or paid when it was paid before it could be
	// closed. Expiring an expired checkout is not an error.
	Expire(ctx context.Context, sessionID string) (Status, error)
}
