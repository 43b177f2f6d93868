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
