package flow

import "onboard/i18n"

// NextAction is one thing the customer (or an agent) does next about an
// order; Command, when set, is a command line to show on its own line.
type NextAction struct {
	Text    string
	Command string
}

// CustomerNextSteps are what the customer does next about an order an agent
// created, for the order's state, its admin relationship g (as GDAPStatus
// last reported it; zero when not looked up) and the provider's order flow:
// accept the invitation at inviteURL, approve the admin relationship, pay
// at a kiosk, wait for approval. The texts hold the order's and the
// customer's data as given: front ends sanitise them.
func CustomerNextSteps(o Order, g GDAP, email, domain, inviteURL string) []NextAction {
	return CustomerNextStepsIn(nil, o, g, email, domain, inviteURL)
}

// CustomerNextStepsIn is CustomerNextSteps in l's language.
func CustomerNextStepsIn(l *i18n.Localizer, o Order, g GDAP, email, domain, inviteURL string) []NextAction {
	var steps []NextAction
	if o.Status == StatusAwaitingConsent {
		where := l.T("NextTheInvitationLink")
		if inviteURL != "" {
			where = inviteURL
		}
		steps = append(steps, NextAction{Text: l.T("NextAccept", "Where", where, "Domain", domain)})
	}
	// Requested but not approved: the import waits for it, whatever the
	// order flow, so it comes before everything that sets the order up.
	approval := !o.Status.Final() && (g.Status == GDAPWaiting || g.Status == GDAPEnded)
	if approval {
		// The link itself is too long to read or type from a list: the
		// agent handed it over, and the command prints it again.
		steps = append(steps, NextAction{Text: l.T("NextApproveGDAP", "Domain", domain), Command: "onboard orders invite " + o.Number})
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
	if approval {
		pay.Text += " " + l.T("NextSetUpAfterApprovalAndPayment")
	} else {
		pay.Text += " " + l.T("NextSetUpAfterPayment")
	}
	return append(steps, pay)
}
