package flow

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// The term and billing cycle the customer chose are priced on the order,
// kept on its line and bought: the cart line carries them.
func TestChosenTermIsBought(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	premium, _ := e.s.Catalog.Offer("m365-business-premium")
	if len(premium.Terms) < 3 {
		t.Fatalf("the default catalog offers %d terms of Business Premium, want a choice", len(premium.Terms))
	}
	annual, ok := premium.Term("P1Y/annual")
	if !ok {
		t.Fatal("no P1Y/annual term")
	}
	a := e.answers("t-other", LineChoice{OfferID: "m365-business-premium", Seats: 2, Term: "P1Y/annual"})
	if got, want := a.Total(e.s.Catalog), 2*annual.UnitPrice; got != want {
		t.Fatalf("total %d, want %d (the chosen term's price)", got, want)
	}
	o := e.paidOrder(t, a)
	l := o.Lines[0]
	if l.TermDuration != "P1Y" || l.BillingCycle != "annual" || l.UnitPrice != annual.UnitPrice {
		t.Fatalf("order line %+v, want P1Y annual at %d", l, annual.UnitPrice)
	}
	if _, err := e.s.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	if len(e.ms.carts) != 1 {
		t.Fatalf("%d carts, want 1", len(e.ms.carts))
	}
	for _, req := range e.ms.carts {
		cl := req.Lines[0]
		if cl.TermDuration != "P1Y" || cl.BillingCycle != "annual" || req.BillingCycle != "annual" {
			t.Fatalf("cart %+v, want the chosen P1Y annual", req)
		}
	}
}

// A term the product is not sold with is refused with the field named.
func TestUnknownTermRefused(t *testing.T) {
	a := validAnswers(ModeCustomer)
	a.Lines = []LineChoice{{OfferID: "m365-business-basic", Seats: 1, Term: "P3Y/annual"}}
	err := a.Validate(StepLicenses, DefaultCatalog())
	var fe *FieldErrors
	if !errors.As(err, &fe) || fe.Field("Lines[0].Term") == "" {
		t.Fatalf("Validate = %v, want a Lines[0].Term error", err)
	}
}

func TestCatalogTerms(t *testing.T) {
	for name, tc := range map[string]struct{ terms, want string }{
		"annual month":   {`[{"termDuration":"P1M","billingCycle":"annual","unitPrice":100}]`, "annual needs"},
		"twice":          {`[{"termDuration":"P1Y","unitPrice":100},{"termDuration":"P1Y","billingCycle":"monthly","unitPrice":90}]`, "twice"},
		"no price":       {`[{"termDuration":"P1Y"}]`, "unitPrice"},
		"unknown length": {`[{"termDuration":"P2Y","unitPrice":100}]`, "P2Y"},
	} {
		t.Run(name, func(t *testing.T) {
			js := `{"provider":"P","currency":"EUR","offers":[{"id":"a","catalogItem":{"productId":"A","skuId":"1","availabilityId":"X"},
				"name":"A","skuId":"s","minSeats":1,"maxSeats":5,"terms":` + tc.terms + `}]}`
			_, err := LoadCatalog(strings.NewReader(js))
			if !errors.Is(err, ErrInvalidCatalog) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadCatalog = %v, want ErrInvalidCatalog about %q", err, tc.want)
			}
		})
	}
	c, err := LoadCatalog(strings.NewReader(`{"provider":"P","currency":"EUR","offers":[{"id":"a",
		"catalogItem":{"productId":"A","skuId":"1","availabilityId":"X"},"name":"A","skuId":"s","minSeats":1,"maxSeats":5,
		"terms":[{"termDuration":"P1Y","billingCycle":"annual","unitPrice":900},{"unitPrice":1000}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	o := c.Offers[0]
	if o.TermDuration != "P1Y" || o.BillingCycle != "annual" || o.UnitPrice != 900 || o.Terms[1].Key() != "P1M/monthly" {
		t.Fatalf("offer %+v: the first term is the default, the second gets P1M monthly", o)
	}
	if got := o.DefaultTerm().Label(); got != "1 year, billed annually" {
		t.Fatalf("label %q", got)
	}
	if got := o.PricePerTerm(); got != 900*12 {
		t.Fatalf("price per term %d", got)
	}
}

// The checkout charges the first billing period: a year for a line billed
// annually, a month for one billed monthly.
func TestCheckoutChargesTheFirstBillingPeriod(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	premium, _ := e.s.Catalog.Offer("m365-business-premium")
	annual, _ := premium.Term("P1Y/annual")
	basic, _ := e.s.Catalog.Offer("m365-business-basic")
	a := e.answers("t-other", LineChoice{OfferID: "m365-business-premium", Seats: 2, Term: "P1Y/annual"},
		LineChoice{OfferID: "m365-business-basic", Seats: 3})
	o, err := e.s.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	want := 2*12*annual.UnitPrice + 3*basic.UnitPrice
	if got := o.DueNow(); got != want {
		t.Fatalf("due now %d, want %d", got, want)
	}
	if o.Total() != 2*annual.UnitPrice+3*basic.UnitPrice {
		t.Fatalf("total per month %d", o.Total())
	}
	if _, err := e.s.StartPayment(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	ps, err := e.st.Payments(ctx, o.ID)
	if err != nil || len(ps) != 1 || ps[0].Amount != want {
		t.Fatalf("payments %+v %v, want one of the first billing period %d", ps, err, want)
	}
}
