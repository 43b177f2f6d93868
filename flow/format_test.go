package flow

import "testing"

func TestFormatMoney(t *testing.T) {
	cases := []struct {
		minor int64
		cur   string
		want  string
	}{
		{0, "EUR", "EUR 0.00"},
		{5, "EUR", "EUR 0.05"},
		{2060, "EUR", "EUR 20.60"},
		{123456789, "USD", "USD 1,234,567.89"},
		{-150, "", "-1.50"},
	}
	for _, c := range cases {
		if got := FormatMoney(c.minor, c.cur); got != c.want {
			t.Errorf("FormatMoney(%d, %q) = %q, want %q", c.minor, c.cur, got, c.want)
		}
	}
}

func TestReadyToProcess(t *testing.T) {
	cases := []struct {
		o    Order
		want bool
	}{
		{Order{Status: StatusPaid, Policy: PolicyPayFirst}, true},
		{Order{Status: StatusPaid, Policy: PolicyManualApproval}, false},
		{Order{Status: StatusPaid, Policy: PolicyManualApproval, Approved: true}, true},
		{Order{Status: StatusProvisioning}, true},
		{Order{Status: StatusAwaitingPayment}, false},
		{Order{Status: StatusCompleted}, false},
	}
	for _, c := range cases {
		if got := c.o.ReadyToProcess(); got != c.want {
			t.Errorf("%s/%s approved=%v: ReadyToProcess = %v", c.o.Status, c.o.Policy, c.o.Approved, got)
		}
	}
}
