package flow

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"onboard/payment"
)

// memStore is an in-memory Store for tests. fail, when set, is asked before
// every mutating call and may inject an error (a crash at that point).
type memStore struct {
	mu        sync.Mutex
	customers map[string]Customer
	orders    map[string]Order
	seq       int
	steps     map[string]map[string]bool
	payments  map[string][]Payment
	domains   map[string]map[string]Domain
	users     map[string]map[string]User
	userSaves map[string]int // user id → times saved
	drafts    map[string]Draft
	audit     []AuditEvent
	baselines map[string]map[string]bool // order id → tenant ids (consent baselines)
	gdap      map[string]GDAPRecord      // tenant id → admin relationship (memstore_gdap_test.go)
	fail      func(method string) error
	now       func() time.Time
}

func newMemStore() *memStore {
	return &memStore{
		customers: map[string]Customer{}, orders: map[string]Order{}, steps: map[string]map[string]bool{},
		payments: map[string][]Payment{}, domains: map[string]map[string]Domain{},
		users: map[string]map[string]User{}, userSaves: map[string]int{}, drafts: map[string]Draft{},
		now: time.Now,
	}
}

func (m *memStore) mutate(method string) error {
	if m.fail != nil {
		return m.fail(method)
	}
	return nil
}

func (m *memStore) auditLocked(ev AuditEvent) {
	ev.ID = int64(len(m.audit) + 1)
	m.audit = append(m.audit, ev)
}

func (m *memStore) CreateCustomer(_ context.Context, c *Customer) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("CreateCustomer"); err != nil {
		return err
	}
	if c.ID == "" {
		c.ID = fmt.Sprintf("cust-%d", len(m.customers)+1)
	}
	m.customers[c.ID] = *c
	return nil
}

func (m *memStore) GetCustomer(_ context.Context, id string) (Customer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.customers[id]
	if !ok {
		return Customer{}, ErrNotFound
	}
	return c, nil
}

func (m *memStore) ListCustomers(_ context.Context, since time.Time, limit int) ([]Customer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Customer
	for _, c := range m.customers {
		if !c.CreatedAt.Before(since) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *memStore) LinkTenant(_ context.Context, customerID, tenantID, domain string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("LinkTenant"); err != nil {
		return err
	}
	c, ok := m.customers[customerID]
	if !ok {
		return ErrNotFound
	}
	if owner, ok := m.tenantOwnerLocked(tenantID); (ok && owner.ID != customerID) ||
		(c.TenantID != "" && !strings.EqualFold(c.TenantID, tenantID)) {
		return ErrTenantTaken
	}
	c.TenantID, c.Domain = tenantID, domain
	m.customers[customerID] = c
	return nil
}

func (m *memStore) CreateOrder(_ context.Context, o *Order, ev AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("CreateOrder"); err != nil {
		return err
	}
	if existing, ok := m.orders[o.ID]; ok {
		*o = existing
		return nil
	}
	if o.Status != StatusCompleted && o.Status != StatusCancelled {
		if _, err := m.openOrderLocked(o.TenantID, o.TenantDomain, o.ID); err == nil {
			return ErrOpenOrder
		}
	}
	m.seq++
	o.Number = fmt.Sprintf("ORD-%06d", m.seq)
	o.Lines = append([]OrderLine(nil), o.Lines...)
	m.orders[o.ID] = *o
	m.auditLocked(ev)
	return nil
}

func (m *memStore) GetOrder(_ context.Context, id string) (Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	o.Lines = append([]OrderLine(nil), o.Lines...)
	return o, nil
}

func (m *memStore) GetOrderByNumber(ctx context.Context, number string) (Order, error) {
	m.mu.Lock()
	var id string
	for _, o := range m.orders {
		if o.Number == number {
			id = o.ID
		}
	}
	m.mu.Unlock()
	return m.GetOrder(ctx, id)
}

func (m *memStore) ListOrders(_ context.Context, f OrderFilter) ([]Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Order
	for _, o := range m.orders {
		if (f.Status == "" || o.Status == f.Status) && (f.CustomerID == "" || o.CustomerID == f.CustomerID) {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

func (m *memStore) TransitionOrder(_ context.Context, id string, from, to OrderStatus, reason string, ev AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("TransitionOrder"); err != nil {
		return err
	}
	o, ok := m.orders[id]
	if !ok {
		return ErrNotFound
	}
	if o.Status != from {
		return ErrConflict
	}
	o.Status, o.FailReason = to, ""
	if to == StatusFailed {
		o.FailReason, o.FailedFrom = reason, from
	}
	m.orders[id] = o
	m.auditLocked(ev)
	return nil
}

func (m *memStore) UpdateOrderTenant(_ context.Context, id, tenantID, domain, adminUPN string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("UpdateOrderTenant"); err != nil {
		return err
	}
	o, ok := m.orders[id]
	if !ok {
		return ErrNotFound
	}
	o.TenantID, o.TenantDomain, o.AdminUPN = tenantID, domain, adminUPN
	m.orders[id] = o
	return nil
}

func (m *memStore) SetApproved(_ context.Context, id string, ev AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("SetApproved"); err != nil {
		return err
	}
	o, ok := m.orders[id]
	if !ok {
		return ErrNotFound
	}
	o.Approved = true
	m.orders[id] = o
	m.auditLocked(ev)
	return nil
}

func (m *memStore) ReplaceOrderLines(_ context.Context, id string, from OrderStatus, lines []OrderLine, ev AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("ReplaceOrderLines"); err != nil {
		return err
	}
	o, ok := m.orders[id]
	if !ok {
		return ErrNotFound
	}
	if o.Status != from {
		return ErrConflict
	}
	for _, p := range m.payments[id] {
		switch p.State {
		case string(payment.StatePaid):
			return ErrAlreadyPaid
		case string(payment.StatePending), string(payment.StateDeclined):
			return ErrConflict
		}
	}
	o.Lines = append([]OrderLine(nil), lines...)
	for i := range o.Lines {
		o.Lines[i].LineNo = i + 1
	}
	o.Approved = false
	m.orders[id] = o
	ev.OrderID = id
	m.auditLocked(ev)
	return nil
}

func (m *memStore) SetLineSubscription(_ context.Context, orderID string, lineNo int, subID string, converted bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("SetLineSubscription"); err != nil {
		return err
	}
	o, ok := m.orders[orderID]
	if !ok {
		return ErrNotFound
	}
	lines := append([]OrderLine(nil), o.Lines...)
	for i := range lines {
		if lines[i].LineNo == lineNo {
			lines[i].SubscriptionID, lines[i].Converted = subID, converted
		}
	}
	o.Lines = lines
	m.orders[orderID] = o
	return nil
}

func (m *memStore) StepsDone(_ context.Context, orderID string) (map[string]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]bool{}
	for k, v := range m.steps[orderID] {
		out[k] = v
	}
	return out, nil
}

func (m *memStore) MarkStepDone(_ context.Context, orderID, step string, ev AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("MarkStepDone"); err != nil {
		return err
	}
	if m.steps[orderID] == nil {
		m.steps[orderID] = map[string]bool{}
	}
	if m.steps[orderID][step] {
		return nil // as SQLite: a second mark writes no second event
	}
	m.steps[orderID][step] = true
	m.auditLocked(ev)
	return nil
}

func (m *memStore) SavePayment(_ context.Context, p Payment) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("SavePayment"); err != nil {
		return err
	}
	m.savePaymentLocked(p)
	return nil
}

func (m *memStore) savePaymentLocked(p Payment) {
	ps := m.payments[p.OrderID]
	for i := range ps {
		if ps[i].CheckoutID == p.CheckoutID {
			p.CreatedAt = ps[i].CreatedAt
			ps[i] = p
			return
		}
	}
	m.payments[p.OrderID] = append(ps, p)
}

func (m *memStore) Payments(_ context.Context, orderID string) ([]Payment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Payment(nil), m.payments[orderID]...), nil
}

func (m *memStore) MarkPaid(_ context.Context, p Payment, ev AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("MarkPaid"); err != nil {
		return err
	}
	for _, q := range m.payments[p.OrderID] {
		if q.State == string(payment.StatePaid) {
			return ErrAlreadyPaid
		}
	}
	o, ok := m.orders[p.OrderID]
	if !ok {
		return ErrNotFound
	}
	if o.Status != StatusAwaitingPayment {
		return ErrConflict
	}
	m.savePaymentLocked(p)
	o.Status = StatusPaid
	m.orders[o.ID] = o
	m.auditLocked(ev)
	return nil
}

func (m *memStore) SaveDomains(_ context.Context, tenantID string, ds []Domain) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("SaveDomains"); err != nil {
		return err
	}
	if m.domains[tenantID] == nil {
		m.domains[tenantID] = map[string]Domain{}
	}
	for _, d := range ds {
		m.domains[tenantID][strings.ToLower(d.Name)] = d
	}
	return nil
}

func (m *memStore) SaveUsers(_ context.Context, tenantID string, us []User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("SaveUsers"); err != nil {
		return err
	}
	if m.users[tenantID] == nil {
		m.users[tenantID] = map[string]User{}
	}
	for _, u := range us {
		u.SkuIDs = append([]string(nil), u.SkuIDs...)
		m.users[tenantID][u.ID] = u
		m.userSaves[u.ID]++
	}
	return nil
}

func (m *memStore) CountUsers(_ context.Context, tenantID string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.users[tenantID]), nil
}

func (m *memStore) CountDomains(_ context.Context, tenantID string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.domains[tenantID]), nil
}

func (m *memStore) ListUsers(_ context.Context, tenantID string) ([]User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []User
	for _, u := range m.users[tenantID] {
		u.SkuIDs = append([]string(nil), u.SkuIDs...)
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *memStore) AddAssignments(_ context.Context, tenantID, skuID string, userIDs []string, ev AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("AddAssignments"); err != nil {
		return err
	}
	for _, id := range userIDs {
		u, ok := m.users[tenantID][id]
		if !ok {
			return ErrNotFound
		}
		u.SkuIDs = append(append([]string(nil), u.SkuIDs...), skuID)
		m.users[tenantID][id] = u
	}
	m.auditLocked(ev)
	return nil
}

func (m *memStore) SaveDraft(_ context.Context, d Draft) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("SaveDraft"); err != nil {
		return err
	}
	m.drafts[d.Code] = d
	return nil
}

func (m *memStore) LoadDraft(_ context.Context, code string) (Draft, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.drafts[code]
	if !ok {
		return Draft{}, ErrNotFound
	}
	if !m.now().Before(d.ExpiresAt) {
		return Draft{}, ErrDraftExpired
	}
	return d, nil
}

func (m *memStore) LatestDraft(_ context.Context, terminal string) (Draft, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var best Draft
	found := false
	for _, d := range m.drafts {
		if d.Terminal == terminal && m.now().Before(d.ExpiresAt) && (!found || d.UpdatedAt.After(best.UpdatedAt)) {
			best, found = d, true
		}
	}
	if !found {
		return Draft{}, ErrNotFound
	}
	return best, nil
}

func (m *memStore) DeleteDraft(_ context.Context, code string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.drafts, code)
	return nil
}

func (m *memStore) PurgeDrafts(_ context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for c, d := range m.drafts {
		if !now.Before(d.ExpiresAt) {
			delete(m.drafts, c)
			n++
		}
	}
	return n, nil
}

func (m *memStore) Audit(_ context.Context, ev AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("Audit"); err != nil {
		return err
	}
	m.auditLocked(ev)
	return nil
}

func (m *memStore) AuditTrail(_ context.Context, orderID string) ([]AuditEvent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []AuditEvent
	for _, ev := range m.audit {
		if ev.OrderID == orderID {
			out = append(out, ev)
		}
	}
	return out, nil
}

var _ Store = (*memStore)(nil)
