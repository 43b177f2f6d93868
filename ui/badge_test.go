package ui

import (
	"strings"
	"testing"
)

// With a real Microsoft and the sandbox checkout (allowed for a test
// partner), the header says SANDBOX PAYMENTS and offers no demo accounts.
func TestSandboxPaymentsBadge(t *testing.T) {
	h := newHarness(t, func(w *world, o *Options) {
		o.Sandbox = false
		o.SandboxPayments = true
	})
	h.requireView("SANDBOX PAYMENTS")
	h.key("f2")
	if strings.Contains(h.view(), "Demo-Pass-1") {
		t.Fatal("demo accounts shown with a real Microsoft")
	}
}
