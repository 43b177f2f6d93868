package flow

import (
	"context"
	"sync"
	"testing"
	"time"
)

// heldStore's order lease is held by another process until released.
type heldStore struct {
	Store
	mu   sync.Mutex
	held bool
}

func (h *heldStore) AcquireLease(ctx context.Context, orderID, owner string, ttl time.Duration) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held {
		return ErrLeaseHeld
	}
	return h.Store.AcquireLease(ctx, orderID, owner, ttl)
}

// A terminal whose order another process (the background worker) is
// processing sees that process's steps as they are recorded, and the
// outcome once it is done.
func TestProcessWaitingForAnotherProcessReportsItsSteps(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t, PolicyPayFirst)
	o := e.paidOrder(t, e.answers("t-other", LineChoice{OfferID: "m365-business-basic", Seats: 2}))
	other := &heldStore{Store: e.st, held: true}
	e.s.Store = other

	seen := make(chan Progress, 16)
	type outcome struct {
		res Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := e.s.Process(ctx, o.ID, func(p Progress) { seen <- p })
		done <- outcome{res, err}
	}()

	// The other process moves the order on and records its first step.
	if err := e.st.TransitionOrder(ctx, o.ID, StatusPaid, StatusProvisioning, "", AuditEvent{}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.MarkStepDone(ctx, o.ID, stepLink, AuditEvent{}); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-seen:
		// Told as done, not as starting: a front end announces it once.
		if p.Step != stepLink || p.Label == "" || !p.Finished() {
			t.Fatalf("first report: %+v", p)
		}
	case <-ctx.Done():
		t.Fatal("the waiting terminal never saw the other process's step")
	}
	// It finishes and lets the lease go.
	if err := e.st.TransitionOrder(ctx, o.ID, StatusProvisioning, StatusCompleted, "", AuditEvent{}); err != nil {
		t.Fatal(err)
	}
	other.mu.Lock()
	other.held = false
	other.mu.Unlock()
	got := <-done
	if got.err != nil || got.res.Order.Status != StatusCompleted {
		t.Fatalf("outcome: %s, %v", got.res.Order.Status, got.err)
	}
}
