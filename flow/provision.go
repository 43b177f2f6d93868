package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"onboard/msapi"
)

// line provisions one order line: converts the tenant's matching trial, or
// buys a new subscription. Licenses bought elsewhere are left alone.
func (r *run) line(ctx context.Context, l *OrderLine) error {
	step := lineStep(l.LineNo)
	if r.done[step] {
		r.record(*l)
		return nil
	}
	// No count: the step is this one line, and its label names it. Lines
	// counted here read "Setting up Office 365 E3 1 of 2", as if of E3.
	r.progress(Progress{Step: step, Label: "Setting up " + l.Name})
	trial, planned := linePlan(r.done, l.LineNo)
	if !planned {
		var err error
		if trial, err = r.findTrial(ctx, *l); err != nil {
			return err
		}
		if err := r.mark(ctx, linePlanStep(l.LineNo, trial), l.Name); err != nil {
			return err
		}
	}
	subID, err := r.provisionLine(ctx, *l, trial)
	if err != nil {
		return err
	}
	rb, err := r.readBack(ctx, l.LineNo, subID)
	if err != nil {
		return err
	}
	if err := r.s.Store.SetLineSubscription(ctx, r.o.ID, l.LineNo, subID, trial != ""); err != nil {
		return fmt.Errorf("record subscription of line %d: %w", l.LineNo, err)
	}
	if err := r.s.Store.SaveLineReadback(ctx, r.o.ID, rb); err != nil {
		return err
	}
	r.readbacks[l.LineNo] = rb
	l.SubscriptionID, l.Converted = subID, trial != ""
	r.record(*l)
	return r.mark(ctx, step, subID)
}

// record adds l to the result with the seats Microsoft reported for it
// (the ordered quantity only for lines provisioned before read-backs were kept).
func (r *run) record(l OrderLine) {
	if rb, ok := r.readbacks[l.LineNo]; ok {
		l.Quantity = rb.Quantity
	}
	if l.Converted {
		r.res.Converted = append(r.res.Converted, l)
	} else {
		r.res.Bought = append(r.res.Bought, l)
	}
}

// readBack reads subscription subID back from Microsoft after the call
// that bought or converted it: its quantity is what the customer now has,
// whatever was asked. It refreshes the cached list, in which a converted
// trial is no longer a trial.
func (r *run) readBack(ctx context.Context, lineNo int, subID string) (LineReadback, error) {
	subs, err := r.s.MS.Subscriptions(ctx, r.o.TenantID)
	if err != nil {
		return LineReadback{}, fmt.Errorf("read back subscription %s of tenant %s: %w", subID, r.o.TenantID, err)
	}
	r.subs, r.subsOK = subs, true
	for _, sub := range subs {
		if strings.EqualFold(sub.ID, subID) {
			return LineReadback{LineNo: lineNo, SubscriptionID: sub.ID, Quantity: sub.Quantity}, nil
		}
	}
	// Microsoft may list a new subscription a little after the order: a
	// retry later reads it (the provisioning call itself is idempotent).
	return LineReadback{}, fmt.Errorf("read back subscription %s of tenant %s: not listed yet: %w", subID, r.o.TenantID, msapi.ErrUnavailable)
}

// findTrial returns the id of the tenant's trial that converts into l's offer, or "".
func (r *run) findTrial(ctx context.Context, l OrderLine) (string, error) {
	offer, ok := r.s.Catalog.OfferByMicrosoftID(l.OfferID)
	if !ok || len(offer.TrialOfferIDs) == 0 {
		return "", nil
	}
	if !r.subsOK {
		subs, err := r.s.MS.Subscriptions(ctx, r.o.TenantID)
		if err != nil {
			return "", fmt.Errorf("subscriptions of tenant %s: %w", r.o.TenantID, err)
		}
		r.subs, r.subsOK = subs, true
	}
	if sub, ok := trialOf(offer, r.subs); ok {
		return sub.ID, nil
	}
	return "", nil
}

// provisionLine calls Microsoft with a request id derived from the order and
// line, so a repeat after a crash is recognised as the same request.
func (r *run) provisionLine(ctx context.Context, l OrderLine, trialSubID string) (string, error) {
	if trialSubID != "" {
		reqID := deterministicID(r.o.ID, "line", fmt.Sprint(l.LineNo), "convert", trialSubID)
		term, cycle := r.lineTerm(l)
		target := msapi.OrderLine{OfferID: l.OfferID, FriendlyName: l.Name, Quantity: l.Quantity,
			TermDuration: term, BillingCycle: cycle}
		conv, err := r.s.MS.ConvertTrial(ctx, r.o.TenantID, trialSubID, target, reqID)
		if err != nil {
			return "", fmt.Errorf("convert trial %s to %s: %w", trialSubID, l.Name, err)
		}
		if conv.SubscriptionID == "" {
			return trialSubID, nil // the trial's subscription id is kept
		}
		return conv.SubscriptionID, nil
	}
	if orderID, ok := lineOrder(r.done, l.LineNo); ok {
		return r.awaitOrder(ctx, l, orderID) // a crash after the checkout: poll the same order
	}
	cartID, ok := lineCart(r.done, l.LineNo)
	if !ok {
		term, cycle := r.lineTerm(l)
		req := msapi.OrderRequest{
			RequestID:    deterministicID(r.o.ID, "line", fmt.Sprint(l.LineNo), "buy"),
			BillingCycle: cycle,
			Lines: []msapi.OrderLine{{OfferID: l.OfferID, FriendlyName: l.Name, Quantity: l.Quantity,
				TermDuration: term, BillingCycle: cycle}},
		}
		var err error
		if cartID, err = r.s.MS.CreateCart(ctx, r.o.TenantID, req); err != nil {
			return "", fmt.Errorf("buy %d × %s: %w", l.Quantity, l.Name, err)
		}
		// Recorded before the checkout: checking the same cart out again
		// answers the first checkout (checkout-a-cart), so a crash or a lost
		// answer never buys twice.
		if err := r.mark(ctx, lineCartStep(l.LineNo, cartID), l.Name); err != nil {
			return "", err
		}
	}
	placed, err := r.s.MS.CheckoutCart(ctx, r.o.TenantID, cartID)
	if err != nil {
		return "", fmt.Errorf("buy %d × %s: %w", l.Quantity, l.Name, err)
	}
	if sub := orderSubscription(placed); sub != "" {
		return sub, nil
	}
	// The documented answer: the order is pending, its subscription not
	// created yet. Record the order, so a crash polls it, then poll it.
	if err := r.mark(ctx, lineOrderStep(l.LineNo, placed.ID), "cart "+cartID); err != nil {
		return "", err
	}
	return r.awaitOrder(ctx, l, placed.ID)
}

// lineTerm is the term and billing cycle line l buys: the one chosen with
// the order, or the catalog offer's for a line recorded without one.
func (r *run) lineTerm(l OrderLine) (term, cycle string) {
	if l.TermDuration != "" && l.BillingCycle != "" {
		return l.TermDuration, l.BillingCycle
	}
	offer, _ := r.s.Catalog.OfferByMicrosoftID(l.OfferID)
	return offer.TermDuration, offer.BillingCycle
}

// Polling a pending order: DefaultOrderPolls reads, DefaultOrderPollWait
// apart (Service.OrderPolls and OrderPollWait override them). The first
// read is at once.
const (
	DefaultOrderPolls    = 20
	DefaultOrderPollWait = 3 * time.Second
)

// awaitOrder reads Microsoft order orderID until its line has a
// subscription. An order still pending after the polls is a retryable
// failure (msapi.ErrUnavailable): the retry polls the same order.
func (r *run) awaitOrder(ctx context.Context, l OrderLine, orderID string) (string, error) {
	polls, wait := r.s.OrderPolls, r.s.OrderPollWait
	if polls <= 0 {
		polls = DefaultOrderPolls
	}
	if wait <= 0 {
		wait = DefaultOrderPollWait
	}
	status := ""
	for i := range polls {
		if i > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return "", ctx.Err()
			case <-t.C:
			}
		}
		o, err := r.s.MS.GetOrder(ctx, r.o.TenantID, orderID)
		if err != nil {
			return "", fmt.Errorf("buy %s: read Microsoft order %s: %w", l.Name, orderID, err)
		}
		if sub := orderSubscription(o); sub != "" {
			return sub, nil
		}
		status = o.Status
		if strings.EqualFold(status, "cancelled") {
			return "", fmt.Errorf("buy %s: Microsoft cancelled order %s: %w", l.Name, orderID, msapi.ErrInvalidRequest)
		}
	}
	return "", fmt.Errorf("buy %s: Microsoft order %s is still %s, its subscription not created yet: %w (%w)",
		l.Name, orderID, status, ErrOrderPending, msapi.ErrUnavailable)
}

// ErrOrderPending: Microsoft accepted a purchase but had not created its
// subscription by the last poll. It is retryable (it also wraps
// msapi.ErrUnavailable): the retry polls the same order, never buys again.
var ErrOrderPending = errors.New("Microsoft has not finished setting up the purchase yet")

func orderSubscription(o msapi.Order) string {
	for _, pl := range o.Lines {
		if pl.SubscriptionID != "" {
			return pl.SubscriptionID
		}
	}
	return ""
}

// lineCartStep records the cart a line's purchase is checked out from.
func lineCartStep(n int, cartID string) string { return lineStep(n) + ":cart=" + cartID }

// lineCart reads the cart recorded for line n.
func lineCart(done map[string]bool, n int) (string, bool) {
	prefix := lineStep(n) + ":cart="
	for step := range done {
		if id, ok := strings.CutPrefix(step, prefix); ok && id != "" {
			return id, true
		}
	}
	return "", false
}

// lineOrderStep records the Microsoft order a line's checkout placed.
func lineOrderStep(n int, orderID string) string { return lineStep(n) + ":order=" + orderID }

// lineOrder reads the Microsoft order recorded for line n.
func lineOrder(done map[string]bool, n int) (string, bool) {
	prefix := lineStep(n) + ":order="
	for step := range done {
		if id, ok := strings.CutPrefix(step, prefix); ok && id != "" {
			return id, true
		}
	}
	return "", false
}

// domains imports the tenant's domains.
func (r *run) domains(ctx context.Context) error {
	r.progress(Progress{Step: stepDomains, Label: "Importing domains"})
	ds, err := r.s.MS.Domains(ctx, r.o.TenantID)
	if err != nil {
		return fmt.Errorf("domains of tenant %s: %w", r.o.TenantID, err)
	}
	if err := r.s.Store.SaveDomains(ctx, r.o.TenantID, ds); err != nil {
		return fmt.Errorf("save %d domains of tenant %s: %w", len(ds), r.o.TenantID, err)
	}
	r.progress(Progress{Step: stepDomains, Label: "Importing domains", Done: len(ds), Total: len(ds)})
	return nil
}

func (r *run) convertedSKUs() map[string]bool {
	keep := map[string]bool{}
	for _, l := range r.res.Converted {
		keep[strings.ToLower(l.SkuID)] = true
	}
	return keep
}

func keepSKUs(skus []string, keep map[string]bool) []string {
	var out []string
	for _, s := range skus {
		if keep[strings.ToLower(s)] {
			out = append(out, s)
		}
	}
	return out
}

// counts fills the result's totals from what the store holds, so a resumed
// run reports the whole import, not just its last part.
func (r *run) counts(ctx context.Context) error {
	var err error
	if r.res.UsersImported, err = r.s.Store.CountUsers(ctx, r.o.TenantID); err != nil {
		return fmt.Errorf("count users of tenant %s: %w", r.o.TenantID, err)
	}
	if r.res.DomainsImported, err = r.s.Store.CountDomains(ctx, r.o.TenantID); err != nil {
		return fmt.Errorf("count domains of tenant %s: %w", r.o.TenantID, err)
	}
	keep := r.convertedSKUs()
	if len(keep) == 0 {
		return nil
	}
	if us, ok := r.s.Store.(UserSearcher); ok {
		// Counted in the store: a tenant may have a million users.
		skus := make([]string, 0, len(keep))
		for sku := range keep {
			skus = append(skus, sku)
		}
		if r.res.AssignmentsKept, err = us.CountHolders(ctx, r.o.TenantID, skus); err != nil {
			return fmt.Errorf("count kept licenses in tenant %s: %w", r.o.TenantID, err)
		}
		return nil
	}
	users, err := r.s.Store.ListUsers(ctx, r.o.TenantID)
	if err != nil {
		return fmt.Errorf("list users of tenant %s: %w", r.o.TenantID, err)
	}
	for _, u := range users {
		if len(keepSKUs(u.SkuIDs, keep)) > 0 {
			r.res.AssignmentsKept++
		}
	}
	return nil
}
