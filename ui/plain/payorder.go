package plain

import (
	"context"
	"errors"
	"strings"

	"onboard/flow"
)

// payExisting finds an order prepared by an agent by its number and
// e-mail, takes the payment and sets it up.
func (s *session) payExisting() error {
	s.a = flow.Answers{Mode: flow.ModeCustomer, Account: flow.AccountExisting}
	s.say("")
	s.say("Pay for an order that was prepared for you.")
	for {
		o, err := s.findOrder()
		if err != nil {
			return err
		}
		if o.ID == "" {
			continue
		}
		s.order = o
		return s.settle()
	}
}

// findOrder asks for the order number and e-mail and looks the order up;
// a zero order means "ask again" (the reason was said).
func (s *session) findOrder() (flow.Order, error) {
	var number, email string
	err := s.form(
		s.input("Order number (it is on the e-mail or the receipt you got)", &number, func(v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("enter the order number")
			}
			return nil
		}),
		s.input("E-mail the order was made with", &email, flow.ValidateEmail),
	)
	if err != nil {
		return flow.Order{}, err
	}
	s.say("Looking up the order…")
	o, err := s.Backend.FindOrderForPayment(s.ctx, strings.TrimSpace(number), strings.TrimSpace(email))
	if err == nil && o.Status == flow.StatusAwaitingConsent {
		o, err = s.Backend.RefreshConsent(s.ctx, o.ID)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return flow.Order{}, err
	case errors.Is(err, flow.ErrNotFound):
		s.say("No order has that number and e-mail. Check both and try again.")
		return flow.Order{}, nil
	case err != nil:
		s.say("The order could not be looked up: %s Try again.", clean(flow.Explain(err), 300))
		return flow.Order{}, nil
	}
	s.a.Email = strings.TrimSpace(email)
	return o, nil
}

// settle does what the found order still needs: payment, setting up, or
// nothing but saying where it stands.
func (s *session) settle() error {
	o := s.order
	num := clean(o.Number, 30)
	switch o.Status {
	case flow.StatusAwaitingConsent:
		s.say("Order %s waits for the invitation to be accepted. Open the link you were given, sign in as a Global "+
			"administrator of %s and accept it, then come back to pay.", num, clean(o.TenantDomain, 80))
		return nil
	case flow.StatusCompleted:
		s.say("Order %s is already paid and set up: there is nothing left to do.", num)
		return nil
	case flow.StatusCancelled:
		s.say("Order %s was cancelled. Ask %s for a new one.", num, clean(s.Provider, 60))
		return nil
	case flow.StatusFailed:
		s.say("Setting up order %s stopped: %s. %s is looking into it; there is nothing to pay again.",
			num, clean(o.FailReason, 300), clean(s.Provider, 60))
		return nil
	case flow.StatusAwaitingPayment:
		// The admin relationship first, as the wizard does: the import
		// waits for it (gdap says nothing when it is approved or not needed).
		if err := s.gdap(); err != nil {
			return err
		}
		s.review(o)
		if err := s.pay(); err != nil {
			return err
		}
	}
	if err := s.process(); err != nil {
		return err
	}
	if s.order.Status == flow.StatusCompleted {
		s.say("Done. Order number %s.", clean(s.order.Number, 30))
	}
	return nil
}
