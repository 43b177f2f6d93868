package sandbox_test

import (
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

func cartOf(item string, qty int, term, cycle string) wire.Cart {
	return wire.Cart{LineItems: []wire.CartLineItem{{ID: 0, CatalogItemID: item, Quantity: qty, TermDuration: term, BillingCycle: cycle}}}
}

// A cart checks out once: the repeat answers the first checkout; the order
// is pending until the polls the sandbox was given, then its subscription
// exists with the seats bought.
func TestCartCheckoutPendingOrder(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, sandbox.Options{PendingPolls: 1, Now: clock})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	id := tenantID(t, e, "contoso")
	tok := e.appOnlyToken()
	base := e.urls.PartnerCenter + "/v1/customers/" + id
	hdr := map[string]string{wire.HeaderRequestID: "6f1c8a52-0000-4000-8000-0000000000c1"}

	// Refusals when the cart is created: term and billing cycle must go together.
	if status, b, _ := e.call("POST", base+"/carts", tok, cartOf(offerBasic, 2, "P1M", "annual"), nil, nil); status != http.StatusBadRequest {
		t.Fatalf("P1M annual: %d %s", status, b)
	}
	var cart, again wire.Cart
	if status, b, _ := e.call("POST", base+"/carts", tok, cartOf(offerBasic, 2, "P1M", "monthly"), hdr, &cart); status != http.StatusCreated || cart.ID == "" {
		t.Fatalf("cart: %d %s", status, b)
	}
	if e.call("POST", base+"/carts", tok, cartOf(offerBasic, 2, "P1M", "monthly"), hdr, &again); again.ID != cart.ID {
		t.Fatalf("repeated MS-RequestId made cart %s, want %s", again.ID, cart.ID)
	}
	// The Microsoft Customer Agreement first.
	status, b, _ := e.call("POST", base+"/carts/"+cart.ID+"/checkout", tok, struct{}{}, nil, nil)
	if status != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeAgreementMissing {
		t.Fatalf("checkout without the agreement: %d %s", status, b)
	}
	e.agree(id)
	var res, res2 wire.CartCheckoutResult
	if status, b, _ := e.call("POST", base+"/carts/"+cart.ID+"/checkout", tok, struct{}{}, nil, &res); status != http.StatusCreated ||
		len(res.Orders) != 1 || len(res.OrderErrors) != 0 || res.Orders[0].Status != "pending" || res.Orders[0].LineItems[0].SubscriptionID != "" {
		t.Fatalf("checkout: %d %s", status, b)
	}
	e.call("POST", base+"/carts/"+cart.ID+"/checkout", tok, struct{}{}, nil, &res2)
	if len(res2.Orders) != 1 || res2.Orders[0].ID != res.Orders[0].ID {
		t.Fatalf("repeated checkout: %+v, want order %s again", res2, res.Orders[0].ID)
	}
	if got := e.sb.RecordedOrders(id); len(got) != 1 {
		t.Fatalf("orders recorded: %v", got)
	}
	orderURL := base + "/orders/" + res.Orders[0].ID
	var o wire.Order
	if e.call("GET", orderURL, tok, nil, nil, &o); o.Status != "pending" || o.LineItems[0].SubscriptionID != "" {
		t.Fatalf("first poll: %+v", o)
	}
	if e.call("GET", orderURL, tok, nil, nil, &o); o.Status != "completed" || o.LineItems[0].SubscriptionID == "" {
		t.Fatalf("second poll: %+v", o)
	}
	var subs wire.Collection[wire.Subscription]
	e.call("GET", base+"/subscriptions", tok, nil, nil, &subs)
	if len(subs.Items) != 1 || subs.Items[0].ID != o.LineItems[0].SubscriptionID || subs.Items[0].Quantity != 2 ||
		subs.Items[0].TermDuration != "P1M" || subs.Items[0].OfferID != offerBasic {
		t.Fatalf("subscriptions: %+v", subs.Items)
	}

	// An unsold catalog item comes back in orderErrors, nothing is bought.
	var bad wire.Cart
	e.call("POST", base+"/carts", tok, cartOf("CFQ7TTC0LH18:0001:NOTSOLD", 1, "P1Y", "annual"), nil, &bad)
	var badRes wire.CartCheckoutResult
	if e.call("POST", base+"/carts/"+bad.ID+"/checkout", tok, struct{}{}, nil, &badRes); len(badRes.Orders) != 0 ||
		len(badRes.OrderErrors) != 1 || !strings.Contains(badRes.OrderErrors[0].Description, "NOTSOLD") {
		t.Fatalf("unsold item checkout: %+v", badRes)
	}

	// A cart expires 7 days after its creation.
	var old wire.Cart
	e.call("POST", base+"/carts", tok, cartOf(offerBasic, 1, "P1M", "monthly"), nil, &old)
	mu.Lock()
	now = now.Add(7*24*time.Hour + time.Second)
	mu.Unlock()
	if status, b, _ := e.call("POST", base+"/carts/"+old.ID+"/checkout", e.appOnlyToken(), struct{}{}, nil, nil); status != http.StatusBadRequest ||
		!strings.Contains(string(b), "expired") {
		t.Fatalf("expired cart: %d %s", status, b)
	}
}

// A trial is eligible for an immediate transition to its paid item, and the
// transition keeps its subscription id with the seats asked.
func TestTransitionOfTrial(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	id := tenantID(t, e, "fabrikam")
	e.agree(id)
	tok := e.appOnlyToken()
	base := e.urls.PartnerCenter + "/v1/customers/" + id
	var subs wire.Collection[wire.Subscription]
	e.call("GET", base+"/subscriptions", tok, nil, nil, &subs)
	if len(subs.Items) != 1 || !subs.Items[0].IsTrial {
		t.Fatalf("subscriptions: %+v", subs.Items)
	}
	trial := subs.Items[0]
	var elig wire.Collection[wire.TransitionEligibility]
	if status, b, _ := e.call("GET", base+"/subscriptions/"+trial.ID+"/transitionEligibilities?eligibilityType=immediate", tok, nil, nil, &elig); status != http.StatusOK ||
		len(elig.Items) != 1 || elig.Items[0].CatalogItemID != offerSPB || !elig.Items[0].Eligibilities[0].IsEligible {
		t.Fatalf("eligibilities: %d %s", status, b)
	}
	body := wire.Transition{ToCatalogItemID: "CFQ7TTC0LF8R:0001:SANDBOXAV004", Quantity: 30, TermDuration: "P1M", BillingCycle: "monthly", TransitionType: wire.TransitionOnly}
	if status, b, _ := e.call("POST", base+"/subscriptions/"+trial.ID+"/transitions", tok, body, nil, nil); status != http.StatusBadRequest ||
		pcErrorCode(t, b) != wire.CodeConversionIneligible {
		t.Fatalf("transition to another product: %d %s", status, b)
	}
	body.ToCatalogItemID = offerSPB
	hdr := map[string]string{wire.HeaderRequestID: "6f1c8a52-0000-4000-8000-0000000000d1"}
	var tr, again wire.Transition
	if status, b, _ := e.call("POST", base+"/subscriptions/"+trial.ID+"/transitions", tok, body, hdr, &tr); status != http.StatusOK ||
		tr.ToSubscriptionID != trial.ID || tr.Quantity != 30 {
		t.Fatalf("transition: %d %s", status, b)
	}
	if e.call("POST", base+"/subscriptions/"+trial.ID+"/transitions", tok, body, hdr, &again); !reflect.DeepEqual(again, tr) {
		t.Fatalf("repeated MS-RequestId: %+v, want %+v", again, tr)
	}
	if c := e.sb.RecordedConversions(id); c[trial.ID] != 1 {
		t.Fatalf("transitions recorded: %v", c)
	}
	e.call("GET", base+"/subscriptions", tok, nil, nil, &subs)
	if s := subs.Items[0]; len(subs.Items) != 1 || s.ID != trial.ID || s.IsTrial || s.Quantity != 30 || s.OfferID != offerSPB {
		t.Fatalf("after the transition: %+v", subs.Items)
	}
	elig = wire.Collection[wire.TransitionEligibility]{}
	if e.call("GET", base+"/subscriptions/"+trial.ID+"/transitionEligibilities?eligibilityType=immediate", tok, nil, nil, &elig); len(elig.Items) != 0 {
		t.Fatalf("a paid subscription still eligible: %+v", elig.Items)
	}
}
