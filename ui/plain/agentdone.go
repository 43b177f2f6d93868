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

// nextSteps are the customer's remaining steps, as flow lists them.
func (s *session) nextSteps() []string {
	var out []string
	for _, st := range flow.CustomerNextSteps(s.order, s.a.Email, s.a.Domain, "the link above") {
		line := clean(st.Text, 600)
		if st.Command != "" {
			line += " " + clean(st.Command, 100)
		}
		out = append(out, line)
	}
	return out
}
