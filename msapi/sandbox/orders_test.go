package sandbox_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

const (
	offerBasic = "CFQ7TTC0LH18:0001:CFQ7TTC0K971"
	offerSPB   = "CFQ7TTC0LCHC:0002:SANDBOXAV003"
	skuE3      = "6fd2c87f-b296-42f0-b197-1e91e994b900"
	skuSPB     = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
	skuBasic   = "3b555118-da6a-4418-894f-7df1e2096870"
)

func tenantID(t *testing.T, e *env, prefix string) string {
	t.Helper()
	cs := e.searchCustomers(e.appOnlyToken(), prefix)
	if len(cs) != 1 {
		t.Fatalf("search %q: %d customers", prefix, len(cs))
	}
	return cs[0].ID
}

// buy purchases qty of item (P1M, monthly) for tenantID through a cart and
// its checkout, then reads the order back: with PendingPolls 0 the first
// read completes it. reqID is the cart's MS-RequestId ("" for none).
func (e *env) buy(t *testing.T, tenantID, item string, qty int, reqID string) wire.Order {
	t.Helper()
	base := e.urls.PartnerCenter + "/v1/customers/" + tenantID
	var hdr map[string]string
	if reqID != "" {
		hdr = map[string]string{wire.HeaderRequestID: reqID}
	}
	var c wire.Cart
	if status, b, _ := e.call("POST", base+"/carts", e.appOnlyToken(), cartOf(item, qty, "P1M", "monthly"), hdr, &c); status != http.StatusCreated {
		t.Fatalf("cart of %s: %d %s", item, status, b)
	}
	var res wire.CartCheckoutResult
	if status, b, _ := e.call("POST", base+"/carts/"+c.ID+"/checkout", e.appOnlyToken(), struct{}{}, nil, &res); status != http.StatusCreated || len(res.Orders) != 1 {
		t.Fatalf("checkout of cart %s: %d %s", c.ID, status, b)
	}
	var o wire.Order
	if status, b, _ := e.call("GET", base+"/orders/"+res.Orders[0].ID, e.appOnlyToken(), nil, nil, &o); status != http.StatusOK || o.Status != wire.OrderCompleted {
		t.Fatalf("order %s: %d %s", res.Orders[0].ID, status, b)
	}
	return o
}

// A purchase shows only the partner's own subscriptions and seats; the same
// cart MS-RequestId buys nothing twice, another one buys again.
func TestPurchaseIsIdempotentByRequestID(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	id := tenantID(t, e, "contoso")
	e.agree(id)
	tok := e.appOnlyToken()
	const reqID = "6f1c8a52-0000-4000-8000-000000000001"
	first := e.buy(t, id, offerBasic, 5, reqID)
	if first.ID == "" || first.LineItems[0].SubscriptionID == "" {
		t.Fatalf("order = %+v", first)
	}
	if again := e.buy(t, id, offerBasic, 5, reqID); again.ID != first.ID {
		t.Fatalf("repeated cart MS-RequestId made order %s, want %s again", again.ID, first.ID)
	}
	var subs wire.Collection[wire.Subscription]
	e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+"/subscriptions", tok, nil, nil, &subs)
	if len(subs.Items) != 1 || subs.Items[0].ID != first.LineItems[0].SubscriptionID || subs.Items[0].Quantity != 5 || subs.Items[0].IsTrial {
		t.Fatalf("subscriptions after one order = %+v (the other partner's E3 must not show)", subs.Items)
	}
	var skus wire.Collection[wire.SubscribedSku]
	e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+"/subscribedskus", e.appUserToken(), nil, nil, &skus) // App+User only
	got := map[string]wire.SubscribedSku{}
	for _, s := range skus.Items {
		got[s.ProductSku.ID] = s
	}
	if got[skuE3].TotalUnits != 25 || got[skuE3].ConsumedUnits != 20 || got[skuBasic].TotalUnits != 5 || got[skuBasic].ConsumedUnits != 0 {
		t.Fatalf("subscribed skus = %+v", skus.Items)
	}
	if second := e.buy(t, id, offerBasic, 1, "other"); second.ID == first.ID {
		t.Fatalf("another MS-RequestId answered order %s again", second.ID)
	}
	if got := e.sb.RecordedOrders(id); len(got) != 2 {
		t.Fatalf("orders recorded: %v, want 2", got)
	}
}

// Carts are refused for a tenant that is not the partner's customer and
// for malformed lines; a line the sandbox does not sell (a trial item)
// comes back in the checkout's orderErrors.
func TestCartRefused(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	tok := e.appOnlyToken()
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	fab := tenantID(t, e, "fabrikam")
	e.agree(fab)
	contoso := "" // not a customer yet: learn its id once linked in another sandbox
	{
		e2 := newEnv(t, sandbox.Options{})
		e2.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
		contoso = tenantID(t, e2, "contoso")
	}
	status, b, _ := e.call("POST", e.urls.PartnerCenter+"/v1/customers/"+contoso+"/carts", tok, cartOf(offerBasic, 1, "P1M", "monthly"), nil, nil)
	if status != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeNoRelationship {
		t.Fatalf("cart without relationship = %d %s", status, b)
	}
	base := e.urls.PartnerCenter + "/v1/customers/" + fab
	for name, c := range map[string]wire.Cart{
		"not a catalog item id": cartOf("00000000-0000-0000-0000-000000000000", 1, "P1M", "monthly"),
		"zero quantity":         cartOf(offerBasic, 0, "P1M", "monthly"),
		"unknown term":          cartOf(offerBasic, 1, "P2M", "monthly"),
		"no lines":              {},
	} {
		status, b, _ := e.call("POST", base+"/carts", tok, c, nil, nil)
		if status != http.StatusBadRequest || pcErrorCode(t, b) != wire.CodeInvalidInput {
			t.Errorf("%s: %d %s", name, status, b)
		}
	}
	var trialCart wire.Cart
	e.call("POST", base+"/carts", tok, cartOf("CFQ7TTC0LCHC:0007:SANDBOXAV013", 1, "P1M", "monthly"), nil, &trialCart)
	var res wire.CartCheckoutResult
	if status, b, _ := e.call("POST", base+"/carts/"+trialCart.ID+"/checkout", tok, struct{}{}, nil, &res); status != http.StatusCreated ||
		len(res.Orders) != 0 || len(res.OrderErrors) != 1 || fmt.Sprint(res.OrderErrors[0].Code) != fmt.Sprint(wire.CodeInvalidInput) {
		t.Fatalf("checkout of a trial item = %d %s", status, b)
	}
}

// A transition keeps the trial's subscription id; the seats beyond the
// quantity bought lose their license, the others keep theirs, now of the
// paid SKU; a second transition of the same trial is refused.
func TestTransitionKeepsIDAndAssignments(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	id := tenantID(t, e, "fabrikam")
	e.agree(id)
	tok := e.appUserToken()
	base := e.urls.PartnerCenter + "/v1/customers/" + id
	var subs wire.Collection[wire.Subscription]
	e.call("GET", base+"/subscriptions", tok, nil, nil, &subs)
	if len(subs.Items) != 1 || !subs.Items[0].IsTrial {
		t.Fatalf("fabrikam subscriptions = %+v", subs.Items)
	}
	trial := subs.Items[0]
	body := wire.Transition{ToCatalogItemID: offerSPB, Quantity: 12, TermDuration: "P1M", BillingCycle: "monthly", TransitionType: wire.TransitionOnly}
	var res wire.Transition
	if status, b, _ := e.call("POST", base+"/subscriptions/"+trial.ID+"/transitions", tok, body, map[string]string{wire.HeaderRequestID: "tr-1"}, &res); status != http.StatusOK ||
		res.ToSubscriptionID != trial.ID {
		t.Fatalf("transition = %d %s", status, b)
	}
	status, b, _ := e.call("POST", base+"/subscriptions/"+trial.ID+"/transitions", tok, body, map[string]string{wire.HeaderRequestID: "tr-2"}, nil)
	if status != http.StatusBadRequest || pcErrorCode(t, b) != wire.CodeConversionIneligible {
		t.Fatalf("transitioning twice = %d %s", status, b)
	}
	e.call("GET", base+"/subscriptions", tok, nil, nil, &subs)
	if s := subs.Items[0]; len(subs.Items) != 1 || s.ID != trial.ID || s.IsTrial || !strings.EqualFold(s.OfferID, offerSPB) || s.Quantity != 12 {
		t.Fatalf("after the transition = %+v", subs.Items)
	}
	var skus wire.Collection[wire.SubscribedSku]
	e.call("GET", base+"/subscribedskus", tok, nil, nil, &skus)
	if len(skus.Items) != 1 || skus.Items[0].ConsumedUnits != 8 || skus.Items[0].TotalUnits != 12 {
		t.Fatalf("subscribed skus after the transition = %+v", skus.Items)
	}
	var users wire.Collection[wire.CustomerUser]
	e.call("GET", base+"/users", tok, nil, nil, &users)
	var lic wire.Collection[wire.UserLicense]
	e.call("GET", base+"/users/"+users.Items[0].ID+"/licenses", tok, nil, nil, &lic)
	if len(lic.Items) != 1 || lic.Items[0].ProductSku.ID != skuSPB || lic.Items[0].ProductSku.SkuPartNumber != "SPB" {
		t.Fatalf("licenses of %s after the transition = %+v", users.Items[0].UserPrincipalName, lic.Items)
	}
}

func TestAssignLicenseNeedsFreeUnits(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	tok := e.graphAppToken("contoso.onmicrosoft.com")
	var users wire.GraphCollection[wire.GraphUser]
	e.call("GET", e.urls.Graph+"/users?$top=999", tok, nil, nil, &users)
	var unlicensed []wire.GraphUser
	for _, u := range users.Value {
		if len(u.AssignedLicenses) == 0 {
			unlicensed = append(unlicensed, u)
		}
	}
	if len(users.Value) != 25 || len(unlicensed) != 5 {
		t.Fatalf("contoso: %d users, %d unlicensed", len(users.Value), len(unlicensed))
	}
	add := wire.AssignLicenseRequest{AddLicenses: []wire.AssignedLicense{{SkuID: skuE3, DisabledPlans: []string{}}}, RemoveLicenses: []string{}}
	for _, u := range unlicensed { // 25 seats, 20 used: all five fit
		var got wire.GraphUser
		if status, b, _ := e.call("POST", e.urls.Graph+"/users/"+u.ID+"/assignLicense", tok, add, nil, &got); status != http.StatusOK || len(got.AssignedLicenses) != 1 {
			t.Fatalf("assign to %s = %d %s", u.UserPrincipalName, status, b)
		}
	}
	// Removing a license frees its seat for reuse.
	first := users.Value[0]
	rm := wire.AssignLicenseRequest{AddLicenses: []wire.AssignedLicense{}, RemoveLicenses: []string{skuE3}}
	if status, b, _ := e.call("POST", e.urls.Graph+"/users/"+first.ID+"/assignLicense", tok, rm, nil, nil); status != http.StatusOK {
		t.Fatalf("remove = %d %s", status, b)
	}
	if status, _, _ := e.call("POST", e.urls.Graph+"/users/"+first.ID+"/assignLicense", tok, add, nil, nil); status != http.StatusOK {
		t.Fatalf("re-add into the freed seat = %d", status)
	}
	status, b, _ := e.call("POST", e.urls.Graph+"/users/"+users.Value[2].ID+"/assignLicense", tok,
		wire.AssignLicenseRequest{AddLicenses: []wire.AssignedLicense{{SkuID: skuBasic}}}, nil, nil)
	var ge wire.GraphError
	mustDecode(t, b, &ge)
	if status != http.StatusBadRequest || ge.Error.Code != "Request_BadRequest" || !strings.Contains(ge.Error.Message, "does not correspond to a valid company License") {
		t.Fatalf("assign a SKU the tenant lacks = %d %s", status, b)
	}
}

func TestAssignLicenseRefusedWhenFull(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	id := tenantID(t, e, "fabrikam")
	e.agree(id)
	e.buy(t, id, offerBasic, 1, "")
	tok := e.graphAppToken(id)
	var users wire.GraphCollection[wire.GraphUser]
	e.call("GET", e.urls.Graph+"/users", tok, nil, nil, &users)
	add := wire.AssignLicenseRequest{AddLicenses: []wire.AssignedLicense{{SkuID: skuBasic}}}
	if status, b, _ := e.call("POST", e.urls.Graph+"/users/"+users.Value[0].ID+"/assignLicense", tok, add, nil, nil); status != http.StatusOK {
		t.Fatalf("first seat = %d %s", status, b)
	}
	status, b, _ := e.call("POST", e.urls.Graph+"/users/"+users.Value[1].ID+"/assignLicense", tok, add, nil, nil)
	var ge wire.GraphError
	mustDecode(t, b, &ge)
	if status != http.StatusBadRequest || ge.Error.Code != "Request_BadRequest" || !strings.Contains(ge.Error.Message, "does not have any available licenses") {
		t.Fatalf("second seat of one = %d %s", status, b)
	}
}
