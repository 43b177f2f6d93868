package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"onboard/payment"
)

// PaymentNotified is the gateway's word that a checkout changed (a verified
// webhook). It converges with polling on the same reconcile (recordStatus):
// a paid checkout marks the order paid exactly once, a second capture is
// refunded, a capture of a cancelled order too. Events are idempotent by
// id: one already recorded in the order's audit trail changes nothing.
// Order does not matter: an event that does not say paid is checked
// against what the gateway says now, and a checkout already paid, refunded
// or recorded as a duplicate is never moved back by an older event.
// Unknown orders and checkouts are payment.ErrNotFound (not onboard's).
func (s *Service) PaymentNotified(ctx context.Context, n payment.Notification) error {
	ctx = WithActor(ctx, Actor{Kind: ActorSystem, Name: "payment webhook"})
	if n.OrderID == "" || n.CheckoutID == "" || n.EventID == "" {
		return fmt.Errorf("payment event %q without order or checkout: %w", n.EventID, payment.ErrNotFound)
	}
	o, err := s.Store.GetOrder(ctx, n.OrderID)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("payment event %s for order %s: %w: %w", n.EventID, n.OrderID, err, payment.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("get order %s: %w", n.OrderID, err)
	}
	trail, err := s.Store.AuditTrail(ctx, o.ID)
	if err != nil {
		return fmt.Errorf("audit trail of order %s: %w", o.Number, err)
	}
	seen := notifiedMark(n.EventID)
	for _, ev := range trail {
		if ev.Action == "payment.notified" && strings.HasPrefix(ev.Detail, seen+" (") {
			return nil // a duplicate delivery
		}
	}
	p, ok, err := s.recorded(ctx, o, n.CheckoutID)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("order %s, checkout %s: %w: %w", o.Number, n.CheckoutID, ErrUnknownCheckout, payment.ErrNotFound)
	}
	st := n.Status
	if st.State != payment.StatePaid {
		// Events can arrive late and out of order: what the gateway says now wins.
		if st, err = s.Pay.Status(ctx, n.CheckoutID); err != nil {
			return fmt.Errorf("payment status of order %s: %w", o.Number, err)
		}
	}
	switch p.State {
	case string(payment.StatePending), string(payment.StateDeclined):
		if p, err = s.recordStatus(ctx, &o, p, st); err != nil {
			return err
		}
	case string(payment.StateExpired):
		// Closed here (a new page, a cancel) yet reported paid: only the
		// gateway's own word now makes it a capture, which the order cannot
		// keep if it moved on (recordStatus refunds it then).
		if st.State == payment.StatePaid {
			if st, err = s.Pay.Status(ctx, n.CheckoutID); err != nil {
				return fmt.Errorf("payment status of order %s: %w", o.Number, err)
			}
			if st.State == payment.StatePaid {
				p.State = string(payment.StatePending) // so that recordStatus sees the change
				if p, err = s.recordStatus(ctx, &o, p, st); err != nil {
					return err
				}
			}
		}
	case string(payment.StatePaid):
		if o.Status == StatusCancelled { // a cancel whose refund did not finish
			if p, err = s.refundPayment(ctx, o, p, "requested_by_customer"); err != nil {
				return err
			}
		}
	case paymentDuplicate:
		if p, err = s.refundPayment(ctx, o, p, "duplicate"); err != nil {
			return err
		}
	}
	ev := s.event(ctx, o.ID, "payment.notified", "", p.State,
		fmt.Sprintf("%s (%s): checkout %s is %s", seen, n.EventType, n.CheckoutID, p.State))
	if err := s.Store.Audit(ctx, ev); err != nil {
		return fmt.Errorf("audit payment event of order %s: %w", o.Number, err)
	}
	return nil
}

// notifiedMark names an event in the audit trail, where duplicates are
// looked up.
func notifiedMark(eventID string) string { return "event " + eventID }
