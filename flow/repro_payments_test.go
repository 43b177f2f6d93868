package flow_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/sandbox"
	"onboard/payment"
	paysandbox "onboard/payment/sandbox"
	"onboard/store"
)

// Reproductions 1, 9 and 10 of issue 11: an order is charged at most once.
// Money is checked against what the sandbox payment server recorded.

const declinedCard = "4000000000000002"

// payWorld is one sandbox Microsoft and payment server with SQLite, and a
// terminal (svc) to walk a customer to the payment step.
type payWorld struct {
	*testworld.Microsoft
	dbPath string
	svc    *flow.Service
	db     *store.DB
}

func newPayWorld(t *testing.T) *payWorld {
	t.Helper()
	m := testworld.NewMicrosoft(t, sandbox.Options{})
	dbPath := filepath.Join(t.TempDir(), "onboard.db")
	svc, db := m.Service(t, dbPath)
	return &payWorld{Microsoft: m, dbPath: dbPath, svc: svc, db: db}
}

// terminal is another process on the same database, as a second wizard or
// the CLI would be.
func (w *payWorld) terminal(t *testing.T) *flow.Service {
	t.Helper()
	svc, _ := w.Service(t, w.dbPath)
	return svc
}

// awaitingPayment walks contoso's administrator up to the payment step.
func (w *payWorld) awaitingPayment(t *testing.T) flow.Order {
	t.Helper()
	ctx := context.Background()
	a := testworld.Answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-premium", 5)
	if _, err := w.svc.VerifyAdmin(ctx, a.AdminLogin, "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	o, err := w.Consent(ctx, w.svc, a, "Contoso-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != flow.StatusAwaitingPayment {
		t.Fatalf("after consent: %s", o.Status)
	}
	return o
}

// pay submits a card on the checkout page, as the customer does.
func (w *payWorld) pay(t *testing.T, checkoutID, card string, want payment.State) {
	t.Helper()
	st, err := w.Pay.Pay(checkoutID, card)
	if err != nil || st != want {
		t.Fatalf("pay %s with %s: %s, %v; want %s", checkoutID, card, st, err, want)
	}
}

// payRefused submits a good card on a page that must no longer take it.
func (w *payWorld) payRefused(t *testing.T, checkoutID string) {
	t.Helper()
	if st, err := w.Pay.Pay(checkoutID, testworld.TestCard); err == nil || st == payment.StatePaid {
		t.Fatalf("checkout %s took a payment (%s, %v); it should be closed", checkoutID, st, err)
	}
}

// extraCapture is a capture of the order the wizard could not prevent: a
// checkout paid on the payment side outside the order's pages (say, a
// payment link sent by support), recorded with the order as the flow
// records its own checkouts. It returns the checkout's id.
func (w *payWorld) extraCapture(t *testing.T, o flow.Order) string {
	t.Helper()
	ctx := context.Background()
	sess, err := paysandbox.NewClient(w.PayURL, "", nil).StartCheckout(ctx, payment.Checkout{
		IdempotencyKey: "support-link:" + o.ID, OrderRef: o.Number, Description: "Payment link",
		Amount: o.Total(), Currency: o.Currency, CustomerEmail: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	w.pay(t, sess.ID, testworld.TestCard, payment.StatePaid)
	if err := w.db.SavePayment(ctx, flow.Payment{CheckoutID: sess.ID, OrderID: o.ID, Amount: o.Total(),
		Currency: o.Currency, State: string(payment.StatePending)}); err != nil {
		t.Fatal(err)
	}
	return sess.ID
}

// sessions are the sandbox's records of the order's checkouts.
func (w *payWorld) sessions(o flow.Order) []paysandbox.SessionRecord {
	var out []paysandbox.SessionRecord
	for _, s := range w.Pay.Sessions() {
		if s.OrderRef == o.Number {
			out = append(out, s)
		}
	}
	return out
}

// wantNetCaptured checks what the payment side kept of the order.
func (w *payWorld) wantNetCaptured(t *testing.T, o flow.Order, want int64) {
	t.Helper()
	captured, refunded := w.Pay.Captured(o.Number)
	if captured-refunded != want {
		t.Fatalf("payment side holds %d captured − %d refunded = %d for %s, want %d; sessions %+v",
			captured, refunded, captured-refunded, o.Number, want, w.sessions(o))
	}
}

func (w *payWorld) trailActions(t *testing.T, orderID string) map[string][]flow.AuditEvent {
	t.Helper()
	trail, err := w.db.AuditTrail(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]flow.AuditEvent{}
	for _, ev := range trail {
		out[ev.Action] = append(out[ev.Action], ev)
	}
	return out
}

// A declined card, then a good one on the same page: the wizard notices
// the payment (asking about either checkout) and never starts a checkout
// that could charge again.
func TestRepro01DoubleChargeAfterDecline(t *testing.T) {
	t.Run("same page, wizard polls that checkout", func(t *testing.T) {
		ctx := context.Background()
		w := newPayWorld(t)
		o := w.awaitingPayment(t)
		s1, err := w.svc.StartPayment(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.pay(t, s1.ID, declinedCard, payment.StateDeclined)
		if st, _, err := w.svc.CheckPayment(ctx, o.ID, s1.ID); err != nil || st != flow.PaymentDeclined {
			t.Fatalf("after the decline: %s, %v", st, err)
		}
		w.pay(t, s1.ID, testworld.TestCard, payment.StatePaid) // "Payment received" on the same page
		st, got, err := w.svc.CheckPayment(ctx, o.ID, s1.ID)
		if err != nil || st != flow.PaymentPaid || got.Status != flow.StatusPaid {
			t.Fatalf("the wizard did not notice the payment: %s, order %s, %v", st, got.Status, err)
		}
		if _, err := w.svc.StartPayment(ctx, o.ID); !errors.Is(err, flow.ErrAlreadyPaid) {
			t.Fatalf("Enter after the payment: %v, want ErrAlreadyPaid", err)
		}
		if n := len(w.sessions(o)); n != 1 {
			t.Fatalf("%d checkouts started, want 1", n)
		}
		w.wantNetCaptured(t, o, o.Total())
	})
	t.Run("older page paid while a newer checkout is open", func(t *testing.T) {
		ctx := context.Background()
		w := newPayWorld(t)
		o := w.awaitingPayment(t)
		s1, err := w.svc.StartPayment(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.pay(t, s1.ID, declinedCard, payment.StateDeclined)
		s2, err := w.svc.StartPayment(ctx, o.ID) // the wizard's retry
		if err != nil || s2.ID == s1.ID {
			t.Fatalf("retry after the decline: %s, %v", s2.ID, err)
		}
		w.payRefused(t, s1.ID) // the customer kept the first tab: it was closed
		w.pay(t, s2.ID, testworld.TestCard, payment.StatePaid)
		st, got, err := w.svc.CheckPayment(ctx, o.ID, s2.ID)
		if err != nil || st != flow.PaymentPaid || got.Status != flow.StatusPaid {
			t.Fatalf("polling the newer checkout: %s, order %s, %v", st, got.Status, err)
		}
		if _, err := w.terminal(t).StartPayment(ctx, o.ID); !errors.Is(err, flow.ErrAlreadyPaid) {
			t.Fatalf("pay again: %v, want ErrAlreadyPaid", err)
		}
		w.wantNetCaptured(t, o, o.Total())
		for _, s := range w.sessions(o) {
			if s.Refunded != 0 {
				t.Fatalf("a refund was made although one capture was taken: %+v", s)
			}
		}
	})
}

// A new page closes the declined one, so two pages can no longer both be
// paid; if the payment side still reports two captures for one order (a
// capture made outside the order's pages), one is kept, the other recorded
// as a duplicate and refunded, once.
func TestRepro09SecondPaidCheckoutRefunded(t *testing.T) {
	ctx := context.Background()
	w := newPayWorld(t)
	o := w.awaitingPayment(t)
	a, b := w.svc, w.terminal(t)
	s1, err := a.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.pay(t, s1.ID, declinedCard, payment.StateDeclined)
	if st, _, err := a.CheckPayment(ctx, o.ID, s1.ID); err != nil || st != flow.PaymentDeclined {
		t.Fatalf("after the decline: %s, %v", st, err)
	}
	s2, err := b.StartPayment(ctx, o.ID)
	if err != nil || s2.ID == s1.ID {
		t.Fatalf("second terminal after the decline: %s, %v", s2.ID, err)
	}
	if again, err := a.StartPayment(ctx, o.ID); err != nil || again.ID != s2.ID {
		t.Fatalf("first terminal while a checkout is open: %s, %v; want the open %s", again.ID, err, s2.ID)
	}
	w.payRefused(t, s1.ID)
	w.pay(t, s2.ID, testworld.TestCard, payment.StatePaid)
	s3 := w.extraCapture(t, o)

	for range 2 { // both wizards poll, twice: still one refund
		if st, _, err := b.CheckPayment(ctx, o.ID, s2.ID); err != nil || st != flow.PaymentPaid {
			t.Fatalf("terminal b: %s, %v", st, err)
		}
		if st, _, err := a.CheckPayment(ctx, o.ID, s3); err != nil || st != flow.PaymentPaid {
			t.Fatalf("terminal a: %s, %v", st, err)
		}
		if _, err := a.StartPayment(ctx, o.ID); !errors.Is(err, flow.ErrAlreadyPaid) {
			t.Fatalf("pay again: %v, want ErrAlreadyPaid", err)
		}
	}
	w.wantNetCaptured(t, o, o.Total())
	var refundID string
	for _, s := range w.sessions(o) {
		switch {
		case s.ID == s1.ID:
			if s.Captured != 0 || s.State != payment.StateExpired {
				t.Fatalf("the declined page %s: %+v, want closed and not captured", s.ID, s)
			}
		case s.Captured == 0:
			t.Fatalf("checkout %s not captured: %+v", s.ID, s)
		case len(s.Refunds) > 1:
			t.Fatalf("checkout %s refunded %d times", s.ID, len(s.Refunds))
		case len(s.Refunds) == 1:
			refundID = s.Refunds[0].ID
		}
	}
	ps, err := w.db.Payments(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, p := range ps {
		states[p.State]++
	}
	if len(ps) != 3 || states["paid"] != 1 || states["refunded"] != 1 || states["expired"] != 1 {
		t.Fatalf("recorded payments: %+v", ps)
	}
	acts := w.trailActions(t, o.ID)
	if len(acts["payment.duplicate"]) != 1 || len(acts["payment.refunded"]) != 1 || len(acts["payment.paid"]) != 1 {
		t.Fatalf("audit: %d payment.paid, %d payment.duplicate, %d payment.refunded",
			len(acts["payment.paid"]), len(acts["payment.duplicate"]), len(acts["payment.refunded"]))
	}
	if d := acts["payment.refunded"][0].Detail; !strings.Contains(d, refundID) {
		t.Fatalf("payment.refunded %q does not name the gateway's refund %s", d, refundID)
	}
}

// Cancelling a paid order that bought nothing refunds it; cancelling one
// that already bought a subscription is refused and changes nothing.
func TestRepro10CancelPaidOrder(t *testing.T) {
	t.Run("paid, nothing bought", func(t *testing.T) {
		ctx := context.Background()
		w := newPayWorld(t)
		o := w.awaitingPayment(t)
		o, err := w.PayOrder(ctx, w.svc, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.wantNetCaptured(t, o, o.Total())
		got, err := w.svc.Cancel(ctx, o.ID, "customer changed their mind")
		if err != nil || got.Status != flow.StatusCancelled {
			t.Fatalf("cancel: %s, %v", got.Status, err)
		}
		w.wantNetCaptured(t, o, 0)
		if got, err := w.terminal(t).Cancel(ctx, o.ID, "again"); err != nil || got.Status != flow.StatusCancelled {
			t.Fatalf("cancel again: %s, %v", got.Status, err)
		}
		for _, s := range w.sessions(o) {
			if len(s.Refunds) > 1 {
				t.Fatalf("refunded %d times", len(s.Refunds))
			}
		}
		if len(w.trailActions(t, o.ID)["payment.refunded"]) != 1 {
			t.Fatal("no single payment.refunded in the audit trail")
		}
		if _, err := w.svc.StartPayment(ctx, o.ID); !errors.Is(err, flow.ErrNotPayable) {
			t.Fatalf("pay a cancelled order: %v", err)
		}
	})
	t.Run("bought a subscription, then crashed", func(t *testing.T) {
		w := newPayWorld(t)
		o := w.awaitingPayment(t)
		o, err := w.PayOrder(context.Background(), w.svc, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		// kill -9 while importing users: the subscription is bought by then.
		ctx, crash := context.WithCancel(context.Background())
		_, err = w.svc.Process(ctx, o.ID, func(p flow.Progress) {
			if p.Step == "users" {
				crash()
			}
		})
		crash()
		if err == nil {
			t.Fatal("processing did not stop")
		}
		ctx = context.Background()
		got, err := w.svc.Cancel(ctx, o.ID, "changed my mind")
		if !errors.Is(err, flow.ErrBoughtSomething) {
			t.Fatalf("cancel after a purchase: %s, %v; want ErrBoughtSomething", got.Status, err)
		}
		if !strings.Contains(err.Error(), "Partner Center") {
			t.Errorf("the refusal does not say what to do: %v", err)
		}
		after, err := w.db.GetOrder(ctx, o.ID)
		if err != nil || after.Status == flow.StatusCancelled {
			t.Fatalf("order after the refused cancel: %s, %v", after.Status, err)
		}
		subs, err := w.Client(t).Subscriptions(ctx, after.TenantID)
		if err != nil {
			t.Fatal(err)
		}
		active := 0
		for _, s := range subs {
			if strings.EqualFold(s.Status, "active") && !s.IsTrial {
				active++
			}
		}
		if active == 0 {
			t.Fatalf("no active subscription at Microsoft: %+v", subs)
		}
		w.wantNetCaptured(t, o, o.Total())
	})
}

// Terminals polling the same two captured checkouts at once keep one
// capture and refund the other exactly once.
func TestConcurrentPollsRefundOnce(t *testing.T) {
	ctx := context.Background()
	w := newPayWorld(t)
	o := w.awaitingPayment(t)
	s1, err := w.svc.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.pay(t, s1.ID, declinedCard, payment.StateDeclined)
	if _, _, err := w.svc.CheckPayment(ctx, o.ID, s1.ID); err != nil {
		t.Fatal(err)
	}
	s2, err := w.svc.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.payRefused(t, s1.ID)
	w.pay(t, s2.ID, testworld.TestCard, payment.StatePaid)
	s3 := w.extraCapture(t, o)
	terms := []*flow.Service{w.svc, w.terminal(t), w.terminal(t), w.terminal(t)}
	var wg sync.WaitGroup
	for i, svc := range terms {
		wg.Go(func() {
			id := []string{s3, s2.ID}[i%2]
			// Errors are allowed (a lost race); money is checked below.
			_, _, _ = svc.CheckPayment(ctx, o.ID, id)
			_, _ = svc.StartPayment(ctx, o.ID)
		})
	}
	wg.Wait()
	// Whatever lost a race is finished by the next poll.
	if st, got, err := w.svc.CheckPayment(ctx, o.ID, s2.ID); err != nil || st != flow.PaymentPaid || got.Status != flow.StatusPaid {
		t.Fatalf("after the race: %s %s %v", st, got.Status, err)
	}
	w.wantNetCaptured(t, o, o.Total())
	for _, s := range w.sessions(o) {
		if len(s.Refunds) > 1 {
			t.Fatalf("checkout %s refunded %d times", s.ID, len(s.Refunds))
		}
	}
}
