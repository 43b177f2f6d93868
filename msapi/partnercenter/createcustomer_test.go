package partnercenter_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// Create a customer as the page documents it: the request carries the full
// initial domain in companyProfile.domain; the documented answer
// (testdata/create-customer-response.json, the page's example) names the
// administrator "admin" alone, and the client completes the login with the
// domain.
func TestCreateCustomerDocumentedExample(t *testing.T) {
	answer, err := os.ReadFile(filepath.Join("testdata", "create-customer-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(answer)
	})
	created, err := f.client().CreateCustomer(context.Background(), msapi.NewCustomer{
		DomainPrefix: "tailspin", CompanyName: "Tailspin Toys", FirstName: "Ada", LastName: "Lovelace",
		Email: "ada@tailspin.example", AddressLine1: "1 Main Street", City: "London", PostalCode: "SW1A 1AA",
		Country: "gb", RequestID: "94e4e214-6b06-4fb7-96d1-94d559f9b47f",
	})
	if err != nil {
		t.Fatal(err)
	}
	var sent wire.Customer
	f.mu.Lock()
	body := f.bodies[0]
	f.mu.Unlock()
	if err := json.Unmarshal([]byte(body), &sent); err != nil {
		t.Fatal(err)
	}
	if sent.CompanyProfile.Domain != "tailspin.onmicrosoft.com" {
		t.Errorf("companyProfile.domain sent = %q, want the full initial domain", sent.CompanyProfile.Domain)
	}
	if created.TenantID != "dfd8cc0a-c592-468c-8461-869a38d24738" || created.Domain != "xyz.ccsctp.net" ||
		created.AdminUserName != "admin@xyz.ccsctp.net" || created.AdminPassword != "=;;n.=s9Z" {
		t.Errorf("created = %+v", created)
	}
}

func TestAdminLogin(t *testing.T) {
	for _, tc := range []struct{ user, domain, want string }{
		{"admin", "Tailspin.onmicrosoft.com", "admin@tailspin.onmicrosoft.com"},
		{"admin@tailspin.onmicrosoft.com", "tailspin.onmicrosoft.com", "admin@tailspin.onmicrosoft.com"},
		{"", "tailspin.onmicrosoft.com", ""},
		{"admin", "", "admin"},
	} {
		if got := msapi.AdminLogin(tc.user, tc.domain); got != tc.want {
			t.Errorf("AdminLogin(%q, %q) = %q, want %q", tc.user, tc.domain, got, tc.want)
		}
	}
}

// The customer's language reaches Microsoft as Partner Center documents it:
// the X-Locale header of the call and the billing profile's culture and
// language, so Microsoft's mails and invoices speak it.
func TestCreateCustomerInTheCustomersLanguage(t *testing.T) {
	answer, err := os.ReadFile(filepath.Join("testdata", "create-customer-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(answer)
	})
	ctx := msapi.WithLocale(context.Background(), "de-AT")
	_, err = f.client().CreateCustomer(ctx, msapi.NewCustomer{
		DomainPrefix: "tailspin", CompanyName: "Tailspin Toys", FirstName: "Ada", LastName: "Lovelace",
		Email: "ada@tailspin.example", AddressLine1: "Ring 1", City: "Wien", PostalCode: "1010",
		Country: "AT", Culture: "de-AT", Language: "de", RequestID: "94e4e214-6b06-4fb7-96d1-94d559f9b47f",
	})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	req, body := f.reqs[0], f.bodies[0]
	f.mu.Unlock()
	if got := req.Header.Get(wire.HeaderLocale); got != "de-AT" {
		t.Errorf("X-Locale = %q, want de-AT", got)
	}
	var sent wire.Customer
	if err := json.Unmarshal([]byte(body), &sent); err != nil {
		t.Fatal(err)
	}
	if sent.BillingProfile.Culture != "de-AT" || sent.BillingProfile.Language != "de" {
		t.Errorf("billing profile culture, language = %q, %q; want de-AT, de", sent.BillingProfile.Culture, sent.BillingProfile.Language)
	}
	// Without a customer's language, the provider's default.
	f2 := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[]}`))
	})
	_, _ = f2.client().FindCustomerByDomain(context.Background(), "x.onmicrosoft.com")
	f2.mu.Lock()
	defer f2.mu.Unlock()
	if len(f2.reqs) == 0 || f2.reqs[0].Header.Get(wire.HeaderLocale) != "en-US" {
		t.Errorf("default X-Locale: %v", f2.reqs)
	}
}
