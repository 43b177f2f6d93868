package flow

import "onboard/i18n"

// NextAction is one thing the customer (or an agent) does next about an
// order; Command, when set, is a command line to show on its own line.
type NextAction struct {
	Text    string
	Command string
}

// CustomerNextSteps are what the customer does next about an order an agent
// created, for the order's state and the provider's order flow: accept the
// invitation at inviteURL, pay at a kiosk, wait for approval. The texts hold
// the order's and the customer's data as given: front ends sanitise them.
func CustomerNextSteps(o Order, email, domain, inviteURL string) []NextAction {
	return CustomerNextStepsIn(nil, o, email, domain, inviteURL)
}

// CustomerNextStepsIn is CustomerNextSteps in l's language.
func CustomerNextStepsIn(l *i18n.Localizer, o Order, email, domain, inviteURL string) []NextAction {
	var steps []NextAction
	if o.Status == StatusAwaitingConsent {
		where := l.T("NextTheInvitationLink")
		if inviteURL != "" {
			where = inviteURL
		}
		steps = append(steps, NextAction{Text: l.T("NextAccept", "Where", where, "Domain", domain)})
	}
	pay := NextAction{Text: l.T("NextPayAtKiosk", "Number", o.Number, "Email", email)}
	switch {
	case o.Status == StatusCompleted:
		return append(steps, NextAction{Text: l.T("NextNothingCompleted")})
	case o.Status == StatusCancelled:
		return append(steps, NextAction{Text: l.T("NextNothingCancelled")})
	case o.Policy == PolicyProcessImmediately:
		return append(steps, NextAction{Text: l.T("NextInvoicedLater"), Command: "onboard orders pay " + o.Number})
	case o.Policy == PolicyManualApproval:
		return append(steps, pay, NextAction{Text: l.T("NextThenApproved"), Command: "onboard orders approve " + o.Number})
	}
	pay.Text += " " + l.T("NextSetUpAfterPayment")
	return append(steps, pay)
}
