package ui

import (
	"context"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
)

// A customer signs up for a Microsoft account that already has an open
// order (an agent's, waiting for the invitation): the wizard offers that
// order instead of making a second one; c continues with it, and accepting
// the invitation then moves that same order on to payment.
func TestConsentOffersTheTenantsOpenOrder(t *testing.T) {
	h := newHarness(t)
	a := testworld.Answers(contosoDomain, contosoAdmin, "m365-business-premium", 10)
	a.Mode, a.Email = flow.ModeAgent, "ada@contoso.com"
	agents, err := h.w.svc.CreateOrder(flow.WithActor(context.Background(), flow.Actor{Kind: flow.ActorAgent, Name: "alice"}), a)
	if err != nil {
		t.Fatal(err)
	}
	h.toConsent()
	h.requireView("This Microsoft account already has an open order.")
	h.requireView("Order ORD-000001, awaiting consent: 10 × Microsoft 365 Business")
	h.golden()
	h.key("c")
	h.requireState(stateConsent)
	if h.m.c.answers.OrderID != agents.ID {
		t.Fatalf("the sign-up continues with order %q, want the open %s", h.m.c.answers.OrderID, agents.ID)
	}
	h.w.accept()
	h.pollConsent()
	h.requireState(stateReview)
	if n := h.w.orders(); n != 1 {
		t.Fatalf("%d orders for one tenant", n)
	}
	if o := h.w.order(agents.ID); o.Status != flow.StatusAwaitingPayment {
		t.Fatalf("the open order after the acceptance: %s", o.Status)
	}
}
