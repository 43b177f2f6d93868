package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// New commerce purchases (purchase-new-commerce-license-based): a cart
// (create-a-cart), its checkout (checkout-a-cart), and the orders the
// checkout places, which answer "pending" until Microsoft has provisioned
// their subscriptions (get-an-order-by-id).
//
// Assumptions where the pages are silent: a checkout places one order for the
// whole cart (one order group); an order completes after Options.PendingPolls
// GETs answered "pending" (0: the first GET after the checkout completes it),
// so tests choose the delay without a clock; a repeated MS-RequestId on the
// cart POST returns the cart it created first.

// cart is a customer's cart and, once checked out, the checkout's answer.
type cart struct {
	TenantID string                   `json:"tenantId"`
	Cart     wire.Cart                `json:"cart"`
	Checkout *wire.CartCheckoutResult `json:"checkout,omitempty"`
}

// pendingOrder is an order placed by a checkout whose subscriptions do not
// exist yet: Polls more GETs answer "pending".
type pendingOrder struct {
	Polls int `json:"polls"`
}

// terms are the term durations with the billing cycles each allows.
var terms = map[string][]string{
	wire.TermMonth:      {wire.BillingMonthly},
	wire.TermYear:       {wire.BillingMonthly, wire.BillingAnnual},
	wire.TermThreeYears: {wire.BillingMonthly, wire.BillingAnnual},
}

func validCart(c wire.Cart) string {
	if len(c.LineItems) == 0 {
		return "The cart has no line items."
	}
	for _, li := range c.LineItems {
		if strings.Count(li.CatalogItemID, ":") != 2 {
			return fmt.Sprintf("Line item %d: catalogItemId %q is not productId:skuId:availabilityId.", li.ID, li.CatalogItemID)
		}
		if li.Quantity < 1 {
			return fmt.Sprintf("Line item %d: quantity must be at least 1.", li.ID)
		}
		cycles, ok := terms[strings.ToUpper(li.TermDuration)]
		if !ok {
			return fmt.Sprintf("Line item %d: termDuration %q is not P1M, P1Y or P3Y.", li.ID, li.TermDuration)
		}
		if !containsFold(cycles, li.BillingCycle) {
			return fmt.Sprintf("Line item %d: billingCycle %q is not offered with term %s.", li.ID, li.BillingCycle, li.TermDuration)
		}
	}
	return ""
}

// postCart is POST /v1/customers/{id}/carts.
func (s *Sandbox) postCart(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	var body wire.Cart
	if err := decodeBody(r, &body); err != nil {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The request body is not a valid cart.")
		return
	}
	if msg := validCart(body); msg != "" {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, msg)
		return
	}
	reqID := r.Header.Get(wire.HeaderRequestID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if reqID != "" {
		if id, ok := s.st.CartRequests[key(t.ID, reqID)]; ok {
			writeJSON(w, http.StatusCreated, s.st.Carts[id].Cart)
			return
		}
	}
	now := s.now().UTC()
	c := body
	c.ID = s.st.nextID("cart/" + t.ID)
	c.CreationTimestamp = now.Format(time.RFC3339)
	c.LastModifiedTimestamp = c.CreationTimestamp
	c.ExpirationTimestamp = now.Add(7 * 24 * time.Hour).Format(time.RFC3339) // carts expire after 7 days
	c.Status = wire.CartStatusReady
	c.Attributes = wire.Attributes{ObjectType: "Cart"}
	for i := range c.LineItems {
		li := &c.LineItems[i]
		li.ID = i
		li.TermDuration = strings.ToUpper(li.TermDuration)
		li.BillingCycle = strings.ToLower(li.BillingCycle)
		if p, ok := productByOffer(li.CatalogItemID); ok && strings.EqualFold(p.OfferID, li.CatalogItemID) {
			li.FriendlyName = p.Name
		}
	}
	s.st.Carts[c.ID] = cart{TenantID: t.ID, Cart: c}
	if reqID != "" {
		s.st.CartRequests[key(t.ID, reqID)] = c.ID
	}
	if err := s.saveLocked(); err != nil {
		writePCError(w, http.StatusInternalServerError, 500000, "The cart could not be saved.")
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// checkoutCart is POST /v1/customers/{id}/carts/{cid}/checkout. It is
// idempotent as documented: a cart checked out before answers the first
// checkout's result again. The Microsoft Customer Agreement must be attested
// first. Lines the sandbox does not sell become orderErrors; the others are
// one order, "pending", whose line items have no subscription id yet. The
// answer is 201 Created, as the page's response example shows.
func (s *Sandbox) checkoutCart(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, found := s.st.Carts[strings.ToLower(r.PathValue("cid"))]
	if !found || c.TenantID != t.ID {
		// Assumption: no page gives the code of an unknown cart; the sandbox
		// answers 404 with the invalid-input code.
		writePCError(w, http.StatusNotFound, wire.CodeInvalidInput, "Cart "+r.PathValue("cid")+" was not found.")
		return
	}
	if c.Checkout != nil {
		writeJSON(w, http.StatusCreated, c.Checkout)
		return
	}
	now := s.now().UTC()
	if exp, err := time.Parse(time.RFC3339, c.Cart.ExpirationTimestamp); err == nil && !now.Before(exp) {
		// Carts expire 7 days after their creation (checkout-a-cart); the
		// code of the refusal is not documented: an assumption.
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "Cart "+c.Cart.ID+" expired at "+c.Cart.ExpirationTimestamp+"; create a new cart.")
		return
	}
	if s.agreementRequired(w, t) {
		return
	}
	res := &wire.CartCheckoutResult{Orders: []wire.Order{}, OrderErrors: []wire.OrderError{}, Attributes: wire.Attributes{ObjectType: "CartCheckoutResult"}}
	order := wire.Order{
		ID: s.st.nextID("order/" + t.ID), ReferenceCustomerID: t.ID, Status: wire.OrderPending,
		CreationDate: now.Format(time.RFC3339), Attributes: wire.Attributes{ObjectType: "Order"},
	}
	for _, li := range c.Cart.LineItems {
		p, sold := productByOffer(li.CatalogItemID)
		if !sold || !strings.EqualFold(p.OfferID, li.CatalogItemID) {
			res.OrderErrors = append(res.OrderErrors, wire.OrderError{OrderGroupID: fmt.Sprint(li.ID), Code: wire.CodeInvalidInput,
				Description: "Catalog item " + li.CatalogItemID + " is not available for purchase in the customer's market."})
			continue
		}
		order.BillingCycle = li.BillingCycle
		order.LineItems = append(order.LineItems, wire.OrderLineItem{LineItemNumber: li.ID, OfferID: p.OfferID,
			FriendlyName: p.Name, Quantity: li.Quantity, TermDuration: li.TermDuration})
	}
	if len(order.LineItems) > 0 {
		s.st.Orders[order.ID] = order
		s.st.PendingOrders[order.ID] = pendingOrder{Polls: s.opts.PendingPolls}
		res.Orders = append(res.Orders, order)
	}
	c.Checkout = res
	c.Cart.Status = "Ordered"
	s.st.Carts[c.Cart.ID] = c
	if err := s.saveLocked(); err != nil {
		writePCError(w, http.StatusInternalServerError, 500000, "The checkout could not be saved.")
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

// getOrder is GET /v1/customers/{id}/orders/{oid}. A pending order answers
// "pending" for its remaining polls, then completes: its subscriptions are
// created (billed by us, no assignments) and its lines carry their ids.
func (s *Sandbox) getOrder(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := strings.ToLower(r.PathValue("oid"))
	o, found := s.st.Orders[id]
	if !found || o.ReferenceCustomerID != t.ID {
		// Assumption: the page documents only the 200 answer.
		writePCError(w, http.StatusNotFound, wire.CodeInvalidInput, "Order "+r.PathValue("oid")+" was not found.")
		return
	}
	if p, pending := s.st.PendingOrders[id]; pending {
		if p.Polls > 0 {
			s.st.PendingOrders[id] = pendingOrder{Polls: p.Polls - 1}
		} else {
			o = s.st.completeOrder(t, o, s.now().UTC())
			delete(s.st.PendingOrders, id)
		}
		if err := s.saveLocked(); err != nil {
			writePCError(w, http.StatusInternalServerError, 500000, "The order could not be saved.")
			return
		}
	}
	writeJSON(w, http.StatusOK, o)
}

// completeOrder creates the subscriptions of a pending order.
func (st *state) completeOrder(t *tenant, o wire.Order, now time.Time) wire.Order {
	for i := range o.LineItems {
		li := &o.LineItems[i]
		p, _ := productByOffer(li.OfferID)
		sub := &subscription{
			ID: st.nextID("subscription/" + t.ID), TenantID: t.ID, OfferID: p.OfferID, SkuID: p.SkuID,
			Quantity: li.Quantity, Status: "active", BillingCycle: o.BillingCycle, TermDuration: li.TermDuration,
			Partner: PartnerTenantID, OrderID: o.ID, Created: now,
		}
		st.Subscriptions = append(st.Subscriptions, sub)
		li.SubscriptionID = sub.ID
	}
	o.Status = wire.OrderCompleted
	st.Orders[o.ID] = o
	return o
}

// listAvailabilities is GET /v1/products/{pid}/skus/{sid}/availabilities?country=
// (get-a-list-of-availabilities-for-a-sku): the sandbox sells each product
// in every market with one purchasable availability (its catalog item), for
// P1M, P1Y and P3Y. country is required, two letters (an assumption: the
// page lists it as a query parameter).
func (s *Sandbox) listAvailabilities(w http.ResponseWriter, r *http.Request, _ token) {
	country := strings.ToUpper(r.URL.Query().Get("country"))
	if len(country) != 2 {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "country must be a two-letter country code.")
		return
	}
	prefix := r.PathValue("pid") + ":" + r.PathValue("sid") + ":"
	var items []wire.Availability
	for _, p := range products {
		for _, item := range []string{p.OfferID, p.TrialOfferID} {
			if item == "" || len(item) <= len(prefix) || !strings.EqualFold(item[:len(prefix)], prefix) {
				continue
			}
			parts := strings.SplitN(item, ":", 3)
			items = append(items, wire.Availability{ID: parts[2], ProductID: parts[0], SkuID: parts[1], CatalogItemID: item,
				Country: country, Segment: "commercial", IsPurchasable: item == p.OfferID, IsRenewable: item == p.OfferID,
				Terms:      []wire.AvailabilityTerm{{Duration: wire.TermMonth}, {Duration: wire.TermYear}, {Duration: wire.TermThreeYears}},
				Attributes: wire.Attributes{ObjectType: "Availability"}})
		}
	}
	writeJSON(w, http.StatusOK, collection("Collection", items))
}
