package flow

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"onboard/payment"
)

func TestDoublePaymentChargesOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, err := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	if err != nil {
		t.Fatal(err)
	}
	s1, err := e.s.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := e.s.StartPayment(ctx, o.ID) // a repeated click
	if err != nil || s2.ID != s1.ID || e.pay.starts != 1 {
		t.Fatalf("second click: %v, sessions %s/%s, %d checkouts", err, s1.ID, s2.ID, e.pay.starts)
	}
	if st := e.pay.sessions[s1.ID]; st.Amount != 3*560 || st.Currency != "EUR" {
		t.Fatalf("checkout of %d %s", st.Amount, st.Currency)
	}
	e.pay.settle(s1.ID, payment.StatePaid)
	for range 2 { // two polls (or two kiosks) see the capture
		if st, got, err := e.s.CheckPayment(ctx, o.ID, s1.ID); err != nil || st != PaymentPaid || got.Status != StatusPaid {
			t.Fatalf("poll: %v %v %v", st, got.Status, err)
		}
	}
	if _, err := e.s.StartPayment(ctx, o.ID); !errors.Is(err, ErrAlreadyPaid) {
		t.Fatalf("pay again: %v", err)
	}
	if e.pay.paidCount() != 1 || e.pay.starts != 1 {
		t.Fatalf("%d captures, %d checkouts", e.pay.paidCount(), e.pay.starts)
	}
	trail, _ := e.st.AuditTrail(ctx, o.ID)
	paid := 0
	for _, ev := range trail {
		if ev.Action == "payment.paid" {
			paid++
		}
	}
	if paid != 1 {
		t.Fatalf("%d payment.paid events", paid)
	}
}

func TestDeclinedPaymentStartsNewCheckout(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s1, _ := e.s.StartPayment(ctx, o.ID)
	e.pay.settle(s1.ID, payment.StateDeclined)
	if st, got, err := e.s.CheckPayment(ctx, o.ID, s1.ID); err != nil || st != PaymentDeclined || got.Status != StatusAwaitingPayment {
		t.Fatalf("declined poll: %v %v %v", st, got.Status, err)
	}
	s2, err := e.s.StartPayment(ctx, o.ID)
	if err != nil || s2.ID == s1.ID {
		t.Fatalf("retry after decline reused the checkout: %v", err)
	}
	// A decline nobody polled still gives the next attempt a new checkout.
	e.pay.settle(s2.ID, payment.StateExpired)
	s3, err := e.s.StartPayment(ctx, o.ID)
	if err != nil || s3.ID == s2.ID || e.pay.starts != 3 {
		t.Fatalf("after an unpolled expiry: %v, %d checkouts", err, e.pay.starts)
	}
	if _, _, err := e.s.CheckPayment(ctx, o.ID, "cs_foreign"); !errors.Is(err, ErrUnknownCheckout) {
		t.Fatalf("foreign checkout: %v", err)
	}
}

func TestPaymentAmountMismatchIsNotPaid(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s, _ := e.s.StartPayment(ctx, o.ID)
	e.pay.sessions[s.ID].Amount = 1
	e.pay.settle(s.ID, payment.StatePaid)
	if _, _, err := e.s.CheckPayment(ctx, o.ID, s.ID); !errors.Is(err, ErrAmountMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
	wantStatus(t, e.st, o.ID, StatusAwaitingPayment)
}

func TestFindOrderForPaymentDoesNotLeak(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	tests := []struct{ number, email string }{
		{o.Number, "someone@else.com"},
		{"ORD-999999", "anna@contoso.de"},
		{"", ""},
		{o.Number + "\x1b", "anna@contoso.de"},
	}
	for _, tt := range tests {
		if _, err := e.s.FindOrderForPayment(ctx, tt.number, tt.email); err != ErrNotFound {
			t.Errorf("FindOrderForPayment(%q, %q) = %v, want exactly ErrNotFound", tt.number, tt.email, err)
		}
	}
	if got, err := e.s.FindOrderForPayment(ctx, " "+o.Number+" ", "Anna@Contoso.de"); err != nil || got.ID != o.ID {
		t.Fatalf("right number and e-mail: %v", err)
	}
}

// Refund refunds a paid fake checkout once per idempotency key (kept in
// byKey beside the checkouts' keys).
func (p *fakePay) Refund(_ context.Context, r payment.Refund) (payment.RefundResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := "refund\x00" + r.IdempotencyKey
	if id, ok := p.byKey[key]; ok {
		s := p.sessions[id]
		return payment.RefundResult{ID: "re_" + r.IdempotencyKey, SessionID: id, PaymentID: s.PaymentID, Amount: r.Amount, Currency: s.Currency}, nil
	}
	s, ok := p.sessions[r.SessionID]
	if !ok {
		return payment.RefundResult{}, payment.ErrNotFound
	}
	if s.State != payment.StatePaid || r.Amount > s.Amount-s.Refunded {
		return payment.RefundResult{}, payment.ErrRefundRefused
	}
	s.Refunded += r.Amount
	p.byKey[key] = r.SessionID
	return payment.RefundResult{ID: "re_" + r.IdempotencyKey, SessionID: r.SessionID, PaymentID: s.PaymentID, Amount: r.Amount, Currency: s.Currency}, nil
}

// paymentStates are the recorded states of the order's checkouts, oldest first.
func paymentStates(t *testing.T, e *testEnv, orderID string) []string {
	t.Helper()
	ps, err := e.st.Payments(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.State)
	}
	return out
}

func countActions(t *testing.T, e *testEnv, orderID, action string) int {
	t.Helper()
	trail, err := e.st.AuditTrail(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range trail {
		if ev.Action == action {
			n++
		}
	}
	return n
}

// failNth makes the nth call of method fail once, as a crash there would.
func failNth(e *testEnv, method string, nth int) {
	calls := 0
	e.st.fail = func(m string) error {
		if m != method {
			return nil
		}
		calls++
		if calls == nth {
			return fmt.Errorf("crash at %s #%d", m, nth)
		}
		return nil
	}
}

// A crash between the gateway's refund and recording it: the next poll
// finds the duplicate still recorded and repeats the refund with the same
// key, so the customer gets one refund and the trail one event.
func TestDuplicateRefundResumedAfterCrash(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s1, _ := e.s.StartPayment(ctx, o.ID)
	e.pay.settle(s1.ID, payment.StateDeclined)
	if st, _, err := e.s.CheckPayment(ctx, o.ID, s1.ID); err != nil || st != PaymentDeclined {
		t.Fatalf("declined: %s %v", st, err)
	}
	s2, err := e.s.StartPayment(ctx, o.ID)
	if err != nil || s2.ID == s1.ID {
		t.Fatalf("retry: %v", err)
	}
	e.pay.settle(s1.ID, payment.StatePaid) // the first page was closed: no payment
	e.pay.settle(s2.ID, payment.StatePaid)
	s3 := extraCapture(t, e, o)  // paid outside the order's pages
	failNth(e, "SavePayment", 2) // 1: the duplicate, 2: the refund
	if _, _, err := e.s.CheckPayment(ctx, o.ID, s2.ID); err == nil {
		t.Fatal("the crash was not reported")
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[expired paid duplicate]" {
		t.Fatalf("after the crash: %v", got)
	}
	e.st.fail = nil
	if st, got, err := e.s.CheckPayment(ctx, o.ID, s2.ID); err != nil || st != PaymentPaid || got.Status != StatusPaid {
		t.Fatalf("after the restart: %s %s %v", st, got.Status, err)
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[expired paid refunded]" {
		t.Fatalf("recorded: %v", got)
	}
	if r := e.pay.sessions[s3].Refunded; r != o.Total() || e.pay.sessions[s2.ID].Refunded != 0 {
		t.Fatalf("refunded %d of the duplicate, want %d", r, o.Total())
	}
	if n := countActions(t, e, o.ID, "payment.refunded"); n != 1 {
		t.Fatalf("%d payment.refunded events", n)
	}
	if n := countActions(t, e, o.ID, "payment.duplicate"); n != 1 {
		t.Fatalf("%d payment.duplicate events", n)
	}
}

// A page still open when the order is cancelled is closed, so it takes no
// payment afterwards; one paid just before (not yet polled) is found when
// it is closed and refunded.
func TestCancelClosesOpenPages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o, _ := e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s1, _ := e.s.StartPayment(ctx, o.ID)
	if got, err := e.s.Cancel(ctx, o.ID, "changed my mind"); err != nil || got.Status != StatusCancelled {
		t.Fatalf("cancel: %v", err)
	}
	e.pay.settle(s1.ID, payment.StatePaid) // refused: the page is closed
	if _, got, err := e.s.CheckPayment(ctx, o.ID, s1.ID); err != nil || got.Status != StatusCancelled {
		t.Fatalf("poll after cancel: %s %v", got.Status, err)
	}
	if st := e.pay.sessions[s1.ID]; st.State != payment.StateExpired || st.Refunded != 0 {
		t.Fatalf("the open page after cancel: %+v", st)
	}

	e = newEnv(t, PolicyPayFirst)
	o, _ = e.s.CreateOrder(ctx, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	s1, _ = e.s.StartPayment(ctx, o.ID)
	e.pay.settle(s1.ID, payment.StatePaid) // paid, nobody polled yet
	if got, err := e.s.Cancel(ctx, o.ID, "changed my mind"); err != nil || got.Status != StatusCancelled {
		t.Fatalf("cancel: %v", err)
	}
	if r := e.pay.sessions[s1.ID].Refunded; r != o.Total() {
		t.Fatalf("refunded %d, want %d", r, o.Total())
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[refunded]" {
		t.Fatalf("recorded: %v", got)
	}
}

// extraCapture is a capture of the order outside its pages (a payment link
// sent by support), recorded with the order; it returns its checkout id.
func extraCapture(t *testing.T, e *testEnv, o Order) string {
	t.Helper()
	ctx := context.Background()
	sess, err := e.pay.StartCheckout(ctx, payment.Checkout{IdempotencyKey: "support-link:" + o.ID, OrderRef: o.Number,
		Amount: o.Total(), Currency: o.Currency})
	if err != nil {
		t.Fatal(err)
	}
	e.pay.settle(sess.ID, payment.StatePaid)
	if err := e.st.SavePayment(ctx, Payment{CheckoutID: sess.ID, OrderID: o.ID, Amount: o.Total(), Currency: o.Currency,
		State: string(payment.StatePending), CreatedAt: e.now, UpdatedAt: e.now}); err != nil {
		t.Fatal(err)
	}
	return sess.ID
}

// Cancel cancels, then refunds; a crash between the gateway's refund and
// recording it is finished by the next Cancel without a second refund.
func TestCancelPaidOrderRefundsOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	failNth(e, "SavePayment", 1)
	if _, err := e.s.Cancel(ctx, o.ID, "changed my mind"); err == nil {
		t.Fatal("the crash was not reported")
	}
	wantStatus(t, e.st, o.ID, StatusCancelled)
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[paid]" {
		t.Fatalf("after the crash: %v", got)
	}
	e.st.fail = nil
	for range 2 {
		if got, err := e.s.Cancel(ctx, o.ID, "changed my mind"); err != nil || got.Status != StatusCancelled {
			t.Fatalf("cancel: %s %v", got.Status, err)
		}
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[refunded]" {
		t.Fatalf("recorded: %v", got)
	}
	for id, s := range e.pay.sessions {
		if s.Refunded != 0 && s.Refunded != o.Total() {
			t.Fatalf("checkout %s refunded %d", id, s.Refunded)
		}
	}
	if n := countActions(t, e, o.ID, "payment.refunded"); n != 1 {
		t.Fatalf("%d payment.refunded events", n)
	}
}

// An order that bought something is not cancelled, and says what to do.
func TestCancelRefusedAfterPurchase(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	if err := e.st.MarkStepDone(ctx, o.ID, linePlanStep(1, ""), AuditEvent{OrderID: o.ID, Action: "step.done"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.s.Cancel(ctx, o.ID, "")
	if !errors.Is(err, ErrBoughtSomething) {
		t.Fatalf("cancel after the purchase was planned: %v", err)
	}
	wantStatus(t, e.st, o.ID, StatusPaid)
	for _, s := range e.pay.sessions {
		if s.Refunded != 0 {
			t.Fatal("refunded although something was bought")
		}
	}
}

// Expire closes an open fake checkout; a paid or expired one is returned as it is.
func (p *fakePay) Expire(_ context.Context, id string) (payment.Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.sessions[id]
	if !ok {
		return payment.Status{}, payment.ErrNotFound
	}
	if s.State == payment.StatePending || s.State == payment.StateDeclined {
		s.State = payment.StateExpired
	}
	return *s, nil
}

// A process that died between cancelling a paid order and recording its
// refund: the next start (ResumeInterrupted) finishes the refund, once.
// (The model-based test found it: a crash mid-cancel left the money held.)
func TestResumeFinishesACancelledOrdersRefund(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 3}))
	failNth(e, "SavePayment", 1)
	if _, err := e.s.Cancel(ctx, o.ID, "changed my mind"); err == nil {
		t.Fatal("the crash was not reported")
	}
	e.st.fail = nil
	if _, err := e.s.ResumeInterrupted(ctx); err != nil {
		t.Fatal(err)
	}
	if got := paymentStates(t, e, o.ID); fmt.Sprint(got) != "[refunded]" {
		t.Fatalf("recorded after the restart: %v", got)
	}
	for id, s := range e.pay.sessions {
		if s.Refunded != 0 && s.Refunded != o.Total() {
			t.Fatalf("checkout %s refunded %d", id, s.Refunded)
		}
	}
	if n := countActions(t, e, o.ID, "payment.refunded"); n != 1 {
		t.Fatalf("%d payment.refunded events", n)
	}
}
