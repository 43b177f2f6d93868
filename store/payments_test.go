package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"onboard/flow"
)

func TestSavePaymentUpserts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusAwaitingPayment)
		p := flow.Payment{CheckoutID: "co1", OrderID: o.ID, Amount: 11000, Currency: "EUR", State: "pending"}
		if err := db.SavePayment(ctx, p); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
		p.State, p.Reason = "declined", "card declined"
		if err := db.SavePayment(ctx, p); err != nil {
			t.Fatal(err)
		}
		ps, err := db.Payments(ctx, o.ID)
		if err != nil || len(ps) != 1 {
			t.Fatalf("Payments = %+v, %v", ps, err)
		}
		got := ps[0]
		if got.State != "declined" || got.Reason != "card declined" || !got.CreatedAt.Equal(t0) ||
			!got.UpdatedAt.Equal(t0.Add(time.Minute)) || got.Amount != 11000 {
			t.Errorf("payment = %+v", got)
		}
		if err := db.SavePayment(ctx, flow.Payment{CheckoutID: "co9", OrderID: "ghost", State: "pending"}); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("payment of missing order: %v", err)
		}
	})
}

func TestMarkPaid(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusAwaitingPayment)
		ev := flow.AuditEvent{Actor: flow.Actor{Kind: flow.ActorCustomer, Name: "ann@contoso.example"}}
		if err := db.SavePayment(ctx, flow.Payment{CheckoutID: "co-declined", OrderID: o.ID, State: "declined"}); err != nil {
			t.Fatal(err)
		}
		p := flow.Payment{CheckoutID: "co1", OrderID: o.ID, Amount: 11000, Currency: "EUR", PaymentID: "pay_1"}
		if err := db.MarkPaid(ctx, p, ev); err != nil {
			t.Fatal(err)
		}
		got, _ := db.GetOrder(ctx, o.ID)
		if got.Status != flow.StatusPaid {
			t.Fatalf("status = %s", got.Status)
		}
		// The same confirmation again, even after the order moved on: no-op.
		if err := db.TransitionOrder(ctx, o.ID, flow.StatusPaid, flow.StatusProvisioning, "", ev); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkPaid(ctx, p, ev); err != nil {
			t.Fatalf("repeated MarkPaid: %v", err)
		}
		// A second, different checkout: refused, the first stays paid.
		err := db.MarkPaid(ctx, flow.Payment{CheckoutID: "co2", OrderID: o.ID, Amount: 11000}, ev)
		if !errors.Is(err, flow.ErrAlreadyPaid) {
			t.Fatalf("second checkout: %v, want ErrAlreadyPaid", err)
		}
		err = db.SavePayment(ctx, flow.Payment{CheckoutID: "co3", OrderID: o.ID, State: "paid"})
		if !errors.Is(err, flow.ErrAlreadyPaid) {
			t.Fatalf("second paid via SavePayment: %v, want ErrAlreadyPaid (unique index)", err)
		}
		ps, _ := db.Payments(ctx, o.ID)
		paid := 0
		for _, p := range ps {
			if p.State == "paid" {
				paid++
				if p.CheckoutID != "co1" || p.PaymentID != "pay_1" {
					t.Errorf("paid payment = %+v", p)
				}
			}
		}
		if paid != 1 || len(ps) != 2 {
			t.Errorf("payments = %+v", ps)
		}
		trail, _ := db.AuditTrail(ctx, o.ID)
		var paidEvents int
		for _, e := range trail {
			if e.Action == "payment.paid" {
				paidEvents++
				if e.From != "awaiting_payment" || e.To != "paid" || e.Actor != ev.Actor {
					t.Errorf("paid event = %+v", e)
				}
			}
		}
		if paidEvents != 1 {
			t.Errorf("%d payment.paid events, want 1", paidEvents)
		}
	})
}

func TestMarkPaidWrongState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusCancelled)
		err := db.MarkPaid(ctx, flow.Payment{CheckoutID: "co1", OrderID: o.ID}, flow.AuditEvent{})
		if !errors.Is(err, flow.ErrConflict) {
			t.Fatalf("MarkPaid of cancelled order: %v, want ErrConflict", err)
		}
		if ps, _ := db.Payments(ctx, o.ID); len(ps) != 0 {
			t.Errorf("payment kept after the failed transaction: %+v", ps)
		}
		if err := db.MarkPaid(ctx, flow.Payment{CheckoutID: "co1", OrderID: "ghost"}, flow.AuditEvent{}); !errors.Is(err, flow.ErrNotFound) {
			t.Errorf("missing order: %v", err)
		}
		if err := db.MarkPaid(ctx, flow.Payment{OrderID: o.ID}, flow.AuditEvent{}); err == nil {
			t.Error("payment without checkout id accepted")
		}
	})
}

// A checkout saved as paid before the process died still moves the order.
func TestMarkPaidAfterSavedPaid(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusAwaitingPayment)
		p := flow.Payment{CheckoutID: "co1", OrderID: o.ID, State: "paid"}
		if err := db.SavePayment(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkPaid(ctx, p, flow.AuditEvent{}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetOrder(ctx, o.ID); got.Status != flow.StatusPaid {
			t.Errorf("status = %s, want paid", got.Status)
		}
	})
}

// A capture the order cannot keep is recorded beside the paid one (the
// one-paid-per-order index lets it), and a refund is final.
func TestDuplicateAndRefundedPayments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusAwaitingPayment)
		paid := flow.Payment{CheckoutID: "co1", OrderID: o.ID, Amount: 100, Currency: "EUR", State: "pending"}
		if err := db.SavePayment(ctx, paid); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkPaid(ctx, paid, flow.AuditEvent{}); err != nil {
			t.Fatal(err)
		}
		dup := flow.Payment{CheckoutID: "co2", OrderID: o.ID, Amount: 100, Currency: "EUR", State: "paid"}
		if err := db.SavePayment(ctx, dup); !errors.Is(err, flow.ErrAlreadyPaid) {
			t.Fatalf("second paid row: %v, want ErrAlreadyPaid", err)
		}
		dup.State = "duplicate"
		if err := db.SavePayment(ctx, dup); err != nil {
			t.Fatalf("duplicate row: %v", err)
		}
		dup.State = "paid"
		if err := db.SavePayment(ctx, dup); err == nil {
			t.Fatal("a duplicate became paid")
		}
		dup.State = "refunded"
		if err := db.SavePayment(ctx, dup); err != nil {
			t.Fatalf("refund the duplicate: %v", err)
		}
		for _, st := range []string{"paid", "duplicate", "pending"} {
			dup.State = st
			if err := db.SavePayment(ctx, dup); err == nil {
				t.Errorf("a refunded checkout became %s", st)
			}
		}
		if err := db.SavePayment(ctx, flow.Payment{CheckoutID: "co3", OrderID: o.ID, State: "settled"}); err == nil {
			t.Error("an unknown state was saved")
		}
		ps, err := db.Payments(ctx, o.ID)
		if err != nil || len(ps) != 2 || ps[0].State != "paid" || ps[1].State != "refunded" {
			t.Fatalf("payments = %+v, %v", ps, err)
		}
	})
}
