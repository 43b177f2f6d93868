package sandbox

import (
	"errors"
	"net/http"

	"onboard/payment"
)

// errCheckoutNotOpen: only an open checkout (pending, or declined and
// inviting another card) can be expired.
var errCheckoutNotOpen = errors.New("only an open checkout can be expired")

// handleExpire closes an open checkout so it can no longer be paid, as
// Stripe's "expire a Checkout Session" does; a paid or expired checkout is
// refused with checkout_not_open, as Stripe refuses a session that is not open.
func (s *Server) handleExpire(w http.ResponseWriter, r *http.Request) {
	c, err := s.expire(r.PathValue("id"))
	switch {
	case errors.Is(err, payment.ErrNotFound):
		writeError(w, http.StatusNotFound, codeNotFound, "no such checkout")
	case errors.Is(err, errCheckoutNotOpen):
		writeError(w, http.StatusBadRequest, codeNotOpen, "the checkout is "+string(c.State)+": "+err.Error())
	case err != nil:
		s.internalError(w, "expire checkout", err)
	default:
		writeJSON(w, http.StatusOK, toResponse(c, externalBase(r)))
	}
}

// expire moves an open checkout to expired, atomically with charge: of a
// payment and an expiry at the same moment exactly one wins.
func (s *Server) expire(id string) (checkout, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupLocked(id)
	if err != nil {
		return checkout{}, err
	}
	if c.State == payment.StatePaid || c.State == payment.StateExpired {
		return *c.clone(), errCheckoutNotOpen
	}
	old := c.clone()
	c.State, c.Reason = payment.StateExpired, "The checkout was closed by the seller."
	if err := s.persist(); err != nil {
		s.checkouts[id] = old
		return *old, err
	}
	return *c.clone(), nil
}
