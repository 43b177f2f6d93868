package flow

import (
	"strings"
	"testing"
)

// What an agent reads speaks of the customer, never to them.
func TestAgentTextSpeaksOfTheCustomer(t *testing.T) {
	r := Result{Order: Order{TenantDomain: "fabrikam.onmicrosoft.com"}, Converted: []OrderLine{{Quantity: 10}},
		Bought: []OrderLine{{Quantity: 5}}, UsersImported: 12, DomainsImported: 2, AssignmentsKept: 8}
	got := r.AgentSummary()
	want := "The customer's trial was converted; 8 users keep their licenses. 5 new licenses bought, not yet assigned to users. Imported 12 users and 2 domains."
	if got != want {
		t.Errorf("AgentSummary = %q, want %q", got, want)
	}
	r.NewAccount, r.Order.AdminUPN = true, "admin@contoso2.onmicrosoft.com"
	for _, s := range []string{r.AgentSummary(), Progress{Step: stepLink, Label: "Linking your Microsoft account"}.AgentLabel()} {
		if strings.Contains(strings.ToLower(s), "your") {
			t.Errorf("speaks to the customer: %q", s)
		}
	}
}

// The agent reads the admin relationship's state about the customer, not
// as the customer ("your Microsoft account").
func TestGDAPExplainToAgent(t *testing.T) {
	for _, g := range []GDAP{{Status: GDAPWaiting}, {Status: GDAPEnded, Renewed: true}, {Status: GDAPApproved}} {
		got := g.ExplainToAgentIn(nil)
		if got == "" || strings.Contains(strings.ToLower(got), "your") || !strings.Contains(got, "customer") {
			t.Errorf("%s: %q", g.Status, got)
		}
	}
	if got := (GDAP{Status: GDAPNotNeeded}).ExplainToAgentIn(nil); got != "" {
		t.Errorf("not needed: %q", got)
	}
}
