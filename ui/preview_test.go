package ui

import (
	"onboard/flow"
	"strings"
	"testing"
)

func TestReviewWarnsWhenTrialUsersOutnumberSeats(t *testing.T) {
	h := newHarness(t)
	h.key("down", "3", "down", "2", "enter") // Standard 3, Premium 2: fabrikam's Premium trial converts
	h.requireState(stateAccount)
	h.fillDetails()
	h.signInAs(fabrikamAdmin, fabrikamPass)
	h.requireState(stateConsent)
	if err := h.w.ms.MS.AcceptInvitation(fabrikamAdmin, fabrikamPass); err != nil {
		t.Fatal(err)
	}
	h.pollConsent()
	h.requireState(stateReview)
	v := h.view()
	for _, want := range []string{"a new subscription", "with 2 seats, 6 of them will lose their license"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Fatalf("review lacks %q:\n%s", want, v)
		}
	}
	h.golden()
}

// Esc on the review goes back to change the seats: the order is cancelled
// through flow and forgotten, and the licenses are shown again.
func TestReviewEscGoesBackToChangeSeats(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	h.w.accept()
	h.pollConsent()
	h.requireState(stateReview)
	h.requireView("esc change seats")
	id := h.m.c.answers.OrderID
	if id == "" {
		t.Fatal("no order on the review")
	}
	h.key("esc")
	h.requireState(stateLicenses)
	if got := h.w.order(id).Status; got != flow.StatusCancelled {
		t.Fatalf("order status = %s, want cancelled", got)
	}
	if h.m.c.answers.OrderID != "" || h.m.c.order.ID != "" {
		t.Fatalf("the cancelled order is still remembered: %q %q", h.m.c.answers.OrderID, h.m.c.order.ID)
	}
	h.golden()
}

// While the payment page is open, esc stops waiting: it does not cancel.
func TestReviewEscWhilePayingOnlyStopsWaiting(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	h.w.accept()
	h.pollConsent()
	h.key("enter")
	id := h.m.c.answers.OrderID
	h.key("esc")
	h.requireState(stateReview)
	h.requireView("Stopped waiting for the payment")
	if got := h.w.order(id).Status; got == flow.StatusCancelled {
		t.Fatal("esc on the payment page cancelled the order")
	}
}
