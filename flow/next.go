package flow

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
	var steps []NextAction
	if o.Status == StatusAwaitingConsent {
		where := "the invitation link"
		if inviteURL != "" {
			where = inviteURL
		}
		steps = append(steps, NextAction{Text: "Accept the invitation: open " + where +
			" and sign in as a Global administrator of " + domain + "."})
	}
	pay := NextAction{Text: "Pay at a kiosk: choose \"Pay for an existing order\" (ctrl+o) and enter order number " +
		o.Number + " and the e-mail " + email + "."}
	switch {
	case o.Status == StatusCompleted:
		return append(steps, NextAction{Text: "Nothing to do or pay: the licenses are set up and the order is invoiced later."})
	case o.Status == StatusCancelled:
		return append(steps, NextAction{Text: "Nothing: the order is cancelled."})
	case o.Policy == PolicyProcessImmediately:
		return append(steps, NextAction{Text: "Nothing to pay: the order is invoiced later. It is set up once the " +
			"acceptance is in, when the order is next opened (at a kiosk with \"Pay for an existing order\", or by an agent):",
			Command: "onboard orders pay " + o.Number})
	case o.Policy == PolicyManualApproval:
		return append(steps, pay, NextAction{Text: "Then an agent approves it, and it is set up:",
			Command: "onboard orders approve " + o.Number})
	}
	pay.Text += " The order is set up right after the payment."
	return append(steps, pay)
}
