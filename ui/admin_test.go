package ui

import (
	"strings"
	"testing"
)

// At 80x24 the form's own message (empty or malformed login) shows below
// the field: the form gets the room left under the text above it.
func TestAdminLoginMessageAt80x24(t *testing.T) {
	for _, tt := range []struct{ name, login, want string }{
		{"empty", "", "enter the login"},
		{"malformed", "nope", "enter the login like"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.chooseLicenses()
			h.fillDetails()
			h.typeText(tt.login)
			h.key("enter")
			h.requireState(stateAdmin)
			h.requireView(tt.want)
			h.golden()
		})
	}
}

// A refusal from Microsoft stays until the login is retyped, and does not
// outlive going back.
func TestAdminRefusalClearedOnRetypeAndBack(t *testing.T) {
	h := deviceHarness(t)
	decline := func() {
		t.Helper()
		if err := h.w.ms.MS.DeclineDeviceSignIn(h.code()); err != nil {
			t.Fatal(err)
		}
		h.pollSignIn()
		h.requireView("The sign-in was cancelled on Microsoft's page.")
	}
	decline()
	h.key("backspace")
	if strings.Contains(h.view(), "cancelled on Microsoft's page") {
		t.Fatalf("the refusal stays while the login is retyped:\n%s", h.view())
	}
	h.typeText("m")
	h.key("enter")
	h.requireView("Sign in on Microsoft's page")
	decline()
	h.key("esc")
	h.requireState(stateAgreement)
	h.key("y")
	h.requireState(stateAdmin)
	if strings.Contains(h.view(), "cancelled on Microsoft's page") {
		t.Fatalf("the refusal outlived going back:\n%s", h.view())
	}
}
