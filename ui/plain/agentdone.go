package plain

import (
	"strings"

	"onboard/flow"
)

// agentDone reads out the created order and what the customer does next.
func (s *session) agentDone() {
	o, a := s.order, s.a
	s.say("Order %s is created for %s.", clean(o.Number, 30), clean(a.Company, 60))
	s.say("Order number: %s", clean(o.Number, 30))
	s.say("Microsoft account: %s", clean(a.Domain, 80))
	s.say("Status: %s", strings.ReplaceAll(string(o.Status), "_", " "))
	s.say("Total: %s per month (order flow: %s)", flow.FormatMoney(o.Total(), o.Currency), o.Policy)
	s.say("What the customer does next:")
	for i, step := range s.nextSteps() {
		s.say("%d. %s", i+1, step)
	}
}

// nextSteps are the customer's remaining steps for the order's state and
// the provider's order flow, as the full-screen wizard lists them.
func (s *session) nextSteps() []string {
	o, a := s.order, s.a
	num, email := clean(o.Number, 30), clean(a.Email, 80)
	var steps []string
	if o.Status == flow.StatusAwaitingConsent {
		steps = append(steps, "Accept the invitation: open the link above and sign in as a Global administrator of "+
			clean(a.Domain, 80)+".")
	}
	pay := "Pay at a kiosk: choose \"Pay for an existing order\" and enter order number " + num +
		" and the e-mail " + email + "."
	switch {
	case o.Status == flow.StatusCompleted:
		return append(steps, "Nothing to do or pay: the licenses are set up and the order is invoiced later.")
	case o.Policy == flow.PolicyProcessImmediately:
		return append(steps, "Nothing to pay: the order is invoiced later. It is set up once the acceptance is in, "+
			"when the order is next opened (at a kiosk with \"Pay for an existing order\", or by an agent with "+
			"`onboard orders pay "+num+"`).")
	case o.Policy == flow.PolicyManualApproval:
		return append(steps, pay, "Then an agent approves it (`onboard orders approve "+num+"`), and it is set up.")
	}
	return append(steps, pay+" The order is set up right after the payment.")
}
