package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"onboard/flow"
)

// Sixteen writers, each with its own *DB (as separate terminals would have),
// open a fresh file at once (racing the migrations), create orders and
// move them through the lifecycle; all must succeed and add up.
func TestConcurrentWritersOnOneFile(t *testing.T) {
	const writers, ordersEach = 16, 5
	forEachDSN(t, func(t *testing.T, path string) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				errs <- runWriter(ctx, path, w, ordersEach)
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		orders, err := db.ListOrders(ctx, flow.OrderFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(orders) != writers*ordersEach {
			t.Fatalf("%d orders, want %d", len(orders), writers*ordersEach)
		}
		numbers := map[string]bool{}
		for _, o := range orders {
			if o.Status != flow.StatusPaid || len(o.Lines) != 2 {
				t.Errorf("order %s: status %s, %d lines", o.Number, o.Status, len(o.Lines))
			}
			numbers[o.Number] = true
			trail, _ := db.AuditTrail(ctx, o.ID)
			if len(trail) != 3 {
				t.Errorf("order %s: %d audit events, want 3", o.Number, len(trail))
			}
		}
		for i := 1; i <= writers*ordersEach; i++ {
			if n := fmt.Sprintf("ORD-%06d", i); !numbers[n] {
				t.Errorf("number %s missing: numbering has gaps or duplicates", n)
			}
		}
	})
}

func runWriter(ctx context.Context, path string, w, n int) error {
	db, err := Open(ctx, path)
	if err != nil {
		return fmt.Errorf("writer %d: open: %w", w, err)
	}
	defer db.Close()
	c := flow.Customer{CompanyName: fmt.Sprintf("Writer %d", w)}
	if err := db.CreateCustomer(ctx, &c); err != nil {
		return fmt.Errorf("writer %d: %w", w, err)
	}
	for i := 0; i < n; i++ {
		o := flow.Order{CustomerID: c.ID, Status: flow.StatusAwaitingConsent, Lines: []flow.OrderLine{
			{OfferID: "a", Quantity: 1, UnitPrice: 100}, {OfferID: "b", Quantity: 2, UnitPrice: 50}}}
		if err := db.CreateOrder(ctx, &o, flow.AuditEvent{Action: "order.created"}); err != nil {
			return fmt.Errorf("writer %d: %w", w, err)
		}
		if err := db.TransitionOrder(ctx, o.ID, flow.StatusAwaitingConsent, flow.StatusAwaitingPayment, "", flow.AuditEvent{}); err != nil {
			return fmt.Errorf("writer %d: %w", w, err)
		}
		p := flow.Payment{CheckoutID: o.ID + "-co", OrderID: o.ID, Amount: o.Total()}
		if err := db.MarkPaid(ctx, p, flow.AuditEvent{}); err != nil {
			return fmt.Errorf("writer %d: %w", w, err)
		}
	}
	return nil
}

// Many processes racing to move the same order: exactly one wins, the rest
// get ErrConflict.
func TestConcurrentTransitionCompareAndSet(t *testing.T) {
	const racers = 8
	forEachDSN(t, func(t *testing.T, path string) {
		ctx := context.Background()
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusPaid)
		results := make(chan error, racers)
		var wg sync.WaitGroup
		for i := 0; i < racers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				other, err := Open(ctx, path)
				if err != nil {
					results <- err
					return
				}
				defer other.Close()
				results <- other.TransitionOrder(ctx, o.ID, flow.StatusPaid, flow.StatusProvisioning, "", flow.AuditEvent{})
			}()
		}
		wg.Wait()
		close(results)
		won := 0
		for err := range results {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, flow.ErrConflict):
				t.Errorf("loser got %v, want ErrConflict", err)
			}
		}
		if won != 1 {
			t.Errorf("%d winners, want 1", won)
		}
	})
}

// Two different checkouts confirmed at once: one order, one paid payment.
func TestConcurrentMarkPaidDifferentCheckouts(t *testing.T) {
	const racers = 8
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		ctx := context.Background()
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusAwaitingPayment)
		results := make(chan error, racers)
		var wg sync.WaitGroup
		for i := 0; i < racers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results <- db.MarkPaid(ctx, flow.Payment{CheckoutID: fmt.Sprintf("co%d", i), OrderID: o.ID}, flow.AuditEvent{})
			}(i)
		}
		wg.Wait()
		close(results)
		ok := 0
		for err := range results {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, flow.ErrAlreadyPaid):
				t.Errorf("got %v, want ErrAlreadyPaid", err)
			}
		}
		ps, _ := db.Payments(ctx, o.ID)
		if ok != 1 || len(ps) != 1 {
			t.Errorf("%d succeeded, %d payments; want 1, 1", ok, len(ps))
		}
	})
}
