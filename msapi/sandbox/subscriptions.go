package sandbox

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// codeSubscriptionNotFound: "Subscription with ID {0} not found." (error-codes).
const codeSubscriptionNotFound = wire.CodeSubscriptionNotFound

func subscriptionJSON(sub *subscription) wire.Subscription {
	p, _ := productByOffer(sub.OfferID)
	name := p.Name
	if sub.IsTrial {
		name += " Trial"
	}
	return wire.Subscription{
		ID:           sub.ID,
		OfferID:      sub.OfferID,
		OfferName:    name,
		FriendlyName: name,
		Quantity:     sub.Quantity,
		UnitType:     "Licenses",
		Status:       sub.Status,
		IsTrial:      sub.IsTrial,
		BillingCycle: sub.BillingCycle,
		TermDuration: sub.TermDuration,
		OrderID:      sub.OrderID,
		Attributes:   wire.Attributes{ObjectType: "Subscription"},
	}
}

// visibleToUs: our own subscriptions and the tenant's trials; other
// partners' subscriptions are not the partner's business.
func visibleToUs(sub *subscription) bool { return sub.Partner == PartnerTenantID || sub.IsTrial }

// listSubscriptions is GET /v1/customers/{id}/subscriptions.
func (s *Sandbox) listSubscriptions(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	var items []wire.Subscription
	s.mu.Lock()
	for _, sub := range s.st.Subscriptions {
		if sub.TenantID == t.ID && visibleToUs(sub) {
			items = append(items, subscriptionJSON(sub))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, collection("Collection", items))
}

// listSubscribedSkus is GET /v1/customers/{id}/subscribedskus: every SKU the
// tenant holds, from any source, with its seat counts.
func (s *Sandbox) listSubscribedSkus(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	totals := s.st.unitsBySku(t.ID)
	var items []wire.SubscribedSku
	for _, p := range products { // catalog order keeps the output stable
		total, held := totals[p.SkuID]
		if !held {
			continue
		}
		consumed := s.st.consumed(t, p.SkuID)
		items = append(items, wire.SubscribedSku{
			AvailableUnits:   max(total-consumed, 0),
			ActiveUnits:      total,
			ConsumedUnits:    consumed,
			TotalUnits:       total,
			ProductSku:       productSkuJSON(p.SkuID),
			CapabilityStatus: "Enabled",
			Attributes:       wire.Attributes{ObjectType: "SubscribedSku"},
		})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, collection("Collection", items))
}

// unitsBySku sums the seats of the tenant's active subscriptions per SKU.
func (st *state) unitsBySku(tenantID string) map[string]int {
	totals := map[string]int{}
	for _, sub := range st.Subscriptions {
		if sub.TenantID == tenantID && sub.Status == "active" {
			totals[sub.SkuID] += sub.Quantity
		}
	}
	return totals
}

// subscriptionOf finds {sid} of tenant t among the subscriptions we may see.
func (st *state) subscriptionOf(t *tenant, id string) (*subscription, bool) {
	for _, sub := range st.Subscriptions {
		if sub.TenantID == t.ID && strings.EqualFold(sub.ID, id) && visibleToUs(sub) {
			return sub, true
		}
	}
	return nil, false
}

// unassignBeyond takes sku away from users of t until no more of them hold
// it than quantity: the seats a trial transitioned to.
//
// Assumption: no page found says what becomes of the assignments beyond
// the quantity a trial transitions to. The sandbox takes the
// licenses away from the users beyond it, which is what the review tells the
// customer before paying ("N of them will lose their license"), so the done
// screen and the store then show what Microsoft holds. Which users lose it
// is not documented either: the sandbox takes it from the last users in the
// directory first, and from Global administrators only when no one else
// holds it.
func (st *state) unassignBeyond(t *tenant, sku string, quantity int) {
	excess := st.consumed(t, sku) - quantity
	for _, admins := range []bool{false, true} {
		for i := t.Dir.count() - 1; i >= 0 && excess > 0; i-- {
			u := t.Dir.at(i)
			skus := st.skusOf(t, u)
			if u.GlobalAdmin != admins || !containsFold(skus, sku) {
				continue
			}
			if st.Assignments[t.ID] == nil {
				st.Assignments[t.ID] = map[string][]string{}
			}
			st.Assignments[t.ID][u.ID] = slices.DeleteFunc(slices.Clone(skus), func(s string) bool { return strings.EqualFold(s, sku) })
			excess--
		}
	}
}

// listTransitionEligibilities is GET …/subscriptions/{sid}/transitionEligibilities
// (transition-a-new-commerce-subscription): a trial may transition to its
// paid catalog item at once (eligibilityType=immediate); paid subscriptions
// have no transition in the sandbox (an assumption: upgrades are not sold).
func (s *Sandbox) listTransitionEligibilities(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	if typ := r.URL.Query().Get("eligibilityType"); typ != "" && !strings.EqualFold(typ, wire.EligibilityNow) && !strings.EqualFold(typ, "scheduled") {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "eligibilityType must be immediate or scheduled.")
		return
	}
	s.mu.Lock()
	sub, found := s.st.subscriptionOf(t, r.PathValue("sid"))
	var items []wire.TransitionEligibility
	if found && sub.IsTrial && !strings.EqualFold(r.URL.Query().Get("eligibilityType"), "scheduled") {
		p, _ := productByOffer(sub.OfferID)
		items = append(items, wire.TransitionEligibility{CatalogItemID: p.OfferID, Title: p.Name, Quantity: sub.Quantity,
			Eligibilities: []wire.TransitionEligibilityDetail{{IsEligible: true, TransitionType: wire.TransitionOnly}}})
	}
	s.mu.Unlock()
	if !found {
		writePCError(w, http.StatusNotFound, codeSubscriptionNotFound, "Subscription "+r.PathValue("sid")+" was not found.")
		return
	}
	writeJSON(w, http.StatusOK, collection("Collection", items))
}

// postTransition is POST …/subscriptions/{sid}/transitions: a trial becomes
// its paid catalog item with the quantity asked (more seats than the trial
// had are simply the new quantity). Repeating the MS-RequestId returns the
// first answer.
//
// Assumptions where the page is silent: the trial's subscription id is kept
// (the answer's toSubscriptionId names it), its assignments are kept up to
// the quantity (see unassignBeyond), the Microsoft Customer Agreement must be
// attested as for any purchase, and an ineligible target is refused 400 with
// the code the client maps to msapi.ErrConversionIneligible.
func (s *Sandbox) postTransition(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	var body wire.Transition
	if err := decodeBody(r, &body); err != nil || body.ToCatalogItemID == "" {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The request body must be a transition with a toCatalogItemId.")
		return
	}
	if body.Quantity < 1 {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The quantity must be at least 1.")
		return
	}
	term, cycle := strings.ToUpper(body.TermDuration), strings.ToLower(body.BillingCycle)
	if term == "" {
		term = wire.TermMonth
	}
	if cycle == "" {
		cycle = wire.BillingMonthly
	}
	if cycles, ok := terms[term]; !ok || !containsFold(cycles, cycle) {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "termDuration "+body.TermDuration+" with billingCycle "+body.BillingCycle+" is not offered.")
		return
	}
	sid := strings.ToLower(r.PathValue("sid"))
	reqID := r.Header.Get(wire.HeaderRequestID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if reqID != "" {
		if prev, ok := s.st.Conversions[key(t.ID, sid, reqID)]; ok && prev.Transition != nil {
			writeJSON(w, http.StatusOK, prev.Transition)
			return
		}
	}
	sub, found := s.st.subscriptionOf(t, sid)
	if !found {
		writePCError(w, http.StatusNotFound, codeSubscriptionNotFound, "Subscription "+sid+" was not found.")
		return
	}
	if s.agreementRequired(w, t) {
		return
	}
	p, _ := productByOffer(sub.OfferID)
	if !sub.IsTrial || !strings.EqualFold(body.ToCatalogItemID, p.OfferID) {
		writePCError(w, http.StatusBadRequest, wire.CodeConversionIneligible, "Subscription "+sub.ID+" has no transition to "+body.ToCatalogItemID+".")
		return
	}
	from := sub.OfferID
	sub.OfferID, sub.IsTrial, sub.Quantity = p.OfferID, false, body.Quantity
	s.st.unassignBeyond(t, sub.SkuID, body.Quantity)
	sub.Partner, sub.BillingCycle, sub.TermDuration = PartnerTenantID, cycle, term
	res := &wire.Transition{FromCatalogItemID: from, ToCatalogItemID: p.OfferID,
		FromSubscriptionID: sub.ID, ToSubscriptionID: sub.ID, Quantity: body.Quantity, TermDuration: term,
		BillingCycle: cycle, TransitionType: wire.TransitionOnly, Attributes: wire.Attributes{ObjectType: "Transition"},
		// Assumption: the sandbox converts at once, so its one event is done.
		Events: []wire.TransitionEvent{{Name: "Conversion", Status: "Completed", Timestamp: s.now().UTC().Format(time.RFC3339),
			Attributes: wire.Attributes{ObjectType: "TransitionEvent"}}}}
	if reqID != "" {
		s.st.Conversions[key(t.ID, sid, reqID)] = conversion{Transition: res}
	}
	if err := s.saveLocked(); err != nil {
		writePCError(w, http.StatusInternalServerError, 500000, "The transition could not be saved.")
		return
	}
	writeJSON(w, http.StatusOK, res)
}
