package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ChangeLines replaces the products and seats of an order not yet paid,
// for a customer who changes them on the review. The order keeps its
// number, customer, tenant, agreement and verified administrator: none of
// them depends on the products (the Microsoft Customer Agreement covers
// every product, the administrator and the invitation are the tenant's,
// GDAP's roles are the import's), so nothing is asked again and no second
// order is made. Checkouts still open at the old amount are closed first;
// the next StartPayment opens one for the new amount. ErrAlreadyPaid when a
// checkout paid the order meanwhile (it goes on to processing as paid),
// ErrIllegalTransition when it is past paying. Choosing the lines it has
// already changes nothing.
func (s *Service) ChangeLines(ctx context.Context, orderID string, lines []LineChoice) (Order, error) {
	fe := &FieldErrors{}
	Answers{Lines: lines}.validateLines(fe, s.Catalog)
	if err := fe.Err(); err != nil {
		return Order{}, fmt.Errorf("%w: %w", ErrInvalidAnswers, err)
	}
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if err := linesChangeable(o); err != nil {
		return Order{}, err
	}
	ps, err := s.refreshPayments(ctx, &o) // a payment made a moment ago pays the order
	if err != nil {
		return Order{}, err
	}
	if err := s.closeCheckouts(ctx, &o, ps, false); err != nil {
		return Order{}, err
	}
	if paidBy(ps) != "" {
		return Order{}, fmt.Errorf("change the lines of order %s: %w", o.Number, ErrAlreadyPaid)
	}
	if err := linesChangeable(o); err != nil {
		return Order{}, err
	}
	priced := s.priceLines(lines)
	if sameLines(o.Lines, priced) {
		return o, nil
	}
	changed := o
	changed.Lines = priced
	ev := s.event(ctx, o.ID, "order.lines", "", "", fmt.Sprintf("%s (%s) → %s (%s)",
		describeLines(o.Lines), FormatPrice(o.Total(), o.Currency, PeriodMonth),
		describeLines(priced), FormatPrice(changed.Total(), o.Currency, PeriodMonth)))
	if err := s.Store.ReplaceOrderLines(ctx, o.ID, o.Status, priced, ev); err != nil {
		if errors.Is(err, ErrAlreadyPaid) {
			return Order{}, fmt.Errorf("change the lines of order %s: %w", o.Number, ErrAlreadyPaid)
		}
		return Order{}, fmt.Errorf("change the lines of order %s: %w", o.Number, err)
	}
	fresh, err := s.Store.GetOrder(ctx, o.ID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", o.Number, err)
	}
	return fresh, nil
}

// LinesChangeable reports whether ChangeLines may change o's lines: an
// order not yet paid, neither failed nor cancelled.
func LinesChangeable(o Order) bool { return o.ID != "" && linesChangeable(o) == nil }

// linesChangeable refuses an order whose lines can no longer change: paid
// (or further), failed or cancelled.
func linesChangeable(o Order) error {
	switch o.Status {
	case StatusAwaitingConsent, StatusAwaitingPayment, StatusDraft:
		return nil
	case StatusPaid, StatusProvisioning, StatusCompleted:
		return fmt.Errorf("change the lines of order %s: %w", o.Number, ErrAlreadyPaid)
	}
	return fmt.Errorf("change the lines of order %s: %w: it is %s", o.Number, ErrIllegalTransition, o.Status)
}

func sameLines(a, b []OrderLine) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].OfferID != b[i].OfferID || a[i].Quantity != b[i].Quantity || a[i].UnitPrice != b[i].UnitPrice ||
			a[i].TermDuration != b[i].TermDuration || a[i].BillingCycle != b[i].BillingCycle {
			return false
		}
	}
	return true
}

// describeLines is the lines for the audit trail: "3 × Microsoft 365 Business Basic, …".
func describeLines(ls []OrderLine) string {
	parts := make([]string, 0, len(ls))
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%d × %s", l.Quantity, l.Name))
	}
	return strings.Join(parts, ", ")
}
