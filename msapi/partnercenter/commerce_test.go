package partnercenter_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/msapi"
	"onboard/msapi/sandbox"
)

// commerceDoc reads an example of testdata/commerce, a page's own under
// pages/, made JSON where the page elides (see pageJSON).
func commerceDoc(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "commerce", name))
	if err != nil {
		t.Fatal(err)
	}
	return pageJSON(b)
}

func serveDoc(t *testing.T, status int, name string) http.HandlerFunc {
	b := commerceDoc(t, name)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
}

// orderErrors of a checkout fail the purchase with Microsoft's code and words.
func TestPlaceOrderCheckoutOrderErrors(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/checkout") {
			serveDoc(t, http.StatusOK, "checkout-order-errors.json")(w, r)
			return
		}
		serveDoc(t, http.StatusCreated, "pages/create-a-cart.response.json")(w, r)
	})
	_, err := f.client().PlaceOrder(context.Background(), "t1", msapi.OrderRequest{RequestID: "req-1",
		Lines: []msapi.OrderLine{{OfferID: "CFQ7TTC0LH18:0001:XXXX", Quantity: 2}}})
	var apiErr *msapi.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "800002" || !strings.Contains(apiErr.Message, "not available for purchase") {
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
