package flow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"onboard/i18n"
	"onboard/msapi"
)

// Sentinels of the one-customer-per-tenant and one-open-order-per-tenant rules.
var (
	ErrTenantTaken = errors.New("the Microsoft tenant belongs to another customer")
	ErrOpenOrder   = errors.New("the Microsoft tenant already has an open order")
)

// OpenOrderError is ErrOpenOrder with the open order, so a front end can
// offer to continue, pay or cancel it instead of making another.
type OpenOrderError struct {
	Order Order
}

func (e *OpenOrderError) Error() string {
	return fmt.Sprintf("%v: %s (%s)", ErrOpenOrder, e.Order.Number, e.Order.Status)
}

func (e *OpenOrderError) Unwrap() error { return ErrOpenOrder }

// refuseOpenOrder returns an *OpenOrderError when the tenant (by id or
// initial domain) has an open order other than except.
func (s *Service) refuseOpenOrder(ctx context.Context, tenantID, domain, except string) error {
	o, err := s.Store.OpenOrderForTenant(ctx, tenantID, domain, except)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look for an open order of %s: %w", firstNonEmpty(domain, tenantID), err)
	}
	return &OpenOrderError{Order: o}
}

// openOrderError turns the store's ErrOpenOrder (the database refused a
// second open order: another terminal won a race) into an *OpenOrderError.
func (s *Service) openOrderError(ctx context.Context, tenantID, domain, except string, cause error) error {
	if err := s.refuseOpenOrder(ctx, tenantID, domain, except); err != nil {
		return err
	}
	return cause
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// orderSteps are the wizard steps whose answers an order needs.
func orderSteps(a Answers) []StepID {
	switch {
	case a.Mode == ModeAgent:
		return []StepID{StepLicenses, StepSubdomain, StepDetails, StepAgreement}
	case a.Account == AccountNew:
		return []StepID{StepLicenses, StepAccount, StepDetails, StepAgreement}
	}
	return []StepID{StepLicenses, StepDetails, StepAgreement, StepAdmin}
}

// CreateOrder creates the customer and the order, its lines priced from the
// catalog, in awaiting_consent, records the Microsoft Customer Agreement
// attestation, and moves the order on when Microsoft already shows the
// invitation accepted. On the new-account path the order waits for
// CreateMicrosoftAccount instead. With a.OrderID set it is idempotent: an
// existing order is returned (and moved on if consent arrived meanwhile).
// A tenant with another open order gets no second one: the error is an
// *OpenOrderError carrying that order (errors.Is ErrOpenOrder).
func (s *Service) CreateOrder(ctx context.Context, a Answers) (Order, error) {
	for _, step := range orderSteps(a) {
		if err := a.Validate(step, s.Catalog); err != nil {
			return Order{}, fmt.Errorf("%w: %w", ErrInvalidAnswers, err)
		}
	}
	o, err := s.ensureOrder(ctx, a)
	if err != nil {
		return Order{}, err
	}
	if err := s.recordOrderKind(ctx, o, a); err != nil {
		return Order{}, err
	}
	if _, err := s.AttestAgreement(ctx, o.ID, a.AgreementDate); err != nil {
		return Order{}, err
	}
	if o.Status != StatusAwaitingConsent || a.Account == AccountNew {
		return o, nil
	}
	c, accepted, err := s.lookupConsent(ctx, a.TenantID, a.consentDomain())
	if err != nil {
		return Order{}, fmt.Errorf("order %s: %w", o.Number, err)
	}
	if !accepted || (a.TenantID != "" && !strings.EqualFold(c.TenantID, a.TenantID)) {
		// The wizard waits for the invitation: note who is a customer
		// already, so that a tenant accepting meanwhile stands out.
		if err := s.takeConsentBaseline(ctx, o.ID); err != nil {
			return Order{}, fmt.Errorf("order %s: %w", o.Number, err)
		}
		return o, nil
	}
	return s.consentAccepted(ctx, o.ID, c)
}

// ensureOrder returns the order a.OrderID names, or creates it with its customer.
func (s *Service) ensureOrder(ctx context.Context, a Answers) (Order, error) {
	id := a.OrderID
	if id != "" {
		o, err := s.Store.GetOrder(ctx, id)
		if err == nil {
			return o, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Order{}, fmt.Errorf("get order %s: %w", id, err)
		}
	} else {
		id = uuid.NewString()
	}
	domain := normalizedDomain(a.Domain)
	if err := s.refuseOpenOrder(ctx, a.TenantID, domain, id); err != nil {
		return Order{}, err
	}
	cust, err := s.ensureCustomer(ctx, id, a)
	if err != nil {
		return Order{}, err
	}
	o := Order{
		ID: id, CustomerID: cust.ID, Status: StatusAwaitingConsent, Policy: s.policy(),
		Currency: s.Catalog.Currency, Lines: s.priceLines(a.Lines), TenantDomain: domain,
		// The tenant the administrator signed in to: the invitation's
		// acceptance is then looked up by tenant id, whatever the domain.
		TenantID: strings.TrimSpace(a.TenantID),
		AdminUPN: a.AdminUPN, CreatedBy: s.actor(ctx), CreatedAt: s.now(), UpdatedAt: s.now(),
	}
	if o.AdminUPN == "" {
		o.AdminUPN = strings.TrimSpace(a.AdminLogin)
	}
	phone, _ := ValidatePhone(a.Phone, a.PhoneCountry) // validated by the caller
	o.Contact = Contact{FirstName: strings.TrimSpace(a.FirstName), LastName: strings.TrimSpace(a.LastName),
		Email: strings.TrimSpace(a.Email), Phone: phone}
	ev := s.event(ctx, id, "order.created", string(StatusDraft), string(StatusAwaitingConsent),
		fmt.Sprintf("%d line(s), total %s, policy %s", len(o.Lines), FormatPrice(o.Total(), o.Currency, PeriodMonth), o.Policy))
	if err := s.Store.CreateOrder(ctx, &o, ev); err != nil {
		if errors.Is(err, ErrOpenOrder) {
			return Order{}, s.openOrderError(ctx, a.TenantID, domain, id, err)
		}
		return Order{}, fmt.Errorf("create order for %s: %w", cust.CompanyName, err)
	}
	return o, nil
}

// ensureCustomer returns the customer the verified administrator's tenant
// belongs to, or creates the order's customer once: its id derives from the
// order id, so a crash between the two inserts does not leave a twin. An
// existing customer keeps its details: a second sign-up does not rewrite
// the first's.
func (s *Service) ensureCustomer(ctx context.Context, orderID string, a Answers) (Customer, error) {
	if a.TenantID != "" {
		c, err := s.Store.CustomerByTenant(ctx, a.TenantID)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Customer{}, fmt.Errorf("customer of tenant %s: %w", a.TenantID, err)
		}
	}
	id := uuid.NewSHA1(requestNamespace, []byte("customer\x00"+orderID)).String()
	c, err := s.Store.GetCustomer(ctx, id)
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Customer{}, fmt.Errorf("get customer %s: %w", id, err)
	}
	phone, _ := ValidatePhone(a.Phone, a.PhoneCountry) // validated by the caller
	addr := a.Address
	addr.Country = strings.ToUpper(strings.TrimSpace(addr.Country))
	addr.PostalCode = strings.ToUpper(strings.TrimSpace(addr.PostalCode))
	c = Customer{
		ID: id, CompanyName: strings.TrimSpace(a.Company), FirstName: strings.TrimSpace(a.FirstName),
		LastName: strings.TrimSpace(a.LastName), Email: strings.TrimSpace(a.Email), Phone: phone,
		Address: addr, Domain: normalizedDomain(a.Domain), Language: a.Language, CreatedAt: s.now(),
	}
	if err := s.Store.CreateCustomer(ctx, &c); err != nil {
		return Customer{}, fmt.Errorf("create customer %s: %w", c.CompanyName, err)
	}
	return c, nil
}

func normalizedDomain(d string) string {
	if d == "" {
		return ""
	}
	if n, err := ValidateInitialDomain(d); err == nil {
		return n
	}
	return strings.ToLower(strings.TrimSpace(d))
}

// priceLines turns validated choices into order lines priced from the catalog.
func (s *Service) priceLines(choices []LineChoice) []OrderLine {
	lines := make([]OrderLine, 0, len(choices))
	for i, c := range choices {
		o, _ := s.Catalog.Offer(c.OfferID)
		term, _ := o.Term(c.Term)
		lines = append(lines, OrderLine{
			LineNo: i + 1, OfferID: o.MicrosoftOfferID, Name: o.Name, SkuID: o.SkuID,
			Quantity: c.Seats, UnitPrice: term.UnitPrice,
			TermDuration: term.TermDuration, BillingCycle: term.BillingCycle,
		})
	}
	return lines
}

// consentAccepted records the customer's tenant on the order and moves the
// order on per its policy. When the tenant already belongs to a customer
// (an earlier sign-up) the order joins that customer; the tenant is never
// moved. ErrOpenOrder (an *OpenOrderError) when the tenant has another
// open order. Calling it again with the same tenant is a no-op.
func (s *Service) consentAccepted(ctx context.Context, orderID string, c msapi.Customer) (Order, error) {
	if c.TenantID == "" || c.Relationship != msapi.RelationshipReseller {
		return Order{}, fmt.Errorf("order %s: %w", orderID, ErrConsentPending)
	}
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.TenantID != "" && !strings.EqualFold(o.TenantID, c.TenantID) {
		return Order{}, fmt.Errorf("order %s has tenant %s, not %s: %w", o.Number, o.TenantID, c.TenantID, ErrTenantMismatch)
	}
	if o.Status != StatusAwaitingConsent {
		return o, nil
	}
	domain := strings.ToLower(c.Domain)
	if err := s.refuseOpenOrder(ctx, c.TenantID, domain, o.ID); err != nil {
		return Order{}, err
	}
	// Written only when the order joins the tenant's existing customer.
	ev := s.event(ctx, o.ID, "order.customer", "", "",
		"tenant "+c.TenantID+" ("+domain+") belongs to an existing customer: the order joins it")
	attached, err := s.Store.AttachOrderTenant(ctx, o.ID, c.TenantID, domain, o.AdminUPN, ev)
	if errors.Is(err, ErrOpenOrder) {
		return Order{}, s.openOrderError(ctx, c.TenantID, domain, o.ID, err)
	}
	if err != nil {
		return Order{}, fmt.Errorf("record tenant of order %s: %w", o.Number, err)
	}
	o = attached
	if err := s.transition(ctx, &o, o.Policy.afterConsent(), "invitation accepted by "+domain); err != nil {
		// Another process (the background worker, a second terminal) saw
		// the acceptance at the same time and moved the order on first.
		if cur, gerr := s.Store.GetOrder(ctx, o.ID); errors.Is(err, ErrConflict) && gerr == nil &&
			cur.Status != StatusAwaitingConsent && strings.EqualFold(cur.TenantID, c.TenantID) {
			return cur, nil
		}
		return Order{}, err
	}
	return o, nil
}

// NormalizeOrderNumber turns an order number as a person types it ("2",
// "000002", "ord-2", "ORD 2", "ORD-000002") into the stored form
// "ORD-000002"; false when it cannot be one.
func NormalizeOrderNumber(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) > 32 {
		return "", false
	}
	if rest, ok := strings.CutPrefix(s, "ORD"); ok {
		s = strings.TrimLeft(rest, "- #")
	}
	s = strings.TrimPrefix(s, "#")
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil || n == 0 {
		return "", false
	}
	return fmt.Sprintf("ORD-%06d", n), true
}

// ValidateOrderNumber says how to type an order number NormalizeOrderNumber
// cannot read.
func ValidateOrderNumber(s string) error {
	if strings.TrimSpace(s) == "" {
		return i18n.E("ErrEnterOrderNumber")
	}
	if _, ok := NormalizeOrderNumber(s); !ok {
		return i18n.E("ErrOrderNumberLike")
	}
	return nil
}

// LookupMayAssign says whether an order found by its number and e-mail
// (FindOrderForPayment: ctrl+o, at a kiosk where anyone may type them) may
// go on to list the tenant's users and assign its licenses: only one this
// session still pays for. One found past its payment may not: the number
// is short and counted, an e-mail is no secret, and the list is the
// customer's whole directory. Such an order shows what was done; its
// licenses are assigned in the Microsoft 365 admin center.
func LookupMayAssign(found OrderStatus) bool {
	switch found {
	case StatusDraft, StatusAwaitingConsent, StatusAwaitingPayment:
		return true
	}
	return false
}

// FindOrderForPayment finds an order by its number (as NormalizeOrderNumber
// reads it) and the e-mail on it. A wrong number and a wrong e-mail give
// the same ErrNotFound so neither leaks.
func (s *Service) FindOrderForPayment(ctx context.Context, number, email string) (Order, error) {
	lim, limited := s.Store.(LookupLimiter)
	who := s.actor(ctx)
	actor := string(who.Kind) + ":" + who.Name
	if limited {
		n, err := lim.FailedLookups(ctx, actor, s.now().Add(-FailedLookupsWindow))
		if err != nil {
			return Order{}, err
		}
		if n >= MaxFailedLookups {
			return Order{}, ErrTooManyLookups
		}
	}
	o, err := s.findOrderForPayment(ctx, number, email)
	if errors.Is(err, ErrNotFound) && limited {
		if err := lim.RecordFailedLookup(ctx, actor, s.now()); err != nil {
			return Order{}, err
		}
	}
	return o, err
}

func (s *Service) findOrderForPayment(ctx context.Context, number, email string) (Order, error) {
	number, ok := NormalizeOrderNumber(number)
	email = strings.TrimSpace(email)
	if !ok || checkText(email, MaxEmailLen) != nil || email == "" {
		return Order{}, ErrNotFound
	}
	o, err := s.Store.GetOrderByNumber(ctx, number)
	if errors.Is(err, ErrNotFound) {
		return Order{}, ErrNotFound
	}
	if err != nil {
		return Order{}, fmt.Errorf("find order %s: %w", number, err)
	}
	c, err := s.Store.GetCustomer(ctx, o.CustomerID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Order{}, fmt.Errorf("find customer of order %s: %w", number, err)
	}
	// The e-mail of whoever signed this order up, or the customer's.
	if err != nil || !(strings.EqualFold(c.Email, email) || strings.EqualFold(o.Contact.Email, email)) {
		return Order{}, ErrNotFound
	}
	return o, nil
}

// Failed look-ups are bounded per actor (a terminal's SSH key, a kiosk, a
// process): an order number is short and counted, so whoever keeps
// guessing number and e-mail is stopped for a while. A look-up that finds
// its order does not clear the count, so one known order opens no door.
const (
	MaxFailedLookups    = 10
	FailedLookupsWindow = 15 * time.Minute
)

// ErrTooManyLookups: the actor's failed look-ups reached MaxFailedLookups
// within FailedLookupsWindow; no look-up is tried until older ones age out.
var ErrTooManyLookups = errors.New("too many order look-ups found nothing here")

// LookupLimiter keeps failed look-ups; store.DB implements it. A Store
// without it looks up without a limit.
type LookupLimiter interface {
	RecordFailedLookup(ctx context.Context, actor string, at time.Time) error
	FailedLookups(ctx context.Context, actor string, since time.Time) (int, error)
}

// Approve marks a manual-approval order approved; Process then may run.
func (s *Service) Approve(ctx context.Context, orderID string) (Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.Approved {
		return o, nil
	}
	if o.Status.Final() {
		return Order{}, fmt.Errorf("approve order %s: %w: it is %s", o.Number, ErrIllegalTransition, o.Status)
	}
	if err := s.Store.SetApproved(ctx, o.ID, s.event(ctx, o.ID, "order.approved", "", "", "")); err != nil {
		return Order{}, fmt.Errorf("approve order %s: %w", o.Number, err)
	}
	o.Approved = true
	return o, nil
}

// Cancel cancels an order that bought nothing yet; reason goes to the audit
// trail. A paid order is cancelled, then refunded: cancelled first, so a
// crash in between never leaves a paid order without its money, which could
// still be processed; the next Cancel (or a poll of its checkouts) finishes
// the refund, and a checkout is never refunded twice. An order that already
// bought subscriptions at Microsoft is refused with ErrBoughtSomething,
// which says what to do instead. Cancelling a cancelled order returns it.
func (s *Service) Cancel(ctx context.Context, orderID, reason string) (Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.Status == StatusCancelled {
		if err := s.refundOrder(ctx, &o); err != nil {
			return Order{}, fmt.Errorf("refund cancelled order %s: %w", o.Number, err)
		}
		return o, nil
	}
	if err := checkText(reason, 500); err != nil {
		return Order{}, fmt.Errorf("cancel reason: %w", err)
	}
	bought, err := s.boughtSomething(ctx, o)
	if err != nil {
		return Order{}, err
	}
	if bought != "" && o.Status.Final() {
		return Order{}, fmt.Errorf("cancel order %s: %w: it is %s: %w: %s", o.Number, ErrIllegalTransition, o.Status, ErrBoughtSomething, bought)
	}
	if bought != "" {
		return Order{}, fmt.Errorf("cancel order %s: %w: %s", o.Number, ErrBoughtSomething, bought)
	}
	// Close the payment pages first, so nothing is paid once the order is
	// cancelled; one paid before it could be closed is recorded, then refunded.
	ps, err := s.Store.Payments(ctx, o.ID)
	if err != nil {
		return Order{}, fmt.Errorf("payments of order %s: %w", o.Number, err)
	}
	if err := s.closeCheckouts(ctx, &o, ps, false); err != nil {
		return Order{}, fmt.Errorf("cancel order %s: %w", o.Number, err)
	}
	// The transition is conditional on the status read above: a process that
	// started provisioning meanwhile makes it fail, and nothing is refunded.
	if err := s.transition(ctx, &o, StatusCancelled, strings.TrimSpace(reason)); err != nil {
		return Order{}, err
	}
	if err := s.refundOrder(ctx, &o); err != nil {
		return Order{}, fmt.Errorf("order %s is cancelled but not yet refunded (cancel it again to retry): %w", o.Number, err)
	}
	return o, nil
}

// Retry moves a failed order back to the state it failed from; an order
// left in provisioning by a process that died stays there for Process.
func (s *Service) Retry(ctx context.Context, orderID string) (Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.Status == StatusProvisioning {
		// Interrupted (its process died) unless a live process holds the
		// lease; Process resumes it where it stopped.
		holder, err := s.Store.LeaseHolder(ctx, o.ID)
		if err != nil {
			return Order{}, fmt.Errorf("retry order %s: %w", o.Number, err)
		}
		if holder != "" {
			return Order{}, fmt.Errorf("retry order %s: %w", o.Number, ErrLeaseHeld)
		}
		return o, nil
	}
	if o.Status != StatusFailed {
		return Order{}, fmt.Errorf("retry order %s: %w: it is %s, not failed", o.Number, ErrIllegalTransition, o.Status)
	}
	if err := s.transition(ctx, &o, o.FailedFrom, "retry"); err != nil {
		return Order{}, err
	}
	return o, nil
}
