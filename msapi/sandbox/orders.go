package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"onboard/msapi/wire"
)

// postOrder is POST /v1/customers/{id}/orders. Orders complete at once; each
// line creates a subscription with no assignments. The MS-RequestId makes it
// idempotent: repeating it returns the first order, never a second one.
func (s *Sandbox) postOrder(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	var body wire.Order
	if err := decodeBody(r, &body); err != nil {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The request body is not a valid order.")
		return
	}
	if msg := validateOrder(body); msg != "" {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, msg)
		return
	}
	reqID := r.Header.Get(wire.HeaderRequestID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.agreementRequired(w, t) {
		return
	}
	if reqID != "" {
		if id, ok := s.st.OrderRequests[key(t.ID, reqID)]; ok {
			writeJSON(w, http.StatusCreated, s.st.Orders[id])
			return
		}
	}
	order := s.st.placeOrder(t, body, s.now().UTC())
	if reqID != "" {
		s.st.OrderRequests[key(t.ID, reqID)] = order.ID
	}
	if err := s.saveLocked(); err != nil {
		writePCError(w, http.StatusInternalServerError, wire.CodeServiceError, "The order could not be saved.")
		return
	}
	writeJSON(w, http.StatusCreated, order)
}

func validateOrder(o wire.Order) string {
	if len(o.LineItems) == 0 {
		return "The order has no line items."
	}
	switch strings.ToLower(o.BillingCycle) {
	case "", "monthly", "annual":
	default:
		return "Billing cycle " + o.BillingCycle + " is not supported; use monthly or annual."
	}
	for _, li := range o.LineItems {
		p, ok := productByOffer(li.OfferID)
		if !ok || !strings.EqualFold(p.OfferID, li.OfferID) {
			return fmt.Sprintf("Line item %d: offer %s was not found in the catalog.", li.LineItemNumber, li.OfferID)
		}
		if li.Quantity < 1 {
			return fmt.Sprintf("Line item %d: quantity must be at least 1.", li.LineItemNumber)
		}
	}
	return ""
}

// placeOrder records a validated order and its new subscriptions.
func (st *state) placeOrder(t *tenant, body wire.Order, now time.Time) wire.Order {
	cycle := strings.ToLower(body.BillingCycle)
	if cycle == "" {
		cycle = "monthly"
	}
	order := wire.Order{
		ID:                  st.nextID("order/" + t.ID),
		ReferenceCustomerID: t.ID,
		BillingCycle:        cycle,
		Status:              "completed",
		CreationDate:        now.Format(time.RFC3339),
		Attributes:          wire.Attributes{ObjectType: "Order"},
	}
	for _, li := range body.LineItems {
		p, _ := productByOffer(li.OfferID)
		sub := &subscription{
			ID: st.nextID("subscription/" + t.ID), TenantID: t.ID, OfferID: p.OfferID, SkuID: p.SkuID,
			Quantity: li.Quantity, Status: "active", BillingCycle: cycle, Partner: PartnerTenantID,
			OrderID: order.ID, Created: now,
		}
		st.Subscriptions = append(st.Subscriptions, sub)
		li.OfferID, li.SubscriptionID = p.OfferID, sub.ID
		if li.FriendlyName == "" {
			li.FriendlyName = p.Name
		}
		order.LineItems = append(order.LineItems, li)
	}
	st.Orders[order.ID] = order
	return order
}
