package ui

import (
	"slices"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
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

// Esc on the review changes the seats of the same order: flow changes its
// lines and the sign-up comes straight back to the review, with the details,
// agreement and verified administrator kept: no new sign-in, no second
// order, and the customer is charged once, the new amount, by the
// sandbox's own records.
func TestReviewEscChangesTheSeatsOfTheSameOrder(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	h.w.accept()
	h.pollConsent()
	h.requireState(stateReview)
	h.requireView("esc change seats")
	before := h.m.c.order
	h.key("enter") // a payment page opened at the old amount…
	h.key("esc")   // …is left,
	h.requireState(stateReview)
	h.key("esc") // and the seats change
	h.requireState(stateLicenses)
	h.requireView("Change the seats of order " + before.Number)
	t.Run("licenses", func(t *testing.T) {
		h.t = t
		h.golden()
	})
	h.t = t
	h.key("+", "enter") // 3 → 4 seats of the second product
	h.requireState(stateReview)
	after := h.w.order(before.ID)
	if h.m.c.answers.OrderID != before.ID || h.m.c.order.ID != before.ID || after.Status != flow.StatusAwaitingPayment ||
		after.AdminUPN != before.AdminUPN || after.TenantID != before.TenantID {
		t.Fatalf("order after the change: %+v (answers' order %q)", after, h.m.c.answers.OrderID)
	}
	if n := h.w.orders(); n != 1 {
		t.Fatalf("%d orders", n)
	}
	if got := after.Lines[len(after.Lines)-1].Quantity; got != 4 || after.Total() <= before.Total() {
		t.Fatalf("lines after the change: %+v", after.Lines)
	}
	if h.m.c.answers.Lines[len(h.m.c.answers.Lines)-1].Seats != 4 {
		t.Fatalf("answers: %+v", h.m.c.answers.Lines)
	}
	h.golden()
	h.key("enter")
	h.w.pay(testworld.TestCard)
	h.pollPayment()
	h.requireState(stateDone)
	captured, refunded := h.w.ms.Pay.Captured(before.Number)
	if captured != after.DueNow() || refunded != 0 {
		t.Fatalf("captured %d (refunded %d), want %d", captured, refunded, after.DueNow())
	}
	charges := 0
	for _, r := range h.w.ms.Pay.SessionsOf(before.Number) {
		if r.Captured > 0 {
			charges++
		}
	}
	if charges != 1 {
		t.Fatalf("%d charges", charges)
	}
}

// Esc on the licenses opened from the review goes back to it: the order
// and the answers stay as they were.
func TestChangeSeatsEscKeepsTheOrder(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	h.w.accept()
	h.pollConsent()
	h.requireState(stateReview)
	before := h.m.c.order
	lines := append([]flow.LineChoice(nil), h.m.c.answers.Lines...)
	h.key("esc")
	h.requireState(stateLicenses)
	if h.m.AtFirstScreen() {
		t.Fatal("the kiosk would take esc here for its PIN")
	}
	h.key("+", "+", "esc")
	h.requireState(stateReview)
	if got := h.w.order(before.ID); got.Total() != before.Total() || !slices.Equal(h.m.c.answers.Lines, lines) {
		t.Fatalf("order %+v, answers %+v", got.Lines, h.m.c.answers.Lines)
	}
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
