package msapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/msapi"
	"onboard/msapi/sandbox"
	"onboard/msapi/wire"
)

func commerceDoc(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "commerce", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func serveDoc(t *testing.T, status int, name string) http.HandlerFunc {
	b := commerceDoc(t, name)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
}

// sameJSON reports whether a and b hold the same JSON value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

// The documented purchase: a cart of catalog items, its checkout answering a
// pending order with no subscription, then the order read back completed.
func TestPlaceOrderThroughCartDocumented(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/carts"):
			serveDoc(t, http.StatusCreated, "create-cart-response.json")(w, r)
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/checkout"):
			serveDoc(t, http.StatusOK, "checkout-pending.json")(w, r)
		case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/orders/"):
			serveDoc(t, http.StatusOK, "order-completed.json")(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	c := f.client()
	o, err := c.PlaceOrder(context.Background(), "t1", msapi.OrderRequest{RequestID: "req-1",
		Lines: []msapi.OrderLine{{OfferID: "CFQ7TTC0LH18:0001:CFQ7TTC0K971", Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != "CAYCS5tmpa6t" || o.CartID != "7d1c0a2e-4e3b-4f3a-9a4c-2f1f2c4b7c11" || o.Status != "pending" ||
		len(o.Lines) != 1 || o.Lines[0].SubscriptionID != "" {
		t.Fatalf("order = %+v", o)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].URL.Path != "/pc/v1/customers/t1/carts" ||
		reqs[1].URL.Path != "/pc/v1/customers/t1/carts/7d1c0a2e-4e3b-4f3a-9a4c-2f1f2c4b7c11/checkout" {
		t.Fatalf("requests: %v", reqs)
	}
	if got := reqs[0].Header.Get(wire.HeaderRequestID); got != "req-1" {
		t.Errorf("cart MS-RequestId = %q", got)
	}
	if !sameJSON(t, []byte(f.bodies[0]), commerceDoc(t, "create-cart-request.json")) {
		t.Errorf("cart body = %s", f.bodies[0])
	}
	done, err := c.GetOrder(context.Background(), "t1", o.ID)
	if err != nil || done.Status != "completed" || done.Lines[0].SubscriptionID != "e6c1f2a4-5b3d-4c7e-9f8a-1b2c3d4e5f60" {
		t.Fatalf("order read back: %+v, %v", done, err)
	}
	if p := f.requests()[2].URL.Path; p != "/pc/v1/customers/t1/orders/CAYCS5tmpa6t" {
		t.Errorf("GET %s", p)
	}
}

// orderErrors of a checkout fail the purchase with Microsoft's code and words.
func TestPlaceOrderCheckoutOrderErrors(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/checkout") {
			serveDoc(t, http.StatusOK, "checkout-order-errors.json")(w, r)
			return
		}
		serveDoc(t, http.StatusCreated, "create-cart-response.json")(w, r)
	})
	_, err := f.client().PlaceOrder(context.Background(), "t1", msapi.OrderRequest{RequestID: "req-1",
		Lines: []msapi.OrderLine{{OfferID: "CFQ7TTC0LH18:0001:XXXX", Quantity: 2}}})
	var apiErr *msapi.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "800002" || !strings.Contains(apiErr.Message, "not available for purchase") {
		t.Fatalf("err = %v", err)
	}
}

// The documented transition: eligibilities (immediate), then the POST of the
// eligible catalog item with the seats bought, more than the trial had.
func TestConvertTrialByTransitionDocumented(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			serveDoc(t, http.StatusOK, "transition-eligibilities.json")(w, r)
			return
		}
		serveDoc(t, http.StatusOK, "transition-response.json")(w, r)
	})
	conv, err := f.client().ConvertTrial(context.Background(), "t1", "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
		msapi.OrderLine{OfferID: "CFQ7TTC0LCHC:0002:SANDBOXAV003", Quantity: 30}, "req-7")
	if err != nil {
		t.Fatal(err)
	}
	if conv.SubscriptionID != "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d" || conv.Quantity != 30 || conv.TargetOfferID != "CFQ7TTC0LCHC:0002:SANDBOXAV003" {
		t.Fatalf("conversion = %+v", conv)
	}
	reqs := f.requests()
	if q := reqs[0].URL.Query().Get("eligibilityType"); q != "immediate" || !strings.HasSuffix(reqs[0].URL.Path, "/transitionEligibilities") {
		t.Errorf("GET %s", reqs[0].URL)
	}
	if !strings.HasSuffix(reqs[1].URL.Path, "/subscriptions/a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d/transitions") ||
		reqs[1].Header.Get(wire.HeaderRequestID) != "req-7" {
		t.Errorf("POST %s, MS-RequestId %q", reqs[1].URL, reqs[1].Header.Get(wire.HeaderRequestID))
	}
	if !sameJSON(t, []byte(f.bodies[1]), commerceDoc(t, "transition-request.json")) {
		t.Errorf("transition body = %s", f.bodies[1])
	}

	// An ineligible target: the eligibility's errors say why; no POST.
	_, err = f.client().ConvertTrial(context.Background(), "t1", "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
		msapi.OrderLine{OfferID: "CFQ7TTC0LF8R:0001:SANDBOXAV004", Quantity: 5}, "req-8")
	if !errors.Is(err, msapi.ErrConversionIneligible) || !strings.Contains(err.Error(), "upgrade paths") {
		t.Fatalf("err = %v", err)
	}
}

// Against the sandbox: a pending order completes on the poll the sandbox
// was told, and a trial transitions once whatever the repeats.
func TestSandboxPendingOrderAndTransition(t *testing.T) {
	e := newEnv(t, sandbox.Options{PendingPolls: 2})
	ctx := context.Background()
	cust := e.linked(t, "admin@"+contoso, "Contoso-Admin-1")
	req := msapi.OrderRequest{RequestID: "7d0f4c1e-0000-4000-8000-0000000000aa",
		Lines: []msapi.OrderLine{{OfferID: offerBasic, Quantity: 3}}}
	if _, err := e.c.PlaceOrder(ctx, cust.TenantID, req); !errors.Is(err, msapi.ErrAgreementMissing) {
		t.Fatalf("checkout without the MCA: %v", err)
	}
	e.agree(t, cust.TenantID)
	o, err := e.c.PlaceOrder(ctx, cust.TenantID, req)
	if err != nil || o.Status != "pending" {
		t.Fatalf("order %+v, %v", o, err)
	}
	for i := range 2 {
		if got, err := e.c.GetOrder(ctx, cust.TenantID, o.ID); err != nil || got.Status != "pending" || got.Lines[0].SubscriptionID != "" {
			t.Fatalf("poll %d: %+v, %v", i+1, got, err)
		}
	}
	got, err := e.c.GetOrder(ctx, cust.TenantID, o.ID)
	if err != nil || got.Status != "completed" || got.Lines[0].SubscriptionID == "" {
		t.Fatalf("poll 3: %+v, %v", got, err)
	}
	if n := len(e.sb.RecordedOrders(cust.TenantID)); n != 1 {
		t.Errorf("%d orders recorded, want 1", n)
	}

	// A line the sandbox does not sell comes back in orderErrors.
	_, err = e.c.PlaceOrder(ctx, cust.TenantID, msapi.OrderRequest{RequestID: "7d0f4c1e-0000-4000-8000-0000000000ab",
		Lines: []msapi.OrderLine{{OfferID: "CFQ7TTC0LH18:0001:NOTSOLD", Quantity: 1}}})
	var apiErr *msapi.APIError
	if !errors.As(err, &apiErr) || apiErr.Code == "" {
		t.Fatalf("unsold item: %v", err)
	}
	// P1M billed annually is refused when the cart is created.
	_, err = e.c.PlaceOrder(ctx, cust.TenantID, msapi.OrderRequest{RequestID: "7d0f4c1e-0000-4000-8000-0000000000ac",
		Lines: []msapi.OrderLine{{OfferID: offerBasic, Quantity: 1, TermDuration: "P1M", BillingCycle: "annual"}}})
	if !errors.Is(err, msapi.ErrInvalidRequest) {
		t.Fatalf("P1M annual: %v", err)
	}
}

func TestAvailabilitiesDocumented(t *testing.T) {
	f := newFakeMS(t, serveDoc(t, http.StatusOK, "availabilities.json"))
	avs, err := f.client().Availabilities(context.Background(), "CFQ7TTC0LH18", "0001", "us")
	if err != nil {
		t.Fatal(err)
	}
	if len(avs) != 1 || avs[0].ID != "CFQ7TTC0K971" || avs[0].CatalogItemID != "CFQ7TTC0LH18:0001:CFQ7TTC0K971" ||
		!avs[0].Purchasable || strings.Join(avs[0].Terms, ",") != "P1M,P1Y" {
		t.Fatalf("availabilities = %+v", avs)
	}
	r := f.requests()[0]
	if r.URL.Path != "/pc/v1/products/CFQ7TTC0LH18/skus/0001/availabilities" || r.URL.Query().Get("country") != "US" {
		t.Errorf("GET %s", r.URL)
	}
}
