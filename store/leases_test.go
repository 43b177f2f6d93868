package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"onboard/flow"
)

func TestLeaseAcquireRenewRelease(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, db *DB, clk *testClock) {
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusProvisioning)
		const ttl = 30 * time.Second

		if err := db.AcquireLease(ctx, o.ID, "a", ttl); err != nil {
			t.Fatal(err)
		}
		if err := db.AcquireLease(ctx, o.ID, "a", ttl); err != nil {
			t.Fatalf("re-acquire by the holder: %v", err)
		}
		if err := db.AcquireLease(ctx, o.ID, "b", ttl); !errors.Is(err, flow.ErrLeaseHeld) {
			t.Fatalf("acquire of a held lease: %v", err)
		}
		if h, _ := db.LeaseHolder(ctx, o.ID); h != "a" {
			t.Fatalf("holder %q", h)
		}
		if ids, _ := db.InterruptedOrders(ctx); len(ids) != 0 {
			t.Fatalf("interrupted while held: %v", ids)
		}

		clk.advance(ttl / 2)
		if err := db.RenewLease(ctx, o.ID, "a", ttl); err != nil {
			t.Fatal(err)
		}
		clk.advance(ttl * 3 / 4) // past the first expiry, not the renewed one
		if err := db.AcquireLease(ctx, o.ID, "b", ttl); !errors.Is(err, flow.ErrLeaseHeld) {
			t.Fatalf("acquire of a renewed lease: %v", err)
		}

		clk.advance(ttl) // a dies: its lease expires
		if h, _ := db.LeaseHolder(ctx, o.ID); h != "" {
			t.Fatalf("holder of an expired lease %q", h)
		}
		if ids, _ := db.InterruptedOrders(ctx); len(ids) != 1 || ids[0] != o.ID {
			t.Fatalf("interrupted: %v", ids)
		}
		if err := db.AcquireLease(ctx, o.ID, "b", ttl); err != nil {
			t.Fatalf("take over an expired lease: %v", err)
		}
		if err := db.RenewLease(ctx, o.ID, "a", ttl); !errors.Is(err, flow.ErrLeaseLost) {
			t.Fatalf("renew of a lost lease: %v", err)
		}
		if err := db.ReleaseLease(ctx, o.ID, "a"); err != nil {
			t.Fatal(err)
		}
		if h, _ := db.LeaseHolder(ctx, o.ID); h != "b" {
			t.Fatalf("release by a former holder freed the lease: holder %q", h)
		}
		if err := db.ReleaseLease(ctx, o.ID, "b"); err != nil {
			t.Fatal(err)
		}
		if ids, _ := db.InterruptedOrders(ctx); len(ids) != 1 {
			t.Fatalf("released provisioning order not interrupted: %v", ids)
		}
		if err := db.AcquireLease(ctx, "no-such-order", "a", ttl); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("lease of an unknown order: %v", err)
		}
	})
}

// Many handles racing for one free lease: exactly one wins.
func TestLeaseOneWinner(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusPaid)
		others := make([]*DB, 4)
		for i := range others {
			h, err := Open(ctx, db.Path())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { h.Close() })
			others[i] = h
		}
		var wg sync.WaitGroup
		errs := make([]error, len(others))
		for i, h := range others {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = h.AcquireLease(ctx, o.ID, string(rune('a'+i)), time.Minute)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, flow.ErrLeaseHeld):
				t.Fatal(err)
			}
		}
		if won != 1 {
			t.Fatalf("%d processes hold the lease", won)
		}
	})
}

func TestLineReadbacks(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, db *DB, _ *testClock) {
		o := mustOrder(t, db, mustCustomer(t, db).ID, flow.StatusProvisioning)
		if err := db.SaveLineReadback(ctx, o.ID, flow.LineReadback{LineNo: 1, SubscriptionID: "s1", Quantity: 8}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveLineReadback(ctx, o.ID, flow.LineReadback{LineNo: 1, SubscriptionID: "s1", Quantity: 5}); err != nil {
			t.Fatal(err)
		}
		got, err := db.LineReadbacks(ctx, o.ID)
		if err != nil || len(got) != 1 || got[1].Quantity != 5 || got[1].SubscriptionID != "s1" {
			t.Fatalf("readbacks %+v %v", got, err)
		}
		if err := db.SaveLineReadback(ctx, o.ID, flow.LineReadback{LineNo: 99, SubscriptionID: "x", Quantity: 1}); !errors.Is(err, flow.ErrNotFound) {
			t.Fatalf("readback of an unknown line: %v", err)
		}
	})
}
