package sandbox

import (
	"sort"

	"onboard/payment"
)

// CheckoutRecord is one checkout as the sandbox gateway holds it, for tests
// that check money against the gateway's books rather than the product's.
type CheckoutRecord struct {
	ID       string
	OrderRef string // the order number the checkout was started for
	Amount   int64  // asked, minor units
	Currency string
	State    payment.State
	Captured int64 // taken from the card: Amount once paid, else 0
	Refunded int64 // given back of Captured
}

// Net is what the checkout holds of the customer's money now.
func (r CheckoutRecord) Net() int64 { return r.Captured - r.Refunded }

// RecordedCheckouts are the checkouts started for orderRef (all when ""),
// oldest first.
func (s *Server) RecordedCheckouts(orderRef string) []CheckoutRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cs []*checkout
	for _, c := range s.checkouts {
		if orderRef == "" || c.OrderRef == orderRef {
			cs = append(cs, c)
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if !cs[i].CreatedAt.Equal(cs[j].CreatedAt) {
			return cs[i].CreatedAt.Before(cs[j].CreatedAt)
		}
		return cs[i].ID < cs[j].ID
	})
	out := make([]CheckoutRecord, 0, len(cs))
	for _, c := range cs {
		r := CheckoutRecord{ID: c.ID, OrderRef: c.OrderRef, Amount: c.Amount, Currency: c.Currency, State: c.State}
		if c.State == payment.StatePaid {
			r.Captured = c.Amount
		}
		r.Refunded = refundedOf(c)
		out = append(out, r)
	}
	return out
}

// refundedOf is what was refunded of c's capture. The gateway on this base
// cannot refund yet (issue 11 adds Refund); when the checkout keeps its
// refunds, this sums them, e.g.
//
//	for _, r := range c.Refunds { n += r.Amount }
func refundedOf(*checkout) int64 { return 0 }
