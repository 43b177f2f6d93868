package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"onboard/payment"
)

// refund is one refund of a checkout's capture as the sandbox keeps it.
type refund struct {
	ID             string    `json:"id"`
	IdempotencyKey string    `json:"idempotency_key"`
	RequestHash    string    `json:"request_hash"` // to spot a reused key
	Amount         int64     `json:"amount"`
	Reason         string    `json:"reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

// refunded is how much of the capture was given back.
func (c *checkout) refunded() int64 {
	var n int64
	for _, r := range c.Refunds {
		n += r.Amount
	}
	return n
}

// Refund refusals; the API answers them with 400 and a Stripe-like code.
var (
	errNotPaid         = errors.New("the checkout was not paid, so there is nothing to refund")
	errAmountTooLarge  = errors.New("the refund is larger than what is left of the payment")
	errAlreadyRefunded = errors.New("the payment has already been refunded in full")
)

// refundRequest is the body of POST /v1/refunds, as Stripe's refund of a
// payment: which checkout, how much (0: what is left), and why.
type refundRequest struct {
	CheckoutID string `json:"checkout_id"`
	Amount     int64  `json:"amount,omitempty"`
	Currency   string `json:"currency,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// refundResponse is a refund as the API returns it.
type refundResponse struct {
	ID         string    `json:"id"`
	CheckoutID string    `json:"checkout_id"`
	PaymentID  string    `json:"payment_id"`
	Amount     int64     `json:"amount"`
	Currency   string    `json:"currency"`
	Reason     string    `json:"reason,omitempty"`
	Status     string    `json:"status"` // always "succeeded": the sandbox refunds at once
	CreatedAt  time.Time `json:"created_at"`
}

func (s *Server) handleRefund(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if msg := checkIdempotencyKey(key); msg != "" {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, msg)
		return
	}
	var req refundRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, err.Error())
		return
	}
	if msg := validateRefund(req); msg != "" {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, msg)
		return
	}
	c, rf, err := s.refund(req, key, hashRefund(req))
	switch {
	case errors.Is(err, payment.ErrNotFound):
		writeError(w, http.StatusNotFound, codeNotFound, "no such checkout")
	case errors.Is(err, errIdempotencyConflict):
		writeError(w, http.StatusConflict, codeIdempotencyConflict,
			"this Idempotency-Key was already used with a different request")
	case errors.Is(err, errNotPaid):
		writeError(w, http.StatusBadRequest, codeNotPaid, err.Error())
	case errors.Is(err, errAmountTooLarge):
		writeError(w, http.StatusBadRequest, codeAmountTooLarge, err.Error())
	case errors.Is(err, errAlreadyRefunded):
		writeError(w, http.StatusBadRequest, codeAlreadyRefunded, err.Error())
	case errors.Is(err, payment.ErrInvalid):
		writeError(w, http.StatusBadRequest, codeInvalidRequest, err.Error())
	case err != nil:
		s.internalError(w, "refund checkout", err)
	default:
		writeJSON(w, http.StatusOK, refundResponse{
			ID: rf.ID, CheckoutID: c.ID, PaymentID: c.PaymentID, Amount: rf.Amount,
			Currency: c.Currency, Reason: rf.Reason, Status: "succeeded", CreatedAt: rf.CreatedAt,
		})
	}
}

func validateRefund(req refundRequest) string {
	switch {
	case req.CheckoutID == "":
		return "checkout_id is required"
	case req.Amount < 0:
		return "amount must not be negative"
	case req.Amount > maxAmount:
		return fmt.Sprintf("amount must be at most %d minor units", int64(maxAmount))
	}
	if msg := checkText("checkout_id", req.CheckoutID, 100); msg != "" {
		return msg
	}
	return checkText("reason", req.Reason, maxDescription)
}

func hashRefund(req refundRequest) string {
	return hashRequest(createRequest{OrderRef: req.CheckoutID, Description: req.Reason, Amount: req.Amount, Currency: req.Currency})
}

// refund gives back req.Amount (0: all that is left) of a paid checkout, or
// returns the refund already made with key. Atomic: two concurrent refunds
// can never give back more than was captured.
func (s *Server) refund(req refundRequest, key, hash string) (checkout, refund, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.refundKey[key]; ok {
		c, err := s.lookupLocked(id)
		if err != nil {
			return checkout{}, refund{}, err
		}
		for _, rf := range c.Refunds {
			if rf.IdempotencyKey == key {
				if rf.RequestHash != hash {
					return checkout{}, refund{}, errIdempotencyConflict
				}
				return *c.clone(), rf, nil
			}
		}
	}
	c, err := s.lookupLocked(req.CheckoutID)
	if err != nil {
		return checkout{}, refund{}, err
	}
	left := c.Amount - c.refunded()
	amount := req.Amount
	if amount == 0 {
		amount = left
	}
	switch {
	case c.State != payment.StatePaid:
		return checkout{}, refund{}, errNotPaid
	case req.Currency != "" && req.Currency != c.Currency:
		return checkout{}, refund{}, fmt.Errorf("%w: the checkout was paid in %s, not %s", payment.ErrInvalid, c.Currency, req.Currency)
	case left == 0:
		return checkout{}, refund{}, errAlreadyRefunded
	case amount > left:
		return checkout{}, refund{}, errAmountTooLarge
	}
	old := c.clone()
	rf := refund{ID: newID("re_"), IdempotencyKey: key, RequestHash: hash, Amount: amount,
		Reason: req.Reason, CreatedAt: s.opts.Now()}
	c.Refunds = append(c.Refunds, rf)
	s.refundKey[key] = c.ID
	if err := s.persist(); err != nil {
		s.checkouts[c.ID] = old
		delete(s.refundKey, key)
		return checkout{}, refund{}, err
	}
	return *c.clone(), rf, nil
}
