package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/msapi"
)

// The fake looks its one tenant up; "unreachable" stands for Microsoft
// being down.
func (f *fakeBackend) CheckDomain(_ context.Context, domain string) (bool, error) {
	if strings.HasPrefix(domain, "unreachable.") {
		return false, fmt.Errorf("check domain %s: %w", domain, msapi.ErrUnavailable)
	}
	return strings.EqualFold(domain, f.tenant.Domain), nil
}

func (f *fakeBackend) RefreshConsent(ctx context.Context, orderID string) (flow.Order, error) {
	f.mu.Lock()
	o, ok := f.orders[orderID]
	f.mu.Unlock()
	if !ok {
		return flow.Order{}, flow.ErrNotFound
	}
	c, accepted, _ := f.CheckConsent(ctx, o.TenantDomain)
	if o.Status != flow.StatusAwaitingConsent || !accepted {
		return o, nil
	}
	return f.ConsentAccepted(ctx, orderID, c)
}

// policyBackend moves orders on like the provider's order flow does.
type policyBackend struct {
	*fakeBackend
	policy flow.Policy
}

func (p policyBackend) CreateOrder(ctx context.Context, a flow.Answers) (flow.Order, error) {
	o, err := p.fakeBackend.CreateOrder(ctx, a)
	if err != nil {
		return o, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	o.Policy, o.TenantDomain = p.policy, a.Domain
	p.orders[o.ID], p.orderEmail[o.ID] = o, a.Email
	return o, nil
}

func (p policyBackend) ConsentAccepted(ctx context.Context, orderID string, c msapi.Customer) (flow.Order, error) {
	o, err := p.fakeBackend.ConsentAccepted(ctx, orderID, c)
	if err != nil {
		return o, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	o = p.orders[orderID]
	if o.Policy == flow.PolicyProcessImmediately {
		o.Status = flow.StatusProvisioning
	}
	p.orders[orderID] = o
	return o, nil
}

func agentMode(policy flow.Policy) func(*fakeBackend, *Options) {
	return func(f *fakeBackend, o *Options) {
		o.Mode, o.Agent = flow.ModeAgent, "alice"
		o.Backend = policyBackend{fakeBackend: f, policy: policy}
	}
}

func newAgentHarness(t *testing.T, policy flow.Policy) *harness {
	t.Helper()
	h := newHarness(t, agentMode(policy))
	h.requireState(stateLicenses)
	return h
}

func (h *harness) agentLicenses() {
	h.t.Helper()
	h.key("+", "+", "down", "3", "enter")
	h.requireState(stateSubdomain)
}

func (h *harness) agentSubdomain(name string) {
	h.t.Helper()
	h.typeText(name)
	h.key("enter")
}

func (h *harness) agentDetails() {
	h.t.Helper()
	h.requireState(stateDetails)
	h.typeDetails()
}

// toInvitation goes through the agent's steps up to the invitation.
func (h *harness) toInvitation() {
	h.t.Helper()
	h.agentLicenses()
	h.agentSubdomain("contoso")
	h.agentDetails()
	h.key("y")
	h.requireState(stateInvitation)
}

func (h *harness) pollInvitation() {
	h.t.Helper()
	s := h.m.screens[stateInvitation].(*invitationScreen)
	h.send(consentPollMsg{gen: s.gen})
}

func TestAgentSubdomainGoldens(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.agentLicenses()
	t.Run("empty", func(t *testing.T) {
		h.t = t
		h.requireView("Step 2 of 7")
		h.requireView("AGENT alice")
		h.golden()
	})
	t.Run("invalid", func(t *testing.T) {
		h.t = t
		h.agentSubdomain("contoso.example.com")
		h.requireState(stateSubdomain)
		h.requireView("enter only the name before .onmicrosoft.com")
		h.golden()
	})
	t.Run("not found", func(t *testing.T) {
		h.t = t
		h.m.screens[stateSubdomain].(*subdomainScreen).input.SetValue("")
		h.agentSubdomain("nosuchco")
		h.requireState(stateSubdomain)
		h.requireView("No such account")
		h.requireView("nosuchco.onmicrosoft.com")
		h.golden()
	})
	t.Run("Microsoft unavailable", func(t *testing.T) {
		h.t = t
		h.m.screens[stateSubdomain].(*subdomainScreen).input.SetValue("")
		h.agentSubdomain("unreachable")
		h.requireState(stateSubdomain)
		h.requireView("could not be looked up")
	})
	t.Run("found with the suffix", func(t *testing.T) {
		h.t = t
		h.m.screens[stateSubdomain].(*subdomainScreen).input.SetValue("")
		h.agentSubdomain("Contoso.onmicrosoft.com")
		h.requireState(stateDetails)
		if a := h.m.c.answers; a.Domain != "contoso.onmicrosoft.com" || a.Account != flow.AccountExisting {
			t.Fatalf("answers %q %q", a.Domain, a.Account)
		}
	})
}

func TestAgentDetailsAndAgreementGoldens(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.agentLicenses()
	h.agentSubdomain("contoso")
	t.Run("details", func(t *testing.T) {
		h.t = t
		h.requireState(stateDetails)
		h.requireView("Customer's details")
		h.requireView("Step 3 of 7")
		h.golden()
	})
	t.Run("agreement", func(t *testing.T) {
		h.t = t
		h.agentDetails()
		h.requireView("on the customer's behalf")
		h.requireView("alice")
		h.golden()
		h.key("y")
		if a := h.m.c.answers; !a.AgreementAccepted || a.AgreementDate.IsZero() {
			t.Fatal("the attestation is not recorded in the answers")
		}
		h.requireState(stateInvitation)
	})
}

func TestAgentInvitationGoldens(t *testing.T) {
	t.Run("not waiting", func(t *testing.T) {
		h := newAgentHarness(t, flow.PolicyPayFirst)
		h.toInvitation()
		h.requireView(h.fb.inviteURL)
		h.requireView("Step 5 of 7")
		h.golden()
	})
	t.Run("waiting", func(t *testing.T) {
		h := newAgentHarness(t, flow.PolicyPayFirst)
		h.toInvitation()
		h.key("w")
		h.pollInvitation()
		h.requireState(stateInvitation)
		h.clock = h.clock.Add(83e9)
		h.requireView("Waiting for the customer to accept… 1:23")
		h.golden()
		h.key("x")
		h.requireView("Not waiting")
	})
}

func TestAgentInvitationKeys(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	h.key("c")
	if h.clipboard != h.fb.inviteURL {
		t.Fatalf("clipboard = %q, want the invitation URL", h.clipboard)
	}
	if len(h.fb.orders) != 0 {
		t.Fatal("an order exists before the agent creates it")
	}
	h.key("esc")
	h.requireState(stateAgreement)
	h.key("esc")
	h.requireState(stateDetails)
	h.key("esc")
	h.requireState(stateSubdomain)
	h.key("esc")
	h.requireState(stateLicenses)
	if len(h.fb.drafts) != 0 {
		t.Fatalf("agent mode saved %d customer drafts on this terminal", len(h.fb.drafts))
	}
}

// waitForAcceptance waits on the invitation step until the customer accepts.
func (h *harness) waitForAcceptance() {
	h.t.Helper()
	h.key("w")
	h.fb.accept()
	h.pollInvitation()
}

func TestAgentCreateDoneGoldens(t *testing.T) {
	cases := []struct {
		name   string
		policy flow.Policy
		wait   bool
		status flow.OrderStatus
		want   []string
		absent []string
	}{
		{"pay-first not accepted", flow.PolicyPayFirst, false, flow.StatusAwaitingConsent,
			[]string{"1. Accept the invitation", "2. Pay at a kiosk", "NW-1001", "ada@contoso.com"}, nil},
		{"pay-first accepted", flow.PolicyPayFirst, true, flow.StatusAwaitingPayment,
			[]string{"1. Pay at a kiosk", "Pay for an existing order"}, []string{"Accept the invitation"}},
		{"manual-approval", flow.PolicyManualApproval, true, flow.StatusAwaitingPayment,
			[]string{"onboard orders approve NW-1001"}, nil},
		{"process-immediately not accepted", flow.PolicyProcessImmediately, false, flow.StatusAwaitingConsent,
			[]string{"Accept the invitation", "Nothing to pay"}, []string{"Pay at a kiosk"}},
		{"process-immediately", flow.PolicyProcessImmediately, true, flow.StatusCompleted,
			[]string{"1. Nothing to do or pay", "Set up: 5 new licenses"}, []string{"Pay at a kiosk", "Accept the invitation"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newAgentHarness(t, c.policy)
			h.toInvitation()
			if c.wait {
				h.waitForAcceptance()
			} else {
				h.key("enter")
			}
			h.requireState(stateAgentDone)
			if h.m.c.order.Status != c.status {
				t.Fatalf("status %s, want %s", h.m.c.order.Status, c.status)
			}
			h.requireView("Step 7 of 7")
			for _, w := range c.want {
				h.requireView(w)
			}
			for _, a := range c.absent {
				if strings.Contains(h.view(), a) {
					t.Fatalf("view shows %q:\n%s", a, h.view())
				}
			}
			h.golden()
		})
	}
}

// An acceptance that arrives after the agent chose not to wait is still
// picked up when the order is created.
func TestAgentCreateSeesLateAcceptance(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	h.fb.accept()
	h.key("enter")
	h.requireState(stateAgentDone)
	if o := h.m.c.order; o.Status != flow.StatusAwaitingPayment || o.TenantID != "tid-contoso" {
		t.Fatalf("order %+v", o)
	}
}

func TestAgentCreateRetryKeepsOneOrder(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	var asked []string
	pb := h.m.c.backend.(policyBackend)
	h.m.c.backend = failingCreate{policyBackend: pb, asked: &asked}
	h.key("enter")
	h.requireState(stateCreate)
	h.requireView("could not be created")
	h.m.c.backend = failingCreate{policyBackend: pb, asked: &asked, ok: true}
	h.key("r")
	h.requireState(stateAgentDone)
	if len(asked) != 2 || asked[0] == "" || asked[0] != asked[1] {
		t.Fatalf("order ids asked for: %q, want the same one twice", asked)
	}
}

// failingCreate fails CreateOrder until ok, recording the order ids asked for.
type failingCreate struct {
	policyBackend
	ok    bool
	asked *[]string
}

func (f failingCreate) CreateOrder(ctx context.Context, a flow.Answers) (flow.Order, error) {
	*f.asked = append(*f.asked, a.OrderID)
	if !f.ok {
		return flow.Order{}, errors.New("database is locked")
	}
	return f.policyBackend.CreateOrder(ctx, a)
}

func TestAgentDoneKeys(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	h.key("enter")
	h.requireState(stateAgentDone)
	h.key("n")
	h.requireState(stateLicenses)
	if a := h.m.c.answers; a.Mode != flow.ModeAgent || a.Domain != "" || a.OrderID != "" || len(a.Lines) != 0 {
		t.Fatalf("answers not reset for the next customer: %+v", a)
	}
	h.requireView("‹0›")
	h.key("up", "up")
	h.toInvitation()
	h.key("enter")
	h.requireState(stateAgentDone)
	if len(h.fb.orders) != 2 {
		t.Fatalf("orders %d, want one per customer", len(h.fb.orders))
	}
	h.key("enter")
	if !h.quit {
		t.Fatal("enter did not finish")
	}
}

// A customer who accepted the invitation after the agent left can pay:
// the order moves on when it is looked up.
func TestPayOrderAwaitingConsent(t *testing.T) {
	h := newHarness(t)
	h.fb.orders["ord-9"] = flow.Order{ID: "ord-9", Number: "NW-2001", Status: flow.StatusAwaitingConsent,
		Currency: "EUR", TenantDomain: "contoso.onmicrosoft.com",
		Lines: []flow.OrderLine{{Name: "Microsoft 365 Business Premium", Quantity: 10, UnitPrice: 2060}}}
	h.fb.orderEmail["ord-9"] = "ada@contoso.com"
	h.key("ctrl+o")
	h.typeText("NW-2001")
	h.key("enter")
	h.typeText("ada@contoso.com")
	h.key("enter")
	h.requireState(statePayOrder)
	h.requireView("waits for the invitation to be accepted")
	h.fb.accept()
	h.key("enter", "enter") // both fields are kept
	h.requireState(stateReview)
	if o := h.fb.orders["ord-9"]; o.Status != flow.StatusAwaitingPayment {
		t.Fatalf("status %s", o.Status)
	}
}
