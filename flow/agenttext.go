package flow

import (
	"fmt"
	"strings"
)

// A support agent (the orders commands, the wizard in agent mode) acts for
// a customer: Label and Summary speak to the customer ("Linking your
// Microsoft account"), these say the same in the third person.

// AgentLabel is the step as the agent reads it.
func (p Progress) AgentLabel() string {
	if p.Step == stepLink {
		return "Linking the customer's Microsoft account"
	}
	return p.Label
}

// AgentSummary says what processing did, to the agent.
func (r Result) AgentSummary() string {
	var parts []string
	seats := 0
	for _, l := range r.Bought {
		seats += l.Quantity
	}
	if r.NewAccount {
		for _, l := range r.Converted {
			seats += l.Quantity
		}
		s := fmt.Sprintf("The customer's new Microsoft account %s is ready with %s.", r.Order.TenantDomain, plural(seats, "license", "licenses"))
		if r.Order.AdminUPN != "" {
			s += " Its administrator signs in as " + r.Order.AdminUPN + "."
		}
		return s
	}
	switch n := len(r.Converted); {
	case n == 1:
		parts = append(parts, fmt.Sprintf("The customer's trial was converted; %s keep their licenses.", plural(r.AssignmentsKept, "user", "users")))
	case n > 1:
		parts = append(parts, fmt.Sprintf("The customer's %d trials were converted; %s keep their licenses.", n, plural(r.AssignmentsKept, "user", "users")))
	}
	if seats > 0 {
		parts = append(parts, fmt.Sprintf("%s bought, not yet assigned to users.", plural(seats, "new license", "new licenses")))
	}
	parts = append(parts, fmt.Sprintf("Imported %s and %s.", plural(r.UsersImported, "user", "users"), plural(r.DomainsImported, "domain", "domains")))
	return strings.Join(parts, " ")
}
