package flow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"
)

// Sentinels of the processing lease.
var (
	// ErrLeaseHeld: another live process is processing the order now.
	ErrLeaseHeld = errors.New("the order is being processed by another process")
	// ErrLeaseLost: the lease expired while processing (the process stalled
	// longer than LeaseTTL) and another process took the order over.
	ErrLeaseLost = errors.New("another process took over processing the order")
)

// Lease timing. A process renews its lease every LeaseTTL/3, so only a
// process that died (or stalled for a whole LeaseTTL) loses it; a waiting
// process looks at the order every leasePoll.
var (
	LeaseTTL  = 30 * time.Second
	leasePoll = 200 * time.Millisecond
)

// ProcessingStore is the store's side of processing: the order's lease and
// its lines as Microsoft reported them. Part of Store.
type ProcessingStore interface {
	// AcquireLease takes the order's lease for owner until now+ttl, atomically:
	// free, already owner's, or expired; else ErrLeaseHeld.
	AcquireLease(ctx context.Context, orderID, owner string, ttl time.Duration) error
	// RenewLease extends owner's lease; ErrLeaseLost when owner lost it.
	RenewLease(ctx context.Context, orderID, owner string, ttl time.Duration) error
	// ReleaseLease gives owner's lease up; a no-op when owner does not hold it.
	ReleaseLease(ctx context.Context, orderID, owner string) error
	// LeaseHolder is the owner of the order's live lease, "" when none.
	LeaseHolder(ctx context.Context, orderID string) (string, error)
	// InterruptedOrders lists the ids of provisioning orders no live lease covers.
	InterruptedOrders(ctx context.Context) ([]string, error)
	// OrdersOwingRefunds lists the ids of orders holding a capture they must
	// give back: one recorded as a duplicate, or any capture of a cancelled
	// order (a process died between cancelling and refunding).
	OrdersOwingRefunds(ctx context.Context) ([]string, error)

	// SaveLineReadback records a provisioned line as Microsoft reported it.
	SaveLineReadback(ctx context.Context, orderID string, rb LineReadback) error
	// LineReadbacks are the order's provisioned lines as Microsoft reported them.
	LineReadbacks(ctx context.Context, orderID string) (map[int]LineReadback, error)
}

// LineReadback is a provisioned line's subscription as Microsoft reported
// it after the call: its quantity is what was bought or converted.
type LineReadback struct {
	LineNo         int
	SubscriptionID string
	Quantity       int
}

// leaseOwner names one Process call: host and process id say who holds an
// order when someone looks, the random part tells calls apart.
func leaseOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), uuid.NewString()[:8])
}

// takeLease takes o's lease for owner, waiting while another live process
// holds it and telling progress what that process records meanwhile. It
// returns the order as read under the lease, or finished when the other
// process completed it meanwhile (the lease is then not held).
func (s *Service) takeLease(ctx context.Context, o Order, owner string, progress func(Progress)) (_ Order, finished bool, _ error) {
	var rep *stepReporter
	for {
		err := s.Store.AcquireLease(ctx, o.ID, owner, LeaseTTL)
		if err == nil {
			// Read again under the lease: the previous holder may have moved it on.
			if o, err = s.Store.GetOrder(ctx, o.ID); err != nil {
				_ = s.Store.ReleaseLease(context.WithoutCancel(ctx), o.ID, owner)
				return o, false, fmt.Errorf("get order %s: %w", o.ID, err)
			}
			if o.Status == StatusCompleted {
				return o, true, s.Store.ReleaseLease(ctx, o.ID, owner)
			}
			if err := processable(o); err != nil {
				_ = s.Store.ReleaseLease(context.WithoutCancel(ctx), o.ID, owner)
				return o, false, err
			}
			return o, false, nil
		}
		if !errors.Is(err, ErrLeaseHeld) {
			return o, false, fmt.Errorf("process order %s: %w", o.Number, err)
		}
		if rep == nil {
			rep = newStepReporter(progress)
		}
		t := time.NewTimer(leasePoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return o, false, fmt.Errorf("wait for order %s being processed elsewhere: %w", o.Number, ctx.Err())
		case <-t.C:
		}
		if o, err = s.Store.GetOrder(ctx, o.ID); err != nil {
			return o, false, fmt.Errorf("get order %s: %w", o.ID, err)
		}
		// Best effort: a failed read only delays what the person sees.
		_ = rep.report(ctx, s, o)
		if o.Status == StatusCompleted {
			return o, true, nil
		}
		if err := processable(o); err != nil {
			return o, false, err // failed or cancelled by the holder or someone else
		}
	}
}

// renewLease keeps owner's lease alive until ctx ends; when the lease is
// lost it stops the run, whose work another process now owns.
func (s *Service) renewLease(ctx context.Context, orderID, owner string, stop context.CancelCauseFunc) {
	tick := time.NewTicker(LeaseTTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		err := s.Store.RenewLease(ctx, orderID, owner, LeaseTTL)
		if errors.Is(err, ErrLeaseLost) {
			stop(err)
			return
		}
		// Another error (a busy database) is retried at the next tick: the
		// lease lasts three of them.
	}
}

// ResumeInterrupted finishes what a process that died left half done: it
// refunds what orders owe (a duplicate capture, a cancelled order's
// payment) and processes every order left in provisioning whose lease
// expired or was released. The CLI calls it on start. It returns the
// orders it resumed as they stand after.
func (s *Service) ResumeInterrupted(ctx context.Context) ([]Order, error) {
	var out []Order
	var errs []error
	owing, err := s.Store.OrdersOwingRefunds(ctx)
	if err != nil {
		return nil, fmt.Errorf("find orders owing refunds: %w", err)
	}
	for _, id := range owing {
		o, err := s.Store.GetOrder(ctx, id)
		if err == nil {
			err = s.refundOrder(ctx, &o)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("refund order %s: %w", id, err))
			continue
		}
		out = append(out, o)
	}
	ids, err := s.Store.InterruptedOrders(ctx)
	if err != nil {
		return out, errors.Join(append(errs, fmt.Errorf("find interrupted orders: %w", err))...)
	}
	for _, id := range ids {
		res, err := s.Process(ctx, id, nil)
		if err == nil {
			out = append(out, res.Order)
			continue
		}
		errs = append(errs, fmt.Errorf("resume: %w", err))
		if ctx.Err() != nil {
			break
		}
		if o, gerr := s.Store.GetOrder(ctx, id); gerr == nil {
			out = append(out, o)
		}
	}
	return out, errors.Join(errs...)
}
