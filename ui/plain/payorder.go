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
	s.sayT("PlainPayIntro")
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
		s.input(s.t("PlainOrderNumber"), &number, flow.ValidateOrderNumber),
		s.input(s.t("PlainOrderEmail"), &email, flow.ValidateEmailSyntax),
	)
	if err != nil {
		return flow.Order{}, err
	}
	s.sayT("PlainLookingUp")
	o, err := s.Backend.FindOrderForPayment(s.ctx, strings.TrimSpace(number), strings.TrimSpace(email))
	if err == nil && o.Status == flow.StatusAwaitingConsent {
		o, err = s.Backend.RefreshConsent(s.ctx, o.ID)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return flow.Order{}, err
	case errors.Is(err, flow.ErrNotFound):
		s.sayT("PlainNoSuchOrder")
		return flow.Order{}, nil
	case errors.Is(err, flow.ErrTooManyLookups):
		s.say("%s", clean(s.explain(err), maxExplained))
		return flow.Order{}, nil
	case err != nil:
		s.sayT("PlainLookupFailed", "Why", clean(s.explain(err), maxExplained))
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
		s.sayT("PlainOrderAwaitsConsent", "Number", num, "Domain", clean(o.TenantDomain, 80))
		return nil
	case flow.StatusCompleted:
		s.sayT("PlainOrderCompleted", "Number", num)
		return nil
	case flow.StatusCancelled:
		s.sayT("PlainOrderWasCancelled", "Number", num, "Provider", clean(s.Provider, 60))
		return nil
	case flow.StatusFailed:
		s.sayT("PlainOrderFailed", "Number", num, "Why", clean(o.FailReason, 300), "Provider", clean(s.Provider, 60))
		return nil
	case flow.StatusAwaitingPayment:
		// The admin relationship first, as the wizard does: the import
		// waits for it (gdap says nothing when it is approved or not needed).
		if err := s.gdap(); err != nil {
			return err
		}
		if stop, err := s.confirmPayment(false); err != nil || stop {
			return err
		}
		if err := s.pay(); err != nil {
			return err
		}
	}
	if err := s.process(); err != nil {
		return err
	}
	if s.order.Status == flow.StatusCompleted {
		s.sayT("PlainDone", "Number", clean(s.order.Number, 30))
	}
	return nil
}
