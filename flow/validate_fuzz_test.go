package flow

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The fuzz targets check properties every validator must keep whatever a
// person pastes: no panic, an answer quickly even for 1 MB (the fuzzer's
// per-input deadline catches a hang; the large seeds make it likely), and an
// accepted value never carries a control or bidi character that could reach
// a terminal or a Microsoft record.

// hostileSeeds are inputs every text validator is seeded with.
var hostileSeeds = []string{
	"",
	" ",
	"anna@example.com",
	"admin@contoso.onmicrosoft.com",
	"Müller & Söhne GmbH",
	"Anne-Marie O'Neil",
	"\x1b[2J\x1b[H",
	"\x1b]52;c;ZWNobyBwd25lZA==\a",
	"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
	"\x1b]0;pwned\a",
	"Acme\u202egnp.exe",
	"\u2066Acme\u2069",
	"a\u0085b\u009bc",
	"Ann\xffa",
	"\u200bzero\u200dwidth",
	strings.Repeat("a", 4<<10),
	strings.Repeat("é", 300),
}

// noControls fails when an accepted value holds a character that must never
// be accepted.
func noControls(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s accepted invalid UTF-8 %q", what, s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			t.Fatalf("%s accepted control character %U in %q", what, r, s)
		}
	}
}

func fuzzText(f *testing.F, what string, validate func(string) error) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := validate(s); err == nil {
			noControls(t, what, s)
		} else if err.Error() == "" {
			t.Fatalf("%s: empty error message for %q", what, s)
		}
	})
}

func FuzzValidateEmail(f *testing.F)       { fuzzText(f, "ValidateEmail", ValidateEmail) }
func FuzzValidateUPN(f *testing.F)         { fuzzText(f, "ValidateUPN", ValidateUPN) }
func FuzzValidateCompanyName(f *testing.F) { fuzzText(f, "ValidateCompanyName", ValidateCompanyName) }
func FuzzValidatePersonName(f *testing.F)  { fuzzText(f, "ValidatePersonName", ValidatePersonName) }

func FuzzValidatePhone(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s, "DE")
	}
	f.Add("030 1234567", "DE")
	f.Add("+1 (415) 555-0100", "")
	f.Add("0044 20 7946 0958", "ZZ")
	f.Add("06 1 234 5678", "HU")
	f.Fuzz(func(t *testing.T, number, country string) {
		e164, err := ValidatePhone(number, country)
		if err != nil {
			return
		}
		// E.164: + and at most 15 digits, the first not 0.
		if len(e164) < 3 || len(e164) > 16 || e164[0] != '+' || e164[1] == '0' {
			t.Fatalf("ValidatePhone(%q, %q) = %q: not E.164", number, country, e164)
		}
		for _, c := range e164[1:] {
			if c < '0' || c > '9' {
				t.Fatalf("ValidatePhone(%q, %q) = %q: not only digits", number, country, e164)
			}
		}
		// Normalising is idempotent: the E.164 form validates to itself.
		again, err := ValidatePhone(e164, "")
		if err != nil || again != e164 {
			t.Fatalf("ValidatePhone(%q) = %q, %v; want it unchanged", e164, again, err)
		}
	})
}

func FuzzValidateInitialDomain(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Add("Contoso")
	f.Add("contoso.onmicrosoft.com")
	f.Add("2contoso")
	f.Add("con-toso")
	f.Add("ＣＯＮＴＯＳＯ") // full-width letters lower-case to something non-ASCII
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ValidateInitialDomain(s)
		if err != nil {
			return
		}
		prefix, ok := strings.CutSuffix(d, InitialDomainSuffix)
		if !ok || prefix == "" || len(prefix) > MaxInitialDomain || prefix[0] < 'a' || prefix[0] > 'z' {
			t.Fatalf("ValidateInitialDomain(%q) = %q", s, d)
		}
		for i := 0; i < len(prefix); i++ {
			if !(prefix[i] >= 'a' && prefix[i] <= 'z' || prefix[i] >= '0' && prefix[i] <= '9') {
				t.Fatalf("ValidateInitialDomain(%q) = %q: not [a-z0-9]", s, d)
			}
		}
		again, err := ValidateInitialDomain(d)
		if err != nil || again != d {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, d, again, err)
		}
	})
}

func FuzzValidatePostalCode(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s, "GB")
	}
	f.Add("SW1A 1AA", "GB")
	f.Add("94105-1234", "us")
	f.Add("D02 X285", "IE")
	f.Add("12345", "ZZ")
	f.Fuzz(func(t *testing.T, code, country string) {
		if ValidatePostalCode(code, country) == nil {
			noControls(t, "ValidatePostalCode", code)
		}
	})
}

func FuzzValidateAddress(f *testing.F) {
	f.Add("1 Main Street", "", "London", "", "SW1A 1AA", "GB")
	f.Add("1600 Amphitheatre Pkwy", "Bldg 4", "Mountain View", "CA", "94043", "US")
	f.Add("\x1b[2J", "\u202e", "\x1b]52;c;AAAA\a", "\x9b1m", "\x00", "G\x00B")
	f.Add(strings.Repeat("x", 4<<10), strings.Repeat("y", 4<<10), "City", "", "1", "ZZ")
	f.Fuzz(func(t *testing.T, line1, line2, city, state, postal, country string) {
		a := Address{Line1: line1, Line2: line2, City: city, State: state, PostalCode: postal, Country: country}
		err := ValidateAddress(a)
		if err == nil {
			for _, s := range []string{line1, line2, city, state, postal, country} {
				noControls(t, "ValidateAddress", s)
			}
			return
		}
		fe, ok := err.(*FieldErrors)
		if !ok || len(fe.Order) == 0 {
			t.Fatalf("ValidateAddress error %T %v: want *FieldErrors with fields", err, err)
		}
	})
}

func FuzzNormalizeDraftCode(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Add("k7qm 4xpa")
	f.Add("K7QM-4XPA")
	f.Add("k7qm4xpa")
	f.Add("K7QM-4XPO")
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := NormalizeDraftCode(s)
		if !ok {
			if c != "" {
				t.Fatalf("NormalizeDraftCode(%q) = %q, false: want empty", s, c)
			}
			return
		}
		if len(c) != draftCodeLen+1 || c[4] != '-' {
			t.Fatalf("NormalizeDraftCode(%q) = %q: not XXXX-XXXX", s, c)
		}
		for i, r := range c {
			if i != 4 && !strings.ContainsRune(draftAlphabet, r) {
				t.Fatalf("NormalizeDraftCode(%q) = %q: %q not in the alphabet", s, c, r)
			}
		}
		again, ok := NormalizeDraftCode(c)
		if !ok || again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, again)
		}
	})
}

func FuzzLoadCatalog(f *testing.F) {
	f.Add(defaultCatalogJSON)
	f.Add([]byte(`{"provider":"P","currency":"eur","offers":[{"id":"a","microsoftOfferId":"M","name":"A","skuId":"s","unitPrice":1,"minSeats":1,"maxSeats":1}]}`))
	f.Add([]byte(`{"provider":"\u001b]52;c;AAAA\u0007","currency":"EUR","offers":[{"id":"a","microsoftOfferId":"M","name":"\u202eA","skuId":"s","unitPrice":1,"minSeats":1,"maxSeats":2}]}`))
	f.Add([]byte(`{"currency":"EUR","offers":[{"id":"a","microsoftOfferId":"M","name":"A","skuId":"s","unitPrice":-1,"minSeats":5,"maxSeats":1}]}`))
	f.Add([]byte(`{"currency":"EUR","offers":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"currency":"EUR","offers":[{"unitPrice":1e400}]}`))
	f.Add(bytes.Repeat([]byte("["), 4<<10))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := LoadCatalog(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalidCatalog) {
				t.Fatalf("LoadCatalog error does not wrap ErrInvalidCatalog: %v", err)
			}
			return
		}
		if len(c.Currency) != 3 || len(c.Offers) == 0 {
			t.Fatalf("accepted catalog without currency or offers: %+v", c)
		}
		ids := map[string]bool{}
		for _, o := range c.Offers {
			if o.UnitPrice <= 0 || o.MinSeats < 1 || o.MinSeats > o.MaxSeats || o.Currency != c.Currency || ids[o.ID] {
				t.Fatalf("accepted invalid offer %+v in %s", o, c.Currency)
			}
			ids[o.ID] = true
		}
	})
}

// pastes1MB are 1 MB pastes a fuzzer does not reach on its own: the
// validators must reject each at once, by length, with the usual message.
func pastes1MB() map[string]string {
	const mb = 1 << 20
	fill := func(unit string) string { return strings.Repeat(unit, mb/len(unit)) }
	return map[string]string{
		"letters":     fill("a"),
		"csi":         fill("\x1b[2J"),
		"osc52":       fill("\x1b]52;c;QUFB\a"),
		"bidi":        fill("\u202e"),
		"multibyte":   fill("é"),
		"invalid":     fill("\xff"),
		"email-shape": "a@" + fill("b") + ".com",
	}
}

func TestValidatorsReject1MBPasteByLength(t *testing.T) {
	textValidators := map[string]func(string) error{
		"email": ValidateEmail, "upn": ValidateUPN, "company": ValidateCompanyName, "person": ValidatePersonName,
		"phone":          func(s string) error { _, err := ValidatePhone(s, "DE"); return err },
		"initial domain": func(s string) error { _, err := ValidateInitialDomain(s); return err },
		"postal code":    func(s string) error { return ValidatePostalCode(s, "GB") },
		"address line": func(s string) error {
			return ValidateAddress(Address{Line1: s, City: "x", Country: "GB", PostalCode: "SW1A 1AA"})
		},
	}
	for name, validate := range textValidators {
		for paste, s := range pastes1MB() {
			err := validate(s)
			if err == nil || !strings.Contains(err.Error(), "too long") {
				t.Errorf("%s with a 1 MB %s paste: %v, want a too-long error", name, paste, err)
			}
		}
	}
	for paste, s := range pastes1MB() {
		if c, ok := NormalizeDraftCode(s); ok {
			t.Errorf("NormalizeDraftCode(1 MB %s) = %q", paste, c)
		}
	}
}
