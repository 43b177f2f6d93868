package partnercenter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
)

func tailspin(reqID string) msapi.NewCustomer {
	return msapi.NewCustomer{
		DomainPrefix: "tailspin", CompanyName: "Tailspin Toys", FirstName: "Ada", LastName: "Lovelace",
		Email: "ada@tailspin.example", Phone: "+442079460958", AddressLine1: "1 Main Street", City: "London",
		PostalCode: "SW1A 1AA", Country: "gb", RequestID: reqID,
	}
}

func TestSandboxCreateCustomer(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	created, err := e.c.CreateCustomer(ctx, tailspin("create-1"))
	if err != nil {
		t.Fatal(err)
	}
	if created.TenantID == "" || created.Domain != "tailspin.onmicrosoft.com" ||
		created.AdminUserName != "admin@tailspin.onmicrosoft.com" || created.AdminPassword == "" {
		t.Fatalf("created = %+v", created)
	}
	// The new tenant is the partner's customer and its administrator signs in.
	cust, err := e.c.FindCustomerByDomain(ctx, created.Domain)
	if err != nil || cust.TenantID != created.TenantID || cust.Relationship != msapi.RelationshipReseller {
		t.Fatalf("find = %+v, %v", cust, err)
	}
	admin, err := e.c.VerifyGlobalAdmin(ctx, created.AdminUserName, created.AdminPassword)
	if err != nil || admin.TenantID != created.TenantID {
		t.Fatalf("verify = %+v, %v", admin, err)
	}
	// A retry of the same request is the same tenant; the password is not repeated.
	again, err := e.c.CreateCustomer(ctx, tailspin("create-1"))
	if err != nil || again.TenantID != created.TenantID || again.AdminPassword != "" {
		t.Fatalf("repeat = %+v, %v", again, err)
	}
	_, err = e.c.CreateCustomer(ctx, tailspin("create-2"))
	if !errors.Is(err, msapi.ErrDomainTaken) {
		t.Fatalf("same domain, new request: %v, want ErrDomainTaken", err)
	}
	if strings.Contains(err.Error(), created.AdminPassword) {
		t.Fatal("the password leaked into an error")
	}
	bad := tailspin("create-3")
	bad.Email = ""
	if _, err := e.c.CreateCustomer(ctx, bad); !errors.Is(err, msapi.ErrInvalidRequest) {
		t.Fatalf("no e-mail: %v", err)
	}
}

func TestSandboxAgreement(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	cust := e.linked(t, "admin@"+contoso, "Contoso-Admin-1")
	if ok, err := e.c.HasAgreement(ctx, cust.TenantID); err != nil || ok {
		t.Fatalf("seeded tenant has agreement = %v, %v", ok, err)
	}
	req := msapi.OrderRequest{RequestID: "order-1", Lines: []msapi.OrderLine{{OfferID: "CFQ7TTC0LH18:0001:CFQ7TTC0K971", Quantity: 1}}}
	if _, err := e.c.PlaceOrder(ctx, cust.TenantID, req); !errors.Is(err, msapi.ErrAgreementMissing) {
		t.Fatalf("order before the agreement: %v, want ErrAgreementMissing", err)
	}
	a := msapi.AgreementAcceptance{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
		DateAgreed: time.Date(2026, 1, 5, 9, 30, 0, 0, time.FixedZone("CET", 3600))}
	if err := e.c.AcceptAgreement(ctx, cust.TenantID, a); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.c.HasAgreement(ctx, cust.TenantID); err != nil || !ok {
		t.Fatalf("after accepting = %v, %v", ok, err)
	}
	if !e.sb.AgreementAccepted(cust.TenantID) {
		t.Fatal("the sandbox has no agreement")
	}
	// Accepting again is success, without a second POST.
	posts := func() int {
		n := 0
		for _, r := range e.rec.requests() {
			if r.method == "POST" && strings.HasSuffix(r.path, "/agreements") {
				n++
			}
		}
		return n
	}
	before := posts()
	if err := e.c.AcceptAgreement(ctx, cust.TenantID, a); err != nil {
		t.Fatalf("accept again: %v", err)
	}
	if posts() != before {
		t.Error("an accepted agreement was posted again")
	}
	if _, err := e.c.PlaceOrder(ctx, cust.TenantID, req); err != nil {
		t.Fatalf("order after the agreement: %v", err)
	}
	if err := e.c.AcceptAgreement(ctx, cust.TenantID, msapi.AgreementAcceptance{FirstName: "Ada"}); !errors.Is(err, msapi.ErrInvalidRequest) {
		t.Errorf("incomplete acceptance: %v", err)
	}
}

func TestAgreementNeedsAppUser(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, func(c *partnercenter.Config) { c.RefreshToken = "" })
	a := msapi.AgreementAcceptance{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", DateAgreed: time.Now()}
	if err := e.c.AcceptAgreement(context.Background(), "any", a); !errors.Is(err, msapi.ErrInvalidRequest) || !strings.Contains(err.Error(), "App+User") {
		t.Fatalf("without a refresh token: %v", err)
	}
}
