package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"onboard/payment"
)

func paidNote(eventID string, o Order, checkoutID string) payment.Notification {
	return payment.Notification{EventID: eventID, EventType: "checkout.session.completed", OrderID: o.ID, CheckoutID: checkoutID,
		Status: payment.Status{ID: checkoutID, State: payment.StatePaid, Amount: o.Total(), Currency: o.Currency, PaymentID: "pi_" + checkoutID}}
}

// A webhook saying paid marks the order paid once, a duplicate delivery
// changes nothing, and the polling path agrees.
func TestPaymentNotifiedMarksPaidOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s1, err := e.s.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.pay.settle(s1.ID, payment.StatePaid)
	withTax := paidNote("evt_1", o, s1.ID)
	withTax.Status.Tax = 319 // Stripe Tax added 19% of 3 × €5.60
	for range 2 {
		if err := e.s.PaymentNotified(ctx, withTax); err != nil {
			t.Fatal(err)
		}
	}
	wantStatus(t, e.st, o.ID, StatusPaid)
	trail, _ := e.st.AuditTrail(ctx, o.ID)
	for _, ev := range trail {
		if ev.Action == "payment.paid" && !strings.HasSuffix(ev.Detail, "€16.80 + tax €3.19 = €19.99") {
			t.Errorf("payment.paid says %q: want the money formatted, with the tax", ev.Detail)
		}
	}
	if st, _, err := e.s.CheckPayment(ctx, o.ID, s1.ID); err != nil || st != PaymentPaid {
		t.Fatalf("poll after the webhook: %s %v", st, err)
	}
	if err := e.s.PaymentNotified(ctx, paidNote("evt_2", o, s1.ID)); err != nil { // another event of the same payment
		t.Fatal(err)
	}
	if n := countActions(t, e, o.ID, "payment.paid"); n != 1 {
		t.Fatalf("%d payment.paid events", n)
	}
	if n := countActions(t, e, o.ID, "payment.notified"); n != 2 {
		t.Fatalf("%d payment.notified events, want 2 (evt_1 once, evt_2)", n)
	}
	trail, _ = e.st.AuditTrail(ctx, o.ID)
	for _, ev := range trail {
		if ev.Action == "payment.notified" && ev.Actor.Kind != ActorSystem {
			t.Errorf("webhook event by %+v", ev.Actor)
		}
	}
}

// Events out of order: a failure that arrives after the payment does not
// undo it; a failure first, then the success, pays.
func TestPaymentNotifiedOutOfOrder(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s1, _ := e.s.StartPayment(ctx, o.ID)
	failed := payment.Notification{EventID: "evt_f", EventType: "checkout.session.async_payment_failed", OrderID: o.ID, CheckoutID: s1.ID,
		Status: payment.Status{ID: s1.ID, State: payment.StateDeclined}}
	e.pay.settle(s1.ID, payment.StateDeclined)
	if err := e.s.PaymentNotified(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[declined]" {
		t.Fatalf("after the failure: %v", got)
	}
	e.pay.settle(s1.ID, payment.StatePaid) // the customer tried another card on the same page
	if err := e.s.PaymentNotified(ctx, paidNote("evt_s", o, s1.ID)); err != nil {
		t.Fatal(err)
	}
	// The failure delivered again, late: the gateway says paid, so it stays paid.
	failed.EventID = "evt_f2"
	if err := e.s.PaymentNotified(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[paid]" {
		t.Fatalf("after the late failure: %v", got)
	}
	wantStatus(t, e.st, o.ID, StatusPaid)
}

// A second capture reported by webhook is refunded, once, with the
// gateway's ids in the trail; an unknown checkout or order is not onboard's.
func TestPaymentNotifiedRefundsSecondCapture(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s2 := extraCapture(t, e, o)
	for range 2 {
		if err := e.s.PaymentNotified(ctx, paidNote("evt_dup", o, s2)); err != nil {
			t.Fatal(err)
		}
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[paid refunded]" {
		t.Fatalf("recorded: %v", got)
	}
	if r := e.pay.sessions[s2].Refunded; r != o.Total() {
		t.Fatalf("refunded %d, want %d", r, o.Total())
	}
	if n := countActions(t, e, o.ID, "payment.refunded"); n != 1 {
		t.Fatalf("%d payment.refunded events", n)
	}
	err := e.s.PaymentNotified(ctx, paidNote("evt_x", o, "cs_foreign"))
	if !errors.Is(err, payment.ErrNotFound) || !errors.Is(err, ErrUnknownCheckout) {
		t.Errorf("a checkout not the order's: %v", err)
	}
	o.ID = "no-such-order"
	if err := e.s.PaymentNotified(ctx, paidNote("evt_y", o, s2)); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("an unknown order: %v", err)
	}
}

// A payment reported for a page closed by a cancel: when the gateway says
// the page expired, nothing was taken and nothing changes; when it says
// paid (the payment won the race), the capture is refunded.
func TestPaymentNotifiedAfterCancel(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s1, _ := e.s.StartPayment(ctx, o.ID)
	if _, err := e.s.Cancel(ctx, o.ID, "changed my mind"); err != nil {
		t.Fatal(err)
	}
	if err := e.s.PaymentNotified(ctx, paidNote("evt_forged", o, s1.ID)); err != nil {
		t.Fatal(err)
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[expired]" || e.pay.sessions[s1.ID].Refunded != 0 {
		t.Fatalf("an event the gateway contradicts changed the checkout: %v", got)
	}
	e.pay.mu.Lock()
	e.pay.sessions[s1.ID].State, e.pay.sessions[s1.ID].PaymentID = payment.StatePaid, "pi_race"
	e.pay.mu.Unlock()
	if err := e.s.PaymentNotified(ctx, paidNote("evt_race", o, s1.ID)); err != nil {
		t.Fatal(err)
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[refunded]" || e.pay.sessions[s1.ID].Refunded != o.Total() {
		t.Fatalf("a capture of a cancelled order: %v, refunded %d", got, e.pay.sessions[s1.ID].Refunded)
	}
	wantStatus(t, e.st, o.ID, StatusCancelled)
}

// recordingPay keeps the checkouts asked of the gateway.
type recordingPay struct {
	*fakePay
	asked []payment.Checkout
}

func (r *recordingPay) StartCheckout(ctx context.Context, c payment.Checkout) (payment.Session, error) {
	r.asked = append(r.asked, c)
	return r.fakePay.StartCheckout(ctx, c)
}

// A repeated click names the open checkout, so a gateway that needs the
// identical request for an idempotency key (Stripe) can return it as it is;
// the lines and the order go with every checkout.
func TestRepeatedClickNamesTheOpenCheckout(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	rp := &recordingPay{fakePay: e.pay}
	e.s.Pay = rp
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s1, _ := e.s.StartPayment(ctx, o.ID)
	if _, err := e.s.StartPayment(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if len(rp.asked) != 2 || rp.asked[0].SessionID != "" || rp.asked[1].SessionID != s1.ID ||
		rp.asked[1].IdempotencyKey != rp.asked[0].IdempotencyKey {
		t.Fatalf("checkouts asked: %+v", rp.asked)
	}
	c := rp.asked[0]
	if c.OrderID != o.ID || len(c.Lines) != 1 || c.Lines[0].Quantity != 3 || c.Lines[0].UnitAmount != 560 ||
		c.Lines[0].Period != PeriodMonth || c.Amount != 3*560 {
		t.Errorf("checkout %+v", c)
	}
}
