package sandbox

import (
	"sort"

	"onboard/payment"
)

// SessionRecord is a checkout as the sandbox recorded it: what was captured
// and what was given back. Tests check money against it, not against what
// the product believes it took.
type SessionRecord struct {
	ID        string
	OrderRef  string
	State     payment.State
	Amount    int64
	Currency  string
	PaymentID string
	Captured  int64 // Amount once paid, else 0
	Refunded  int64
	Refunds   []RefundRecord
	Attempts  int // cards submitted
}

// Net is what the checkout holds of the customer's money now.
func (r SessionRecord) Net() int64 { return r.Captured - r.Refunded }

// SessionsOf returns the checkouts started for one order (by its number),
// oldest first.
func (s *Server) SessionsOf(orderRef string) []SessionRecord {
	var out []SessionRecord
	for _, r := range s.Sessions() {
		if r.OrderRef == orderRef {
			out = append(out, r)
		}
	}
	return out
}

// RefundRecord is one refund the sandbox made.
type RefundRecord struct {
	ID             string
	IdempotencyKey string
	Amount         int64
	Reason         string
}

// Sessions returns every checkout, oldest first; read-only copies.
func (s *Server) Sessions() []SessionRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SessionRecord, 0, len(s.checkouts))
	for _, c := range s.checkouts {
		r := SessionRecord{
			ID: c.ID, OrderRef: c.OrderRef, State: c.State, Amount: c.Amount, Currency: c.Currency,
			PaymentID: c.PaymentID, Refunded: c.refunded(), Attempts: len(c.Attempts),
		}
		if c.State == payment.StatePaid {
			r.Captured = c.Amount
		}
		for _, rf := range c.Refunds {
			r.Refunds = append(r.Refunds, RefundRecord{ID: rf.ID, IdempotencyKey: rf.IdempotencyKey, Amount: rf.Amount, Reason: rf.Reason})
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := s.checkouts[out[i].ID], s.checkouts[out[j].ID]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return a.ID < b.ID
	})
	return out
}

// Captured sums the captures and refunds of the checkouts of one order
// (by the order number the checkouts were started with).
func (s *Server) Captured(orderRef string) (captured, refunded int64) {
	for _, r := range s.SessionsOf(orderRef) {
		captured += r.Captured
		refunded += r.Refunded
	}
	return captured, refunded
}
