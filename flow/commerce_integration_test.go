package flow_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
)

// newCommerceWorld is newWorld with a sandbox whose orders stay pending for
// pendingPolls reads, and a service that polls twice per run.
func newCommerceWorld(t *testing.T, pendingPolls int) *world {
	t.Helper()
	m := testworld.NewMicrosoft(t, sandbox.Options{PageSize: 5, NorthwindUsers: 10, PendingPolls: pendingPolls})
	dbPath := filepath.Join(t.TempDir(), "onboard.db")
	svc, db := m.Service(t, dbPath)
	cli := m.Client(t, func(c *partnercenter.Config) { c.PageSize, c.BaseBackoff, c.MaxBackoff, c.MaxAttempts = 4, 1, 1, 8 })
	svc.MS, svc.Policy = cli, flow.PolicyPayFirst
	svc.OrderPolls, svc.OrderPollWait = 2, time.Nanosecond
	return &world{Microsoft: m, ms: m.MS, pay: m.Pay, cli: cli, db: db, dbPath: dbPath, svc: svc}
}

// A new-commerce order still pending after this run's polls fails the run
// as retryable, and the retry polls the same Microsoft order: one purchase,
// one subscription, the seats read back.
func TestPendingOrderPolledAcrossRetry(t *testing.T) {
	w := newCommerceWorld(t, 3) // completes on the 4th read: after the second run's second poll
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-premium", 5), "Contoso-Admin-1")
	_, err := w.svc.Process(ctx, o.ID, nil)
	if !errors.Is(err, msapi.ErrUnavailable) {
		t.Fatalf("first run: %v, want the order still pending (ErrUnavailable)", err)
	}
	orders := w.ms.RecordedOrders(o.TenantID)
	if len(orders) != 1 {
		t.Fatalf("%d Microsoft orders after the first run, want 1", len(orders))
	}
	if cur, _ := w.db.GetOrder(ctx, o.ID); cur.Status == flow.StatusFailed {
		if _, err := w.svc.Retry(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.ms.RecordedOrders(o.TenantID); len(got) != 1 || got[0] != orders[0] {
		t.Fatalf("orders after the retry: %v, want only %v", got, orders)
	}
	if len(res.Bought) != 1 || res.Bought[0].Quantity != 5 || res.Bought[0].SubscriptionID == "" {
		t.Fatalf("bought: %+v", res.Bought)
	}
	subs := w.ms.RecordedSubscriptions(o.TenantID)
	ours := 0
	for _, s := range subs {
		if s.Partner == sandbox.PartnerTenantID {
			ours++
			if s.OrderID != orders[0] || s.ID != res.Bought[0].SubscriptionID {
				t.Errorf("subscription %+v, want of order %s", s, orders[0])
			}
		}
	}
	if ours != 1 {
		t.Fatalf("%d subscriptions of ours, want 1", ours)
	}
}

// A Fabrikam trial of 25 seats made paid with 30: the transition keeps the
// trial's subscription and its users' licenses, with the seats bought.
func TestTrialTransitionWithMoreSeats(t *testing.T) {
	w := newCommerceWorld(t, 0)
	ctx := context.Background()
	o := w.signUp(t, answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 30), "Fabrikam-Admin-1")
	trial := ""
	for _, s := range w.ms.RecordedSubscriptions(o.TenantID) {
		if s.IsTrial {
			trial = s.ID
		}
	}
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Converted) != 1 || res.Converted[0].SubscriptionID != trial || res.Converted[0].Quantity != 30 || res.AssignmentsKept != 8 {
		t.Fatalf("converted %+v, kept %d (trial %s)", res.Converted, res.AssignmentsKept, trial)
	}
	if n := len(w.ms.RecordedOrders(o.TenantID)); n != 0 {
		t.Errorf("%d orders placed for a transition", n)
	}
	if c := w.ms.RecordedConversions(o.TenantID); c[trial] != 1 {
		t.Errorf("transitions recorded: %v", c)
	}
}

// loseCheckout is Microsoft whose first checkout answer is lost on the way
// back: the order was placed, the caller sees a failure.
type loseCheckout struct {
	msapi.Microsoft
	carts int
	lost  bool
}

func (l *loseCheckout) CreateCart(ctx context.Context, tenantID string, req msapi.OrderRequest) (string, error) {
	l.carts++
	return l.Microsoft.CreateCart(ctx, tenantID, req)
}

func (l *loseCheckout) CheckoutCart(ctx context.Context, tenantID, cartID string) (msapi.Order, error) {
	o, err := l.Microsoft.CheckoutCart(ctx, tenantID, cartID)
	if err == nil && !l.lost {
		l.lost = true
		return msapi.Order{}, fmt.Errorf("checkout answer lost: %w", msapi.ErrUnavailable)
	}
	return o, err
}

// The cart is recorded before its checkout: after a lost checkout answer
// the retry checks the same cart out again (documented idempotent) and
// Microsoft holds one order, not two.
func TestLostCheckoutAnswerChecksOutTheSameCart(t *testing.T) {
	w := newCommerceWorld(t, 0)
	ms := &loseCheckout{Microsoft: w.cli}
	w.svc.MS = ms
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "o365-e3", 4), "Contoso-Admin-1")
	if _, err := w.svc.Process(ctx, o.ID, nil); !errors.Is(err, msapi.ErrUnavailable) {
		t.Fatalf("first run: %v", err)
	}
	if cur, _ := w.db.GetOrder(ctx, o.ID); cur.Status == flow.StatusFailed {
		if _, err := w.svc.Retry(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ms.carts != 1 {
		t.Errorf("%d carts created, want 1", ms.carts)
	}
	if got := w.ms.RecordedOrders(o.TenantID); len(got) != 1 {
		t.Fatalf("Microsoft orders: %v, want one", got)
	}
	if len(res.Bought) != 1 || res.Bought[0].Quantity != 4 {
		t.Fatalf("bought: %+v", res.Bought)
	}
}
