package flow

import (
	"strings"

	"onboard/i18n"
)

// A support agent (the orders commands, the wizard in agent mode) acts for
// a customer: Label and Summary speak to the customer ("Linking your
// Microsoft account"), these say the same in the third person.

// AgentLabelIn is AgentLabel in l's language.
func (p Progress) AgentLabelIn(l *i18n.Localizer) string {
	if p.Step == stepLink {
		return l.T("ProgressLinkAgent")
	}
	return p.LabelIn(l)
}

// AgentLabel is the step as the agent reads it.
func (p Progress) AgentLabel() string {
	if p.Step == stepLink {
		return "Linking the customer's Microsoft account"
	}
	return p.Label
}

// ExplainToAgentIn is ExplainIn for the agent, who hands the approval over
// to the customer's administrator rather than approving it.
func (g GDAP) ExplainToAgentIn(l *i18n.Localizer) string {
	switch g.Status {
	case GDAPApproved:
		return l.T("GDAPApprovedAgent")
	case GDAPNotNeeded:
		return ""
	}
	s := l.T("GDAPApproveAtLinkAgent")
	if g.Renewed {
		s = l.T("GDAPRenewed") + " " + s
	}
	return s
}

// AgentSummary says what processing did, to the agent.
func (r Result) AgentSummary() string { return r.AgentSummaryIn(nil) }

// AgentSummaryIn is AgentSummary in l's language.
func (r Result) AgentSummaryIn(l *i18n.Localizer) string {
	var parts []string
	seats := 0
	for _, b := range r.Bought {
		seats += b.Quantity
	}
	if r.NewAccount {
		for _, c := range r.Converted {
			seats += c.Quantity
		}
		s := l.T("AgentSummaryNewAccount", "Domain", r.Order.TenantDomain, "Licenses", l.N("LicensesN", seats))
		if r.Order.AdminUPN != "" {
			s += " " + l.T("AgentSummaryAdmin", "Admin", r.Order.AdminUPN)
		}
		return s
	}
	switch n := len(r.Converted); {
	case n == 1:
		parts = append(parts, l.T("AgentSummaryTrialConverted", "Users", l.N("UsersN", r.AssignmentsKept)))
	case n > 1:
		parts = append(parts, l.N("AgentSummaryTrialsConverted", n, "Users", l.N("UsersN", r.AssignmentsKept)))
	}
	if seats > 0 {
		parts = append(parts, l.N("AgentSummaryBought", seats))
	}
	parts = append(parts, l.T("SummaryImported", "Users", l.N("UsersN", r.UsersImported), "Domains", l.N("DomainsN", r.DomainsImported)))
	return strings.Join(parts, " ")
}
