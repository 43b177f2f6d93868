package ui

import (
	"context"

	"onboard/flow"
	"onboard/msapi"
	"onboard/payment"
)

// Backend is what the wizard asks of the domain. *flow.Service implements it;
// the UI never decides business rules itself.
type Backend interface {
	VerifyAdmin(ctx context.Context, login, password string) (msapi.Admin, error)
	InvitationURL(ctx context.Context) (string, error)
	CheckConsent(ctx context.Context, domain string) (msapi.Customer, bool, error)
	CreateOrder(ctx context.Context, a flow.Answers) (flow.Order, error)
	ConsentAccepted(ctx context.Context, orderID string, c msapi.Customer) (flow.Order, error)
	StartPayment(ctx context.Context, orderID string) (payment.Session, error)
	CheckPayment(ctx context.Context, orderID, checkoutID string) (payment.State, flow.Order, error)
	FindOrderForPayment(ctx context.Context, number, email string) (flow.Order, error)
	Process(ctx context.Context, orderID string, progress func(flow.Progress)) (flow.Result, error)
	// Retry moves a failed order back to where it failed, so Process resumes.
	Retry(ctx context.Context, orderID string) (flow.Order, error)
	AssignLicenses(ctx context.Context, orderID, skuID string, userIDs []string) error
	ListUsers(ctx context.Context, tenantID string) ([]flow.User, error)
	SaveDraft(ctx context.Context, code, terminal string, step flow.StepID, a flow.Answers) (flow.Draft, error)
	LoadDraft(ctx context.Context, code string) (flow.StepID, flow.Answers, error)
	LatestDraft(ctx context.Context, terminal string) (flow.Draft, bool, error)
}

// orderCanceller is implemented by backends that can cancel an order; the
// wizard cancels the order of a sign-up the customer went back from, so
// changed answers make a fresh order instead of leaving a stale one.
type orderCanceller interface {
	Cancel(ctx context.Context, orderID, reason string) (flow.Order, error)
}

// Browser opens a URL in a web browser.
type Browser interface {
	Open(url string) error
}

// DemoAccount is a sandbox sign-in shown to sales staff on the demo panel.
type DemoAccount struct {
	Tenant   string
	Login    string
	Password string
	Role     string
	Note     string
}

// The domain service is the production backend.
var _ Backend = (*flow.Service)(nil)

// newAccountBackend is implemented by backends that can create a Microsoft
// account for customers who have none; without it that choice shows as
// coming soon.
type newAccountBackend interface {
	CheckSubdomain(ctx context.Context, prefix string) (available bool, suggestions []string, err error)
	CreateMicrosoftAccount(ctx context.Context, orderID string) (msapi.CreatedCustomer, error)
}
