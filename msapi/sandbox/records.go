package sandbox

import (
	"sort"
	"strings"
)

// What the sandbox recorded, read-only, for tests that check invariants
// against Microsoft's side of the story rather than the product's view of
// itself. Every accessor returns copies taken under the lock.

// SubscriptionRecord is one subscription of a tenant as the sandbox holds it.
type SubscriptionRecord struct {
	ID       string
	TenantID string
	OfferID  string
	SkuID    string
	Quantity int
	Status   string
	IsTrial  bool
	// Partner is the partner tenant billing it: PartnerTenantID for what we
	// bought or converted, "" for a Microsoft trial, another id otherwise.
	Partner string
	OrderID string // the Partner Center order that created it (once completed); "" when seeded or transitioned
}

// RecordedSubscriptions are the subscriptions of tenantID (every tenant's
// when ""), in creation order.
func (s *Sandbox) RecordedSubscriptions(tenantID string) []SubscriptionRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SubscriptionRecord
	for _, sub := range s.st.Subscriptions {
		if tenantID != "" && !strings.EqualFold(sub.TenantID, tenantID) {
			continue
		}
		out = append(out, SubscriptionRecord{
			ID: sub.ID, TenantID: sub.TenantID, OfferID: sub.OfferID, SkuID: sub.SkuID,
			Quantity: sub.Quantity, Status: sub.Status, IsTrial: sub.IsTrial,
			Partner: sub.Partner, OrderID: sub.OrderID,
		})
	}
	return out
}

// RecordedRelationships maps each tenant that accepted our reseller
// invitation to the login that accepted it.
func (s *Sandbox) RecordedRelationships() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.st.Relationships))
	for id, r := range s.st.Relationships {
		out[id] = r.AcceptedBy
	}
	return out
}

// RecordedOrders are the ids of the Partner Center orders placed for
// tenantID: one per cart checked out (pending or completed); a repeated cart MS-RequestId or a repeated checkout counts once.
func (s *Sandbox) RecordedOrders(tenantID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, o := range s.st.Orders {
		if strings.EqualFold(o.ReferenceCustomerID, tenantID) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// RecordedConversions counts, per subscription id of tenantID, the distinct
// transitions Microsoft carried out: one per
// MS-RequestId.
func (s *Sandbox) RecordedConversions(tenantID string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k := range s.st.Conversions {
		parts := strings.SplitN(k, "|", 3)
		if len(parts) == 3 && strings.EqualFold(parts[0], tenantID) {
			out[parts[1]]++
		}
	}
	return out
}

// TenantOf is the id of the tenant with domain (initial or custom).
func (s *Sandbox) TenantOf(domain string) (string, bool) {
	t, ok := s.catalog.tenantByDomain(domain)
	if !ok {
		return "", false
	}
	return t.ID, true
}
