package flow

import (
	"errors"
	"strings"
	"testing"
)

func TestValidators(t *testing.T) {
	huge := strings.Repeat("a", 1<<20)
	tests := []struct {
		name    string
		fn      func(string) error
		in      string
		wantErr string // "" = valid
	}{
		{"email ok", ValidateEmail, "anna.berg+it@example.co.uk", ""},
		{"email trimmed", ValidateEmail, "  anna@example.com ", ""},
		{"email empty", ValidateEmail, "  ", "enter the e-mail address"},
		{"email no at", ValidateEmail, "anna.example.com", "like name@example.com"},
		{"email two ats", ValidateEmail, "a@b@example.com", "like name@example.com"},
		{"email dot dot", ValidateEmail, "a..b@example.com", "like name@example.com"},
		{"email bad domain", ValidateEmail, "anna@localhost", "not a valid domain"},
		{"email hyphen label", ValidateEmail, "anna@-x.com", "not a valid domain"},
		{"email typo in tld", ValidateEmail, "anna@fabrikam.con", `".con" is not a top-level domain`},
		{"email typo in tld upper", ValidateEmail, "anna@GMAIL.CMO", `".cmo" is not a top-level domain`},
		{"email country tld", ValidateEmail, "anna@fabrikam.de", ""},
		{"email new gtld", ValidateEmail, "anna@fabrikam.shop", ""},
		{"email idn tld", ValidateEmail, "anna@пример.рф", ""},
		{"email trailing dot", ValidateEmail, "anna@fabrikam.com.", ""},
		{"email reserved tld", ValidateEmail, "anna@shop.example", ""},
		{"email lookup keeps unknown tld", ValidateEmailSyntax, "anna@fabrikam.con", ""},
		{"email lookup still checks syntax", ValidateEmailSyntax, "anna.fabrikam.con", "like name@example.com"},
		{"email display name", ValidateEmail, "Anna <anna@example.com>", "like name@example.com"},
		{"email control", ValidateEmail, "anna@exa\x1b[31mmple.com", "control characters"},
		{"email huge", ValidateEmail, huge, "too long: at most 254 characters"},
		{"upn ok", ValidateUPN, "admin@contoso.onmicrosoft.com", ""},
		{"upn custom domain", ValidateUPN, "it.admin@contoso.de", ""},
		{"upn missing domain", ValidateUPN, "admin", "like admin@contoso.onmicrosoft.com"},
		{"upn long domain", ValidateUPN, "a@" + strings.Repeat("d", 45) + ".com", "not a valid domain"},
		{"upn huge", ValidateUPN, huge, "too long: at most 113 characters"},
		{"company ok", ValidateCompanyName, "Müller & Söhne GmbH", ""},
		{"company empty", ValidateCompanyName, "", "enter the company name"},
		{"company punctuation only", ValidateCompanyName, "---", "letters or digits"},
		{"company newline", ValidateCompanyName, "Acme\nInc", "control characters"},
		{"company bidi", ValidateCompanyName, "Acme\u202eInc", "control characters"},
		{"company huge", ValidateCompanyName, huge, "too long: at most 120 characters"},
		{"person ok", ValidatePersonName, "Anne-Marie O'Neil", ""},
		{"person accents", ValidatePersonName, "José Ñúñez", ""},
		{"person digits", ValidatePersonName, "R2D2", "letters, spaces, hyphens"},
		{"person empty", ValidatePersonName, "", "enter the name"},
		{"person huge", ValidatePersonName, huge, "too long: at most 64 characters"},
		{"invalid utf8", ValidatePersonName, "Ann\xffa", "invalid characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.fn(tt.in), tt.wantErr)
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q, want it to contain %q", err, want)
	}
}

func TestValidatePhone(t *testing.T) {
	tests := []struct {
		number, country, want, wantErr string
	}{
		{"+49 30 1234567", "", "+49301234567", ""},
		{"0049 (30) 123-4567", "FR", "+49301234567", ""},
		{"030 1234567", "DE", "+49301234567", ""},
		{"(415) 555-0132", "us", "+14155550132", ""},
		{"1 415 555 0132", "US", "+14155550132", ""},
		{"06 12 34 56 78", "FR", "+33612345678", ""},
		{"06 1234 5678", "IT", "+390612345678", ""}, // Italy keeps the 0
		{"020 7946 0958", "GB", "+442079460958", ""},
		{"612 345 678", "ES", "+34612345678", ""},
		{"030 1234567", "", "", "choose the country"},
		{"030 1234567", "XX", "", "choose the country"},
		{"+0 30 1234567", "", "", "country code"},
		{"+49 30", "", "", "too short"},
		{"+49 30 1234 5678 9012 3", "", "", "too long"},
		// Per country (libphonenumber): a US number has ten digits.
		{"+1 555 0100", "US", "", "too short: enter it with the area code, e.g. +1 201-555-0123"},
		{"555 0100", "US", "", "e.g. +1 201-555-0123"},
		{"+1 201 555 0123", "US", "+12015550123", ""},
		{"+1 201 555 01234", "US", "", "too long: a number there looks like +1 201-555-0123"},
		{"+33 1 23 45", "DE", "", "e.g. +33 1 23 45 67 89"}, // the number's own country
		{"+1 123 456 7890", "US", "", "not a number of that country: check the digits, e.g. +1 201-555-0123"},
		{"+49 30 123456a", "", "", "digits, spaces"},
		{"", "DE", "", "enter the phone number"},
		{strings.Repeat("1", 1<<20), "DE", "", "too long: at most 32 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.number+"/"+tt.country, func(t *testing.T) {
			got, err := ValidatePhone(tt.number, tt.country)
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidateInitialDomain(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"contoso", "contoso.onmicrosoft.com", ""},
		{"Contoso2.OnMicrosoft.com", "contoso2.onmicrosoft.com", ""},
		{" fabrikam ", "fabrikam.onmicrosoft.com", ""},
		{strings.Repeat("a", 27), strings.Repeat("a", 27) + ".onmicrosoft.com", ""},
		{strings.Repeat("a", 28), "", "at most 27"},
		{"contoso-eu", "", "letters a-z and digits"},
		{"cöntoso", "", "letters a-z and digits"},
		{"2contoso", "", "start with a letter"},
		{"contoso.com", "", "only the name before"},
		{".onmicrosoft.com", "", "enter the name before"},
		{"", "", "enter the initial domain"},
		{strings.Repeat("a", 1<<20), "", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ValidateInitialDomain(tt.in)
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidateAddress(t *testing.T) {
	ok := Address{Line1: "Unter den Linden 1", City: "Berlin", PostalCode: "10117", Country: "DE"}
	tests := []struct {
		name   string
		edit   func(*Address)
		fields map[string]string // field → message fragment
	}{
		{"valid", func(*Address) {}, nil},
		{"lower-case country", func(a *Address) { a.Country = "de" }, nil},
		{"missing all", func(a *Address) { *a = Address{} }, map[string]string{
			"Line1": "enter the street", "City": "enter the city", "Country": "choose the country"}},
		{"unknown country", func(a *Address) { a.Country = "QQ" }, map[string]string{"Country": "unknown country"}},
		{"german postal", func(a *Address) { a.PostalCode = "1011" }, map[string]string{"PostalCode": "like 10115"}},
		{"uk postal ok", func(a *Address) { a.Country, a.PostalCode = "GB", "sw1a 1aa" }, nil},
		{"nl postal", func(a *Address) { a.Country, a.PostalCode = "NL", "1012" }, map[string]string{"PostalCode": "like 1012 AB"}},
		{"us needs state", func(a *Address) { a.Country, a.PostalCode = "US", "94105" }, map[string]string{"State": "state"}},
		{"us zip", func(a *Address) { a.Country, a.State, a.PostalCode = "US", "CA", "9410" }, map[string]string{"PostalCode": "94105"}},
		{"generic postal", func(a *Address) { a.Country, a.PostalCode = "FI", "00100" }, nil},
		{"line2 control", func(a *Address) { a.Line2 = "x\x07" }, map[string]string{"Line2": "control"}},
		{"huge line", func(a *Address) { a.Line1 = strings.Repeat("x", 1<<20) }, map[string]string{"Line1": "too long: at most 100"}},
		// A phone number typed in the wrong field: street and city need a letter.
		{"phone as street and city", func(a *Address) { a.Line1, a.City = "+1 555 0100", "030 1234567" }, map[string]string{
			"Line1": "enter the street name too", "City": "enter the name of the city"}},
		{"international names", func(a *Address) { a.Line1, a.City = "Straße 1", "東京" }, nil},
		{"french street", func(a *Address) {
			a.Country, a.Line1, a.City, a.PostalCode = "FR", "3 Rue d'Alésia", "Saint-Étienne", "42000"
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ok
			tt.edit(&a)
			err := ValidateAddress(a)
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var fe *FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not *FieldErrors", err)
			}
			for f, frag := range tt.fields {
				if !strings.Contains(fe.Field(f), frag) {
					t.Errorf("field %s: %q, want %q (all: %v)", f, fe.Field(f), frag, err)
				}
			}
			if len(fe.Fields) != len(tt.fields) {
				t.Errorf("fields %v, want only %v", fe.Fields, tt.fields)
			}
		})
	}
}

func TestValidateSeats(t *testing.T) {
	o, _ := DefaultCatalog().Offer("m365-business-basic")
	for n, want := range map[int]string{0: "between 1 and 300", 1: "", 300: "", 301: "between 1 and 300", -5: "between"} {
		checkErr(t, ValidateSeats(o, n), want)
	}
}

// An invisible character makes another name that looks the same: refused,
// with how to fix it; the joiners that scripts need to spell are allowed.
func TestCompanyNameRefusesInvisibleCharacters(t *testing.T) {
	for _, s := range []string{"Fab\u200brikam", "Fabrikam\u2060", "\ufeffFabrikam", "Fabri\u00adkam", "Fab\u2062rikam"} {
		err := ValidateCompanyName(s)
		if err == nil || !strings.Contains(err.Error(), "invisible character") || !strings.Contains(err.Error(), "type it") {
			t.Errorf("ValidateCompanyName(%+q) = %v, want the invisible-character refusal", s, err)
		}
	}
	for _, s := range []string{"شرکت می\u200cخواهم", "क्\u200dष Traders", "Fabrikam"} {
		if err := ValidateCompanyName(s); err != nil {
			t.Errorf("ValidateCompanyName(%+q) = %v, want accepted", s, err)
		}
	}
}
