package plain

import (
	"onboard/flow"
)

// agentDone reads out the created order and what the customer does next.
func (s *session) agentDone() {
	o, a := s.order, s.a
	s.sayT("AgentDoneCreated", "Number", clean(o.Number, 30), "Company", clean(a.Company, 60))
	s.say("%s %s", s.t("AgentDoneNumber"), clean(o.Number, 30))
	s.say("%s %s", s.t("AgentDoneAccount"), clean(a.Domain, 80))
	s.say("%s %s", s.t("AgentDoneStatus"), s.t("Status"+string(o.Status)))
	s.say("%s %s", s.t("AgentDoneTotal"), s.t("AgentDoneTotalValue", "Total", s.money(o.Total(), o.Currency)))
	s.sayT("PlainAgentNext")
	for i, step := range s.nextSteps() {
		s.say("%d. %s", i+1, step)
	}
}

// nextSteps are the customer's remaining steps, as flow lists them.
func (s *session) nextSteps() []string {
	var out []string
	for _, st := range flow.CustomerNextStepsIn(s.loc, s.order, s.relationship, s.a.Email, s.a.Domain, s.t("NextTheLinkAbove")) {
		line := clean(st.Text, 600)
		if st.Command != "" {
			line += " " + clean(st.Command, 100)
		}
		out = append(out, line)
	}
	return out
}
