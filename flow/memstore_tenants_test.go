package flow

import (
	"context"
	"strings"
)

// The tenant rules of the SQLite store, in memory: one customer per
// tenant, one open order per tenant key, consent baselines.

func (m *memStore) CustomerByTenant(_ context.Context, tenantID string) (Customer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.tenantOwnerLocked(tenantID); ok {
		return c, nil
	}
	return Customer{}, ErrNotFound
}

func (m *memStore) tenantOwnerLocked(tenantID string) (Customer, bool) {
	for _, c := range m.customers {
		if c.TenantID != "" && strings.EqualFold(c.TenantID, tenantID) {
			return c, true
		}
	}
	return Customer{}, false
}

func (m *memStore) OpenOrderForTenant(_ context.Context, tenantID, domain, except string) (Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.openOrderLocked(tenantID, domain, except)
}

func (m *memStore) openOrderLocked(tenantID, domain, except string) (Order, error) {
	var found *Order
	for id, o := range m.orders {
		if id == except || o.Status == StatusCompleted || o.Status == StatusCancelled {
			continue
		}
		if (tenantID != "" && strings.EqualFold(o.TenantID, tenantID)) ||
			(domain != "" && strings.EqualFold(o.TenantDomain, domain)) {
			if found == nil || o.CreatedAt.Before(found.CreatedAt) {
				o := o
				found = &o
			}
		}
	}
	if found == nil {
		return Order{}, ErrNotFound
	}
	return *found, nil
}

func (m *memStore) AttachOrderTenant(_ context.Context, orderID, tenantID, domain, adminUPN string, ev AuditEvent) (Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("AttachOrderTenant"); err != nil {
		return Order{}, err
	}
	o, ok := m.orders[orderID]
	if !ok {
		return Order{}, ErrNotFound
	}
	if _, err := m.openOrderLocked(tenantID, "", orderID); err == nil {
		return Order{}, ErrOpenOrder
	}
	if owner, ok := m.tenantOwnerLocked(tenantID); ok {
		if owner.ID != o.CustomerID {
			delete(m.customers, o.CustomerID)
			o.CustomerID = owner.ID
			ev.OrderID = orderID
			m.auditLocked(ev)
		}
	} else {
		c, ok := m.customers[o.CustomerID]
		if !ok {
			return Order{}, ErrNotFound
		}
		if c.TenantID != "" {
			return Order{}, ErrTenantTaken
		}
		c.TenantID, c.Domain = tenantID, domain
		m.customers[c.ID] = c
	}
	o.TenantID, o.TenantDomain, o.AdminUPN = tenantID, domain, adminUPN
	m.orders[orderID] = o
	delete(m.baselines, orderID)
	return o, nil
}

func (m *memStore) SaveConsentBaseline(_ context.Context, orderID string, tenantIDs []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.mutate("SaveConsentBaseline"); err != nil {
		return err
	}
	if m.baselines == nil {
		m.baselines = map[string]map[string]bool{}
	}
	if _, ok := m.baselines[orderID]; ok {
		return nil
	}
	b := map[string]bool{}
	for _, id := range tenantIDs {
		b[strings.ToLower(id)] = true
	}
	m.baselines[orderID] = b
	return nil
}

func (m *memStore) ConsentBaseline(_ context.Context, orderID string) (map[string]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.baselines[orderID]
	if !ok {
		return nil, ErrNotFound
	}
	return b, nil
}
