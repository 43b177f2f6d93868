package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"onboard/flow"
	"onboard/msapi"
	"onboard/payment"
)

// fakeBackend keeps state like flow.Service does, in memory.
type fakeBackend struct {
	mu sync.Mutex

	adminPassword string // the only password VerifyAdmin accepts
	adminErr      error  // returned instead when set
	passwordsSeen []string

	inviteURL  string
	accepted   bool // what CheckConsent reports
	tenant     msapi.Customer
	orders     map[string]flow.Order
	nextNumber int
	cancelled  []string
	orderEmail map[string]string // order id → the e-mail on it

	checkoutURL   string
	payStates     []payment.State // CheckPayment answers in turn; then paid
	checkouts     int
	processErrs   []error // Process fails with these in turn
	retries       int
	progress      []flow.Progress
	bought        bool // Process buys (vs converts)
	users         []flow.User
	assignments   map[string][]string // sku → user ids
	drafts        map[string]flow.Draft
	draftAnswers  map[string]flow.Answers
	draftSteps    map[string]flow.StepID
	latestDraftOK bool
	now           time.Time
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		adminPassword: "Correct-horse-1",
		inviteURL:     "http://127.0.0.1:8443/invite/7f3a",
		checkoutURL:   "http://127.0.0.1:8444/pay/cs_1",
		tenant: msapi.Customer{TenantID: "tid-contoso", Domain: "contoso.onmicrosoft.com",
			CompanyName: "Contoso", Relationship: msapi.RelationshipReseller},
		orders:       map[string]flow.Order{},
		orderEmail:   map[string]string{},
		nextNumber:   1001,
		assignments:  map[string][]string{},
		drafts:       map[string]flow.Draft{},
		draftAnswers: map[string]flow.Answers{},
		draftSteps:   map[string]flow.StepID{},
		bought:       true,
		now:          time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC),
		progress: []flow.Progress{
			{Step: "link", Label: "Linking your account", Done: 1, Total: 1},
			{Step: "line:1", Label: "Buying licenses", Done: 1, Total: 1},
			{Step: "domains", Label: "Importing domains", Done: 2, Total: 2},
			{Step: "users", Label: "Importing users", Done: 12400, Total: 100000},
		},
	}
}

var testCatalog = flow.Catalog{
	Provider: "Northwind Cloud",
	Currency: "EUR",
	Offers: []flow.Offer{
		{ID: "m365-bp", MicrosoftOfferID: "CFQ7TTC0LCHC", Name: "Microsoft 365 Business Premium",
			Description: "Office apps, e-mail, Teams and advanced security.", SkuID: "sku-bp", UnitPrice: 2060, MinSeats: 1, MaxSeats: 300},
		{ID: "m365-bs", MicrosoftOfferID: "CFQ7TTC0LDPB", Name: "Microsoft 365 Business Standard",
			SkuID: "sku-bs", UnitPrice: 1170, MinSeats: 1, MaxSeats: 300},
		{ID: "exo-p1", MicrosoftOfferID: "CFQ7TTC0LH16", Name: "Exchange Online (Plan 1)",
			SkuID: "sku-exo", UnitPrice: 380, MinSeats: 5, MaxSeats: 1000},
	},
}

func (f *fakeBackend) VerifyAdmin(ctx context.Context, login, password string) (msapi.Admin, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.passwordsSeen = append(f.passwordsSeen, password)
	if f.adminErr != nil {
		return msapi.Admin{}, fmt.Errorf("verify administrator %s: %w", login, f.adminErr)
	}
	if password != f.adminPassword {
		return msapi.Admin{}, fmt.Errorf("verify administrator %s: %w", login, msapi.ErrBadCredentials)
	}
	return msapi.Admin{UserID: "u-admin", UPN: login, DisplayName: "Admin", TenantID: f.tenant.TenantID}, nil
}

func (f *fakeBackend) InvitationURL(context.Context) (string, error) { return f.inviteURL, nil }

func (f *fakeBackend) CheckConsent(_ context.Context, domain string) (msapi.Customer, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.EqualFold(domain, f.tenant.Domain) || !f.accepted {
		return msapi.Customer{}, false, nil
	}
	return f.tenant, true, nil
}

func (f *fakeBackend) accept() {
	f.mu.Lock()
	f.accepted = true
	f.mu.Unlock()
}

func (f *fakeBackend) CreateOrder(_ context.Context, a flow.Answers) (flow.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o, ok := f.orders[a.OrderID]; ok {
		return o, nil
	}
	o := flow.Order{ID: fmt.Sprintf("ord-%d", f.nextNumber), Number: fmt.Sprintf("NW-%d", f.nextNumber),
		Status: flow.StatusAwaitingConsent, Policy: flow.PolicyPayFirst, Currency: "EUR", AdminUPN: a.AdminUPN}
	f.nextNumber++
	for i, l := range a.Lines {
		off, _ := testCatalog.Offer(l.OfferID)
		o.Lines = append(o.Lines, flow.OrderLine{LineNo: i + 1, OfferID: off.MicrosoftOfferID, Name: off.Name,
			SkuID: off.SkuID, Quantity: l.Seats, UnitPrice: off.UnitPrice})
	}
	f.orders[o.ID] = o
	return o, nil
}

func (f *fakeBackend) ConsentAccepted(_ context.Context, orderID string, c msapi.Customer) (flow.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[orderID]
	if !ok {
		return flow.Order{}, flow.ErrNotFound
	}
	o.TenantID, o.TenantDomain, o.Status = c.TenantID, c.Domain, flow.StatusAwaitingPayment
	f.orders[orderID] = o
	return o, nil
}

func (f *fakeBackend) Cancel(_ context.Context, orderID, _ string) (flow.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancelled = append(f.cancelled, orderID)
	o := f.orders[orderID]
	o.Status = flow.StatusCancelled
	f.orders[orderID] = o
	return o, nil
}

func (f *fakeBackend) StartPayment(_ context.Context, orderID string) (payment.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checkouts++
	return payment.Session{ID: fmt.Sprintf("cs_%d", f.checkouts), URL: f.checkoutURL}, nil
}

func (f *fakeBackend) CheckPayment(_ context.Context, orderID, checkoutID string) (payment.State, flow.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := payment.StatePaid
	if len(f.payStates) > 0 {
		st, f.payStates = f.payStates[0], f.payStates[1:]
	}
	o := f.orders[orderID]
	if st == payment.StatePaid {
		o.Status = flow.StatusPaid
		f.orders[orderID] = o
	}
	return st, o, nil
}

func (f *fakeBackend) Process(ctx context.Context, orderID string, progress func(flow.Progress)) (flow.Result, error) {
	f.mu.Lock()
	o := f.orders[orderID]
	var err error
	if len(f.processErrs) > 0 {
		err, f.processErrs = f.processErrs[0], f.processErrs[1:]
	}
	steps := f.progress
	f.mu.Unlock()
	for _, p := range steps {
		if err != nil && p.Step == "users" {
			return flow.Result{}, err
		}
		progress(p)
	}
	if err != nil {
		return flow.Result{}, err
	}
	o.Status = flow.StatusCompleted
	res := flow.Result{Order: o, UsersImported: len(f.users), DomainsImported: 2}
	for i, l := range o.Lines {
		l.SubscriptionID = fmt.Sprintf("sub-%d", i)
		o.Lines[i] = l
		if f.bought {
			res.Bought = append(res.Bought, l)
		} else {
			l.Converted = true
			res.Converted = append(res.Converted, l)
			res.AssignmentsKept += 3
		}
	}
	f.mu.Lock()
	f.orders[orderID] = o
	f.mu.Unlock()
	return res, ctx.Err()
}

func (f *fakeBackend) Retry(_ context.Context, orderID string) (flow.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retries++
	return f.orders[orderID], nil
}

func (f *fakeBackend) AssignLicenses(_ context.Context, orderID, skuID string, userIDs []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(userIDs) == 0 {
		return errors.New("no users")
	}
	f.assignments[skuID] = append(f.assignments[skuID], userIDs...)
	return nil
}

func (f *fakeBackend) ListUsers(context.Context, string) ([]flow.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]flow.User(nil), f.users...), nil
}

func (f *fakeBackend) SaveDraft(_ context.Context, code, terminal string, step flow.StepID, a flow.Answers) (flow.Draft, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if code == "" {
		code = fmt.Sprintf("K7QM-%04d", len(f.drafts)+1)
	}
	d := flow.Draft{Code: code, Terminal: terminal, Step: string(step), UpdatedAt: f.now}
	f.drafts[code], f.draftAnswers[code], f.draftSteps[code] = d, a, step
	return d, nil
}

func (f *fakeBackend) LoadDraft(_ context.Context, code string) (flow.StepID, flow.Answers, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.drafts[code]; !ok {
		return "", flow.Answers{}, flow.ErrNotFound
	}
	return f.draftSteps[code], f.draftAnswers[code], nil
}

func (f *fakeBackend) LatestDraft(_ context.Context, terminal string) (flow.Draft, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.drafts {
		if d.Terminal == terminal && f.latestDraftOK {
			return d, true, nil
		}
	}
	return flow.Draft{}, false, nil
}

// stubBrowser records what was opened and can fail like a kiosk without one.
type stubBrowser struct {
	mu     sync.Mutex
	opened []string
	err    error
}

func (b *stubBrowser) Open(url string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.opened = append(b.opened, url)
	return b.err
}

func makeUsers(n int) []flow.User {
	us := make([]flow.User, n)
	for i := range us {
		us[i] = flow.User{ID: fmt.Sprintf("u%06d", i), UPN: fmt.Sprintf("user%06d@contoso.onmicrosoft.com", i),
			DisplayName: fmt.Sprintf("User %06d", i), Active: true}
	}
	return us
}

func (f *fakeBackend) CheckSubdomain(_ context.Context, domain string) (bool, []string, error) {
	if strings.HasPrefix(domain, "contoso.") {
		return false, []string{"contoso2.onmicrosoft.com", "contosoltd.onmicrosoft.com"}, nil
	}
	return true, nil, nil
}

func (f *fakeBackend) CreateMicrosoftAccount(_ context.Context, orderID string) (msapi.CreatedCustomer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[orderID]
	if !ok {
		return msapi.CreatedCustomer{}, flow.ErrNotFound
	}
	o.TenantID, o.TenantDomain, o.Status = "tid-new", "fabrikam.onmicrosoft.com", flow.StatusAwaitingPayment
	f.orders[orderID] = o
	return msapi.CreatedCustomer{TenantID: "tid-new", Domain: "fabrikam.onmicrosoft.com",
		AdminUserName: "admin@fabrikam.onmicrosoft.com", AdminPassword: "Tmp#Pass-4821"}, nil
}

// existingOnly hides the fake's new-account methods, like a backend that
// cannot create Microsoft accounts.
type existingOnly struct{ Backend }

func (f *fakeBackend) FindOrderForPayment(_ context.Context, number, email string) (flow.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.orders {
		if o.Number == number && strings.EqualFold(f.orderEmail[o.ID], email) {
			return o, nil
		}
	}
	return flow.Order{}, fmt.Errorf("order %s: %w", number, flow.ErrNotFound)
}
