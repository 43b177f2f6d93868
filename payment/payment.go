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
	OrderRef       string // the order number shown on the page
	Description    string
	Amount         int64  // minor units (cents)
	Currency       string // ISO 4217, e.g. "EUR"
	CustomerEmail  string
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
}

// Gateway is a payment provider with a hosted checkout page.
type Gateway interface {
	StartCheckout(ctx context.Context, c Checkout) (Session, error)
	Status(ctx context.Context, sessionID string) (Status, error)
}
