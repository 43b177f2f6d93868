package sandbox_test

import (
	"net/http"
	"strings"
	"testing"

	"onboard/msapi/sandbox"
	"onboard/msapi/wire"
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

func order(offer string, qty int) wire.Order {
	return wire.Order{BillingCycle: "monthly", LineItems: []wire.OrderLineItem{{LineItemNumber: 0, OfferID: offer, Quantity: qty}}}
}

func TestOrderIsIdempotentByRequestID(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	id := tenantID(t, e, "contoso")
	e.agree(id)
	tok := e.appOnlyToken()
	u := e.urls.PartnerCenter + "/v1/customers/" + id + "/orders"
	hdr := map[string]string{wire.HeaderRequestID: "6f1c8a52-0000-4000-8000-000000000001"}
	var first, again wire.Order
	status, b, _ := e.call("POST", u, tok, order(offerBasic, 5), hdr, &first)
	if status != http.StatusCreated || first.Status != "completed" || first.ID == "" || first.LineItems[0].SubscriptionID == "" {
		t.Fatalf("order = %d %s", status, b)
	}
	if status, b, _ = e.call("POST", u, tok, order(offerBasic, 5), hdr, &again); status/100 != 2 || again.ID != first.ID {
		t.Fatalf("repeated order = %d %s, want order %s again", status, b, first.ID)
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
	// A different request id is a different order.
	var second wire.Order
	e.call("POST", u, tok, order(offerBasic, 1), map[string]string{wire.HeaderRequestID: "other"}, &second)
	if second.ID == "" || second.ID == first.ID {
		t.Fatalf("second order id %q", second.ID)
	}
}

func TestOrderRefused(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	tok := e.appOnlyToken()
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	fab := tenantID(t, e, "fabrikam")
	contoso := "" // not a customer yet: learn its id once linked in another sandbox
	{
		e2 := newEnv(t, sandbox.Options{})
		e2.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
		contoso = tenantID(t, e2, "contoso")
	}
	status, b, _ := e.call("POST", e.urls.PartnerCenter+"/v1/customers/"+contoso+"/orders", tok, order(offerBasic, 1), nil, nil)
	if status != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeNoRelationship {
		t.Fatalf("order without relationship = %d %s", status, b)
	}
	for name, o := range map[string]wire.Order{
		"unknown offer": order("00000000-0000-0000-0000-000000000000", 1),
		"zero quantity": order(offerBasic, 0),
		"trial offer":   order("CFQ7TTC0LCHC:0007:SANDBOXAV013", 1),
		"no lines":      {BillingCycle: "monthly"},
	} {
		status, b, _ := e.call("POST", e.urls.PartnerCenter+"/v1/customers/"+fab+"/orders", tok, o, nil, nil)
		if status != http.StatusBadRequest || pcErrorCode(t, b) != wire.CodeInvalidInput {
			t.Errorf("%s: %d %s", name, status, b)
		}
	}
}

func TestTrialConversionKeepsIDAndAssignments(t *testing.T) {
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
	status, b, _ := e.call("GET", base+"/subscriptions/"+trial.ID+"/conversions", e.appOnlyToken(), nil, nil, nil)
	if status != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeAppUserRequired {
		t.Fatalf("conversions with app-only token = %d %s", status, b)
	}
	var convs wire.Collection[wire.Conversion]
	e.call("GET", base+"/subscriptions/"+trial.ID+"/conversions", tok, nil, nil, &convs)
	if len(convs.Items) != 1 || !strings.EqualFold(convs.Items[0].TargetOfferID, offerSPB) {
		t.Fatalf("conversions = %+v", convs.Items)
	}
	hdr := map[string]string{wire.HeaderRequestID: "conv-1"}
	body := wire.Conversion{OfferID: trial.OfferID, TargetOfferID: offerSPB, Quantity: 12, BillingCycle: "monthly"}
	var res, again wire.ConversionResult
	if status, b, _ := e.call("POST", base+"/subscriptions/"+trial.ID+"/conversions", tok, body, hdr, &res); status != http.StatusOK || res.SubscriptionID != trial.ID || res.Error != nil {
		t.Fatalf("convert = %d %s", status, b)
	}
	if status, b, _ := e.call("POST", base+"/subscriptions/"+trial.ID+"/conversions", tok, body, hdr, &again); status != http.StatusOK || again != res {
		t.Fatalf("repeated conversion = %d %s", status, b)
	}
	status, b, _ = e.call("POST", base+"/subscriptions/"+trial.ID+"/conversions", tok, body, map[string]string{wire.HeaderRequestID: "conv-2"}, nil)
	if status != http.StatusBadRequest || pcErrorCode(t, b) != wire.CodeConversionIneligible {
		t.Fatalf("converting twice = %d %s", status, b)
	}
	e.call("GET", base+"/subscriptions", tok, nil, nil, &subs)
	if s := subs.Items[0]; len(subs.Items) != 1 || s.ID != trial.ID || s.IsTrial || !strings.EqualFold(s.OfferID, offerSPB) || s.Quantity != 12 {
		t.Fatalf("after conversion = %+v", subs.Items)
	}
	var skus wire.Collection[wire.SubscribedSku]
	e.call("GET", base+"/subscribedskus", tok, nil, nil, &skus)
	if len(skus.Items) != 1 || skus.Items[0].ConsumedUnits != 8 || skus.Items[0].TotalUnits != 12 {
		t.Fatalf("subscribed skus after conversion = %+v", skus.Items)
	}
	var users wire.Collection[wire.CustomerUser]
	e.call("GET", base+"/users", tok, nil, nil, &users)
	var lic wire.Collection[wire.UserLicense]
	e.call("GET", base+"/users/"+users.Items[0].ID+"/licenses", tok, nil, nil, &lic)
	if len(lic.Items) != 1 || lic.Items[0].ProductSku.ID != skuSPB || lic.Items[0].ProductSku.SkuPartNumber != "SPB" {
		t.Fatalf("licenses of %s after conversion = %+v", users.Items[0].UserPrincipalName, lic.Items)
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
	var o wire.Order
	e.call("POST", e.urls.PartnerCenter+"/v1/customers/"+id+"/orders", e.appOnlyToken(), order(offerBasic, 1), nil, &o)
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
