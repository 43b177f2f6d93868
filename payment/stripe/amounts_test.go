package stripe

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"onboard/payment"
)

// Stripe's special-case currencies: ISK and UGX go out ×100 (whole units,
// two decimals of 00) and come back ÷100; HUF and TWD, two-decimal for
// charges as in ISO 4217, and JPY, zero-decimal in both, go as they are.
// The request stripe-mock accepts and the session read back agree.
func TestSpecialCurrencyAmounts(t *testing.T) {
	g, rc := newTestGateway(t, Options{})
	ctx := context.Background()
	cases := []struct {
		cur        string
		unit       int64 // onboard's minor units (ISO 4217 digits)
		wantStripe int64 // what Stripe's API takes
	}{
		{"ISK", 2990, 299000}, // kr 2,990
		{"UGX", 75000, 7500000},
		{"HUF", 459000, 459000}, // Ft 4,590.00
		{"TWD", 39000, 39000},   // NT$390.00
		{"JPY", 1000, 1000},     // ¥1,000
		{"EUR", 1250, 1250},     // €12.50
	}
	for _, c := range cases {
		t.Run(c.cur, func(t *testing.T) {
			co := payment.Checkout{IdempotencyKey: "ord-" + c.cur, OrderID: "ord-" + c.cur, OrderRef: "ORD-" + c.cur,
				Amount: 2 * c.unit, Currency: c.cur,
				Lines: []payment.Line{{Name: "Microsoft 365 Business Basic", Quantity: 2, UnitAmount: c.unit, Period: "month"}}}
			if _, err := g.StartCheckout(ctx, co); err != nil {
				t.Fatalf("stripe-mock refused the checkout: %v", err)
			}
			r := rc.last("POST", "/v1/checkout/sessions")
			if got := r.Form.Get("line_items[0][price_data][unit_amount]"); got != strconv.FormatInt(c.wantStripe, 10) {
				t.Errorf("unit_amount %s, want %d", got, c.wantStripe)
			}
			if got := r.Form.Get("line_items[0][price_data][currency]"); got != strings.ToLower(c.cur) {
				t.Errorf("currency %q", got)
			}
			// Paid, with a tax of a tenth as Stripe states it in its units.
			sid := "cs_test_" + c.cur
			fields := paidFields(2*c.wantStripe+2*c.wantStripe/10, 2*c.wantStripe/10)
			fields["currency"] = strings.ToLower(c.cur)
			rc.set(sid, fields)
			st, err := g.Status(ctx, sid)
			if err != nil {
				t.Fatal(err)
			}
			if st.Amount != 2*c.unit || st.Tax != 2*c.unit/10 || st.Currency != c.cur {
				t.Errorf("status %+v: want amount %d, tax %d %s in onboard's minor units", st, 2*c.unit, 2*c.unit/10, c.cur)
			}
			if _, err := g.Refund(ctx, payment.Refund{SessionID: sid, Amount: c.unit, Currency: c.cur, IdempotencyKey: "part-" + c.cur}); err != nil {
				t.Fatal(err)
			}
			if got := rc.last("POST", "/v1/refunds").Form.Get("amount"); got != strconv.FormatInt(c.wantStripe, 10) {
				t.Errorf("partial refund amount %s, want %d", got, c.wantStripe)
			}
		})
	}
}

func TestStripeAmountRoundTrip(t *testing.T) {
	for _, cur := range []string{"ISK", "isk", "UGX", "HUF", "TWD", "JPY", "EUR", "KWD"} {
		for _, minor := range []int64{0, 1, 99, 12345} {
			if got := fromStripeAmount(toStripeAmount(minor, cur), cur); got != minor {
				t.Errorf("%s %d → %d → %d", cur, minor, toStripeAmount(minor, cur), got)
			}
		}
	}
	if toStripeAmount(5, "isk") != 500 || toStripeAmount(5, "UGX") != 500 || toStripeAmount(500, "HUF") != 500 {
		t.Error("5 ISK and 5 UGX are 500 for Stripe; HUF 5.00 is 500")
	}
}
