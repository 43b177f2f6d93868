package sandbox

import "strings"

// Provisioned is what the sandbox recorded for a tenant: the orders placed
// (each a checkout), the trial transitions done, and the partner's paid
// subscriptions with their seats. Tests check invariants against it rather
// than against the product's own view.
type Provisioned struct {
	Orders        int
	Conversions   int
	Subscriptions []ProvisionedSubscription
}

// ProvisionedSubscription is one subscription billed by the partner.
type ProvisionedSubscription struct {
	ID       string
	SkuID    string
	Quantity int
	Assigned int // users of the tenant holding its SKU now
}

// ProvisionedFor returns what was bought and converted for tenantID.
func (s *Sandbox) ProvisionedFor(tenantID string) Provisioned {
	t, known := s.catalog.get(strings.ToLower(tenantID))
	if known {
		tenantID = t.ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var p Provisioned
	for _, o := range s.st.Orders {
		if strings.EqualFold(o.ReferenceCustomerID, tenantID) {
			p.Orders++
		}
	}
	for k := range s.st.Conversions {
		if strings.HasPrefix(k, tenantID+"|") {
			p.Conversions++
		}
	}
	for _, sub := range s.st.Subscriptions {
		if sub.TenantID != tenantID || sub.Partner != PartnerTenantID || sub.IsTrial {
			continue
		}
		ps := ProvisionedSubscription{ID: sub.ID, SkuID: sub.SkuID, Quantity: sub.Quantity}
		if known {
			ps.Assigned = s.st.consumed(t, sub.SkuID)
		}
		p.Subscriptions = append(p.Subscriptions, ps)
	}
	return p
}
