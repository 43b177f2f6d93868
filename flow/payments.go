package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"onboard/payment"
)

// Payment states the flow records beside the gateway's: a capture that
// arrived when the order was already paid (or cancelled), to be refunded,
// and a capture given back. Neither is "paid", so the store's
// one-paid-per-order index keeps holding.
const (
	paymentDuplicate = "duplicate"
	paymentRefunded  = "refunded"
)

// ErrBoughtSomething refuses to cancel an order that already bought (or
// converted) subscriptions at Microsoft: cancelling it here would neither
// stop the subscriptions nor be right to refund.
var ErrBoughtSomething = errors.New("the order already bought subscriptions at Microsoft")

// refundKey is the idempotency key of the one refund a checkout can get,
// whoever asks for it (a duplicate found, a cancel): a checkout is never
// refunded twice, however often a crashed refund is retried.
func refundKey(checkoutID string) string { return "refund:" + checkoutID }

// StartPayment opens a hosted checkout for the order's total. Every checkout
// of the order is consulted first, since a declined page can still be paid
// on a retry: ErrAlreadyPaid when one is paid, the open checkout when one is
// pending, and a new checkout only when none is. Its idempotency key is the
// order id and the checkout's position among the order's checkouts, so a
// repeated click or a concurrent terminal gets the same checkout.
func (s *Service) StartPayment(ctx context.Context, orderID string) (Checkout, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Checkout{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	ps, err := s.refreshPayments(ctx, &o)
	if err != nil {
		return Checkout{}, err
	}
	if o.Status != StatusAwaitingPayment || paidBy(ps) != "" {
		if o.Policy != PolicyProcessImmediately &&
			(o.Status == StatusPaid || o.Status == StatusProvisioning || o.Status == StatusCompleted || paidBy(ps) != "") {
			return Checkout{}, fmt.Errorf("pay order %s: %w", o.Number, ErrAlreadyPaid)
		}
		// Post-paid orders are invoiced; others are not at the payment step.
		return Checkout{}, fmt.Errorf("pay order %s (%s): %w", o.Number, o.Status, ErrNotPayable)
	}
	attempt := len(ps)
	for i, p := range ps {
		if p.State == string(payment.StatePending) {
			attempt = i // the open checkout, started with this key
			break
		}
	}
	if attempt == len(ps) {
		// A new page replaces the declined ones: close them, so the customer
		// cannot pay on two pages. One paid meanwhile pays the order.
		if err := s.closeCheckouts(ctx, &o, ps, true); err != nil {
			return Checkout{}, err
		}
		if paidBy(ps) != "" {
			return Checkout{}, fmt.Errorf("pay order %s: %w", o.Number, ErrAlreadyPaid)
		}
	}
	cust, err := s.Store.GetCustomer(ctx, o.CustomerID)
	if err != nil {
		return Checkout{}, fmt.Errorf("get customer of order %s: %w", o.Number, err)
	}
	open := ""
	if attempt < len(ps) {
		open = ps[attempt].CheckoutID
	}
	sess, err := s.Pay.StartCheckout(ctx, payment.Checkout{
		IdempotencyKey: fmt.Sprintf("%s:%d", o.ID, attempt),
		SessionID:      open,
		OrderID:        o.ID,
		OrderRef:       o.Number,
		Lines:          checkoutLines(o),
		Description:    orderDescription(o),
		Amount:         o.DueNow(),
		Currency:       o.Currency,
		CustomerEmail:  orderContact(o, cust).Email,
	})
	if err != nil {
		return Checkout{}, fmt.Errorf("start checkout for order %s: %w", o.Number, err)
	}
	for _, p := range ps {
		if p.CheckoutID == sess.ID {
			return Checkout{ID: sess.ID, URL: sess.URL}, nil // a repeated click: the same open checkout
		}
	}
	now := s.now()
	p := Payment{CheckoutID: sess.ID, OrderID: o.ID, Amount: o.DueNow(), Currency: o.Currency,
		State: string(payment.StatePending), CreatedAt: now, UpdatedAt: now}
	if err := s.savePayment(ctx, o, p, "payment.started"); err != nil {
		return Checkout{}, err
	}
	return Checkout{ID: sess.ID, URL: sess.URL}, nil
}

// paidBy is the checkout that paid the order, or "".
func paidBy(ps []Payment) string {
	for _, p := range ps {
		if p.State == string(payment.StatePaid) {
			return p.CheckoutID
		}
	}
	return ""
}

// refreshPayments asks the gateway about every checkout that can still
// change — open ones and declined ones, whose page invites another card —
// records what changed, and refunds what the order cannot keep: captures
// recorded as duplicates, and any capture of a cancelled order. It returns the order's checkouts, oldest first. A checkout
// found paid moves the order on (o is updated).
func (s *Service) refreshPayments(ctx context.Context, o *Order) ([]Payment, error) {
	ps, err := s.Store.Payments(ctx, o.ID)
	if err != nil {
		return nil, fmt.Errorf("payments of order %s: %w", o.Number, err)
	}
	for i, p := range ps {
		switch p.State {
		case string(payment.StatePending), string(payment.StateDeclined):
			p, err = s.pollPayment(ctx, o, p)
		case paymentDuplicate:
			p, err = s.refundPayment(ctx, *o, p, "duplicate")
		case string(payment.StatePaid):
			if o.Status == StatusCancelled { // a cancel whose refund did not finish
				p, err = s.refundPayment(ctx, *o, p, "requested_by_customer")
			}
		}
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return ps, nil
}

// CheckPayment polls the order's checkouts once and reports checkoutID's
// state, or paid when any checkout of the order paid it (the customer may
// have paid on an older page). When a checkout is found paid the order is
// marked paid exactly once and moves on per its policy; a second capture is
// refunded.
func (s *Service) CheckPayment(ctx context.Context, orderID, checkoutID string) (PaymentState, Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return "", Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	known, err := s.Store.Payments(ctx, o.ID)
	if err != nil {
		return "", Order{}, fmt.Errorf("payments of order %s: %w", o.Number, err)
	}
	if !hasCheckout(known, checkoutID) {
		return "", Order{}, fmt.Errorf("order %s, checkout %s: %w", o.Number, checkoutID, ErrUnknownCheckout)
	}
	ps, err := s.refreshPayments(ctx, &o)
	if err != nil {
		return "", Order{}, err
	}
	if paidBy(ps) != "" {
		return PaymentPaid, o, nil
	}
	for _, p := range ps {
		if p.CheckoutID == checkoutID {
			return PaymentState(p.State), o, nil
		}
	}
	return "", Order{}, fmt.Errorf("order %s, checkout %s: %w", o.Number, checkoutID, ErrUnknownCheckout)
}

// PollPayments asks the gateway once about the order's open checkouts, as
// CheckPayment does for one, for a process that holds no checkout id: the
// background worker, watching an order whose terminal went away (the
// customer paid on their phone after a kiosk reset, or the server died).
// It returns the order as it is now: paid, when a checkout paid it.
func (s *Service) PollPayments(ctx context.Context, orderID string) (Order, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.Status != StatusAwaitingPayment {
		return o, nil
	}
	if _, err := s.refreshPayments(ctx, &o); err != nil {
		return o, err
	}
	return o, nil
}

func hasCheckout(ps []Payment, checkoutID string) bool {
	for _, p := range ps {
		if p.CheckoutID == checkoutID {
			return true
		}
	}
	return false
}

// pollPayment asks the gateway for p's state and records a change. A paid
// checkout is checked against the order total before the order is marked paid.
func (s *Service) pollPayment(ctx context.Context, o *Order, p Payment) (Payment, error) {
	st, err := s.Pay.Status(ctx, p.CheckoutID)
	if err != nil {
		return p, fmt.Errorf("payment status of order %s: %w", o.Number, err)
	}
	return s.recordStatus(ctx, o, p, st)
}

// closeCheckouts expires the order's checkouts that could still be paid
// (declined ones, whose page invites another card; and pending ones unless
// keepPending), so that no payment arrives once the order moved on: a new
// checkout replaces them, or the order is cancelled. One paid before it
// could be closed is recorded as the order's payment (or a duplicate).
func (s *Service) closeCheckouts(ctx context.Context, o *Order, ps []Payment, keepPending bool) error {
	for i, p := range ps {
		open := p.State == string(payment.StateDeclined) || (!keepPending && p.State == string(payment.StatePending))
		if !open {
			continue
		}
		st, err := s.Pay.Expire(ctx, p.CheckoutID)
		if err != nil {
			return fmt.Errorf("close checkout %s of order %s: %w", p.CheckoutID, o.Number, err)
		}
		if ps[i], err = s.recordStatus(ctx, o, p, st); err != nil {
			return err
		}
	}
	return nil
}

// recordStatus records what the gateway says of p.
func (s *Service) recordStatus(ctx context.Context, o *Order, p Payment, st payment.Status) (Payment, error) {
	if st.State == payment.State(p.State) {
		return p, nil
	}
	p.State, p.PaymentID, p.Reason, p.UpdatedAt = string(st.State), st.PaymentID, st.Reason, s.now()
	if st.State != payment.StatePaid {
		return p, s.savePayment(ctx, *o, p, "payment."+string(st.State))
	}
	// A checkout opened before the order's lines changed pays the old amount.
	if st.Amount != p.Amount || st.Currency != p.Currency || p.Amount != o.DueNow() {
		// Never treat a different amount as payment of this order; keep it for a person to sort out.
		p.State, p.Reason = string(payment.StatePending), fmt.Sprintf("paid %s, expected %s", FormatMoney(st.Amount, st.Currency), FormatMoney(p.Amount, p.Currency))
		if err := s.savePayment(ctx, *o, p, "payment.mismatch"); err != nil {
			return p, err
		}
		return p, fmt.Errorf("order %s: %w (%s)", o.Number, ErrAmountMismatch, p.Reason)
	}
	return s.markPaid(ctx, o, p, st.Tax)
}

// markPaid records p's capture: it pays the order, or, when another checkout
// already paid it or the order was cancelled meanwhile, it is a duplicate
// and refunded. tax is what the gateway added (automatic tax): the trail
// says what the customer paid in all.
func (s *Service) markPaid(ctx context.Context, o *Order, p Payment, tax int64) (Payment, error) {
	p.Tax = tax
	paid := FormatMoney(p.Amount, p.Currency)
	if tax > 0 {
		paid += fmt.Sprintf(" + tax %s = %s", FormatMoney(tax, p.Currency), FormatMoney(p.Amount+tax, p.Currency))
	}
	ev := s.event(ctx, o.ID, "payment.paid", string(StatusAwaitingPayment), string(StatusPaid),
		fmt.Sprintf("checkout %s, payment %s, %s", p.CheckoutID, p.PaymentID, paid))
	err := s.Store.MarkPaid(ctx, p, ev)
	if errors.Is(err, ErrConflict) {
		// The order left awaiting_payment under us: only a cancelled order
		// makes this capture one too many.
		if fresh, gerr := s.Store.GetOrder(ctx, o.ID); gerr == nil && fresh.Status == StatusCancelled {
			*o = fresh
			err = ErrAlreadyPaid
		}
	}
	if errors.Is(err, ErrAlreadyPaid) {
		p, err = s.duplicatePaid(ctx, *o, p)
	}
	if err != nil {
		return p, fmt.Errorf("mark order %s paid: %w", o.Number, err)
	}
	fresh, err := s.Store.GetOrder(ctx, o.ID)
	if err != nil {
		return p, fmt.Errorf("get order %s: %w", o.Number, err)
	}
	*o = fresh
	return p, nil
}

// duplicatePaid handles a capture the order cannot keep: a concurrent poll
// of the checkout that paid is fine; any other capture is recorded as a
// duplicate (so a crash before the refund still finds it) and refunded.
func (s *Service) duplicatePaid(ctx context.Context, o Order, p Payment) (Payment, error) {
	ps, err := s.Store.Payments(ctx, o.ID)
	if err != nil {
		return p, fmt.Errorf("payments of order %s: %w", o.Number, err)
	}
	for _, q := range ps {
		if q.CheckoutID == p.CheckoutID && q.State != string(payment.StatePending) && q.State != string(payment.StateDeclined) &&
			q.State != string(payment.StateExpired) {
			return q, nil // already recorded: paid, a duplicate or refunded
		}
	}
	why := "order cancelled"
	if by := paidBy(ps); by != "" {
		why = "order already paid by checkout " + by
	}
	p.State, p.Reason, p.UpdatedAt = paymentDuplicate, why, s.now()
	if err := s.savePaymentDetail(ctx, o, p, "payment.duplicate",
		fmt.Sprintf("checkout %s, payment %s, %s: %s", p.CheckoutID, p.PaymentID, FormatMoney(p.Amount, p.Currency), why)); err != nil {
		return p, err
	}
	return s.refundPayment(ctx, o, p, "duplicate")
}

// refundPayment refunds p's capture in full through the gateway, once per
// checkout whoever asks, and records it refunded with the gateway's ids.
// why is one of Stripe's refund reasons ("duplicate",
// "requested_by_customer"), fixed per caller so a retried refund repeats
// the same request.
func (s *Service) refundPayment(ctx context.Context, o Order, p Payment, why string) (Payment, error) {
	res, err := s.Pay.Refund(ctx, payment.Refund{
		SessionID: p.CheckoutID, Amount: p.Amount, Currency: p.Currency,
		IdempotencyKey: refundKey(p.CheckoutID), Reason: why,
	})
	if errors.Is(err, payment.ErrRefundRefused) {
		// Refunded already, e.g. by hand on the gateway's dashboard: record
		// what the gateway says rather than stay stuck.
		st, serr := s.Pay.Status(ctx, p.CheckoutID)
		if serr == nil && st.State == payment.StatePaid && st.Refunded >= p.Amount {
			res, err = payment.RefundResult{ID: "(outside the product)", PaymentID: st.PaymentID, Amount: st.Refunded, Currency: st.Currency}, nil
		}
	}
	if err != nil {
		return p, fmt.Errorf("refund checkout %s of order %s: %w", p.CheckoutID, o.Number, err)
	}
	if q, ok, err := s.recorded(ctx, o, p.CheckoutID); err != nil || (ok && q.State == paymentRefunded) {
		return q, err // another process recorded this refund meanwhile: one event is enough
	}
	p.State, p.Reason, p.UpdatedAt = paymentRefunded, "refund "+res.ID+" ("+why+")", s.now()
	if err := s.savePaymentDetail(ctx, o, p, "payment.refunded",
		fmt.Sprintf("checkout %s, payment %s, refund %s, %s (%s)", p.CheckoutID, res.PaymentID, res.ID, FormatMoney(res.Amount, res.Currency), why)); err != nil {
		return p, err
	}
	return p, nil
}

// recorded is the checkout as the store holds it now.
func (s *Service) recorded(ctx context.Context, o Order, checkoutID string) (Payment, bool, error) {
	ps, err := s.Store.Payments(ctx, o.ID)
	if err != nil {
		return Payment{}, false, fmt.Errorf("payments of order %s: %w", o.Number, err)
	}
	for _, p := range ps {
		if p.CheckoutID == checkoutID {
			return p, true, nil
		}
	}
	return Payment{}, false, nil
}

// refundOrder refunds every capture of a cancelled order: its checkouts are
// refreshed, which refunds them (see refreshPayments), so a page paid a
// moment ago is refunded too.
func (s *Service) refundOrder(ctx context.Context, o *Order) error {
	_, err := s.refreshPayments(ctx, o)
	return err
}

// boughtSomething says what the order already bought at Microsoft, or "":
// a line whose plan is recorded may have reached Microsoft, so it counts.
func (s *Service) boughtSomething(ctx context.Context, o Order) (string, error) {
	done, err := s.Store.StepsDone(ctx, o.ID)
	if err != nil {
		return "", fmt.Errorf("steps of order %s: %w", o.Number, err)
	}
	var bought []string
	for _, l := range o.Lines {
		_, planned := linePlan(done, l.LineNo)
		switch {
		case l.SubscriptionID != "":
			bought = append(bought, fmt.Sprintf("%d × %s (subscription %s)", l.Quantity, l.Name, l.SubscriptionID))
		case planned || done[lineStep(l.LineNo)]:
			bought = append(bought, fmt.Sprintf("%d × %s (perhaps: it was being bought)", l.Quantity, l.Name))
		}
	}
	if len(bought) == 0 {
		return "", nil
	}
	// Microsoft: new commerce subscriptions can be cancelled within 7 days of
	// purchase (learn.microsoft.com/partner-center/developer/cancel-an-azure-marketplace-subscription).
	return fmt.Sprintf("it bought %s; cancel them in Partner Center within 7 days of purchase (new commerce's cancellation window), "+
		"then refund the customer what Microsoft credits; or finish the order with `orders retry`", strings.Join(bought, ", ")), nil
}

func (s *Service) savePayment(ctx context.Context, o Order, p Payment, action string) error {
	return s.savePaymentDetail(ctx, o, p, action, fmt.Sprintf("checkout %s %s", p.CheckoutID, p.Reason))
}

func (s *Service) savePaymentDetail(ctx context.Context, o Order, p Payment, action, detail string) error {
	if err := s.Store.SavePayment(ctx, p); err != nil {
		return fmt.Errorf("save payment of order %s: %w", o.Number, err)
	}
	ev := s.event(ctx, o.ID, action, "", p.State, detail)
	if err := s.Store.Audit(ctx, ev); err != nil {
		return fmt.Errorf("audit payment of order %s: %w", o.Number, err)
	}
	return nil
}

// checkoutLines are the order's lines as the checkout page lists them: a
// line's unit price is one seat for one month (the catalog's unit).
func checkoutLines(o Order) []payment.Line {
	out := make([]payment.Line, 0, len(o.Lines))
	for _, l := range o.Lines {
		// A line billed annually is paid for its first year (Order.DueNow).
		unit, period := l.UnitPrice, PeriodMonth
		if l.BillingCycle == "annual" {
			unit, period = l.UnitPrice*12, "year"
		}
		out = append(out, payment.Line{Name: l.Name, Quantity: int64(l.Quantity), UnitAmount: unit, Period: period})
	}
	return out
}

func orderDescription(o Order) string {
	if len(o.Lines) == 1 {
		return fmt.Sprintf("%d × %s", o.Lines[0].Quantity, o.Lines[0].Name)
	}
	return fmt.Sprintf("Order %s: %d products", o.Number, len(o.Lines))
}
