package flow

import (
	"context"
	"time"
)

// Store is the persistence the flow needs. store.SQLite implements it; every
// method that changes more than one row does so in one transaction.
type Store interface {
	CreateCustomer(ctx context.Context, c *Customer) error // sets ID, CreatedAt when empty
	GetCustomer(ctx context.Context, id string) (Customer, error)
	ListCustomers(ctx context.Context, since time.Time, limit int) ([]Customer, error)
	// LinkTenant records the customer's Microsoft tenant; idempotent.
	// ErrTenantTaken when the tenant belongs to another customer (it is
	// never moved) or the customer has another tenant.
	LinkTenant(ctx context.Context, customerID, tenantID, domain string) error
	// CustomerByTenant returns the customer the tenant belongs to, or ErrNotFound.
	CustomerByTenant(ctx context.Context, tenantID string) (Customer, error)

	// CreateOrder inserts the order and its lines and the audit event; it
	// sets ID (when empty), Number, CreatedAt. Idempotent on ID.
	CreateOrder(ctx context.Context, o *Order, ev AuditEvent) error
	GetOrder(ctx context.Context, id string) (Order, error)
	GetOrderByNumber(ctx context.Context, number string) (Order, error)
	ListOrders(ctx context.Context, f OrderFilter) ([]Order, error)
	// TransitionOrder moves the order from → to with its audit event in one
	// transaction; ErrConflict when it is not in from. reason is kept as
	// FailReason when to is failed, cleared otherwise.
	TransitionOrder(ctx context.Context, id string, from, to OrderStatus, reason string, ev AuditEvent) error
	// OpenOrderForTenant returns the oldest open order (neither completed
	// nor cancelled) other than except of the tenant, by its id or its
	// initial domain (either may be empty); ErrNotFound when none.
	OpenOrderForTenant(ctx context.Context, tenantID, domain, except string) (Order, error)
	// AttachOrderTenant records the order's tenant and who accepted in one
	// transaction: the order moves to the customer the tenant belongs to
	// (writing ev), else the tenant is linked to the order's customer.
	// ErrOpenOrder when the tenant has another open order.
	AttachOrderTenant(ctx context.Context, orderID, tenantID, domain, adminUPN string, ev AuditEvent) (Order, error)
	// SaveConsentBaseline records the partner's customers when the order
	// started waiting for its invitation, once; ConsentBaseline returns
	// them (lower-case tenant ids), or ErrNotFound when none was taken.
	SaveConsentBaseline(ctx context.Context, orderID string, tenantIDs []string) error
	ConsentBaseline(ctx context.Context, orderID string) (map[string]bool, error)
	// UpdateOrderTenant sets the tenant and the administrator who accepted.
	UpdateOrderTenant(ctx context.Context, id, tenantID, domain, adminUPN string) error
	SetApproved(ctx context.Context, id string, ev AuditEvent) error
	// ReplaceOrderLines replaces the lines of an order in from, clearing
	// its approval, with ev. ErrAlreadyPaid when a checkout paid it,
	// ErrConflict when it is not in from or a checkout could still be paid.
	ReplaceOrderLines(ctx context.Context, id string, from OrderStatus, lines []OrderLine, ev AuditEvent) error
	SetLineSubscription(ctx context.Context, orderID string, lineNo int, subscriptionID string, converted bool) error

	// Pipeline steps, recorded so a crash resumes where it stopped.
	StepsDone(ctx context.Context, orderID string) (map[string]bool, error)
	MarkStepDone(ctx context.Context, orderID, step string, ev AuditEvent) error
	// The processing lease and the lines as Microsoft reported them (leases.go).
	ProcessingStore

	// SavePayment inserts or updates a checkout attempt by CheckoutID.
	SavePayment(ctx context.Context, p Payment) error
	Payments(ctx context.Context, orderID string) ([]Payment, error)
	// MarkPaid records p as paid and moves the order awaiting_payment → paid
	// in one transaction; ErrAlreadyPaid when the order has a paid payment.
	MarkPaid(ctx context.Context, p Payment, ev AuditEvent) error

	// Imports: upserts, so a resumed import never stores anything twice.
	SaveDomains(ctx context.Context, tenantID string, ds []Domain) error
	SaveUsers(ctx context.Context, tenantID string, us []User) error
	CountUsers(ctx context.Context, tenantID string) (int, error)
	CountDomains(ctx context.Context, tenantID string) (int, error)
	ListUsers(ctx context.Context, tenantID string) ([]User, error)
	AddAssignments(ctx context.Context, tenantID, skuID string, userIDs []string, ev AuditEvent) error

	SaveDraft(ctx context.Context, d Draft) error
	// LoadDraft returns ErrNotFound, or ErrDraftExpired past ExpiresAt.
	LoadDraft(ctx context.Context, code string) (Draft, error)
	// LatestDraft is the newest unexpired draft saved on terminal.
	LatestDraft(ctx context.Context, terminal string) (Draft, error)
	DeleteDraft(ctx context.Context, code string) error
	PurgeDrafts(ctx context.Context, now time.Time) (int, error)

	// GDAP relationships (issue 12 part 3), one per customer tenant:
	// SaveGDAP inserts or updates by tenant; GDAPForTenant returns
	// ErrNotFound when none was requested.
	SaveGDAP(ctx context.Context, g GDAPRecord) error
	GDAPForTenant(ctx context.Context, tenantID string) (GDAPRecord, error)

	Audit(ctx context.Context, ev AuditEvent) error
	AuditTrail(ctx context.Context, orderID string) ([]AuditEvent, error)
}
