package flow

import "testing"

func TestMicrosoftCulture(t *testing.T) {
	for _, tc := range []struct{ lang, country, want string }{
		{"", "US", "en-US"}, {"en", "GB", "en-GB"}, {"en", "DE", "en-US"},
		{"de", "DE", "de-DE"}, {"de", "AT", "de-AT"}, {"de", "FR", "de-DE"}, {"de", "ch", "de-CH"},
		{"fr", "FR", "fr-FR"}, {"fr", "CA", "fr-CA"}, {"fr", "US", "fr-FR"}, {"fr-BE", "BE", "fr-BE"},
		{"xx", "US", "en-US"}, // no catalog: English
	} {
		if got := MicrosoftCulture(tc.lang, tc.country); got != tc.want {
			t.Errorf("MicrosoftCulture(%q, %q) = %q, want %q", tc.lang, tc.country, got, tc.want)
		}
	}
}

// A new account's customer is created at Microsoft in the language the
// customer signed up in.
func TestNewCustomerInTheCustomersLanguage(t *testing.T) {
	nc := newCustomer(Order{ID: "o1", TenantDomain: "tailspin.onmicrosoft.com"},
		Customer{CompanyName: "Tailspin", Language: "fr", Address: Address{Country: "BE"}})
	if nc.Culture != "fr-BE" || nc.Language != "fr" {
		t.Errorf("culture, language = %q, %q; want fr-BE, fr", nc.Culture, nc.Language)
	}
	nc = newCustomer(Order{ID: "o1"}, Customer{Address: Address{Country: "US"}})
	if nc.Culture != "en-US" || nc.Language != "en" {
		t.Errorf("default: %q, %q", nc.Culture, nc.Language)
	}
}
