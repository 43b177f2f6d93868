package ui

import (
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
