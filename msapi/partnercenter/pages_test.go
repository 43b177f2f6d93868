package partnercenter_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// The Partner Center pages' own examples (testdata/commerce/pages, exactly
// as the pages give them) served to the client: what it sends must use the
// pages' field names, and what it reads from the pages' answers must be right.

var (
	elidedObject = regexp.MustCompile(`\{\s*\.\.\.\s*\}`)
	elidedMember = regexp.MustCompile(`(?m),\s*\n\s*\.\.\.\s*$`)
	// A member ending a line without its comma before the next member.
	missingComma = regexp.MustCompile(`"(\s*\n\s*")`)
)

// pageJSON repairs exactly what makes a page's example not JSON: elided
// objects ({...} → {}), elided members (", ..." dropped) and a comma the page
// omits between two members. JSON that needs none of it is left alone.
func pageJSON(b []byte) []byte {
	if json.Valid(b) {
		return b
	}
	b = elidedObject.ReplaceAll(b, []byte("{}"))
	b = elidedMember.ReplaceAll(b, nil)
	return missingComma.ReplaceAll(b, []byte(`",$1`))
}

func TestPageExamplesAreJSONOnceRepaired(t *testing.T) {
	for _, name := range []string{"checkout-a-cart.response.txt", "transition.response.txt", "availabilities.response.txt",
		"create-a-cart.request.json", "create-a-cart.response.json", "get-an-order-by-id.response.json",
		"transition-eligibilities.response.json", "transition.request.json"} {
		if b := commerceDoc(t, "pages/"+name); !json.Valid(b) {
			t.Errorf("%s is not JSON after pageJSON:\n%s", name, b)
		}
	}
}

// keysOf are the member names of a JSON object and, under "lineItems" or
// the top level, of its objects: the vocabulary a request uses.
func keysOf(t *testing.T, b []byte) (top, lines []string) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		top = append(top, k)
	}
	if raw, ok := m["lineItems"]; ok {
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			for k := range it {
				if !slices.Contains(lines, k) {
					lines = append(lines, k)
				}
			}
		}
	}
	return top, lines
}

// sendsOnlyDocumented fails when the client's body has a member the page's
// request example does not.
func sendsOnlyDocumented(t *testing.T, sent []byte, page string) {
	t.Helper()
	gotTop, gotLines := keysOf(t, sent)
	docTop, docLines := keysOf(t, commerceDoc(t, "pages/"+page))
	for _, k := range gotTop {
		if !slices.Contains(docTop, k) {
			t.Errorf("the client sends %q, which %s does not show (%v)", k, page, docTop)
		}
	}
	for _, k := range gotLines {
		if !slices.Contains(docLines, k) {
			t.Errorf("the client sends line member %q, which %s does not show (%v)", k, page, docLines)
		}
	}
}

// create-a-cart and get-an-order-by-id: the cart's id is read from the
// page's answer, the body uses the page's names, the order read back is the
// page's completed order (whose line, a reservation, has no subscription).
func TestCartPageExamples(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/carts"):
			serveDoc(t, http.StatusCreated, "pages/create-a-cart.response.json")(w, r)
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/checkout"):
			serveDoc(t, http.StatusOK, "checkout-pending.json")(w, r)
		case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/orders/"):
			serveDoc(t, http.StatusOK, "pages/get-an-order-by-id.response.json")(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	c := f.client()
	o, err := c.PlaceOrder(context.Background(), "t1", msapi.OrderRequest{RequestID: "req-1",
		Lines: []msapi.OrderLine{{OfferID: "CFQ7TTC0LH0Z:0001:CFQ7TTC0K18P", Quantity: 1},
			{OfferID: "CFQ7TTC0LFLS:0002:CFQ7TTC0KDLJ", Quantity: 2, TermDuration: "P1Y"}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.CartID != "3e22b548-647d-4223-9675-1fcb6cb57665" || o.Status != "pending" || o.Lines[0].SubscriptionID != "" {
		t.Fatalf("order = %+v", o)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].URL.Path != "/pc/v1/customers/t1/carts" ||
		reqs[1].URL.Path != "/pc/v1/customers/t1/carts/3e22b548-647d-4223-9675-1fcb6cb57665/checkout" {
		t.Fatalf("requests: %v", reqs)
	}
	if got := reqs[0].Header.Get(wire.HeaderRequestID); got != "req-1" {
		t.Errorf("cart MS-RequestId = %q", got)
	}
	sendsOnlyDocumented(t, []byte(f.bodies[0]), "create-a-cart.request.json")
	var cart wire.Cart
	if err := json.Unmarshal([]byte(f.bodies[0]), &cart); err != nil || len(cart.LineItems) != 2 ||
		cart.LineItems[1].CatalogItemID != "CFQ7TTC0LFLS:0002:CFQ7TTC0KDLJ" || cart.LineItems[1].TermDuration != "P1Y" ||
		cart.LineItems[1].BillingCycle != "monthly" || cart.LineItems[1].Quantity != 2 || cart.LineItems[1].ID != 1 {
		t.Errorf("cart body = %s", f.bodies[0])
	}
	done, err := c.GetOrder(context.Background(), "t1", "YxH1q4KScfvfkJQjgRI8QY1DznnUWZTH1")
	if err != nil || done.ID != "YxH1q4KScfvfkJQjgRI8QY1DznnUWZTH1" || done.Status != "completed" || len(done.Lines) != 1 ||
		done.Lines[0].OfferID != "DZH318Z0BQ4Z:002L:DZH318Z0CMNP" || done.Lines[0].Quantity != 1 {
		t.Fatalf("order read back: %+v, %v", done, err)
	}
}

// checkout-a-cart: the page's answer places three orders, one completed and
// two pending; the purchase is pending until all are done.
func TestCheckoutPageExample(t *testing.T) {
	f := newFakeMS(t, serveDoc(t, http.StatusCreated, "pages/checkout-a-cart.response.txt"))
	o, err := f.client().CheckoutCart(context.Background(), "28045616-f6b9-462f-9701-0d89b5e65c44", "b4c8fdea-cbe4-4d17-9576-13fcacbf9605")
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != "3c6f2530-1e31-4088-8230-dd1c31a18bce" || o.Status != "pending" || len(o.Lines) != 5 ||
		o.Lines[0].SubscriptionID != "EF2E1307-86E6-40E3-A794-872403FBD31C" || o.Lines[4].OfferID != "DZH318Z0BXWC:0002:DZH318Z0BMRV" {
		t.Fatalf("order = %+v", o)
	}
	if r := f.requests()[0]; r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/carts/b4c8fdea-cbe4-4d17-9576-13fcacbf9605/checkout") {
		t.Errorf("%s %s", r.Method, r.URL)
	}
}

// transition-a-new-commerce-subscription: the eligible transition_only of
// the page's eligibilities is chosen, the POST uses the page's names, and
// the page's answer (no status; toSubscriptionId) is read.
func TestTransitionPageExamples(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			serveDoc(t, http.StatusOK, "pages/transition-eligibilities.response.json")(w, r)
			return
		}
		serveDoc(t, http.StatusOK, "pages/transition.response.txt")(w, r)
	})
	const trial = "e487e8dc-421e-4275-cb42-3c1c8daccf70"
	conv, err := f.client().ConvertTrial(context.Background(), "t1", trial,
		msapi.OrderLine{OfferID: "CFQ7TTC0KZCR:0001:CFQ7TTC0K71H", Quantity: 2}, "req-7")
	if err != nil {
		t.Fatal(err)
	}
	if conv.SubscriptionID != "0af52192-4a2a-4364-d25b-c8ecab3a5697" || conv.Quantity != 2 ||
		conv.OfferID != "CFQ7TTC0LF8Q:0001:CFQ7TTC0K39X" || conv.TargetOfferID != "CFQ7TTC0LF8R:0001:CFQ7TTC0KCSV" {
		t.Fatalf("conversion = %+v", conv)
	}
	reqs := f.requests()
	if q := reqs[0].URL.Query().Get("eligibilityType"); q != "immediate" || !strings.HasSuffix(reqs[0].URL.Path, "/subscriptions/"+trial+"/transitionEligibilities") {
		t.Errorf("GET %s", reqs[0].URL)
	}
	if !strings.HasSuffix(reqs[1].URL.Path, "/subscriptions/"+trial+"/transitions") || reqs[1].Header.Get(wire.HeaderRequestID) != "req-7" {
		t.Errorf("POST %s, MS-RequestId %q", reqs[1].URL, reqs[1].Header.Get(wire.HeaderRequestID))
	}
	sendsOnlyDocumented(t, []byte(f.bodies[1]), "transition.request.json")
	var body wire.Transition
	if err := json.Unmarshal([]byte(f.bodies[1]), &body); err != nil || body.ToCatalogItemID != "CFQ7TTC0KZCR:0001:CFQ7TTC0K71H" ||
		body.Quantity != 2 || body.TransitionType != wire.TransitionOnly || body.TermDuration != "P1M" {
		t.Errorf("transition body = %s", f.bodies[1])
	}

	// The page's second item is eligible only with a license transfer, and
	// not even that: its error says why; nothing is posted.
	_, err = f.client().ConvertTrial(context.Background(), "t1", trial,
		msapi.OrderLine{OfferID: "CFQ7TTC0L4M3:0001:CFQ7TTC0K78T", Quantity: 1}, "req-8")
	if !errors.Is(err, msapi.ErrConversionIneligible) || !strings.Contains(err.Error(), "conflicting services") {
		t.Fatalf("err = %v", err)
	}
}

// get-a-list-of-availabilities-for-a-sku: the page's availability is read.
func TestAvailabilitiesPageExample(t *testing.T) {
	f := newFakeMS(t, serveDoc(t, http.StatusOK, "pages/availabilities.response.txt"))
	avs, err := f.client().Availabilities(context.Background(), "DZH318Z0BQ3Q", "0001", "us")
	if err != nil {
		t.Fatal(err)
	}
	if len(avs) != 1 || avs[0].ID != "DZH318XZXVNF" || avs[0].CatalogItemID != "DZH318Z0BQ3Q:0001:DZH318XZXVNF" ||
		!avs[0].Purchasable || strings.Join(avs[0].Terms, ",") != "P1Y" {
		t.Fatalf("availabilities = %+v", avs)
	}
	r := f.requests()[0]
	if r.URL.Path != "/pc/v1/products/DZH318Z0BQ3Q/skus/0001/availabilities" || r.URL.Query().Get("country") != "US" {
		t.Errorf("GET %s", r.URL)
	}
}
