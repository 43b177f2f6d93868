package flow_test

import (
	"context"
	"errors"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/payment"
)

// consented signs Fabrikam's administrator in and takes the order up to
// awaiting payment, as the wizard does before the review.
func consented(t *testing.T, w *world, seats int) flow.Order {
	t.Helper()
	ctx := context.Background()
	a := answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", seats)
	adm, err := w.SignIn(ctx, w.svc, a.AdminLogin, "Fabrikam-Admin-1", "246810")
	if err != nil {
		t.Fatal(err)
	}
	a.TenantID = adm.TenantID
	o, err := w.Consent(ctx, w.svc, a, "Fabrikam-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != flow.StatusAwaitingPayment {
		t.Fatalf("after consent: %s", o.Status)
	}
	return o
}

// TestChangeLinesKeepsTheOrderAndChargesOnce: changing the seats on the
// review changes the same order (no second one, nothing asked again); the
// page opened at the old amount can no longer be paid, and the customer is
// charged once, the new amount — by the sandbox's own records.
func TestChangeLinesKeepsTheOrderAndChargesOnce(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := consented(t, w, 5)
	old, err := w.svc.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := w.svc.ChangeLines(ctx, o.ID, []flow.LineChoice{{OfferID: "m365-business-premium", Seats: 7}})
	if err != nil {
		t.Fatal(err)
	}
	if changed.ID != o.ID || changed.Number != o.Number || changed.Status != flow.StatusAwaitingPayment ||
		changed.TenantID != o.TenantID || changed.AdminUPN != o.AdminUPN || changed.CustomerID != o.CustomerID {
		t.Fatalf("changed order %+v, was %+v", changed, o)
	}
	if len(changed.Lines) != 1 || changed.Lines[0].Quantity != 7 || changed.Total() != 7*o.Lines[0].UnitPrice {
		t.Fatalf("lines: %+v", changed.Lines)
	}
	if st, err := w.pay.Pay(old.ID, testworld.TestCard); err == nil || st == payment.StatePaid {
		t.Fatalf("the page at the old amount was paid: %s %v", st, err)
	}
	paid, err := w.PayOrder(ctx, w.svc, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if paid.Status != flow.StatusPaid {
		t.Fatalf("after payment: %s", paid.Status)
	}
	captured, refunded := w.pay.Captured(o.Number)
	if captured != changed.DueNow() || refunded != 0 {
		t.Fatalf("sandbox captured %d (refunded %d), want %d once", captured, refunded, changed.DueNow())
	}
	charges := 0
	for _, r := range w.pay.SessionsOf(o.Number) {
		if r.Captured > 0 {
			charges++
		}
	}
	if charges != 1 {
		t.Fatalf("%d charges", charges)
	}
	orders, err := w.db.ListOrders(ctx, flow.OrderFilter{})
	if err != nil || len(orders) != 1 {
		t.Fatalf("orders: %d %v", len(orders), err)
	}
	trail, _ := w.db.AuditTrail(ctx, o.ID)
	changes := 0
	for _, ev := range trail {
		if ev.Action == "order.lines" {
			changes++
		}
	}
	if changes != 1 {
		t.Fatalf("%d order.lines events", changes)
	}
	if _, err := w.svc.ChangeLines(ctx, o.ID, []flow.LineChoice{{OfferID: "m365-business-premium", Seats: 9}}); !errors.Is(err, flow.ErrAlreadyPaid) {
		t.Fatalf("change after payment: %v", err)
	}
}

// TestChangeLinesAfterAPaymentKeepsIt: a page paid a moment before the
// change pays the order as it was; the change is refused, nothing refunded.
func TestChangeLinesAfterAPaymentKeepsIt(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := consented(t, w, 5)
	sess, err := w.svc.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.pay.Pay(sess.ID, testworld.TestCard); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ChangeLines(ctx, o.ID, []flow.LineChoice{{OfferID: "m365-business-premium", Seats: 2}}); !errors.Is(err, flow.ErrAlreadyPaid) {
		t.Fatalf("change of a paid order: %v", err)
	}
	got, err := w.svc.GetOrder(ctx, o.ID)
	if err != nil || got.Status != flow.StatusPaid || got.Lines[0].Quantity != 5 {
		t.Fatalf("order %s with %+v: %v", got.Status, got.Lines, err)
	}
	if captured, refunded := w.pay.Captured(o.Number); captured != o.DueNow() || refunded != 0 {
		t.Fatalf("captured %d, refunded %d", captured, refunded)
	}
}

func TestChangeLinesRefusesBadLines(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := consented(t, w, 5)
	for _, lines := range [][]flow.LineChoice{nil, {{OfferID: "nope", Seats: 1}}, {{OfferID: "m365-business-premium", Seats: 0}}} {
		if _, err := w.svc.ChangeLines(ctx, o.ID, lines); !errors.Is(err, flow.ErrInvalidAnswers) {
			t.Fatalf("%+v: %v", lines, err)
		}
	}
	if same, err := w.svc.ChangeLines(ctx, o.ID, []flow.LineChoice{{OfferID: "m365-business-premium", Seats: 5}}); err != nil || same.Lines[0].Quantity != 5 {
		t.Fatalf("unchanged: %+v %v", same.Lines, err)
	}
	if _, err := w.svc.Cancel(ctx, o.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ChangeLines(ctx, o.ID, []flow.LineChoice{{OfferID: "m365-business-premium", Seats: 2}}); !errors.Is(err, flow.ErrIllegalTransition) {
		t.Fatalf("change of a cancelled order: %v", err)
	}
}
