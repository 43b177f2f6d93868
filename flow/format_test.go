package flow

import "testing"

func TestFormatMoney(t *testing.T) {
	cases := []struct {
		minor int64
		cur   string
		want  string
	}{
		{0, "EUR", "€0.00"},
		{5, "EUR", "€0.05"},
		{20600, "EUR", "€206.00"},
		{123456789, "USD", "$1,234,567.89"},
		{1000, "JPY", "¥1,000"}, // no decimals: a yen is the minor unit
		{1000, "jpy", "¥1,000"},
		{12345, "GBP", "£123.45"},
		{12345, "CHF", "CHF 123.45"},
		{1234, "KWD", "KWD 1.234"}, // three decimals
		{-150, "EUR", "-€1.50"},
		{-150, "", "-1.50"},
		{150, "XYZ", "XYZ 1.50"}, // not a currency: the code and the amount
	}
	for _, c := range cases {
		if got := FormatMoney(c.minor, c.cur); got != c.want {
			t.Errorf("FormatMoney(%d, %q) = %q, want %q", c.minor, c.cur, got, c.want)
		}
	}
	if got := FormatMoneyIn("de", 20600, "EUR"); got != "206,00 €" {
		t.Errorf("de: %q", got)
	}
	if got := FormatPrice(2060, "EUR", PeriodMonth); got != "€20.60 per month" {
		t.Errorf("FormatPrice: %q", got)
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

// The wizard formats about a dozen amounts per frame.
func BenchmarkFormatMoney(b *testing.B) {
	for b.Loop() {
		_ = FormatMoney(123456, "EUR")
	}
}
