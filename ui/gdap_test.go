package ui

import (
	"strings"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
)

// gdapHarness is a harness whose provider requests GDAP, at the GDAP
// screen after the invitation was accepted.
func gdapHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, func(w *world, _ *Options) { w.svc.GDAP = testworld.GDAPSettings() })
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
	h := newHarness(t, agentMode(flow.PolicyPayFirst), func(w *world, _ *Options) { w.svc.GDAP = testworld.GDAPSettings() })
	h.requireState(stateLicenses)
	h.toInvitation()
	h.waitForAcceptance()
	h.requireState(stateGDAP)
	h.requireView("f finish")
	h.golden()
	h.key("f")
	h.requireState(stateAgentDone)
}
