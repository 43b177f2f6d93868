package ui

import "testing"

func TestLicensesGolden(t *testing.T) {
	h := newHarness(t)
	h.requireState(stateLicenses)
	h.key("+", "+", "down", "3")
	h.golden()
}

func TestDetailsToConsent(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	h.golden()
}
