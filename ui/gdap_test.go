package ui

import (
	"context"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
)

// gdapHarness is a harness whose provider requests GDAP, at the GDAP
// screen after the invitation was accepted.
func gdapHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	h.holdGDAP = true
	h.toConsent()
	h.w.accept()
	h.pollConsent()
	h.requireState(stateGDAP)
	return h
}

func (h *harness) pollGDAP() {
	h.t.Helper()
	s := h.m.screens[stateGDAP].(*gdapScreen)
	h.send(consentPollMsg{gen: s.gen})
}

// TestGDAPGoldens: the approval link is shown like the invitation (open,
// copy, QR, waiting) and the wizard moves on once the customer's Global
// administrator approved it.
func TestGDAPGoldens(t *testing.T) {
	t.Run("waiting", func(t *testing.T) {
		h := gdapHarness(t)
		h.requireView("Directory Readers")
		h.requireView("Waiting for the approval")
		h.golden()
	})
	t.Run("big QR", func(t *testing.T) {
		h := gdapHarness(t)
		h.key("q")
		h.golden()
	})
}

func TestGDAPCopyOpenAndApproval(t *testing.T) {
	h := gdapHarness(t)
	h.key("c")
	if !strings.Contains(h.clipboard, "/granularAdminRelationships/") {
		t.Fatalf("clipboard = %q, want the approval link", h.clipboard)
	}
	h.key("enter")
	if got := h.br.all(); len(got) != 1 || got[0] != h.clipboard {
		t.Fatalf("opened %q, want the approval link", got)
	}
	h.pollGDAP()
	h.requireState(stateGDAP)
	if err := h.w.ms.MS.ApproveGDAP("contoso.onmicrosoft.com", contosoAdmin, contosoPassword); err != nil {
		t.Fatal(err)
	}
	h.pollGDAP()
	h.requireState(stateReview)
}

// TestAgentGDAPHandOver: on the agent's path the approval link follows the
// created order; the agent hands it over and finishes (f), the customer's
// administrator approves later.
func TestAgentGDAPHandOver(t *testing.T) {
	h := newHarness(t, agentMode(flow.PolicyPayFirst))
	h.requireState(stateLicenses)
	h.toInvitation()
	h.waitForAcceptance()
	h.requireState(stateGDAP)
	h.requireView("f finish")
	// The agent reads this screen: it speaks of the customer, not to them.
	h.requireView("The customer approves the admin relationship")
	h.requireView("The customer's Global administrator")
	h.requireView("press f to finish and hand the link over")
	h.requireView("QR code for the customer's phone")
	for _, you := range []string{"your Microsoft account", "Your users", "Let us read", "your phone"} {
		if strings.Contains(h.view(), you) {
			t.Errorf("the agent's GDAP screen says %q:\n%s", you, h.view())
		}
	}
	h.golden()
	h.key("f")
	h.requireState(stateAgentDone)
	// What still waits, in order: the approval, then the payment; the order
	// is not said to be set up on payment alone, and no policy name shows.
	h.requireView("1. Approve the admin relationship")
	h.requireView("2. Pay at a kiosk")
	for _, wrong := range []string{"right after the payment", "pay-first", "order flow"} {
		if strings.Contains(h.view(), wrong) {
			t.Errorf("the done screen says %q:\n%s", wrong, h.view())
		}
	}
	t.Run("done", func(t *testing.T) { h.t = t; h.golden() })
}

// An order awaiting payment whose admin relationship is not approved yet
// (the customer paid it later, at a kiosk) continues through the GDAP
// screen, not straight to the review; once approved it moves on.
func TestPayExistingOrderShowsGDAPFirst(t *testing.T) {
	h := newHarness(t)
	a := testworld.Answers(contosoDomain, contosoAdmin, "m365-business-premium", 10)
	a.Email = "ada@contoso.com"
	if _, err := h.w.ms.Consent(context.Background(), h.w.svc, a, contosoPassword); err != nil {
		t.Fatal(err)
	}
	h.key("ctrl+o")
	h.requireState(statePayOrder)
	h.typeLookUp("ORD-000001", "ada@contoso.com")
	h.requireState(stateGDAP)
	h.requireView("Waiting for the approval")
	if err := h.w.ms.MS.ApproveGDAP(contosoDomain, contosoAdmin, contosoPassword); err != nil {
		t.Fatal(err)
	}
	h.pollGDAP()
	h.requireState(stateReview)
}

// A resumed draft whose order awaits payment shows the GDAP screen while
// the admin relationship is not approved, then the review.
func TestResumedDraftAwaitingPaymentShowsGDAP(t *testing.T) {
	h := newHarness(t, func(w *world, _ *Options) {
		a := testworld.Answers(contosoDomain, contosoAdmin, "m365-business-premium", 10)
		a.Email = "ada@contoso.com"
		o, err := w.ms.Consent(context.Background(), w.svc, a, contosoPassword)
		if err != nil || o.Status != flow.StatusAwaitingPayment {
			t.Fatalf("order %+v %v", o, err)
		}
		a.OrderID = o.ID
		if _, err := w.svc.SaveDraft(context.Background(), "K7QM-4XPA", "kiosk-1", flow.StepReview, a); err != nil {
			t.Fatal(err)
		}
	})
	h.holdGDAP = true
	h.requireState(stateResume)
	h.key("enter")
	h.pollConsent() // the consent screen finds the order accepted
	h.requireState(stateGDAP)
	h.requireView("Waiting for the approval")
	h.approveGDAP()
	h.requireState(stateReview)
}
