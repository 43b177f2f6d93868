package sandbox_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

func newCustomerBody(domain string) wire.Customer {
	return wire.Customer{
		CompanyProfile: wire.CompanyProfile{Domain: domain},
		BillingProfile: &wire.BillingProfile{
			Email: "ada@tailspin.example", Culture: "en-US", Language: "en", CompanyName: "Tailspin Toys",
			DefaultAddress: &wire.Address{Country: "GB", City: "London", AddressLine1: "1 Main Street",
				PostalCode: "SW1A 1AA", FirstName: "Ada", LastName: "Lovelace", PhoneNumber: "+442079460958"},
		},
	}
}

// createCustomer POSTs a new customer with request id reqID.
func (e *env) createCustomer(domain, reqID string) (int, wire.Customer, []byte) {
	e.t.Helper()
	var c wire.Customer
	status, b, _ := e.call("POST", e.urls.PartnerCenter+"/v1/customers", e.appOnlyToken(), newCustomerBody(domain),
		map[string]string{wire.HeaderRequestID: reqID}, &c)
	return status, c, b
}

func (e *env) domainStatus(domain string) int {
	e.t.Helper()
	status, _, _ := e.call("HEAD", e.urls.PartnerCenter+"/v1/domains/"+domain, e.appOnlyToken(), nil, nil, nil)
	return status
}

func TestCreateCustomer(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	if got := e.domainStatus("tailspin.onmicrosoft.com"); got != http.StatusNotFound {
		t.Fatalf("HEAD before create = %d, want 404", got)
	}
	if status, _, b := e.createCustomer("tailspin", "req-bare"); status != http.StatusBadRequest || pcErrorCode(t, b) != wire.CodeInvalidInput {
		t.Fatalf("bare prefix = %d %s, want 400 (the documented domain is the full one)", status, b)
	}
	status, c, b := e.createCustomer("tailspin.onmicrosoft.com", "req-create-1")
	if status != http.StatusCreated || c.ID == "" || c.CompanyProfile.Domain != "tailspin.onmicrosoft.com" ||
		c.RelationshipToPartner != "reseller" || c.UserCredentials == nil {
		t.Fatalf("create = %d %s", status, b)
	}
	uc := *c.UserCredentials
	if uc.UserName != "admin" || len(uc.Password) < 12 {
		t.Fatalf("credentials = %q / %d characters", uc.UserName, len(uc.Password))
	}
	if got := e.domainStatus("tailspin.onmicrosoft.com"); got != http.StatusOK {
		t.Errorf("HEAD after create = %d, want 200 (taken)", got)
	}
	if got := e.searchCustomers(e.appOnlyToken(), "tailspin"); len(got) != 1 || got[0].ID != c.ID {
		t.Errorf("search after create = %+v", got)
	}
	// The first administrator signs in with the password shown once and is a Global administrator.
	tok := e.mustToken("tailspin.onmicrosoft.com", passwordForm(e, "admin@tailspin.onmicrosoft.com", uc.Password))
	var roles wire.GraphCollection[wire.DirectoryObject]
	status, b, _ = e.call("GET", e.urls.Graph+"/me/memberOf", tok, nil, nil, &roles)
	globalAdmin := false
	for _, r := range roles.Value {
		globalAdmin = globalAdmin || r.RoleTemplateID == "62e90394-69f5-4237-9190-012177145e10"
	}
	if status != http.StatusOK || !globalAdmin {
		t.Errorf("memberOf = %d %s", status, b)
	}
	if status, _, _ := e.tokenReq("tailspin.onmicrosoft.com", passwordForm(e, "admin@tailspin.onmicrosoft.com", "wrong")); status != http.StatusBadRequest {
		t.Errorf("wrong password sign-in = %d", status)
	}

	// The same request again is the same customer, and the password is not repeated.
	status, again, b := e.createCustomer("tailspin.onmicrosoft.com", "req-create-1")
	if status != http.StatusCreated || again.ID != c.ID || again.UserCredentials != nil {
		t.Fatalf("repeat = %d %s", status, b)
	}
	// Another request for the same domain is refused.
	status, _, b = e.createCustomer("TailSpin.onmicrosoft.com", "req-create-2")
	if status != http.StatusConflict || pcErrorCode(t, b) != wire.CodeDomainTaken {
		t.Fatalf("second tenant for the same domain = %d %s", status, b)
	}
}

func TestCreateCustomerRefused(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, taken := range []string{"contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com", "sandboxpartner.onmicrosoft.com"} {
		if status, _, b := e.createCustomer(taken, "req-"+taken); status != http.StatusConflict || pcErrorCode(t, b) != wire.CodeDomainTaken {
			t.Errorf("%s: %d %s", taken, status, b)
		}
	}
	for _, bad := range []string{"", "tailspin", "tail-spin.onmicrosoft.com", "tail.spin.onmicrosoft.com", "täilspin.onmicrosoft.com", "abcdefghijklmnopqrstuvwxyz01.onmicrosoft.com"} {
		if status, _, b := e.createCustomer(bad, "req-bad"); status != http.StatusBadRequest || pcErrorCode(t, b) != wire.CodeInvalidInput {
			t.Errorf("domain %q: %d %s", bad, status, b)
		}
	}
	body := newCustomerBody("tailspin.onmicrosoft.com")
	body.BillingProfile.DefaultAddress.Country = ""
	if status, b, _ := e.call("POST", e.urls.PartnerCenter+"/v1/customers", e.appOnlyToken(), body, nil, nil); status != http.StatusBadRequest ||
		!bytes.Contains(b, []byte("defaultAddress.country")) {
		t.Errorf("no country: %d %s", status, b)
	}
	if got := e.domainStatus("tailspin.onmicrosoft.com"); got != http.StatusNotFound {
		t.Errorf("a refused create took the domain: HEAD = %d", got)
	}
}

func TestCreatedCustomerPersistedAndReset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, sandbox.Options{StatePath: path})
	_, c, _ := e.createCustomer("tailspin.onmicrosoft.com", "req-1")
	e.agree(c.ID)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(c.UserCredentials.Password)) {
		t.Fatal("the generated administrator password was written to the state file")
	}

	restarted := newEnv(t, sandbox.Options{StatePath: path})
	if got := restarted.searchCustomers(restarted.appOnlyToken(), "tailspin"); len(got) != 1 || got[0].ID != c.ID {
		t.Fatalf("after restart: %+v", got)
	}
	restarted.mustToken("tailspin.onmicrosoft.com", passwordForm(restarted, "admin@tailspin.onmicrosoft.com", c.UserCredentials.Password))
	if !restarted.sb.AgreementAccepted(c.ID) {
		t.Error("the agreement was lost across a restart")
	}
	if status, _, b := restarted.createCustomer("tailspin.onmicrosoft.com", "req-2"); status != http.StatusConflict {
		t.Errorf("domain free again after restart: %d %s", status, b)
	}

	if err := restarted.sb.Reset(); err != nil {
		t.Fatal(err)
	}
	if got := restarted.domainStatus("tailspin.onmicrosoft.com"); got != http.StatusNotFound {
		t.Errorf("after reset HEAD = %d, want 404", got)
	}
	if restarted.sb.AgreementAccepted(c.ID) {
		t.Error("reset kept the agreement")
	}
	if status, _, b := restarted.createCustomer("tailspin.onmicrosoft.com", "req-3"); status != http.StatusCreated {
		t.Errorf("create after reset = %d %s", status, b)
	}
}
