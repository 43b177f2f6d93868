package sandbox

import (
	"strings"
	"testing"
	"time"
)

func TestTestCardsAreValidNumbers(t *testing.T) {
	for _, tc := range TestCards {
		if _, err := normalizeNumber(tc.Number); err != nil {
			t.Errorf("test card %s fails validation: %v", tc.Number, err)
		}
	}
}

func TestNormalizeNumber(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"4242 4242 4242 4242", "4242424242424242", true},
		{"4242-4242-4242-4242", "4242424242424242", true},
		{"378282246310005", "378282246310005", true},
		{"4242 4242 4242 4243", "", false}, // Luhn
		{"4242", "", false},                // too short
		{"4242 4242 4242 424x", "", false},
		{strings.Repeat("0", 20), "", false}, // too long
	}
	for _, tt := range tests {
		got, err := normalizeNumber(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("normalizeNumber(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestBrandAndSummary(t *testing.T) {
	for in, want := range map[string]string{
		"4242424242424242": "Visa", "5555555555554444": "Mastercard", "2223003122003222": "Mastercard",
		"378282246310005": "American Express", "6011111111111117": "Discover", "3056930009020004": "Card",
	} {
		if got := brandOf(in); got != want {
			t.Errorf("brandOf(%s) = %s, want %s", in, got, want)
		}
	}
	if c := summarize("4000000000009995"); c.Brand != "Visa" || c.Last4 != "9995" {
		t.Errorf("summarize = %+v", c)
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, time.March, 31, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		in string
		ok bool
	}{
		{"03/26", true}, // good through the end of its month
		{"3/26", true},
		{"04 / 26", true},
		{"0430", true},
		{"12/2030", true},
		{"02/26", false},
		{"00/27", false},
		{"13/27", false},
		{"12/99", false}, // beyond any card's life
		{"12-27", false},
		{"", false},
	}
	for _, tt := range tests {
		if _, _, err := parseExpiry(tt.in, now); (err == nil) != tt.ok {
			t.Errorf("parseExpiry(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
	if _, _, err := parseExpiry("03/26", now.Add(2*time.Hour)); err == nil {
		t.Error("a card expiring in March is accepted in April")
	}
}

func TestFormatAmount(t *testing.T) {
	for _, tt := range []struct {
		minor int64
		cur   string
		want  string
	}{
		{6250, "EUR", "€62.50"},
		{5, "USD", "$0.05"},
		{123456789, "GBP", "£1,234,567.89"},
		{1500, "JPY", "¥1,500"},
		{100000, "CHF", "CHF 1,000.00"},
	} {
		if got := formatAmount(tt.minor, tt.cur); got != tt.want {
			t.Errorf("formatAmount(%d, %s) = %q, want %q", tt.minor, tt.cur, got, tt.want)
		}
	}
}
