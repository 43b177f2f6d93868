package flow

import (
	"context"
)

// App is every use case a front end can trigger: the wizard, the accessible
// prompts and the agent's commands all go through it, in flow's own types,
// so none of them needs a Microsoft or payment type and none decides a rule.
// *Service implements it.
type App interface {
	// Drafts of an unfinished sign-up on a terminal.
	LatestDraft(ctx context.Context, terminal string) (Draft, bool, error)
	// LoadDraft returns the step to continue at and the answers; a draft of
	// an order that was finished or cancelled since is dropped and reported
	// as ErrNotFound, never brought back.
	LoadDraft(ctx context.Context, code string) (StepID, Answers, error)
	// ResumeStep is LoadDraft with the draft's order: a paid, provisioning
	// or failed order continues at processing, never asks to pay again.
	ResumeStep(ctx context.Context, code string) (StepID, Answers, Order, error)
	SaveDraft(ctx context.Context, code, terminal string, step StepID, a Answers) (Draft, error)
	// DropDraft deletes a draft: "start over", a kiosk's idle wipe.
	DropDraft(ctx context.Context, code string) error

	// Looking the customer's account up.
	CheckDomain(ctx context.Context, domain string) (exists bool, err error)
	CheckSubdomain(ctx context.Context, prefix string) (available bool, suggestions []string, err error)
	// The administrator signs in on Microsoft's page (device code):
	// StartAdminSignIn gives the code and the link, CheckAdminSignIn waits a
	// few seconds for the result (done false: not yet).
	StartAdminSignIn(ctx context.Context, login string) (SignIn, error)
	CheckAdminSignIn(ctx context.Context, signInID string) (admin Admin, done bool, err error)
	// VerifyAdmin is the password grant (admin_sign_in = "password").
	VerifyAdmin(ctx context.Context, login, password string) (Admin, error)

	// The invitation (reseller relationship).
	InvitationURL(ctx context.Context) (string, error)
	// InvitationLink is the invitation link as the customer is shown it:
	// with a short link when the provider has a public_url.
	InvitationLink(ctx context.Context) (Link, error)
	// InvitationAccepted asks once, before an order exists (the agent's
	// wait), whether the tenant of domain accepted the invitation.
	InvitationAccepted(ctx context.Context, domain string) (bool, error)
	// CheckConsent asks once whether the order's tenant accepted the
	// invitation and, if so, records it and moves the order on.
	CheckConsent(ctx context.Context, orderID string) (Consent, error)
	RefreshConsent(ctx context.Context, orderID string) (Order, error)

	// The admin relationship (GDAP, issue 12 part 3): GDAPStatus requests it
	// once the invitation is accepted, looks its approval up once, and gives
	// the provider's group its roles when approved; the import waits for it.
	GDAPStatus(ctx context.Context, orderID string) (GDAP, error)

	// Orders.
	CreateOrder(ctx context.Context, a Answers) (Order, error)
	GetOrder(ctx context.Context, orderID string) (Order, error)
	CreateMicrosoftAccount(ctx context.Context, orderID string) (NewAccount, error)
	FindOrderForPayment(ctx context.Context, number, email string) (Order, error)
	Preview(ctx context.Context, orderID string) ([]LinePreview, error)
	// ChangeLines changes the products and seats of an order not yet paid
	// (the review's "change seats"): the same order, nothing asked again.
	ChangeLines(ctx context.Context, orderID string, lines []LineChoice) (Order, error)
	Approve(ctx context.Context, orderID string) (Order, error)
	Cancel(ctx context.Context, orderID, reason string) (Order, error)

	// Paying on the hosted checkout.
	StartPayment(ctx context.Context, orderID string) (Checkout, error)
	CheckPayment(ctx context.Context, orderID, checkoutID string) (PaymentState, Order, error)

	// Processing.
	Process(ctx context.Context, orderID string, progress func(Progress)) (Result, error)
	// Retry resumes an order whose processing failed or died.
	Retry(ctx context.Context, orderID string) (Order, error)
	ResumeInterrupted(ctx context.Context) ([]Order, error) // on start: orders whose processing died

	// After processing: the imported users and new licenses.
	ListUsers(ctx context.Context, tenantID string) ([]User, error)
	SearchUsers(ctx context.Context, tenantID string, q UserQuery) (UserPage, error)
	CountMatchingUsers(ctx context.Context, tenantID, text string) (int, error)
	CountAssigned(ctx context.Context, tenantID, skuID string) (int, error)
	AssignLicenses(ctx context.Context, orderID, skuID string, userIDs []string) error
	AssignedSeats(ctx context.Context, orderID string) (int, error)

	// SyncCatalog refreshes the catalog's new-commerce availabilities from
	// Partner Center for a market; the result is for the provider to save.
	SyncCatalog(ctx context.Context, country string) (Catalog, []CatalogChange, error)
}

var _ App = (*Service)(nil)

// Admin is a verified Global administrator of the customer's tenant.
type Admin struct {
	UPN         string
	DisplayName string
	TenantID    string
}

// Consent is what one look at the invitation found.
type Consent struct {
	Order    Order // the order as it is now (moved on when accepted)
	Accepted bool
	// OtherTenant is the initial domain of another tenant that accepted the
	// invitation while this order waited: the administrator signed in with
	// the wrong account. Empty when none did.
	OtherTenant string
}

// Checkout is a hosted checkout page opened for an order.
type Checkout struct {
	ID  string
	URL string
}

// PaymentState is where a checkout stands.
type PaymentState string

const (
	PaymentPending  PaymentState = "pending"  // open, not paid yet
	PaymentPaid     PaymentState = "paid"     // captured
	PaymentDeclined PaymentState = "declined" // a new checkout may be started
	PaymentExpired  PaymentState = "expired"  // abandoned
)

// NewAccount is the tenant created for a customer without one. The password
// is Microsoft's one-time answer: shown once, never stored.
type NewAccount struct {
	TenantID      string
	Domain        string
	AdminUserName string
	AdminPassword string
}

type actorKey struct{}

// WithActor says who acts in ctx (the audit trail records it); without one
// the Service's Actor is used.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// actor is who acts in ctx.
func (s *Service) actor(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok && a.Kind != "" {
		return a
	}
	return s.Actor
}

// Explain says what a checkout's state means for the customer; front ends
// add how to act on it (a key, a command).
func (p PaymentState) Explain() string {
	switch p {
	case PaymentPaid:
		return "Paid. Thank you."
	case PaymentDeclined:
		return "The payment was declined. Nothing was charged. Try again, with the same or another card."
	case PaymentExpired:
		return "The payment page expired before it was paid. Nothing was charged. Open a new one to pay."
	}
	return "Waiting for the payment."
}

// Final reports whether the checkout is over: paid, declined or expired.
func (p PaymentState) Final() bool {
	return p == PaymentPaid || p == PaymentDeclined || p == PaymentExpired
}
