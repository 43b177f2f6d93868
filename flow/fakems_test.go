package flow

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"onboard/msapi"
	"onboard/payment"
)

// fakeTenant is a Microsoft tenant the fake knows.
type fakeTenant struct {
	customer msapi.Customer
	admins   map[string]string // upn → password
	users    []msapi.User
	domains  []msapi.Domain
	subs     []msapi.Subscription
}

// fakeMS is a stateful msapi.Microsoft. failAt, when > 0, makes the failAt-th
// call (counting every method) fail with failErr, once.
type fakeMS struct {
	mu          sync.Mutex
	tenants     map[string]*fakeTenant // by tenant id
	pageSize    int
	calls       int
	failAt      int
	failErr     error
	orders      map[string]msapi.Order               // by request id
	carts       map[string]msapi.OrderRequest        // by cart id
	converts    map[string]msapi.Conversion          // by request id
	placeCalls  int                                  // PlaceOrder calls that created an order
	assigned    map[string][]string                  // user id → skus assigned through AssignLicenses
	passwords   []string                             // every password seen, to prove none is kept elsewhere
	agreements  map[string]msapi.AgreementAcceptance // tenant id → accepted MCA
	acceptCalls int                                  // AcceptAgreement calls that recorded an acceptance
	created     map[string]string                    // CreateCustomer request id → tenant id
	createCalls int                                  // CreateCustomer calls that created a tenant
	loseCreate  bool                                 // the next CreateCustomer creates, then fails as if the answer was lost
	gdap        fakeGDAP                             // GDAP relationships (fakems_gdap_test.go)
}

func newFakeMS() *fakeMS {
	return &fakeMS{tenants: map[string]*fakeTenant{}, pageSize: 3, failErr: msapi.ErrUnavailable,
		orders: map[string]msapi.Order{}, converts: map[string]msapi.Conversion{}, assigned: map[string][]string{},
		agreements: map[string]msapi.AgreementAcceptance{}, created: map[string]string{}}
}

// call counts a call and injects the configured failure. Caller holds mu.
func (f *fakeMS) call() error {
	f.calls++
	if f.failAt > 0 && f.calls == f.failAt {
		return fmt.Errorf("fake call %d: %w", f.calls, f.failErr)
	}
	return nil
}

func (f *fakeMS) tenant(id string) (*fakeTenant, error) {
	t, ok := f.tenants[id]
	if !ok {
		return nil, fmt.Errorf("tenant %s: %w", id, msapi.ErrNotFound)
	}
	return t, nil
}

func (f *fakeMS) InvitationURL(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return "https://admin.example/invite?partner=1", f.call()
}

func (f *fakeMS) FindCustomerByDomain(_ context.Context, domain string) (msapi.Customer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return msapi.Customer{}, err
	}
	for _, t := range f.tenants {
		for _, d := range t.domains {
			if strings.EqualFold(d.Name, domain) && t.customer.Relationship != msapi.RelationshipNone {
				return t.customer, nil
			}
		}
	}
	return msapi.Customer{}, msapi.ErrNotFound
}

func (f *fakeMS) DomainExists(_ context.Context, domain string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return false, err
	}
	for _, t := range f.tenants {
		for _, d := range t.domains {
			if strings.EqualFold(d.Name, domain) {
				return true, nil
			}
		}
	}
	return false, nil
}

func (f *fakeMS) VerifyGlobalAdmin(_ context.Context, login, password string) (msapi.Admin, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.passwords = append(f.passwords, password)
	if err := f.call(); err != nil {
		return msapi.Admin{}, err
	}
	for id, t := range f.tenants {
		for upn, pw := range t.admins {
			if strings.EqualFold(upn, login) {
				if pw != password {
					return msapi.Admin{}, msapi.ErrBadCredentials
				}
				return msapi.Admin{UserID: "admin-" + id, UPN: upn, TenantID: id}, nil
			}
		}
	}
	return msapi.Admin{}, msapi.ErrBadCredentials
}

func (f *fakeMS) Users(_ context.Context, tenantID string, fn func([]msapi.User) error) error {
	f.mu.Lock()
	if err := f.call(); err != nil {
		f.mu.Unlock()
		return err
	}
	t, err := f.tenant(tenantID)
	if err != nil {
		f.mu.Unlock()
		return err
	}
	users := append([]msapi.User(nil), t.users...)
	f.mu.Unlock()
	for i := 0; i < len(users); i += f.pageSize {
		page := users[i:min(i+f.pageSize, len(users))]
		if i > 0 { // later pages are calls of their own, so they can fail too
			f.mu.Lock()
			err := f.call()
			f.mu.Unlock()
			if err != nil {
				return err
			}
		}
		if err := fn(page); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeMS) UserLicenses(context.Context, string, string) ([]msapi.License, error) {
	return nil, nil
}

func (f *fakeMS) Domains(_ context.Context, tenantID string) ([]msapi.Domain, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return nil, err
	}
	t, err := f.tenant(tenantID)
	if err != nil {
		return nil, err
	}
	return append([]msapi.Domain(nil), t.domains...), nil
}

func (f *fakeMS) Subscriptions(_ context.Context, tenantID string) ([]msapi.Subscription, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return nil, err
	}
	t, err := f.tenant(tenantID)
	if err != nil {
		return nil, err
	}
	return append([]msapi.Subscription(nil), t.subs...), nil
}

func (f *fakeMS) SubscribedSKUs(context.Context, string) ([]msapi.SubscribedSKU, error) {
	return nil, nil
}

func (f *fakeMS) DirectoryRoleMembers(context.Context, string, string) ([]msapi.User, error) {
	return nil, nil
}

func (f *fakeMS) ConvertTrial(_ context.Context, tenantID, subID string, line msapi.OrderLine, reqID string) (msapi.Conversion, error) {
	target, qty := line.OfferID, line.Quantity
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return msapi.Conversion{}, err
	}
	if c, ok := f.converts[reqID]; ok {
		return c, nil
	}
	t, err := f.tenant(tenantID)
	if err != nil {
		return msapi.Conversion{}, err
	}
	if _, ok := f.agreements[tenantID]; !ok {
		return msapi.Conversion{}, msapi.ErrAgreementMissing
	}
	for i := range t.subs {
		s := &t.subs[i]
		if s.ID == subID && s.IsTrial {
			c := msapi.Conversion{SubscriptionID: s.ID, OfferID: s.OfferID, TargetOfferID: target, Quantity: qty}
			s.IsTrial, s.OfferID, s.Quantity = false, target, qty
			f.converts[reqID] = c
			return c, nil
		}
	}
	return msapi.Conversion{}, msapi.ErrConversionIneligible
}

func (f *fakeMS) PlaceOrder(_ context.Context, tenantID string, req msapi.OrderRequest) (msapi.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return msapi.Order{}, err
	}
	if o, ok := f.orders[req.RequestID]; ok {
		return o, nil
	}
	t, err := f.tenant(tenantID)
	if err != nil {
		return msapi.Order{}, err
	}
	if t.customer.Relationship != msapi.RelationshipReseller {
		return msapi.Order{}, msapi.ErrRelationshipMissing
	}
	if _, ok := f.agreements[tenantID]; !ok {
		return msapi.Order{}, msapi.ErrAgreementMissing
	}
	f.placeCalls++
	o := msapi.Order{ID: fmt.Sprintf("msorder-%d", f.placeCalls), Status: "completed"}
	for _, l := range req.Lines {
		sub := msapi.Subscription{ID: fmt.Sprintf("sub-%d-%s", f.placeCalls, l.OfferID), OfferID: l.OfferID, Quantity: l.Quantity, Status: "active"}
		t.subs = append(t.subs, sub)
		o.Lines = append(o.Lines, msapi.OrderedLine{OfferID: l.OfferID, Quantity: l.Quantity, SubscriptionID: sub.ID})
	}
	f.orders[req.RequestID] = o
	return o, nil
}

func (f *fakeMS) CreateCart(_ context.Context, tenantID string, req msapi.OrderRequest) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return "", err
	}
	if f.carts == nil {
		f.carts = map[string]msapi.OrderRequest{}
	}
	id := "cart-" + req.RequestID
	f.carts[id] = req
	return id, nil
}

func (f *fakeMS) CheckoutCart(ctx context.Context, tenantID, cartID string) (msapi.Order, error) {
	f.mu.Lock()
	req, ok := f.carts[cartID]
	f.mu.Unlock()
	if !ok {
		return msapi.Order{}, msapi.ErrNotFound
	}
	o, err := f.PlaceOrder(ctx, tenantID, req)
	o.CartID = cartID
	return o, err
}

func (f *fakeMS) GetOrder(_ context.Context, tenantID, orderID string) (msapi.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return msapi.Order{}, err
	}
	for _, o := range f.orders {
		if o.ID == orderID {
			return o, nil
		}
	}
	return msapi.Order{}, msapi.ErrNotFound
}

func (f *fakeMS) Availabilities(context.Context, string, string, string) ([]msapi.Availability, error) {
	return nil, nil
}

// The catalog reads are the sandbox's to answer (flow tests of catalog sync
// run against it); the in-memory fake has no catalog.
func (f *fakeMS) Product(context.Context, string, string) (msapi.Product, error) {
	return msapi.Product{}, msapi.ErrNotFound
}

func (f *fakeMS) SKUs(context.Context, string, string) ([]msapi.SKU, error) {
	return nil, msapi.ErrNotFound
}

func (f *fakeMS) AssignLicenses(_ context.Context, tenantID, userID string, add, remove []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return err
	}
	f.assigned[userID] = append(f.assigned[userID], add...)
	return nil
}

// CreateCustomer creates a tenant like Partner Center: a taken domain is
// ErrDomainTaken; a repeated request id is the same tenant without the password.
func (f *fakeMS) CreateCustomer(_ context.Context, nc msapi.NewCustomer) (msapi.CreatedCustomer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return msapi.CreatedCustomer{}, err
	}
	domain := strings.TrimSuffix(strings.ToLower(nc.DomainPrefix), ".onmicrosoft.com") + ".onmicrosoft.com"
	if id, ok := f.created[nc.RequestID]; ok {
		return msapi.CreatedCustomer{TenantID: id, Domain: domain, AdminUserName: "admin@" + domain}, nil
	}
	for _, t := range f.tenants {
		for _, d := range t.domains {
			if strings.EqualFold(d.Name, domain) {
				return msapi.CreatedCustomer{}, fmt.Errorf("create %s: %w", domain, msapi.ErrDomainTaken)
			}
		}
	}
	f.createCalls++
	id := fmt.Sprintf("new-tenant-%d", f.createCalls)
	admin, password := "admin@"+domain, fmt.Sprintf("Fake-Secret-%d-Xq", f.createCalls)
	f.tenants[id] = &fakeTenant{
		customer: msapi.Customer{TenantID: id, Domain: domain, CompanyName: nc.CompanyName, Relationship: msapi.RelationshipReseller},
		admins:   map[string]string{admin: password},
		users:    []msapi.User{{ID: id + "-admin", UPN: admin, Active: true}},
		domains:  []msapi.Domain{{Name: domain, IsInitial: true, IsDefault: true, IsVerified: true}},
	}
	f.created[nc.RequestID] = id
	if f.loseCreate {
		f.loseCreate = false
		return msapi.CreatedCustomer{}, fmt.Errorf("create %s: connection reset: %w", domain, msapi.ErrUnavailable)
	}
	return msapi.CreatedCustomer{TenantID: id, Domain: domain, AdminUserName: admin, AdminPassword: password}, nil
}

func (f *fakeMS) AcceptAgreement(_ context.Context, tenantID string, a msapi.AgreementAcceptance) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return err
	}
	if _, err := f.tenant(tenantID); err != nil {
		return err
	}
	if _, ok := f.agreements[tenantID]; ok {
		return nil
	}
	if a.FirstName == "" || a.LastName == "" || a.Email == "" || a.DateAgreed.IsZero() {
		return fmt.Errorf("agreement %+v: %w", a, msapi.ErrInvalidRequest)
	}
	f.agreements[tenantID] = a
	f.acceptCalls++
	return nil
}

func (f *fakeMS) HasAgreement(_ context.Context, tenantID string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(); err != nil {
		return false, err
	}
	_, ok := f.agreements[tenantID]
	return ok, nil
}

var _ msapi.Microsoft = (*fakeMS)(nil)

// fakePay is a payment.Gateway. Sessions are keyed by idempotency key;
// settle decides a checkout's outcome.
type fakePay struct {
	mu       sync.Mutex
	byKey    map[string]string // idempotency key → session id
	sessions map[string]*payment.Status
	starts   int // checkouts created (not repeated)
}

func newFakePay() *fakePay {
	return &fakePay{byKey: map[string]string{}, sessions: map[string]*payment.Status{}}
}

func (p *fakePay) StartCheckout(_ context.Context, c payment.Checkout) (payment.Session, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id, ok := p.byKey[c.IdempotencyKey]; ok {
		return payment.Session{ID: id, URL: "https://pay.example/" + id}, nil
	}
	p.starts++
	id := fmt.Sprintf("cs_%d", p.starts)
	p.byKey[c.IdempotencyKey] = id
	p.sessions[id] = &payment.Status{ID: id, State: payment.StatePending, Amount: c.Amount, Currency: c.Currency}
	return payment.Session{ID: id, URL: "https://pay.example/" + id}, nil
}

func (p *fakePay) Status(_ context.Context, id string) (payment.Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.sessions[id]
	if !ok {
		return payment.Status{}, payment.ErrNotFound
	}
	return *s, nil
}

// settle sets the outcome of checkout id; a closed (expired) checkout
// takes no payment, as a hosted checkout page refuses one.
func (p *fakePay) settle(id string, st payment.State) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sessions[id]
	if s.State == payment.StateExpired {
		return
	}
	s.State = st
	if st == payment.StatePaid {
		s.PaymentID = "pay_" + id
	}
	if st == payment.StateDeclined {
		s.Reason = "card declined"
	}
}

// paidCount is how many checkouts were captured.
func (p *fakePay) paidCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.sessions {
		if s.State == payment.StatePaid {
			n++
		}
	}
	return n
}

// The device code sign-in is tested against the sandbox (signin_test.go);
// the fake has none.
func (f *fakeMS) StartAdminSignIn(context.Context, string) (msapi.DeviceSignIn, error) {
	return msapi.DeviceSignIn{}, msapi.ErrUnavailable
}

func (f *fakeMS) CheckAdminSignIn(context.Context, string, time.Duration) (msapi.Admin, bool, error) {
	return msapi.Admin{}, true, msapi.ErrNotFound
}

func (f *fakeMS) StartAdminBrowserSignIn(context.Context, string) (msapi.BrowserSignIn, error) {
	return msapi.BrowserSignIn{}, msapi.ErrUnavailable
}

func (f *fakeMS) CheckAdminBrowserSignIn(context.Context, string, time.Duration) (msapi.Admin, bool, error) {
	return msapi.Admin{}, true, msapi.ErrNotFound
}
