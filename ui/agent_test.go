package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/sandbox"

	tea "charm.land/bubbletea/v2"
)

func agentMode(policy flow.Policy) func(*world, *Options) {
	return func(w *world, o *Options) {
		o.Mode, o.Agent = flow.ModeAgent, "alice"
		w.svc.Policy = policy
		w.svc.Actor = flow.Actor{Kind: flow.ActorAgent, Name: "alice"}
	}
}

func newAgentHarness(t *testing.T, policy flow.Policy) *harness {
	t.Helper()
	h := newHarness(t, agentMode(policy))
	h.requireState(stateLicenses)
	return h
}

// The agent is asked what the customer needs, not what they need.
func TestAgentLicensesAskForTheCustomer(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.requireView("How many seats of each product does the customer need?")
	if strings.Contains(h.view(), "do you need") {
		t.Fatalf("the agent is asked as the customer:\n%s", h.view())
	}
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
		h.requireView("Step 2 of 8")
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
		h.w.ms.MS.SetFaults(sandbox.Faults{ErrorRate: 1}) // Microsoft is down
		h.agentSubdomain("contoso")
		h.w.ms.MS.SetFaults(sandbox.Faults{})
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
		h.requireView("Step 3 of 8")
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
		h.requireView(h.w.invitationURL())
		h.requireView("Step 5 of 8")
		h.golden()
	})
	t.Run("waiting", func(t *testing.T) {
		h := newAgentHarness(t, flow.PolicyPayFirst)
		h.toInvitation()
		h.key("w")
		h.pollInvitation()
		h.requireState(stateInvitation)
		h.clock = h.clock.Add(83e9)
		h.requireView("Waiting for the customer to accept…\u00a01:23")
		h.golden()
		h.key("x")
		h.requireView("Not waiting")
	})
}

func TestAgentInvitationKeys(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	h.key("c")
	if h.clipboard != h.w.invitationURL() {
		t.Fatalf("clipboard = %q, want the invitation URL", h.clipboard)
	}
	if h.w.orders() != 0 {
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
	if d, ok, err := h.w.svc.LatestDraft(context.Background(), "kiosk-1"); err != nil || ok {
		t.Fatalf("agent mode saved a customer draft on this terminal: %+v %v", d, err)
	}
}

// waitForAcceptance waits on the invitation step until the customer accepts.
func (h *harness) waitForAcceptance() {
	h.t.Helper()
	h.key("w")
	h.w.accept()
	h.pollInvitation()
	h.createOrder()
}

// createOrder confirms the order the agent reviews before it is created.
func (h *harness) createOrder() {
	h.t.Helper()
	h.requireState(stateCreate)
	h.requireView("Check the order with the customer")
	h.key("enter")
}

// The agent sees the order before it is created, and can go back to
// change it: nothing is created until Enter.
func TestAgentReviewsTheOrderBeforeItIsCreated(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	h.key("enter")
	h.requireState(stateCreate)
	for _, want := range []string{"Contoso Ltd", "ada@contoso.com", "contoso.onmicrosoft.com (invitation not accepted yet)",
		"Microsoft 365 Business Basic", "Total per month", "€46.30", "enter create the order"} {
		h.requireView(want)
	}
	h.goldens()
	if h.w.orders() != 0 {
		t.Fatal("an order was created before the agent confirmed it")
	}
	h.key("esc")
	h.requireState(stateInvitation)
	h.key("enter")
	h.createOrder()
	h.requireState(stateAgentDone)
	if h.w.orders() != 1 {
		t.Fatalf("%d orders, want 1", h.w.orders())
	}
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
			[]string{"1. Accept the invitation", "2. Pay at a kiosk", "ORD-000001", "ada@contoso.com"}, nil},
		{"pay-first accepted", flow.PolicyPayFirst, true, flow.StatusAwaitingPayment,
			[]string{"1. Pay at a kiosk", "Pay for an existing order"}, []string{"Accept the invitation"}},
		{"manual-approval", flow.PolicyManualApproval, true, flow.StatusAwaitingPayment,
			[]string{"onboard orders approve ORD-000001"}, nil},
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
				h.approveGDAP()
			} else {
				h.key("enter")
				h.createOrder()
			}
			h.requireState(stateAgentDone)
			if h.m.c.order.Status != c.status {
				t.Fatalf("status %s, want %s", h.m.c.order.Status, c.status)
			}
			h.requireView("Step 8 of 8")
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
	h.w.accept()
	h.key("enter")
	h.createOrder()
	h.approveGDAP()
	h.requireState(stateAgentDone)
	if o := h.w.order(h.m.c.order.ID); o.Status != flow.StatusAwaitingPayment || o.TenantID == "" {
		t.Fatalf("order %+v", o)
	}
}

func TestAgentCreateRetryKeepsOneOrder(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	// Microsoft is down when the order is created: the order is stored,
	// the look at the invitation fails.
	h.w.ms.MS.SetFaults(sandbox.Faults{ErrorRate: 1})
	h.key("enter")
	h.createOrder()
	h.requireState(stateCreate)
	h.requireView("could not be created")
	h.w.ms.MS.SetFaults(sandbox.Faults{})
	h.key("r")
	h.requireState(stateAgentDone)
	if n := h.w.orders(); n != 1 {
		t.Fatalf("%d orders after a retry, want the one order", n)
	}
}

func TestAgentDoneKeys(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	h.key("enter")
	h.createOrder()
	h.requireState(stateAgentDone)
	h.key("n")
	h.requireState(stateLicenses)
	if a := h.m.c.answers; a.Mode != flow.ModeAgent || a.Domain != "" || a.OrderID != "" || len(a.Lines) != 0 {
		t.Fatalf("answers not reset for the next customer: %+v", a)
	}
	h.requireView("‹0›")
	h.key("up", "up")
	// The same Microsoft account again: its open order is offered, never a
	// second one made silently; x cancels it and makes the new one.
	h.toInvitation()
	h.key("enter")
	h.createOrder()
	h.requireState(stateCreate)
	h.requireView("This Microsoft account already has an open order.")
	h.requireView("Order ORD-000001, awaiting consent")
	h.key("x")
	h.requireState(stateAgentDone)
	if n := h.w.orders(); n != 2 {
		t.Fatalf("orders %d, want the cancelled one and the new one", n)
	}
	if o, err := h.w.db.GetOrderByNumber(context.Background(), "ORD-000001"); err != nil || o.Status != flow.StatusCancelled {
		t.Fatalf("the replaced order: %+v %v", o, err)
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
	// An agent's order, waiting for the invitation to be accepted.
	a := testworld.Answers(contosoDomain, contosoAdmin, "m365-business-premium", 10)
	a.Mode, a.Email = flow.ModeAgent, "ada@contoso.com"
	o, err := h.w.svc.CreateOrder(flow.WithActor(context.Background(), flow.Actor{Kind: flow.ActorAgent, Name: "alice"}), a)
	if err != nil || o.Status != flow.StatusAwaitingConsent {
		t.Fatalf("the agent's order: %+v, %v", o, err)
	}
	h.key("ctrl+o")
	h.typeLookUp("ORD-000001", "ada@contoso.com")
	h.requireState(statePayOrder)
	h.requireView("waits for the invitation to be accepted")
	h.w.accept()
	h.key("enter", "enter") // both fields are kept
	h.approveGDAP()
	h.requireState(stateReview)
	if o := h.w.order(o.ID); o.Status != flow.StatusAwaitingPayment {
		t.Fatalf("status %s", o.Status)
	}
}

// The agent's work is kept as a draft: after a crash on the invitation
// step, the agent's next start on this terminal offers it, and resuming
// brings back what was typed. A customer at the same terminal is not
// offered it.
func TestAgentDraftSurvivesACrash(t *testing.T) {
	h := newAgentHarness(t, flow.PolicyPayFirst)
	h.toInvitation()
	restart := func(mode flow.Mode) *harness {
		again := &harness{t: t, clock: h.clock, w: h.w, br: h.br}
		again.m = New(Options{Backend: h.w.svc, Catalog: h.w.svc.Catalog, Browser: h.br, Terminal: "kiosk-1", NoColor: true,
			Mode: mode, Agent: "alice", PollInterval: time.Millisecond, Now: func() time.Time { return again.clock }})
		again.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		again.do(again.m.Init())
		return again
	}
	if c := restart(flow.ModeCustomer); c.m.state != stateLicenses {
		t.Fatalf("a customer at the agent's terminal was offered the agent's draft:\n%s", c.view())
	}
	again := restart(flow.ModeAgent)
	again.requireState(stateResume)
	again.requireView("An order you were preparing was not finished")
	again.requireView("Contoso Ltd")
	again.requireView("Hand over the invitation")
	again.goldens()
	again.key("enter")
	again.requireState(stateInvitation)
	if a := again.m.c.answers; a.Mode != flow.ModeAgent || a.Company != "Contoso Ltd" || a.Domain != "contoso.onmicrosoft.com" || len(a.Lines) != 2 {
		t.Fatalf("resumed answers: %+v", a)
	}
	again.key("enter")
	again.createOrder()
	again.requireState(stateAgentDone)
	if d, ok, err := h.w.svc.LatestDraft(context.Background(), "agent:alice@kiosk-1"); err != nil || ok {
		t.Fatalf("the agent's draft outlived the order: %+v %v", d, err)
	}
}
