package flow

import (
	"context"
	"errors"
	"fmt"

	"onboard/payment"
)

// StartPayment opens a hosted checkout for the order's total. The
// idempotency key is the order id and the attempt number, where a new attempt
// starts only after a checkout was declined or expired: a repeated click
// returns the same checkout, a retry after a decline gets a new one.
func (s *Service) StartPayment(ctx context.Context, orderID string) (Checkout, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Checkout{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	attempt, known, err := s.refreshPayments(ctx, &o)
	if err != nil {
		return Checkout{}, err
	}
	if o.Status != StatusAwaitingPayment {
		if o.Policy != PolicyProcessImmediately &&
			(o.Status == StatusPaid || o.Status == StatusProvisioning || o.Status == StatusCompleted) {
			return Checkout{}, fmt.Errorf("pay order %s: %w", o.Number, ErrAlreadyPaid)
		}
		// Post-paid orders are invoiced; others are not at the payment step.
		return Checkout{}, fmt.Errorf("pay order %s (%s): %w", o.Number, o.Status, ErrNotPayable)
	}
	cust, err := s.Store.GetCustomer(ctx, o.CustomerID)
	if err != nil {
		return Checkout{}, fmt.Errorf("get customer of order %s: %w", o.Number, err)
	}
	sess, err := s.Pay.StartCheckout(ctx, payment.Checkout{
		IdempotencyKey: fmt.Sprintf("%s:%d", o.ID, attempt),
		OrderRef:       o.Number,
		Description:    orderDescription(o),
		Amount:         o.Total(),
		Currency:       o.Currency,
		CustomerEmail:  cust.Email,
	})
	if err != nil {
		return Checkout{}, fmt.Errorf("start checkout for order %s: %w", o.Number, err)
	}
	if known[sess.ID] {
		return Checkout{ID: sess.ID, URL: sess.URL}, nil // a repeated click: the same open checkout
	}
	now := s.now()
	p := Payment{CheckoutID: sess.ID, OrderID: o.ID, Amount: o.Total(), Currency: o.Currency,
		State: string(payment.StatePending), CreatedAt: now, UpdatedAt: now}
	if err := s.savePayment(ctx, o, p, "payment.started"); err != nil {
		return Checkout{}, err
	}
	return Checkout{ID: sess.ID, URL: sess.URL}, nil
}

// refreshPayments asks the gateway about open checkouts (a decline the
// wizard never polled must still start a new attempt) and returns the
// attempt number: how many checkouts ended without payment, and the ids of
// the checkouts already recorded. A checkout found paid is recorded and
// moves the order on.
func (s *Service) refreshPayments(ctx context.Context, o *Order) (attempt int, known map[string]bool, err error) {
	ps, err := s.Store.Payments(ctx, o.ID)
	if err != nil {
		return 0, nil, fmt.Errorf("payments of order %s: %w", o.Number, err)
	}
	known = make(map[string]bool, len(ps))
	for _, p := range ps {
		known[p.CheckoutID] = true
		if p.State == string(payment.StatePending) {
			if p, err = s.pollPayment(ctx, o, p); err != nil {
				return 0, nil, err
			}
		}
		if p.State == string(payment.StateDeclined) || p.State == string(payment.StateExpired) {
			attempt++
		}
	}
	return attempt, known, nil
}

// CheckPayment polls a checkout once; when it is paid the order is marked
// paid exactly once and moves on per its policy.
func (s *Service) CheckPayment(ctx context.Context, orderID, checkoutID string) (PaymentState, Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return "", Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	ps, err := s.Store.Payments(ctx, o.ID)
	if err != nil {
		return "", Order{}, fmt.Errorf("payments of order %s: %w", o.Number, err)
	}
	for _, p := range ps {
		if p.CheckoutID != checkoutID {
			continue
		}
		if p.State == string(payment.StatePending) {
			if p, err = s.pollPayment(ctx, &o, p); err != nil {
				return "", Order{}, err
			}
		}
		return PaymentState(p.State), o, nil
	}
	return "", Order{}, fmt.Errorf("order %s, checkout %s: %w", o.Number, checkoutID, ErrUnknownCheckout)
}

// pollPayment asks the gateway for p's state and records a change. A paid
// checkout is checked against the order total before the order is marked paid.
func (s *Service) pollPayment(ctx context.Context, o *Order, p Payment) (Payment, error) {
	st, err := s.Pay.Status(ctx, p.CheckoutID)
	if err != nil {
		return p, fmt.Errorf("payment status of order %s: %w", o.Number, err)
	}
	if st.State == payment.State(p.State) {
		return p, nil
	}
	p.State, p.PaymentID, p.Reason, p.UpdatedAt = string(st.State), st.PaymentID, st.Reason, s.now()
	if st.State != payment.StatePaid {
		return p, s.savePayment(ctx, *o, p, "payment."+string(st.State))
	}
	if st.Amount != p.Amount || st.Currency != p.Currency {
		// Never treat a different amount as payment of this order; keep it for a person to sort out.
		p.State, p.Reason = string(payment.StatePending), fmt.Sprintf("paid %d %s, expected %d %s", st.Amount, st.Currency, p.Amount, p.Currency)
		if err := s.savePayment(ctx, *o, p, "payment.mismatch"); err != nil {
			return p, err
		}
		return p, fmt.Errorf("order %s: %w (%s)", o.Number, ErrAmountMismatch, p.Reason)
	}
	return p, s.markPaid(ctx, o, p)
}

func (s *Service) markPaid(ctx context.Context, o *Order, p Payment) error {
	ev := s.event(ctx, o.ID, "payment.paid", string(StatusAwaitingPayment), string(StatusPaid),
		fmt.Sprintf("checkout %s, payment %s, %d %s", p.CheckoutID, p.PaymentID, p.Amount, p.Currency))
	err := s.Store.MarkPaid(ctx, p, ev)
	if errors.Is(err, ErrAlreadyPaid) {
		err = s.flagDuplicate(ctx, o, p)
	}
	if err != nil {
		return fmt.Errorf("mark order %s paid: %w", o.Number, err)
	}
	fresh, err := s.Store.GetOrder(ctx, o.ID)
	if err != nil {
		return fmt.Errorf("get order %s: %w", o.Number, err)
	}
	*o = fresh
	return nil
}

// flagDuplicate handles MarkPaid's ErrAlreadyPaid: a concurrent poll of the
// same checkout is fine; a second paid checkout is recorded and flagged so
// the second charge is refunded.
func (s *Service) flagDuplicate(ctx context.Context, o *Order, p Payment) error {
	ps, err := s.Store.Payments(ctx, o.ID)
	if err != nil {
		return fmt.Errorf("payments of order %s: %w", o.Number, err)
	}
	for _, q := range ps {
		if q.CheckoutID == p.CheckoutID && q.State == string(payment.StatePaid) {
			return nil
		}
	}
	return s.savePayment(ctx, *o, p, "payment.duplicate")
}

func (s *Service) savePayment(ctx context.Context, o Order, p Payment, action string) error {
	if err := s.Store.SavePayment(ctx, p); err != nil {
		return fmt.Errorf("save payment of order %s: %w", o.Number, err)
	}
	ev := s.event(ctx, o.ID, action, "", p.State, fmt.Sprintf("checkout %s %s", p.CheckoutID, p.Reason))
	if err := s.Store.Audit(ctx, ev); err != nil {
		return fmt.Errorf("audit payment of order %s: %w", o.Number, err)
	}
	return nil
}

func orderDescription(o Order) string {
	if len(o.Lines) == 1 {
		return fmt.Sprintf("%d × %s", o.Lines[0].Quantity, o.Lines[0].Name)
	}
	return fmt.Sprintf("Order %s: %d products", o.Number, len(o.Lines))
}
